//! Why a conditional write was refused. DynamoDB says only that a condition failed; what is
//! known of the stored item (returned with the refusal, or read once after it) tells a version
//! conflict from another failed condition, and nothing is claimed beyond what was seen.

use aws_sdk_dynamodb::error::ProvideErrorMetadata;

use super::version::{VersionCheck, version_of};
use crate::Item;
use crate::engine::Engine;
use crate::error::{Error, Stored, render_key};
use crate::retry::{Failure, Replay};
use crate::schema::TableSchema;

/// Why a conditional write was refused, judged from what is known of the stored item.
pub(crate) enum Refusal {
    /// The stored version is not the one expected.
    Version { expected: i64, found: Stored<i64> },
    /// Some condition did not hold (perhaps the version's, when that is not known).
    Condition(Stored<Item>),
}

/// Judges a refusal: a version conflict when the stored version is known to differ from the
/// expected one (or when the version check was the write's only condition), a failed condition
/// otherwise. Never claims more than `stored` shows.
pub(crate) fn judge(stored: Stored<Item>, check: Option<VersionCheck>) -> Refusal {
    let Some(check) = check else {
        return Refusal::Condition(stored);
    };
    let expected = check.expected;
    match stored {
        Stored::Present(item) => {
            let found = version_of(&item, check.attribute).unwrap_or(0);
            if found != expected {
                Refusal::Version {
                    expected,
                    found: Stored::Present(found),
                }
            } else {
                Refusal::Condition(Stored::Present(item))
            }
        }
        // No item: only a version check expecting one fails for that reason.
        Stored::Missing if expected != 0 => Refusal::Version {
            expected,
            found: Stored::Missing,
        },
        Stored::Missing => Refusal::Condition(Stored::Missing),
        Stored::Unknown if check.alone => Refusal::Version {
            expected,
            found: Stored::Unknown,
        },
        Stored::Unknown => Refusal::Condition(Stored::Unknown),
    }
}

/// What is known of the stored item after a refused write: the item the server returned with
/// the refusal, or else (a server may return none even when the item exists) what one
/// consistent read of the key finds, or [`Stored::Unknown`] when that read fails.
pub(crate) async fn stored_item(
    engine: &Engine,
    table: &str,
    key: &Item,
    returned: Option<Item>,
) -> Stored<Item> {
    if let Some(item) = returned.filter(|i| !i.is_empty()) {
        return Stored::Present(item);
    }
    let request = engine
        .client()
        .get_item()
        .table_name(table)
        .set_key(Some(key.clone()))
        .consistent_read(true);
    match engine
        .send("GetItem", table, Replay::Safe, || request.clone().send())
        .await
    {
        Ok(out) => match out.item.filter(|i| !i.is_empty()) {
            Some(item) => Stored::Present(item),
            None => Stored::Missing,
        },
        Err(_) => Stored::Unknown,
    }
}

/// The typed error of a failed single-item write: a version conflict when the stored version
/// differs from the one `version` expects, the failed condition with what is known of the
/// stored item otherwise, or the SDK error.
pub(crate) async fn refused<E>(
    engine: &Engine,
    schema: &TableSchema,
    table: &str,
    key: &Item,
    version: Option<VersionCheck>,
    failure: Failure<E>,
    operation: &'static str,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let err = match failure {
        Failure::Sdk(err) => err,
        other => return other.into_error(operation),
    };
    let code = err
        .as_service_error()
        .and_then(|e| e.code())
        .map(str::to_owned);
    if code.as_deref() != Some("ConditionalCheckFailedException") {
        return Error::sdk(operation, err);
    }
    let returned = conditional_item(&err);
    drop(err);
    let stored = stored_item(engine, table, key, returned).await;
    let (table, key) = (table.to_owned(), render_key(schema, key));
    match judge(stored, version) {
        Refusal::Version { expected, found } => Error::VersionConflict {
            table,
            key,
            expected,
            found,
        },
        Refusal::Condition(item) => Error::ConditionFailed { table, key, item },
    }
}

/// The stored item DynamoDB returns with a failed condition (`ReturnValuesOnConditionCheckFailure`).
fn conditional_item<E: 'static, R>(err: &aws_sdk_dynamodb::error::SdkError<E, R>) -> Option<Item> {
    use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
    use aws_sdk_dynamodb::operation::put_item::PutItemError;
    use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
    let service = err.as_service_error()?;
    let any = service as &dyn std::any::Any;
    if let Some(PutItemError::ConditionalCheckFailedException(e)) =
        any.downcast_ref::<PutItemError>()
    {
        return e.item.clone();
    }
    if let Some(UpdateItemError::ConditionalCheckFailedException(e)) =
        any.downcast_ref::<UpdateItemError>()
    {
        return e.item.clone();
    }
    if let Some(DeleteItemError::ConditionalCheckFailedException(e)) =
        any.downcast_ref::<DeleteItemError>()
    {
        return e.item.clone();
    }
    None
}
