//! Shared set-up of the integration tests: a fresh database per test.
//!
//! By default every test starts its own in-process emulator ([`LocalDynamo`]), so nothing
//! needs to be installed or running.
//!
//! # `FLYWHEEL_TEST_ENDPOINT`
//!
//! With `FLYWHEEL_TEST_ENDPOINT` set to a DynamoDB-compatible endpoint (such as
//! `http://127.0.0.1:8000` for DynamoDB Local or `https://dynamodb.eu-west-1.amazonaws.com`),
//! the tests use it instead of starting the emulator. Tests share that one server, so each gets
//! a random table namespace of its own (`t1a2b3c4d-GameScores`, ...) and its tables are deleted
//! when it ends, also when it fails. Credentials come from `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (dummy ones when unset), the region from
//! `AWS_REGION` (default `us-east-1`). The tests that need a server of their own keep it: the
//! fault proxy in front of the emulator ([`start_local_with_tables`]) and the misbehaving
//! server of `hostile.rs`.
//!
//! In both cases the engine of a test has that random namespace, so tests name tables through
//! it: [`table`] for raw requests ([`raw_get`] and [`raw_put`] take the schema's table name and
//! add it themselves).
//!
//! Besides the set-up: reading an item back as the models see it ([`read_consistent`],
//! [`read_existing`], [`tracked`], [`is_stored`]) and as it is stored ([`raw_get`],
//! [`raw_score`], [`raw_order`], [`raw_profile`]), and writing items by hand ([`raw_put`],
//! [`raw_put_score`], with [`s`], [`n`] and [`m`]).

use std::sync::atomic::{AtomicU64, Ordering};

use flywheel_runtime::aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use flywheel_runtime::local::LocalDynamo;
use flywheel_runtime::{AttributeValue, Engine, Item, Model, ModelKey, RetryPolicy, Tracked};
use generated_example::models;

/// The environment variable naming an external endpoint for the tests.
pub const ENDPOINT_VARIABLE: &str = "FLYWHEEL_TEST_ENDPOINT";

/// The external endpoint the tests use, when [`ENDPOINT_VARIABLE`] is set.
pub fn external_endpoint() -> Option<String> {
    std::env::var(ENDPOINT_VARIABLE)
        .ok()
        .filter(|e| !e.trim().is_empty())
}

/// The region for an external endpoint: `AWS_REGION`, or `us-east-1`.
pub fn region() -> String {
    std::env::var("AWS_REGION")
        .ok()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "us-east-1".to_owned())
}

/// The credentials for an external endpoint: the `AWS_*` variables, or dummy ones.
pub fn credentials() -> (String, String, Option<String>) {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    (
        var("AWS_ACCESS_KEY_ID").unwrap_or_else(|| "test".to_owned()),
        var("AWS_SECRET_ACCESS_KEY").unwrap_or_else(|| "test".to_owned()),
        var("AWS_SESSION_TOKEN"),
    )
}

/// An engine without namespace for `endpoint`, with the default retry policy.
pub fn engine_for(endpoint: &str) -> Engine {
    let (id, secret, token) = credentials();
    let config = flywheel_runtime::aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region()))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(id, secret, token, None, "flywheel-tests"))
        .build();
    Engine::from_client(flywheel_runtime::aws_sdk_dynamodb::Client::from_conf(
        config,
    ))
    .with_retry(RetryPolicy::default())
}

/// A table namespace no other test (of this or another run) uses: `t` and eight hex digits.
fn fresh_namespace() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    format!("t{:08x}-", hasher.finish() as u32)
}

/// The database of one test: its own emulator, or its own namespace on the external endpoint
/// (whose tables are deleted when this is dropped). Keep it alive for the whole test.
#[derive(Debug)]
pub struct TestDb {
    local: Option<LocalDynamo>,
    endpoint: String,
    engine: Engine,
}

impl TestDb {
    /// A fresh, empty database (no tables).
    pub fn start() -> TestDb {
        let (local, endpoint, engine) = match external_endpoint() {
            Some(endpoint) => {
                let engine = engine_for(&endpoint);
                (None, endpoint, engine)
            }
            None => {
                let local = LocalDynamo::start().expect("the local emulator starts");
                let endpoint = local.endpoint().to_owned();
                let engine = local.engine();
                (Some(local), endpoint, engine)
            }
        };
        TestDb {
            local,
            endpoint,
            engine: engine.with_namespace(fresh_namespace()),
        }
    }

    /// The test's engine, with the test's namespace.
    pub fn engine(&self) -> Engine {
        self.engine.clone()
    }

    /// The test's namespace.
    pub fn namespace(&self) -> &str {
        self.engine.namespace()
    }

    /// The server's endpoint.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.local.is_some() {
            return; // the emulator and its database go away with it
        }
        // Delete every table of the namespace (also those a test made with a longer one). The
        // test's runtime may be gone or blocked here, so a thread of its own does it, with a
        // client of its own.
        let endpoint = self.endpoint.clone();
        let namespace = self.namespace().to_owned();
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the clean-up");
            runtime.block_on(delete_namespace(&endpoint, &namespace));
        });
        if cleanup.join().is_err() {
            eprintln!(
                "the tables of namespace {} were not all deleted",
                self.namespace()
            );
        }
    }
}

/// Deletes every table whose name starts with `namespace`, without waiting for them to go.
async fn delete_namespace(endpoint: &str, namespace: &str) {
    let engine = engine_for(endpoint);
    let client = engine.client();
    let mut names = Vec::new();
    let mut start: Option<String> = None;
    loop {
        match client
            .list_tables()
            .set_exclusive_start_table_name(start.take())
            .send()
            .await
        {
            Ok(out) => {
                names.extend(
                    out.table_names()
                        .iter()
                        .filter(|n| n.starts_with(namespace))
                        .cloned(),
                );
                match out.last_evaluated_table_name {
                    Some(last) => start = Some(last),
                    None => break,
                }
            }
            Err(e) => {
                eprintln!("cannot list the tables of namespace {namespace}: {e:?}");
                return;
            }
        }
    }
    for name in names {
        if let Err(e) = client.delete_table().table_name(&name).send().await {
            eprintln!("cannot delete table {name}: {e:?}");
        }
    }
}

/// Creates every table of the example schemas through `engine`.
async fn create_example_tables(engine: &Engine) {
    engine
        .create_schema(models::TABLES)
        .await
        .expect("the example tables are created");
}

/// A fresh database with every table of the example schemas (see [`TestDb`]).
///
/// Keep the returned `TestDb` alive for the whole test: dropping it stops the emulator, or
/// deletes the tables on the external endpoint.
pub async fn start_with_tables() -> (TestDb, Engine) {
    let db = TestDb::start();
    let engine = db.engine();
    create_example_tables(&engine).await;
    (db, engine)
}

/// A fresh emulator (always the in-process one, whatever [`ENDPOINT_VARIABLE`] says) with every
/// table of the example schemas and no namespace, for the tests that put a proxy in front of it.
pub async fn start_local_with_tables() -> (LocalDynamo, Engine) {
    let local = LocalDynamo::start().expect("the local emulator starts");
    let engine = local.engine();
    create_example_tables(&engine).await;
    (local, engine)
}

/// The time-to-live status and attribute of `table` (a full table name), as DescribeTimeToLive
/// reports them.
pub async fn ttl(
    engine: &Engine,
    table: &str,
) -> (
    Option<flywheel_runtime::aws_sdk_dynamodb::types::TimeToLiveStatus>,
    Option<String>,
) {
    let out = engine
        .client()
        .describe_time_to_live()
        .table_name(table)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeTimeToLive {table}: {e:?}"));
    let desc = out.time_to_live_description.expect("a TTL description");
    (desc.time_to_live_status, desc.attribute_name)
}

/// The id of [`profile`].
pub const PROFILE_ID: flywheel_runtime::uuid::Uuid = flywheel_runtime::uuid::Uuid::from_u128(42);

/// A new user profile, with id [`PROFILE_ID`], created at the epoch.
pub fn profile() -> models::UserProfile {
    models::UserProfile::new(
        PROFILE_ID,
        "ada@example.com",
        flywheel_runtime::chrono::DateTime::from_timestamp(0, 0).unwrap(),
    )
}

/// The key of [`profile`].
pub fn profile_key() -> models::UserProfileKey {
    models::UserProfileKey::new(PROFILE_ID)
}

/// The name of the schema table `table` (such as `"GameScores"`) in `engine`'s namespace.
pub fn table(engine: &Engine, table: &str) -> String {
    format!("{}{table}", engine.namespace())
}

/// Reads an item of the schema table `table` (the engine's namespace is added) with the raw
/// client, consistently, exactly as stored.
pub async fn raw_get(engine: &Engine, table: &str, key: &[(&str, AttributeValue)]) -> Option<Item> {
    let mut request = engine
        .client()
        .get_item()
        .table_name(self::table(engine, table))
        .consistent_read(true);
    for (name, value) in key {
        request = request.key(*name, value.clone());
    }
    request.send().await.expect("raw GetItem succeeds").item
}

/// The stored `GameScores` item of `userid` and `title`, as [`raw_get`] reads it.
pub async fn raw_score(engine: &Engine, userid: &str, title: &str) -> Option<Item> {
    let key = [("userid", s(userid)), ("title", s(title))];
    raw_get(engine, "GameScores", &key).await
}

/// The stored `Orders` item of `customer` and `order` (its id), as [`raw_get`] reads it.
pub async fn raw_order(engine: &Engine, customer: &str, order: &str) -> Option<Item> {
    let key = [("customer_id", s(customer)), ("order_id", s(order))];
    raw_get(engine, "Orders", &key).await
}

/// The stored `UserProfiles` item of `user_id`, as [`raw_get`] reads it.
pub async fn raw_profile(engine: &Engine, user_id: flywheel_runtime::uuid::Uuid) -> Option<Item> {
    raw_get(
        engine,
        "UserProfiles",
        &[("user_id", s(&user_id.to_string()))],
    )
    .await
}

/// The model stored at `key`, read consistently (`None` when there is none); panics when the
/// read fails.
pub async fn read_consistent<K: ModelKey>(engine: &Engine, key: K) -> Option<K::Model> {
    engine
        .get(key)
        .consistent()
        .await
        .expect("the read succeeds")
}

/// Whether an item is stored at `key`, asked consistently; panics when the request fails.
pub async fn is_stored<K: ModelKey>(engine: &Engine, key: K) -> bool {
    engine
        .exists(key)
        .consistent()
        .await
        .expect("the existence check succeeds")
}

/// The model stored at `key`, read consistently; panics when the read fails or finds nothing.
pub async fn read_existing<K: ModelKey>(engine: &Engine, key: K) -> K::Model {
    read_consistent(engine, key).await.expect("the item exists")
}

/// The model stored at `key`, read consistently and tracked for `sync`; panics when the read
/// fails or finds nothing.
pub async fn tracked<M: Model>(engine: &Engine, key: M::Key) -> Tracked<M> {
    engine
        .get(key)
        .consistent()
        .tracked()
        .await
        .expect("the read succeeds")
        .expect("the item exists")
}

/// Writes an item into the schema table `table` (the engine's namespace is added) with the raw
/// client, bypassing the models.
pub async fn raw_put(engine: &Engine, table: &str, item: Vec<(&str, AttributeValue)>) {
    let item: Item = item.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    engine
        .client()
        .put_item()
        .table_name(self::table(engine, table))
        .set_item(Some(item))
        .send()
        .await
        .expect("raw PutItem succeeds");
}

/// Writes a `GameScores` item of `userid` and `title` holding `attributes` besides its key, as
/// [`raw_put`] does.
pub async fn raw_put_score(
    engine: &Engine,
    userid: &str,
    title: &str,
    attributes: Vec<(&str, AttributeValue)>,
) {
    let key = vec![("userid", s(userid)), ("title", s(title))];
    raw_put(
        engine,
        "GameScores",
        key.into_iter().chain(attributes).collect(),
    )
    .await;
}

/// `S` attribute value.
pub fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

/// `N` attribute value.
pub fn n(text: &str) -> AttributeValue {
    AttributeValue::N(text.to_owned())
}

/// `M` attribute value.
pub fn m(entries: Vec<(&str, AttributeValue)>) -> AttributeValue {
    AttributeValue::M(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}
