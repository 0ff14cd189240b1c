//! Shared set-up of the integration tests: a fresh in-process DynamoDB per test.

#![allow(dead_code)] // Each test file uses a different part of this module.

use flywheel_runtime::local::LocalDynamo;
use flywheel_runtime::{AttributeValue, Engine, Item};
use generated_example::models;

/// Starts a fresh emulator and creates every table of the example schemas in it.
///
/// Keep the returned `LocalDynamo` alive for the whole test: dropping it stops the server.
pub async fn start_with_tables() -> (LocalDynamo, Engine) {
    let local = LocalDynamo::start().expect("the local emulator starts");
    let engine = local.engine();
    engine
        .create_schema(models::TABLES)
        .await
        .expect("the example tables are created");
    (local, engine)
}

/// Reads an item with the raw client, consistently, exactly as stored.
pub async fn raw_get(engine: &Engine, table: &str, key: &[(&str, AttributeValue)]) -> Option<Item> {
    let mut request = engine
        .client()
        .get_item()
        .table_name(table)
        .consistent_read(true);
    for (name, value) in key {
        request = request.key(*name, value.clone());
    }
    request.send().await.expect("raw GetItem succeeds").item
}

/// Writes an item with the raw client, bypassing the models.
pub async fn raw_put(engine: &Engine, table: &str, item: Vec<(&str, AttributeValue)>) {
    let item: Item = item.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    engine
        .client()
        .put_item()
        .table_name(table)
        .set_item(Some(item))
        .send()
        .await
        .expect("raw PutItem succeeds");
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
