//! Table management against the emulator: `create_schema` builds every table with its keys,
//! indexes, projections, billing and time to live; it is idempotent; `delete_schema` removes
//! the tables; a namespace keeps tables apart.

mod common;

use std::collections::BTreeSet;

use common::{raw_get, s};
use flywheel_runtime::aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, Projection, ProjectionType,
    ProvisionedThroughputDescription, ScalarAttributeType, TableDescription,
    TimeToLiveSpecification, TimeToLiveStatus,
};
use flywheel_runtime::local::LocalDynamo;
use flywheel_runtime::{Engine, Error};
use generated_example::models::{self, GameScore, GameScoreKey, UserProfileKey};

async fn describe(engine: &Engine, table: &str) -> TableDescription {
    engine
        .client()
        .describe_table()
        .table_name(table)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeTable {table}: {e:?}"))
        .table
        .expect("a table description")
}

async fn ttl(engine: &Engine, table: &str) -> (Option<TimeToLiveStatus>, Option<String>) {
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

async fn table_names(engine: &Engine) -> BTreeSet<String> {
    engine
        .client()
        .list_tables()
        .send()
        .await
        .expect("ListTables")
        .table_names
        .unwrap_or_default()
        .into_iter()
        .collect()
}

fn keys(elements: &[KeySchemaElement]) -> Vec<(&str, KeyType)> {
    elements
        .iter()
        .map(|k| (k.attribute_name(), k.key_type().clone()))
        .collect()
}

fn definitions(defs: &[AttributeDefinition]) -> BTreeSet<(&str, ScalarAttributeType)> {
    defs.iter()
        .map(|d| (d.attribute_name(), d.attribute_type().clone()))
        .collect()
}

fn projection(p: Option<&Projection>) -> (Option<ProjectionType>, Vec<&str>) {
    let p = p.expect("a projection");
    (
        p.projection_type().cloned(),
        p.non_key_attributes().iter().map(String::as_str).collect(),
    )
}

fn capacity(t: Option<&ProvisionedThroughputDescription>) -> (Option<i64>, Option<i64>) {
    let t = t.expect("provisioned throughput");
    (t.read_capacity_units(), t.write_capacity_units())
}

fn billing_mode(table: &TableDescription) -> Option<BillingMode> {
    table
        .billing_mode_summary()
        .and_then(|b| b.billing_mode())
        .cloned()
}

async fn assert_example_tables(engine: &Engine, prefix: &str) {
    use KeyType::{Hash, Range};
    use ScalarAttributeType::{N, S};
    let name = |table: &str| format!("{prefix}{table}");

    // GameScores: on demand, one global index with everything projected, no time to live.
    let t = describe(engine, &name("GameScores")).await;
    assert_eq!(t.table_status().map(|s| s.as_str()), Some("ACTIVE"));
    assert_eq!(keys(t.key_schema()), [("userid", Hash), ("title", Range)]);
    assert_eq!(
        definitions(t.attribute_definitions()),
        [("userid", S), ("title", S), ("top_score", N)]
            .into_iter()
            .collect()
    );
    assert_eq!(billing_mode(&t), Some(BillingMode::PayPerRequest));
    assert!(t.local_secondary_indexes().is_empty());
    let [gsi] = t.global_secondary_indexes() else {
        panic!("one GSI expected: {:?}", t.global_secondary_indexes());
    };
    assert_eq!(gsi.index_name(), Some("GameTitleIndex"));
    assert_eq!(
        keys(gsi.key_schema()),
        [("title", Hash), ("top_score", Range)]
    );
    assert_eq!(
        projection(gsi.projection()),
        (Some(ProjectionType::All), vec![])
    );
    assert_eq!(gsi.index_status().map(|s| s.as_str()), Some("ACTIVE"));
    assert_eq!(
        ttl(engine, &name("GameScores")).await.0,
        Some(TimeToLiveStatus::Disabled)
    );

    // Orders: provisioned 5/5, a local INCLUDE index, global ALL (2/2) and KEYS_ONLY indexes.
    let t = describe(engine, &name("Orders")).await;
    assert_eq!(
        keys(t.key_schema()),
        [("customer_id", Hash), ("order_id", Range)]
    );
    assert_eq!(
        definitions(t.attribute_definitions()),
        [
            ("customer_id", S),
            ("order_id", S),
            ("created_at", S),
            ("state", S),
            ("sku", S),
        ]
        .into_iter()
        .collect()
    );
    // DynamoDB leaves out the billing mode summary of a table created as provisioned.
    assert!(
        matches!(billing_mode(&t), None | Some(BillingMode::Provisioned)),
        "{:?}",
        t.billing_mode_summary()
    );
    assert_eq!(capacity(t.provisioned_throughput()), (Some(5), Some(5)));
    let [lsi] = t.local_secondary_indexes() else {
        panic!("one LSI expected: {:?}", t.local_secondary_indexes());
    };
    assert_eq!(lsi.index_name(), Some("ByCreated"));
    assert_eq!(
        keys(lsi.key_schema()),
        [("customer_id", Hash), ("created_at", Range)]
    );
    let (kind, mut non_key) = projection(lsi.projection());
    non_key.sort_unstable();
    assert_eq!(
        (kind, non_key),
        (Some(ProjectionType::Include), vec!["state", "total"])
    );
    let gsis = t.global_secondary_indexes();
    assert_eq!(gsis.len(), 2, "{gsis:?}");
    let by_state = gsis
        .iter()
        .find(|i| i.index_name() == Some("ByState"))
        .expect("ByState");
    assert_eq!(
        keys(by_state.key_schema()),
        [("state", Hash), ("created_at", Range)]
    );
    assert_eq!(
        projection(by_state.projection()),
        (Some(ProjectionType::All), vec![])
    );
    assert_eq!(
        capacity(by_state.provisioned_throughput()),
        (Some(2), Some(2))
    );
    let by_sku = gsis
        .iter()
        .find(|i| i.index_name() == Some("BySku"))
        .expect("BySku");
    assert_eq!(keys(by_sku.key_schema()), [("sku", Hash)]);
    assert_eq!(
        projection(by_sku.projection()),
        (Some(ProjectionType::KeysOnly), vec![])
    );
    // Without a throughput of its own, a global index gets the table's.
    assert_eq!(
        capacity(by_sku.provisioned_throughput()),
        (Some(5), Some(5))
    );
    assert_eq!(
        ttl(engine, &name("Orders")).await,
        (Some(TimeToLiveStatus::Enabled), Some("purge_at".to_owned()))
    );

    // UserProfiles: on demand, hash key only, a keys-only email index, time to live.
    let t = describe(engine, &name("UserProfiles")).await;
    assert_eq!(keys(t.key_schema()), [("user_id", Hash)]);
    assert_eq!(
        definitions(t.attribute_definitions()),
        [("user_id", S), ("email", S)].into_iter().collect()
    );
    assert_eq!(billing_mode(&t), Some(BillingMode::PayPerRequest));
    assert!(t.local_secondary_indexes().is_empty());
    let [gsi] = t.global_secondary_indexes() else {
        panic!("one GSI expected: {:?}", t.global_secondary_indexes());
    };
    assert_eq!(gsi.index_name(), Some("ByEmail"));
    assert_eq!(keys(gsi.key_schema()), [("email", Hash)]);
    assert_eq!(
        projection(gsi.projection()),
        (Some(ProjectionType::KeysOnly), vec![])
    );
    assert_eq!(
        ttl(engine, &name("UserProfiles")).await,
        (
            Some(TimeToLiveStatus::Enabled),
            Some("expires_at".to_owned())
        )
    );
}

#[tokio::test]
async fn create_schema_creates_every_table_as_declared() {
    let local = LocalDynamo::start().unwrap();
    let engine = local.engine();
    let created = engine.create_schema(models::TABLES).await.unwrap();
    assert_eq!(
        created,
        ["GameScores", "odd.names-table_1", "Orders", "UserProfiles"]
    );
    assert_eq!(
        table_names(&engine).await,
        ["GameScores", "Orders", "UserProfiles", "odd.names-table_1"]
            .into_iter()
            .map(String::from)
            .collect()
    );
    assert_example_tables(&engine, "").await;
}

#[tokio::test]
async fn create_schema_twice_creates_nothing_the_second_time() {
    let local = LocalDynamo::start().unwrap();
    let engine = local.engine();
    engine.create_schema(models::TABLES).await.unwrap();
    let mut score = GameScore::new("u", "t");
    score.top_score = Some(1);
    engine.save(&score).await.unwrap();

    let created = engine.create_schema(models::TABLES).await.unwrap();
    assert!(created.is_empty(), "{created:?}");
    assert_example_tables(&engine, "").await;
    // The existing tables and their items are kept.
    assert_eq!(
        engine
            .get(GameScoreKey::new("u", "t"))
            .consistent()
            .await
            .unwrap(),
        Some(score)
    );

    // Only a table that is missing is created.
    engine
        .client()
        .delete_table()
        .table_name("Orders")
        .send()
        .await
        .unwrap();
    let created = engine.create_schema(models::TABLES).await.unwrap();
    assert_eq!(created, ["Orders"]);
    assert_example_tables(&engine, "").await;
}

#[tokio::test]
async fn create_schema_enables_time_to_live_on_an_existing_table_without_it() {
    let local = LocalDynamo::start().unwrap();
    let engine = local.engine();
    engine.create_schema(models::TABLES).await.unwrap();
    // Someone turned time to live off. (Real DynamoDB refuses a second change of the time to
    // live setting of a table within an hour, so this sequence only runs on an emulator.)
    engine
        .client()
        .update_time_to_live()
        .table_name("UserProfiles")
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name("expires_at")
                .enabled(false)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        ttl(&engine, "UserProfiles").await.0,
        Some(TimeToLiveStatus::Disabled)
    );
    let created = engine.create_schema(models::TABLES).await.unwrap();
    assert!(created.is_empty());
    assert_eq!(
        ttl(&engine, "UserProfiles").await,
        (
            Some(TimeToLiveStatus::Enabled),
            Some("expires_at".to_owned())
        )
    );
}

#[tokio::test]
async fn delete_schema_removes_the_tables() {
    let local = LocalDynamo::start().unwrap();
    let engine = local.engine();
    engine.create_schema(models::TABLES).await.unwrap();
    let deleted = engine.delete_schema(models::TABLES).await.unwrap();
    assert_eq!(
        deleted,
        ["GameScores", "odd.names-table_1", "Orders", "UserProfiles"]
    );
    assert!(table_names(&engine).await.is_empty());
    let err = engine
        .client()
        .describe_table()
        .table_name("GameScores")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_resource_not_found_exception()),
        "{err:?}"
    );
    // Deleting what is not there deletes nothing and does not fail.
    assert!(
        engine
            .delete_schema(models::TABLES)
            .await
            .unwrap()
            .is_empty()
    );
    // And the tables can be created again.
    assert_eq!(
        engine.create_schema(models::TABLES).await.unwrap().len(),
        models::TABLES.len()
    );
}

#[tokio::test]
async fn a_namespace_prefixes_every_table() {
    let local = LocalDynamo::start().unwrap();
    let plain = local.engine();
    let test = plain.clone().with_namespace("test-");
    assert_eq!(test.namespace(), "test-");
    assert_eq!(plain.namespace(), "");

    let created = test.create_schema(models::TABLES).await.unwrap();
    assert_eq!(
        created,
        [
            "test-GameScores",
            "test-odd.names-table_1",
            "test-Orders",
            "test-UserProfiles"
        ]
    );
    assert_eq!(
        table_names(&plain).await,
        [
            "test-GameScores",
            "test-Orders",
            "test-UserProfiles",
            "test-odd.names-table_1"
        ]
        .into_iter()
        .map(String::from)
        .collect()
    );
    assert_example_tables(&test, "test-").await;

    // Items saved through the namespaced engine land in the namespaced table.
    let mut score = GameScore::new("u", "t");
    score.top_score = Some(7);
    test.save(&score).create_only().await.unwrap();
    let raw = raw_get(
        &test,
        "test-GameScores",
        &[("userid", s("u")), ("title", s("t"))],
    )
    .await;
    assert!(raw.is_some());
    match test.save(&score).create_only().await {
        Err(Error::AlreadyExists { table, .. }) => assert_eq!(table, "test-GameScores"),
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    // The engine without namespace has no such table yet.
    assert_eq!(
        plain
            .get(GameScoreKey::new("u", "t"))
            .await
            .unwrap_err()
            .code(),
        Some("ResourceNotFoundException")
    );

    // Both sets of tables live side by side, and each engine sees only its own.
    assert_eq!(
        plain.create_schema(models::TABLES).await.unwrap().len(),
        models::TABLES.len()
    );
    assert_eq!(table_names(&plain).await.len(), 2 * models::TABLES.len());
    assert_eq!(
        plain
            .get(GameScoreKey::new("u", "t"))
            .consistent()
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        test.get(GameScoreKey::new("u", "t"))
            .consistent()
            .await
            .unwrap(),
        Some(score)
    );

    // Decode errors name the namespaced table.
    common::raw_put(
        &test,
        "test-UserProfiles",
        vec![
            ("user_id", s("00000000-0000-0000-0000-000000000001")),
            ("email", s("a@example.com")),
        ],
    )
    .await;
    match test
        .get(UserProfileKey::new(
            flywheel_runtime::uuid::Uuid::from_u128(1),
        ))
        .await
    {
        Err(Error::Decode(e)) => {
            assert_eq!(e.table, "test-UserProfiles");
            assert_eq!(e.attribute, "created_at");
            assert!(e.to_string().contains("of table test-UserProfiles"), "{e}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }

    // Deleting the namespaced schema leaves the other tables alone.
    let deleted = test.delete_schema(models::TABLES).await.unwrap();
    assert_eq!(
        deleted,
        [
            "test-GameScores",
            "test-odd.names-table_1",
            "test-Orders",
            "test-UserProfiles"
        ]
    );
    assert_eq!(
        table_names(&plain).await,
        ["GameScores", "Orders", "UserProfiles", "odd.names-table_1"]
            .into_iter()
            .map(String::from)
            .collect()
    );
}
