//! Transactions: all-or-nothing writes of up to 100 operations on any models, and consistent
//! reads of up to 100 items.
//!
//! A cancelled transaction comes back as [`Error::TransactionCanceled`] with one
//! [`CancelReason`] per operation, taken from DynamoDB's `CancellationReasons` structure: which
//! operation, on which table and key, and why (its condition failed, with the stored item; the
//! version did not match; another transaction conflicted; throttling; validation). When the
//! server returns no item with a failed condition, the item is read once after the cancellation
//! (see [`Stored`](crate::Stored)).

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Get, TransactGetItem};

use crate::Item;
use crate::batch::{Got, Slot, Slots};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::filter::{Cond, SameModel};
use crate::model::{Model, ModelKey};
use crate::retry::{Failure, Replay};
use crate::update::Update;
use crate::write::plan::{Plan, TransactOp};
use crate::write::refusal::{self, Refusal};
use crate::write::version;

/// DynamoDB's limit of operations in one transaction.
pub const MAX_OPERATIONS: usize = 100;

pub use crate::error::{CancelKind, CancelReason, Operation};

/// A write transaction, from [`Engine::transact_write`].
#[must_use = "a transaction does nothing until `send` is awaited"]
pub struct TransactWrite<'e> {
    engine: &'e Engine,
    ops: Vec<TransactOp>,
    token: Option<String>,
    error: Option<Error>,
}

impl<'e> TransactWrite<'e> {
    fn push(mut self, op: Result<TransactOp>) -> Self {
        match op {
            Ok(op) => self.ops.push(op),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// Puts a whole item; for a model with a version attribute, checks and increments it.
    pub fn put<M: Model>(self, model: &M) -> Self {
        let op = Plan::put(self.engine, model, None, false).and_then(Plan::transact);
        self.push(op)
    }

    /// Puts a whole item if `condition` holds for the stored one.
    pub fn put_if<M: Model, CM: SameModel<M>, S>(self, model: &M, condition: Cond<CM, S>) -> Self {
        let op = condition
            .of::<M>()
            .checked()
            .and_then(|c| Plan::put(self.engine, model, Some(c), false))
            .and_then(Plan::transact);
        self.push(op)
    }

    /// Puts a new item; cancels the transaction if one with the key exists.
    pub fn create<M: Model>(self, model: &M) -> Self {
        let op = Plan::put(self.engine, model, None, true).and_then(Plan::transact);
        self.push(op)
    }

    /// Applies a typed update (its condition and version check included).
    pub fn update<M: Model>(self, update: Update<M>) -> Self {
        let op = update.plan(self.engine).and_then(Plan::transact);
        self.push(op)
    }

    /// Deletes the item with `key`.
    pub fn delete<K: ModelKey>(self, key: K) -> Self {
        let op = Plan::<K::Model>::delete(self.engine, &key, None, None).and_then(Plan::transact);
        self.push(op)
    }

    /// Deletes the item with `key` if `condition` holds.
    pub fn delete_if<K, CM, S>(self, key: K, condition: Cond<CM, S>) -> Self
    where
        K: ModelKey,
        CM: SameModel<K::Model>,
    {
        let op = condition
            .of::<K::Model>()
            .checked()
            .and_then(|c| Plan::<K::Model>::delete(self.engine, &key, Some(c), None))
            .and_then(Plan::transact);
        self.push(op)
    }

    /// Deletes a model that was read, checking its version when it has one.
    pub fn delete_item<M: Model>(self, model: &M) -> Self {
        let op = Plan::<M>::delete(self.engine, &model.key(), None, version::held(model))
            .and_then(Plan::transact);
        self.push(op)
    }

    /// Requires `condition` to hold for the item with `key`, without writing it.
    pub fn check<K, CM, S>(self, key: K, condition: Cond<CM, S>) -> Self
    where
        K: ModelKey,
        CM: SameModel<K::Model>,
    {
        let op = condition
            .of::<K::Model>()
            .checked()
            .and_then(|c| Plan::<K::Model>::check(self.engine, &key, c))
            .and_then(Plan::transact);
        self.push(op)
    }

    /// Makes the transaction idempotent: sent again with the same token within ten minutes, it
    /// is not applied twice (DynamoDB's `ClientRequestToken`, at most 36 characters). A second,
    /// different token is refused when the transaction is sent.
    pub fn idempotency_token(mut self, token: impl Into<String>) -> Self {
        let token = token.into();
        match &self.token {
            Some(earlier) if *earlier != token => {
                self.error.get_or_insert(Error::Validation(format!(
                    "the transaction was given the idempotency token {earlier:?} and then {token:?}; it has one"
                )));
            }
            _ => self.token = Some(token),
        }
        self
    }

    /// Sends the transaction: every operation is applied, or none.
    pub async fn send(self) -> Result<()> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.ops.is_empty() {
            return Err(Error::Validation(
                "a transaction needs at least one operation".into(),
            ));
        }
        if self.ops.len() > MAX_OPERATIONS {
            return Err(Error::Validation(format!(
                "a transaction holds at most {MAX_OPERATIONS} operations, not {}; split it or use a batch",
                self.ops.len()
            )));
        }
        for (i, a) in self.ops.iter().enumerate() {
            if let Some(b) = self.ops[i + 1..]
                .iter()
                .find(|b| b.table == a.table && b.key == a.key)
            {
                return Err(Error::Validation(format!(
                    "a transaction touches item {} of table {} twice ({:?} and {:?}); DynamoDB allows one operation per item",
                    a.key_text, a.table, a.operation, b.operation
                )));
            }
        }
        if self
            .token
            .as_ref()
            .is_some_and(|t| t.is_empty() || t.len() > 36)
        {
            return Err(Error::Validation(
                "an idempotency token has 1 to 36 characters".into(),
            ));
        }
        let items = self.ops.iter().map(|op| op.item.clone()).collect();
        // Every attempt carries the same token, so that an attempt whose answer was lost and
        // that is sent again is not applied twice.
        let token = self.token.unwrap_or_else(random_token);
        let table = self.ops[0].table.clone();
        let request = self
            .engine
            .client()
            .transact_write_items()
            .set_transact_items(Some(items))
            .client_request_token(token);
        let result = self
            .engine
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
                for (index, ((code, message, item), op)) in
                    answered.into_iter().zip(&self.ops).enumerate()
                {
                    let kind = match code.as_deref() {
                        Some("ConditionalCheckFailed") => {
                            let stored =
                                refusal::stored_item(self.engine, &op.table, &op.key, item).await;
                            match refusal::judge(stored, op.version) {
                                Refusal::Version { expected, found } => {
                                    CancelKind::VersionConflict { expected, found }
                                }
                                Refusal::Condition(item) => CancelKind::ConditionFailed { item },
                            }
                        }
                        code => cancel_kind(code, message.as_deref()),
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

/// A read transaction, from [`Engine::transact_get`]: a consistent snapshot of up to 100 items.
#[must_use = "a transaction does nothing until `send` is awaited"]
pub struct TransactGet<'e> {
    engine: &'e Engine,
    slots: Slots,
}

impl<'e> TransactGet<'e> {
    /// Asks for the item with `key`; its result is taken from the [`Got`] with the slot.
    pub fn add<K: ModelKey>(&mut self, key: K) -> Slot<K::Model> {
        self.slots.add(self.engine, key)
    }

    /// Reads every item at once.
    pub async fn send(self) -> Result<Got> {
        if let Some(error) = self.slots.error {
            return Err(error);
        }
        if self.slots.keys.is_empty() || self.slots.keys.len() > MAX_OPERATIONS {
            return Err(Error::Validation(format!(
                "a read transaction holds 1 to {MAX_OPERATIONS} items, not {}",
                self.slots.keys.len()
            )));
        }
        let items = self
            .slots
            .keys
            .iter()
            .map(|(table, key)| {
                Get::builder()
                    .table_name(table)
                    .set_key(Some(key.clone()))
                    .build()
                    .map(|get| TransactGetItem::builder().get(get).build())
                    .map_err(|e| Error::Validation(e.to_string()))
            })
            .collect::<Result<Vec<_>>>()?;
        let table = self
            .slots
            .keys
            .first()
            .map(|(t, _)| t.clone())
            .unwrap_or_default();
        let request = self
            .engine
            .client()
            .transact_get_items()
            .set_transact_items(Some(items));
        let out = self
            .engine
            .send("TransactGetItems", &table, Replay::Safe, || {
                request.clone().send()
            })
            .await?;
        let responses: Vec<Option<Item>> = out
            .responses
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.item.filter(|i| !i.is_empty()))
            .collect();
        let tables = self.slots.keys.into_iter().map(|(t, _)| t).collect();
        Ok(Got::new(tables, responses))
    }
}

impl Engine {
    /// A write transaction: up to 100 puts, updates, deletes and condition checks, of any
    /// models, applied all or none.
    pub fn transact_write(&self) -> TransactWrite<'_> {
        TransactWrite {
            engine: self,
            ops: Vec::new(),
            token: None,
            error: None,
        }
    }

    /// A read transaction of up to 100 items of any models.
    pub fn transact_get(&self) -> TransactGet<'_> {
        TransactGet {
            engine: self,
            slots: Slots::default(),
        }
    }
}
