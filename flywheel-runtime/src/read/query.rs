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

use std::marker::PhantomData;

use futures::Stream;

use crate::cursor::Cursor;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::expr::{Comparison, Path};
use crate::filter::{AllFilterable, Cond, IntoValue, encode};
use crate::index::{ConsistentIndex, FromItem, HasRangeKey, Index, PrefixRangeKey};
use crate::read::pages::{self as read, KeyCondition, Page, RangeCondition, Spec};

/// A query of index `I` returning `T` (the index's item type unless [`Query::select`] chose
/// attributes). Build it with the generated entry points, refine it, then run it with a
/// terminator: [`all`](Query::all), [`first`](Query::first), [`one`](Query::one),
/// [`stream`](Query::stream), [`page`](Query::page), [`count`](Query::count),
/// [`delete`](Query::delete).
///
/// `R` records whether the query has its range-key condition yet ([`Unranged`] or
/// [`Ranged`]): DynamoDB takes one condition on the range key, so a second `range_*` call does
/// not compile (both bounds go in one [`range_between`](Query::range_between)).
#[must_use = "a query does nothing until a terminator such as `all(&engine)` runs it"]
pub struct Query<I: Index, T = <I as Index>::Item, R = Unranged> {
    spec: Spec,
    _types: Types<I, T, R>,
}

/// Ties a query to its index, item and range state without owning any of them.
type Types<I, T, R> = PhantomData<fn() -> (I, T, R)>;

/// A query without a range-key condition yet.
#[derive(Debug, Clone, Copy)]
pub struct Unranged;

/// A query with its range-key condition.
#[derive(Debug, Clone, Copy)]
pub struct Ranged;

/// Implemented only by [`Unranged`]: a query takes one range-key condition.
#[diagnostic::on_unimplemented(
    message = "this query already has a range-key condition, and DynamoDB allows only one",
    label = "a second range-key condition",
    note = "for a lower and an upper bound together use `range_between(low, high)` (both included); to narrow further, use `.filter(...)` on other attributes"
)]
pub trait RangeFree {}

impl RangeFree for Unranged {}

impl<I: Index, T, R> Clone for Query<I, T, R> {
    fn clone(&self) -> Self {
        Query {
            spec: self.spec.clone(),
            _types: PhantomData,
        }
    }
}

impl<I: Index, T, R> std::fmt::Debug for Query<I, T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Query")
            .field("table", &self.spec.schema.name)
            .field("index", &self.spec.index)
            .finish_non_exhaustive()
    }
}

impl<I: Index> Query<I> {
    /// The query of index `I` for the items whose hash key is `hash`; called by generated code.
    pub fn new(hash: impl IntoValue<I::Hash>) -> Query<I> {
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
        Query {
            spec,
            _types: PhantomData,
        }
    }
}

impl<I: Index, T: FromItem, R> Query<I, T, R> {
    fn retype<T2, R2>(self) -> Query<I, T2, R2> {
        Query {
            spec: self.spec,
            _types: PhantomData,
        }
    }

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

    /// Only items whose range key starts with `prefix` (string and binary range keys).
    pub fn range_begins_with(self, prefix: impl IntoValue<I::Range>) -> Query<I, T, Ranged>
    where
        I: PrefixRangeKey,
        R: RangeFree,
    {
        let condition = encode::<I::Range>(prefix).map(RangeCondition::BeginsWith);
        self.range(condition)
    }

    /// Only items for which `condition` holds (applied by DynamoDB after reading, so it costs
    /// the same read capacity). Several filters must all hold. Filters on the key attributes of
    /// the queried index do not compile.
    pub fn filter<S>(mut self, condition: Cond<I::Model, S>) -> Self
    where
        S: AllFilterable<I>,
    {
        match condition.into_condition() {
            Ok(c) => self.spec.filters.push(c),
            Err(issue) => self.spec.encode_failed(issue),
        }
        self
    }

    /// Leaves out items whose time to live has passed: DynamoDB deletes them up to days after
    /// they expire, and until then reads still return them.
    pub fn exclude_expired(mut self) -> Self {
        self.spec.exclude_expired = true;
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

    /// Returns at most `n` items, reading as many pages as needed to find them. Given several
    /// times, the smallest limit applies (each one holds).
    pub fn limit(mut self, n: usize) -> Self {
        self.spec.limit(n);
        self
    }

    /// How many items DynamoDB evaluates per request (its `Limit`); filters apply after it.
    /// Two different page sizes are refused when the query runs.
    pub fn page_size(mut self, n: u32) -> Self {
        self.spec.page_size(n);
        self
    }

    /// Reads only the chosen attributes (plus the keys); items come back as
    /// [`Partial`](crate::partial::Partial) views read through attribute handles. Several
    /// selections add up.
    pub fn select(
        mut self,
        paths: impl IntoIterator<Item = Path>,
    ) -> Query<I, crate::partial::Partial<I::Model>, R> {
        self.spec.select(paths);
        self.retype()
    }

    /// Every matching item (up to the limit).
    pub async fn all(&self, engine: &Engine) -> Result<Vec<T>> {
        read::all(&self.spec, engine).await
    }

    /// The first matching item in range-key order (see [`reverse`](Query::reverse)), if any.
    pub async fn first(&self, engine: &Engine) -> Result<Option<T>> {
        let mut spec = self.spec.clone();
        spec.limit(1);
        Ok(read::all(&spec, engine).await?.into_iter().next())
    }

    /// The one matching item: [`Error::NotFound`] when there is none,
    /// [`Error::MoreThanOne`] when there are several (among the first [`limit`](Query::limit)
    /// items, when there is a limit).
    pub async fn one(&self, engine: &Engine) -> Result<T> {
        let mut spec = self.spec.clone();
        spec.limit(2);
        let mut items = read::all::<T>(&spec, engine).await?;
        match items.len() {
            0 => Err(Error::NotFound {
                table: read::describe(&self.spec, engine),
                key: self.describe_key(),
            }),
            1 => Ok(items.remove(0)),
            _ => Err(Error::MoreThanOne {
                table: read::describe(&self.spec, engine),
            }),
        }
    }

    /// The matching items as a stream that reads a page only when the previous one is used up.
    pub fn stream<'a>(&self, engine: &'a Engine) -> impl Stream<Item = Result<T>> + Send + 'a {
        read::stream(self.spec.clone(), engine)
    }

    /// One page: up to [`limit`](Query::limit) items, or one DynamoDB response without a limit,
    /// starting after `cursor` (`None` for the first page).
    pub async fn page(&self, engine: &Engine, cursor: Option<&Cursor>) -> Result<Page<T>> {
        read::page(&self.spec, engine, cursor).await
    }

    /// How many items match (DynamoDB's `Select=COUNT` over every page).
    pub async fn count(&self, engine: &Engine) -> Result<u64> {
        read::count(&self.spec, engine).await
    }

    /// Deletes every matching item, in batches; returns how many were deleted.
    pub async fn delete(&self, engine: &Engine) -> Result<u64> {
        read::delete(&self.spec, engine).await
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
        let keys = read::table_keys(&spec, engine).await?;
        let table = engine.table_name(spec.schema);
        let items = crate::batch::get_keys(engine, &table, keys, spec.consistent).await?;
        items
            .into_iter()
            .map(|item| engine.decode::<I::Model>(item))
            .collect()
    }
}
