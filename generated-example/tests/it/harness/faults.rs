//! A fault-injecting HTTP/1.1 proxy between the SDK and the emulator, for the fault tests.
//!
//! Each request is read whole (head up to `\r\n\r\n`, then a `Content-Length` body) and, as a
//! seeded xorshift generator decides, either
//! - answered `400 ProvisionedThroughputExceededException` without being forwarded (throttling),
//! - for BatchWriteItem and BatchGetItem, forwarded in part: the rest of `RequestItems` is added
//!   to the answer's `UnprocessedItems` / `UnprocessedKeys`, merged with what the emulator left,
//! - for BatchWriteItem and BatchGetItem, dropped: the connection is closed without an answer,
//!   sometimes after the request was forwarded and applied, sometimes before,
//! - or forwarded unchanged, on a fresh upstream connection.
//!
//! With [`Quirks`], it also answers like a server that differs from DynamoDB: operations it
//! does not know (`UnknownOperationException`), and failed conditions without the stored item.
//!
//! The emulator does not check signatures (dynoxide only checks that the auth headers are
//! there), so rewriting a signed body is fine, and it always answers with `Content-Length`
//! (never chunked), which is all this proxy reads.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flywheel_runtime::aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use flywheel_runtime::aws_sdk_dynamodb::{Client, Config};
use flywheel_runtime::retry::Timeouts;
use flywheel_runtime::serde_json::{self, Map, Value, json};
use flywheel_runtime::{Engine, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How often each fault is injected, as probabilities per request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// Any request: answered with a throttling error and not forwarded.
    pub throttle: f64,
    /// A batch request: forwarded in part, the rest returned as unprocessed.
    pub partial: f64,
    /// In a partial answer, the chance of each write or key to be held back (at least one is).
    pub hold_back: f64,
    /// A batch request: the connection is closed without an answer.
    pub drop: f64,
}

/// How the proxy answers like a server that differs from DynamoDB, whatever the faults.
#[derive(Debug, Clone, Default)]
pub struct Quirks {
    /// Operations answered `400 UnknownOperationException` (as
    /// `com.amazon.coral.service#UnknownOperationException`) without being forwarded, as by a
    /// server that does not implement them.
    pub unknown_operations: Vec<&'static str>,
    /// Removes the stored item from the answers to failed conditions: the `Item` of a
    /// `ConditionalCheckFailedException` and of each cancellation reason of a
    /// `TransactionCanceledException`, as a server that ignores
    /// `ReturnValuesOnConditionCheckFailure` answers.
    pub no_item_with_failed_conditions: bool,
}

/// What the proxy did so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Requests received.
    pub requests: usize,
    /// Requests answered with a throttling error.
    pub throttled: usize,
    /// Batch requests answered in part.
    pub partial: usize,
    /// Writes and keys held back by partial answers.
    pub held_back: usize,
    /// Connections dropped without an answer.
    pub dropped: usize,
    /// Requests forwarded unchanged.
    pub forwarded: usize,
    /// Requests answered `UnknownOperationException` ([`Quirks::unknown_operations`]).
    pub unknown: usize,
    /// Stored items removed from answers ([`Quirks::no_item_with_failed_conditions`]).
    pub items_removed: usize,
}

#[derive(Default)]
struct Counters([AtomicUsize; 8]);

const REQUESTS: usize = 0;
const THROTTLED: usize = 1;
const PARTIAL: usize = 2;
const HELD_BACK: usize = 3;
const DROPPED: usize = 4;
const FORWARDED: usize = 5;
const UNKNOWN: usize = 6;
const ITEMS_REMOVED: usize = 7;

impl Counters {
    fn add(&self, counter: usize, n: usize) {
        self.0[counter].fetch_add(n, Ordering::Relaxed);
    }

    fn get(&self, counter: usize) -> usize {
        self.0[counter].load(Ordering::Relaxed)
    }
}

/// A tiny xorshift generator: spread, not quality, is what fault injection needs.
struct Rng(Mutex<u64>);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(Mutex::new(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1))
    }

    /// A number in [0, 1).
    fn next(&self) -> f64 {
        let mut x = self.0.lock().unwrap();
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        (*x >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Shared {
    upstream: String,
    faults: Faults,
    quirks: Quirks,
    rng: Rng,
    counts: Counters,
}

/// The proxy, listening on `127.0.0.1` until dropped.
pub struct FaultProxy {
    url: String,
    seed: u64,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream` (such as `http://127.0.0.1:41234`).
    pub async fn start(upstream: &str, faults: Faults, seed: u64) -> FaultProxy {
        FaultProxy::with_quirks(upstream, faults, seed, Quirks::default()).await
    }

    /// Starts a proxy in front of `upstream` that also answers with `quirks`.
    pub async fn with_quirks(
        upstream: &str,
        faults: Faults,
        seed: u64,
        quirks: Quirks,
    ) -> FaultProxy {
        let upstream = upstream
            .strip_prefix("http://")
            .expect("an http:// endpoint")
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the proxy listens");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            upstream,
            faults,
            quirks,
            rng: Rng::new(seed),
            counts: Counters::default(),
        });
        let accepting = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(client, accepting.clone()));
            }
        });
        FaultProxy {
            url,
            seed,
            shared,
            task,
        }
    }

    /// The proxy's endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The seed of its fault generator.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// What it did so far.
    pub fn counts(&self) -> Counts {
        let c = &self.shared.counts;
        Counts {
            requests: c.get(REQUESTS),
            throttled: c.get(THROTTLED),
            partial: c.get(PARTIAL),
            held_back: c.get(HELD_BACK),
            dropped: c.get(DROPPED),
            forwarded: c.get(FORWARDED),
            unknown: c.get(UNKNOWN),
            items_removed: c.get(ITEMS_REMOVED),
        }
    }

    /// An engine that talks to the emulator through this proxy, with `retry` for every request.
    pub fn engine(&self, retry: RetryPolicy) -> Engine {
        let config = Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&self.url)
            .credentials_provider(Credentials::new(
                "local",
                "local",
                None,
                None,
                "fault-proxy",
            ))
            .build();
        // A dropped connection fails at once (the proxy closes it); this bounds the rest.
        Engine::from_client(Client::from_conf(config))
            .with_retry(retry)
            .with_timeouts(Timeouts {
                attempt: Duration::from_secs(2),
                ..Timeouts::default()
            })
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A seed for a test: `FAULT_SEED` from the environment, or the clock.
pub fn seed() -> u64 {
    std::env::var("FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
}

enum Fault {
    Throttle,
    Partial,
    Drop { after_forwarding: bool },
    None,
}

impl Shared {
    fn decide(&self, operation: &str) -> Fault {
        let f = self.faults;
        let batch = matches!(operation, "BatchWriteItem" | "BatchGetItem");
        let r = self.rng.next();
        if r < f.throttle {
            Fault::Throttle
        } else if batch && r < f.throttle + f.drop {
            // Only batch requests are dropped: replaying them is safe, since a BatchWriteItem
            // holds puts of whole items and deletes (idempotent: applying one twice leaves what
            // applying it once does) and a BatchGetItem only reads. A dropped conditional write
            // or an update with `ADD` would not be safe to replay.
            Fault::Drop {
                after_forwarding: self.rng.next() < 0.5,
            }
        } else if batch && r < f.throttle + f.drop + f.partial {
            Fault::Partial
        } else {
            Fault::None
        }
    }
}

/// Serves one client connection, request after request (the SDK keeps connections alive).
async fn serve(mut client: TcpStream, shared: Arc<Shared>) -> io::Result<()> {
    let mut buffer = Vec::new();
    while let Some(request) = read_message(&mut client, &mut buffer).await? {
        shared.counts.add(REQUESTS, 1);
        let target = request.header("x-amz-target").unwrap_or_default();
        let operation = target.rsplit('.').next().unwrap_or_default().to_owned();
        if shared
            .quirks
            .unknown_operations
            .contains(&operation.as_str())
        {
            shared.counts.add(UNKNOWN, 1);
            client.write_all(&unknown_operation().to_bytes(&[])).await?;
            continue;
        }
        let mut response = match shared.decide(&operation) {
            Fault::Throttle => {
                shared.counts.add(THROTTLED, 1);
                throttled()
            }
            Fault::Drop { after_forwarding } => {
                shared.counts.add(DROPPED, 1);
                if after_forwarding {
                    // Applied upstream, but the client never hears of it.
                    forward(&shared.upstream, &request).await?;
                }
                return Ok(()); // dropping `client` closes the connection
            }
            Fault::Partial => {
                shared.counts.add(PARTIAL, 1);
                partial(&shared, &operation, request).await?
            }
            Fault::None => {
                shared.counts.add(FORWARDED, 1);
                forward(&shared.upstream, &request).await?
            }
        };
        if shared.quirks.no_item_with_failed_conditions {
            let removed = remove_condition_items(&mut response);
            shared.counts.add(ITEMS_REMOVED, removed);
        }
        client.write_all(&response.to_bytes(&[])).await?;
    }
    Ok(())
}

/// A server's answer to an operation it does not implement.
fn unknown_operation() -> Message {
    Message::json(
        "400 Bad Request",
        &json!({"__type": "com.amazon.coral.service#UnknownOperationException"}),
    )
}

/// Removes the stored items from a failed condition's answer; returns how many there were.
fn remove_condition_items(response: &mut Message) -> usize {
    if response.status() != "400" {
        return 0;
    }
    let Ok(mut body) = serde_json::from_slice::<Value>(&response.body) else {
        return 0;
    };
    let kind = body["__type"].as_str().unwrap_or_default().to_owned();
    let mut removed = 0;
    if kind.ends_with("ConditionalCheckFailedException") {
        removed += usize::from(body.as_object_mut().unwrap().remove("Item").is_some());
    } else if kind.ends_with("TransactionCanceledException") {
        for reason in body["CancellationReasons"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            if let Some(reason) = reason.as_object_mut() {
                removed += usize::from(reason.remove("Item").is_some());
            }
        }
    }
    if removed > 0 {
        response.set_body(&body);
    }
    removed
}

/// An HTTP request or response.
pub struct Message {
    /// The request line or status line.
    start: String,
    /// Header names in lower case, without `content-length` and `connection`.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn json(status: &str, body: &Value) -> Message {
        Message {
            start: format!("HTTP/1.1 {status}"),
            headers: vec![
                ("content-type".into(), "application/x-amz-json-1.0".into()),
                ("x-amzn-requestid".into(), "fault-proxy".into()),
            ],
            body: serde_json::to_vec(body).unwrap(),
        }
    }

    /// The value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn status(&self) -> &str {
        self.start.split(' ').nth(1).unwrap_or_default()
    }

    /// Replaces the body, and drops the checksum of the old one.
    fn set_body(&mut self, body: &Value) {
        self.body = serde_json::to_vec(body).unwrap();
        self.headers.retain(|(n, _)| n != "x-amz-crc32");
    }

    fn to_bytes(&self, extra_headers: &[(&str, &str)]) -> Vec<u8> {
        let mut head = format!("{}\r\n", self.start);
        let extra = extra_headers.iter().map(|(n, v)| (*n, *v));
        for (name, value) in self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .chain(extra)
        {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("content-length: {}\r\n\r\n", self.body.len()));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// Reads one message; `None` when the peer closed the connection between messages. `buffer`
/// keeps what was read beyond the message.
/// Reads one HTTP/1.1 message with a `Content-Length` body; `None` when the connection closed
/// between messages.
pub async fn read_message(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> io::Result<Option<Message>> {
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if read_more(stream, buffer).await? == 0 {
            return match buffer.is_empty() {
                true => Ok(None),
                false => Err(io::ErrorKind::UnexpectedEof.into()),
            };
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    buffer.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let start = lines.next().unwrap_or_default().to_owned();
    let mut length = 0;
    let mut headers = Vec::new();
    for (name, value) in lines.filter_map(|line| line.split_once(':')) {
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_owned());
        match name.as_str() {
            "content-length" => length = value.parse().map_err(io::Error::other)?,
            "connection" => {}
            "transfer-encoding" => {
                return Err(io::Error::other("only Content-Length bodies are supported"));
            }
            _ => headers.push((name, value)),
        }
    }
    while buffer.len() < length {
        if read_more(stream, buffer).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    }
    let body = buffer.drain(..length).collect();
    Ok(Some(Message {
        start,
        headers,
        body,
    }))
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> io::Result<usize> {
    let mut chunk = [0; 16 * 1024];
    let n = stream.read(&mut chunk).await?;
    buffer.extend_from_slice(&chunk[..n]);
    Ok(n)
}

/// Sends `request` upstream on a fresh connection and reads the answer.
async fn forward(upstream: &str, request: &Message) -> io::Result<Message> {
    let mut stream = TcpStream::connect(upstream).await?;
    stream
        .write_all(&request.to_bytes(&[("connection", "close")]))
        .await?;
    read_message(&mut stream, &mut Vec::new())
        .await?
        .ok_or_else(|| io::ErrorKind::UnexpectedEof.into())
}

fn throttled() -> Message {
    Message::json(
        "400 Bad Request",
        &json!({
            "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "message": "injected",
        }),
    )
}

/// The writes (BatchWriteItem: table → [request]) or keys (BatchGetItem: table → {Keys: [key],
/// ..}) of a batch's `RequestItems` or of its unprocessed part, one by one.
fn entries(operation: &str, items: &Map<String, Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (table, value) in items {
        let list = match operation {
            "BatchWriteItem" => value,
            _ => &value["Keys"],
        };
        for entry in list.as_array().into_iter().flatten() {
            out.push((table.clone(), entry.clone()));
        }
    }
    out
}

/// The inverse of [`entries`]; BatchGetItem keys take the rest of their table's entry in
/// `request` (consistency, projection).
fn rebuild(operation: &str, request: &Map<String, Value>, entries: Vec<(String, Value)>) -> Value {
    let mut out = Map::new();
    for (table, entry) in entries {
        let slot = out.entry(table.clone()).or_insert_with(|| match operation {
            "BatchWriteItem" => json!([]),
            _ => {
                let mut template = request[&table].clone();
                template["Keys"] = json!([]);
                template
            }
        });
        let list = match operation {
            "BatchWriteItem" => slot,
            _ => &mut slot["Keys"],
        };
        list.as_array_mut().unwrap().push(entry);
    }
    Value::Object(out)
}

/// Forwards part of a batch request and returns the rest as unprocessed.
async fn partial(shared: &Shared, operation: &str, mut request: Message) -> io::Result<Message> {
    let unprocessed_field = match operation {
        "BatchWriteItem" => "UnprocessedItems",
        _ => "UnprocessedKeys",
    };
    let mut body: Value = serde_json::from_slice(&request.body)?;
    let items = body["RequestItems"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let all = entries(operation, &items);
    let mut held: Vec<bool> = all
        .iter()
        .map(|_| shared.rng.next() < shared.faults.hold_back)
        .collect();
    if !held.contains(&true) && !held.is_empty() {
        let one = (shared.rng.next() * held.len() as f64) as usize;
        held[one] = true;
    }
    let (held, kept): (Vec<_>, Vec<_>) = all.into_iter().zip(held).partition(|(_, h)| *h);
    let unzip =
        |list: Vec<((String, Value), bool)>| list.into_iter().map(|(e, _)| e).collect::<Vec<_>>();
    let (held, kept) = (unzip(held), unzip(kept));
    shared.counts.add(HELD_BACK, held.len());

    let mut response = if kept.is_empty() {
        Message::json("200 OK", &json!({}))
    } else {
        body["RequestItems"] = rebuild(operation, &items, kept);
        request.body = serde_json::to_vec(&body)?;
        let response = forward(&shared.upstream, &request).await?;
        if response.status() != "200" {
            return Ok(response);
        }
        response
    };
    let mut answer: Value = serde_json::from_slice(&response.body)?;
    let mut left = entries(
        operation,
        answer[unprocessed_field].as_object().unwrap_or(&Map::new()),
    );
    left.extend(held);
    answer[unprocessed_field] = rebuild(operation, &items, left);
    if operation == "BatchGetItem" && answer.get("Responses").is_none() {
        answer["Responses"] = json!({});
    }
    response.set_body(&answer);
    Ok(response)
}
