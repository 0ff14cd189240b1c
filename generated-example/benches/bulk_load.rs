//! How fast 50,000 `GameScore` items load into an empty table, three ways, on the same
//! in-process emulator ([`LocalDynamo`]) in one run:
//!
//! * `flywheel save_many`: flywheel's batch writer at its defaults, `engine.save_many(&items)`
//!   (requests of 25, `engine.concurrency()` = 8 requests in flight, retries of unprocessed
//!   items and transient errors, merging of repeated keys).
//! * `hand-written batch`: what a careful user writes with aws-sdk-dynamodb alone, on the same
//!   client (`engine.client()`): hand conversion of each item to an `AttributeValue` map, the
//!   same BatchWriteItem requests of 25 with 8 in flight (`buffer_unordered`, as flywheel does),
//!   and `UnprocessedItems` sent again in a simple loop with a growing pause.
//! * `single puts`: the naive loop, `for item in &items { engine.save(item).await? }`.
//!
//! The conversion of the models to DynamoDB items is inside the timed part for all three: in
//! flywheel it happens in `put_all`/`send`, in the hand-written code in `hand::to_item`, and the
//! single puts convert each item as they go. Making the 50,000 structs is outside.
//!
//! Why a plain `fn main` with `Instant` rather than Criterion: one iteration loads 50,000 items
//! and, for the single puts, takes many seconds; Criterion's sampling (100 samples, warm-up,
//! outlier analysis) would need minutes per variant, or a sample size so small that its
//! statistics mean little. What is worth knowing here is a handful of wall-clock times per
//! method under identical conditions, so each method runs `RUNS` times (3 by default), and
//! the minimum (the least disturbed run, the best guide on a busy machine) and median are
//! reported with items per second.
//!
//! Every run gets a fresh emulator (a new empty in-memory database, a new client and
//! connection pool) and creates the table anew, so no run inherits another's data, free
//! pages or connections; starting it, creating the table and checking the result are not
//! timed. The methods take turns within each round, in an order rotated from round to round,
//! so a slow spell of the machine does not fall on one method only. After every run the table
//! is counted with a raw `Select=COUNT` scan (must be exactly 50,000) and a few items are read
//! back raw and compared with the hand conversion, which proves both writers stored the same
//! thing.
//!
//! Besides wall-clock time, each run reports CPU time: `cpu` for the whole process (the
//! emulator runs in it and does most of the work) and `client cpu` for the main thread, where
//! the benchmark's future runs (`block_on`): the loading code itself, i.e. converting, batching,
//! serialising and signing requests and reading responses. The emulator is the bottleneck of a
//! bulk load, so client-side overhead shows far more clearly in `client cpu` than in the times.
//! The two writers do not do quite the same work: flywheel sends a copy of each chunk and keeps
//! the original, so that what a failed request held can be retried or handed back in
//! `BatchIncomplete` (nothing is dropped), and it merges repeated keys; the hand-written code
//! gives its requests to the SDK and, on an error, loses them with the error.
//!
//! Run with `cargo bench -p generated-example --bench bulk_load`. `BULK_LOAD_RUNS` and
//! `BULK_LOAD_ITEMS` change the number of runs and items (for a quick try), `BULK_LOAD_METHODS`
//! the methods run (letters, `abc` by default; `ab` leaves out the slow single puts).

use std::collections::HashMap;
use std::error::Error;
use std::time::{Duration, Instant};

use flywheel_runtime::aws_sdk_dynamodb::Client;
use flywheel_runtime::aws_sdk_dynamodb::types::{PutRequest, Select, WriteRequest};
use flywheel_runtime::chrono::DateTime;
use flywheel_runtime::local::LocalDynamo;
use flywheel_runtime::{Engine, Item, Model, ModelKey};
use futures::StreamExt;
use generated_example::models::GameScore;

type BoxError = Box<dyn Error + Send + Sync>;
type Result<T> = std::result::Result<T, BoxError>;

/// Items loaded per run.
const ITEMS: usize = 50_000;
/// Runs of each method.
const RUNS: usize = 3;
/// Writes per BatchWriteItem request (DynamoDB's limit, and flywheel's chunk).
const CHUNK: usize = 25;
/// Requests in flight in the hand-written code: flywheel's default concurrency.
const CONCURRENCY: usize = flywheel_runtime::engine::DEFAULT_CONCURRENCY;

// ---------------------------------------------------------------------------------------------
// The items
// ---------------------------------------------------------------------------------------------

const GAMES: [&str; 10] = [
    "Galaxy Invaders",
    "Meteor Blasters",
    "Starship X",
    "Alien Adventure",
    "Attack Ships",
    "Tetromino Rush",
    "Dungeon Delve",
    "Kart Racers 3",
    "Puzzle Quest: Origins",
    "Pong Deluxe",
];

/// A well-mixed number from `i` (splitmix64), so the data varies without a random crate.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `n` scores with distinct keys: players with ten games each; about one in ten has never
/// finished a game (no top score and no time), the others a score, a time to the millisecond
/// within the last year or so, and win and loss counts.
fn game_scores(n: usize) -> Vec<GameScore> {
    (0..n)
        .map(|i| {
            let r = mix(i as u64);
            let mut score = GameScore::new(
                format!("player-{:06}-{:04x}", i / GAMES.len(), r >> 48),
                GAMES[i % GAMES.len()],
            );
            if !r.is_multiple_of(10) {
                score.top_score = Some((r >> 8) as i64 % 250_000);
                let millis = (r >> 20) % 1000;
                score.top_score_time = DateTime::from_timestamp(
                    1_700_000_000 + ((r >> 24) % 31_536_000) as i64,
                    (millis * 1_000_000) as u32,
                );
                score.wins = ((r >> 40) % 400) as i64;
                score.losses = ((r >> 50) % 300) as i64;
            }
            score
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// (b) Hand-written aws-sdk-dynamodb code
// ---------------------------------------------------------------------------------------------

/// The conversion a careful user writes by hand, storing what flywheel stores.
#[path = "hand/game_score.rs"]
mod hand;

/// Loads `items` with BatchWriteItem requests of 25, 8 in flight; returns the requests sent.
async fn hand_written(client: &Client, table: &str, items: &[GameScore]) -> Result<usize> {
    let requests = items
        .iter()
        .map(|score| {
            let put = PutRequest::builder()
                .set_item(Some(hand::to_item(score)))
                .build()?;
            Ok(WriteRequest::builder().put_request(put).build())
        })
        .collect::<Result<Vec<WriteRequest>>>()?;
    // Move the requests into chunks (no clones).
    let mut chunks = Vec::with_capacity(requests.len().div_ceil(CHUNK));
    let mut requests = requests.into_iter();
    loop {
        let chunk: Vec<WriteRequest> = requests.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(chunk);
    }
    let results: Vec<Result<usize>> = futures::stream::iter(chunks)
        .map(|chunk| write_chunk(client, table, chunk))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    results.into_iter().sum()
}

/// Sends one chunk, then what DynamoDB left unprocessed until nothing is left. Errors are the
/// SDK's to retry (it does for throttling and transient errors) and end the load.
async fn write_chunk(client: &Client, table: &str, chunk: Vec<WriteRequest>) -> Result<usize> {
    let mut pending = HashMap::from([(table.to_owned(), chunk)]);
    let mut pause = Duration::from_millis(25);
    for attempt in 1..=10 {
        let out = client
            .batch_write_item()
            .set_request_items(Some(pending))
            .send()
            .await?;
        match out.unprocessed_items {
            Some(left) if left.values().any(|requests| !requests.is_empty()) => pending = left,
            _ => return Ok(attempt),
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
    Err("items still unprocessed after 10 attempts".into())
}

// ---------------------------------------------------------------------------------------------
// The three methods and the checks
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Method {
    Flywheel,
    Hand,
    Single,
}

impl Method {
    const ALL: [Method; 3] = [Method::Flywheel, Method::Hand, Method::Single];

    fn letter(self) -> char {
        match self {
            Method::Flywheel => 'a',
            Method::Hand => 'b',
            Method::Single => 'c',
        }
    }

    fn name(self) -> &'static str {
        match self {
            Method::Flywheel => "(a) flywheel save_many",
            Method::Hand => "(b) hand-written batch",
            Method::Single => "(c) single puts",
        }
    }

    /// Loads `items`; returns the requests sent.
    async fn load(self, engine: &Engine, items: &[GameScore]) -> Result<usize> {
        match self {
            Method::Flywheel => {
                let written = engine.save_many(items).await?;
                assert_eq!(written.written, items.len(), "flywheel wrote them all");
                Ok(written.requests)
            }
            Method::Hand => {
                let table = engine.table_name(&GameScore::SCHEMA);
                hand_written(engine.client(), &table, items).await
            }
            Method::Single => {
                for item in items {
                    engine.save(item).await?;
                }
                Ok(items.len())
            }
        }
    }
}

/// Counts the table's items with a raw `Select=COUNT` scan over every page.
async fn count(engine: &Engine) -> Result<usize> {
    let table = engine.table_name(&GameScore::SCHEMA);
    let mut total = 0;
    let mut start = None;
    loop {
        let out = engine
            .client()
            .scan()
            .table_name(&table)
            .select(Select::Count)
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await?;
        total += out.count as usize;
        start = out.last_evaluated_key;
        if start.is_none() {
            return Ok(total);
        }
    }
}

/// Reads a few items back raw: each must be exactly the hand conversion of its model.
async fn spot_check(engine: &Engine, items: &[GameScore]) -> Result<()> {
    let table = engine.table_name(&GameScore::SCHEMA);
    let last = items.len() - 1;
    for i in [0, 1, 9, 10, last / 3, last / 2, last - 1, last] {
        let expected: Item = hand::to_item(&items[i]);
        let key = GameScore::key(&items[i]).to_item()?;
        let stored = engine
            .client()
            .get_item()
            .table_name(&table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await?
            .item;
        if stored.as_ref() != Some(&expected) {
            return Err(format!("item {i} stored as {stored:?}, expected {expected:?}").into());
        }
        assert_eq!(GameScore::from_item(expected)?, items[i]);
    }
    Ok(())
}

/// The 1-minute load average, for the report.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// CPU time the whole process (client and emulator threads) has used so far, from
/// `/proc/self/stat` (user + system, in clock ticks, 100 a second on Linux); zero where there
/// is none.
fn cpu_time() -> Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            // The fields after the command name in parentheses; utime and stime are the 12th
            // and 13th of them.
            let rest = stat.rsplit_once(')')?.1;
            let mut fields = rest.split_whitespace().skip(11);
            let user: u64 = fields.next()?.parse().ok()?;
            let system: u64 = fields.next()?.parse().ok()?;
            Some(user + system)
        })
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// CPU time the calling thread has used so far, from `/proc/thread-self/schedstat` (in
/// nanoseconds); zero where there is none. The benchmark's future runs on the main thread
/// (`block_on`), so this is what the loading code itself costs on the client side: converting,
/// batching, serialising and signing requests, reading responses. The emulator and the
/// connections' I/O run on other threads. The kernel brings the figure up to date at each
/// scheduler tick, so it is good to a few milliseconds.
fn thread_cpu_time() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

struct Run {
    time: Duration,
    /// CPU time of the whole process, emulator included.
    cpu: Duration,
    /// CPU time of the loading code (the main thread).
    client: Duration,
    requests: usize,
}

/// One run on a fresh emulator: create the table, load (timed), check.
async fn run(method: Method, items: &[GameScore]) -> Result<Run> {
    let local = LocalDynamo::start()?;
    let engine = local.engine();
    engine.create_schema(&[&GameScore::SCHEMA]).await?;
    assert_eq!(
        engine.concurrency(),
        CONCURRENCY,
        "flywheel's default concurrency"
    );

    let (started, cpu_before, client_before) = (Instant::now(), cpu_time(), thread_cpu_time());
    let requests = method.load(&engine, items).await?;
    let time = started.elapsed();
    let client = thread_cpu_time().saturating_sub(client_before);
    let cpu = cpu_time().saturating_sub(cpu_before);

    let counted = count(&engine).await?;
    if counted != items.len() {
        return Err(format!(
            "{}: the table holds {counted} items, not {}",
            method.name(),
            items.len()
        )
        .into());
    }
    spot_check(&engine, items).await?;
    // The client goes before the server, so the server finds no open connection to wait for.
    drop(engine);
    drop(local);
    Ok(Run {
        time,
        cpu,
        client,
        requests,
    })
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

fn per_second(items: usize, time: Duration) -> f64 {
    items as f64 / time.as_secs_f64()
}

async fn bench() -> Result<()> {
    let runs = env_number("BULK_LOAD_RUNS", RUNS);
    let count = env_number("BULK_LOAD_ITEMS", ITEMS).max(11);
    let letters = std::env::var("BULK_LOAD_METHODS").unwrap_or_else(|_| "abc".to_owned());
    let methods: Vec<Method> = Method::ALL
        .into_iter()
        .filter(|m| letters.contains(m.letter()))
        .collect();
    let items = game_scores(count);
    println!(
        "bulk_load: {count} GameScore items, {runs} runs per method, fresh emulator per run; \
         load average {} at start",
        load_average()
    );

    // Warm-up, not timed: a small load of each kind pages the code in and grows the allocator.
    for &method in &methods {
        let n = if method == Method::Single { 200 } else { 2_000 }.min(count);
        run(method, &items[..n]).await?;
    }

    let mut runs_of: HashMap<Method, Vec<Run>> = HashMap::new();
    for round in 0..runs {
        for k in 0..methods.len() {
            let method = methods[(round + k) % methods.len()];
            let run = run(method, &items).await?;
            println!(
                "  round {}  {:<24} {:>8.3} s {:>8.0} items/s  cpu {:>5.2} s  client cpu {:>5.3} s  \
                 {:>5} requests  (load {})",
                round + 1,
                method.name(),
                run.time.as_secs_f64(),
                per_second(count, run.time),
                run.cpu.as_secs_f64(),
                run.client.as_secs_f64(),
                run.requests,
                load_average(),
            );
            runs_of.entry(method).or_default().push(run);
        }
    }

    let median = |mut values: Vec<Duration>| {
        values.sort();
        values[values.len() / 2]
    };
    println!(
        "\n{:<24} {:>10} {:>9} {:>10} {:>9} {:>8} {:>11}",
        "method", "min", "items/s", "median", "items/s", "cpu", "client cpu"
    );
    for &method in &methods {
        let done = runs_of.remove(&method).unwrap_or_default();
        let min = done.iter().map(|r| r.time).min().unwrap_or_default();
        let time = median(done.iter().map(|r| r.time).collect());
        let cpu = median(done.iter().map(|r| r.cpu).collect());
        let client = median(done.iter().map(|r| r.client).collect());
        println!(
            "{:<24} {:>8.3} s {:>9.0} {:>8.3} s {:>9.0} {:>6.2} s {:>9.3} s",
            method.name(),
            min.as_secs_f64(),
            per_second(count, min),
            time.as_secs_f64(),
            per_second(count, time),
            cpu.as_secs_f64(),
            client.as_secs_f64(),
        );
    }
    println!(
        "(min and median wall-clock time of {runs} runs, with items/s; cpu and client cpu: medians)"
    );
    println!("load average {} at the end", load_average());
    Ok(())
}

fn main() -> Result<()> {
    // Cargo passes `--bench` (and maybe a filter); there is nothing to select, so ignore them.
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(bench())
}
