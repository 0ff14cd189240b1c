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

use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};

use crate::codec::{self, Codec, EncodeIssue};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::expr::{Condition, ExpressionBuilder, Path};
use crate::filter::{Attr, Cond, IntoValue, Optional, Part, encode};
use crate::model::Model;
use crate::partial::Partial;
use crate::retry::Replay;
use crate::{AttributeValue, Item};

/// Implemented (by generated code) for every attribute an update may write: all but the
/// table's key attributes and the version attribute.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be updated: it is a key attribute or the version attribute",
    label = "this attribute cannot be written by an update",
    note = "DynamoDB never changes an item's key (delete it and save a new one), and flywheel increments the version attribute itself"
)]
pub trait Updatable {}

impl<A: Updatable, O> Updatable for Part<A, O> {}

/// Implemented (by generated code) for attributes that may be absent: optional fields and sets.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be removed: the field is required",
    label = "`remove` on a required field",
    note = "only optional fields (and sets, which read back empty) can be removed; `set` a new value instead"
)]
pub trait Removable {}

impl<A> Removable for Part<A, Optional> {}

/// Number codecs (`incr`, `decr`).
#[diagnostic::on_unimplemented(
    message = "`incr` and `decr` need a number attribute",
    label = "the attribute is stored with `{Self}`",
    note = "DynamoDB's ADD increments numbers and adds set elements; for sets use `add`"
)]
pub trait Numeric: Codec {
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

impl Numeric for codec::I64 {}
impl Numeric for codec::I32 {}
impl Numeric for codec::U32 {}
impl Numeric for codec::U64 {}
impl Numeric for codec::F64 {}
impl Numeric for codec::Dec {}

/// Set codecs (`add`, `delete`).
#[diagnostic::on_unimplemented(
    message = "`add` and `delete` need a set attribute",
    label = "the attribute is stored with `{Self}`",
    note = "DynamoDB's ADD and DELETE change sets (and ADD increments numbers: use `incr`); for lists use `append`, `prepend` or `remove` of an element"
)]
pub trait SetCodec: Codec {}

impl<C: Codec> SetCodec for codec::Set<C> where C::Value: Ord {}

/// List codecs (`append`, `prepend`).
#[diagnostic::on_unimplemented(
    message = "`append` and `prepend` need a list attribute",
    label = "the attribute is stored with `{Self}`",
    note = "DynamoDB's list_append works on lists; for sets use `add`"
)]
pub trait ListCodec: Codec {}

impl<C: Codec> ListCodec for codec::List<C> {}

#[derive(Debug, Clone)]
pub(crate) enum Action {
    Set(AttributeValue),
    SetIfNotExists(AttributeValue),
    Remove,
    Add(AttributeValue),
    /// `SET p = if_not_exists(p, from) + by`: an increment of a number whose absence reads as
    /// the schema default `from`.
    AddTo {
        from: AttributeValue,
        by: AttributeValue,
    },
    Delete(AttributeValue),
    Append(AttributeValue),
    Prepend(AttributeValue),
}

/// The actions of an update, checked for conflicts and written as an UpdateExpression.
#[derive(Debug, Clone, Default)]
pub(crate) struct Actions {
    pub list: Vec<(Path, Action)>,
}

impl Actions {
    /// DynamoDB rejects two actions on one path or on overlapping paths (`a` and `a.b`).
    pub fn check(&self) -> Result<()> {
        for (i, (a, _)) in self.list.iter().enumerate() {
            for (b, _) in &self.list[i + 1..] {
                if a == b {
                    return Err(Error::Validation(format!(
                        "an update writes `{a}` twice (for example sets it and adds to it); \
                         DynamoDB allows one action per attribute: combine them into one"
                    )));
                }
                if overlaps(a, b) {
                    return Err(Error::Validation(format!(
                        "an update touches `{}` and `{}`, which overlap; DynamoDB allows one action per document path",
                        a, b
                    )));
                }
            }
        }
        Ok(())
    }

    /// The UpdateExpression text.
    pub fn expression(&self, exprs: &mut ExpressionBuilder) -> String {
        let (mut set, mut remove, mut add, mut delete) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (path, action) in &self.list {
            let p = exprs.path(path);
            match action {
                Action::Set(v) => set.push(format!("{p} = {}", exprs.value(v.clone()))),
                Action::SetIfNotExists(v) => set.push(format!(
                    "{p} = if_not_exists({p}, {})",
                    exprs.value(v.clone())
                )),
                Action::Append(v) => {
                    let empty = exprs.value(AttributeValue::L(Vec::new()));
                    set.push(format!(
                        "{p} = list_append(if_not_exists({p}, {empty}), {})",
                        exprs.value(v.clone())
                    ));
                }
                Action::Prepend(v) => {
                    let empty = exprs.value(AttributeValue::L(Vec::new()));
                    set.push(format!(
                        "{p} = list_append({}, if_not_exists({p}, {empty}))",
                        exprs.value(v.clone())
                    ));
                }
                Action::AddTo { from, by } => set.push(format!(
                    "{p} = if_not_exists({p}, {}) + {}",
                    exprs.value(from.clone()),
                    exprs.value(by.clone())
                )),
                Action::Remove => remove.push(p),
                Action::Add(v) => add.push(format!("{p} {}", exprs.value(v.clone()))),
                Action::Delete(v) => delete.push(format!("{p} {}", exprs.value(v.clone()))),
            }
        }
        let mut clauses = Vec::new();
        for (keyword, parts) in [
            ("SET", set),
            ("REMOVE", remove),
            ("ADD", add),
            ("DELETE", delete),
        ] {
            if !parts.is_empty() {
                clauses.push(format!("{keyword} {}", parts.join(", ")));
            }
        }
        clauses.join(" ")
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether carrying the actions out twice does what carrying them out once does: not for
    /// increments and list appends (adding elements to a set, or setting values, is fine).
    pub fn replay(&self) -> Replay {
        let repeats = self.list.iter().any(|(_, action)| {
            matches!(
                action,
                Action::Add(AttributeValue::N(_))
                    | Action::AddTo { .. }
                    | Action::Append(_)
                    | Action::Prepend(_)
            )
        });
        if repeats {
            Replay::Unsafe
        } else {
            Replay::Safe
        }
    }
}

fn overlaps(a: &Path, b: &Path) -> bool {
    let (a, b) = (a.elements(), b.elements());
    let n = a.len().min(b.len());
    a[..n] == b[..n]
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

/// The number 1, for version increments.
pub(crate) fn one() -> AttributeValue {
    AttributeValue::N("1".into())
}

/// Reads a stored version number; absent is 0.
pub(crate) fn version_of(item: &Item, attribute: &str) -> Option<i64> {
    match item.get(attribute) {
        Some(AttributeValue::N(n)) => n.parse().ok(),
        _ => None,
    }
}

/// An UpdateItem of one item of model `M`, from `Model::update(key)`.
#[must_use = "an update does nothing until a terminator such as `send(&engine)` runs it"]
pub struct Update<M: Model> {
    key: M::Key,
    actions: Actions,
    condition: Option<Condition>,
    expected_version: Option<i64>,
    error: Option<Error>,
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
            condition: None,
            expected_version: None,
            error: None,
            _model: PhantomData,
        }
    }

    fn push(mut self, path: Path, action: std::result::Result<Action, EncodeIssue>) -> Self {
        match action {
            Ok(action) => self.actions.list.push((path, action)),
            Err(issue) => {
                let issue = issue.at(&path.to_string());
                self.error
                    .get_or_insert(Error::Encode(crate::EncodeError::new(&M::SCHEMA, issue)));
            }
        }
        self
    }

    /// Sets the attribute (or part) to `value`.
    pub fn set<A: Updatable, C: Codec>(
        self,
        attr: Attr<M, A, C>,
        value: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        // A codec stores nothing only for the empty set, which is stored as absent.
        let action = C::encode(&value.into_value()).map(|v| match v {
            Some(v) => Action::Set(v),
            None => Action::Remove,
        });
        self.push(path, action)
    }

    /// Sets the attribute only if it is absent (`if_not_exists`).
    pub fn set_if_not_exists<A: Updatable, C: Codec>(
        self,
        attr: Attr<M, A, C>,
        value: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        // The empty set is stored as absent, so making an absent set empty changes nothing
        // (a NULL written in its place would make later `add`s and `delete`s fail).
        self.push_unless_nothing(
            path,
            C::encode(&value.into_value()).map(|v| v.map(Action::SetIfNotExists)),
        )
    }

    /// Removes the attribute (optional fields and sets), list element or map entry.
    pub fn remove<A: Updatable + Removable, C: Codec>(self, attr: Attr<M, A, C>) -> Self {
        let path = attr.path();
        self.push(path, Ok(Action::Remove))
    }

    /// Adds `by` to the number atomically. An absent number counts as its schema default, or
    /// as 0 when it has none.
    pub fn incr<A: Updatable, C: Numeric>(
        self,
        attr: Attr<M, A, C>,
        by: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        let action = encode::<C>(by).and_then(|by| increment(&attr, by));
        self.push(path, action)
    }

    /// Subtracts `by` from the number atomically (an absent number counts as for `incr`).
    pub fn decr<A: Updatable, C: Numeric>(
        self,
        attr: Attr<M, A, C>,
        by: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        let action = encode::<C>(by).and_then(|by| increment(&attr, C::negate(by)));
        self.push(path, action)
    }

    /// Adds `elements` to the set atomically (an absent set counts as empty).
    pub fn add<A: Updatable, C: SetCodec>(
        self,
        attr: Attr<M, A, C>,
        elements: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        self.push_unless_nothing(
            path,
            C::encode(&elements.into_value()).map(|v| v.map(Action::Add)),
        )
    }

    /// Removes `elements` from the set atomically.
    pub fn delete<A: Updatable, C: SetCodec>(
        self,
        attr: Attr<M, A, C>,
        elements: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        self.push_unless_nothing(
            path,
            C::encode(&elements.into_value()).map(|v| v.map(Action::Delete)),
        )
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
    pub fn append<A: Updatable, C: ListCodec>(
        self,
        attr: Attr<M, A, C>,
        items: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        self.push(path, encode::<C>(items).map(Action::Append))
    }

    /// Puts `items` before the start of the list.
    pub fn prepend<A: Updatable, C: ListCodec>(
        self,
        attr: Attr<M, A, C>,
        items: impl IntoValue<C>,
    ) -> Self {
        let path = attr.path();
        self.push(path, encode::<C>(items).map(Action::Prepend))
    }

    /// Writes only if `condition` holds; otherwise [`Error::ConditionFailed`] with the item.
    pub fn condition<S>(mut self, condition: Cond<M, S>) -> Self {
        match condition.checked() {
            Ok(c) => self.condition = Some(crate::ops::and(self.condition.take(), c)),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// For a model with a version attribute: writes only if the stored version is `version`
    /// (0: the item does not exist yet); otherwise [`Error::VersionConflict`].
    pub fn if_version(mut self, version: i64) -> Self {
        if let Err(e) = crate::update::one_version::<M>(self.expected_version, version) {
            self.error.get_or_insert(e);
        }
        self.expected_version = Some(version);
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

    /// Everything the request needs, checked; shared with transactions.
    pub(crate) fn prepare(self, engine: &Engine) -> Result<Prepared> {
        if let Some(error) = self.error {
            return Err(error.in_table(&engine.table_name(&M::SCHEMA)));
        }
        let key = engine.key_item::<M>(&self.key)?;
        let mut actions = self.actions;
        // Judged before the version's own increment, which a version condition guards (and
        // which, unguarded, only counts one write twice).
        let replay = actions.replay();
        let version_alone = self.condition.is_none();
        let mut condition = self.condition;
        if let Some(version) = M::SCHEMA.version {
            actions.list.push((Path::attr(version), Action::Add(one())));
            if let Some(expected) = self.expected_version {
                condition = Some(crate::ops::and(
                    condition,
                    version_condition(version, expected),
                ));
            }
        }
        actions.check()?;
        if actions.is_empty() {
            return Err(Error::Validation(
                "an update needs at least one action".into(),
            ));
        }
        let mut exprs = ExpressionBuilder::new();
        let update = actions.expression(&mut exprs);
        let condition = condition.map(|c| exprs.condition(&c));
        let (names, values) = exprs.finish();
        Ok(Prepared {
            key,
            update,
            condition,
            names,
            values,
            expected_version: self.expected_version,
            version_alone,
            replay,
        })
    }

    async fn run(self, engine: &Engine, returns: ReturnValue) -> Result<Option<Item>> {
        let prepared = self.prepare(engine)?;
        let table = engine.table_name(&M::SCHEMA);
        let request = engine
            .client()
            .update_item()
            .table_name(&table)
            .set_key(Some(prepared.key.clone()))
            .update_expression(prepared.update)
            .set_condition_expression(prepared.condition)
            .set_expression_attribute_names(prepared.names)
            .set_expression_attribute_values(prepared.values)
            .return_values(returns)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let result = engine
            .call("UpdateItem", &table, prepared.replay, || {
                request.clone().send()
            })
            .await;
        match result {
            Ok(out) => Ok(out.attributes),
            Err(err) => Err(crate::ops::condition_error::<M, _>(
                engine,
                &prepared.key,
                prepared.expected_version,
                prepared.version_alone,
                err,
                "UpdateItem",
            )
            .await),
        }
    }
}

/// An update ready to send.
pub(crate) struct Prepared {
    pub key: Item,
    pub update: String,
    pub condition: Option<String>,
    pub names: Option<crate::expr::Names>,
    pub values: Option<crate::expr::Values>,
    pub expected_version: Option<i64>,
    /// Whether the version check (if any) is the only condition.
    pub version_alone: bool,
    /// Whether the request may be sent again after an answer was lost.
    pub replay: Replay,
}

/// `Ok` for a model with a version attribute; `if_version` means nothing for the others.
pub(crate) fn versioned<M: Model>() -> Result<()> {
    match M::SCHEMA.version {
        Some(_) => Ok(()),
        None => Err(Error::Validation(format!(
            "{} has no version attribute, so `if_version` cannot apply",
            M::SCHEMA.model
        ))),
    }
}

/// `if_version(version)` after `earlier`: the model must have a version attribute, and a write
/// expects one version.
pub(crate) fn one_version<M: Model>(earlier: Option<i64>, version: i64) -> Result<()> {
    versioned::<M>()?;
    match earlier {
        Some(earlier) if earlier != version => Err(Error::Validation(format!(
            "`if_version` was given {earlier} and then {version}; a write expects one version"
        ))),
        _ => Ok(()),
    }
}

/// `version = expected`, or "no version yet" for 0.
pub(crate) fn version_condition(attribute: &'static str, expected: i64) -> Condition {
    use crate::expr::{Comparison, Operand};
    if expected == 0 {
        Condition::NotExists(Path::attr(attribute))
    } else {
        Condition::Compare(
            Operand::Path(Path::attr(attribute)),
            Comparison::Eq,
            Operand::Value(AttributeValue::N(expected.to_string())),
        )
    }
}
