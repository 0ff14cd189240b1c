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
use std::pin::Pin;

use crate::Item;
use crate::engine::Engine;
use crate::error::{Error, Result, Stored, render_key};
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;

use crate::AttributeValue;
use crate::expr::{Condition, ExpressionBuilder, Path};
use crate::filter::Cond;
use crate::model::{Model, ModelKey};
use crate::retry::{Failure, Replay};

/// A boxed future, as returned by the builders' `into_future`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

impl Engine {
    /// Puts a whole item, replacing any item with the same key; see [`Save`] for options.
    pub fn save<'a, M: Model>(&'a self, item: &'a M) -> Save<'a, M> {
        Save {
            engine: self,
            item,
            create_only: false,
            condition: None,
            error: None,
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
            condition: None,
            expected_version: None,
            error: None,
        }
    }

    /// Deletes a model that was read: for a model with a version attribute, only if the stored
    /// version is still the model's (otherwise [`Error::VersionConflict`]).
    pub fn delete_item<M: Model>(&self, item: &M) -> Delete<'_, M> {
        let mut delete = self.delete(item.key());
        if let Some(attribute) = M::SCHEMA.version {
            let version = item
                .to_item()
                .ok()
                .and_then(|i| crate::update::version_of(&i, attribute))
                .unwrap_or(0);
            delete = delete.if_version(version);
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
    condition: Option<Condition>,
    error: Option<Error>,
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
    pub fn condition<S>(mut self, condition: Cond<M, S>) -> Self {
        match condition.checked() {
            Ok(c) => self.condition = Some(and(self.condition.take(), c)),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    async fn send(self) -> Result<Saved> {
        let engine = self.engine;
        let schema = &M::SCHEMA;
        let table = engine.table_name(schema);
        if let Some(error) = self.error {
            return Err(error.in_table(&table));
        }
        let mut item =
            crate::limits::whole_item(self.item).map_err(|e| engine.encode_error(schema, e))?;
        // Whether a version check will be the only condition.
        let alone = self.condition.is_none() && !self.create_only;
        let mut condition = self.condition;
        let mut expected_version = None;
        if let Some(attribute) = schema.version {
            let read = crate::update::version_of(&item, attribute).unwrap_or(0);
            item.insert(
                attribute.to_owned(),
                AttributeValue::N((read + 1).to_string()),
            );
            condition = Some(and(
                condition,
                crate::update::version_condition(attribute, read),
            ));
            expected_version = Some(read);
        }
        if self.create_only {
            condition = Some(and(
                condition,
                Condition::NotExists(Path::attr(schema.hash_key.name)),
            ));
        }
        let mut exprs = ExpressionBuilder::new();
        let condition = condition.map(|c| exprs.condition(&c));
        let (names, values) = exprs.finish();
        let key: Item = schema
            .key_attributes()
            .filter_map(|k| item.get(k).map(|v| (k.to_owned(), v.clone())))
            .collect();
        let version = expected_version.map(|v| v + 1);
        let request = engine
            .client()
            .put_item()
            .table_name(&table)
            .set_item(Some(item))
            .set_condition_expression(condition)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let result = engine
            .call("PutItem", &table, Replay::Safe, || request.clone().send())
            .await;
        match result {
            Ok(_) => Ok(Saved {
                version: version.unwrap_or(0),
            }),
            Err(err) => {
                let error =
                    condition_error::<M, _>(engine, &key, expected_version, alone, err, "PutItem")
                        .await;
                match error {
                    // A create-only save of an unversioned model (or a versioned one read as
                    // new) that met an item known to exist says so plainly.
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
                    } if self.create_only => Err(Error::AlreadyExists { table, key }),
                    other => Err(other),
                }
            }
        }
    }
}

impl<'a, M: Model> IntoFuture for Save<'a, M> {
    type Output = Result<Saved>;
    type IntoFuture = BoxFuture<'a, Result<Saved>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// `existing AND condition`.
pub(crate) fn and(existing: Option<Condition>, condition: Condition) -> Condition {
    match existing {
        Some(existing) => existing.and(condition),
        None => condition,
    }
}

/// The version check of a conditional write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VersionCheck {
    /// The version attribute.
    pub attribute: &'static str,
    /// The version the write expects (0: no item, or one without a version).
    pub expected: i64,
    /// Whether the write has no other condition, so that a refusal can only be the version's.
    pub alone: bool,
}

impl VersionCheck {
    /// The check of a write of `M` expecting `expected`, when `M` has a version attribute.
    pub(crate) fn of<M: Model>(expected: Option<i64>, alone: bool) -> Option<VersionCheck> {
        M::SCHEMA
            .version
            .zip(expected)
            .map(|(attribute, expected)| VersionCheck {
                attribute,
                expected,
                alone,
            })
    }
}

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
            let found = crate::update::version_of(&item, check.attribute).unwrap_or(0);
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

/// The typed error of a conditional write: a version conflict when the stored version differs
/// from `expected_version`, the failed condition with what is known of the stored item
/// otherwise, or the SDK error. `alone`: the write has no condition but the version check.
pub(crate) async fn condition_error<M: Model, E>(
    engine: &Engine,
    key: &Item,
    expected_version: Option<i64>,
    alone: bool,
    failure: Failure<E>,
    operation: &'static str,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let table = engine.table_name(&M::SCHEMA);
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
    let stored = stored_item(engine, &table, key, returned).await;
    let key = render_key(&M::SCHEMA, key);
    match judge(stored, VersionCheck::of::<M>(expected_version, alone)) {
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

    /// The item as stored, if there is one.
    async fn fetch(&self) -> Result<Option<Item>> {
        let engine = self.engine;
        let key = engine.key_item::<M>(&self.key)?;
        let table = engine.table_name(&M::SCHEMA);
        let request = engine
            .client()
            .get_item()
            .table_name(&table)
            .set_key(Some(key))
            .consistent_read(self.consistent);
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

impl<'a, M: Model> Get<'a, M> {
    /// Reads the item into a [`Tracked`](crate::sync::Tracked) model that remembers what was
    /// read, for [`Engine::sync`].
    pub async fn tracked(self) -> Result<Option<crate::sync::Tracked<M>>> {
        let engine = self.engine;
        match self.fetch().await? {
            Some(item) => {
                let model = engine.decode::<M>(item.clone())?;
                crate::sync::Tracked::from_read(model, item, engine).map(Some)
            }
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
        let table = engine.table_name(&M::SCHEMA);
        let request = engine
            .client()
            .get_item()
            .table_name(&table)
            .set_key(Some(key))
            .projection_expression(projection)
            .set_expression_attribute_names(names)
            .consistent_read(self.consistent);
        let out = engine
            .send("GetItem", &table, Replay::Safe, || request.clone().send())
            .await?;
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

/// A DeleteItem, from [`Engine::delete`] or [`Engine::delete_item`].
#[must_use = "a delete does nothing until it is awaited"]
pub struct Delete<'a, M: Model> {
    engine: &'a Engine,
    key: M::Key,
    condition: Option<Condition>,
    expected_version: Option<i64>,
    error: Option<Error>,
}

impl<'a, M: Model> Delete<'a, M> {
    /// Deletes only if `condition` holds for the stored item; otherwise fails with
    /// [`Error::ConditionFailed`] carrying it.
    pub fn condition<S>(mut self, condition: Cond<M, S>) -> Self {
        match condition.checked() {
            Ok(c) => self.condition = Some(and(self.condition.take(), c)),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// For a model with a version attribute: deletes only if the stored version is `version`;
    /// otherwise [`Error::VersionConflict`].
    pub fn if_version(mut self, version: i64) -> Self {
        if let Err(e) = crate::update::one_version::<M>(self.expected_version, version) {
            self.error.get_or_insert(e);
        }
        self.expected_version = Some(version);
        self
    }

    async fn send(self) -> Result<()> {
        let engine = self.engine;
        if let Some(error) = self.error {
            return Err(error.in_table(&engine.table_name(&M::SCHEMA)));
        }
        let key = engine.key_item::<M>(&self.key)?;
        let alone = self.condition.is_none();
        let mut condition = self.condition;
        if let (Some(attribute), Some(expected)) = (M::SCHEMA.version, self.expected_version) {
            let check = if expected == 0 {
                Condition::NotExists(Path::attr(M::SCHEMA.hash_key.name))
            } else {
                crate::update::version_condition(attribute, expected)
            };
            condition = Some(and(condition, check));
        }
        let mut exprs = ExpressionBuilder::new();
        let condition = condition.map(|c| exprs.condition(&c));
        let (names, values) = exprs.finish();
        let table = engine.table_name(&M::SCHEMA);
        let request = engine
            .client()
            .delete_item()
            .table_name(&table)
            .set_key(Some(key.clone()))
            .set_condition_expression(condition)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let result = engine
            .call("DeleteItem", &table, Replay::Safe, || {
                request.clone().send()
            })
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) => Err(condition_error::<M, _>(
                engine,
                &key,
                self.expected_version,
                alone,
                err,
                "DeleteItem",
            )
            .await),
        }
    }
}

impl<'a, M: Model> IntoFuture for Delete<'a, M> {
    type Output = Result<()>;
    type IntoFuture = BoxFuture<'a, Result<()>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
