//! Table management: `create_schema` builds every table with its keys, indexes, projections,
//! billing and time to live (or, with `skip_ttl`, leaves time to live alone); it is idempotent;
//! `delete_schema` removes the tables; a namespace keeps tables apart.

use crate::harness::db;
use crate::harness::requests::recording;

use std::collections::BTreeSet;

use db::{TestDb, raw_get, s, table};
use flywheel_runtime::aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, Projection, ProjectionType,
    ProvisionedThroughputDescription, ScalarAttributeType, TableDescription,
    TimeToLiveSpecification, TimeToLiveStatus,
};
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

/// The tables in `engine`'s namespace, named without it.
async fn table_names(engine: &Engine) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut start = None;
    loop {
        let out = engine
            .client()
            .list_tables()
            .set_exclusive_start_table_name(start)
            .send()
            .await
            .expect("ListTables");
        names.extend(
            out.table_names()
                .iter()
                .filter_map(|n| n.strip_prefix(engine.namespace()))
                .map(str::to_owned),
        );
        match out.last_evaluated_table_name {
            Some(last) => start = Some(last),
            None => return names,
        }
    }
}

/// The names of every example table in `engine`'s namespace, in schema order.
fn every_table(engine: &Engine) -> Vec<String> {
    models::TABLES
        .iter()
        .map(|t| engine.table_name(t))
        .collect()
}

/// The names of every example table with `prefix`, as a set.
fn every_name(prefix: &str) -> BTreeSet<String> {
    models::TABLES
        .iter()
        .map(|t| format!("{prefix}{}", t.name))
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

/// Checks the example tables in `engine`'s namespace.
async fn assert_example_tables(engine: &Engine) {
    use KeyType::{Hash, Range};
    use ScalarAttributeType::{N, S};
    let name = |t: &str| table(engine, t);

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
        db::ttl(engine, &name("GameScores")).await.0,
        Some(TimeToLiveStatus::Disabled)
    );

    // Orders: provisioned 5/5, a local INCLUDE index, global ALL (2/2) and KEYS_ONLY indexes,
    // and two with keys of several attributes (their key schemas: `several_attributes.rs`).
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
            ("currency", S),
            ("total", N),
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
    assert_eq!(gsis.len(), 4, "{gsis:?}");
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
        db::ttl(engine, &name("Orders")).await,
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
        db::ttl(engine, &name("UserProfiles")).await,
        (
            Some(TimeToLiveStatus::Enabled),
            Some("expires_at".to_owned())
        )
    );
}

#[tokio::test]
async fn create_schema_creates_every_table_as_declared() {
    let local = TestDb::start();
    let engine = local.engine();
    let created = engine.create_schema(models::TABLES).await.unwrap();
    assert_eq!(created, every_table(&engine));
    assert_eq!(table_names(&engine).await, every_name(""));
    assert_example_tables(&engine).await;
}

#[tokio::test]
async fn create_schema_twice_creates_nothing_the_second_time() {
    let local = TestDb::start();
    let engine = local.engine();
    engine.create_schema(models::TABLES).await.unwrap();
    let mut score = GameScore::new("u", "t");
    score.top_score = Some(1);
    engine.save(&score).await.unwrap();

    let created = engine.create_schema(models::TABLES).await.unwrap();
    assert!(created.is_empty(), "{created:?}");
    assert_example_tables(&engine).await;
    // The existing tables and their items are kept.
    assert_eq!(
        db::read_consistent(&engine, GameScoreKey::new("u", "t")).await,
        Some(score)
    );

    // Only a table that is missing is created.
    engine
        .client()
        .delete_table()
        .table_name(table(&engine, "Orders"))
        .send()
        .await
        .unwrap();
    let created = engine.create_schema(models::TABLES).await.unwrap();
    assert_eq!(created, [table(&engine, "Orders")]);
    assert_example_tables(&engine).await;
}

#[tokio::test]
async fn create_schema_enables_time_to_live_on_an_existing_table_without_it() {
    let local = TestDb::start();
    let engine = local.engine();
    let profiles = table(&engine, "UserProfiles");
    engine.create_schema(models::TABLES).await.unwrap();
    // Someone turned time to live off. (Real DynamoDB refuses a second change of the time to
    // live setting of a table within an hour, so this sequence only runs on an emulator.)
    engine
        .client()
        .update_time_to_live()
        .table_name(&profiles)
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
        db::ttl(&engine, &profiles).await.0,
        Some(TimeToLiveStatus::Disabled)
    );
    let created = engine.create_schema(models::TABLES).await.unwrap();
    assert!(created.is_empty());
    assert_eq!(
        db::ttl(&engine, &profiles).await,
        (
            Some(TimeToLiveStatus::Enabled),
            Some("expires_at".to_owned())
        )
    );
}

#[tokio::test]
async fn skip_ttl_creates_the_tables_without_time_to_live() {
    let local = TestDb::start();
    let engine = local.engine();
    let (watched, requests) = recording(&engine);
    let created = watched
        .create_schema(models::TABLES)
        .skip_ttl()
        .await
        .unwrap();
    assert_eq!(created.len(), models::TABLES.len());
    assert_eq!(table_names(&engine).await.len(), models::TABLES.len());
    // Both tables whose schema has a time to live attribute have none enabled.
    for t in ["Orders", "UserProfiles"] {
        assert_eq!(
            db::ttl(&engine, &table(&engine, t)).await.0,
            Some(TimeToLiveStatus::Disabled),
            "{t}"
        );
    }
    // Not even asked about: only CreateTable and DescribeTable were sent.
    let sent = requests.all();
    assert!(
        sent.iter()
            .all(|r| matches!(r.operation, "CreateTable" | "DescribeTable")),
        "{sent:?}"
    );
    // The tables work.
    let mut score = GameScore::new("u", "t");
    score.top_score = Some(1);
    engine.save(&score).create_only().await.unwrap();

    // Without the option, a later call enables what was skipped, and creates nothing.
    assert!(
        engine
            .create_schema(models::TABLES)
            .await
            .unwrap()
            .is_empty()
    );
    assert_example_tables(&engine).await;
}

#[tokio::test]
async fn delete_schema_removes_the_tables() {
    let local = TestDb::start();
    let engine = local.engine();
    engine.create_schema(models::TABLES).await.unwrap();
    let deleted = engine.delete_schema(models::TABLES).await.unwrap();
    assert_eq!(deleted, every_table(&engine));
    assert!(table_names(&engine).await.is_empty());
    let err = engine
        .client()
        .describe_table()
        .table_name(table(&engine, "GameScores"))
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
    // `plain` is the test's engine, with the test's own namespace; `test` adds `test-` to it.
    let local = TestDb::start();
    let plain = local.engine();
    let test = plain
        .clone()
        .with_namespace(format!("{}test-", plain.namespace()));
    assert_eq!(test.namespace(), format!("{}test-", local.namespace()));
    assert_eq!(plain.namespace(), local.namespace());

    let created = test.create_schema(models::TABLES).await.unwrap();
    assert_eq!(created, every_table(&test));
    assert!(
        created[0].starts_with(&format!("{}test-", plain.namespace())),
        "{created:?}"
    );
    assert_eq!(table_names(&plain).await, every_name("test-"));
    assert_example_tables(&test).await;

    // Items saved through the namespaced engine land in the namespaced table.
    let mut score = GameScore::new("u", "t");
    score.top_score = Some(7);
    test.save(&score).create_only().await.unwrap();
    let raw = db::raw_score(&test, "u", "t").await;
    assert!(raw.is_some());
    let raw = raw_get(
        &plain,
        "test-GameScores",
        &[("userid", s("u")), ("title", s("t"))],
    )
    .await;
    assert!(raw.is_some());
    match test.save(&score).create_only().await {
        Err(Error::AlreadyExists { table, .. }) => {
            assert_eq!(table, self::table(&plain, "test-GameScores"))
        }
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    // The engine without `test-` has no such table yet.
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
        db::read_consistent(&plain, GameScoreKey::new("u", "t")).await,
        None
    );
    assert_eq!(
        db::read_consistent(&test, GameScoreKey::new("u", "t")).await,
        Some(score)
    );

    // Decode errors name the namespaced table.
    db::raw_put(
        &test,
        "UserProfiles",
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
            assert_eq!(e.table, table(&plain, "test-UserProfiles"));
            assert_eq!(e.attribute, "created_at");
            assert!(
                e.to_string()
                    .contains(&format!("of table {}test-UserProfiles", plain.namespace())),
                "{e}"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }

    // Deleting the namespaced schema leaves the other tables alone.
    let deleted = test.delete_schema(models::TABLES).await.unwrap();
    assert_eq!(deleted, every_table(&test));
    assert_eq!(table_names(&plain).await, every_name(""));
}
