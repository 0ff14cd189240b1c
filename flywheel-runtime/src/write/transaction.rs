//! Write transactions as DynamoDB takes them: up to 100 operations, each item once, all
//! applied or none. The transaction builder ([`TransactWrite`](crate::transact::TransactWrite))
//! and the single writes that carry companions (the uniqueness items of unique fields) send
//! their operations here; a cancellation comes back with a typed reason per operation.

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;

use crate::Item;
use crate::engine::Engine;
use crate::error::{CancelKind, CancelReason, Error, Result};
use crate::retry::{Failure, Replay};
use crate::write::plan::TransactOp;
use crate::write::refusal::{self, Refusal};

/// DynamoDB's limit of operations in one transaction.
pub(crate) const MAX_OPERATIONS: usize = 100;

/// Sends `ops` as one transaction, with the idempotency `token` if given.
pub(crate) async fn send(engine: &Engine, ops: &[TransactOp], token: Option<String>) -> Result<()> {
    if ops.is_empty() {
        return Err(Error::Validation(
            "a transaction needs at least one operation".into(),
        ));
    }
    if ops.len() > MAX_OPERATIONS {
        return Err(Error::Validation(format!(
            "a transaction holds at most {MAX_OPERATIONS} operations, not {}; split it or use a batch",
            ops.len()
        )));
    }
    for (i, a) in ops.iter().enumerate() {
        if let Some(b) = ops[i + 1..]
            .iter()
            .find(|b| b.table == a.table && b.key == a.key)
        {
            return Err(Error::Validation(format!(
                "a transaction touches item {} of table {} twice ({:?} and {:?}); DynamoDB allows one operation per item",
                a.key_text, a.table, a.operation, b.operation
            )));
        }
    }
    if token.as_ref().is_some_and(|t| t.is_empty() || t.len() > 36) {
        return Err(Error::Validation(
            "an idempotency token has 1 to 36 characters".into(),
        ));
    }
    let items = ops.iter().map(|op| op.item.clone()).collect();
    // Every attempt carries the same token, so that an attempt whose answer was lost and
    // that is sent again is not applied twice.
    let token = token.unwrap_or_else(random_token);
    let table = ops[0].table.clone();
    let request = engine
        .client()
        .transact_write_items()
        .set_transact_items(Some(items))
        .client_request_token(token);
    let result = engine
        .call("TransactWriteItems", &table, Replay::Safe, || {
            request.clone().send()
        })
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(Failure::Timeout(error)) => Err(error),
        Err(Failure::Sdk(err)) => {
            let answered: Vec<(Option<String>, Option<String>, Option<Item>)> =
                match err.as_service_error() {
                    Some(TransactWriteItemsError::TransactionCanceledException(e)) => e
                        .cancellation_reasons()
                        .iter()
                        .map(|r| {
                            (
                                r.code().map(str::to_owned),
                                r.message().map(str::to_owned),
                                r.item().cloned(),
                            )
                        })
                        .collect(),
                    _ => return Err(Error::sdk("TransactWriteItems", err)),
                };
            drop(err);
            let mut reasons = Vec::with_capacity(answered.len());
            for (index, ((code, message, item), op)) in answered.into_iter().zip(ops).enumerate() {
                let kind = match (code.as_deref(), &op.claim) {
                    (Some("ConditionalCheckFailed"), Some((attribute, value))) => {
                        CancelKind::NotUnique {
                            attribute: attribute.clone(),
                            value: value.clone(),
                        }
                    }
                    (Some("ConditionalCheckFailed"), None) => {
                        let stored = refusal::stored_item(engine, &op.table, &op.key, item).await;
                        match refusal::judge(stored, op.version) {
                            Refusal::Version { expected, found } => {
                                CancelKind::VersionConflict { expected, found }
                            }
                            Refusal::Condition(item) => CancelKind::ConditionFailed { item },
                        }
                    }
                    (code, _) => cancel_kind(code, message.as_deref()),
                };
                reasons.push(CancelReason {
                    index,
                    operation: op.operation,
                    table: op.table.clone(),
                    key: op.key_text.clone(),
                    kind,
                });
            }
            Err(Error::TransactionCanceled { reasons })
        }
    }
}

/// 36 random hexadecimal digits, DynamoDB's longest idempotency token.
fn random_token() -> String {
    use chacha20poly1305::aead::Generate;
    // 24 bytes from the operating system's generator.
    let random = chacha20poly1305::XNonce::generate();
    random[..18].iter().map(|b| format!("{b:02x}")).collect()
}

/// The kind of a cancellation reason other than a failed condition.
fn cancel_kind(code: Option<&str>, message: Option<&str>) -> CancelKind {
    let message = message.unwrap_or_default().to_owned();
    match code.unwrap_or("None") {
        "None" => CancelKind::None,
        "TransactionConflict" => CancelKind::TransactionConflict,
        "ThrottlingError" | "ProvisionedThroughputExceeded" | "RequestLimitExceeded" => {
            CancelKind::Throttled
        }
        "ValidationError" => CancelKind::Validation(message),
        other => CancelKind::Other {
            code: other.to_owned(),
            message,
        },
    }
}
