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

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use crate::Item;
use crate::engine::Engine;
use crate::error::{Error, Result, render_key};
use crate::expr::{Condition, ExpressionBuilder, Path};
use crate::model::{Model, ModelKey};

/// A boxed future, as returned by the builders' `into_future`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

impl Engine {
    /// Puts a whole item, replacing any item with the same key; see [`Save`] for options.
    pub fn save<'a, M: Model>(&'a self, item: &'a M) -> Save<'a, M> {
        Save {
            engine: self,
            item,
            create_only: false,
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
        Exists {
            engine: self,
            key,
            consistent: false,
        }
    }

    /// Deletes the item with `key`; deleting an absent item is not an error.
    pub fn delete<K: ModelKey>(&self, key: K) -> Delete<'_, K::Model> {
        Delete {
            engine: self,
            key,
            _model: PhantomData,
        }
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
        key.to_item().map_err(|e| self.encode_error(&M::SCHEMA, e))
    }
}

/// A PutItem of a whole model, from [`Engine::save`].
#[must_use = "a save does nothing until it is awaited"]
pub struct Save<'a, M> {
    engine: &'a Engine,
    item: &'a M,
    create_only: bool,
}

impl<'a, M: Model> Save<'a, M> {
    /// Writes only if no item with the same key exists; otherwise fails with
    /// [`Error::AlreadyExists`] and changes nothing.
    pub fn create_only(mut self) -> Self {
        self.create_only = true;
        self
    }

    async fn send(self) -> Result<()> {
        let engine = self.engine;
        let schema = &M::SCHEMA;
        let table = engine.table_name(schema);
        let item = self
            .item
            .to_item()
            .map_err(|e| engine.encode_error(schema, e))?;
        let mut request = engine.client().put_item().table_name(&table);
        if self.create_only {
            let mut exprs = ExpressionBuilder::new();
            let condition =
                exprs.condition(&Condition::NotExists(Path::attr(schema.hash_key.name)));
            let (names, values) = exprs.finish();
            request = request
                .condition_expression(condition)
                .set_expression_attribute_names(names)
                .set_expression_attribute_values(values);
        }
        let key = self.create_only.then(|| render_key(schema, &item));
        match request.set_item(Some(item)).send().await {
            Ok(_) => Ok(()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(Error::AlreadyExists {
                    table,
                    key: key.unwrap_or_default(),
                })
            }
            Err(err) => Err(Error::sdk("PutItem", err)),
        }
    }
}

impl<'a, M: Model> IntoFuture for Save<'a, M> {
    type Output = Result<()>;
    type IntoFuture = BoxFuture<'a, Result<()>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

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

    async fn send(self) -> Result<Option<M>> {
        let engine = self.engine;
        let key = engine.key_item::<M>(&self.key)?;
        let out = engine
            .client()
            .get_item()
            .table_name(engine.table_name(&M::SCHEMA))
            .set_key(Some(key))
            .consistent_read(self.consistent)
            .send()
            .await
            .map_err(|e| Error::sdk("GetItem", e))?;
        match out.item {
            Some(item) => engine.decode(item).map(Some),
            None => Ok(None),
        }
    }
}

impl<'a, M: Model> IntoFuture for Get<'a, M> {
    type Output = Result<Option<M>>;
    type IntoFuture = BoxFuture<'a, Result<Option<M>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A key-only GetItem, from [`Engine::exists`].
#[must_use = "an exists check does nothing until it is awaited"]
pub struct Exists<'a, M: Model> {
    engine: &'a Engine,
    key: M::Key,
    consistent: bool,
}

impl<'a, M: Model> Exists<'a, M> {
    /// Reads with strong consistency.
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    async fn send(self) -> Result<bool> {
        let engine = self.engine;
        let key = engine.key_item::<M>(&self.key)?;
        let mut exprs = ExpressionBuilder::new();
        let projection = exprs.path(&Path::attr(M::SCHEMA.hash_key.name));
        let (names, _) = exprs.finish();
        let out = engine
            .client()
            .get_item()
            .table_name(engine.table_name(&M::SCHEMA))
            .set_key(Some(key))
            .projection_expression(projection)
            .set_expression_attribute_names(names)
            .consistent_read(self.consistent)
            .send()
            .await
            .map_err(|e| Error::sdk("GetItem", e))?;
        Ok(out.item.is_some_and(|item| !item.is_empty()))
    }
}

impl<'a, M: Model> IntoFuture for Exists<'a, M> {
    type Output = Result<bool>;
    type IntoFuture = BoxFuture<'a, Result<bool>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A DeleteItem, from [`Engine::delete`].
#[must_use = "a delete does nothing until it is awaited"]
pub struct Delete<'a, M: Model> {
    engine: &'a Engine,
    key: M::Key,
    _model: PhantomData<fn() -> M>,
}

impl<'a, M: Model> Delete<'a, M> {
    async fn send(self) -> Result<()> {
        let engine = self.engine;
        let key = engine.key_item::<M>(&self.key)?;
        engine
            .client()
            .delete_item()
            .table_name(engine.table_name(&M::SCHEMA))
            .set_key(Some(key))
            .send()
            .await
            .map_err(|e| Error::sdk("DeleteItem", e))?;
        Ok(())
    }
}

impl<'a, M: Model> IntoFuture for Delete<'a, M> {
    type Output = Result<()>;
    type IntoFuture = BoxFuture<'a, Result<()>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
