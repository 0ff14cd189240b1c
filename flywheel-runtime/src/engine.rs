//! The [`Engine`]: a DynamoDB client, a table-name namespace, and table management.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    LocalSecondaryIndex, ProjectionType, ProvisionedThroughput, ScalarAttributeType, TableStatus,
    TimeToLiveSpecification, TimeToLiveStatus,
};

use crate::cursor::{CursorConfig, CursorKey};
use crate::error::{Error, Result, TimeoutKind};
use crate::retry::{Failure, OperationError, Replay, RetryPolicy, SdkResult, Timeouts};
use crate::schema::{
    Billing, IndexKind, KeyAttribute, Projection, ScalarType, TableSchema, Throughput,
};

/// Makes a builder `Name<'a, M>` with an `async fn send(self) -> Result<Out>` awaitable.
macro_rules! awaitable {
    ($builder:ident -> $out:ty) => {
        impl<'a, M: $crate::Model> ::std::future::IntoFuture for $builder<'a, M> {
            type Output = $crate::Result<$out>;
            type IntoFuture = $crate::engine::BoxFuture<'a, $crate::Result<$out>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
pub(crate) use awaitable;

/// A boxed future, as returned by the builders' `into_future`.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// How long table management waits for DynamoDB to finish creating or deleting a table.
const TABLE_WAIT: Duration = Duration::from_secs(600);

/// The entry point of flywheel: a DynamoDB client plus an optional table-name namespace, the
/// retry policy and time limits of every request, and the key of its cursors.
///
/// Cloning is cheap and clones share the connection pool.
#[derive(Debug, Clone)]
pub struct Engine {
    client: Client,
    namespace: String,
    retry: RetryPolicy,
    timeouts: Timeouts,
    concurrency: usize,
    cursors: CursorConfig,
}

/// Concurrent requests of a batch operation, by default.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The environment variable [`Engine::from_env`] reads the cursor key from.
pub const CURSOR_KEY_VARIABLE: &str = "FLYWHEEL_CURSOR_KEY";

impl Engine {
    /// An engine configured by the standard AWS chain: environment (`AWS_REGION`,
    /// `AWS_ENDPOINT_URL`, credentials), shared config and credentials files, then instance
    /// metadata. The cursor key is read from `FLYWHEEL_CURSOR_KEY` when it is set (see
    /// [`cursor`](crate::cursor)); a value shorter than 32 bytes makes every cursor operation
    /// fail with an error that says so.
    pub async fn from_env() -> Engine {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .load()
            .await;
        let engine = Engine::from_sdk_config(&config);
        match std::env::var_os(CURSOR_KEY_VARIABLE) {
            None => engine,
            Some(secret) => {
                let secret = secret.as_encoded_bytes();
                match CursorKey::new(secret) {
                    Ok(key) => engine.with_cursor_key(key),
                    Err(_) => Engine {
                        cursors: engine.cursors.with_problem(format!(
                            "{CURSOR_KEY_VARIABLE} is set but holds {} bytes; a cursor key needs \
                             at least {} bytes of secret",
                            secret.len(),
                            crate::cursor::MIN_KEY_BYTES
                        )),
                        ..engine
                    },
                }
            }
        }
    }

    /// An engine for an SDK configuration that was built elsewhere. Its retry and timeout
    /// settings are replaced by the engine's ([`with_retry`](Engine::with_retry),
    /// [`with_timeouts`](Engine::with_timeouts)).
    pub fn from_sdk_config(config: &aws_config::SdkConfig) -> Engine {
        Engine::from_client(Client::new(config))
    }

    /// An engine for an existing client. The client's retry and timeout settings are replaced
    /// by the engine's, so that one policy decides for every request.
    pub fn from_client(client: Client) -> Engine {
        let timeouts = Timeouts::default();
        Engine {
            client: configured(client.config().to_builder(), &timeouts),
            namespace: String::new(),
            retry: RetryPolicy::default(),
            timeouts,
            concurrency: DEFAULT_CONCURRENCY,
            cursors: CursorConfig::default(),
        }
    }

    /// Changes the client's configuration, keeping everything else of the engine; for example
    /// `engine.with_client_config(|c| c.interceptor(my_interceptor))`. The engine's retry
    /// policy and time limits still replace the client's own.
    pub fn with_client_config(
        mut self,
        change: impl FnOnce(aws_sdk_dynamodb::config::Builder) -> aws_sdk_dynamodb::config::Builder,
    ) -> Engine {
        self.client = configured(change(self.client.config().to_builder()), &self.timeouts);
        self
    }

    /// Uses `policy` for every request: how often a failed request is sent again and how long
    /// to wait in between (see [`retry`](crate::retry)). Replaces the earlier policy.
    pub fn with_retry(mut self, policy: RetryPolicy) -> Engine {
        self.retry = policy;
        self
    }

    /// Uses `timeouts` for every request. Replaces the earlier limits.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Engine {
        self.timeouts = timeouts;
        self.client = configured(self.client.config().to_builder(), &self.timeouts);
        self
    }

    /// The time limits.
    pub fn timeouts(&self) -> &Timeouts {
        &self.timeouts
    }

    /// Seals cursors with `key`, so that they can be neither read nor forged (see
    /// [`cursor`](crate::cursor)). Replaces an earlier key.
    pub fn with_cursor_key(mut self, key: CursorKey) -> Engine {
        self.cursors = self.cursors.with_key(key);
        self
    }

    /// Also accepts cursors made with `key`, a key being replaced, so that cursors in flight
    /// keep working; new cursors use the key of [`with_cursor_key`](Engine::with_cursor_key).
    pub fn with_retired_cursor_key(mut self, key: CursorKey) -> Engine {
        self.cursors = self.cursors.with_retired(key);
        self
    }

    /// Signs cursors instead of sealing them: they still cannot be altered or forged, but the
    /// key values in them can be read. Needs a cursor key.
    pub fn with_readable_cursors(mut self) -> Engine {
        self.cursors = self.cursors.readable();
        self
    }

    pub(crate) fn cursors(&self) -> &CursorConfig {
        &self.cursors
    }

    /// Sends the request `attempt` makes under the engine's retry policy and time limits.
    pub(crate) async fn call<T, E, F, Fut>(
        &self,
        operation: &'static str,
        table: &str,
        replay: Replay,
        attempt: F,
    ) -> std::result::Result<T, Failure<E>>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = SdkResult<T, E>>,
        E: OperationError,
    {
        crate::retry::call(
            &self.retry,
            &self.timeouts,
            operation,
            table,
            replay,
            attempt,
        )
        .await
    }

    /// [`call`](Engine::call) with the failure as a flywheel error.
    pub(crate) async fn send<T, E, F, Fut>(
        &self,
        operation: &'static str,
        table: &str,
        replay: Replay,
        attempt: F,
    ) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = SdkResult<T, E>>,
        E: OperationError,
    {
        self.call(operation, table, replay, attempt)
            .await
            .map_err(|f| f.into_error(operation))
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// How many requests a batch operation sends at once (default 8). Replaces the earlier
    /// number.
    pub fn with_concurrency(mut self, requests: usize) -> Engine {
        self.concurrency = requests.max(1);
        self
    }

    /// How many requests a batch operation sends at once.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// Prefixes every table name with `namespace` (flywheel's `namespace`), for example
    /// `"test-"` to keep a test run's tables apart from the real ones. Replaces the earlier
    /// namespace.
    pub fn with_namespace(mut self, namespace: impl Into<String>) -> Engine {
        self.namespace = namespace.into();
        self
    }

    /// The namespace prepended to table names (empty by default).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The raw SDK client, for anything flywheel does not do.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The name of `schema`'s table in DynamoDB: the namespace followed by the schema's name.
    pub fn table_name(&self, schema: &TableSchema) -> String {
        let mut name = String::with_capacity(self.namespace.len() + schema.name.len());
        name.push_str(&self.namespace);
        name.push_str(schema.name);
        name
    }

    /// Creates the tables that do not exist yet, with their indexes, billing and time to live,
    /// and waits until each is `ACTIVE`; resolves to the names of the tables it created. See
    /// [`CreateSchema`] for options, such as [`skip_ttl`](CreateSchema::skip_ttl) for servers
    /// without time to live.
    pub fn create_schema<'a>(&'a self, tables: &'a [&'a TableSchema]) -> CreateSchema<'a> {
        CreateSchema {
            engine: self,
            tables,
            ttl: true,
        }
    }

    /// Deletes the tables that exist and waits until they are gone. Returns the names of the
    /// tables it deleted.
    pub async fn delete_schema(&self, tables: &[&TableSchema]) -> Result<Vec<String>> {
        let mut deleted = Vec::new();
        for schema in tables {
            let name = self.table_name(schema);
            let request = self.client.delete_table().table_name(&name);
            match self
                .call("DeleteTable", &name, Replay::Safe, || {
                    request.clone().send()
                })
                .await
            {
                Ok(_) => deleted.push(name.clone()),
                Err(Failure::Sdk(err))
                    if err
                        .as_service_error()
                        .is_some_and(|e| e.is_resource_not_found_exception()) =>
                {
                    continue;
                }
                Err(failure) => return Err(failure.into_error("DeleteTable")),
            }
            self.wait(&name, "DeleteTable", "deleted", |status| status.is_none())
                .await?;
        }
        Ok(deleted)
    }

    /// Sends CreateTable; `false` when the table exists already.
    async fn create_table(&self, schema: &TableSchema, name: &str) -> Result<bool> {
        // A global index's key may be several attributes of each kind, in key-schema order.
        let key_schema = |hash: &[KeyAttribute], range: &[KeyAttribute]| {
            let hash = hash.iter().map(|k| key_element(k.name, KeyType::Hash));
            let range = range.iter().map(|k| key_element(k.name, KeyType::Range));
            hash.chain(range).collect::<Vec<_>>()
        };
        let (hash, range) = (
            std::slice::from_ref(&schema.hash_key),
            schema.range_key.as_slice(),
        );
        let mut request = self
            .client
            .create_table()
            .table_name(name)
            .set_key_schema(Some(key_schema(hash, range)));
        for key in schema.key_definitions() {
            request = request.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(key.name)
                    .attribute_type(scalar_type(key.scalar))
                    .build()
                    .map_err(|e| Error::Validation(e.to_string()))?,
            );
        }
        request = match schema.billing {
            Billing::OnDemand => request.billing_mode(BillingMode::PayPerRequest),
            Billing::Provisioned(t) => request
                .billing_mode(BillingMode::Provisioned)
                .provisioned_throughput(throughput(t)?),
        };
        for index in schema.indexes {
            let projection = projection(index.projection);
            let keys = key_schema(index.hash_key, index.range_key);
            request = match index.kind {
                IndexKind::Local => request.local_secondary_indexes(
                    LocalSecondaryIndex::builder()
                        .index_name(index.name)
                        .set_key_schema(Some(keys))
                        .projection(projection)
                        .build()
                        .map_err(|e| Error::Validation(e.to_string()))?,
                ),
                IndexKind::Global => {
                    let mut gsi = GlobalSecondaryIndex::builder()
                        .index_name(index.name)
                        .set_key_schema(Some(keys))
                        .projection(projection);
                    if let Billing::Provisioned(table) = schema.billing {
                        gsi = gsi
                            .provisioned_throughput(throughput(index.throughput.unwrap_or(table))?);
                    }
                    request.global_secondary_indexes(
                        gsi.build().map_err(|e| Error::Validation(e.to_string()))?,
                    )
                }
            };
        }
        match self
            .call("CreateTable", name, Replay::Safe, || request.clone().send())
            .await
        {
            Ok(_) => Ok(true),
            Err(Failure::Sdk(err))
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_resource_in_use_exception()) =>
            {
                Ok(false)
            }
            Err(failure) => Err(failure.into_error("CreateTable")),
        }
    }

    async fn wait_until_active(&self, name: &str) -> Result<()> {
        self.wait(name, "CreateTable", "ACTIVE", |status| {
            status.is_some_and(|(table, indexes)| table && indexes)
        })
        .await
    }

    /// Polls DescribeTable until `done` holds for (table active, every index active), or for
    /// `None` once the table is gone.
    async fn wait(
        &self,
        name: &str,
        operation: &'static str,
        state: &'static str,
        done: impl Fn(Option<(bool, bool)>) -> bool,
    ) -> Result<()> {
        let started = std::time::Instant::now();
        let mut delay = Duration::from_millis(20);
        loop {
            let request = self.client.describe_table().table_name(name);
            let status = match self
                .call("DescribeTable", name, Replay::Safe, || {
                    request.clone().send()
                })
                .await
            {
                Ok(out) => out.table.map(|t| {
                    let table = t.table_status == Some(TableStatus::Active);
                    let indexes = t.global_secondary_indexes().iter().all(|i| {
                        i.index_status == Some(aws_sdk_dynamodb::types::IndexStatus::Active)
                    });
                    (table, indexes)
                }),
                Err(Failure::Sdk(err))
                    if err
                        .as_service_error()
                        .is_some_and(|e| e.is_resource_not_found_exception()) =>
                {
                    None
                }
                Err(failure) => return Err(failure.into_error("DescribeTable")),
            };
            if done(status) {
                return Ok(());
            }
            if started.elapsed() > TABLE_WAIT {
                return Err(Error::timeout(
                    operation,
                    name,
                    TimeoutKind::TableState(state),
                    TABLE_WAIT,
                    1,
                ));
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    async fn enable_ttl(&self, name: &str, attribute: &str) -> Result<()> {
        let request = self.client.describe_time_to_live().table_name(name);
        let current = self
            .send("DescribeTimeToLive", name, Replay::Safe, || {
                request.clone().send()
            })
            .await
            .map_err(|e| without_ttl(e, name))?;
        if let Some(desc) = current.time_to_live_description() {
            let on = matches!(
                desc.time_to_live_status(),
                Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
            );
            if on && desc.attribute_name() == Some(attribute) {
                return Ok(());
            }
        }
        let request = self
            .client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(attribute)
                    .enabled(true)
                    .build()
                    .map_err(|e| Error::Validation(e.to_string()))?,
            );
        self.send("UpdateTimeToLive", name, Replay::Safe, || {
            request.clone().send()
        })
        .await
        .map_err(|e| without_ttl(e, name))?;
        Ok(())
    }
}

/// Table creation, from [`Engine::create_schema`]: `.await` creates the tables that do not
/// exist yet and resolves to the names of those it created.
///
/// For each table the schema gives a time to live attribute, time to live is enabled on it
/// (DynamoDB deletes expired items only then), also on a table that existed without it. A
/// server without the time to live API (some emulators) makes that fail with
/// [`Error::TtlUnsupported`]; [`skip_ttl`](CreateSchema::skip_ttl) creates the tables without
/// touching time to live.
#[must_use = "creating tables does nothing until it is awaited"]
pub struct CreateSchema<'a> {
    engine: &'a Engine,
    tables: &'a [&'a TableSchema],
    ttl: bool,
}

impl<'a> CreateSchema<'a> {
    /// Leaves time to live alone: neither reads nor changes it on any table, for servers that
    /// do not support it. Expired items are then never deleted by the server; reads with
    /// `.exclude_expired()` still leave them out.
    pub fn skip_ttl(mut self) -> Self {
        self.ttl = false;
        self
    }

    async fn send(self) -> Result<Vec<String>> {
        let engine = self.engine;
        let mut created = Vec::new();
        for schema in self.tables {
            let name = engine.table_name(schema);
            if engine.create_table(schema, &name).await? {
                created.push(name.clone());
            }
            engine.wait_until_active(&name).await?;
            if let (true, Some(ttl)) = (self.ttl, schema.ttl) {
                engine.enable_ttl(&name, ttl).await?;
            }
        }
        Ok(created)
    }
}

impl<'a> std::future::IntoFuture for CreateSchema<'a> {
    type Output = Result<Vec<String>>;
    type IntoFuture = BoxFuture<'a, Result<Vec<String>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The error codes of a server that does not know an operation.
const UNKNOWN_OPERATION: &[&str] = &["UnknownOperationException"];

/// [`Error::TtlUnsupported`] for a time to live request the server does not know; `error`
/// otherwise.
fn without_ttl(error: Error, table: &str) -> Error {
    match &error {
        Error::Sdk {
            operation, code, ..
        } if UNKNOWN_OPERATION.contains(&code.as_str()) => Error::TtlUnsupported {
            table: table.to_owned(),
            operation,
            code: code.clone(),
            source: Box::new(error),
        },
        _ => error,
    }
}

/// A client from `config` with the SDK's retries off (the engine retries) and the engine's
/// connect timeout.
fn configured(config: aws_sdk_dynamodb::config::Builder, timeouts: &Timeouts) -> Client {
    Client::from_conf(
        config
            .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
            .timeout_config(timeouts.sdk_config())
            .build(),
    )
}

fn key_element(name: &str, key_type: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .expect("attribute name and key type are set")
}

fn scalar_type(scalar: ScalarType) -> ScalarAttributeType {
    match scalar {
        ScalarType::S => ScalarAttributeType::S,
        ScalarType::N => ScalarAttributeType::N,
        ScalarType::B => ScalarAttributeType::B,
    }
}

fn throughput(t: Throughput) -> Result<ProvisionedThroughput> {
    ProvisionedThroughput::builder()
        .read_capacity_units(t.read)
        .write_capacity_units(t.write)
        .build()
        .map_err(|e| Error::Validation(e.to_string()))
}

fn projection(p: Projection) -> aws_sdk_dynamodb::types::Projection {
    let builder = aws_sdk_dynamodb::types::Projection::builder();
    match p {
        Projection::All => builder.projection_type(ProjectionType::All),
        Projection::KeysOnly => builder.projection_type(ProjectionType::KeysOnly),
        Projection::Include(attrs) => attrs
            .iter()
            .fold(builder.projection_type(ProjectionType::Include), |b, a| {
                b.non_key_attributes(*a)
            }),
    }
    .build()
}
