//! `exclude_expired`: items whose time to live has passed, which DynamoDB deletes only some
//! time later, are left out of queries and scans; items without one or with a future one stay.

use crate::harness::db;

use db::start_with_tables;
use flywheel_runtime::chrono::{DateTime, Duration, Utc};
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{Decimal, Engine};
use futures::TryStreamExt;
use generated_example::models::order::OrderState;
use generated_example::models::{Order, UserProfile, UserProfileKey};

fn now() -> i64 {
    Utc::now().timestamp()
}

/// Orders of customer c-1: o-past expired an hour ago, o-none has no time to live, o-future
/// expires in a day, o-ancient expired in 1970.
async fn orders(engine: &Engine) {
    for (id, purge_at) in [
        ("o-past", Some(now() - 3_600)),
        ("o-none", None),
        ("o-future", Some(now() + 86_400)),
        ("o-ancient", Some(1)),
    ] {
        let mut order = Order::new(
            "c-1",
            id,
            DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            Decimal::from(1),
        );
        order.purge_at = purge_at;
        order.sku = Some("sku-1".into());
        engine.save(&order).await.unwrap();
    }
}

fn ids(orders: &[Order]) -> Vec<&str> {
    let mut ids: Vec<&str> = orders.iter().map(|o| o.order_id.as_str()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn queries_and_scans_of_orders_leave_out_expired_ones() {
    let (_local, engine) = start_with_tables().await;
    orders(&engine).await;
    // The emulator, like DynamoDB until it gets round to it, still holds the expired items.
    let all = Order::query("c-1").all(&engine).await.unwrap();
    assert_eq!(ids(&all), ["o-ancient", "o-future", "o-none", "o-past"]);

    let live = Order::query("c-1")
        .exclude_expired()
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(ids(&live), ["o-future", "o-none"]);
    let live = Order::scan().exclude_expired().all(&engine).await.unwrap();
    assert_eq!(ids(&live), ["o-future", "o-none"]);
    assert_eq!(
        Order::query("c-1")
            .exclude_expired()
            .count(&engine)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        Order::scan()
            .exclude_expired()
            .count(&engine)
            .await
            .unwrap(),
        2
    );
    let streamed: Vec<Order> = Order::scan()
        .exclude_expired()
        .stream(&engine)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&streamed), ["o-future", "o-none"]);

    // Combined with a filter, a key condition, paging and an index that holds the TTL.
    let live = Order::query("c-1")
        .range_begins_with("o-")
        .filter(Order::TOTAL.eq(Decimal::from(1)))
        .exclude_expired()
        .page_size(1)
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(ids(&live), ["o-future", "o-none"]);
    let live = Order::query_by_state(OrderState::Open)
        .exclude_expired()
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(ids(&live), ["o-future", "o-none"]);
    let first = Order::query("c-1")
        .exclude_expired()
        .first(&engine)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.order_id, "o-future");
}

#[tokio::test]
async fn queries_and_scans_of_profiles_use_the_datetime_ttl() {
    let (_local, engine) = start_with_tables().await;
    let created = DateTime::from_timestamp(0, 0).unwrap();
    let expiries = [
        Some(Utc::now() - Duration::minutes(1)),
        None,
        Some(Utc::now() + Duration::hours(1)),
    ];
    for (i, expires_at) in expiries.into_iter().enumerate() {
        let mut p = UserProfile::new(
            Uuid::from_u128(i as u128),
            format!("{i}@example.com"),
            created,
        );
        p.expires_at = expires_at;
        engine.save(&p).await.unwrap();
    }
    let mut live: Vec<u128> = UserProfile::scan()
        .exclude_expired()
        .all(&engine)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.user_id.as_u128())
        .collect();
    live.sort();
    assert_eq!(live, [1, 2]);
    assert_eq!(UserProfile::scan().count(&engine).await.unwrap(), 3);
    assert!(
        UserProfile::query(Uuid::from_u128(0))
            .exclude_expired()
            .first(&engine)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        UserProfile::query(Uuid::from_u128(0))
            .first(&engine)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        UserProfile::query(Uuid::from_u128(1))
            .exclude_expired()
            .first(&engine)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        UserProfile::query(Uuid::from_u128(2))
            .exclude_expired()
            .first(&engine)
            .await
            .unwrap()
            .is_some()
    );

    // An update moving the time to live into the past hides the item.
    UserProfile::update(UserProfileKey::new(Uuid::from_u128(2)))
        .set(UserProfile::EXPIRES_AT, Utc::now() - Duration::seconds(5))
        .send(&engine)
        .await
        .unwrap();
    assert_eq!(
        UserProfile::scan()
            .exclude_expired()
            .count(&engine)
            .await
            .unwrap(),
        1
    );
}
