//! What generated code says about each index, so that queries can be checked by the compiler.

use crate::codec::{Codec, DecodeIssue, EncodeIssue};
use crate::model::Model;
use crate::schema::TableSchema;
use crate::{AttributeValue, DecodeError, Item};

/// Something an item read from DynamoDB can be turned into: a model, or the projection struct
/// of an index that does not hold every attribute.
pub trait FromItem: Sized + Send + 'static {
    /// Reads it from the item's attributes.
    fn from_item(item: Item) -> Result<Self, DecodeError>;
}

impl<M: Model> FromItem for M {
    fn from_item(item: Item) -> Result<Self, DecodeError> {
        <M as Model>::from_item(item)
    }
}

/// Reads the projection struct of an index of model `M` with `read_fields` (generated: a line
/// per field); an error names the table, the key and the attribute.
#[inline]
pub fn read_projection<M: Model, T>(
    mut item: Item,
    read_fields: impl FnOnce(&mut Item) -> Result<T, DecodeIssue>,
) -> Result<T, DecodeError> {
    if let Some(entity) = M::SCHEMA.entity
        && let Err(issue) = entity.check(&item)
    {
        return Err(DecodeError::new(&M::SCHEMA, &item, issue));
    }
    read_fields(&mut item).map_err(|issue| DecodeError::new(&M::SCHEMA, &item, issue))
}

/// One way to query a model: the table's primary key, or a secondary index.
///
/// Implemented by generated marker types such as `game_score::index::GameTitleIndex`.
pub trait Index: Send + Sync + 'static {
    /// The model the index belongs to.
    type Model: Model;
    /// What a query of the index returns: the model when the index holds every attribute, or a
    /// generated projection struct holding exactly the projected ones.
    type Item: FromItem;
    /// The codec of the index hash key.
    type Hash: Codec;
    /// The codec of the index range key ([`NoRangeKey`] when there is none).
    type Range: Codec;
    /// Which attributes a query can read: [`HoldsAll`] for the table, local indexes (which
    /// fetch the others from the table) and ALL projections, [`HoldsListed`] for the other
    /// global indexes, whose attributes are `filter::Selectable`.
    type Holds: Holding;
    /// Where the index is in the model's [`TableSchema::indexes`]; `None` for the table itself.
    const POSITION: Option<usize>;
    /// The index name; `None` for the table itself.
    const NAME: Option<&'static str> = match Self::POSITION {
        Some(i) => Some(<Self::Model as Model>::SCHEMA.indexes[i].name),
        None => None,
    };
    /// The index hash key attribute (the first, for a key of several attributes).
    const HASH_KEY: &'static str = match Self::POSITION {
        Some(i) => <Self::Model as Model>::SCHEMA.indexes[i].hash_key[0].name,
        None => <Self::Model as Model>::SCHEMA.hash_key.name,
    };
    /// The index range key attribute, if any (the first, for a key of several attributes).
    const RANGE_KEY: Option<&'static str> = {
        let range = match Self::POSITION {
            Some(i) => <Self::Model as Model>::SCHEMA.indexes[i].range_key.first(),
            None => <Self::Model as Model>::SCHEMA.range_key.as_ref(),
        };
        match range {
            Some(key) => Some(key.name),
            None => None,
        }
    };

    /// The table schema of the model.
    fn schema() -> &'static TableSchema {
        &<Self::Model as Model>::SCHEMA
    }
}

/// Which attributes an index holds ([`Index::Holds`]).
pub trait Holding {}

/// Every attribute of the model.
pub struct HoldsAll;

/// The attributes marked `filter::Selectable` for the index.
pub struct HoldsListed;

impl Holding for HoldsAll {}

impl Holding for HoldsListed {}

/// Implemented for indexes that have a range key.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no range key, so its queries have no range-key conditions",
    label = "range-key condition on an index without a range key",
    note = "to narrow the results of this index, use `.filter(...)` on a non-key attribute"
)]
pub trait HasRangeKey: Index {}

/// Implemented for indexes whose range key is stored as a string or binary data
/// (`range_begins_with`): strings and bytes, and datetimes, dates, uuids and enums in their
/// text forms.
#[diagnostic::on_unimplemented(
    message = "the range key of `{Self}` is stored as a number, so it has no `range_begins_with`",
    label = "begins_with on a range key stored as a number",
    note = "DynamoDB's begins_with works on string and binary range keys; use `range_between` for a range of numbers (or of dates and datetimes stored as epochs)"
)]
pub trait PrefixRangeKey: HasRangeKey<Range: crate::codec::KeyPrefix> {}

/// Implemented for the table and the indexes that hold its time-to-live attribute, whose
/// queries can leave out expired items (`exclude_expired`).
#[diagnostic::on_unimplemented(
    message = "a query of `{Self}` cannot leave out expired items: the model has no time to live, or the index does not hold it",
    label = "`exclude_expired` where the time-to-live attribute is not read",
    note = "DynamoDB deletes expired items lazily, and `exclude_expired` filters on the time-to-live attribute: query the table, or an index that projects that attribute"
)]
pub trait ExpiringIndex: Index {}

/// Implemented for the table and its local indexes, which offer strongly consistent reads.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a global secondary index, which has no consistent reads",
    label = "consistent read on a global secondary index",
    note = "DynamoDB reads global secondary indexes with eventual consistency only; query the table or a local index, or drop `.consistent()`"
)]
pub trait ConsistentIndex: Index {}

/// The range key codec of an index without one; it has no values.
#[derive(Debug)]
pub enum NoRangeKey {}

impl Codec for NoRangeKey {
    type Value = std::convert::Infallible;

    fn encode(value: &std::convert::Infallible) -> Result<Option<AttributeValue>, EncodeIssue> {
        match *value {}
    }

    fn decode(value: AttributeValue) -> Result<std::convert::Infallible, DecodeIssue> {
        Err(DecodeIssue::wrong(
            "nothing (the index has no range key)",
            &value,
        ))
    }
}

// A range-key method on an index without a range key already fails on `HasRangeKey`, with its
// own message; accepting any value here keeps that the only error reported.
impl<V> crate::filter::IntoValue<NoRangeKey> for V {
    fn into_value(self) -> std::convert::Infallible {
        unreachable!(
            "range-key methods require `HasRangeKey`, which no index without a range key implements"
        )
    }
}

/// The hash or range key codec of an index whose key is several attributes (a global index's
/// multi-attribute key): queries take each attribute's value with its own codec, so the key as
/// a whole has no values.
#[derive(Debug)]
pub enum SeveralAttributes {}

impl Codec for SeveralAttributes {
    type Value = std::convert::Infallible;

    fn encode(value: &std::convert::Infallible) -> Result<Option<AttributeValue>, EncodeIssue> {
        match *value {}
    }

    fn decode(value: AttributeValue) -> Result<std::convert::Infallible, DecodeIssue> {
        Err(DecodeIssue::wrong(
            "nothing (the key is several attributes)",
            &value,
        ))
    }
}

// A whole-range-key method on a range key of several attributes already fails on `RangeFree`
// (the query is at its first attribute), with its own message; accepting any value here keeps
// that the only error reported.
impl<V> crate::filter::IntoValue<SeveralAttributes> for V {
    fn into_value(self) -> std::convert::Infallible {
        unreachable!(
            "whole-range-key methods require `RangeFree`, which the queries of a range key of several attributes are not"
        )
    }
}
