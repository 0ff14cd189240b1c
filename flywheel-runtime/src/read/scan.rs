//! Typed scans: `GameScore::scan()`, with filters on any attribute, projections, limits,
//! cursors, and parallel scans over segments.

use futures::{Stream, StreamExt};

use crate::engine::Engine;
use crate::error::Result;
use crate::filter::{Cond, SameModel};
use crate::index::FromItem;
use crate::model::Model;
use crate::read::pages::{self, Spec};
use crate::read::{OfTable, Read};

/// A scan of model `M`'s table returning `T`. Terminators: [`all`](Scan::all),
/// [`stream`](Scan::stream), [`page`](Scan::page), [`count`](Scan::count),
/// [`delete`](Scan::delete), and [`parallel`](Scan::parallel) streams.
pub type Scan<M, T = M> = Read<OfTable<M>, T>;

impl<M: Model> Scan<M> {
    /// A scan of the whole table; called by generated code (`Model::scan()`).
    pub fn new() -> Self {
        Read::from_spec(Spec::new(&M::SCHEMA, None))
    }
}

impl<M: Model> Default for Scan<M> {
    fn default() -> Self {
        Scan::new()
    }
}

impl<M: Model, T: FromItem> Scan<M, T> {
    /// Only items for which `condition` holds; several filters must all hold.
    pub fn filter<CM: SameModel<M>, S>(mut self, condition: Cond<CM, S>) -> Self {
        match condition.into_condition() {
            Ok(c) => self.spec.filters.push(c),
            Err(issue) => self.spec.encode_failed(issue),
        }
        self
    }

    /// Strongly consistent reads.
    pub fn consistent(mut self) -> Self {
        self.spec.consistent = true;
        self
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
            pages::stream::<T>(spec, engine).boxed()
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
