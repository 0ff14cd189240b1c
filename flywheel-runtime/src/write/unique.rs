//! Unique fields. An attribute an entity's schema marks `unique` is guarded by a uniqueness
//! item of the same table, whose key is made of the entity's name, the attribute and the value
//! (`UNIQUE#customer#email#ada@example.com` in the hash key, and in the range key if the table
//! has one), and which names its owner, the key of the entity's item. It is written in the
//! same transaction as the entity's item: claimed when the item is created (refused when
//! another item holds the value), moved when the value changes (the old one released, the new
//! one claimed), released when the item is deleted. Its discriminator is `entity.attribute`,
//! which no entity has, so no read of an entity ever returns it.

use crate::error::{CancelKind, CancelReason, Error};
use crate::expr::{Comparison, Condition, Operand, Path, require};
use crate::model::Model;
use crate::schema::TableSchema;
use crate::write::plan::{Body, Plan, TransactOp};
use crate::{AttributeValue, Engine, Item, Result};

/// The value a unique attribute holds in an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claim {
    pub attribute: &'static str,
    pub value: String,
}

/// The unique values `item` (a whole item of the entity) holds.
pub(crate) fn claims(schema: &TableSchema, item: &Item) -> Vec<Claim> {
    schema
        .unique
        .iter()
        .filter_map(|attribute| match item.get(*attribute) {
            Some(AttributeValue::S(value)) => Some(Claim {
                attribute,
                value: value.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// The claims of `now` that `before` does not hold, and those of `before` that `now` does not:
/// what a change of the item claims and releases.
pub(crate) fn moved(schema: &TableSchema, before: &Item, now: &Item) -> (Vec<Claim>, Vec<Claim>) {
    let (before, now) = (claims(schema, before), claims(schema, now));
    let claimed = now
        .iter()
        .filter(|c| !before.contains(c))
        .cloned()
        .collect();
    let released = before.into_iter().filter(|c| !now.contains(c)).collect();
    (claimed, released)
}

/// The condition that the stored item (if any) holds the unique values of `item`: a write that
/// would change them without moving their uniqueness items is refused.
pub(crate) fn unchanged(schema: &TableSchema, item: &Item) -> Option<Condition> {
    let mut condition = None;
    for attribute in schema.unique {
        let path = Path::attr(*attribute);
        require(
            &mut condition,
            match item.get(*attribute) {
                Some(value) => Condition::Compare(
                    Operand::Path(path),
                    Comparison::Eq,
                    Operand::Value(value.clone()),
                ),
                None => Condition::NotExists(path),
            },
        );
    }
    condition.map(|c| {
        Condition::Or(vec![
            Condition::NotExists(Path::attr(schema.hash_key.name)),
            c,
        ])
    })
}

/// The key of the uniqueness item of `claim`.
fn key(schema: &TableSchema, claim: &Claim) -> Item {
    let entity = schema.entity.map_or(schema.model, |e| e.name);
    let text = format!("UNIQUE#{entity}#{}#{}", claim.attribute, claim.value);
    schema
        .key_attributes()
        .map(|k| (k.to_owned(), AttributeValue::S(text.clone())))
        .collect()
}

/// The owner of a uniqueness item: the key of the entity's item, as a map.
fn owner(schema: &TableSchema, item: &Item) -> AttributeValue {
    AttributeValue::M(schema.key_of(item))
}

const OWNER: &str = "owner";

/// Owned by the item, or free.
fn free_or_owned(schema: &TableSchema, owner: &AttributeValue) -> Condition {
    Condition::Or(vec![
        Condition::NotExists(Path::attr(schema.hash_key.name)),
        Condition::Compare(
            Operand::Path(Path::attr(OWNER)),
            Comparison::Eq,
            Operand::Value(owner.clone()),
        ),
    ])
}

/// The transaction operation that claims `claim` for the entity's `item`: refused when another
/// item holds the value.
fn claim<M: Model>(engine: &Engine, item: &Item, claim: &Claim) -> Result<TransactOp> {
    let schema = &M::SCHEMA;
    let owner = owner(schema, item);
    let mut stored = key(schema, claim);
    if let Some(entity) = schema.entity {
        stored.insert(
            entity.attribute.to_owned(),
            AttributeValue::S(format!("{}.{}", entity.name, claim.attribute)),
        );
    }
    stored.insert(OWNER.to_owned(), owner.clone());
    let plan = Plan::<M>::of_table(
        engine,
        key(schema, claim),
        Body::Put(stored),
        Some(free_or_owned(schema, &owner)),
    );
    let mut op = plan.transact()?;
    op.claim = Some((claim.attribute.to_owned(), claim.value.clone()));
    Ok(op)
}

/// The transaction operation that releases `claim`, held by the entity's `item`.
fn release<M: Model>(engine: &Engine, item: &Item, claim: &Claim) -> Result<TransactOp> {
    let schema = &M::SCHEMA;
    let owner = owner(schema, item);
    let plan = Plan::<M>::of_table(
        engine,
        key(schema, claim),
        Body::Delete,
        Some(free_or_owned(schema, &owner)),
    );
    plan.transact()
}

/// A put of `item` (a whole item of `M`) with the claims of its unique values, as transaction
/// operations. The put requires the stored item, if any, to hold the unique values of `over`,
/// the stored item as it was read, or else the same as `item`. Over a stored item, only the
/// values that change are claimed, and the ones it held released.
pub(crate) fn put_ops<M: Model>(
    engine: &Engine,
    item: Item,
    condition: Option<Condition>,
    create_only: bool,
    over: Option<&Item>,
) -> Result<Vec<TransactOp>> {
    let mut plan = Plan::<M>::put_item(engine, item.clone(), condition, create_only)?;
    if let Some(c) = unchanged(&M::SCHEMA, over.unwrap_or(&item)) {
        plan.require(c);
    }
    let (claimed, released) = match over {
        Some(stored) => moved(&M::SCHEMA, stored, &item),
        None => (claims(&M::SCHEMA, &item), Vec::new()),
    };
    let mut ops = vec![plan.transact()?];
    ops.extend(companions::<M>(engine, &item, &claimed, &released)?);
    Ok(ops)
}

/// A delete of the entity's item `stored` (as stored, or as the model that was read) with the
/// releases of its unique values: the delete requires the stored item to hold them still.
pub(crate) fn delete_ops<M: Model>(
    engine: &Engine,
    key: &M::Key,
    stored: &Item,
    condition: Option<Condition>,
    expected: Option<i64>,
) -> Result<Vec<TransactOp>> {
    let mut plan = Plan::<M>::delete(engine, key, condition, expected)?;
    if let Some(c) = unchanged(&M::SCHEMA, stored) {
        plan.require(c);
    }
    let mut ops = vec![plan.transact()?];
    ops.extend(companions::<M>(
        engine,
        stored,
        &[],
        &claims(&M::SCHEMA, stored),
    )?);
    Ok(ops)
}

/// The writes of the uniqueness items that go with a write of the entity's `item`: the claims
/// of `claimed`, then the releases of `released`.
pub(crate) fn companions<M: Model>(
    engine: &Engine,
    item: &Item,
    claimed: &[Claim],
    released: &[Claim],
) -> Result<Vec<TransactOp>> {
    let claims = claimed.iter().map(|c| claim::<M>(engine, item, c));
    let releases = released.iter().map(|c| release::<M>(engine, item, c));
    claims.chain(releases).collect()
}

/// Sends the operations of one write of an entity (its own first, then its uniqueness items')
/// as a transaction. A refusal is the error the write gives alone, or [`Error::NotUnique`].
pub(crate) async fn send(engine: &Engine, ops: Vec<TransactOp>) -> Result<()> {
    match crate::write::transaction::send(engine, &ops, None).await {
        Err(Error::TransactionCanceled { reasons }) => Err(alone(reasons)),
        other => other,
    }
}

/// The error of a cancelled write of one entity: a value taken, or the entity's own refusal.
fn alone(reasons: Vec<CancelReason>) -> Error {
    for r in &reasons {
        if let CancelKind::NotUnique { attribute, value } = &r.kind {
            return Error::NotUnique {
                table: r.table.clone(),
                attribute: attribute.clone(),
                value: value.clone(),
            };
        }
    }
    match reasons.first().map(|r| (r, &r.kind)) {
        Some((r, CancelKind::ConditionFailed { item })) => Error::ConditionFailed {
            table: r.table.clone(),
            key: r.key.clone(),
            item: item.clone(),
        },
        Some((r, CancelKind::VersionConflict { expected, found })) => Error::VersionConflict {
            table: r.table.clone(),
            key: r.key.clone(),
            expected: *expected,
            found: found.clone(),
        },
        _ => Error::TransactionCanceled { reasons },
    }
}
