//! Transactions: all-or-nothing writes of up to 100 operations on any models, and consistent
//! reads of up to 100 items.
//!
//! A cancelled transaction comes back as [`Error::TransactionCanceled`] with one
//! [`CancelReason`] per operation, taken from DynamoDB's `CancellationReasons` structure: which
//! operation, on which table and key, and why (its condition failed, with the stored item; the
//! version did not match; another transaction conflicted; throttling; validation). When the
//! server returns no item with a failed condition, the item is read once after the cancellation
//! (see [`Stored`]).

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    ConditionCheck, Delete, Get, Put, ReturnValuesOnConditionCheckFailure, TransactGetItem,
    TransactWriteItem, Update as UpdateOp,
};

use crate::batch::{Got, Slot};
use crate::engine::Engine;
use crate::error::{Error, Result, Stored, render_key};
use crate::expr::{Condition, ExpressionBuilder, Path};
use crate::filter::Cond;
use crate::model::{Model, ModelKey};
use crate::ops::{Refusal, VersionCheck};
use crate::retry::{Failure, Replay};
use crate::update::{Update, version_condition, version_of};
use crate::{AttributeValue, Item};

/// DynamoDB's limit of operations in one transaction.
pub const MAX_OPERATIONS: usize = 100;

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

struct Op {
    operation: Operation,
    table: String,
    key: Item,
    key_text: String,
    version: Option<VersionCheck>,
    item: TransactWriteItem,
}

/// A write transaction, from [`Engine::transact_write`].
#[must_use = "a transaction does nothing until `send` is awaited"]
pub struct TransactWrite<'e> {
    engine: &'e Engine,
    ops: Vec<Op>,
    token: Option<String>,
    error: Option<Error>,
}

fn expression(
    condition: Option<Condition>,
) -> (
    Option<String>,
    Option<crate::expr::Names>,
    Option<crate::expr::Values>,
) {
    let mut exprs = ExpressionBuilder::new();
    let text = condition.map(|c| exprs.condition(&c));
    let (names, values) = exprs.finish();
    (text, names, values)
}

impl<'e> TransactWrite<'e> {
    fn push(mut self, op: Result<Op>) -> Self {
        match op {
            Ok(op) => self.ops.push(op),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    fn put_op<M: Model>(
        &self,
        model: &M,
        condition: Option<Condition>,
        create_only: bool,
    ) -> Result<Op> {
        let engine = self.engine;
        let table = engine.table_name(&M::SCHEMA);
        let mut item =
            crate::limits::whole_item(model).map_err(|e| engine.encode_error(&M::SCHEMA, e))?;
        let alone = condition.is_none() && !create_only;
        let mut condition = condition;
        let mut version = None;
        if let Some(attribute) = M::SCHEMA.version {
            let read = version_of(&item, attribute).unwrap_or(0);
            item.insert(
                attribute.to_owned(),
                AttributeValue::N((read + 1).to_string()),
            );
            condition = Some(crate::ops::and(
                condition,
                version_condition(attribute, read),
            ));
            version = Some(VersionCheck {
                attribute,
                expected: read,
                alone,
            });
        }
        if create_only {
            condition = Some(crate::ops::and(
                condition,
                Condition::NotExists(Path::attr(M::SCHEMA.hash_key.name)),
            ));
        }
        let key: Item = M::SCHEMA
            .key_attributes()
            .filter_map(|k| item.get(k).map(|v| (k.to_owned(), v.clone())))
            .collect();
        let (text, names, values) = expression(condition);
        let put = Put::builder()
            .table_name(&table)
            .set_item(Some(item))
            .set_condition_expression(text)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| Error::Validation(e.to_string()))?;
        Ok(Op {
            operation: Operation::Put,
            key_text: render_key(&M::SCHEMA, &key),
            table,
            key,
            version,
            item: TransactWriteItem::builder().put(put).build(),
        })
    }

    /// Puts a whole item; for a model with a version attribute, checks and increments it.
    pub fn put<M: Model>(self, model: &M) -> Self {
        let op = self.put_op(model, None, false);
        self.push(op)
    }

    /// Puts a whole item if `condition` holds for the stored one.
    pub fn put_if<M: Model, S>(self, model: &M, condition: Cond<M, S>) -> Self {
        let op = condition
            .checked()
            .and_then(|c| self.put_op(model, Some(c), false));
        self.push(op)
    }

    /// Puts a new item; cancels the transaction if one with the key exists.
    pub fn create<M: Model>(self, model: &M) -> Self {
        let op = self.put_op(model, None, true);
        self.push(op)
    }

    /// Applies a typed update (its condition and version check included).
    pub fn update<M: Model>(self, update: Update<M>) -> Self {
        let engine = self.engine;
        let op = update.prepare(engine).and_then(|p| {
            let table = engine.table_name(&M::SCHEMA);
            let op = UpdateOp::builder()
                .table_name(&table)
                .set_key(Some(p.key.clone()))
                .update_expression(p.update)
                .set_condition_expression(p.condition)
                .set_expression_attribute_names(p.names)
                .set_expression_attribute_values(p.values)
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .build()
                .map_err(|e| Error::Validation(e.to_string()))?;
            Ok(Op {
                operation: Operation::Update,
                key_text: render_key(&M::SCHEMA, &p.key),
                table,
                key: p.key,
                version: VersionCheck::of::<M>(p.expected_version, p.version_alone),
                item: TransactWriteItem::builder().update(op).build(),
            })
        });
        self.push(op)
    }

    fn delete_op<M: Model>(
        &self,
        key: &M::Key,
        condition: Option<Condition>,
        version: Option<i64>,
    ) -> Result<Op> {
        let engine = self.engine;
        let table = engine.table_name(&M::SCHEMA);
        let key = engine.key_item::<M>(key)?;
        let version = VersionCheck::of::<M>(version, condition.is_none());
        let mut condition = condition;
        if let Some(VersionCheck {
            attribute,
            expected,
            ..
        }) = version
        {
            let check = if expected == 0 {
                Condition::NotExists(Path::attr(M::SCHEMA.hash_key.name))
            } else {
                version_condition(attribute, expected)
            };
            condition = Some(crate::ops::and(condition, check));
        }
        let (text, names, values) = expression(condition);
        let delete = Delete::builder()
            .table_name(&table)
            .set_key(Some(key.clone()))
            .set_condition_expression(text)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| Error::Validation(e.to_string()))?;
        Ok(Op {
            operation: Operation::Delete,
            key_text: render_key(&M::SCHEMA, &key),
            table,
            key,
            version,
            item: TransactWriteItem::builder().delete(delete).build(),
        })
    }

    /// Deletes the item with `key`.
    pub fn delete<K: ModelKey>(self, key: K) -> Self {
        let op = self.delete_op::<K::Model>(&key, None, None);
        self.push(op)
    }

    /// Deletes the item with `key` if `condition` holds.
    pub fn delete_if<K: ModelKey, S>(self, key: K, condition: Cond<K::Model, S>) -> Self {
        let op = condition
            .checked()
            .and_then(|c| self.delete_op::<K::Model>(&key, Some(c), None));
        self.push(op)
    }

    /// Deletes a model that was read, checking its version when it has one.
    pub fn delete_item<M: Model>(self, model: &M) -> Self {
        let version = M::SCHEMA.version.map(|attribute| {
            model
                .to_item()
                .ok()
                .and_then(|i| version_of(&i, attribute))
                .unwrap_or(0)
        });
        let op = self.delete_op::<M>(&model.key(), None, version);
        self.push(op)
    }

    /// Requires `condition` to hold for the item with `key`, without writing it.
    pub fn check<K: ModelKey, S>(self, key: K, condition: Cond<K::Model, S>) -> Self {
        let engine = self.engine;
        let op = condition.checked().and_then(|c| {
            let table = engine.table_name(&K::Model::SCHEMA);
            let key = engine.key_item::<K::Model>(&key)?;
            let (text, names, values) = expression(Some(c));
            let check = ConditionCheck::builder()
                .table_name(&table)
                .set_key(Some(key.clone()))
                .set_condition_expression(text)
                .set_expression_attribute_names(names)
                .set_expression_attribute_values(values)
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .build()
                .map_err(|e| Error::Validation(e.to_string()))?;
            Ok(Op {
                operation: Operation::ConditionCheck,
                key_text: render_key(&K::Model::SCHEMA, &key),
                table,
                key,
                version: None,
                item: TransactWriteItem::builder().condition_check(check).build(),
            })
        });
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
                                crate::ops::stored_item(self.engine, &op.table, &op.key, item)
                                    .await;
                            match crate::ops::judge(stored, op.version) {
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
    gets: Vec<(String, Item)>,
    error: Option<Error>,
}

impl<'e> TransactGet<'e> {
    /// Asks for the item with `key`; its result is taken from the [`Got`] with the slot.
    pub fn add<K: ModelKey>(&mut self, key: K) -> Slot<K::Model> {
        let table = self.engine.table_name(&K::Model::SCHEMA);
        match crate::limits::key_item(&key) {
            Ok(key) => self.gets.push((table, key)),
            Err(e) => {
                self.error.get_or_insert(Error::Encode(e.in_table(&table)));
                self.gets.push((table, Item::new()));
            }
        }
        Slot::new(self.gets.len() - 1)
    }

    /// Reads every item at once.
    pub async fn send(self) -> Result<Got> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.gets.is_empty() || self.gets.len() > MAX_OPERATIONS {
            return Err(Error::Validation(format!(
                "a read transaction holds 1 to {MAX_OPERATIONS} items, not {}",
                self.gets.len()
            )));
        }
        let items = self
            .gets
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
            .gets
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
        let tables = self.gets.into_iter().map(|(t, _)| t).collect();
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
            gets: Vec::new(),
            error: None,
        }
    }
}
