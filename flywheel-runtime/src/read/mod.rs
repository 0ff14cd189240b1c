//! The one read builder. A query ([`Query`](crate::Query), of an index) and a scan
//! ([`Scan`](crate::Scan), of a whole table) are two faces of [`Read`]: filters, limits, page
//! sizes, projections, the time-to-live option and the terminators are written once here; the
//! range-key conditions and order of queries and the segments of scans are in
//! [`query`](crate::query) and [`scan`](crate::scan). Every terminator reads through one page
//! loop (`pages`).

use std::marker::PhantomData;

use futures::Stream;

use crate::cursor::Cursor;
use crate::engine::Engine;
use crate::error::Result;
use crate::expr::Path;
use crate::index::{FromItem, Index};
use crate::model::Model;
use crate::partial::Partial;

pub(crate) mod pages;

pub use pages::Page;
use pages::Spec;

/// What a read reads: an index ([`OfIndex`], a query) or a whole table ([`OfTable`], a scan).
pub trait Source: 'static {
    /// The model of the items read.
    type Model: Model;
}

/// Reads of index `I` (the table's primary key or a secondary index): queries.
pub struct OfIndex<I>(PhantomData<fn() -> I>);

/// Reads of the whole table of model `M`: scans.
pub struct OfTable<M>(PhantomData<fn() -> M>);

impl<I: Index> Source for OfIndex<I> {
    type Model = I::Model;
}

impl<M: Model> Source for OfTable<M> {
    type Model = M;
}

/// The attributes a query of index `I` can read, by what the index holds (the bound of
/// `select`, with the message on `filter::Selectable`).
pub trait Readable<I, H> {}

impl<I, A> Readable<I, crate::index::HoldsAll> for A {}

impl<I, A: crate::filter::Selectable<I>> Readable<I, crate::index::HoldsListed> for A {}

/// The attributes a read of the source can return: every one for a scan, and for a query
/// what its index holds ([`Index::Holds`]).
pub trait Reads<A> {}

impl<I: Index, A: Readable<I, I::Holds>> Reads<A> for OfIndex<I> {}

impl<M: Model, A> Reads<A> for OfTable<M> {}

/// What `select` takes: one attribute handle of the model read, or a tuple of them.
pub trait Selection<S: Source> {
    /// The paths selected.
    fn paths(self, paths: &mut Vec<Path>);
}

impl<S, AM, A, C: crate::codec::Codec> Selection<S> for crate::filter::Attr<AM, A, C>
where
    S: Source + Reads<A>,
    AM: crate::filter::SameModel<S::Model>,
{
    fn paths(self, paths: &mut Vec<Path>) {
        paths.push(self.path());
    }
}

macro_rules! tuple_selection {
    ($($t:ident),+) => {
        impl<S: Source, $($t: Selection<S>),+> Selection<S> for ($($t,)+) {
            #[allow(non_snake_case)]
            fn paths(self, paths: &mut Vec<Path>) {
                let ($($t,)+) = self;
                $($t.paths(paths);)+
            }
        }
    };
}

tuple_selection!(A);
tuple_selection!(A, B);
tuple_selection!(A, B, C);
tuple_selection!(A, B, C, D);
tuple_selection!(A, B, C, D, E);
tuple_selection!(A, B, C, D, E, F);
tuple_selection!(A, B, C, D, E, F, G);
tuple_selection!(A, B, C, D, E, F, G, H);

/// A source whose reads can leave out expired items: a model with a time to live, or an index
/// that holds it (the bounds of `exclude_expired`, with the messages on `Expiring` and
/// `ExpiringIndex`).
pub trait ExpiringSource: Source {}

impl<I: crate::index::ExpiringIndex> ExpiringSource for OfIndex<I> {}

impl<M: crate::Expiring> ExpiringSource for OfTable<M> {}

/// A read of `S` returning `T`; [`Query`](crate::Query) and [`Scan`](crate::Scan) name it.
/// Terminators: [`all`](Read::all), [`stream`](Read::stream), [`page`](Read::page),
/// [`count`](Read::count), [`delete`](Read::delete), and for queries
/// [`first`](Read::first) and [`one`](Read::one), for scans [`parallel`](Read::parallel).
///
/// `R` records whether a query has its range-key condition yet
/// ([`Unranged`] or [`Ranged`]).
#[must_use = "a read does nothing until a terminator such as `all(&engine)` runs it"]
pub struct Read<S, T, R = Unranged> {
    pub(crate) spec: Spec,
    _types: Types<S, T, R>,
}

/// Ties a read to its source, item type and range state without owning any of them.
type Types<S, T, R> = PhantomData<fn() -> (S, T, R)>;

/// A query without a range-key condition yet.
#[derive(Debug, Clone, Copy)]
pub struct Unranged;

/// A query with its range-key condition.
#[derive(Debug, Clone, Copy)]
pub struct Ranged;

/// Implemented only by [`Unranged`]: a query takes one range-key condition.
#[diagnostic::on_unimplemented(
    message = "this query cannot take a condition on its whole range key: it has one already, or its range key is computed or several attributes",
    label = "a second range-key condition, or one on a range key of parts",
    note = "DynamoDB allows one range-key condition: for a lower and an upper bound together use `range_between(low, high)` (both included), and to narrow further `.filter(...)` on other attributes; a computed range key, or one of several attributes, is conditioned by its parts: `.eq(Model::PART, value)`, then `.gt(Model::NEXT_PART, value)`, ..."
)]
pub trait RangeFree {}

impl RangeFree for Unranged {}

impl<S, T, R> Read<S, T, R> {
    pub(crate) fn from_spec(spec: Spec) -> Self {
        Read {
            spec,
            _types: PhantomData,
        }
    }

    pub(crate) fn retype<T2, R2>(self) -> Read<S, T2, R2> {
        Read::from_spec(self.spec)
    }
}

impl<S, T, R> Clone for Read<S, T, R> {
    fn clone(&self) -> Self {
        Read::from_spec(self.spec.clone())
    }
}

impl<S, T, R> std::fmt::Debug for Read<S, T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.spec.key {
            Some(_) => "Query",
            None => "Scan",
        };
        f.debug_struct(kind)
            .field("table", &self.spec.schema.name)
            .field("index", &self.spec.index)
            .finish_non_exhaustive()
    }
}

impl<S: Source, T: FromItem, R> Read<S, T, R> {
    /// Leaves out items whose time to live has passed: DynamoDB deletes them up to days after
    /// they expire, and until then reads still return them.
    pub fn exclude_expired(mut self) -> Self
    where
        S: ExpiringSource,
    {
        self.spec.exclude_expired = true;
        self
    }

    /// Returns at most `n` items, reading as many pages as needed to find them. Given several
    /// times, the smallest limit applies (each one holds).
    pub fn limit(mut self, n: usize) -> Self {
        self.spec.limit(n);
        self
    }

    /// How many items DynamoDB evaluates per request (its `Limit`); filters apply after it.
    /// Two different page sizes are refused when the read runs.
    pub fn page_size(mut self, n: u32) -> Self {
        self.spec.page_size(n);
        self
    }

    /// Reads only the chosen attributes (plus the keys): an attribute handle of the model
    /// read, nested ones included, or a tuple of them. Items come back as [`Partial`] views
    /// read through the same handles. Several selections add up. A query selects only what
    /// its index holds.
    pub fn select(mut self, selection: impl Selection<S>) -> Read<S, Partial<S::Model>, R> {
        let mut paths = Vec::new();
        selection.paths(&mut paths);
        self.spec.select(paths);
        self.retype()
    }

    /// Every matching item (up to the limit).
    pub async fn all(&self, engine: &Engine) -> Result<Vec<T>> {
        pages::all(&self.spec, engine).await
    }

    /// The matching items as a stream that reads a page only when the previous one is used up.
    pub fn stream<'a>(&self, engine: &'a Engine) -> impl Stream<Item = Result<T>> + Send + 'a {
        pages::stream(self.spec.clone(), engine)
    }

    /// One page: up to [`limit`](Read::limit) items, or one DynamoDB response without a
    /// limit, starting after `cursor` (`None` for the first page).
    pub async fn page(&self, engine: &Engine, cursor: Option<&Cursor>) -> Result<Page<T>> {
        pages::page(&self.spec, engine, cursor).await
    }

    /// How many items match (DynamoDB's `Select=COUNT` over every page).
    pub async fn count(&self, engine: &Engine) -> Result<u64> {
        pages::count(&self.spec, engine).await
    }

    /// Deletes every matching item, in batches; returns how many were deleted. A model with
    /// unique attributes does not compile here: delete those items one by one with
    /// `delete_item`, which frees their values.
    pub async fn delete(&self, engine: &Engine) -> Result<u64>
    where
        S: Source<Model: crate::NoUnique>,
    {
        pages::delete(&self.spec, engine).await
    }
}
