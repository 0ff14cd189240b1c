//! What queries and scans share: the request, paging, cursors and the terminators.

use std::collections::VecDeque;

use aws_sdk_dynamodb::types::Select;
use futures::Stream;

use crate::cursor::{Binder, Binding, Cursor, key_attributes};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::expr::{
    Comparison, Condition, ExpressionBuilder, KeyCondition, Names, Operand, Path, PathElement,
    RangeCondition, Values,
};
use crate::index::FromItem;
use crate::retry::Replay;
use crate::schema::TableSchema;
use crate::{AttributeValue, Item};

/// Everything a query or scan was told, before it is sent.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub schema: &'static TableSchema,
    pub index: Option<&'static str>,
    pub key: Option<KeyCondition>,
    pub filters: Vec<Condition>,
    pub select: Option<Vec<Path>>,
    pub reverse: bool,
    pub consistent: bool,
    pub limit: Option<usize>,
    pub page_size: Option<i32>,
    pub segment: Option<(u32, u32)>,
    /// Leave out items whose time to live has passed but that DynamoDB has not deleted yet.
    pub exclude_expired: bool,
    /// Range-key values whose items are left out of the results: the bound of a condition on
    /// the last part of a computed range key that DynamoDB's `BETWEEN` would include.
    pub exclude: Vec<AttributeValue>,
    /// The template of a computed range key, whose parts conditions name.
    pub range_template: Option<&'static crate::template::Template>,
    /// The first problem met while building (a value that cannot be encoded), reported when
    /// the request is run rather than panicking in a builder method.
    pub error: Option<Deferred>,
}

/// A builder error kept until the request runs.
#[derive(Debug, Clone)]
pub(crate) enum Deferred {
    Encode(crate::EncodeError),
    Invalid(String),
}

impl Deferred {
    fn to_error(&self) -> Error {
        match self {
            Deferred::Encode(e) => Error::Encode(e.clone()),
            Deferred::Invalid(m) => Error::Validation(m.clone()),
        }
    }
}

impl Spec {
    pub fn new(schema: &'static TableSchema, index: Option<&'static str>) -> Spec {
        // A read of an entity of a shared table reads only that entity's items.
        let filters = match schema.entity {
            Some(entity) => vec![Condition::Compare(
                Operand::Path(Path::attr(entity.attribute)),
                Comparison::Eq,
                Operand::Value(AttributeValue::S(entity.name.to_owned())),
            )],
            None => Vec::new(),
        };
        Spec {
            schema,
            index,
            key: None,
            filters,
            select: None,
            reverse: false,
            consistent: false,
            limit: None,
            page_size: None,
            segment: None,
            exclude_expired: false,
            exclude: Vec::new(),
            range_template: None,
            error: None,
        }
    }

    /// `limit(n)`: several limits all hold, so the smallest applies.
    pub fn limit(&mut self, n: usize) {
        self.limit = Some(self.limit.map_or(n, |l| l.min(n)));
    }

    /// `page_size(n)`: at least 1, and one size per request.
    pub fn page_size(&mut self, n: u32) {
        if n == 0 {
            self.invalid("page_size must be at least 1");
        }
        let size = i32::try_from(n.max(1)).unwrap_or(i32::MAX);
        match self.page_size {
            Some(earlier) if earlier != size => self.invalid(format!(
                "page_size was given twice ({earlier}, then {size}); a request has one page size"
            )),
            _ => self.page_size = Some(size),
        }
    }

    /// `select(paths)`: selections add up.
    pub fn select(&mut self, paths: impl IntoIterator<Item = Path>) {
        self.select.get_or_insert_with(Vec::new).extend(paths);
    }

    pub fn invalid(&mut self, message: impl Into<String>) {
        self.error.get_or_insert(Deferred::Invalid(message.into()));
    }

    pub fn encode_failed(&mut self, issue: crate::codec::EncodeIssue) {
        let error = crate::EncodeError::new(self.schema, issue);
        self.error.get_or_insert(Deferred::Encode(error));
    }

    /// The digest of what makes this query what it is, which its cursors carry: table, index,
    /// segment, key condition, filters, order, expiry filtering (not the selection, limits or
    /// consistency, which change what a page holds but not where the query goes).
    fn binding(&self, engine: &Engine) -> Binding {
        let mut b = Binder::new(&engine.table_name(self.schema), self.index);
        match self.segment {
            Some((segment, total)) => {
                b.number(b'g', u64::from(segment));
                b.number(b'G', u64::from(total));
            }
            None => b.flag(b'g', false),
        }
        match &self.key {
            Some(key) => {
                // The index fixes how many attributes the hash key has, and the range-key
                // conditions are on its leading attributes in order, each starting with a tag.
                for (_, value) in &key.hash {
                    b.value(value);
                }
                if key.range.is_empty() {
                    b.flag(b'r', false);
                }
                for (_, range) in &key.range {
                    match range {
                        RangeCondition::Compare(op, v) => {
                            b.number(b'r', *op as u64);
                            b.value(v);
                        }
                        RangeCondition::Between(low, high) => {
                            b.flag(b'b', true);
                            b.value(low);
                            b.value(high);
                        }
                        RangeCondition::BeginsWith(prefix) => {
                            b.flag(b'^', true);
                            b.value(prefix);
                        }
                    }
                }
            }
            None => b.flag(b'k', false),
        }
        b.number(b'f', self.filters.len() as u64);
        for filter in &self.filters {
            b.condition(filter);
        }
        b.flag(b'R', self.reverse);
        b.flag(b'X', self.exclude_expired);
        b.number(b'x', self.exclude.len() as u64);
        for value in &self.exclude {
            b.value(value);
        }
        b.finish()
    }

    fn described(&self, table: &str) -> String {
        match self.index {
            Some(index) => format!("{table} (index {index})"),
            None => table.to_owned(),
        }
    }

    /// Builds the request text once; pages reuse it.
    fn compile(&self, engine: &Engine, select: Shape) -> Result<Request> {
        if let Some(error) = &self.error {
            return Err(error.to_error().in_table(&engine.table_name(self.schema)));
        }
        let exclude = self.excluded();
        // Items are counted after leaving some out, so they are read (their keys only).
        let select = match select {
            Shape::Count if exclude.is_some() => Shape::Keys,
            other => other,
        };
        let mut exprs = ExpressionBuilder::new();
        let key_condition = self.key.as_ref().map(|key| exprs.key_condition(key));
        let mut filters = self.filters.clone();
        if self.exclude_expired {
            let Some(ttl) = self.schema.ttl else {
                return Err(Error::Validation(format!(
                    "{} has no time-to-live attribute, so there are no expired items to exclude",
                    self.schema.model
                )));
            };
            if let Some(index) = self.index.and_then(|i| self.schema.index(i)) {
                let is_key = index
                    .hash_key
                    .iter()
                    .chain(index.range_key)
                    .any(|k| k.name == ttl);
                let holds = is_key
                    || match index.projection {
                        crate::schema::Projection::All => true,
                        crate::schema::Projection::KeysOnly => false,
                        crate::schema::Projection::Include(names) => names.contains(&ttl),
                    };
                if index.kind == crate::schema::IndexKind::Global && !holds {
                    return Err(Error::Validation(format!(
                        "index {} does not hold the time-to-live attribute `{ttl}`, so expired items cannot be told apart there; query the table or an index that projects it",
                        index.name
                    )));
                }
            }
            // DynamoDB deletes expired items up to days late; until then they are still read.
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            filters.push(Condition::Or(vec![
                Condition::NotExists(Path::attr(ttl)),
                Condition::Compare(
                    Operand::Path(Path::attr(ttl)),
                    Comparison::Gt,
                    Operand::Value(AttributeValue::N(now.to_string())),
                ),
            ]));
        }
        let filter = match filters.as_slice() {
            [] => None,
            [one] => Some(exprs.condition(one)),
            many => Some(exprs.condition(&Condition::And(many.to_vec()))),
        };
        let projection = match select {
            Shape::Items => self.select.as_ref().map(|paths| {
                // The key attributes are always read, so that cursors can be made.
                let mut all: Vec<Path> = key_attributes(self.schema, self.index)
                    .iter()
                    .map(|k| Path::attr(k.name))
                    .collect();
                for p in paths {
                    let p = before_list_index(p);
                    // Each part is read once: DynamoDB rejects overlapping paths.
                    if !all.iter().any(|q| p.elements().starts_with(q.elements())) {
                        all.retain(|q| !q.elements().starts_with(p.elements()));
                        all.push(p);
                    }
                }
                exprs.projection(&all)
            }),
            Shape::TableKeys => {
                let keys: Vec<Path> = self.schema.key_attributes().map(Path::attr).collect();
                Some(exprs.projection(&keys))
            }
            Shape::Keys => {
                let keys: Vec<Path> = key_attributes(self.schema, self.index)
                    .iter()
                    .map(|k| Path::attr(k.name))
                    .collect();
                Some(exprs.projection(&keys))
            }
            Shape::Count => None,
        };
        let (names, values) = exprs.finish();
        Ok(Request {
            table: engine.table_name(self.schema),
            index: self.index,
            key_condition,
            filter,
            projection,
            names,
            values,
            reverse: self.reverse,
            consistent: self.consistent,
            page_size: self.page_size,
            segment: self.segment,
            count: matches!(select, Shape::Count),
            exclude,
        })
    }

    /// The range-key attribute and the values of it whose items are left out, if any.
    fn excluded(&self) -> Option<(&'static str, Vec<AttributeValue>)> {
        if self.exclude.is_empty() {
            return None;
        }
        let (range, _) = self.key.as_ref()?.range.last()?;
        Some((range, self.exclude.clone()))
    }
}

/// The part of `path` before its first list index. DynamoDB packs the selected elements of a
/// list together (`list[3]` alone comes back as `list[0]`), so lists are read whole for each
/// element to be found at the index it was selected by.
fn before_list_index(path: &Path) -> Path {
    let mut names = path.elements().iter().map_while(|e| match e {
        PathElement::Name(name) => Some(name.clone()),
        PathElement::Index(_) => None,
    });
    match names.next() {
        Some(first) => names.fold(Path::attr(first), Path::field),
        None => path.clone(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Items,
    TableKeys,
    /// The key attributes of the table and the index read.
    Keys,
    Count,
}

/// A compiled request, sent once per page.
#[derive(Debug, Clone)]
struct Request {
    table: String,
    index: Option<&'static str>,
    key_condition: Option<String>,
    filter: Option<String>,
    projection: Option<String>,
    names: Option<Names>,
    values: Option<Values>,
    reverse: bool,
    consistent: bool,
    page_size: Option<i32>,
    segment: Option<(u32, u32)>,
    count: bool,
    /// Items whose range key (this attribute) has one of these values are left out.
    exclude: Option<(&'static str, Vec<AttributeValue>)>,
}

/// The pages of one read, in order: each request starts where the previous answer's
/// `LastEvaluatedKey` says. A start the read was at before ends it with
/// [`Error::BadResponse`] (a server that sends a read back to where it was would make it loop
/// forever); that is checked only when the next page is asked for.
struct Pages<'a> {
    request: Request,
    engine: &'a Engine,
    /// Where the next page starts (`None`: at the beginning).
    start: Option<Item>,
    /// The last answer's `LastEvaluatedKey`, to start the next page from.
    pending: Option<Item>,
    done: bool,
    /// Digests of the keys the read has started from.
    visited: std::collections::HashSet<u64>,
}

impl<'a> Pages<'a> {
    /// The pages of `request`, from `start` (a cursor's key) or from the beginning.
    fn new(request: Request, engine: &'a Engine, start: Option<Item>) -> Pages<'a> {
        let mut pages = Pages {
            request,
            engine,
            start: None,
            pending: start,
            done: false,
            visited: std::collections::HashSet::new(),
        };
        if let Some(start) = pages.pending.take() {
            // The first start is new to an empty set: this cannot fail.
            pages.start = pages.visit(start).ok();
        }
        pages
    }

    /// The table read, with the engine's namespace.
    fn table(&self) -> &str {
        &self.request.table
    }

    /// Records `key` as the start of the next page; an error when the read was there before.
    fn visit(&mut self, key: Item) -> Result<Item> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        crate::batch::key_id(&self.request.table, &key).hash(&mut hasher);
        if self.visited.insert(hasher.finish()) {
            return Ok(key);
        }
        Err(Error::BadResponse {
            operation: if self.request.key_condition.is_some() {
                "Query"
            } else {
                "Scan"
            },
            table: self.request.table.clone(),
            message: format!(
                "its LastEvaluatedKey {} was already read from, so paging would never end",
                crate::error::render_item(&key)
            ),
        })
    }

    /// The next page; `None` after the last one.
    async fn next(&mut self) -> Result<Option<RawPage>> {
        if self.done {
            return Ok(None);
        }
        if let Some(last) = self.pending.take() {
            self.start = Some(self.visit(last)?);
        }
        let page = self.request.send(self.engine, self.start.take()).await?;
        match &page.last {
            Some(last) => self.pending = Some(last.clone()),
            None => self.done = true,
        }
        Ok(Some(page))
    }
}

/// One response.
struct RawPage {
    items: Vec<Item>,
    count: u64,
    last: Option<Item>,
}

impl Request {
    async fn send(&self, engine: &Engine, start: Option<Item>) -> Result<RawPage> {
        let select = self.count.then_some(Select::Count);
        let (items, count, last) = match &self.key_condition {
            Some(key_condition) => {
                let request = engine
                    .client()
                    .query()
                    .table_name(&self.table)
                    .set_index_name(self.index.map(str::to_owned))
                    .key_condition_expression(key_condition)
                    .set_filter_expression(self.filter.clone())
                    .set_projection_expression(self.projection.clone())
                    .set_expression_attribute_names(self.names.clone())
                    .set_expression_attribute_values(self.values.clone())
                    .scan_index_forward(!self.reverse)
                    .consistent_read(self.consistent)
                    .set_limit(self.page_size)
                    .set_select(select)
                    .set_exclusive_start_key(start);
                let out = engine
                    .send("Query", &self.table, Replay::Safe, || {
                        request.clone().send()
                    })
                    .await?;
                (out.items, out.count, out.last_evaluated_key)
            }
            None => {
                let request = engine
                    .client()
                    .scan()
                    .table_name(&self.table)
                    .set_index_name(self.index.map(str::to_owned))
                    .set_filter_expression(self.filter.clone())
                    .set_projection_expression(self.projection.clone())
                    .set_expression_attribute_names(self.names.clone())
                    .set_expression_attribute_values(self.values.clone())
                    .consistent_read(self.consistent)
                    .set_limit(self.page_size)
                    .set_select(select)
                    .set_segment(self.segment.map(|(s, _)| s as i32))
                    .set_total_segments(self.segment.map(|(_, t)| t as i32))
                    .set_exclusive_start_key(start);
                let out = engine
                    .send("Scan", &self.table, Replay::Safe, || request.clone().send())
                    .await?;
                (out.items, out.count, out.last_evaluated_key)
            }
        };
        let mut items = items.unwrap_or_default();
        let mut count = u64::try_from(count).unwrap_or(0);
        if let Some((attr, values)) = &self.exclude {
            let before = items.len();
            items.retain(|item| !item.get(*attr).is_some_and(|v| values.contains(v)));
            count -= (before - items.len()) as u64;
        }
        Ok(RawPage {
            items,
            count,
            last: last.filter(|k| !k.is_empty()),
        })
    }
}

fn decode<T: FromItem>(table: &str, item: Item) -> Result<T> {
    T::from_item(item).map_err(|e| Error::Decode(e.in_table(table)))
}

/// One page of results and where to continue.
#[derive(Debug)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Where the next page starts; `None` when there are no more items.
    pub next: Option<Cursor>,
}

/// Every item, paging until the end or the limit.
pub(crate) async fn all<T: FromItem>(spec: &Spec, engine: &Engine) -> Result<Vec<T>> {
    let mut pages = Pages::new(spec.compile(engine, Shape::Items)?, engine, None);
    let mut out = Vec::new();
    while let Some(page) = pages.next().await? {
        for item in page.items {
            if spec.limit.is_some_and(|l| out.len() >= l) {
                return Ok(out);
            }
            out.push(decode(pages.table(), item)?);
        }
        if spec.limit.is_some_and(|l| out.len() >= l) {
            return Ok(out);
        }
    }
    Ok(out)
}

/// At most one page of the caller's size: up to `limit` items, or one DynamoDB response.
pub(crate) async fn page<T: FromItem>(
    spec: &Spec,
    engine: &Engine,
    cursor: Option<&Cursor>,
) -> Result<Page<T>> {
    let request = spec.compile(engine, Shape::Items)?;
    let binding = spec.binding(engine);
    let keys = key_attributes(spec.schema, spec.index);
    let start = match cursor {
        Some(c) => Some(engine.cursors().open(c, &binding, &keys)?),
        None => None,
    };
    if spec.limit == Some(0) {
        // The loop below returns at least the item that reaches the limit.
        return Ok(Page {
            items: Vec::new(),
            next: None,
        });
    }
    let mut pages = Pages::new(request, engine, start);
    let mut items = Vec::new();
    while let Some(page) = pages.next().await? {
        let mut rest = page.items.into_iter();
        for item in rest.by_ref() {
            let reached = spec.limit.is_some_and(|l| items.len() + 1 >= l);
            if reached {
                // Stop after this item; the cursor is its key.
                let key: Item = keys
                    .iter()
                    .filter_map(|k| item.get(k.name).map(|v| (k.name.to_owned(), v.clone())))
                    .collect();
                items.push(decode(pages.table(), item)?);
                let more = rest.len() > 0 || page.last.is_some();
                let next = match more {
                    true => Some(engine.cursors().make(&binding, &key)?),
                    false => None,
                };
                return Ok(Page { items, next });
            }
            items.push(decode(pages.table(), item)?);
        }
        match (page.last, spec.limit) {
            // With a limit, keep reading until it is reached or the items end.
            (Some(_), Some(_)) => {}
            (last, _) => {
                let next = match last {
                    Some(key) => Some(engine.cursors().make(&binding, &key)?),
                    None => None,
                };
                return Ok(Page { items, next });
            }
        }
    }
    Ok(Page { items, next: None })
}

/// Items fetched page by page as they are consumed; never more than one page is held.
pub(crate) fn stream<'a, T: FromItem>(
    spec: Spec,
    engine: &'a Engine,
) -> impl Stream<Item = Result<T>> + Send + 'a {
    struct State<'a> {
        /// The pages, or why the read could not start.
        pages: std::result::Result<Pages<'a>, Option<Error>>,
        buffer: VecDeque<Item>,
        left: Option<usize>,
    }
    let state = State {
        pages: spec
            .compile(engine, Shape::Items)
            .map(|request| Pages::new(request, engine, None))
            .map_err(Some),
        buffer: VecDeque::new(),
        left: spec.limit,
    };
    futures::stream::try_unfold(state, |mut state| async move {
        let pages = match &mut state.pages {
            Ok(pages) => pages,
            Err(error) => return error.take().map_or(Ok(None), Err),
        };
        loop {
            if state.left == Some(0) {
                return Ok(None);
            }
            if let Some(item) = state.buffer.pop_front() {
                let value: T = decode(pages.table(), item)?;
                state.left = state.left.map(|l| l - 1);
                return Ok(Some((value, state)));
            }
            match pages.next().await? {
                Some(page) => state.buffer = page.items.into(),
                None => return Ok(None),
            }
        }
    })
}

/// Counts the matching items over every page (DynamoDB's `Select=COUNT`).
pub(crate) async fn count(spec: &Spec, engine: &Engine) -> Result<u64> {
    let mut pages = Pages::new(spec.compile(engine, Shape::Count)?, engine, None);
    let mut total = 0;
    while let Some(page) = pages.next().await? {
        total += page.count;
        if let Some(limit) = spec.limit
            && total >= limit as u64
        {
            return Ok(limit as u64);
        }
    }
    Ok(total)
}

/// Deletes every matching item, a page at a time, in batches; returns how many were deleted.
pub(crate) async fn delete(spec: &Spec, engine: &Engine) -> Result<u64> {
    let mut pages = Pages::new(spec.compile(engine, Shape::TableKeys)?, engine, None);
    let mut deleted = 0;
    let mut left = spec.limit;
    while let Some(page) = pages.next().await? {
        let mut keys = page.items;
        if let Some(l) = left {
            keys.truncate(l);
            left = Some(l - keys.len());
        }
        deleted += crate::batch::delete_keys(engine, pages.table(), keys).await?;
        if left == Some(0) {
            break;
        }
    }
    Ok(deleted)
}

pub(crate) fn describe(spec: &Spec, engine: &Engine) -> String {
    spec.described(&engine.table_name(spec.schema))
}

/// The table keys of every matching item (up to the limit).
pub(crate) async fn table_keys(spec: &Spec, engine: &Engine) -> Result<Vec<Item>> {
    let mut pages = Pages::new(spec.compile(engine, Shape::TableKeys)?, engine, None);
    let mut keys = Vec::new();
    while let Some(page) = pages.next().await? {
        keys.extend(page.items);
        if let Some(l) = spec.limit
            && keys.len() >= l
        {
            keys.truncate(l);
            return Ok(keys);
        }
    }
    Ok(keys)
}
