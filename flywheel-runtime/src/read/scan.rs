//! Typed scans: `GameScore::scan()`, with filters on any attribute, projections, limits,
//! cursors, and parallel scans over segments.

use std::marker::PhantomData;

use futures::{Stream, StreamExt};

use crate::cursor::Cursor;
use crate::engine::Engine;
use crate::error::Result;
use crate::expr::Path;
use crate::filter::Cond;
use crate::index::FromItem;
use crate::model::Model;
use crate::read::pages::{self as read, Page, Spec};

/// A scan of model `M`'s table returning `T`. Terminators: [`all`](Scan::all),
/// [`stream`](Scan::stream), [`page`](Scan::page), [`count`](Scan::count),
/// [`delete`](Scan::delete), and [`parallel`](Scan::parallel) streams.
#[must_use = "a scan does nothing until a terminator such as `all(&engine)` runs it"]
pub struct Scan<M: Model, T = M> {
    spec: Spec,
    _types: PhantomData<fn() -> (M, T)>,
}

impl<M: Model, T> Clone for Scan<M, T> {
    fn clone(&self) -> Self {
        Scan {
            spec: self.spec.clone(),
            _types: PhantomData,
        }
    }
}

impl<M: Model, T> std::fmt::Debug for Scan<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scan")
            .field("table", &self.spec.schema.name)
            .finish_non_exhaustive()
    }
}

impl<M: Model> Scan<M> {
    /// A scan of the whole table; called by generated code (`Model::scan()`).
    pub fn new() -> Scan<M> {
        Scan {
            spec: Spec::new(&M::SCHEMA, None),
            _types: PhantomData,
        }
    }
}

impl<M: Model> Default for Scan<M> {
    fn default() -> Self {
        Scan::new()
    }
}

impl<M: Model, T: FromItem> Scan<M, T> {
    /// Only items for which `condition` holds; several filters must all hold.
    pub fn filter<S>(mut self, condition: Cond<M, S>) -> Self {
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

    /// Strongly consistent reads.
    pub fn consistent(mut self) -> Self {
        self.spec.consistent = true;
        self
    }

    /// Returns at most `n` items, reading as many pages as needed to find them. Given several
    /// times, the smallest limit applies (each one holds).
    pub fn limit(mut self, n: usize) -> Self {
        self.spec.limit(n);
        self
    }

    /// How many items DynamoDB evaluates per request (its `Limit`). Two different page sizes
    /// are refused when the scan runs.
    pub fn page_size(mut self, n: u32) -> Self {
        self.spec.page_size(n);
        self
    }

    /// Reads only the chosen attributes (plus the keys). Several selections add up.
    pub fn select(
        mut self,
        paths: impl IntoIterator<Item = Path>,
    ) -> Scan<M, crate::partial::Partial<M>> {
        self.spec.select(paths);
        Scan {
            spec: self.spec,
            _types: PhantomData,
        }
    }

    /// Every matching item (up to the limit).
    pub async fn all(&self, engine: &Engine) -> Result<Vec<T>> {
        read::all(&self.spec, engine).await
    }

    /// The matching items as a stream that reads a page only when the previous one is used up.
    pub fn stream<'a>(&self, engine: &'a Engine) -> impl Stream<Item = Result<T>> + Send + 'a {
        read::stream(self.spec.clone(), engine)
    }

    /// One page: up to [`limit`](Scan::limit) items, or one DynamoDB response without a limit,
    /// starting after `cursor`.
    pub async fn page(&self, engine: &Engine, cursor: Option<&Cursor>) -> Result<Page<T>> {
        read::page(&self.spec, engine, cursor).await
    }

    /// How many items match.
    pub async fn count(&self, engine: &Engine) -> Result<u64> {
        read::count(&self.spec, engine).await
    }

    /// Deletes every matching item, in batches; returns how many were deleted.
    pub async fn delete(&self, engine: &Engine) -> Result<u64> {
        read::delete(&self.spec, engine).await
    }

    /// A parallel scan over `segments` segments (DynamoDB's `Segment`/`TotalSegments`), read
    /// concurrently and merged into one stream in whatever order pages arrive. A limit applies
    /// to the merged stream.
    ///
    /// A scan already narrowed to one [`segment`](Scan::segment) cannot be split again: its
    /// stream yields that error.
    pub fn parallel<'a>(
        &self,
        engine: &'a Engine,
        segments: u32,
    ) -> impl Stream<Item = Result<T>> + Send + 'a {
        if let Some((segment, total)) = self.spec.segment {
            let error = crate::Error::Validation(format!(
                "this scan is segment {segment} of {total}; a parallel scan makes its own segments, \
                 so use one or the other"
            ));
            return futures::stream::once(async move { Err(error) }).boxed();
        }
        let segments = segments.max(1);
        let limit = self.spec.limit;
        let streams = (0..segments).map(|segment| {
            let mut spec = self.spec.clone();
            spec.segment = Some((segment, segments));
            spec.limit = None;
            read::stream::<T>(spec, engine).boxed()
        });
        let merged = futures::stream::select_all(streams);
        match limit {
            Some(n) => merged.take(n).boxed(),
            None => merged.boxed(),
        }
    }

    /// One segment of a parallel scan, to spread across workers: each worker pages through its
    /// own segment with [`page`](Scan::page) (its cursors belong to that segment). A second,
    /// different segment is refused when the scan runs.
    pub fn segment(mut self, segment: u32, total: u32) -> Self {
        if total == 0 || segment >= total {
            self.spec
                .invalid(format!("segment {segment} of {total} does not exist"));
        }
        match self.spec.segment {
            Some(earlier) if earlier != (segment, total) => self.spec.invalid(format!(
                "the scan was given segment {} of {} and then segment {segment} of {total}; it \
                 reads one segment",
                earlier.0, earlier.1
            )),
            _ => self.spec.segment = Some((segment, total)),
        }
        self
    }
}
