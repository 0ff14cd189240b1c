//! The valid forms of the cases that follow facts of the schema: version checks on models with
//! a version attribute, `exclude_expired` where the time to live is read, and batch puts of
//! versioned models after `overwrite_versions()`.

use example_models::{GameScore, Order, OrderKey, UserProfile, UserProfileKey};
use flywheel_runtime::Engine;

async fn facts(
    engine: &Engine,
    scores: &[GameScore],
    orders: &[Order],
) -> flywheel_runtime::Result<()> {
    UserProfile::update(UserProfileKey::new(flywheel_runtime::uuid::Uuid::nil()))
        .if_version(3)
        .send(engine)
        .await?;
    engine
        .delete(OrderKey::new("c-1", "o-1"))
        .if_version(2)
        .await?;
    let _ = Order::scan().exclude_expired().all(engine).await?;
    let _ = Order::query("c-1").exclude_expired().all(engine).await?;
    // ByState projects everything and ByCreated is local: both read `purge_at`.
    let _ = Order::query_by_state(example_models::order::OrderState::Open).exclude_expired();
    let _ = Order::query_by_created("c-1").exclude_expired();
    // A datetime range key stored as RFC 3339 text: every order of one day, by a text prefix.
    let _ = Order::query_by_created("c-1")
        .range_begins_with("2024-05-01")
        .all(engine)
        .await?;
    // Selections: what the index holds (a KEYS_ONLY index: the keys), nested paths, tuples.
    let _ = Order::query_by_sku("sku-1")
        .select((Order::SKU, Order::CUSTOMER_ID))
        .all(engine)
        .await?;
    let _ = UserProfile::scan()
        .select(UserProfile::HOME.field(example_models::user_profile::Address::CITY))
        .select((UserProfile::TAGS,))
        .all(engine)
        .await?;
    engine.save_many(scores).await?;
    engine
        .batch_write()
        .overwrite_versions()
        .put_all(scores)
        .put_all(orders)
        .send()
        .await?;
    Ok(())
}

pub fn compiles() {
    let _ = facts;
}
