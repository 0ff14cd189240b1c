//! An engine that records each request it sends, for the tests that check what was (or was
//! not) sent: the operation, and for reads their table, index and segment, for updates their
//! expression.

use std::sync::{Arc, Mutex};

use flywheel_runtime::Engine;
use flywheel_runtime::aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use flywheel_runtime::aws_sdk_dynamodb::config::{ConfigBag, Intercept};
use flywheel_runtime::aws_sdk_dynamodb::error::BoxError;
use flywheel_runtime::aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemInput;
use flywheel_runtime::aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemInput;
use flywheel_runtime::aws_sdk_dynamodb::operation::create_table::CreateTableInput;
use flywheel_runtime::aws_sdk_dynamodb::operation::delete_item::DeleteItemInput;
use flywheel_runtime::aws_sdk_dynamodb::operation::describe_table::DescribeTableInput;
use flywheel_runtime::aws_sdk_dynamodb::operation::describe_time_to_live::DescribeTimeToLiveInput;
use flywheel_runtime::aws_sdk_dynamodb::operation::get_item::GetItemInput;
use flywheel_runtime::aws_sdk_dynamodb::operation::put_item::PutItemInput;
use flywheel_runtime::aws_sdk_dynamodb::operation::query::QueryInput;
use flywheel_runtime::aws_sdk_dynamodb::operation::scan::ScanInput;
use flywheel_runtime::aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use flywheel_runtime::aws_sdk_dynamodb::operation::update_time_to_live::UpdateTimeToLiveInput;

/// One request the recording engine sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// `Query`, `Scan`, `UpdateItem`, `BatchWriteItem`, ... (see [`OPERATIONS`]) or `Other`.
    pub operation: &'static str,
    /// The table of a query or scan.
    pub table: Option<String>,
    /// The index of a query or scan.
    pub index: Option<String>,
    /// The segment of a scan.
    pub segment: Option<i32>,
    /// The update expression of an UpdateItem, with the attribute names put back in place of
    /// their placeholders.
    pub update: Option<String>,
}

/// The requests a recording engine sent, in order.
#[derive(Debug, Clone, Default)]
pub struct Requests(Arc<Mutex<Vec<Sent>>>);

impl Requests {
    /// How many requests were sent so far.
    pub fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// Every request sent so far.
    pub fn all(&self) -> Vec<Sent> {
        self.0.lock().unwrap().clone()
    }

    /// The requests sent so far, forgetting them.
    pub fn take(&self) -> Vec<Sent> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// The context of a request, as the recorder sees it before the request is serialized.
type Context<'a> = BeforeSerializationInterceptorContextRef<'a>;

/// Whether the request of `context` is of the operation whose input type is `T`.
fn is<T: std::fmt::Debug + Send + Sync + 'static>(context: &Context<'_>) -> bool {
    context.input().downcast_ref::<T>().is_some()
}

/// Tells whether a request is of one operation.
type IsOperation = fn(&Context<'_>) -> bool;

/// The operations a [`Sent`] names; any other is `Other`.
const OPERATIONS: &[(&str, IsOperation)] = &[
    ("Query", is::<QueryInput>),
    ("Scan", is::<ScanInput>),
    ("GetItem", is::<GetItemInput>),
    ("PutItem", is::<PutItemInput>),
    ("UpdateItem", is::<UpdateItemInput>),
    ("DeleteItem", is::<DeleteItemInput>),
    ("BatchGetItem", is::<BatchGetItemInput>),
    ("BatchWriteItem", is::<BatchWriteItemInput>),
    ("CreateTable", is::<CreateTableInput>),
    ("DescribeTable", is::<DescribeTableInput>),
    ("DescribeTimeToLive", is::<DescribeTimeToLiveInput>),
    ("UpdateTimeToLive", is::<UpdateTimeToLiveInput>),
];

/// The update expression of `input`, with the names put back in place of their placeholders.
fn resolved_update(input: &UpdateItemInput) -> String {
    let mut text = input.update_expression().unwrap_or_default().to_owned();
    let mut names: Vec<_> = input
        .expression_attribute_names()
        .map(|n| n.iter().collect())
        .unwrap_or_default();
    // Longest placeholder first, so `#n1` does not eat `#n10`.
    names.sort_by_key(|(placeholder, _)| std::cmp::Reverse(placeholder.len()));
    for (placeholder, name) in names {
        text = text.replace(placeholder.as_str(), name);
    }
    text
}

#[derive(Debug)]
struct Recorder(Requests);

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "request recorder"
    }

    fn read_before_execution(
        &self,
        context: &Context<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = OPERATIONS
            .iter()
            .find(|(_, is_it)| is_it(context))
            .map_or("Other", |(name, _)| *name);
        let mut sent = Sent {
            operation,
            table: None,
            index: None,
            segment: None,
            update: None,
        };
        let input = context.input();
        sent.update = input.downcast_ref().map(resolved_update);
        if let Some(q) = input.downcast_ref::<QueryInput>() {
            sent.table = q.table_name.clone();
            sent.index = q.index_name.clone();
        } else if let Some(s) = input.downcast_ref::<ScanInput>() {
            sent.table = s.table_name.clone();
            sent.index = s.index_name.clone();
            sent.segment = s.segment;
        }
        self.0.0.lock().unwrap().push(sent);
        Ok(())
    }
}

/// An engine on the same server (and namespace) as `engine` whose client records every
/// request it sends.
pub fn recording(engine: &Engine) -> (Engine, Requests) {
    let requests = Requests::default();
    let engine = engine
        .clone()
        .with_client_config(|c| c.interceptor(Recorder(requests.clone())));
    (engine, requests)
}
