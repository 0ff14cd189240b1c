//! The version attribute (`UserProfile.version`, `Order.revision`): every write checks or
//! counts it, and a write based on a stale version fails with `VersionConflict` writing nothing.

use crate::harness::db;
use crate::harness::errors;

use db::{PROFILE_ID as ID, n, profile, profile_key as key, start_with_tables};
use flywheel_runtime::chrono::DateTime;
use flywheel_runtime::ops::Saved;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{Decimal, Engine, Error, Item, Stored, Update};
use generated_example::models::order::OrderState;
use generated_example::models::user_profile::Status;
use generated_example::models::{GameScore, Order, OrderKey, UserProfile, UserProfileKey};

fn order() -> Order {
    Order::new(
        "c-1",
        "o-1",
        DateTime::from_timestamp(0, 0).unwrap(),
        Decimal::from(10),
    )
}

fn order_key() -> OrderKey {
    OrderKey::new("c-1", "o-1")
}

async fn raw_profile(engine: &Engine) -> Option<Item> {
    db::raw_profile(engine, ID).await
}

async fn raw_order(engine: &Engine) -> Option<Item> {
    db::raw_order(engine, "c-1", "o-1").await
}

async fn read(engine: &Engine) -> UserProfile {
    db::read_consistent(engine, key())
        .await
        .expect("the profile exists")
}

/// Checks for a version conflict that knows the stored version (`None`: no item).
fn assert_version_conflict<T: std::fmt::Debug>(
    result: flywheel_runtime::Result<T>,
    expected_version: i64,
    found_version: Option<i64>,
) {
    let found_version = match found_version {
        Some(version) => Stored::Present(version),
        None => Stored::Missing,
    };
    assert_eq!(
        errors::version_conflict(result),
        (expected_version, found_version)
    );
}

/// Sends `update` as based on `version` and checks that it fails with the stored version
/// `found_version` (`None`: no item).
async fn assert_stale_update<M: flywheel_runtime::Versioned>(
    engine: &Engine,
    update: Update<M>,
    version: i64,
    found_version: Option<i64>,
) {
    let result = update.if_version(version).send(engine).await;
    assert_version_conflict(result, version, found_version);
}

#[tokio::test]
async fn saves_start_at_one_count_up_and_refuse_a_stale_version() {
    let (_local, engine) = start_with_tables().await;
    let mut p = profile();
    assert_eq!(engine.save(&p).await.unwrap(), Saved { version: 1 });
    assert_eq!(raw_profile(&engine).await.unwrap()["version"], n("1"));
    let mut first = read(&engine).await;
    assert_eq!(first.version, 1);

    // A save with the version read succeeds and writes the next one.
    first.display_name = Some("Ada".into());
    let saved = engine.save(&first).await.unwrap();
    assert_eq!(saved, Saved { version: 2 });
    first.version = saved.version;
    first.age = Some(36);
    assert_eq!(engine.save(&first).await.unwrap(), Saved { version: 3 });

    // The model still at version 0 (and one at 1) are stale now.
    let before = raw_profile(&engine).await.unwrap();
    p.display_name = Some("stale".into());
    assert_version_conflict(engine.save(&p).await, 0, Some(3));
    p.version = 1;
    let err = engine.save(&p).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "item {{user_id = S \"{ID}\"}} of table {} is at version 3, not 1 as read; it changed \
             since, so nothing was written: read it again and reapply the change",
            db::table(&engine, "UserProfiles")
        )
    );
    assert_eq!(
        raw_profile(&engine).await.unwrap(),
        before,
        "nothing was written"
    );
    assert_eq!(read(&engine).await.display_name.as_deref(), Some("Ada"));
}

#[tokio::test]
async fn an_order_counts_its_revision_the_same_way() {
    let (_local, engine) = start_with_tables().await;
    assert_eq!(engine.save(&order()).await.unwrap(), Saved { version: 1 });
    let mut read: Order = db::read_existing(&engine, order_key()).await;
    assert_eq!(read.revision, 1);
    read.state = OrderState::Paid;
    assert_eq!(engine.save(&read).await.unwrap(), Saved { version: 2 });
    assert_eq!(raw_order(&engine).await.unwrap()["revision"], n("2"));
    // `read` still says revision 1.
    read.state = OrderState::Cancelled;
    assert_version_conflict(engine.save(&read).await, 1, Some(2));
    let stored: Order = db::read_existing(&engine, order_key()).await;
    assert_eq!((stored.state, stored.revision), (OrderState::Paid, 2));

    // Updates count the revision too, and `if_version` checks it.
    Order::update(order_key())
        .set(Order::STATE, OrderState::Shipped)
        .if_version(2)
        .send(&engine)
        .await
        .unwrap();
    let stale = Order::update(order_key()).set(Order::STATE, OrderState::Open);
    assert_stale_update(&engine, stale, 2, Some(3)).await;
    let stored: Order = db::read_existing(&engine, order_key()).await;
    assert_eq!((stored.state, stored.revision), (OrderState::Shipped, 3));
}

#[tokio::test]
async fn a_model_without_a_version_attribute_reports_none() {
    let (_local, engine) = start_with_tables().await;
    let saved = engine.save(&GameScore::new("abc", "t")).await.unwrap();
    assert_eq!(saved, Saved { version: 0 });
    // `if_version` does not compile there: tests/ui/if_version_without_a_version_attribute.rs.
}

#[tokio::test]
async fn create_only_of_an_existing_versioned_item_is_already_exists() {
    let (_local, engine) = start_with_tables().await;
    engine.save(&profile()).create_only().await.unwrap();
    let before = raw_profile(&engine).await.unwrap();
    let mut again = profile();
    again.email = "other@example.com".into();
    match engine.save(&again).create_only().await {
        Err(Error::AlreadyExists { table, key }) => {
            assert_eq!(table, db::table(&engine, "UserProfiles"));
            assert_eq!(key, format!("{{user_id = S \"{ID}\"}}"));
        }
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    // Even with the stored version, create-only means the item must not exist.
    let mut current = read(&engine).await;
    current.email = "other@example.com".into();
    assert!(matches!(
        engine.save(&current).create_only().await,
        Err(Error::AlreadyExists { .. })
    ));
    // Without create_only, a model never read (version 0) does not overwrite it either.
    assert_version_conflict(engine.save(&again).await, 0, Some(1));
    assert_eq!(raw_profile(&engine).await.unwrap(), before);
}

#[tokio::test]
async fn updates_check_if_version_and_always_increment() {
    let (_local, engine) = start_with_tables().await;
    // An update of an absent item creates it at version 1 ...
    UserProfile::update(key())
        .set(UserProfile::EMAIL, "ada@example.com")
        .set(
            UserProfile::CREATED_AT,
            DateTime::from_timestamp(0, 0).unwrap(),
        )
        .send(&engine)
        .await
        .unwrap();
    assert_eq!(read(&engine).await.version, 1);
    // ... and each update without `if_version` still counts it.
    UserProfile::update(key())
        .incr(UserProfile::LOGIN_COUNT, 1)
        .send(&engine)
        .await
        .unwrap();
    let after = UserProfile::update(key())
        .set(UserProfile::VERIFIED, true)
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(
        (after.version, after.login_count, after.verified),
        (3, 1, true)
    );

    // `if_version` with the stored version succeeds and counts.
    let after = UserProfile::update(key())
        .set(UserProfile::STATUS, Status::Suspended)
        .if_version(3)
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!((after.version, after.status), (4, Status::Suspended));

    // A stale one fails and writes nothing.
    let before = raw_profile(&engine).await.unwrap();
    // Version 0 means "does not exist yet".
    for version in [3, 0] {
        let stale = UserProfile::update(key()).set(UserProfile::STATUS, Status::Banned);
        assert_stale_update(&engine, stale, version, Some(4)).await;
    }
    assert_eq!(raw_profile(&engine).await.unwrap(), before);

    // On an absent item: version 0 creates it, any other is a conflict with nothing found.
    let other = UserProfileKey::new(Uuid::from_u128(43));
    let stale = UserProfile::update(other.clone()).set(UserProfile::EMAIL, "x@example.com");
    assert_stale_update(&engine, stale, 5, None).await;
    assert!(!db::is_stored(&engine, other.clone()).await);
    UserProfile::update(other.clone())
        .set(UserProfile::EMAIL, "x@example.com")
        .set(
            UserProfile::CREATED_AT,
            DateTime::from_timestamp(0, 0).unwrap(),
        )
        .if_version(0)
        .send(&engine)
        .await
        .unwrap();
    let created: UserProfile = db::read_existing(&engine, other).await;
    assert_eq!(created.version, 1);
}

#[tokio::test]
async fn a_condition_failing_at_the_right_version_is_a_condition_failure() {
    let (_local, engine) = start_with_tables().await;
    engine.save(&profile()).await.unwrap();
    match UserProfile::update(key())
        .set(UserProfile::AGE, 30)
        .condition(UserProfile::VERIFIED.eq(true))
        .if_version(1)
        .send(&engine)
        .await
    {
        Err(Error::ConditionFailed {
            item: Stored::Present(item),
            ..
        }) => assert_eq!(item["version"], n("1")),
        other => panic!("expected a failed condition, got {other:?}"),
    }
    let mut current = read(&engine).await;
    current.age = Some(30);
    assert!(matches!(
        engine
            .save(&current)
            .condition(UserProfile::VERIFIED.eq(true))
            .await,
        Err(Error::ConditionFailed {
            item: Stored::Present(_),
            ..
        })
    ));
    assert!(matches!(
        engine
            .delete(key())
            .condition(UserProfile::VERIFIED.eq(true))
            .if_version(1)
            .await,
        Err(Error::ConditionFailed {
            item: Stored::Present(_),
            ..
        })
    ));
    assert_eq!(read(&engine).await, {
        let mut p = profile();
        p.version = 1;
        p
    });
}

#[tokio::test]
async fn the_second_of_two_syncs_based_on_one_version_conflicts() {
    let (_local, engine) = start_with_tables().await;
    engine.save(&profile()).await.unwrap();
    let mut first = db::tracked::<UserProfile>(&engine, key()).await;
    let mut second = db::tracked::<UserProfile>(&engine, key()).await;
    first.display_name = Some("Ada".into());
    assert!(engine.sync(&mut first).await.unwrap());
    assert_eq!(
        first.version, 2,
        "the sync reloads the model with the new version"
    );

    // A different field, but the version moved on: refused, nothing written.
    second.age = Some(36);
    let before = raw_profile(&engine).await.unwrap();
    assert_version_conflict(engine.sync(&mut second).await, 1, Some(2));
    assert_eq!(raw_profile(&engine).await.unwrap(), before);
    assert_eq!(
        second.age,
        Some(36),
        "the refused change stays in the model"
    );

    // Even `overwrite` checks the version.
    assert_version_conflict(engine.sync(&mut second).overwrite().await, 1, Some(2));

    // The first copy is current, so it can go on.
    first.age = Some(37);
    assert!(engine.sync(&mut first).await.unwrap());
    let stored = read(&engine).await;
    assert_eq!(
        (stored.display_name.as_deref(), stored.age, stored.version),
        (Some("Ada"), Some(37), 3)
    );

    // An update in between (no `if_version`) also makes a tracked copy stale.
    UserProfile::update(key())
        .incr(UserProfile::LOGIN_COUNT, 1)
        .send(&engine)
        .await
        .unwrap();
    first.verified = true;
    assert_version_conflict(engine.sync(&mut first).await, 3, Some(4));
}

#[tokio::test]
async fn deletes_check_the_version() {
    let (_local, engine) = start_with_tables().await;
    engine.save(&profile()).await.unwrap();
    let stale = read(&engine).await;
    let mut current = stale.clone();
    current.age = Some(1);
    engine.save(&current).await.unwrap();
    current.version = 2;

    assert_version_conflict(engine.delete_item(&stale).await, 1, Some(2));
    assert_version_conflict(engine.delete(key()).if_version(1).await, 1, Some(2));
    assert_version_conflict(engine.delete(key()).if_version(0).await, 0, Some(2));
    assert!(db::is_stored(&engine, key()).await, "nothing was deleted");

    engine.delete_item(&current).await.unwrap();
    assert!(!db::is_stored(&engine, key()).await);
    // Gone: a delete that expects a version finds none.
    assert_version_conflict(engine.delete_item(&current).await, 2, None);
    // A plain delete of the absent item is fine, as is `if_version(0)`.
    engine.delete(key()).await.unwrap();
    engine.delete(key()).if_version(0).await.unwrap();

    // `delete(key).if_version(n)` with the stored version deletes.
    engine.save(&profile()).await.unwrap();
    engine.delete(key()).if_version(1).await.unwrap();
    assert!(!db::is_stored(&engine, key()).await);

    // An order through `delete_item` with its revision.
    engine.save(&order()).await.unwrap();
    let read_order: Order = db::read_existing(&engine, order_key()).await;
    let mut stale_order = read_order.clone();
    stale_order.revision = 7;
    assert_version_conflict(engine.delete_item(&stale_order).await, 7, Some(1));
    engine.delete_item(&read_order).await.unwrap();
    assert_eq!(raw_order(&engine).await, None);
}
