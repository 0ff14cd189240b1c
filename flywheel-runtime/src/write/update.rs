//! Typed update expressions: `GameScore::update(key)` builds one UpdateItem.
//!
//! ```ignore
//! // With the models generated from the GameScore schema:
//! GameScore::update(GameScoreKey::new("abc", "Alien Adventure"))
//!     .incr(GameScore::WINS, 1)
//!     .send(&engine)
//!     .await?;
//! ```
//!
//! Each operation states what it needs of the attribute as a trait bound, so misuse does not
//! compile: key attributes (and the version attribute, which flywheel manages) cannot be
//! touched, `remove` needs an optional attribute, `incr` a number, `add`/`delete` a set,
//! `append`/`prepend` a list. Two operations on one path, or on overlapping paths, are
//! rejected before anything is sent.

use std::marker::PhantomData;

use aws_sdk_dynamodb::types::ReturnValue;

use crate::codec::{self, Codec, EncodeIssue};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::expr::{Action, Actions, Path};
use crate::filter::{Attr, Cond, IntoValue, Optional, Part, SameModel, encode};
use crate::model::{Model, Versioned};
use crate::partial::Partial;
use crate::write::plan::{Guard, Plan};
use crate::{AttributeValue, Item};

/// Every attribute an update may write: all but the table's key attributes (and the parts of
/// a computed key), the version attribute, computed and unique attributes; a shorthand of [`NotAKey`] +
/// [`NotTheVersion`] + [`NotComputed`], which the update methods require one by one so that
/// each refusal gets its own message.
pub trait Updatable {}

impl<A: NotAKey + NotTheVersion + NotComputed> Updatable for A {}

/// Implemented (by generated code, [`updatable!`](crate::updatable)) for every attribute that
/// is not a key of the table.
#[diagnostic::on_unimplemented(
    message = "attribute `{Self}` is a key attribute, which an update cannot change",
    label = "a key attribute written by an update",
    note = "DynamoDB never changes an item's key: write the item with its new key and delete the old one (in a transaction, to do both or neither)"
)]
pub trait NotAKey {}

/// Implemented (by generated code, [`updatable!`](crate::updatable)) for every attribute that
/// is not the version attribute.
#[diagnostic::on_unimplemented(
    message = "attribute `{Self}` is the version attribute: flywheel writes it, it cannot be set by hand",
    label = "the version attribute written by an update",
    note = "every write through flywheel increments the version; check the stored one with `if_version(n)`"
)]
pub trait NotTheVersion {}

/// Implemented (by generated code, [`updatable!`](crate::updatable)) for every attribute that
/// flywheel does not keep in step itself: not computed from a key template, not unique.
#[diagnostic::on_unimplemented(
    message = "attribute `{Self}` is kept in step by flywheel (computed from a key template, or unique), so an update cannot set it",
    label = "an attribute flywheel keeps in step, written by an update",
    note = "flywheel writes a computed attribute from its parts (an update that sets every part of an index key writes it too), and moves the uniqueness item of a unique attribute on sync: set the parts, or change the model and `sync` it"
)]
pub trait NotComputed {}

impl<A: NotAKey, O> NotAKey for Part<A, O> {}

impl<A: NotComputed, O> NotComputed for Part<A, O> {}

impl<A: NotTheVersion, O> NotTheVersion for Part<A, O> {}

/// Implemented (by generated code) for attributes that may be absent: optional fields and sets.
#[diagnostic::on_unimplemented(
    message = "attribute `{Self}` cannot be removed: the field is required",
    label = "`remove` on a required field",
    note = "only optional fields (and sets, which read back empty) can be removed; `set` a new value instead"
)]
pub trait Removable {}

impl<A> Removable for Part<A, Optional> {}

/// Number codecs (`incr`, `decr`).
#[diagnostic::on_unimplemented(
    message = "`incr` and `decr` need a number attribute, and `{A}` is not one",
    label = "the attribute is stored with `{Self}`",
    note = "DynamoDB's ADD increments numbers and adds set elements; for sets use `add`"
)]
pub trait Numeric<A>: Codec {
    /// The negation of a stored number, for `decr`.
    fn negate(value: AttributeValue) -> AttributeValue {
        match value {
            AttributeValue::N(n) => AttributeValue::N(match n.strip_prefix('-') {
                Some(positive) => positive.to_owned(),
                None => format!("-{n}"),
            }),
            other => other,
        }
    }
}

impl<A> Numeric<A> for codec::I64 {}
impl<A> Numeric<A> for codec::I32 {}
impl<A> Numeric<A> for codec::U32 {}
impl<A> Numeric<A> for codec::U64 {}
impl<A> Numeric<A> for codec::F64 {}
impl<A> Numeric<A> for codec::Dec {}

/// Set codecs (`add`, `delete`).
#[diagnostic::on_unimplemented(
    message = "`add` and `delete` need a set attribute, and `{A}` is not one",
    label = "the attribute is stored with `{Self}`",
    note = "DynamoDB's ADD and DELETE change sets (and ADD increments numbers: use `incr`); for lists use `append`, `prepend` or `remove` of an element"
)]
pub trait SetCodec<A>: Codec {}

impl<A, C: Codec> SetCodec<A> for codec::Set<C> where C::Value: Ord {}

/// List codecs (`append`, `prepend`).
#[diagnostic::on_unimplemented(
    message = "`append` and `prepend` need a list attribute, and `{A}` is not one",
    label = "the attribute is stored with `{Self}`",
    note = "DynamoDB's list_append works on lists; for sets use `add`"
)]
pub trait ListCodec<A>: Codec {}

impl<A, C: Codec> ListCodec<A> for codec::List<C> {}

/// The action adding `by` to the number at `attr`, or subtracting it (`negate`); shared by
/// updates and syncs.
pub(crate) fn incr_action<M: Model, A, C: Numeric<A>>(
    attr: &Attr<M, A, C>,
    by: impl IntoValue<C>,
    negate: bool,
) -> std::result::Result<Action, EncodeIssue> {
    let by = encode::<C>(by)?;
    increment(attr, if negate { C::negate(by) } else { by })
}

/// The action adding elements to a set or deleting them from it (`make`); `None` for no
/// elements, which changes nothing (DynamoDB rejects an empty set). Shared by updates and syncs.
pub(crate) fn set_action<C: Codec>(
    elements: impl IntoValue<C>,
    make: fn(AttributeValue) -> Action,
) -> std::result::Result<Option<Action>, EncodeIssue> {
    C::encode(&elements.into_value()).map(|v| v.map(make))
}

/// The action adding `by` to the number at `attr`: `ADD`, or an addition to the schema default
/// where the attribute has one (an absent value reads as the default, not as 0).
pub(crate) fn increment<M: Model, A, C: Codec>(
    attr: &Attr<M, A, C>,
    by: AttributeValue,
) -> std::result::Result<Action, EncodeIssue> {
    Ok(match attr.default_value()? {
        Some(from) => Action::AddTo { from, by },
        None => Action::Add(by),
    })
}

/// `value`, when it is fit for the attribute at `path` as a key of an index of `M` (an empty
/// string there is refused before anything is sent, naming the attribute).
fn index_key_checked<M: Model>(
    path: &Path,
    value: Option<AttributeValue>,
) -> std::result::Result<Option<AttributeValue>, EncodeIssue> {
    if let (Some(v), [crate::expr::PathElement::Name(name)]) = (&value, path.elements()) {
        // `push` names the path itself.
        crate::limits::check_index_key(&M::SCHEMA, name, v)
            .map_err(|issue| EncodeIssue::new(issue.reason))?;
    }
    Ok(value)
}

/// An UpdateItem of one item of model `M`, from `Model::update(key)`.
#[must_use = "an update does nothing until a terminator such as `send(&engine)` runs it"]
pub struct Update<M: Model> {
    key: M::Key,
    actions: Actions,
    guard: Guard,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> std::fmt::Debug for Update<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Update")
            .field("key", &self.key)
            .field("actions", &self.actions)
            .finish_non_exhaustive()
    }
}

impl<M: Model> Update<M> {
    /// An update of the item with `key`; called by generated code (`Model::update(key)`).
    /// Like DynamoDB's UpdateItem, it creates the item when there is none, unless a condition
    /// says otherwise.
    pub fn new(key: M::Key) -> Update<M> {
        Update {
            key,
            actions: Actions::default(),
            guard: Guard::default(),
            _model: PhantomData,
        }
    }

    fn push(mut self, path: Path, action: std::result::Result<Action, EncodeIssue>) -> Self {
        match action {
            Ok(action) => self.actions.list.push((path, action)),
            Err(issue) => {
                let issue = issue.at(&path.to_string());
                let error = Error::Encode(crate::EncodeError::new(&M::SCHEMA, issue));
                self.guard.failed(error);
            }
        }
        self
    }

    /// Sets the attribute (or part) to `value`.
    pub fn set<A: NotAKey + NotTheVersion + NotComputed, C: Codec>(
        self,
        attr: Attr<M, A, C>,
        value: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        // A codec stores nothing only for the empty set, which is stored as absent.
        let action = C::encode(&value.into_value())
            .and_then(|v| index_key_checked::<M>(&path, v))
            .map(|v| match v {
                Some(v) => Action::Set(v),
                None => Action::Remove,
            });
        self.push(path, action)
    }

    /// Sets the attribute only if it is absent (`if_not_exists`).
    pub fn set_if_not_exists<A: NotAKey + NotTheVersion + NotComputed, C: Codec>(
        self,
        attr: Attr<M, A, C>,
        value: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        // The empty set is stored as absent, so making an absent set empty changes nothing
        // (a NULL written in its place would make later `add`s and `delete`s fail).
        let value = C::encode(&value.into_value()).and_then(|v| index_key_checked::<M>(&path, v));
        self.push_unless_nothing(path, value.map(|v| v.map(Action::SetIfNotExists)))
    }

    /// Removes the attribute (optional fields and sets), list element or map entry.
    pub fn remove<A: NotAKey + NotTheVersion + NotComputed + Removable, C: Codec>(
        self,
        attr: Attr<M, A, C>,
    ) -> Self {
        let path = attr.path();
        self.push(path, Ok(Action::Remove))
    }

    /// Adds `by` to the number atomically. An absent number counts as its schema default, or
    /// as 0 when it has none.
    pub fn incr<A: NotAKey + NotTheVersion + NotComputed, C: Numeric<A>>(
        self,
        attr: Attr<M, A, C>,
        by: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        self.push(path, incr_action(&attr, by, false))
    }

    /// Subtracts `by` from the number atomically (an absent number counts as for `incr`).
    pub fn decr<A: NotAKey + NotTheVersion + NotComputed, C: Numeric<A>>(
        self,
        attr: Attr<M, A, C>,
        by: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        self.push(path, incr_action(&attr, by, true))
    }

    /// Adds `elements` to the set atomically (an absent set counts as empty).
    pub fn add<A: NotAKey + NotTheVersion + NotComputed, C: SetCodec<A>>(
        self,
        attr: Attr<M, A, C>,
        elements: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        self.push_unless_nothing(path, set_action(elements, Action::Add))
    }

    /// Removes `elements` from the set atomically.
    pub fn delete<A: NotAKey + NotTheVersion + NotComputed, C: SetCodec<A>>(
        self,
        attr: Attr<M, A, C>,
        elements: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        self.push_unless_nothing(path, set_action(elements, Action::Delete))
    }

    fn push_unless_nothing(
        self,
        path: Path,
        action: std::result::Result<Option<Action>, EncodeIssue>,
    ) -> Self {
        match action {
            // Adding or deleting no elements changes nothing; DynamoDB rejects an empty set.
            Ok(None) => self,
            Ok(Some(action)) => self.push(path, Ok(action)),
            Err(issue) => self.push(path, Err(issue)),
        }
    }

    /// Appends `items` to the end of the list (an absent list counts as empty).
    pub fn append<A: NotAKey + NotTheVersion + NotComputed, C: ListCodec<A>>(
        self,
        attr: Attr<M, A, C>,
        items: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        self.push(path, encode::<C>(items).map(Action::Append))
    }

    /// Puts `items` before the start of the list.
    pub fn prepend<A: NotAKey + NotTheVersion + NotComputed, C: ListCodec<A>>(
        self,
        attr: Attr<M, A, C>,
        items: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        self.push(path, encode::<C>(items).map(Action::Prepend))
    }

    /// Writes only if `condition` holds; otherwise [`Error::ConditionFailed`] with the item.
    pub fn condition<CM: SameModel<M>, S>(mut self, condition: Cond<CM, S>) -> Self {
        self.guard.condition(condition.of::<M>());
        self
    }

    /// For a model with a version attribute: writes only if the stored version is `version`
    /// (0: the item does not exist yet); otherwise [`Error::VersionConflict`].
    pub fn if_version(mut self, version: i64) -> Self
    where
        M: Versioned,
    {
        self.guard.if_version::<M>(version);
        self
    }

    /// Sends the update; returns nothing.
    pub async fn send(self, engine: &Engine) -> Result<()> {
        self.run(engine, ReturnValue::None).await.map(drop)
    }

    /// Sends the update; returns the whole item as it is afterwards.
    pub async fn all_new(self, engine: &Engine) -> Result<M> {
        let item = self
            .run(engine, ReturnValue::AllNew)
            .await?
            .unwrap_or_default();
        engine.decode(item)
    }

    /// Sends the update; returns the whole item as it was before (`None` if it did not exist).
    pub async fn all_old(self, engine: &Engine) -> Result<Option<M>> {
        match self.run(engine, ReturnValue::AllOld).await? {
            Some(item) if !item.is_empty() => engine.decode(item).map(Some),
            _ => Ok(None),
        }
    }

    /// Sends the update; returns the updated attributes as they are afterwards.
    pub async fn updated_new(self, engine: &Engine) -> Result<Partial<M>> {
        let item = self
            .run(engine, ReturnValue::UpdatedNew)
            .await?
            .unwrap_or_default();
        Ok(Partial::new(item))
    }

    /// Sends the update; returns the updated attributes as they were before.
    pub async fn updated_old(self, engine: &Engine) -> Result<Partial<M>> {
        let item = self
            .run(engine, ReturnValue::UpdatedOld)
            .await?
            .unwrap_or_default();
        Ok(Partial::new(item))
    }

    /// The write plan of the update, checked; shared with transactions.
    pub(crate) fn plan(self, engine: &Engine) -> Result<Plan<M>> {
        let (condition, expected_version) = self.guard.into_parts::<M>(engine)?;
        Plan::update(engine, &self.key, self.actions, condition, expected_version)
    }

    async fn run(self, engine: &Engine, returns: ReturnValue) -> Result<Option<Item>> {
        self.plan(engine)?.send(engine, Some(returns)).await
    }
}
