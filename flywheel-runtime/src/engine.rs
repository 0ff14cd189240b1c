//! The [`Engine`]: a DynamoDB client, a table-name namespace, and table management.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    LocalSecondaryIndex, ProjectionType, ProvisionedThroughput, ScalarAttributeType, TableStatus,
    TimeToLiveSpecification, TimeToLiveStatus,
};

use crate::error::{Error, Result};
use crate::schema::{
    Billing, IndexKind, KeyAttribute, Projection, ScalarType, TableSchema, Throughput,
};

/// How long table management waits for DynamoDB to finish creating or deleting a table.
const TABLE_WAIT: Duration = Duration::from_secs(600);

/// The entry point of flywheel: a DynamoDB client plus an optional table-name namespace.
///
/// Cloning is cheap and clones share the connection pool.
#[derive(Debug, Clone)]
pub struct Engine {
    client: Client,
    namespace: String,
    retry: crate::retry::RetryPolicy,
    concurrency: usize,
}

/// Concurrent requests of a batch operation, by default.
pub const DEFAULT_CONCURRENCY: usize = 8;

impl Engine {
    /// An engine configured by the standard AWS chain: environment (`AWS_REGION`,
    /// `AWS_ENDPOINT_URL`, credentials), shared config and credentials files, then instance
    /// metadata.
    pub async fn from_env() -> Engine {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .load()
            .await;
        Engine::from_client(Client::new(&config)).with_retry(crate::retry::RetryPolicy::default())
    }

    /// An engine for an SDK configuration that was built elsewhere.
    pub fn from_sdk_config(config: &aws_config::SdkConfig) -> Engine {
        Engine::from_client(Client::new(config))
    }

    /// An engine for an existing client.
    pub fn from_client(client: Client) -> Engine {
        Engine {
            client,
            namespace: String::new(),
            retry: crate::retry::RetryPolicy::default(),
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// Uses `policy` for batch retries and for the SDK's own retries of single requests.
    pub fn with_retry(mut self, policy: crate::retry::RetryPolicy) -> Engine {
        let config = self
            .client
            .config()
            .to_builder()
            .retry_config(policy.sdk_config())
            .build();
        self.client = Client::from_conf(config);
        self.retry = policy;
        self
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &crate::retry::RetryPolicy {
        &self.retry
    }

    /// How many requests a batch operation sends at once (default 8).
    pub fn with_concurrency(mut self, requests: usize) -> Engine {
        self.concurrency = requests.max(1);
        self
    }

    /// How many requests a batch operation sends at once.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// Prefixes every table name with `namespace` (flywheel's `namespace`), for example
    /// `"test-"` to keep a test run's tables apart from the real ones.
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
    /// and waits until each is `ACTIVE`. Returns the names of the tables it created.
    pub async fn create_schema(&self, tables: &[&TableSchema]) -> Result<Vec<String>> {
        let mut created = Vec::new();
        for schema in tables {
            let name = self.table_name(schema);
            if self.create_table(schema, &name).await? {
                created.push(name.clone());
            }
            self.wait_until_active(&name).await?;
            if let Some(ttl) = schema.ttl {
                self.enable_ttl(&name, ttl).await?;
            }
        }
        Ok(created)
    }

    /// Deletes the tables that exist and waits until they are gone. Returns the names of the
    /// tables it deleted.
    pub async fn delete_schema(&self, tables: &[&TableSchema]) -> Result<Vec<String>> {
        let mut deleted = Vec::new();
        for schema in tables {
            let name = self.table_name(schema);
            match self.client.delete_table().table_name(&name).send().await {
                Ok(_) => deleted.push(name.clone()),
                Err(err)
                    if err
                        .as_service_error()
                        .is_some_and(|e| e.is_resource_not_found_exception()) =>
                {
                    continue;
                }
                Err(err) => return Err(Error::sdk("DeleteTable", err)),
            }
            self.wait(&name, "deleted", |status| status.is_none())
                .await?;
        }
        Ok(deleted)
    }

    /// Sends CreateTable; `false` when the table exists already.
    async fn create_table(&self, schema: &TableSchema, name: &str) -> Result<bool> {
        let key_schema = |hash: KeyAttribute, range: Option<KeyAttribute>| {
            let mut keys = vec![key_element(hash.name, KeyType::Hash)];
            if let Some(range) = range {
                keys.push(key_element(range.name, KeyType::Range));
            }
            keys
        };
        let mut request = self
            .client
            .create_table()
            .table_name(name)
            .set_key_schema(Some(key_schema(schema.hash_key, schema.range_key)));
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
        match request.send().await {
            Ok(_) => Ok(true),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_resource_in_use_exception()) =>
            {
                Ok(false)
            }
            Err(err) => Err(Error::sdk("CreateTable", err)),
        }
    }

    async fn wait_until_active(&self, name: &str) -> Result<()> {
        self.wait(name, "ACTIVE", |status| {
            status.is_some_and(|(table, indexes)| table && indexes)
        })
        .await
    }

    /// Polls DescribeTable until `done` holds for (table active, every index active), or for
    /// `None` once the table is gone.
    async fn wait(
        &self,
        name: &str,
        state: &'static str,
        done: impl Fn(Option<(bool, bool)>) -> bool,
    ) -> Result<()> {
        let started = std::time::Instant::now();
        let mut delay = Duration::from_millis(20);
        loop {
            let status = match self.client.describe_table().table_name(name).send().await {
                Ok(out) => out.table.map(|t| {
                    let table = t.table_status == Some(TableStatus::Active);
                    let indexes = t.global_secondary_indexes().iter().all(|i| {
                        i.index_status == Some(aws_sdk_dynamodb::types::IndexStatus::Active)
                    });
                    (table, indexes)
                }),
                Err(err)
                    if err
                        .as_service_error()
                        .is_some_and(|e| e.is_resource_not_found_exception()) =>
                {
                    None
                }
                Err(err) => return Err(Error::sdk("DescribeTable", err)),
            };
            if done(status) {
                return Ok(());
            }
            if started.elapsed() > TABLE_WAIT {
                return Err(Error::Timeout {
                    table: name.to_owned(),
                    state,
                    waited_secs: TABLE_WAIT.as_secs(),
                });
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    async fn enable_ttl(&self, name: &str, attribute: &str) -> Result<()> {
        let current = self
            .client
            .describe_time_to_live()
            .table_name(name)
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeTimeToLive", e))?;
        if let Some(desc) = current.time_to_live_description() {
            let on = matches!(
                desc.time_to_live_status(),
                Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
            );
            if on && desc.attribute_name() == Some(attribute) {
                return Ok(());
            }
        }
        self.client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(attribute)
                    .enabled(true)
                    .build()
                    .map_err(|e| Error::Validation(e.to_string()))?,
            )
            .send()
            .await
            .map_err(|e| Error::sdk("UpdateTimeToLive", e))?;
        Ok(())
    }
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
