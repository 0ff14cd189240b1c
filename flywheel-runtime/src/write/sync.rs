//! flywheel's `sync`: write only what changed, refusing to overwrite what someone else changed.
//!
//! A [`Tracked`] model remembers the item as it was read. [`Engine::sync`] compares the model
//! with it and sends one UpdateItem holding only the changes: `SET` for changed values,
//! `REMOVE` for cleared optional fields and emptied sets, and the pending deltas of
//! [`Tracked::incr`] / [`Tracked::add`] / [`Tracked::delete`] as atomic `ADD` / `DELETE`. By
//! default each written attribute must still hold the value that was read (per-field
//! optimistic concurrency): concurrent changes to *other* attributes merge, a concurrent
//! change to the *same* attribute fails with [`Error::Conflict`] and nothing is written. With
//! a version attribute the whole item must still be at the version read
//! ([`Error::VersionConflict`]) and the version is incremented. The item as stored afterwards
//! (`ALL_NEW`) is loaded back into the model.
//!
//! # A model that was never saved
//!
//! [`Tracked::new`] wraps a model built in memory (flywheel's "new object"). Its first sync
//! writes only what the caller set, and merges into an item with the same key if one exists:
//!
//! - a field whose value differs from its schema default (an optional field that is `Some`, a
//!   non-empty set, a defaulted field set to another value) is written, on the condition that
//!   the stored item does not have it yet (a conflict otherwise; [`Sync::overwrite`] writes it
//!   anyway);
//! - a field left at its schema default is written as `if_not_exists(field, default)`: it
//!   fills an absent attribute and never replaces a stored value, so `overwrite()` onto an
//!   existing item keeps what the item holds (a field set to a value equal to its default
//!   counts as left alone: set such a value with [`Update::set`](crate::Update::set));
//! - a delta ([`Tracked::incr`]) on a defaulted field adds to the stored value, or to the
//!   default when there is none (`SET f = if_not_exists(f, default) + delta`); setting a field
//!   and adding to it in one sync is refused, as flywheel refused it;
//! - a model with nothing set, no defaults and no version creates the item only if it does not
//!   exist (flywheel's conditional save), then reads it.

use std::ops::{Deref, DerefMut};

use aws_sdk_dynamodb::types::ReturnValue;

use crate::engine::Engine;
use crate::error::{Error, Result, render_key};
use crate::expr::{Action, Actions, Comparison, Condition, Operand, Path, PathElement};
use crate::filter::{Attr, Cond, IntoValue, SameModel};
use crate::model::Model;
use crate::ops::Get;
use crate::update::{
    NotAKey, NotComputed, NotTheVersion, Numeric, SetCodec, incr_action, set_action,
};
use crate::write::plan::Plan;
use crate::write::unique;
use crate::write::version::version_of;
use crate::{AttributeValue, Item};

/// A model plus what was read of it, for [`Engine::sync`]. Dereferences to the model, so its
/// fields are read and changed directly.
#[derive(Debug, Clone)]
pub struct Tracked<M: Model> {
    model: M,
    /// The item as stored when read (`None`: never saved), for the conditions.
    stored: Option<Item>,
    /// The model as read, encoded, for finding changes.
    read: Option<Item>,
    deltas: Vec<(Path, Action)>,
}

impl<M: Model> Deref for Tracked<M> {
    type Target = M;

    fn deref(&self) -> &M {
        &self.model
    }
}

impl<M: Model> DerefMut for Tracked<M> {
    fn deref_mut(&mut self) -> &mut M {
        &mut self.model
    }
}

impl<M: Model> Tracked<M> {
    /// A model that was never saved: its first sync creates the item, merging into an item
    /// with the same key if one exists; it writes only what differs from the schema defaults
    /// (see [A model that was never saved](crate::sync#a-model-that-was-never-saved)).
    pub fn new(model: M) -> Tracked<M> {
        Tracked {
            model,
            stored: None,
            read: None,
            deltas: Vec::new(),
        }
    }

    /// A model known to be stored exactly as it is (for example a query result).
    pub fn stored(model: M) -> Result<Tracked<M>> {
        let item = model.to_item()?;
        Ok(Tracked {
            model,
            stored: Some(item.clone()),
            read: Some(item),
            deltas: Vec::new(),
        })
    }

    fn from_read(model: M, stored: Item, engine: &Engine) -> Result<Tracked<M>> {
        let read = model
            .to_item()
            .map_err(|e| engine.encode_error(&M::SCHEMA, e))?;
        Ok(Tracked {
            model,
            stored: Some(stored),
            read: Some(read),
            deltas: Vec::new(),
        })
    }

    /// The model.
    pub fn into_inner(self) -> M {
        self.model
    }

    /// Whether the item was read from (or written to) the table.
    pub fn is_stored(&self) -> bool {
        self.stored.is_some()
    }

    /// Adds `by` to the number at the next sync, atomically (flywheel's `incr_`); the model
    /// shows the new value once the sync has reloaded it.
    pub fn incr<A: NotAKey + NotTheVersion + NotComputed, C: Numeric<A>>(
        &mut self,
        attr: Attr<M, A, C>,
        by: impl IntoValue<C>,
    ) -> Result<&mut Self> {
        let action = incr_action(&attr, by, false).map_err(encode_error::<M>)?;
        self.push_delta(attr.path(), action);
        Ok(self)
    }

    /// Subtracts `by` from the number at the next sync, atomically.
    pub fn decr<A: NotAKey + NotTheVersion + NotComputed, C: Numeric<A>>(
        &mut self,
        attr: Attr<M, A, C>,
        by: impl IntoValue<C>,
    ) -> Result<&mut Self> {
        let action = incr_action(&attr, by, true).map_err(encode_error::<M>)?;
        self.push_delta(attr.path(), action);
        Ok(self)
    }

    /// Adds elements to the set at the next sync, atomically (flywheel's `add_`).
    pub fn add<A: NotAKey + NotTheVersion + NotComputed, C: SetCodec<A>>(
        &mut self,
        attr: Attr<M, A, C>,
        elements: impl IntoValue<C>,
    ) -> Result<&mut Self> {
        if let Some(action) = set_action(elements, Action::Add).map_err(encode_error::<M>)? {
            self.push_delta(attr.path(), action);
        }
        Ok(self)
    }

    /// Removes elements from the set at the next sync, atomically (flywheel's `remove_`).
    pub fn delete<A: NotAKey + NotTheVersion + NotComputed, C: SetCodec<A>>(
        &mut self,
        attr: Attr<M, A, C>,
        elements: impl IntoValue<C>,
    ) -> Result<&mut Self> {
        if let Some(action) = set_action(elements, Action::Delete).map_err(encode_error::<M>)? {
            self.push_delta(attr.path(), action);
        }
        Ok(self)
    }

    /// Adds a delta, folded into a pending one of the same kind on the same path (two
    /// increments are one ADD of their sum), since DynamoDB takes one action per path.
    fn push_delta(&mut self, path: Path, action: Action) {
        if let Some((_, pending)) = self.deltas.iter_mut().find(|(p, _)| *p == path)
            && let Some(merged) = merge(pending, &action)
        {
            *pending = merged;
            return;
        }
        self.deltas.push((path, action));
    }

    /// The attributes whose value differs from what was read (for a model never saved: from
    /// the schema defaults), and the pending deltas: what the next sync writes.
    pub fn changes(&self) -> Result<Vec<String>> {
        let current = self.model.to_item()?;
        let mut out = changed_attributes::<M>(&current, &*self.baseline()?);
        for (path, _) in &self.deltas {
            out.push(path.to_string());
        }
        Ok(out)
    }

    /// What the model is compared with to find what changed: the model as read, or for a model
    /// never saved, the schema defaults (so that only what the caller set counts as a change).
    fn baseline(&self) -> Result<std::borrow::Cow<'_, Item>, crate::EncodeError> {
        match &self.read {
            Some(read) => Ok(std::borrow::Cow::Borrowed(read)),
            None => crate::model::defaults_of::<M>().map(std::borrow::Cow::Owned),
        }
    }
}

/// One action doing what `first` and then `second` do, where there is one: the sum of two
/// increments, the union of two additions to a set or of two deletions from it.
fn merge(first: &Action, second: &Action) -> Option<Action> {
    use AttributeValue::{Bs, N, Ns, Ss};
    fn union<T: Clone + PartialEq>(a: &[T], b: &[T]) -> Vec<T> {
        let mut out = a.to_vec();
        out.extend(b.iter().filter(|e| !a.contains(e)).cloned());
        out
    }
    let sets = |a: &AttributeValue, b: &AttributeValue| match (a, b) {
        (Ss(a), Ss(b)) => Some(Ss(union(a, b))),
        (Ns(a), Ns(b)) => Some(Ns(union(a, b))),
        (Bs(a), Bs(b)) => Some(Bs(union(a, b))),
        _ => None,
    };
    // Exact decimal arithmetic, as DynamoDB adds.
    let sum = |a: &str, b: &str| {
        let sum = a.parse::<crate::Decimal>().ok()? + b.parse::<crate::Decimal>().ok()?;
        Some(N(sum.to_string()))
    };
    match (first, second) {
        (Action::Add(N(a)), Action::Add(N(b))) => sum(a, b).map(Action::Add),
        (
            Action::AddTo { from, by: N(a) },
            Action::AddTo {
                from: from2,
                by: N(b),
            },
        ) if from == from2 => Some(Action::AddTo {
            from: from.clone(),
            by: sum(a, b)?,
        }),
        (Action::Add(a), Action::Add(b)) => sets(a, b).map(Action::Add),
        (Action::Delete(a), Action::Delete(b)) => sets(a, b).map(Action::Delete),
        _ => None,
    }
}

/// The attributes a sync may write (all but the keys and the version) whose value in `current`
/// differs from `baseline`.
fn changed_attributes<M: Model>(current: &Item, baseline: &Item) -> Vec<String> {
    writable::<M>()
        .filter(|a| current.get(*a) != baseline.get(*a))
        .map(str::to_owned)
        .collect()
}

/// The attributes a sync may write: all but the table keys and the version attribute.
fn writable<M: Model>() -> impl Iterator<Item = &'static str> {
    M::SCHEMA
        .attributes
        .iter()
        .copied()
        .filter(|a| !M::SCHEMA.key_attributes().any(|k| k == *a) && M::SCHEMA.version != Some(*a))
}

/// Top-level attributes a condition reads.
fn condition_attributes(condition: &Condition, out: &mut Vec<String>) {
    let mut path = |p: &Path| {
        if let Some(PathElement::Name(n)) = p.elements().first() {
            out.push(n.to_string());
        }
    };
    match condition {
        Condition::Compare(a, _, b) => {
            for operand in [a, b] {
                if let Operand::Path(p) | Operand::Size(p) = operand {
                    path(p);
                }
            }
        }
        Condition::Between(a, _, _) | Condition::In(a, _) => {
            if let Operand::Path(p) | Operand::Size(p) = a {
                path(p);
            }
        }
        Condition::BeginsWith(p, _)
        | Condition::Contains(p, _)
        | Condition::Exists(p)
        | Condition::NotExists(p)
        | Condition::AttributeType(p, _) => path(p),
        Condition::And(parts) | Condition::Or(parts) => {
            parts.iter().for_each(|c| condition_attributes(c, out))
        }
        Condition::Not(inner) => condition_attributes(inner, out),
    }
}

impl<'a, M: Model> Get<'a, M> {
    /// Reads the item into a [`Tracked`] model that remembers what was read, for
    /// [`Engine::sync`].
    pub async fn tracked(self) -> Result<Option<Tracked<M>>> {
        let engine = self.engine();
        match self.fetch().await? {
            Some(item) => {
                let model = engine.decode::<M>(item.clone())?;
                Tracked::from_read(model, item, engine).map(Some)
            }
            None => Ok(None),
        }
    }
}

impl Engine {
    /// Writes what changed in `model` since it was read; see the [module docs](crate::sync).
    /// Resolves to `true` when a request was sent, `false` when nothing had changed.
    pub fn sync<'a, M: Model>(&'a self, model: &'a mut Tracked<M>) -> Sync<'a, M> {
        Sync {
            engine: self,
            model,
            constraints: Vec::new(),
            check_unchanged: true,
            error: None,
        }
    }
}

/// A sync of one tracked model, from [`Engine::sync`].
#[must_use = "a sync does nothing until it is awaited"]
pub struct Sync<'a, M: Model> {
    engine: &'a Engine,
    model: &'a mut Tracked<M>,
    constraints: Vec<Condition>,
    check_unchanged: bool,
    error: Option<Error>,
}

impl<'a, M: Model> Sync<'a, M> {
    /// Writes only if `condition` also holds (flywheel's `constraints`). Attributes the
    /// condition reads are not checked for being unchanged: the condition decides for them.
    pub fn constraint<CM: SameModel<M>, S>(mut self, condition: Cond<CM, S>) -> Self {
        match condition.of::<M>().checked() {
            Ok(c) => self.constraints.push(c),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// Writes the changes even if someone else changed the same attributes since they were
    /// read (last writer wins). The version attribute, if any, is still checked, and an item
    /// that was read must still exist.
    pub fn overwrite(mut self) -> Self {
        self.check_unchanged = false;
        self
    }

    async fn send(self) -> Result<bool> {
        let Sync {
            engine,
            model: tracked,
            constraints,
            check_unchanged,
            error,
        } = self;
        let schema = &M::SCHEMA;
        let table = engine.table_name(schema);
        if let Some(error) = error {
            return Err(error.in_table(&table));
        }
        let current = engine.whole_item(&tracked.model)?;
        let key = schema.key_of(&current);
        if let Some(read) = &tracked.read {
            let read_key = schema.key_of(read);
            if read_key != key {
                return Err(Error::KeyChanged {
                    model: schema.model,
                    read: render_key(schema, &read_key),
                    now: render_key(schema, &key),
                });
            }
        }
        let baseline = tracked
            .baseline()
            .map_err(|e| engine.encode_error(schema, e))?;
        let changed = changed_attributes::<M>(&current, &baseline);
        // A model never saved writes its schema defaults only where the stored item has
        // nothing (an increment starts from the default by itself).
        let defaults: Vec<(String, AttributeValue)> = if tracked.read.is_none() {
            writable::<M>()
                .filter(|a| !changed.iter().any(|c| c == a))
                .filter(|a| !tracked.deltas.iter().any(|(p, _)| *p == Path::attr(*a)))
                .filter_map(|a| baseline.get(a).map(|v| (a.to_owned(), v.clone())))
                .collect()
        } else {
            Vec::new()
        };
        drop(baseline);
        if changed.is_empty() && tracked.deltas.is_empty() && defaults.is_empty() {
            if tracked.stored.is_none() && schema.version.is_none() {
                return create_bare::<M>(engine, tracked, current).await;
            }
            if tracked.stored.is_some() {
                return Ok(false);
            }
        }
        let mut exempt = Vec::new();
        for c in &constraints {
            condition_attributes(c, &mut exempt);
        }
        let mut actions = Actions::default();
        let mut conditions: Vec<Condition> = constraints;
        if tracked.stored.is_some() {
            // The item was read: if it was deleted since, an UpdateItem would bring back a
            // fragment of it holding only the changed attributes.
            conditions.push(Condition::Exists(Path::attr(schema.hash_key.name)));
        }
        for attr in &changed {
            let path = Path::attr(attr.clone());
            match current.get(attr) {
                Some(v) => actions.list.push((path.clone(), Action::Set(v.clone()))),
                None => actions.list.push((path.clone(), Action::Remove)),
            }
            if check_unchanged && !exempt.contains(attr) {
                conditions.push(match tracked.stored.as_ref().and_then(|s| s.get(attr)) {
                    Some(before) => Condition::Compare(
                        Operand::Path(path),
                        Comparison::Eq,
                        Operand::Value(before.clone()),
                    ),
                    None => Condition::NotExists(path),
                });
            }
        }
        for (attr, value) in defaults {
            actions
                .list
                .push((Path::attr(attr), Action::SetIfNotExists(value)));
        }
        actions.list.extend(tracked.deltas.iter().cloned());
        let read_version = schema.version.map(|attribute| {
            tracked
                .stored
                .as_ref()
                .and_then(|s| version_of(s, attribute))
                .unwrap_or(0)
        });
        let plan = Plan::<M>::sync(engine, key, actions, conditions, read_version)?;
        // A unique value that changed moves its uniqueness item in the same transaction; the
        // item is then read back, as a transaction returns no values.
        let before = tracked.stored.clone().unwrap_or_default();
        let (claimed, released) = unique::moved(schema, &before, &current);
        let sent = if claimed.is_empty() && released.is_empty() {
            plan.send(engine, Some(ReturnValue::AllNew)).await
        } else {
            let mut ops = vec![plan.transact()?];
            ops.extend(unique::companions::<M>(
                engine, &current, &claimed, &released,
            )?);
            match unique::send(engine, ops).await {
                Ok(()) => {
                    let get = engine.get(tracked.model.key()).consistent();
                    get.fetch().await
                }
                Err(e) => Err(e),
            }
        };
        match sent {
            Ok(stored) => {
                let stored = stored.unwrap_or_default();
                let model = engine.decode::<M>(stored.clone())?;
                let read = model
                    .to_item()
                    .map_err(|e| engine.encode_error(schema, e))?;
                tracked.model = model;
                tracked.stored = Some(stored);
                tracked.read = Some(read);
                tracked.deltas.clear();
                Ok(true)
            }
            Err(error) => {
                Err(match error {
                    // Which attributes changed can only be told from a known stored item.
                    Error::ConditionFailed { table, key, item }
                        if check_unchanged && !item.is_unknown() =>
                    {
                        let attributes: Vec<String> = changed
                            .iter()
                            .filter(|a| !exempt.contains(a))
                            .filter(|a| {
                                let stored_now = item.present().and_then(|i| i.get(a.as_str()));
                                let stored_then =
                                    tracked.stored.as_ref().and_then(|s| s.get(a.as_str()));
                                stored_now != stored_then
                            })
                            .cloned()
                            .collect();
                        if attributes.is_empty() {
                            Error::ConditionFailed { table, key, item }
                        } else {
                            Error::Conflict {
                                table,
                                key,
                                attributes,
                                item: item.into_present(),
                            }
                        }
                    }
                    other => other,
                })
            }
        }
    }
}

/// A never-saved model without a version attribute, defaults or anything set but its key:
/// create the item if it does not exist (flywheel's conditional save), then read it.
async fn create_bare<M: Model>(
    engine: &Engine,
    tracked: &mut Tracked<M>,
    current: Item,
) -> Result<bool> {
    let created = match M::SCHEMA.unique.is_empty() {
        true => Plan::<M>::put_item(engine, current, None, true)?
            .send(engine, None)
            .await
            .map(drop),
        false => {
            unique::send(
                engine,
                unique::put_ops::<M>(engine, current, None, true, None)?,
            )
            .await
        }
    };
    match created {
        // It exists already: nothing to merge, as flywheel did.
        Ok(_) | Err(Error::ConditionFailed { .. }) => {}
        Err(error) => return Err(error),
    }
    let stored = engine
        .get(tracked.model.key())
        .consistent()
        .fetch()
        .await?
        .unwrap_or_default();
    let model = engine.decode::<M>(stored.clone())?;
    let read = model
        .to_item()
        .map_err(|e| engine.encode_error(&M::SCHEMA, e))?;
    tracked.model = model;
    tracked.stored = Some(stored);
    tracked.read = Some(read);
    Ok(true)
}

crate::engine::awaitable!(Sync -> bool);

/// An issue with a value given to a tracked model's delta, as the error of model `M`.
fn encode_error<M: Model>(issue: crate::codec::EncodeIssue) -> Error {
    Error::Encode(crate::EncodeError::new(&M::SCHEMA, issue))
}
