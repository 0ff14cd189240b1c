//! Transactions: all-or-nothing writes of up to 100 operations on any models, and consistent
//! reads of up to 100 items.
//!
//! A cancelled transaction comes back as [`Error::TransactionCanceled`] with one
//! [`CancelReason`] per operation, taken from DynamoDB's `CancellationReasons` structure: which
//! operation, on which table and key, and why (its condition failed, with the stored item; the
//! version did not match; another transaction conflicted; throttling; validation). When the
//! server returns no item with a failed condition, the item is read once after the cancellation
//! (see [`Stored`](crate::Stored)).

use aws_sdk_dynamodb::types::{Get, TransactGetItem};

use crate::Item;
use crate::batch::{Got, Slot, Slots};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::filter::{Cond, SameModel};
use crate::model::{Model, ModelKey};
use crate::retry::Replay;
use crate::update::Update;
use crate::write::plan::{Plan, TransactOp};
use crate::write::unique;
use crate::write::version;

/// DynamoDB's limit of operations in one transaction.
pub const MAX_OPERATIONS: usize = crate::write::transaction::MAX_OPERATIONS;

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

    /// The operations of a put: the item's, and for a model with unique attributes the claims
    /// of its values (the put then requires the stored item to hold the same ones).
    fn put_ops<M: Model>(
        self,
        model: &M,
        condition: Result<Option<crate::expr::Condition>>,
        create_only: bool,
    ) -> Self {
        let engine = self.engine;
        // Without unique attributes, that is the item's own put alone.
        let ops = condition.and_then(|c| {
            unique::put_ops::<M>(engine, engine.whole_item(model)?, c, create_only, None)
        });
        self.push_all(ops)
    }

    fn push_all(mut self, ops: Result<Vec<TransactOp>>) -> Self {
        match ops {
            Ok(ops) => self.ops.extend(ops),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// Puts a whole item; for a model with a version attribute, checks and increments it; for
    /// one with unique attributes, claims their values (the stored item must hold the same).
    pub fn put<M: Model>(self, model: &M) -> Self {
        self.put_ops(model, Ok(None), false)
    }

    /// Puts a whole item if `condition` holds for the stored one.
    pub fn put_if<M: Model, CM: SameModel<M>, S>(self, model: &M, condition: Cond<CM, S>) -> Self {
        let condition = condition.of::<M>().checked().map(Some);
        self.put_ops(model, condition, false)
    }

    /// Puts a new item; cancels the transaction if one with the key exists (or, for a model
    /// with unique attributes, if another item holds one of its values).
    pub fn create<M: Model>(self, model: &M) -> Self {
        self.put_ops(model, Ok(None), true)
    }

    /// Applies a typed update (its condition and version check included).
    pub fn update<M: Model>(self, update: Update<M>) -> Self {
        let op = update.plan(self.engine).and_then(Plan::transact);
        self.push(op)
    }

    /// Deletes the item with `key`. A model with unique attributes is deleted with
    /// [`delete_item`](TransactWrite::delete_item), which knows the values to release.
    pub fn delete<K: ModelKey>(self, key: K) -> Self
    where
        K::Model: crate::NoUnique,
    {
        let op = Plan::<K::Model>::delete(self.engine, &key, None, None).and_then(Plan::transact);
        self.push(op)
    }

    /// Deletes the item with `key` if `condition` holds.
    pub fn delete_if<K, CM, S>(self, key: K, condition: Cond<CM, S>) -> Self
    where
        K: ModelKey,
        K::Model: crate::NoUnique,
        CM: SameModel<K::Model>,
    {
        let op = condition
            .of::<K::Model>()
            .checked()
            .and_then(|c| Plan::<K::Model>::delete(self.engine, &key, Some(c), None))
            .and_then(Plan::transact);
        self.push(op)
    }

    /// Deletes a model that was read, checking its version when it has one, and releasing the
    /// values of its unique attributes.
    pub fn delete_item<M: Model>(self, model: &M) -> Self {
        let engine = self.engine;
        let expected = version::held(model);
        let ops = match M::SCHEMA.unique.is_empty() {
            true => Plan::<M>::delete(engine, &model.key(), None, expected)
                .and_then(Plan::transact)
                .map(|op| vec![op]),
            false => engine.whole_item(model).and_then(|item| {
                unique::delete_ops::<M>(engine, &model.key(), &item, None, expected)
            }),
        };
        self.push_all(ops)
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
        crate::write::transaction::send(self.engine, &self.ops, self.token).await
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
