//! Servers that implement less of DynamoDB than DynamoDB does, played by the fault proxy in
//! front of the emulator:
//! - a server without the time to live API (`UnknownOperationException`): `create_schema`
//!   says so and names `skip_ttl`, which creates the tables without it;
//! - a server that returns no item with a failed condition (it ignores
//!   `ReturnValuesOnConditionCheckFailure=ALL_OLD`): errors never claim that the item does not
//!   exist unless a read shows it, and say when the stored version is not known.

use crate::harness::db;
use crate::harness::errors::{condition_failed, conflict, version_conflict};
use crate::harness::faults;

use std::time::Duration;

use db::{PROFILE_ID as ID, profile, profile_key as key};
use faults::{FaultProxy, Faults, Quirks};
use flywheel_runtime::aws_sdk_dynamodb::types::TimeToLiveStatus;
use flywheel_runtime::local::LocalDynamo;
use flywheel_runtime::transact::{CancelKind, Operation};
use flywheel_runtime::{Engine, Error, Item, RetryPolicy, Stored, Tracked};
use generated_example::models::{self, GameScore, GameScoreKey, UserProfile};

fn retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        jitter: false,
    }
}

/// A proxy with `quirks` in front of `local`, and an engine that talks through it.
async fn through(local: &LocalDynamo, quirks: Quirks) -> (FaultProxy, Engine) {
    let proxy =
        FaultProxy::with_quirks(local.endpoint(), Faults::default(), faults::seed(), quirks).await;
    let engine = proxy.engine(retry());
    (proxy, engine)
}

/// The proxy of a server that returns no item with a failed condition.
fn without_items() -> Quirks {
    Quirks {
        no_item_with_failed_conditions: true,
        ..Quirks::default()
    }
}

/// Stores [`db::profile`] twice, so it is at version 2, and returns the copy of the first
/// save: a model one version behind.
async fn stored_twice(direct: &Engine) -> UserProfile {
    let mut stale = profile();
    direct.save(&stale).await.unwrap();
    stale.version = 1;
    direct.save(&stale).await.unwrap();
    stale
}

async fn raw_profile(engine: &Engine) -> Option<Item> {
    db::raw_get(
        engine,
        "UserProfiles",
        &[("user_id", db::s(&ID.to_string()))],
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// No time to live
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_schema_on_a_server_without_time_to_live_names_skip_ttl() {
    let local = LocalDynamo::start().unwrap();
    let direct = local.engine();
    let (proxy, engine) = through(
        &local,
        Quirks {
            unknown_operations: vec!["UpdateTimeToLive"],
            ..Quirks::default()
        },
    )
    .await;

    // Orders is the first table (in schema order) with a time to live attribute.
    let err = engine.create_schema(models::TABLES).await.unwrap_err();
    match &err {
        Error::TtlUnsupported {
            table,
            operation,
            code,
            source,
        } => {
            assert_eq!(table, "Orders");
            assert_eq!(*operation, "UpdateTimeToLive");
            assert_eq!(code, "UnknownOperationException");
            assert_eq!(source.code(), Some("UnknownOperationException"));
        }
        other => panic!("expected TtlUnsupported, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "table Orders exists, but the server does not support time to live (UpdateTimeToLive \
         answered UnknownOperationException): call `.skip_ttl()` on create_schema to create the \
         tables without it; DynamoDB deletes expired items only when TTL is enabled"
    );
    assert_eq!(proxy.counts().unknown, 1, "asked once, not retried");

    // With the option, the rest of the tables are created and time to live is left alone.
    let created = engine
        .create_schema(models::TABLES)
        .skip_ttl()
        .await
        .unwrap();
    assert_eq!(created, ["UserProfiles"]);
    assert_eq!(
        proxy.counts().unknown,
        1,
        "time to live was not asked about"
    );
    for table in ["Orders", "UserProfiles"] {
        assert_eq!(
            db::ttl(&direct, table).await.0,
            Some(TimeToLiveStatus::Disabled),
            "{table}"
        );
    }
    engine.save(&profile()).create_only().await.unwrap();
    assert!(db::is_stored(&engine, key()).await);
}

#[tokio::test]
async fn a_server_without_any_time_to_live_operation_is_reported_the_same_way() {
    let local = LocalDynamo::start().unwrap();
    let (_proxy, engine) = through(
        &local,
        Quirks {
            unknown_operations: vec!["DescribeTimeToLive", "UpdateTimeToLive"],
            ..Quirks::default()
        },
    )
    .await;
    match engine.create_schema(models::TABLES).await {
        Err(Error::TtlUnsupported {
            table, operation, ..
        }) => assert_eq!(
            (table.as_str(), operation),
            ("Orders", "DescribeTimeToLive")
        ),
        other => panic!("expected TtlUnsupported, got {other:?}"),
    }
    assert_eq!(
        engine
            .create_schema(models::TABLES)
            .skip_ttl()
            .await
            .unwrap(),
        ["UserProfiles"]
    );
}

#[tokio::test]
async fn other_failures_of_time_to_live_stay_what_they_are() {
    // A throttled UpdateTimeToLive is not a missing API: the engine retries it and, once the
    // throttling ends, time to live is enabled. (Only the unknown operation becomes
    // `TtlUnsupported`.)
    let local = LocalDynamo::start().unwrap();
    let direct = local.engine();
    let proxy = FaultProxy::start(
        local.endpoint(),
        Faults {
            throttle: 0.3,
            ..Faults::default()
        },
        faults::seed(),
    )
    .await;
    let engine = proxy.engine(RetryPolicy {
        attempts: 30,
        ..retry()
    });
    engine.create_schema(models::TABLES).await.unwrap();
    for table in ["Orders", "UserProfiles"] {
        assert_eq!(
            db::ttl(&direct, table).await.0,
            Some(TimeToLiveStatus::Enabled),
            "{table}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// No item with a failed condition
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_stale_save_does_not_claim_the_item_is_missing() {
    let (local, direct) = db::start_local_with_tables().await;
    let (proxy, engine) = through(&local, without_items()).await;
    let stale = stored_twice(&direct).await; // now at version 2; `stale` says 1
    let before = raw_profile(&direct).await;

    let err = engine.save(&stale).await.unwrap_err();
    assert_eq!(
        proxy.counts().items_removed,
        1,
        "the server returned no item"
    );
    match &err {
        Error::VersionConflict {
            expected, found, ..
        } => assert_eq!((*expected, found), (1, &Stored::Present(2))),
        other => panic!("expected a version conflict, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("is at version 2, not 1 as read"),
        "{message}"
    );
    assert!(!message.contains("does not exist"), "{message}");
    assert_eq!(raw_profile(&direct).await, before, "nothing was written");

    // The same for an update and a delete based on the stale version.
    let update = UserProfile::update(key())
        .set(UserProfile::AGE, 3u32)
        .if_version(1)
        .send(&engine)
        .await;
    let delete = engine.delete_item(&stale).await;
    for result in [update, delete] {
        assert_eq!(version_conflict(result), (1, Stored::Present(2)));
    }

    // Read as new while it exists: create-only says it exists.
    match engine.save(&profile()).create_only().await {
        Err(Error::AlreadyExists { .. }) => {}
        other => panic!("expected AlreadyExists, got {other:?}"),
    }

    // Once it is really gone, that is what the error says (a read showed it).
    direct.delete(key()).await.unwrap();
    let err = engine.save(&stale).await.unwrap_err();
    match &err {
        Error::VersionConflict {
            expected: 1,
            found: Stored::Missing,
            ..
        } => {}
        other => panic!("expected a version conflict without an item, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("is at version none (it does not exist), not 1 as read"),
        "{err}"
    );
    assert_eq!(raw_profile(&direct).await, None);
}

#[tokio::test]
async fn failed_conditions_carry_the_item_read_after_them() {
    let (local, direct) = db::start_local_with_tables().await;
    let (_proxy, engine) = through(&local, without_items()).await;
    direct.save(&profile()).await.unwrap();
    let stored = raw_profile(&direct).await.unwrap();
    let result = UserProfile::update(key())
        .set(UserProfile::AGE, 3u32)
        .condition(UserProfile::VERIFIED.eq(true))
        .send(&engine)
        .await;
    assert_eq!(condition_failed(result), Stored::Present(stored));
    // On an absent item, the read shows that it is absent.
    let result = GameScore::update(GameScoreKey::new("abc", "t"))
        .incr(GameScore::WINS, 1)
        .condition(GameScore::WINS.exists())
        .send(&engine)
        .await;
    assert_eq!(condition_failed(result), Stored::Missing);
}

#[tokio::test]
async fn a_sync_conflict_names_only_what_changed() {
    let (local, direct) = db::start_local_with_tables().await;
    let (_proxy, engine) = through(&local, without_items()).await;
    let mut score = GameScore::new("abc", "t");
    score.top_score = Some(100);
    score.wins = 3;
    direct.save(&score).await.unwrap();
    let mut copy = db::tracked::<GameScore>(&engine, score.key()).await;
    score.top_score = Some(200);
    direct.save(&score).await.unwrap();

    copy.top_score = Some(300);
    copy.wins = 4;
    let (attributes, item) = conflict(engine.sync(&mut copy).await);
    // Without the stored item, `wins` would look changed too.
    assert_eq!(attributes, ["top_score"]);
    assert_eq!(item.unwrap()["top_score"], db::n("200"));
}

#[tokio::test]
async fn a_transaction_names_the_stored_version() {
    let (local, direct) = db::start_local_with_tables().await;
    let (proxy, engine) = through(&local, without_items()).await;
    let stale = stored_twice(&direct).await;
    let err = engine
        .transact_write()
        .put(&stale)
        .put(&GameScore::new("abc", "t"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        proxy.counts().items_removed,
        1,
        "the server returned no item"
    );
    let Error::TransactionCanceled { reasons } = err else {
        panic!("expected a cancelled transaction, got {err:?}");
    };
    let kinds: Vec<(Operation, CancelKind)> =
        reasons.into_iter().map(|r| (r.operation, r.kind)).collect();
    assert_eq!(
        kinds,
        [
            (
                Operation::Put,
                CancelKind::VersionConflict {
                    expected: 1,
                    found: Stored::Present(2)
                }
            ),
            (Operation::Put, CancelKind::None),
        ]
    );
}

#[tokio::test]
async fn when_the_stored_item_cannot_be_read_the_error_says_it_is_not_known() {
    let (local, direct) = db::start_local_with_tables().await;
    // No item with a failed condition, and reads fail: nothing can be learnt.
    let (_proxy, engine) = through(
        &local,
        Quirks {
            unknown_operations: vec!["GetItem"],
            no_item_with_failed_conditions: true,
        },
    )
    .await;
    let stale = stored_twice(&direct).await;

    // The version check was the only condition, so it is the one that failed.
    let err = engine.save(&stale).await.unwrap_err();
    match &err {
        Error::VersionConflict {
            expected: 1,
            found: Stored::Unknown,
            ..
        } => {}
        other => panic!("expected a version conflict, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!(
            "item {{user_id = S \"{ID}\"}} of table UserProfiles is not at version 1 as read, and \
             the server did not say which version is stored; it changed since, so nothing was \
             written: read it again and reapply the change"
        )
    );
    // With another condition too, which one failed is not known either.
    let result = engine
        .save(&stale)
        .condition(UserProfile::VERIFIED.eq(false))
        .await;
    assert_eq!(condition_failed(result), Stored::Unknown);
    // A sync cannot tell which attributes changed.
    let mut score = GameScore::new("abc", "t");
    score.top_score = Some(100);
    direct.save(&score).await.unwrap();
    let mut copy = Tracked::stored(score.clone()).unwrap();
    score.top_score = Some(200);
    direct.save(&score).await.unwrap();
    copy.top_score = Some(300);
    assert_eq!(
        condition_failed(engine.sync(&mut copy).await),
        Stored::Unknown
    );
}
