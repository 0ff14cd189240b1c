//! Typed queries: one entry point per index, generated on the model
//! (`GameScore::query(userid)`, `GameScore::query_game_title_index(title)`).
//!
//! ```ignore
//! // With the models generated from the GameScore schema:
//! let top = GameScore::query_game_title_index("Galaxy Invaders")
//!     .range_gt(9000)
//!     .reverse()
//!     .first(&engine)
//!     .await?;
//! ```
//!
//! What DynamoDB would reject does not compile: a range-key condition on an index without a
//! range key, `range_begins_with` on a numeric range key, a consistent read of a global index,
//! a filter on a key attribute of the queried index, a value of the wrong type.

use crate::AttributeValue;
use crate::codec::KeyPrefix;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::expr::Comparison;
use crate::expr::{KeyCondition, RangeCondition};
use crate::filter::{AllFilterable, Cond, IntoValue, SameModel, encode};
use crate::index::{ConsistentIndex, FromItem, HasRangeKey, Index, PrefixRangeKey};
use crate::read::pages::{self, Spec};
use crate::read::{OfIndex, Read};

/// A query of index `I` returning `T` (the index's item type unless [`Query::select`] chose
/// attributes). Build it with the generated entry points, refine it, then run it with a
/// terminator: [`all`](Query::all), [`first`](Query::first), [`one`](Query::one),
/// [`stream`](Query::stream), [`page`](Query::page), [`count`](Query::count),
/// [`delete`](Query::delete).
///
/// `R` records whether the query has its range-key condition yet ([`Unranged`] or
/// [`Ranged`]): DynamoDB takes one condition on the range key, so a second `range_*` call does
/// not compile (both bounds go in one [`range_between`](Query::range_between)).
pub type Query<I, T = <I as Index>::Item, R = Unranged> = Read<OfIndex<I>, T, R>;

pub use crate::read::{RangeFree, Ranged, Unranged};

impl<I: Index> Query<I> {
    /// The query of index `I` for the items whose hash key is `hash`; called by generated code.
    pub fn new(hash: impl IntoValue<I::Hash>) -> Self {
        let mut spec = Spec::new(I::schema(), I::NAME);
        match encode::<I::Hash>(hash) {
            Ok(hash) => {
                spec.key = Some(KeyCondition {
                    hash_attr: I::HASH_KEY,
                    hash,
                    range_attr: I::RANGE_KEY,
                    range: None,
                });
            }
            Err(issue) => spec.encode_failed(issue.at(I::HASH_KEY)),
        }
        Read::from_spec(spec)
    }
}

/// A prefix of the range key of index `I` (the argument of `range_begins_with`): text for
/// range keys stored as strings, bytes for binary ones. The bound of an index whose range key
/// is a number is `PrefixRangeKey`, whose message says so.
pub trait PrefixOf<I> {
    /// The prefix as the attribute value DynamoDB compares.
    fn into_prefix(self) -> AttributeValue;
}

impl<I: PrefixRangeKey, P: Into<<I::Range as KeyPrefix>::Prefix>> PrefixOf<I> for P {
    fn into_prefix(self) -> AttributeValue {
        <I::Range as KeyPrefix>::prefix(self.into())
    }
}

impl<I: Index, T: FromItem, R> Query<I, T, R> {
    fn range(
        mut self,
        condition: std::result::Result<RangeCondition, crate::codec::EncodeIssue>,
    ) -> Query<I, T, Ranged> {
        match condition {
            Ok(c) => {
                if let Some(key) = &mut self.spec.key {
                    key.range = Some(c);
                }
            }
            Err(issue) => self
                .spec
                .encode_failed(issue.at(I::RANGE_KEY.unwrap_or_default())),
        }
        self.retype()
    }

    fn range_compare(self, op: Comparison, value: impl IntoValue<I::Range>) -> Query<I, T, Ranged> {
        let condition = encode::<I::Range>(value).map(|v| RangeCondition::Compare(op, v));
        self.range(condition)
    }

    /// Only items whose range key equals `value`.
    pub fn range_eq(self, value: impl IntoValue<I::Range>) -> Query<I, T, Ranged>
    where
        I: HasRangeKey,
        R: RangeFree,
    {
        self.range_compare(Comparison::Eq, value)
    }

    /// Only items whose range key is less than `value`.
    pub fn range_lt(self, value: impl IntoValue<I::Range>) -> Query<I, T, Ranged>
    where
        I: HasRangeKey,
        R: RangeFree,
    {
        self.range_compare(Comparison::Lt, value)
    }

    /// Only items whose range key is at most `value`.
    pub fn range_le(self, value: impl IntoValue<I::Range>) -> Query<I, T, Ranged>
    where
        I: HasRangeKey,
        R: RangeFree,
    {
        self.range_compare(Comparison::Le, value)
    }

    /// Only items whose range key is greater than `value`.
    pub fn range_gt(self, value: impl IntoValue<I::Range>) -> Query<I, T, Ranged>
    where
        I: HasRangeKey,
        R: RangeFree,
    {
        self.range_compare(Comparison::Gt, value)
    }

    /// Only items whose range key is at least `value`.
    pub fn range_ge(self, value: impl IntoValue<I::Range>) -> Query<I, T, Ranged>
    where
        I: HasRangeKey,
        R: RangeFree,
    {
        self.range_compare(Comparison::Ge, value)
    }

    /// Only items whose range key lies between `low` and `high`, both included.
    pub fn range_between(
        self,
        low: impl IntoValue<I::Range>,
        high: impl IntoValue<I::Range>,
    ) -> Query<I, T, Ranged>
    where
        I: HasRangeKey,
        R: RangeFree,
    {
        let condition = encode::<I::Range>(low)
            .and_then(|low| Ok(RangeCondition::Between(low, encode::<I::Range>(high)?)));
        self.range(condition)
    }

    /// Only items whose range key starts with `prefix`: range keys stored as strings (a prefix
    /// of their stored text: `"2024-05-01"` for the datetimes of a day) or binary data.
    pub fn range_begins_with(self, prefix: impl PrefixOf<I>) -> Query<I, T, Ranged>
    where
        R: RangeFree,
    {
        self.range(Ok(RangeCondition::BeginsWith(prefix.into_prefix())))
    }

    /// Only items for which `condition` holds (applied by DynamoDB after reading, so it costs
    /// the same read capacity). Several filters must all hold. Filters on the key attributes of
    /// the queried index do not compile.
    pub fn filter<CM, S>(mut self, condition: Cond<CM, S>) -> Self
    where
        CM: SameModel<I::Model>,
        S: AllFilterable<I>,
    {
        match condition.into_condition() {
            Ok(c) => self.spec.filters.push(c),
            Err(issue) => self.spec.encode_failed(issue),
        }
        self
    }

    /// Descending range-key order (flywheel's `desc`).
    pub fn reverse(mut self) -> Self {
        self.spec.reverse = true;
        self
    }

    /// Strongly consistent reads (the table and local indexes only).
    pub fn consistent(mut self) -> Self
    where
        I: ConsistentIndex,
    {
        self.spec.consistent = true;
        self
    }

    /// The first matching item in range-key order (see [`reverse`](Query::reverse)), if any.
    pub async fn first(&self, engine: &Engine) -> Result<Option<T>> {
        let mut spec = self.spec.clone();
        spec.limit(1);
        Ok(pages::all(&spec, engine).await?.into_iter().next())
    }

    /// The one matching item: [`Error::NotFound`] when there is none,
    /// [`Error::MoreThanOne`] when there are several (among the first [`limit`](Query::limit)
    /// items, when there is a limit).
    pub async fn one(&self, engine: &Engine) -> Result<T> {
        let mut spec = self.spec.clone();
        spec.limit(2);
        let mut items = pages::all::<T>(&spec, engine).await?;
        match items.len() {
            0 => Err(Error::NotFound {
                table: pages::describe(&self.spec, engine),
                key: self.describe_key(),
            }),
            1 => Ok(items.remove(0)),
            _ => Err(Error::MoreThanOne {
                table: pages::describe(&self.spec, engine),
            }),
        }
    }

    fn describe_key(&self) -> String {
        match &self.spec.key {
            Some(key) => format!(
                "{{{} = {}}}",
                key.hash_attr,
                crate::error::render_value(&key.hash)
            ),
            None => String::new(),
        }
    }
}

impl<I: Index, R> Query<I, I::Item, R> {
    /// Reads the whole items from the table for an index that holds only some attributes:
    /// queries the index, then fetches each page's items by key in batches. Items deleted in
    /// between are skipped.
    pub async fn fetch_full(&self, engine: &Engine) -> Result<Vec<I::Model>> {
        let mut spec = self.spec.clone();
        spec.select = None;
        let keys = pages::table_keys(&spec, engine).await?;
        let table = engine.table_name(spec.schema);
        let items = crate::batch::get_keys(engine, &table, keys, spec.consistent).await?;
        items
            .into_iter()
            .map(|item| engine.decode::<I::Model>(item))
            .collect()
    }
}
