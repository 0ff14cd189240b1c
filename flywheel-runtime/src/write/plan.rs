//! One write path. Save, delete, update, sync and every write of a transaction describe what
//! they want as a [`Plan`]: the item's key, what happens to the item, the caller's conditions
//! and the version check, combined here with the [version rule](super::version). A plan's
//! expressions are written in one place, and the plan is sent as a request of its own
//! (PutItem, UpdateItem, DeleteItem) or becomes one operation of a TransactWriteItems. Every
//! request shape asks for the stored item when its condition fails, so that a refusal can be
//! [judged](super::refusal) without another read where the server supports it.

use std::marker::PhantomData;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{
    ConditionCheck, Delete, Put, ReturnValue, ReturnValuesOnConditionCheckFailure,
    TransactWriteItem, Update,
};

use super::refusal;
use super::version::{self, VersionCheck};
use crate::Item;
use crate::engine::Engine;
use crate::error::{Error, Operation, Result, render_key};
use crate::expr::{Action, Actions, Condition, ExpressionBuilder, Names, Path, Values, require};
use crate::filter::Cond;
use crate::model::Model;
use crate::retry::{Failure, Replay};
use crate::schema::TableSchema;

/// What the caller of a write asks of the stored item, gathered by the write's builder:
/// conditions (all must hold) and an expected version. A builder never drops a call: the first
/// mistake is kept and returned when the write runs.
#[derive(Debug, Default)]
pub(crate) struct Guard {
    pub condition: Option<Condition>,
    pub expected_version: Option<i64>,
    pub error: Option<Error>,
}

impl Guard {
    /// The write happens only if `condition` holds too.
    pub fn condition<M: Model, S>(&mut self, condition: Cond<M, S>) {
        match condition.checked() {
            Ok(c) => require(&mut self.condition, c),
            Err(e) => self.failed(e),
        }
    }

    /// The write happens only if the stored version of the versioned model `M` is `version`.
    pub fn if_version<M: Model>(&mut self, version: i64) {
        if let Err(e) = version::one_version::<M>(self.expected_version, version) {
            self.failed(e);
        }
        self.expected_version = Some(version);
    }

    /// Keeps `error` unless an earlier one is kept.
    pub fn failed(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }

    /// The kept mistake, in the table of `M`, or the condition and expected version.
    pub fn into_parts<M: Model>(self, engine: &Engine) -> Result<(Option<Condition>, Option<i64>)> {
        match self.error {
            Some(error) => Err(error.in_table(&engine.table_name(&M::SCHEMA))),
            None => Ok((self.condition, self.expected_version)),
        }
    }
}

/// What a write does to its item.
pub(crate) enum Body {
    /// Replaces it with this whole item (PutItem).
    Put(Item),
    /// Carries out these actions (UpdateItem).
    Update(Actions),
    /// Deletes it (DeleteItem).
    Delete,
    /// Writes nothing: only its condition must hold (a transaction's ConditionCheck).
    Check,
}

/// One conditional write of one item of model `M`, ready to be sent.
pub(crate) struct Plan<M> {
    /// The table, with the engine's namespace.
    table: String,
    /// The item's key.
    key: Item,
    body: Body,
    condition: Option<Condition>,
    /// The version check among the conditions, to judge a refusal.
    version: Option<VersionCheck>,
    /// Whether the request may be sent again after an answer was lost.
    replay: Replay,
    model: PhantomData<fn() -> M>,
}

/// A plan's expressions, with their placeholders.
struct Written {
    update: Option<String>,
    condition: Option<String>,
    names: Option<Names>,
    values: Option<Values>,
}

/// One operation of a transaction, and what is needed to report on it.
pub(crate) struct TransactOp {
    pub operation: Operation,
    pub table: String,
    pub key: Item,
    pub key_text: String,
    pub version: Option<VersionCheck>,
    pub item: TransactWriteItem,
    /// For the write of a uniqueness item: the unique attribute and its value, which a failed
    /// condition says is taken.
    pub claim: Option<(String, String)>,
}

impl<M: Model> Plan<M> {
    /// A write of the item with `key` in the table of `M` that is not an item of `M` itself
    /// (a uniqueness item of one of its fields).
    pub fn of_table(
        engine: &Engine,
        key: Item,
        body: Body,
        condition: Option<Condition>,
    ) -> Plan<M> {
        Plan::new(engine, key, body, condition)
    }

    /// Adds a condition the stored item must meet too.
    pub fn require(&mut self, condition: Condition) {
        require(&mut self.condition, condition);
    }

    fn new(engine: &Engine, key: Item, body: Body, condition: Option<Condition>) -> Plan<M> {
        Plan {
            table: engine.table_name(&M::SCHEMA),
            key,
            body,
            condition,
            version: None,
            replay: Replay::Safe,
            model: PhantomData,
        }
    }

    /// A put of the whole `model`. A versioned model is written at its version + 1, only while
    /// the stored version is its own; `create_only` refuses an item that exists.
    pub fn put(
        engine: &Engine,
        model: &M,
        condition: Option<Condition>,
        create_only: bool,
    ) -> Result<Plan<M>> {
        Plan::put_item(engine, engine.whole_item(model)?, condition, create_only)
    }

    /// A put of `item`, a whole item of `M` already encoded and checked against DynamoDB's
    /// limits, as [`put`](Plan::put) writes it.
    pub fn put_item(
        engine: &Engine,
        mut item: Item,
        condition: Option<Condition>,
        create_only: bool,
    ) -> Result<Plan<M>> {
        let schema = &M::SCHEMA;
        let alone = condition.is_none() && !create_only;
        let mut condition = condition;
        let mut check = None;
        if let Some(attribute) = schema.version {
            let read = version::stamp(&mut item, attribute);
            require(&mut condition, version::condition(attribute, read));
            check = Some(VersionCheck {
                attribute,
                expected: read,
                alone,
            });
        }
        if create_only {
            let absent = Condition::NotExists(Path::attr(schema.hash_key.name));
            require(&mut condition, absent);
        }
        let key = schema.key_of(&item);
        let mut plan = Plan::new(engine, key, Body::Put(item), condition);
        plan.version = check;
        Ok(plan)
    }

    /// A delete of the item with `key`; with `expected`, only while the stored version is that
    /// one (0: while there is no item).
    pub fn delete(
        engine: &Engine,
        key: &M::Key,
        condition: Option<Condition>,
        expected: Option<i64>,
    ) -> Result<Plan<M>> {
        let key = engine.key_item::<M>(key)?;
        let check = VersionCheck::of::<M>(expected, condition.is_none());
        let mut condition = condition;
        if let Some(check) = check {
            require(
                &mut condition,
                if check.expected == 0 {
                    Condition::NotExists(Path::attr(M::SCHEMA.hash_key.name))
                } else {
                    version::condition(check.attribute, check.expected)
                },
            );
        }
        let mut plan = Plan::new(engine, key, Body::Delete, condition);
        plan.version = check;
        Ok(plan)
    }

    /// An update of the item with `key` by `actions`. A versioned model's version goes up by
    /// one; with `expected`, only while the stored version is that one.
    pub fn update(
        engine: &Engine,
        key: &M::Key,
        mut actions: Actions,
        condition: Option<Condition>,
        expected: Option<i64>,
    ) -> Result<Plan<M>> {
        let mut parts = Item::new();
        crate::model::ModelKey::write_parts(key, &mut parts).map_err(|issue| {
            engine.encode_error(&M::SCHEMA, crate::EncodeError::new(&M::SCHEMA, issue))
        })?;
        let key = engine.key_item::<M>(key)?;
        // Judged before the version's own increment, which a version condition guards (and
        // which, unguarded, only counts one write twice).
        let replay = replay(&actions);
        let check = VersionCheck::of::<M>(expected, condition.is_none());
        let mut condition = condition;
        if let Some(attribute) = M::SCHEMA.version {
            actions
                .list
                .push((Path::attr(attribute), Action::Add(version::number(1))));
            if let Some(expected) = expected {
                require(&mut condition, version::condition(attribute, expected));
            }
        }
        actions.check()?;
        if actions.is_empty() {
            return Err(Error::Validation(
                "an update needs at least one action".into(),
            ));
        }
        keep_computed_in_step(&M::SCHEMA, &mut actions, &parts)?;
        // An update may create the item: it is then an item of this entity too.
        if let Some(entity) = M::SCHEMA.entity {
            actions.list.push((
                Path::attr(entity.attribute),
                Action::Set(crate::AttributeValue::S(entity.name.to_owned())),
            ));
        }
        let mut plan = Plan::new(engine, key, Body::Update(actions), condition);
        plan.version = check;
        plan.replay = replay;
        Ok(plan)
    }

    /// The update of a sync: `actions` and `conditions` as the sync made them. A versioned
    /// model writes the version it read (`read_version`) plus one, only while it is stored.
    pub fn sync(
        engine: &Engine,
        key: Item,
        mut actions: Actions,
        mut conditions: Vec<Condition>,
        read_version: Option<i64>,
    ) -> Result<Plan<M>> {
        let mut version = None;
        if let Some((attribute, read)) = M::SCHEMA.version.zip(read_version) {
            actions.list.push((
                Path::attr(attribute),
                Action::Set(version::number(read + 1)),
            ));
            version = Some(VersionCheck {
                attribute,
                expected: read,
                alone: conditions.is_empty(),
            });
            conditions.push(version::condition(attribute, read));
        }
        actions.check()?;
        let condition = match conditions.len() {
            0 => None,
            1 => conditions.pop(),
            _ => Some(Condition::And(conditions)),
        };
        let replay = replay(&actions);
        let mut plan = Plan::new(engine, key, Body::Update(actions), condition);
        plan.replay = replay;
        plan.version = version;
        Ok(plan)
    }

    /// A check that `condition` holds for the item with `key`, writing nothing (transactions).
    pub fn check(engine: &Engine, key: &M::Key, condition: Condition) -> Result<Plan<M>> {
        let key = engine.key_item::<M>(key)?;
        Ok(Plan::new(engine, key, Body::Check, Some(condition)))
    }

    /// The update expression (first, so that its placeholders come first) and the condition.
    fn written(&self) -> Written {
        let mut exprs = ExpressionBuilder::new();
        let update = match &self.body {
            Body::Update(actions) => Some(actions.expression(&mut exprs)),
            _ => None,
        };
        let condition = self.condition.as_ref().map(|c| exprs.condition(c));
        let (names, values) = exprs.finish();
        Written {
            update,
            condition,
            names,
            values,
        }
    }

    /// Sends the plan as a request of its own; `returns` is what the answer carries (`None`:
    /// nothing asked). A refused condition becomes [`Error::VersionConflict`] or
    /// [`Error::ConditionFailed`].
    pub async fn send(self, engine: &Engine, returns: Option<ReturnValue>) -> Result<Option<Item>> {
        let written = self.written();
        let Plan {
            table,
            key,
            body,
            version,
            replay,
            ..
        } = self;
        let client = engine.client();
        let answered = Answered {
            engine,
            schema: &M::SCHEMA,
            table: &table,
            key: &key,
            version,
        };
        match body {
            Body::Put(item) => {
                let request = client.put_item().set_item(Some(item));
                let request = conditional!(request, &table, written).set_return_values(returns);
                let result = engine.call("PutItem", &table, replay, || request.clone().send());
                answered
                    .with("PutItem", result.await, |out| out.attributes)
                    .await
            }
            Body::Update(_) => {
                let request = client
                    .update_item()
                    .set_key(Some(key.clone()))
                    .set_update_expression(written.update.clone());
                let request = conditional!(request, &table, written).set_return_values(returns);
                let result = engine.call("UpdateItem", &table, replay, || request.clone().send());
                answered
                    .with("UpdateItem", result.await, |out| out.attributes)
                    .await
            }
            Body::Delete => {
                let request = client.delete_item().set_key(Some(key.clone()));
                let request = conditional!(request, &table, written).set_return_values(returns);
                let result = engine.call("DeleteItem", &table, replay, || request.clone().send());
                answered
                    .with("DeleteItem", result.await, |out| out.attributes)
                    .await
            }
            Body::Check => Err(Error::Validation(
                "a condition check is an operation of a transaction".into(),
            )),
        }
    }

    /// The plan as one operation of a transaction.
    pub fn transact(self) -> Result<TransactOp> {
        let written = self.written();
        let table = &self.table;
        let key = Some(self.key.clone());
        let built = |e: aws_sdk_dynamodb::error::BuildError| Error::Validation(e.to_string());
        let item = TransactWriteItem::builder();
        let (operation, item) = match self.body {
            Body::Put(put) => {
                let put = conditional!(Put::builder().set_item(Some(put)), table, written);
                (Operation::Put, item.put(put.build().map_err(built)?))
            }
            Body::Update(_) => {
                let update = Update::builder()
                    .set_key(key)
                    .set_update_expression(written.update.clone());
                let update = conditional!(update, table, written);
                (
                    Operation::Update,
                    item.update(update.build().map_err(built)?),
                )
            }
            Body::Delete => {
                let delete = conditional!(Delete::builder().set_key(key), table, written);
                (
                    Operation::Delete,
                    item.delete(delete.build().map_err(built)?),
                )
            }
            Body::Check => {
                let check = conditional!(ConditionCheck::builder().set_key(key), table, written);
                let check = check.build().map_err(built)?;
                (Operation::ConditionCheck, item.condition_check(check))
            }
        };
        Ok(TransactOp {
            operation,
            key_text: render_key(&M::SCHEMA, &self.key),
            table: self.table,
            key: self.key,
            version: self.version,
            item: item.build(),
            claim: None,
        })
    }
}

/// What every conditional request shape, sent alone or in a transaction, sets alike: the table,
/// the condition with its placeholders, and the stored item back when the condition fails.
macro_rules! conditional {
    ($builder:expr, $table:expr, $written:expr) => {
        $builder
            .table_name($table)
            .set_condition_expression($written.condition)
            .set_expression_attribute_names($written.names)
            .set_expression_attribute_values($written.values)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
    };
}
use conditional;

/// What a single-item write needs to turn its answer into a result.
struct Answered<'a> {
    engine: &'a Engine,
    schema: &'a TableSchema,
    table: &'a str,
    key: &'a Item,
    version: Option<VersionCheck>,
}

impl Answered<'_> {
    /// The attributes the answer carries, or the typed error of the refusal.
    async fn with<T, E>(
        &self,
        operation: &'static str,
        result: std::result::Result<T, Failure<E>>,
        attributes: impl FnOnce(T) -> Option<Item>,
    ) -> Result<Option<Item>>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match result {
            Ok(out) => Ok(attributes(out)),
            Err(failure) => Err(refusal::refused(
                self.engine,
                self.schema,
                self.table,
                self.key,
                self.version,
                failure,
                operation,
            )
            .await),
        }
    }
}

/// Rewrites the computed index keys whose parts an update sets, in the same request: written
/// anew when it sets every part, removed when it removes one (the item leaves the sparse
/// index). An update that changes some parts of one and leaves others it does not know is
/// refused: the computed attribute would no longer match its parts.
fn keep_computed_in_step(
    schema: &TableSchema,
    actions: &mut Actions,
    key_parts: &Item,
) -> Result<()> {
    use crate::template::{Part, PartSpec, Piece, StoredValue};
    let mut added = Vec::new();
    for template in schema.computed {
        let parts: Vec<&PartSpec> = template
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Part(spec) => Some(spec),
                Piece::Text(_) => None,
            })
            .collect();
        let action_of = |name: &'static str| {
            actions
                .list
                .iter()
                .find(|(path, _)| *path == Path::attr(name))
                .map(|(_, action)| action)
        };
        if parts.iter().all(|p| action_of(p.name).is_none()) {
            continue;
        }
        // A part of the item's key is known from the key, which the update cannot change.
        let given: Vec<Option<Action>> = parts
            .iter()
            .map(|p| match action_of(p.name) {
                Some(action) => Some(action.clone()),
                None => key_parts.get(p.name).cloned().map(Action::Set),
            })
            .collect();
        let path = Path::attr(template.attribute);
        if given.iter().any(|a| matches!(a, Some(Action::Remove))) {
            added.push((path, Action::Remove));
            continue;
        }
        let mut values = Vec::with_capacity(parts.len());
        let mut missing = Vec::new();
        for (part, action) in parts.iter().zip(&given) {
            match action {
                Some(Action::Set(value)) => values.push(StoredValue {
                    write: part.stored,
                    value,
                }),
                _ => missing.push(part.name),
            }
        }
        if !missing.is_empty() {
            return Err(Error::Validation(format!(
                "the update changes a part of `{}` (\"{}\") and does not set its parts `{}`; \
                 set every part in the same update (or save the model), so that `{}` is \
                 written anew",
                template.attribute,
                template.source(),
                missing.join("`, `"),
                template.attribute,
            )));
        }
        let values: Vec<&dyn Part> = values.iter().map(|v| v as &dyn Part).collect();
        let text = template
            .format(&values)
            .map_err(|issue| Error::Validation(issue.reason))?;
        added.push((path, Action::Set(crate::AttributeValue::S(text))));
    }
    actions.list.extend(added);
    Ok(())
}

/// Whether carrying the actions out twice does what carrying them out once does: not for
/// increments and list appends (adding elements to a set, or setting values, is fine).
fn replay(actions: &Actions) -> Replay {
    if actions.repeats() {
        Replay::Unsafe
    } else {
        Replay::Safe
    }
}
