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

/// One request an observed engine sent: the operation and, for an UpdateItem, its update
/// expression with the attribute names put back in place of their placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `UpdateItem`, `PutItem`, `GetItem`, `DeleteItem`, ... or `Other`.
    pub operation: &'static str,
    /// The update expression of an UpdateItem, with names resolved.
    pub update: Option<String>,
}

/// The requests an observed engine sent, in order.
#[derive(Debug, Clone, Default)]
pub struct Requests(std::sync::Arc<std::sync::Mutex<Vec<Request>>>);

impl Requests {
    /// How many requests were sent so far.
    pub fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// Every request sent so far.
    pub fn all(&self) -> Vec<Request> {
        self.0.lock().unwrap().clone()
    }

    /// The requests sent so far, forgetting them.
    pub fn take(&self) -> Vec<Request> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

#[derive(Debug)]
struct Observer(Requests);

impl flywheel_runtime::aws_sdk_dynamodb::config::Intercept for Observer {
    fn name(&self) -> &'static str {
        "request observer"
    }

    fn read_before_execution(
        &self,
        context: &flywheel_runtime::aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut flywheel_runtime::aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), flywheel_runtime::aws_sdk_dynamodb::error::BoxError> {
        use flywheel_runtime::aws_sdk_dynamodb::operation;
        let input = context.input();
        let (operation, update) =
            if let Some(i) = input.downcast_ref::<operation::update_item::UpdateItemInput>() {
                // Put the names back, longest placeholder first so `#n1` does not eat `#n10`.
                let mut text = i.update_expression().unwrap_or_default().to_owned();
                let mut names: Vec<_> = i
                    .expression_attribute_names()
                    .map(|n| n.iter().collect())
                    .unwrap_or_else(Vec::new);
                names.sort_by_key(|(placeholder, _)| std::cmp::Reverse(placeholder.len()));
                for (placeholder, name) in names {
                    text = text.replace(placeholder.as_str(), name);
                }
                ("UpdateItem", Some(text))
            } else if input
                .downcast_ref::<operation::put_item::PutItemInput>()
                .is_some()
            {
                ("PutItem", None)
            } else if input
                .downcast_ref::<operation::get_item::GetItemInput>()
                .is_some()
            {
                ("GetItem", None)
            } else if input
                .downcast_ref::<operation::delete_item::DeleteItemInput>()
                .is_some()
            {
                ("DeleteItem", None)
            } else {
                ("Other", None)
            };
        self.0.0.lock().unwrap().push(Request { operation, update });
        Ok(())
    }
}

/// An engine on the same emulator that records every request it sends.
pub fn observed(engine: &Engine) -> (Engine, Requests) {
    let requests = Requests::default();
    let engine = engine
        .clone()
        .with_client_config(|c| c.interceptor(Observer(requests.clone())));
    (engine, requests)
}
