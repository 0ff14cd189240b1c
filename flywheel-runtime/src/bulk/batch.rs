//! Batch writes and reads that lose nothing.
//!
//! Writes go in requests of 25 and reads in requests of 100 (DynamoDB's limits), several
//! requests at once ([`Engine::with_concurrency`]). What DynamoDB leaves unprocessed, and
//! requests that fail with a throttling or transient error, are retried with exponential
//! backoff and jitter ([`Engine::with_retry`]). What is still not done after the last attempt
//! comes back in [`Error::BatchIncomplete`], item by item; nothing is dropped. Several
//! operations on one key in one batch are reduced to the last one (what sending them in order
//! would leave), because DynamoDB rejects a request that names a key twice.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::ops::Range;
use std::sync::Arc;

use aws_sdk_dynamodb::types::{DeleteRequest, KeysAndAttributes, PutRequest, WriteRequest};
use futures::StreamExt;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::model::{Model, ModelKey};
use crate::retry::{Attempts, OperationError, Outcome, SdkResult};
use crate::schema::TableSchema;
use crate::{AttributeValue, Item};

/// Writes per BatchWriteItem request (DynamoDB's limit).
pub const WRITE_CHUNK: usize = 25;
/// Keys per BatchGetItem request (DynamoDB's limit).
pub const GET_CHUNK: usize = 100;

pub use crate::error::Unprocessed;

impl Unprocessed {
    /// The table of the operation.
    pub fn table(&self) -> &str {
        match self {
            Unprocessed::Put { table, .. }
            | Unprocessed::Delete { table, .. }
            | Unprocessed::Get { table, .. } => table,
        }
    }

    /// The model that was not written, when this is a put of model `M`.
    pub fn model<M: Model>(&self, engine: &Engine) -> Option<Result<M>> {
        match self {
            Unprocessed::Put { table, item } if *table == engine.table_name(&M::SCHEMA) => {
                Some(engine.decode(item.clone()))
            }
            _ => None,
        }
    }
}

/// What a batch write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchWritten {
    /// Puts and deletes carried out (after merging several operations on one key).
    pub written: usize,
    /// BatchWriteItem requests sent, retries included.
    pub requests: usize,
}

/// A batch of puts and deletes, of any models, from [`Engine::batch_write`].
///
/// A batch cannot check versions, so it puts a model with a version attribute only once
/// [`overwrite_versions`](BatchWrite::overwrite_versions) has made it a
/// `BatchWrite<'e, OverwriteVersions>`; before that, such a put does not compile.
#[must_use = "a batch does nothing until it is awaited (or `send` is)"]
pub struct BatchWrite<'e, V = CheckVersions> {
    engine: &'e Engine,
    /// The operations, in the order given.
    ops: Vec<Op<'e>>,
    /// The key ids of `ops`, one after the other (one buffer rather than one each).
    ids: Vec<u8>,
    error: Option<Error>,
    /// The table of the last operation, by schema name.
    last_table: Option<(&'static str, Arc<str>)>,
    mode: PhantomData<V>,
}

/// The mode of a batch write that puts only models without a version attribute (the default).
#[derive(Debug, Clone, Copy)]
pub struct CheckVersions;

/// The mode of a batch write that also puts models with a version attribute, unconditionally
/// ([`BatchWrite::overwrite_versions`]).
#[derive(Debug, Clone, Copy)]
pub struct OverwriteVersions;

/// Which models a batch write of mode `Self` may put: the bound of [`BatchWrite::put`], whose
/// message is on [`Unversioned`](crate::Unversioned).
pub trait Admits<M> {}

impl<M: crate::Unversioned> Admits<M> for CheckVersions {}

impl<M: Model> Admits<M> for OverwriteVersions {}

/// One operation of a batch write.
struct Op<'e> {
    /// Shared by the operations on one table: a bulk load names it once, not once per item.
    table: Arc<str>,
    /// Where the [`KeyId`] of the key is in `ids`.
    id: Range<usize>,
    request: WriteRequest,
    /// The model a put was encoded from.
    model: Option<&'e dyn PutItem>,
}

/// The item a batch write puts for a model: the whole item, its version stamped. A put keeps
/// its model so that the first attempt can send the request itself rather than a copy: only
/// when that attempt fails is the item made again, to retry it or give it back.
trait PutItem: Sync {
    fn put_item(&self) -> std::result::Result<Item, crate::EncodeError>;
}

impl<M: Model> PutItem for M {
    fn put_item(&self) -> std::result::Result<Item, crate::EncodeError> {
        let mut item = crate::limits::whole_item(self)?;
        if let Some(attribute) = M::SCHEMA.version {
            crate::write::version::stamp(&mut item, attribute);
        }
        Ok(item)
    }
}

fn put_request(item: Item) -> WriteRequest {
    let put = PutRequest::builder().set_item(Some(item)).build();
    WriteRequest::builder()
        .put_request(put.expect("item is set"))
        .build()
}

/// A canonical form of a key, to find repeated keys: the same for the same table and the
/// same attribute names and values, in any order, and different otherwise.
type KeyId = Vec<u8>;

/// Appends the [`KeyId`] of the key of a whole `item` of `schema`'s table to `id`, without
/// copying the key out.
fn item_key_id_into(id: &mut KeyId, table: &str, schema: &TableSchema, item: &Item) {
    key_id_into(
        id,
        table,
        schema
            .key_attributes()
            .filter_map(|k| item.get(k).map(|v| (k, v))),
    );
}

/// The [`KeyId`] of `key` in `table`.
pub(crate) fn key_id(table: &str, key: &Item) -> KeyId {
    let mut id = KeyId::new();
    key_id_into(&mut id, table, key.iter().map(|(k, v)| (k.as_str(), v)));
    id
}

/// Appends the [`KeyId`] of (name, value) pairs to `id`: the table, then the pairs in order of
/// name, each part a tag byte and its length before its bytes, so that no two keys run
/// together into the same bytes. Cheap for the keys of one or two scalar attributes that
/// tables have (it runs once per operation of a batch); other values, which keys cannot hold,
/// fall back to their `Debug` text.
fn key_id_into<'a>(
    id: &mut KeyId,
    table: &str,
    pairs: impl Iterator<Item = (&'a str, &'a AttributeValue)>,
) {
    fn part(id: &mut KeyId, tag: u8, bytes: &[u8]) {
        id.push(tag);
        id.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        id.extend_from_slice(bytes);
    }
    fn pair(id: &mut KeyId, (name, value): (&str, &AttributeValue)) {
        part(id, b'a', name.as_bytes());
        match value {
            AttributeValue::S(s) => part(id, b'S', s.as_bytes()),
            AttributeValue::N(n) => part(id, b'N', n.as_bytes()),
            AttributeValue::B(b) => part(id, b'B', b.as_ref()),
            other => part(id, b'?', format!("{other:?}").as_bytes()),
        }
    }
    part(id, b't', table.as_bytes());
    let mut pairs = pairs.fuse();
    match (pairs.next(), pairs.next(), pairs.next()) {
        (None, _, _) => {}
        (Some(a), None, _) => pair(id, a),
        (Some(a), Some(b), None) => {
            let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
            pair(id, first);
            pair(id, second);
        }
        (Some(a), Some(b), Some(c)) => {
            let mut all: Vec<(&str, &AttributeValue)> =
                [a, b, c].into_iter().chain(pairs).collect();
            all.sort_unstable_by(|x, y| x.0.cmp(y.0));
            for p in all {
                pair(id, p);
            }
        }
    }
}

impl<'e, V> BatchWrite<'e, V> {
    /// Puts a whole item, replacing any item with its key. Batch writes take no conditions, so
    /// a model with a version attribute compiles here only after
    /// [`overwrite_versions`](Self::overwrite_versions) allows writing it unconditionally; use
    /// a transaction to check versions. A model with unique attributes does not compile here.
    pub fn put<M: crate::NoUnique>(mut self, item: &'e M) -> Self
    where
        V: Admits<M>,
    {
        let table = self.table(&M::SCHEMA);
        match item.put_item() {
            Ok(encoded) => {
                let start = self.ids.len();
                item_key_id_into(&mut self.ids, &table, &M::SCHEMA, &encoded);
                self.ops.push(Op {
                    table,
                    id: start..self.ids.len(),
                    request: put_request(encoded),
                    model: Some(item),
                });
            }
            Err(e) => {
                self.error.get_or_insert(Error::Encode(e.in_table(&table)));
            }
        }
        self
    }

    /// Puts every item of `items`.
    pub fn put_all<M: crate::NoUnique>(mut self, items: impl IntoIterator<Item = &'e M>) -> Self
    where
        V: Admits<M>,
    {
        let items = items.into_iter();
        self.ops.reserve(items.size_hint().0);
        items.fold(self, |batch, item| batch.put(item))
    }

    /// Deletes the item with `key` (an absent item is not an error).
    pub fn delete<K: ModelKey>(mut self, key: K) -> Self
    where
        K::Model: crate::NoUnique,
    {
        let table = self.table(&K::Model::SCHEMA);
        match crate::limits::key_item(&key) {
            Ok(key) => self.push_delete(table, key),
            Err(e) => {
                self.error.get_or_insert(Error::Encode(e.in_table(&table)));
            }
        }
        self
    }

    /// The table of `schema`'s model, named once for a run of operations on it.
    fn table(&mut self, schema: &TableSchema) -> Arc<str> {
        match &self.last_table {
            Some((name, table)) if *name == schema.name => table.clone(),
            _ => {
                let table: Arc<str> = self.engine.table_name(schema).into();
                self.last_table = Some((schema.name, table.clone()));
                table
            }
        }
    }

    /// Adds a delete of `key` from `table`.
    fn push_delete(&mut self, table: Arc<str>, key: Item) {
        let start = self.ids.len();
        key_id_into(
            &mut self.ids,
            &table,
            key.iter().map(|(k, v)| (k.as_str(), v)),
        );
        let delete = DeleteRequest::builder().set_key(Some(key)).build();
        let request = WriteRequest::builder().delete_request(delete.expect("key is set"));
        self.ops.push(Op {
            table,
            id: start..self.ids.len(),
            request: request.build(),
            model: None,
        });
    }

    /// Deletes the items with every key of `keys`.
    pub fn delete_all<K: ModelKey>(mut self, keys: impl IntoIterator<Item = K>) -> Self
    where
        K::Model: crate::NoUnique,
    {
        let keys = keys.into_iter();
        self.ops.reserve(keys.size_hint().0);
        keys.fold(self, |batch, key| batch.delete(key))
    }

    /// Allows the puts that follow to be of models with a version attribute, written
    /// unconditionally with their version plus one (a bulk load, not a concurrent edit).
    pub fn overwrite_versions(self) -> BatchWrite<'e, OverwriteVersions> {
        BatchWrite {
            engine: self.engine,
            ops: self.ops,
            ids: self.ids,
            error: self.error,
            last_table: self.last_table,
            mode: PhantomData,
        }
    }

    /// How many operations the batch holds.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the batch holds no operation.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Sends the batch; see the [module docs](self) for what happens to leftovers.
    pub async fn send(self) -> Result<BatchWritten> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let engine = self.engine;
        // The last operation on each key wins, at the position of that last operation.
        let kept: Option<Vec<bool>> = {
            let mut last: HashMap<&[u8], usize> = HashMap::with_capacity(self.ops.len());
            for (i, op) in self.ops.iter().enumerate() {
                last.insert(&self.ids[op.id.clone()], i);
            }
            // Without repeated keys (the usual bulk load) every operation is kept as it is.
            (last.len() < self.ops.len()).then(|| {
                let mut kept = vec![false; self.ops.len()];
                for i in last.into_values() {
                    kept[i] = true;
                }
                kept
            })
        };
        let total = kept
            .as_ref()
            .map_or(self.ops.len(), |kept| kept.iter().filter(|k| **k).count());
        // The requests are moved into the chunks, not copied.
        let mut ops = self
            .ops
            .into_iter()
            .enumerate()
            .filter(|(i, _)| kept.as_ref().is_none_or(|kept| kept[*i]))
            .map(|(_, op)| op);
        let mut chunks: Vec<Vec<Op<'e>>> = Vec::with_capacity(total.div_ceil(WRITE_CHUNK));
        loop {
            let chunk: Vec<Op<'e>> = ops.by_ref().take(WRITE_CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            chunks.push(chunk);
        }
        // The futures are made before they are streamed: a stream that maps the chunks with a
        // closure would make the batch's future lose `Send` (the compiler cannot prove the
        // closure general over the lifetime of the models it borrows).
        let writes: Vec<_> = chunks
            .into_iter()
            .map(|chunk| write_chunk(engine, chunk))
            .collect();
        let results: Vec<ChunkOutcome> = futures::stream::iter(writes)
            .buffer_unordered(engine.concurrency())
            .collect()
            .await;
        let mut unprocessed = Vec::new();
        let mut requests = 0;
        let mut cause = None;
        for outcome in results {
            requests += outcome.requests;
            unprocessed.extend(outcome.leftovers.into_iter().map(|(table, request)| {
                match (request.put_request, request.delete_request) {
                    (Some(put), _) => Unprocessed::Put {
                        table,
                        item: put.item,
                    },
                    (_, Some(delete)) => Unprocessed::Delete {
                        table,
                        key: delete.key,
                    },
                    _ => unreachable!("a write request is a put or a delete"),
                }
            }));
            if cause.is_none() {
                cause = outcome.error;
            }
        }
        if unprocessed.is_empty() {
            Ok(BatchWritten {
                written: total,
                requests,
            })
        } else {
            Err(Error::BatchIncomplete {
                done: total - unprocessed.len(),
                unprocessed,
                cause: cause.map(Box::new),
            })
        }
    }
}

impl<'e, V: Send + 'e> std::future::IntoFuture for BatchWrite<'e, V> {
    type Output = Result<BatchWritten>;
    type IntoFuture = crate::engine::BoxFuture<'e, Result<BatchWritten>>;

    /// Sends the batch ([`send`](BatchWrite::send)).
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

struct ChunkOutcome {
    requests: usize,
    leftovers: Vec<(String, WriteRequest)>,
    error: Option<Error>,
}

async fn write_chunk<'e>(engine: &'e Engine, chunk: Vec<Op<'e>>) -> ChunkOutcome {
    // Messages name the table of the chunk's first request.
    let table = chunk
        .first()
        .map_or_else(String::new, |op| op.table.to_string());
    let mut retries = Retries::new(engine, "BatchWriteItem", &table);
    let mut requests = 0;
    // The first attempt sends the puts themselves and a copy of the deletes; `again` makes
    // them again should it fail. Later attempts send a copy of what is pending, so that what a
    // failed request held can be sent again or given back.
    let (mut first, again) = first_attempt(chunk);
    let mut pending: Vec<(String, WriteRequest)> = Vec::new();
    loop {
        let items = first.take().unwrap_or_else(|| {
            by_table(
                pending
                    .iter()
                    .map(|(table, request)| (table, request.clone())),
            )
        });
        let sent_first = requests == 0;
        requests += 1;
        let request = engine
            .client()
            .batch_write_item()
            .set_request_items(Some(items))
            .send();
        let result = retries.attempt(request).await;
        if sent_first && !matches!(result, Ok(Some(_))) {
            pending = again.iter().map(Again::request).collect();
        }
        match result {
            // A failure that may be retried: the same requests again.
            Ok(None) => {}
            Ok(Some(out)) => {
                pending = out
                    .unprocessed_items
                    .unwrap_or_default()
                    .into_iter()
                    .flat_map(|(table, requests)| {
                        requests.into_iter().map(move |r| (table.clone(), r))
                    })
                    .collect();
                if pending.is_empty() {
                    return ChunkOutcome {
                        requests,
                        leftovers: Vec::new(),
                        error: None,
                    };
                }
            }
            Err(error) => {
                return ChunkOutcome {
                    requests,
                    leftovers: pending,
                    error: Some(error),
                };
            }
        }
        if let Err(stop) = retries.wait().await {
            return ChunkOutcome {
                requests,
                leftovers: pending,
                error: stop,
            };
        }
    }
}

/// How to make a request of a chunk's first attempt again.
enum Again<'e> {
    Put(Arc<str>, &'e dyn PutItem),
    Copy(Arc<str>, WriteRequest),
}

impl Again<'_> {
    fn request(&self) -> (String, WriteRequest) {
        match self {
            // The model was encoded into this very request a moment ago, and encoding is a
            // function of the model alone.
            Again::Put(table, model) => {
                let item = model.put_item().expect("the item was encoded before");
                (table.to_string(), put_request(item))
            }
            Again::Copy(table, request) => (table.to_string(), request.clone()),
        }
    }
}

/// The requests of a chunk's first attempt, and how to make them again.
fn first_attempt(
    chunk: Vec<Op<'_>>,
) -> (Option<HashMap<String, Vec<WriteRequest>>>, Vec<Again<'_>>) {
    let again = chunk
        .iter()
        .map(|op| match op.model {
            Some(model) => Again::Put(op.table.clone(), model),
            None => Again::Copy(op.table.clone(), op.request.clone()),
        })
        .collect();
    let items = by_table(chunk.into_iter().map(|op| (op.table, op.request)));
    (Some(items), again)
}

/// Requests grouped by table, as BatchWriteItem takes them: a table's name is copied once per
/// table, not once per request.
fn by_table<T: AsRef<str>>(
    requests: impl IntoIterator<Item = (T, WriteRequest)>,
) -> HashMap<String, Vec<WriteRequest>> {
    let mut items: HashMap<String, Vec<WriteRequest>> = HashMap::with_capacity(1);
    for (table, request) in requests {
        match items.get_mut(table.as_ref()) {
            Some(requests) => requests.push(request),
            None => {
                let mut requests = Vec::with_capacity(WRITE_CHUNK);
                requests.push(request);
                items.insert(table.as_ref().to_owned(), requests);
            }
        }
    }
    items
}

/// The retries of one chunk of a batch: its [`Attempts`](crate::retry::Attempts), and the
/// error of the last one when it failed.
struct Retries<'e> {
    attempts: Attempts<'e>,
    last: Option<Error>,
}

impl<'e> Retries<'e> {
    fn new(engine: &'e Engine, operation: &'static str, table: &'e str) -> Retries<'e> {
        Retries {
            attempts: Attempts::new(engine.retry_policy(), engine.timeouts(), operation, table),
            last: None,
        }
    }

    /// Sends one attempt: its answer; a failure that may be retried is kept for
    /// [`wait`](Retries::wait) (batch writes and reads do the same when carried out twice),
    /// and a final one returned.
    async fn attempt<T, E: OperationError>(
        &mut self,
        request: impl std::future::Future<Output = SdkResult<T, E>>,
    ) -> std::result::Result<Option<T>, Error> {
        match self.attempts.send(request, false).await {
            Ok(out) => {
                self.last = None;
                Ok(Some(out))
            }
            Err((Outcome::Final, failure)) => Err(failure.into_error(self.attempts.operation())),
            Err((_, failure)) => {
                self.last = Some(failure.into_error(self.attempts.operation()));
                Ok(None)
            }
        }
    }

    /// Waits before the next attempt; `Err` with the reason to stop: the last error when the
    /// attempts are used up (nothing after partial answers), or a timeout caused by it.
    async fn wait(&mut self) -> std::result::Result<(), Option<Error>> {
        if self.attempts.exhausted() {
            return Err(self.last.take());
        }
        self.attempts.pause().await.map_err(|timeout| {
            Some(match self.last.take() {
                Some(last) => timeout.with_cause(last),
                None => timeout,
            })
        })
    }
}

/// A place in the results of a [`BatchGet`] or transactional get, typed by its model.
#[derive(Debug)]
pub struct Slot<M> {
    index: usize,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Slot<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Slot<M> {}

impl<M> Slot<M> {
    pub(crate) fn new(index: usize) -> Slot<M> {
        Slot {
            index,
            _model: PhantomData,
        }
    }
}

/// Items read by a batch or transactional get, taken out by [`Slot`].
#[derive(Debug)]
pub struct Got {
    tables: Vec<String>,
    items: Vec<Option<Item>>,
}

impl Got {
    pub(crate) fn new(tables: Vec<String>, items: Vec<Option<Item>>) -> Got {
        Got { tables, items }
    }

    /// The item asked for in `slot`: `None` when the table has no item with that key.
    pub fn get<M: Model>(&self, slot: Slot<M>) -> Result<Option<M>> {
        match self.items.get(slot.index).cloned().flatten() {
            Some(item) => M::from_item(item)
                .map(Some)
                .map_err(|e| Error::Decode(e.in_table(&self.tables[slot.index]))),
            None => Ok(None),
        }
    }
}

/// A batch read of keys of any models, from [`Engine::batch_get`].
#[must_use = "a batch does nothing until it is awaited (or `send` is)"]
pub struct BatchGet<'e> {
    engine: &'e Engine,
    slots: Slots,
    consistent: bool,
}

/// The keys a batch or transaction read asks for, in the order of their slots, and the first
/// key that could not be encoded (its slot holds an empty key; the read then fails with it).
#[derive(Debug, Default)]
pub(crate) struct Slots {
    pub keys: Vec<(String, Item)>,
    pub error: Option<Error>,
}

impl Slots {
    /// Asks for the item with `key`.
    pub fn add<K: ModelKey>(&mut self, engine: &Engine, key: K) -> Slot<K::Model> {
        let table = engine.table_name(&K::Model::SCHEMA);
        match crate::limits::key_item(&key) {
            Ok(key) => self.keys.push((table, key)),
            Err(e) => {
                self.error.get_or_insert(Error::Encode(e.in_table(&table)));
                self.keys.push((table, Item::new()));
            }
        }
        Slot::new(self.keys.len() - 1)
    }
}

impl<'e> BatchGet<'e> {
    /// Asks for the item with `key`; its result is taken from the [`Got`] with the slot.
    pub fn add<K: ModelKey>(&mut self, key: K) -> Slot<K::Model> {
        self.slots.add(self.engine, key)
    }

    /// Reads with strong consistency.
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// Reads every key; a key asked for twice is read once.
    pub async fn send(self) -> Result<Got> {
        if let Some(error) = self.slots.error {
            return Err(error);
        }
        let found = get_items(self.engine, &self.slots.keys, self.consistent).await?;
        let items = self
            .slots
            .keys
            .iter()
            .map(|(table, key)| found.get(&key_id(table, key)).cloned())
            .collect();
        Ok(Got::new(
            self.slots.keys.into_iter().map(|(t, _)| t).collect(),
            items,
        ))
    }
}

/// Reads `keys` (table, key) in requests of 100, concurrently, retrying unprocessed keys;
/// returns the items found by key id.
async fn get_items(
    engine: &Engine,
    keys: &[(String, Item)],
    consistent: bool,
) -> Result<HashMap<KeyId, Item>> {
    let mut unique: Vec<(String, Item)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (table, key) in keys {
        if seen.insert(key_id(table, key)) {
            unique.push((table.clone(), key.clone()));
        }
    }
    let chunks: Vec<Vec<(String, Item)>> = unique.chunks(GET_CHUNK).map(<[_]>::to_vec).collect();
    let results: Vec<Result<Vec<(String, Item)>>> = futures::stream::iter(
        chunks
            .into_iter()
            .map(|chunk| get_chunk(engine, chunk, consistent)),
    )
    .buffer_unordered(engine.concurrency())
    .collect()
    .await;
    let mut found = HashMap::new();
    let mut unprocessed = Vec::new();
    let mut cause = None;
    for result in results {
        match result {
            Ok(items) => {
                for (table, item) in items {
                    found.insert(
                        key_id(&table, &key_from_found(engine, &table, &item, keys)),
                        item,
                    );
                }
            }
            Err(Error::BatchIncomplete {
                unprocessed: left,
                cause: c,
                ..
            }) => {
                unprocessed.extend(left);
                cause = cause.or(c);
            }
            Err(other) => return Err(other),
        }
    }
    if unprocessed.is_empty() {
        Ok(found)
    } else {
        // Keys read count as done whether or not they had an item.
        Err(Error::BatchIncomplete {
            done: unique.len() - unprocessed.len(),
            unprocessed,
            cause,
        })
    }
}

/// The key attributes of a found item, using the attribute names of the keys asked for.
fn key_from_found(_engine: &Engine, table: &str, item: &Item, keys: &[(String, Item)]) -> Item {
    let names: Vec<&String> = keys
        .iter()
        .find(|(t, _)| t == table)
        .map(|(_, k)| k.keys().collect())
        .unwrap_or_default();
    names
        .into_iter()
        .filter_map(|n| item.get(n).map(|v| (n.clone(), v.clone())))
        .collect()
}

async fn get_chunk(
    engine: &Engine,
    chunk: Vec<(String, Item)>,
    consistent: bool,
) -> Result<Vec<(String, Item)>> {
    let table = chunk.first().map(|(t, _)| t.clone()).unwrap_or_default();
    let mut retries = Retries::new(engine, "BatchGetItem", &table);
    let mut pending = chunk;
    let mut found = Vec::new();
    loop {
        let mut by_table: HashMap<String, Vec<Item>> = HashMap::new();
        for (table, key) in &pending {
            by_table.entry(table.clone()).or_default().push(key.clone());
        }
        let mut request = engine.client().batch_get_item();
        for (table, keys) in by_table {
            request = request.request_items(
                table,
                KeysAndAttributes::builder()
                    .set_keys(Some(keys))
                    .consistent_read(consistent)
                    .build()
                    .map_err(|e| Error::Validation(e.to_string()))?,
            );
        }
        match retries.attempt(request.send()).await {
            Ok(None) => {}
            Ok(Some(out)) => {
                for (table, items) in out.responses.unwrap_or_default() {
                    found.extend(items.into_iter().map(|i| (table.clone(), i)));
                }
                pending = out
                    .unprocessed_keys
                    .unwrap_or_default()
                    .into_iter()
                    .flat_map(|(table, k)| k.keys.into_iter().map(move |key| (table.clone(), key)))
                    .collect();
                if pending.is_empty() {
                    return Ok(found);
                }
            }
            Err(error) => return Err(incomplete_get(pending, Some(error))),
        }
        if let Err(stop) = retries.wait().await {
            return Err(incomplete_get(pending, stop));
        }
    }
}

fn incomplete_get(pending: Vec<(String, Item)>, cause: Option<Error>) -> Error {
    Error::BatchIncomplete {
        done: 0,
        unprocessed: pending
            .into_iter()
            .map(|(table, key)| Unprocessed::Get { table, key })
            .collect(),
        cause: cause.map(Box::new),
    }
}

impl Engine {
    /// A batch of puts and deletes, of any models.
    pub fn batch_write(&self) -> BatchWrite<'_> {
        BatchWrite {
            engine: self,
            ops: Vec::new(),
            ids: Vec::new(),
            error: None,
            last_table: None,
            mode: PhantomData,
        }
    }

    /// A batch read of keys of any models.
    pub fn batch_get(&self) -> BatchGet<'_> {
        BatchGet {
            engine: self,
            slots: Slots::default(),
            consistent: false,
        }
    }

    /// Reads the items with `keys`, in the order of the keys: `None` where there is no item.
    pub async fn get_many<K: ModelKey>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<Vec<Option<K::Model>>> {
        let mut batch = self.batch_get();
        let slots: Vec<Slot<K::Model>> = keys.into_iter().map(|k| batch.add(k)).collect();
        let got = batch.send().await?;
        slots.into_iter().map(|s| got.get(s)).collect()
    }

    /// Puts every item (flywheel's bulk `save`), in batches; see [`BatchWrite::put`].
    ///
    /// A model with a version attribute does not compile here: a batch cannot check versions
    /// (see [`BatchWrite::overwrite_versions`]).
    pub fn save_many<'e, M: crate::Unversioned + crate::NoUnique>(
        &'e self,
        items: &'e [M],
    ) -> BatchWrite<'e> {
        self.batch_write().put_all(items)
    }

    /// Deletes every item by its key, in batches.
    pub async fn delete_many<M: crate::NoUnique>(&self, items: &[M]) -> Result<BatchWritten> {
        self.batch_write()
            .delete_all(items.iter().map(Model::key))
            .send()
            .await
    }

    /// Deletes the items with every key (flywheel's `delete_key`), in batches.
    pub async fn delete_keys<K: ModelKey>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<BatchWritten>
    where
        K::Model: crate::NoUnique,
    {
        self.batch_write().delete_all(keys).send().await
    }

    /// Reads every item again by its key (flywheel's `refresh`), in batches. Items that no
    /// longer exist are left as they are and their keys returned.
    pub async fn refresh_many<M: Model>(&self, items: &mut [M]) -> Result<Vec<M::Key>> {
        let fresh = self.get_many(items.iter().map(Model::key)).await?;
        let mut missing = Vec::new();
        for (item, fresh) in items.iter_mut().zip(fresh) {
            match fresh {
                Some(fresh) => *item = fresh,
                None => missing.push(item.key()),
            }
        }
        Ok(missing)
    }
}

/// Deletes raw keys of one table (query and scan `delete`); returns how many were deleted.
pub(crate) async fn delete_keys(engine: &Engine, table: &str, keys: Vec<Item>) -> Result<u64> {
    let mut batch = engine.batch_write();
    let table: Arc<str> = table.into();
    for key in keys {
        batch.push_delete(table.clone(), key);
    }
    Ok(batch.send().await?.written as u64)
}

/// Reads raw keys of one table (`fetch_full`), in the order of `keys`; absent items are skipped.
pub(crate) async fn get_keys(
    engine: &Engine,
    table: &str,
    keys: Vec<Item>,
    consistent: bool,
) -> Result<Vec<Item>> {
    let keys: Vec<(String, Item)> = keys.into_iter().map(|k| (table.to_owned(), k)).collect();
    let found = get_items(engine, &keys, consistent).await?;
    Ok(keys
        .iter()
        .filter_map(|(t, k)| found.get(&key_id(t, k)).cloned())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Billing, KeyAttribute, ScalarType};

    fn key(pairs: &[(&str, AttributeValue)]) -> Item {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    #[test]
    fn key_ids_tell_keys_apart_exactly() {
        const SCHEMA: TableSchema = TableSchema {
            name: "T",
            model: "T",
            hash_key: KeyAttribute {
                name: "h",
                scalar: ScalarType::S,
            },
            range_key: Some(KeyAttribute {
                name: "r",
                scalar: ScalarType::S,
            }),
            indexes: &[],
            billing: Billing::OnDemand,
            ttl: None,
            version: None,
            attributes: &["h", "r", "x"],
            entity: None,
            unique: &[],
            computed: &[],
        };
        let id = key_id("T", &key(&[("h", s("a")), ("r", s("b"))]));
        // The same key in another order, and the key of a whole item (a put), are the same.
        assert_eq!(id, key_id("T", &key(&[("r", s("b")), ("h", s("a"))])));
        let item = key(&[("x", s("other")), ("r", s("b")), ("h", s("a"))]);
        let mut from_item = KeyId::new();
        item_key_id_into(&mut from_item, "T", &SCHEMA, &item);
        assert_eq!(id, from_item);
        // Keys of three attributes and more are sorted too.
        let three = key(&[("c", s("3")), ("a", s("1")), ("b", s("2"))]);
        assert_eq!(
            key_id("T", &three),
            key_id("T", &key(&[("b", s("2")), ("a", s("1")), ("c", s("3"))]))
        );
        // Anything else differs: table, names, values, types, where one text ends.
        for other in [
            key_id("U", &key(&[("h", s("a")), ("r", s("b"))])),
            key_id("T", &key(&[("h", s("a")), ("r", s("c"))])),
            key_id("T", &key(&[("h", s("ab")), ("r", s(""))])),
            key_id("T", &key(&[("h", s("a")), ("q", s("b"))])),
            key_id(
                "T",
                &key(&[("h", s("a")), ("r", AttributeValue::N("b".into()))]),
            ),
            key_id("T", &key(&[("h", s("a"))])),
            key_id("Th", &key(&[("", s("a")), ("r", s("b"))])),
        ] {
            assert_ne!(id, other);
        }
    }
}
