//! Taking apart the write errors the tests expect: each helper returns the fields of one
//! [`Error`] variant and panics, showing what came instead, on any other result.

use std::fmt::Debug;

use flywheel_runtime::{Error, Item, Stored};

/// The attributes that changed and the item as stored, from the [`Error::Conflict`] that
/// `result` must be.
pub fn conflict<T: Debug>(result: flywheel_runtime::Result<T>) -> (Vec<String>, Option<Item>) {
    match result {
        Err(Error::Conflict {
            attributes, item, ..
        }) => (attributes, item),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

/// The operation and the error code, from the [`Error::Sdk`] that `result` must be.
pub fn sdk_error<T: Debug>(result: flywheel_runtime::Result<T>) -> (&'static str, String) {
    match result {
        Err(Error::Sdk {
            operation, code, ..
        }) => (operation, code),
        other => panic!("expected an SDK error, got {other:?}"),
    }
}

/// What is known of the stored item, from the [`Error::ConditionFailed`] that `result` must be.
pub fn condition_failed<T: Debug>(result: flywheel_runtime::Result<T>) -> Stored<Item> {
    match result {
        Err(Error::ConditionFailed { item, .. }) => item,
        other => panic!("expected a failed condition, got {other:?}"),
    }
}

/// The version expected and the one found, from the [`Error::VersionConflict`] that `result`
/// must be.
pub fn version_conflict<T: Debug>(result: flywheel_runtime::Result<T>) -> (i64, Stored<i64>) {
    match result {
        Err(Error::VersionConflict {
            expected, found, ..
        }) => (expected, found),
        other => panic!("expected a version conflict, got {other:?}"),
    }
}
