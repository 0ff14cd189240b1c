//! Operations that were not carried out: what a batch leaves undone ([`Unprocessed`]) and why
//! each operation of a cancelled transaction did not go through ([`CancelReason`]).

use super::Stored;
use crate::Item;

/// One operation of a batch that was not carried out.
#[derive(Debug, Clone, PartialEq)]
pub enum Unprocessed {
    /// An item that was not written.
    Put {
        /// The table, with the engine's namespace.
        table: String,
        /// The whole item.
        item: Item,
    },
    /// A key that was not deleted.
    Delete {
        /// The table, with the engine's namespace.
        table: String,
        /// The key.
        key: Item,
    },
    /// A key that was not read.
    Get {
        /// The table, with the engine's namespace.
        table: String,
        /// The key.
        key: Item,
    },
}

/// The kind of one operation of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// A put.
    Put,
    /// An update.
    Update,
    /// A delete.
    Delete,
    /// A condition check.
    ConditionCheck,
}

/// Why one operation of a cancelled transaction did not go through.
#[derive(Debug, Clone, PartialEq)]
pub enum CancelKind {
    /// This operation was fine; another one cancelled the transaction.
    None,
    /// Its condition did not hold.
    ConditionFailed {
        /// What is known of the stored item (see [`Stored`]).
        item: Stored<Item>,
    },
    /// Its item's version was not the one expected.
    VersionConflict {
        /// The version expected (0: the item should not exist).
        expected: i64,
        /// What is known of the stored version (see [`Stored`]).
        found: Stored<i64>,
    },
    /// It claimed the value of a unique attribute, which another item holds.
    NotUnique {
        /// The unique attribute.
        attribute: String,
        /// Its value.
        value: String,
    },
    /// Another transaction was changing the same item.
    TransactionConflict,
    /// DynamoDB throttled it.
    Throttled,
    /// DynamoDB found it invalid.
    Validation(String),
    /// Any other reason, with DynamoDB's code and message.
    Other {
        /// The code.
        code: String,
        /// The message.
        message: String,
    },
}

/// One operation's part in a cancelled transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct CancelReason {
    /// Its position in the transaction, from 0.
    pub index: usize,
    /// What it was.
    pub operation: Operation,
    /// Its table, with the engine's namespace.
    pub table: String,
    /// Its key, rendered.
    pub key: String,
    /// Why it did not go through.
    pub kind: CancelKind,
}
