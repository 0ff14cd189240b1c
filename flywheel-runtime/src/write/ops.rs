//! Single-item operations: save, get, exists, delete.
//!
//! Each is a builder returned by an [`Engine`] method; options are methods on it and `.await`
//! sends the request:
//!
//! ```no_run
//! # use flywheel_runtime::{Engine, Model, Result};
//! # async fn demo<M: Model>(engine: &Engine, score: M) -> Result<()> {
//! engine.save(&score).create_only().await?;
//! let again: Option<M> = engine.get(score.key()).consistent().await?;
//! engine.delete(score.key()).await?;
//! # Ok(()) }
//! ```

use crate::Item;
pub use crate::engine::BoxFuture;
use crate::engine::Engine;
use crate::error::{Error, Result, Stored};
use crate::expr::{ExpressionBuilder, Path};
use crate::filter::{Cond, SameModel};
use crate::model::{Model, ModelKey, Versioned, Whole};
use crate::retry::Replay;
use crate::write::plan::{Guard, Plan};
use crate::write::{unique, version};

impl Engine {
    /// Puts a whole item, replacing any item with the same key; see [`Save`] for options.
    pub fn save<'a, W: Whole>(&'a self, item: &'a W) -> Save<'a, W::Model> {
        Save {
            engine: self,
            item: item.whole(),
            create_only: false,
            guard: Guard::default(),
        }
    }

    /// Reads the item with `key`; `None` when there is none.
    pub fn get<K: ModelKey>(&self, key: K) -> Get<'_, K::Model> {
        Get {
            engine: self,
            key,
            consistent: false,
        }
    }

    /// Tells whether an item with `key` exists, reading only its key.
    pub fn exists<K: ModelKey>(&self, key: K) -> Exists<'_, K::Model> {
        Exists { get: self.get(key) }
    }

    /// Deletes the item with `key`; deleting an absent item is not an error.
    pub fn delete<K: ModelKey>(&self, key: K) -> Delete<'_, K::Model> {
        Delete {
            engine: self,
            key,
            guard: Guard::default(),
            item: None,
        }
    }

    /// Deletes a model that was read: for a model with a version attribute, only if the stored
    /// version is still the model's (otherwise [`Error::VersionConflict`]).
    pub fn delete_item<W: Whole>(&self, item: &W) -> Delete<'_, W::Model> {
        let item = item.whole();
        let mut delete = self.delete(item.key());
        if let Some(version) = version::held(item) {
            delete.guard.if_version::<W::Model>(version);
        }
        if !W::Model::SCHEMA.unique.is_empty() {
            // Its unique values, whose uniqueness items go with it.
            match self.whole_item(item) {
                Ok(stored) => delete.item = Some(stored),
                Err(e) => delete.guard.failed(e),
            }
        }
        delete
    }

    pub(crate) fn encode_error(
        &self,
        schema: &crate::schema::TableSchema,
        err: crate::EncodeError,
    ) -> Error {
        Error::Encode(err.in_table(&self.table_name(schema)))
    }

    pub(crate) fn decode<M: Model>(&self, item: Item) -> Result<M> {
        M::from_item(item).map_err(|e| Error::Decode(e.in_table(&self.table_name(&M::SCHEMA))))
    }

    pub(crate) fn key_item<M: Model>(&self, key: &M::Key) -> Result<Item> {
        crate::limits::key_item(key).map_err(|e| self.encode_error(&M::SCHEMA, e))
    }

    pub(crate) fn whole_item<M: Model>(&self, model: &M) -> Result<Item> {
        crate::limits::whole_item(model).map_err(|e| self.encode_error(&M::SCHEMA, e))
    }
}

/// What a save wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    /// The version written, for models with a version attribute: the model's version plus one.
    /// Set it on the model before saving it again (`model.version = saved.version`). 0 for a
    /// model without a version attribute, whose items have no version.
    pub version: i64,
}

/// A PutItem of a whole model, from [`Engine::save`].
///
/// For a model with a version attribute, the save checks that the stored version is the
/// model's (0: the item must not exist yet), writes version + 1, and fails with
/// [`Error::VersionConflict`] otherwise.
#[must_use = "a save does nothing until it is awaited"]
pub struct Save<'a, M> {
    engine: &'a Engine,
    item: &'a M,
    create_only: bool,
    guard: Guard,
}

impl<'a, M: Model> Save<'a, M> {
    /// Writes only if no item with the same key exists; otherwise fails with
    /// [`Error::AlreadyExists`] and changes nothing.
    pub fn create_only(mut self) -> Self {
        self.create_only = true;
        self
    }

    /// Writes only if `condition` holds for the stored item; otherwise fails with
    /// [`Error::ConditionFailed`] carrying the stored item.
    pub fn condition<CM: SameModel<M>, S>(mut self, condition: Cond<CM, S>) -> Self {
        self.guard.condition(condition.of::<M>());
        self
    }

    async fn send(self) -> Result<Saved> {
        let engine = self.engine;
        let (condition, _) = self.guard.into_parts::<M>(engine)?;
        let version = version::held(self.item).map_or(0, |v| v + 1);
        let sent = if M::SCHEMA.unique.is_empty() {
            let plan = Plan::put(engine, self.item, condition, self.create_only)?;
            plan.send(engine, None).await.map(drop)
        } else {
            // With the claims of its unique values, in one transaction.
            let now = engine.whole_item(self.item)?;
            let ops = unique::put_ops::<M>(
                engine,
                now.clone(),
                condition.clone(),
                self.create_only,
                None,
            )?;
            match unique::send(engine, ops).await {
                // The stored item holds other unique values: they move, in a transaction that
                // requires the stored item to hold them still (so a concurrent change of them
                // fails it rather than being overwritten).
                Err(Error::ConditionFailed { item, .. })
                    if !self.create_only
                        && item.present().is_some_and(|stored| {
                            unique::claims(&M::SCHEMA, stored) != unique::claims(&M::SCHEMA, &now)
                        }) =>
                {
                    let stored = item.present().cloned().unwrap_or_default();
                    let ops = unique::put_ops::<M>(engine, now, condition, false, Some(&stored))?;
                    unique::send(engine, ops).await
                }
                other => other,
            }
        };
        match sent {
            Ok(_) => Ok(Saved { version }),
            // A create-only save of an unversioned model (or a versioned one read as new) that
            // met an item known to exist says so plainly.
            Err(
                Error::ConditionFailed {
                    table,
                    key,
                    item: Stored::Present(_),
                }
                | Error::VersionConflict {
                    table,
                    key,
                    expected: 0,
                    found: Stored::Present(_),
                },
            ) if self.create_only => Err(Error::AlreadyExists { table, key }),
            Err(other) => Err(other),
        }
    }
}

crate::engine::awaitable!(Save -> Saved);

/// A GetItem, from [`Engine::get`].
#[must_use = "a get does nothing until it is awaited"]
pub struct Get<'a, M: Model> {
    engine: &'a Engine,
    key: M::Key,
    consistent: bool,
}

impl<'a, M: Model> Get<'a, M> {
    /// Reads with strong consistency (sees every write acknowledged before the read).
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    pub(crate) fn engine(&self) -> &'a Engine {
        self.engine
    }

    /// The item as stored, if there is one.
    pub(crate) async fn fetch(&self) -> Result<Option<Item>> {
        self.read(false).await
    }

    /// The item as stored, or only its key (`key_only`), if there is one.
    async fn read(&self, key_only: bool) -> Result<Option<Item>> {
        let engine = self.engine;
        let key = engine.key_item::<M>(&self.key)?;
        let table = engine.table_name(&M::SCHEMA);
        let mut request = engine
            .client()
            .get_item()
            .table_name(&table)
            .set_key(Some(key))
            .consistent_read(self.consistent);
        if key_only {
            let mut exprs = ExpressionBuilder::new();
            let projection = exprs.path(&Path::attr(M::SCHEMA.hash_key.name));
            let (names, _) = exprs.finish();
            request = request
                .projection_expression(projection)
                .set_expression_attribute_names(names);
        }
        let out = engine
            .send("GetItem", &table, Replay::Safe, || request.clone().send())
            .await?;
        Ok(out.item)
    }

    async fn send(self) -> Result<Option<M>> {
        match self.fetch().await? {
            Some(item) => self.engine.decode(item).map(Some),
            None => Ok(None),
        }
    }
}

crate::engine::awaitable!(Get -> Option<M>);

/// A key-only GetItem, from [`Engine::exists`].
#[must_use = "an exists check does nothing until it is awaited"]
pub struct Exists<'a, M: Model> {
    get: Get<'a, M>,
}

impl<'a, M: Model> Exists<'a, M> {
    /// Reads with strong consistency.
    pub fn consistent(mut self) -> Self {
        self.get.consistent = true;
        self
    }

    async fn send(self) -> Result<bool> {
        let item = self.get.read(true).await?;
        Ok(item.is_some_and(|item| !item.is_empty()))
    }
}

crate::engine::awaitable!(Exists -> bool);

/// A DeleteItem, from [`Engine::delete`] or [`Engine::delete_item`].
#[must_use = "a delete does nothing until it is awaited"]
pub struct Delete<'a, M: Model> {
    engine: &'a Engine,
    key: M::Key,
    guard: Guard,
    /// For a model with unique attributes, the item whose uniqueness items the delete releases
    /// (from `delete_item`; a delete by key reads it).
    item: Option<Item>,
}

impl<'a, M: Model> Delete<'a, M> {
    /// Deletes only if `condition` holds for the stored item; otherwise fails with
    /// [`Error::ConditionFailed`] carrying it.
    pub fn condition<CM: SameModel<M>, S>(mut self, condition: Cond<CM, S>) -> Self {
        self.guard.condition(condition.of::<M>());
        self
    }

    /// For a model with a version attribute: deletes only if the stored version is `version`;
    /// otherwise [`Error::VersionConflict`].
    pub fn if_version(mut self, version: i64) -> Self
    where
        M: Versioned,
    {
        self.guard.if_version::<M>(version);
        self
    }

    async fn send(self) -> Result<()> {
        let engine = self.engine;
        let (condition, expected_version) = self.guard.into_parts::<M>(engine)?;
        if M::SCHEMA.unique.is_empty() {
            return Plan::<M>::delete(engine, &self.key, condition, expected_version)?
                .send(engine, None)
                .await
                .map(drop);
        }
        let stored = match self.item {
            Some(item) => item,
            None => {
                let get = Get::<M> {
                    engine,
                    key: self.key.clone(),
                    consistent: true,
                };
                match get.fetch().await? {
                    Some(item) => item,
                    // Nothing to delete, nothing to release.
                    None => return Ok(()),
                }
            }
        };
        let ops = unique::delete_ops::<M>(engine, &self.key, &stored, condition, expected_version)?;
        unique::send(engine, ops).await
    }
}

crate::engine::awaitable!(Delete -> ());
