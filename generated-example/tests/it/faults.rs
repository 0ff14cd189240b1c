//! Batches under injected faults: a proxy between the SDK and the emulator throttles requests,
//! answers batches in part and drops connections; nothing may be lost or duplicated, and what
//! cannot be done comes back item by item in `Error::BatchIncomplete`.

use crate::harness::db;
use crate::harness::faults;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use db::start_local_with_tables;
use faults::{FaultProxy, Faults};
use flywheel_runtime::batch::Unprocessed;
use flywheel_runtime::chrono::DateTime;
use flywheel_runtime::{AttributeValue, Engine, Error, Item, Model, RetryPolicy};
use generated_example::models::game_score::{GameScore, GameScoreKey};
use generated_example::models::order::{Order, OrderKey};

/// A score with content of its own: every field follows from `i`.
fn score(i: usize) -> GameScore {
    let mut score = GameScore::new(format!("player-{:03}", i % 211), format!("game-{i:05}"));
    score.top_score = Some(i as i64 * 7);
    score.top_score_time = DateTime::from_timestamp(1_700_000_000 + i as i64, 0);
    score.wins = (i % 97) as i64;
    score.losses = (i % 13) as i64;
    score
}

fn order(i: usize) -> Order {
    let created = DateTime::from_timestamp(1_700_000_000 + i as i64, 0).unwrap();
    let mut order = Order::new(format!("c-{i}"), format!("o-{i}"), created, i as i64);
    order.sku = Some(format!("sku-{i}"));
    order
}

/// The models of the puts among `unprocessed` that are puts of `M`.
fn models<M: flywheel_runtime::Model>(unprocessed: &[Unprocessed], engine: &Engine) -> Vec<M> {
    unprocessed
        .iter()
        .filter_map(|u| u.model::<M>(engine))
        .collect::<Result<_, _>>()
        .unwrap()
}

/// A canonical text of a key, to compare unprocessed keys with the keys asked for.
fn key_text(key: &Item) -> String {
    let mut pairs: Vec<_> = key.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    pairs.sort();
    pairs.join(",")
}

fn key_of<M: Model>(key: &M::Key) -> String {
    key_text(&flywheel_runtime::ModelKey::to_item(key).unwrap())
}

/// An attempt leaves something to do when the proxy throttles it (20%), answers in part (30%)
/// or drops it (5%): about 0.55, so a chunk is still incomplete after 40 attempts with a
/// chance of about 0.55^40 = 4e-11. (The policy is the only one: the SDK does not retry on
/// its own.)
fn patient() -> RetryPolicy {
    RetryPolicy {
        attempts: 40,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(50),
        jitter: true,
    }
}

/// Three quick attempts: leftovers survive them.
fn impatient() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(1),
        jitter: false,
    }
}

const ITEMS: usize = 20_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_thousand_items_survive_throttling_partial_batches_and_dropped_connections() {
    let started = Instant::now();
    let (local, direct) = start_local_with_tables().await;
    let faults = Faults {
        throttle: 0.20,
        partial: 0.30,
        hold_back: 0.5,
        drop: 0.05,
    };
    let proxy = FaultProxy::start(local.endpoint(), faults, faults::seed()).await;
    let engine = proxy.engine(patient());

    let items: Vec<GameScore> = (0..ITEMS).map(score).collect();
    // 1,000 items that a later batch deletes again.
    let doomed: Vec<GameScore> = (ITEMS..ITEMS + 1_000).map(score).collect();
    let first = 15_000;
    let mut load = items[..first].to_vec();
    load.extend(doomed.iter().cloned());
    let written = engine
        .save_many(&load)
        .await
        .expect("every item is written");
    assert_eq!(written.written, load.len());
    let written = engine
        .batch_write()
        .put_all(&items[first..])
        .delete_all(doomed.iter().map(GameScore::key))
        .send()
        .await
        .expect("every put and delete is carried out");
    assert_eq!(written.written, ITEMS - first + doomed.len());

    // Read back through the proxy, under the same faults.
    let keys: Vec<GameScoreKey> = items.iter().map(GameScore::key).collect();
    let through_proxy = engine
        .get_many(keys.clone())
        .await
        .expect("every key is read");
    assert_eq!(through_proxy.len(), ITEMS);
    for (expected, read) in items.iter().zip(&through_proxy) {
        assert_eq!(read.as_ref(), Some(expected));
    }
    let gone = engine
        .get_many(doomed.iter().map(GameScore::key))
        .await
        .expect("every doomed key is read");
    assert!(gone.iter().all(Option::is_none), "deleted items are gone");

    // Read back from the emulator directly: the whole table, and every key.
    let scanned = GameScore::scan().consistent().all(&direct).await.unwrap();
    let scanned_len = scanned.len();
    let mut found: HashMap<GameScoreKey, GameScore> = HashMap::new();
    let mut duplicated = 0;
    for item in scanned {
        if found.insert(item.key(), item).is_some() {
            duplicated += 1;
        }
    }
    let lost = items
        .iter()
        .filter(|i| found.get(&i.key()) != Some(i))
        .count();
    let direct_reads = direct.get_many(keys).await.unwrap();
    assert!(
        direct_reads
            .iter()
            .zip(&items)
            .all(|(r, i)| r.as_ref() == Some(i))
    );

    let counts = proxy.counts();
    println!(
        "seed {}: {} requests, {} throttled, {} partial ({} writes/keys held back), {} dropped, \
         {} forwarded; {ITEMS} items, {} scanned, {lost} lost, {duplicated} duplicated, in {:.1?}",
        proxy.seed(),
        counts.requests,
        counts.throttled,
        counts.partial,
        counts.held_back,
        counts.dropped,
        counts.forwarded,
        scanned_len,
        started.elapsed()
    );
    assert_eq!(
        scanned_len, ITEMS,
        "the table holds the items written and no other"
    );
    assert_eq!((lost, duplicated), (0, 0));
    assert!(counts.throttled > 0, "{counts:?}");
    assert!(counts.partial > 0 && counts.held_back > 0, "{counts:?}");
    assert!(counts.dropped > 0, "{counts:?}");
}

/// A proxy that answers every batch in part; `hold_back` is each write's or key's chance to be
/// left unprocessed.
async fn stingy(
    local: &flywheel_runtime::local::LocalDynamo,
    hold_back: f64,
) -> (FaultProxy, Engine) {
    let faults = Faults {
        partial: 1.0,
        hold_back,
        ..Faults::default()
    };
    let proxy = FaultProxy::start(local.endpoint(), faults, faults::seed()).await;
    let engine = proxy.engine(impatient());
    (proxy, engine)
}

/// 60 scores and 10 orders to put, and 40 stored scores to delete: 110 writes, 5 requests.
struct WriteCase {
    puts: Vec<GameScore>,
    orders: Vec<Order>,
    deletes: Vec<GameScore>,
}

impl WriteCase {
    async fn prepare(direct: &Engine) -> WriteCase {
        let deletes: Vec<GameScore> = (1_000..1_040).map(score).collect();
        direct.save_many(&deletes).await.unwrap();
        WriteCase {
            puts: (0..60).map(score).collect(),
            orders: (0..10).map(order).collect(),
            deletes,
        }
    }

    fn len(&self) -> usize {
        self.puts.len() + self.orders.len() + self.deletes.len()
    }

    async fn send(&self, engine: &Engine) -> Result<flywheel_runtime::batch::BatchWritten, Error> {
        engine
            .batch_write()
            .overwrite_versions()
            .put_all(&self.puts)
            .put_all(&self.orders)
            .delete_all(self.deletes.iter().map(GameScore::key))
            .send()
            .await
    }

    /// Checks that `unprocessed` holds exactly the writes the table does not show, and returns
    /// how many writes the table shows.
    async fn check(&self, direct: &Engine, engine: &Engine, unprocessed: &[Unprocessed]) -> usize {
        let mut left_puts: HashMap<String, Item> = HashMap::new();
        let mut left_deletes: HashSet<String> = HashSet::new();
        for u in unprocessed {
            match u {
                Unprocessed::Put { item, .. } => {
                    let key = match u.table() {
                        "GameScores" => {
                            key_of::<GameScore>(&GameScore::from_item(item.clone()).unwrap().key())
                        }
                        "Orders" => key_of::<Order>(&Order::from_item(item.clone()).unwrap().key()),
                        other => panic!("a put in table {other}"),
                    };
                    assert!(
                        left_puts.insert(key, item.clone()).is_none(),
                        "a put is left twice"
                    );
                }
                Unprocessed::Delete { table, key } => {
                    assert_eq!(table, "GameScores");
                    assert!(left_deletes.insert(key_text(key)), "a delete is left twice");
                }
                Unprocessed::Get { .. } => panic!("a batch write left a get: {u:?}"),
            }
        }

        let mut done = 0;
        let stored = direct
            .get_many(self.puts.iter().map(GameScore::key))
            .await
            .unwrap();
        for (put, stored) in self.puts.iter().zip(stored) {
            let left = left_puts.remove(&key_of::<GameScore>(&put.key()));
            match (stored, left) {
                (Some(stored), None) => {
                    assert_eq!(&stored, put);
                    done += 1;
                }
                (None, Some(left)) => {
                    let u = Unprocessed::Put {
                        table: "GameScores".into(),
                        item: left,
                    };
                    assert_eq!(u.model::<GameScore>(engine).unwrap().unwrap(), *put);
                    assert!(u.model::<Order>(engine).is_none());
                }
                (stored, left) => panic!("put {:?}: stored {stored:?}, left {left:?}", put.key()),
            }
        }
        let stored = direct
            .get_many(self.orders.iter().map(Order::key))
            .await
            .unwrap();
        for (order, stored) in self.orders.iter().zip(stored) {
            let written = Order {
                revision: order.revision + 1,
                ..order.clone()
            };
            let left = left_puts.remove(&key_of::<Order>(&order.key()));
            match (stored, left) {
                (Some(stored), None) => {
                    assert_eq!(stored, written);
                    done += 1;
                }
                (None, Some(left)) => {
                    let u = Unprocessed::Put {
                        table: "Orders".into(),
                        item: left,
                    };
                    assert_eq!(u.model::<Order>(engine).unwrap().unwrap(), written);
                    assert!(u.model::<GameScore>(engine).is_none());
                }
                (stored, left) => panic!("put {:?}: stored {stored:?}, left {left:?}", order.key()),
            }
        }
        let stored = direct
            .get_many(self.deletes.iter().map(GameScore::key))
            .await
            .unwrap();
        for (deleted, stored) in self.deletes.iter().zip(stored) {
            let left = left_deletes.remove(&key_of::<GameScore>(&deleted.key()));
            match (stored, left) {
                (None, false) => done += 1,
                (Some(stored), true) => assert_eq!(&stored, deleted),
                (stored, left) => {
                    panic!("delete {:?}: stored {stored:?}, left {left}", deleted.key())
                }
            }
        }
        assert!(
            left_puts.is_empty(),
            "puts left that were never asked for: {left_puts:?}"
        );
        assert!(
            left_deletes.is_empty(),
            "deletes left that were never asked for: {left_deletes:?}"
        );
        done
    }
}

#[tokio::test]
async fn writes_left_unprocessed_come_back_item_by_item() {
    let (local, direct) = start_local_with_tables().await;
    let case = WriteCase::prepare(&direct).await;
    let (proxy, engine) = stingy(&local, 0.5).await;
    let Err(Error::BatchIncomplete {
        done,
        unprocessed,
        cause,
    }) = case.send(&engine).await
    else {
        panic!("every request was answered in part, three times");
    };
    assert!(cause.is_none(), "no request failed: {cause:?}");
    let written = case.check(&direct, &engine, &unprocessed).await;
    assert_eq!(done, written);
    assert_eq!(done + unprocessed.len(), case.len());
    assert!(
        done > 0 && !unprocessed.is_empty(),
        "{done} done, {} left",
        unprocessed.len()
    );
    let counts = proxy.counts();
    assert_eq!(
        counts.requests,
        5 * 3,
        "5 chunks, 3 attempts each: {counts:?}"
    );
    println!(
        "{done} written, {} unprocessed; {counts:?}",
        unprocessed.len()
    );
}

#[tokio::test]
async fn writes_of_requests_that_keep_failing_come_back_with_the_cause() {
    let (local, direct) = start_local_with_tables().await;
    let case = WriteCase::prepare(&direct).await;
    let faults = Faults {
        throttle: 1.0,
        ..Faults::default()
    };
    let proxy = FaultProxy::start(local.endpoint(), faults, faults::seed()).await;
    let engine = proxy.engine(impatient());
    let Err(Error::BatchIncomplete {
        done,
        unprocessed,
        cause: Some(cause),
    }) = case.send(&engine).await
    else {
        panic!("every request was throttled, three times");
    };
    assert_eq!(
        cause.code(),
        Some("ProvisionedThroughputExceededException"),
        "{cause}"
    );
    assert_eq!(done, 0);
    assert_eq!(proxy.counts().throttled, 5 * 3, "5 chunks, 3 attempts each");
    // The first attempt sent the puts themselves, not copies: what comes back was made again
    // from the models, exactly as it was first sent (the orders' versions stamped).
    assert_eq!(unprocessed.len(), case.len());
    assert_eq!(case.check(&direct, &engine, &unprocessed).await, 0);
    let scores: Vec<GameScore> = models(&unprocessed, &engine);
    assert_eq!(scores, case.puts);
    let orders: Vec<Order> = models(&unprocessed, &engine);
    assert_eq!(orders.len(), case.orders.len());
    assert!(orders.iter().all(|o| o.revision == 1), "stamped versions");
}

#[tokio::test]
async fn writes_never_processed_all_come_back() {
    let (local, direct) = start_local_with_tables().await;
    let case = WriteCase::prepare(&direct).await;
    let (proxy, engine) = stingy(&local, 1.0).await;
    let Err(Error::BatchIncomplete {
        done,
        unprocessed,
        cause: None,
    }) = case.send(&engine).await
    else {
        panic!("nothing was processed");
    };
    assert_eq!(done, 0);
    assert_eq!(unprocessed.len(), case.len());
    assert_eq!(case.check(&direct, &engine, &unprocessed).await, 0);
    assert_eq!(proxy.counts().held_back, 3 * case.len());
    // The leftovers, decoded and sent again without the proxy, complete the batch.
    let scores: Vec<GameScore> = models(&unprocessed, &engine);
    assert_eq!(scores, case.puts);
    direct.save_many(&scores).await.unwrap();
    assert_eq!(
        direct
            .get_many(case.puts.iter().map(GameScore::key))
            .await
            .unwrap(),
        case.puts.iter().cloned().map(Some).collect::<Vec<_>>()
    );
}

/// Checks that the unprocessed part of a batch get holds distinct keys among those asked for,
/// of the right tables.
fn check_left_keys(
    engine: &Engine,
    unprocessed: &[Unprocessed],
    asked: &HashMap<String, &'static str>,
) {
    let mut seen = HashSet::new();
    for u in unprocessed {
        let Unprocessed::Get { table, key } = u else {
            panic!("a batch get left {u:?}");
        };
        let text = key_text(key);
        assert_eq!(
            asked.get(&text).copied(),
            Some(table.as_str()),
            "{u:?} was not asked for"
        );
        assert!(seen.insert(text), "{u:?} is left twice");
        assert!(
            u.model::<GameScore>(engine).is_none(),
            "a get holds no model"
        );
    }
}

#[tokio::test]
async fn keys_left_unread_come_back_as_unprocessed_gets() {
    let (local, direct) = start_local_with_tables().await;
    let scores: Vec<GameScore> = (0..150).map(score).collect();
    direct.save_many(&scores).await.unwrap();
    // 150 stored keys, 20 missing ones and 10 asked twice: 170 distinct keys, 2 requests.
    let mut keys: Vec<GameScoreKey> = scores.iter().map(GameScore::key).collect();
    keys.extend((5_000..5_020).map(|i| score(i).key()));
    keys.extend(keys[..10].to_vec());
    let asked: HashMap<String, &'static str> = keys
        .iter()
        .map(|k| (key_of::<GameScore>(k), "GameScores"))
        .collect();
    assert_eq!(asked.len(), 170);

    for hold_back in [0.5, 1.0] {
        let (proxy, engine) = stingy(&local, hold_back).await;
        let Err(Error::BatchIncomplete {
            done,
            unprocessed,
            cause: None,
        }) = engine.get_many(keys.clone()).await
        else {
            panic!("every request was answered in part, three times");
        };
        check_left_keys(&engine, &unprocessed, &asked);
        assert_eq!(
            done + unprocessed.len(),
            asked.len(),
            "keys read and keys left"
        );
        if hold_back == 1.0 {
            assert_eq!((done, unprocessed.len()), (0, 170));
        } else {
            assert!(
                done > 0 && !unprocessed.is_empty(),
                "{done} read, {} left",
                unprocessed.len()
            );
        }
        assert_eq!(proxy.counts().requests, 2 * 3, "2 chunks, 3 attempts each");
    }

    // A batch get of two models: the leftovers name their tables.
    let orders: Vec<Order> = (0..5).map(order).collect();
    direct
        .batch_write()
        .overwrite_versions()
        .put_all(&orders)
        .send()
        .await
        .unwrap();
    let (_proxy, engine) = stingy(&local, 1.0).await;
    let mut batch = engine.batch_get();
    let mut asked = HashMap::new();
    for s in &scores[..5] {
        batch.add(s.key());
        asked.insert(key_of::<GameScore>(&s.key()), "GameScores");
    }
    for o in &orders {
        batch.add(o.key());
        asked.insert(key_of::<Order>(&o.key()), "Orders");
    }
    batch.add(OrderKey::new("c-none", "o-none"));
    asked.insert(
        key_of::<Order>(&OrderKey::new("c-none", "o-none")),
        "Orders",
    );
    let Err(Error::BatchIncomplete {
        done: 0,
        unprocessed,
        cause: None,
    }) = batch.send().await
    else {
        panic!("nothing was read");
    };
    assert_eq!(unprocessed.len(), 11);
    check_left_keys(&engine, &unprocessed, &asked);
    // The emulator holds them all; nothing was lost on the way.
    for u in &unprocessed {
        let Unprocessed::Get { table, key } = u else {
            unreachable!()
        };
        let mut get = direct.client().get_item().table_name(table);
        for (name, value) in key {
            get = get.key(name, value.clone());
        }
        let item = get.send().await.unwrap().item;
        let missing = key.get("customer_id") == Some(&AttributeValue::S("c-none".into()));
        assert_eq!(item.is_none(), missing, "{u:?}");
    }
}

/// Under permanent throttling every request is sent exactly as often as the engine's policy
/// says, whichever way the engine was made and whatever retries its client was configured
/// with: the SDK does not retry on top, and batches do not multiply attempts.
#[tokio::test]
async fn one_retry_policy_counts_every_request_under_throttling() {
    use flywheel_runtime::aws_sdk_dynamodb::config::retry::RetryConfig;
    use flywheel_runtime::aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};

    let (local, _direct) = start_local_with_tables().await;
    let always = Faults {
        throttle: 1.0,
        ..Faults::default()
    };
    let proxy = FaultProxy::start(local.endpoint(), always, faults::seed()).await;
    let policy = RetryPolicy {
        attempts: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
        jitter: false,
    };
    // A client with its own, larger retry settings, as an application may have made it.
    let config = flywheel_runtime::aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(proxy.url())
        .credentials_provider(Credentials::new("x", "x", None, None, "test"))
        .retry_config(RetryConfig::standard().with_max_attempts(7))
        .build();
    let sdk_config = flywheel_runtime::aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(proxy.url())
        .credentials_provider(
            flywheel_runtime::aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
                Credentials::new("x", "x", None, None, "test"),
            ),
        )
        .retry_config(RetryConfig::standard().with_max_attempts(9))
        .build();
    let engines = [
        ("proxy engine", proxy.engine(policy)),
        (
            "from_client",
            Engine::from_client(flywheel_runtime::aws_sdk_dynamodb::Client::from_conf(
                config,
            ))
            .with_retry(policy),
        ),
        (
            "from_sdk_config",
            Engine::from_sdk_config(&sdk_config).with_retry(policy),
        ),
    ];
    let count = |before: usize| proxy.counts().requests - before;
    for (name, engine) in engines {
        let before = proxy.counts().requests;
        let err = engine.get(GameScoreKey::new("a", "b")).await.unwrap_err();
        assert_eq!(
            err.code(),
            Some("ProvisionedThroughputExceededException"),
            "{name}"
        );
        assert_eq!(count(before), 4, "{name}: GetItem");

        // An increment is retried too: a throttled request was not carried out.
        let before = proxy.counts().requests;
        GameScore::update(GameScoreKey::new("a", "b"))
            .incr(GameScore::WINS, 1)
            .send(&engine)
            .await
            .unwrap_err();
        assert_eq!(count(before), 4, "{name}: UpdateItem");

        // A batch of two chunks: four requests each, not sixteen.
        let before = proxy.counts().requests;
        let items: Vec<GameScore> = (0..30).map(score).collect();
        match engine.save_many(&items).await {
            Err(Error::BatchIncomplete {
                done, unprocessed, ..
            }) => {
                assert_eq!(done, 0);
                assert_eq!(unprocessed.len(), 30);
            }
            other => panic!("{name}: expected BatchIncomplete, got {other:?}"),
        }
        assert_eq!(count(before), 8, "{name}: BatchWriteItem");

        let before = proxy.counts().requests;
        assert!(GameScore::query("a").all(&engine).await.is_err());
        assert_eq!(count(before), 4, "{name}: Query");
    }
}
