//! The one error type of the runtime, with typed variants that say what to do.

use std::fmt;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

mod issue;
mod render;
mod undone;

pub use issue::{DecodeError, DecodeIssue, EncodeError, EncodeIssue, PathStep};
pub(crate) use render::render_item;
pub use render::{render_key, render_value};
pub use undone::{CancelKind, CancelReason, Operation, Unprocessed};

use crate::Item;

/// Result of a flywheel operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a flywheel operation can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A create-only save found an item with the same key.
    #[error(
        "item {key} already exists in table {table}; save without `create_only()` to overwrite it"
    )]
    AlreadyExists {
        /// The table, with the engine's namespace.
        table: String,
        /// The key of the item, rendered as `name = value` pairs.
        key: String,
    },
    /// A unique attribute's value is held by another item, so nothing was written.
    #[error(
        "the value {value:?} of the unique attribute `{attribute}` is held by another item of \
         table {table}, so nothing was written"
    )]
    NotUnique {
        /// The table, with the engine's namespace.
        table: String,
        /// The unique attribute.
        attribute: String,
        /// Its value.
        value: String,
    },
    /// No item has the given key.
    #[error("no item {key} in table {table}")]
    NotFound {
        /// The table, with the engine's namespace.
        table: String,
        /// The key that was asked for.
        key: String,
    },
    /// The condition of a write did not hold, so nothing was written.
    #[error(
        "the condition on item {key} of table {table} did not hold, so nothing was written; \
         read the item again and retry if the write still applies"
    )]
    ConditionFailed {
        /// The table, with the engine's namespace.
        table: String,
        /// The key of the item.
        key: String,
        /// What is known of the stored item (see [`Stored`]).
        item: Stored<Item>,
    },
    /// The item's version is not the one this write was based on: someone else wrote it since
    /// it was read. Nothing was written.
    #[error(
        "item {key} of table {table} {}; it changed since, so nothing was written: read it again \
         and reapply the change",
        match found {
            Stored::Present(version) => format!("is at version {version}, not {expected} as read"),
            Stored::Missing => format!("is at version none (it does not exist), not {expected} as read"),
            Stored::Unknown => format!(
                "is not at version {expected} as read, and the server did not say which version \
                 is stored"
            ),
        }
    )]
    VersionConflict {
        /// The table, with the engine's namespace.
        table: String,
        /// The key of the item.
        key: String,
        /// The version the write expected (0: the item should not exist yet).
        expected: i64,
        /// What is known of the stored version (see [`Stored`]).
        found: Stored<i64>,
    },
    /// A sync found that attributes it writes were changed by someone else since they were read.
    /// Nothing was written.
    #[error(
        "attributes {} of item {key} in table {table} changed since they were read, so the sync \
         wrote nothing; reload the item and reapply the change",
        attributes.join(", ")
    )]
    Conflict {
        /// The table, with the engine's namespace.
        table: String,
        /// The key of the item.
        key: String,
        /// The attributes whose stored value differs from the value read.
        attributes: Vec<String>,
        /// The item as stored when the sync was refused, `None` when it does not exist. (A
        /// conflict is only reported when the stored item is known: otherwise the sync fails
        /// with [`Error::ConditionFailed`] and [`Stored::Unknown`].)
        item: Option<Item>,
    },
    /// A loaded model's key was changed; DynamoDB cannot change an item's key.
    #[error(
        "the key of a loaded {model} was changed from {read} to {now}; an item's key cannot change: \
         delete the item and save a new one"
    )]
    KeyChanged {
        /// The model.
        model: &'static str,
        /// The key as read.
        read: String,
        /// The key now.
        now: String,
    },
    /// An item in the table does not match the schema.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A value cannot be stored in DynamoDB.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// A request was rejected before it was sent.
    #[error("invalid request: {0}")]
    Validation(String),
    /// DynamoDB (or the network on the way) returned an error.
    #[error("{operation} failed: {code}: {message}{}", request_id.as_deref().map(|id| format!(" (request id {id})")).unwrap_or_default())]
    Sdk {
        /// The DynamoDB operation, such as `PutItem`.
        operation: &'static str,
        /// The error code, such as `ResourceNotFoundException`, or the kind of failure.
        code: String,
        /// The message that came with it.
        message: String,
        /// The request id, to quote to AWS support.
        request_id: Option<String>,
        /// The SDK error itself.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A request, or a wait for a table, took longer than its time limit
    /// ([`Timeouts`](crate::retry::Timeouts)). A write that timed out may or may not have been
    /// carried out.
    #[error(
        "{operation} on table {table} timed out: {kind} ({after:?}, {attempts} attempt(s)){}",
        cause.as_ref().map(|c| format!("; last error: {c}")).unwrap_or_default()
    )]
    Timeout {
        /// The DynamoDB operation, such as `GetItem`.
        operation: &'static str,
        /// The table, with the engine's namespace.
        table: String,
        /// Which limit was reached.
        kind: TimeoutKind,
        /// The limit.
        after: std::time::Duration,
        /// How many attempts were made.
        attempts: u32,
        /// The error of the last attempt, when the operation's time ran out between attempts.
        cause: Option<Box<Error>>,
    },
    /// The server's answer cannot be right (for example a read that keeps returning the same
    /// page): the read stops instead of looping.
    #[error("the answer to {operation} on table {table} cannot be right: {message}")]
    BadResponse {
        /// The DynamoDB operation.
        operation: &'static str,
        /// The table, with the engine's namespace.
        table: String,
        /// What is wrong with it.
        message: String,
    },
    /// A cursor does not belong to this query or scan, was altered, or is not a cursor.
    #[error("invalid cursor: {0}")]
    InvalidCursor(String),
    /// A query that should match exactly one item matched more.
    #[error(
        "more than one item in {table} matches a query that expected exactly one; narrow the key condition or use `first`"
    )]
    MoreThanOne {
        /// The table (and index) queried.
        table: String,
    },
    /// A transaction was cancelled: nothing of it was applied. One reason per operation, in
    /// the order they were added.
    #[error(
        "the transaction was cancelled and nothing was applied: {}",
        reasons
            .iter()
            .filter(|r| r.kind != CancelKind::None)
            .map(|r| format!("operation {} ({:?} of {} in {}): {:?}", r.index, r.operation, r.key, r.table, r.kind))
            .collect::<Vec<_>>()
            .join("; ")
    )]
    TransactionCanceled {
        /// Why each operation did or did not go through.
        reasons: Vec<CancelReason>,
    },
    /// A batch could not carry out every operation after every retry; the ones not done are
    /// all here, so nothing is lost.
    #[error(
        "a batch left {} operation(s) undone after every retry ({done} done){}; they are returned \
         in `unprocessed`: retry them later or with a gentler retry policy",
        unprocessed.len(),
        cause.as_ref().map(|c| format!(", last error: {c}")).unwrap_or_default()
    )]
    BatchIncomplete {
        /// How many operations were carried out.
        done: usize,
        /// Every operation that was not.
        unprocessed: Vec<Unprocessed>,
        /// The error that stopped the retries, if one did (rather than running out of attempts).
        cause: Option<Box<Error>>,
    },
    /// The server does not support time to live (it does not know DescribeTimeToLive or
    /// UpdateTimeToLive, as some emulators), so [`create_schema`](crate::Engine::create_schema)
    /// could not enable it on a table whose schema has a `ttl` attribute. The table itself was
    /// created (or existed already); tables after it in the list were not created yet.
    #[error(
        "table {table} exists, but the server does not support time to live ({operation} \
         answered {code}): call `.skip_ttl()` on create_schema to create the tables without it; \
         DynamoDB deletes expired items only when TTL is enabled"
    )]
    TtlUnsupported {
        /// The table, with the engine's namespace.
        table: String,
        /// The time to live operation the server did not know.
        operation: &'static str,
        /// The server's error code, such as `UnknownOperationException`.
        code: String,
        /// The server's error.
        #[source]
        source: Box<Error>,
    },
    /// The local emulator could not start.
    #[error("the local DynamoDB emulator could not start: {0}")]
    Local(String),
}

/// What is known of the stored item (or of its version) when a conditional write was refused.
///
/// Writes ask DynamoDB to return the stored item with a failed condition
/// (`ReturnValuesOnConditionCheckFailure=ALL_OLD`); DynamoDB returns it whenever it exists.
/// Some servers never return it, so an answer without the item does not show that the item is
/// missing: flywheel then reads the item once, consistently, right after the refusal, and
/// reports what that read found. That read sees the item as it is a moment after the write was
/// refused; a concurrent write in between can have changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored<T> {
    /// No item has the key.
    Missing,
    /// The item exists; this is it, or its version.
    Present(T),
    /// Not known: the server returned no item with the refusal, and reading the item
    /// afterwards failed.
    Unknown,
}

impl<T> Stored<T> {
    /// The stored item or version, when it exists and is known.
    pub fn present(&self) -> Option<&T> {
        match self {
            Stored::Present(value) => Some(value),
            _ => None,
        }
    }

    /// [`present`](Stored::present), by value.
    pub fn into_present(self) -> Option<T> {
        match self {
            Stored::Present(value) => Some(value),
            _ => None,
        }
    }

    /// Whether it is known that no item has the key.
    pub fn is_missing(&self) -> bool {
        matches!(self, Stored::Missing)
    }

    /// Whether nothing is known of the stored item.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Stored::Unknown)
    }

    /// Applies `f` to the stored value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Stored<U> {
        match self {
            Stored::Missing => Stored::Missing,
            Stored::Present(value) => Stored::Present(f(value)),
            Stored::Unknown => Stored::Unknown,
        }
    }
}

/// Which time limit a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// No connection could be made in time.
    Connect,
    /// One attempt got no complete answer in time.
    Attempt,
    /// The operation, with its retries, took too long.
    Operation,
    /// A table did not reach this state in time.
    TableState(&'static str),
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeoutKind::Connect => f.write_str("no connection could be made in time"),
            TimeoutKind::Attempt => f.write_str("no complete answer came in time"),
            TimeoutKind::Operation => {
                f.write_str("the operation with its retries took longer than its limit")
            }
            TimeoutKind::TableState(state) => write!(f, "the table did not become {state}"),
        }
    }
}

impl Error {
    pub(crate) fn timeout(
        operation: &'static str,
        table: &str,
        kind: TimeoutKind,
        after: std::time::Duration,
        attempts: u32,
    ) -> Error {
        Error::Timeout {
            operation,
            table: table.to_owned(),
            kind,
            after,
            attempts,
            cause: None,
        }
    }

    pub(crate) fn with_cause(mut self, error: Error) -> Error {
        if let Error::Timeout { cause, .. } = &mut self {
            *cause = Some(Box::new(error));
        }
        self
    }

    /// The DynamoDB error code when this error came from DynamoDB.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Sdk { code, .. } | Error::TtlUnsupported { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Puts the namespaced table name into decode and encode errors.
    pub(crate) fn in_table(self, table: &str) -> Error {
        match self {
            Error::Decode(e) => Error::Decode(e.in_table(table)),
            Error::Encode(e) => Error::Encode(e.in_table(table)),
            other => other,
        }
    }

    pub(crate) fn sdk<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let (code, message, request_id) = match &err {
            SdkError::ServiceError(service) => {
                let inner = service.err();
                match inner.code() {
                    Some(code) => (
                        code.to_owned(),
                        inner.message().unwrap_or_default().to_owned(),
                        inner.meta().extra("aws_request_id").map(str::to_owned),
                    ),
                    // No DynamoDB error code: a proxy, a load balancer or another server
                    // answered, or the answer could not be read.
                    None => {
                        let status = service.raw().status().as_u16();
                        let body = body_start(service.raw());
                        if status < 300 {
                            (
                                "ResponseError".to_owned(),
                                format!(
                                    "the answer (HTTP {status}) is not a DynamoDB response that \
                                     could be read: {body}"
                                ),
                                None,
                            )
                        } else {
                            (
                                format!("HTTP {status}"),
                                format!("not a DynamoDB error response: {body}"),
                                None,
                            )
                        }
                    }
                }
            }
            SdkError::TimeoutError(_) => ("Timeout".into(), "the request timed out".into(), None),
            SdkError::DispatchFailure(failure) => {
                let kind = if failure.is_io() {
                    "the connection failed"
                } else if failure.is_timeout() {
                    "the connection timed out"
                } else {
                    "the request could not be sent"
                };
                (
                    "DispatchFailure".into(),
                    format!("{kind}: {}", causes(&err)),
                    None,
                )
            }
            SdkError::ConstructionFailure(_) => (
                "ConstructionFailure".into(),
                format!("the request could not be built: {}", causes(&err)),
                None,
            ),
            SdkError::ResponseError(response) => (
                "ResponseError".into(),
                format!(
                    "the answer (HTTP {}) is not a DynamoDB response that could be read: {}",
                    response.raw().status().as_u16(),
                    body_start(response.raw())
                ),
                None,
            ),
            _ => ("Unknown".into(), err.to_string(), None),
        };
        Error::Sdk {
            operation,
            code,
            message,
            request_id,
            source: Box::new(err),
        }
    }
}

/// The messages of an error's sources, innermost last (the SDK's own text says only "dispatch
/// failure").
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = err.source();
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        next = e.source();
    }
    if parts.is_empty() {
        err.to_string()
    } else {
        parts.join(": ")
    }
}

/// The first bytes of a response body, for messages.
fn body_start(response: &HttpResponse) -> String {
    const SHOWN: usize = 120;
    match response.body().bytes() {
        None => "its body could not be read".to_owned(),
        Some([]) => "its body is empty".to_owned(),
        Some(bytes) => {
            let text = String::from_utf8_lossy(&bytes[..bytes.len().min(SHOWN)]);
            let text: String = text
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let more = if bytes.len() > SHOWN { "…" } else { "" };
            format!("its body starts with `{}`{more}", text.trim())
        }
    }
}
