//! A server that answers DynamoDB calls badly on purpose, and items that are bad in memory:
//! each case must end in a typed error or a bounded retry, never a panic, a hang or an
//! unbounded allocation. Also the limits DynamoDB puts on items, checked before sending.

use crate::harness::db;
use crate::harness::faults;
use crate::harness::requests::recording;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use flywheel_runtime::aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use flywheel_runtime::aws_sdk_dynamodb::{Client, Config};
use flywheel_runtime::error::TimeoutKind;
use flywheel_runtime::retry::Timeouts;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{AttributeValue, Engine, Error, Item, Model, RetryPolicy};
use generated_example::models::game_score::{GameScore, GameScoreKey};
use generated_example::models::order::Order;
use generated_example::models::user_profile::{UserProfile, UserProfileKey};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Clone)]
enum Reply {
    /// An HTTP response: status line (`200 OK`), content type, body.
    Http(&'static str, &'static str, Vec<u8>),
    /// Reads the request and never answers.
    Silence,
    /// Answers `200 OK` with this body, one byte a second.
    Drip(Vec<u8>),
}

fn json(body: &str) -> Reply {
    Reply::Http(
        "200 OK",
        "application/x-amz-json-1.0",
        body.as_bytes().to_vec(),
    )
}

/// What the server answers: a reply per operation and request number.
type Replies = dyn Fn(&str, usize) -> Reply + Send + Sync;

/// A server on 127.0.0.1 that gives every request `reply(operation, request number)`.
struct Hostile {
    url: String,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Hostile {
    async fn start(reply: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        let reply = Arc::new(reply);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, counter.clone(), reply.clone()));
            }
        });
        Hostile {
            url,
            requests,
            task,
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// An engine for this server with short time limits and `attempts` attempts.
    fn engine(&self, attempts: u32) -> Engine {
        let config = Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&self.url)
            .credentials_provider(Credentials::new("x", "x", None, None, "hostile"))
            .build();
        Engine::from_client(Client::from_conf(config))
            .with_retry(RetryPolicy {
                attempts,
                base_delay: Duration::from_millis(1),
                max_delay: Duration::from_millis(5),
                jitter: false,
            })
            .with_timeouts(Timeouts {
                connect: Duration::from_secs(1),
                attempt: Duration::from_millis(800),
                operation: Duration::from_secs(5),
            })
    }
}

async fn serve(mut stream: TcpStream, counter: Arc<AtomicUsize>, reply: Arc<Replies>) {
    let mut buffer = Vec::new();
    while let Ok(Some(request)) = faults::read_message(&mut stream, &mut buffer).await {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let operation = request
            .header("x-amz-target")
            .and_then(|target| target.rsplit('.').next())
            .unwrap_or_default()
            .to_owned();
        match reply(&operation, n) {
            Reply::Http(status, content_type, body) => {
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).await.is_err()
                    || stream.write_all(&body).await.is_err()
                {
                    return;
                }
            }
            Reply::Silence => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Reply::Drip(body) => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for b in body {
                    if stream.write_all(&[b]).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                return;
            }
        }
    }
}

fn key() -> GameScoreKey {
    GameScoreKey::new("abc", "Comet Quest")
}

#[tokio::test]
async fn a_repeated_last_evaluated_key_ends_the_read_with_an_error() {
    // Page after page with the same LastEvaluatedKey, and one that alternates between two.
    for cycle in [1usize, 2] {
        let server = Hostile::start(move |_, n| {
            json(&format!(
                r#"{{"Items":[],"Count":0,"ScannedCount":0,"LastEvaluatedKey":{{"userid":{{"S":"abc"}},"title":{{"S":"t{}"}}}}}}"#,
                n % cycle
            ))
        })
        .await;
        let engine = server.engine(3);
        let started = Instant::now();
        for (what, result) in [
            (
                "all",
                GameScore::query("abc").all(&engine).await.map(|v| v.len()),
            ),
            (
                "count",
                GameScore::query("abc")
                    .count(&engine)
                    .await
                    .map(|c| c as usize),
            ),
            (
                "scan",
                GameScore::scan().all(&engine).await.map(|v| v.len()),
            ),
            (
                "limit",
                GameScore::query("abc")
                    .limit(5)
                    .page(&engine, None)
                    .await
                    .map(|p| p.items.len()),
            ),
        ] {
            match result {
                Err(Error::BadResponse {
                    operation, message, ..
                }) => {
                    assert!(operation == "Query" || operation == "Scan", "{what}");
                    assert!(message.contains("LastEvaluatedKey"), "{what}: {message}");
                }
                other => panic!("{what}: expected BadResponse, got {other:?}"),
            }
        }
        let stream: Vec<_> =
            futures::StreamExt::collect::<Vec<_>>(GameScore::query("abc").stream(&engine)).await;
        assert!(matches!(
            stream.last(),
            Some(Err(Error::BadResponse { .. }))
        ));
        assert!(started.elapsed() < Duration::from_secs(5));
        // Each read stops after the key comes back once.
        assert!(
            server.requests() <= 5 * (cycle + 1),
            "{} requests",
            server.requests()
        );
    }
}

#[tokio::test]
async fn a_server_that_never_answers_or_drips_times_out_naming_the_operation() {
    let silent = Hostile::start(|_, _| Reply::Silence).await;
    let engine = silent.engine(2);
    let started = Instant::now();
    match engine.get(key()).await {
        Err(Error::Timeout {
            operation,
            table,
            kind,
            attempts,
            ..
        }) => {
            assert_eq!(operation, "GetItem");
            assert_eq!(table, "GameScores");
            assert_eq!(kind, TimeoutKind::Attempt);
            assert_eq!(attempts, 2, "a read is tried again");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(silent.requests(), 2);
    // An increment whose answer is lost is not sent again: it may have been applied.
    let before = silent.requests();
    let err = GameScore::update(key())
        .incr(GameScore::WINS, 1)
        .send(&engine)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    assert_eq!(silent.requests() - before, 1);
    let message = err.to_string();
    assert!(
        message.contains("UpdateItem on table GameScores timed out"),
        "{message}"
    );

    // The operation limit bounds many attempts.
    let engine = silent.engine(100).with_timeouts(Timeouts {
        connect: Duration::from_secs(1),
        attempt: Duration::from_millis(300),
        operation: Duration::from_secs(1),
    });
    let started = Instant::now();
    match engine.get(key()).await {
        Err(Error::Timeout { kind, .. }) => assert_eq!(kind, TimeoutKind::Operation),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));

    // A body sent one byte a second.
    let drip =
        Hostile::start(|_, _| Reply::Drip(br#"{"Item":{"userid":{"S":"abc"}}}"#.to_vec())).await;
    let engine = drip.engine(1);
    let started = Instant::now();
    match engine.get(key()).await {
        Err(Error::Timeout { kind, .. }) => assert_eq!(kind, TimeoutKind::Attempt),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn errors_without_a_dynamodb_code_say_what_came_back() {
    let cases: Vec<(Reply, &[&str])> = vec![
        (
            Reply::Http(
                "502 Bad Gateway",
                "text/html",
                b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
            ),
            &["HTTP 502", "<html><body><h1>502 Bad Gateway"],
        ),
        (
            Reply::Http("500 Internal Server Error", "text/plain", Vec::new()),
            &["HTTP 500", "empty"],
        ),
        (
            Reply::Http(
                "503 Service Unavailable",
                "text/plain",
                b"try later".to_vec(),
            ),
            &["HTTP 503", "try later"],
        ),
        (json("{not json"), &["not a DynamoDB response", "{not json"]),
        (
            json(r#"{"Item": {"userid": {"S": "ab"#),
            &["not a DynamoDB response"],
        ),
    ];
    for (reply, expected) in cases {
        let server = Hostile::start(move |_, _| reply.clone()).await;
        let engine = server.engine(2);
        let err = engine.get(key()).await.unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("GetItem failed: "), "{message}");
        for part in expected {
            assert!(message.contains(part), "{part:?} not in {message}");
        }
        assert!(message.len() < 400, "a short message: {message}");
        // Server errors are retried (a read is safe to repeat), within the policy.
        assert!(server.requests() <= 2);
    }
}

#[tokio::test]
async fn an_exponent_bomb_in_a_response_is_refused_at_once() {
    for (attribute, value) in [
        ("top_score", r#"{"N":"1E+999999999"}"#),
        ("top_score_time", r#"{"N":"1E+999999999"}"#),
        ("top_score", r#"{"N":"-1E-999999999"}"#),
        ("wins", r#"{"N":"123456789012345678901234567890123456789"}"#),
    ] {
        let body = format!(
            r#"{{"Item":{{"userid":{{"S":"abc"}},"title":{{"S":"Comet Quest"}},"{attribute}":{value}}}}}"#
        );
        let server = Hostile::start(move |_, _| json(&body)).await;
        let engine = server.engine(1);
        let started = Instant::now();
        match engine.get(key()).await {
            Err(Error::Decode(e)) => {
                assert_eq!(e.attribute, attribute);
                assert!(e.expected.contains("DynamoDB number"), "{e}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}

#[tokio::test]
async fn numbers_beyond_dynamodb_are_decode_errors_for_every_number_type() {
    let bombs = ["1E+999999999", "-1E+126", "1E-131", "1.2.3", "1e", ""];
    for bomb in bombs {
        let mut item = GameScore::new("abc", "t").to_item().unwrap();
        item.insert("top_score".into(), AttributeValue::N(bomb.into()));
        assert!(GameScore::from_item(item).is_err(), "int {bomb:?}");
        let profile = UserProfile::new(
            Uuid::from_u128(1),
            "a@example.com",
            flywheel_runtime::chrono::DateTime::from_timestamp(0, 0).unwrap(),
        )
        .to_item()
        .unwrap();
        for (name, value) in [
            ("balance", AttributeValue::N(bomb.into())),
            ("rating", AttributeValue::N(bomb.into())),
            (
                "settings",
                AttributeValue::M(Item::from([("n".into(), AttributeValue::N(bomb.into()))])),
            ),
            (
                "lucky_numbers",
                AttributeValue::Ns(vec!["1".into(), bomb.into()]),
            ),
        ] {
            let mut item = profile.clone();
            item.insert(name.into(), value);
            let started = Instant::now();
            match UserProfile::from_item(item) {
                Err(e) => assert!(e.attribute.starts_with(name), "{bomb:?}: {e}"),
                Ok(_) => panic!("{name} = {bomb:?} was read"),
            }
            assert!(started.elapsed() < Duration::from_millis(500));
        }
    }
}

#[test]
fn items_nested_thousands_of_levels_deep_are_refused_without_a_crash() {
    // On a thread with a small stack, as in a worker pool.
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let mut deep = AttributeValue::S("bottom".into());
            for _ in 0..20_000 {
                deep = AttributeValue::M(Item::from([("k".to_owned(), deep)]));
            }
            let mut item = UserProfile::new(
                Uuid::from_u128(1),
                "a@example.com",
                flywheel_runtime::chrono::DateTime::from_timestamp(0, 0).unwrap(),
            )
            .to_item()
            .unwrap();
            item.insert("settings".into(), deep);
            let err = UserProfile::from_item(item).unwrap_err();
            assert!(
                err.attribute.starts_with("settings.k.k"),
                "{}",
                err.attribute
            );
            assert!(err.expected.contains("32 levels"), "{err}");
        })
        .unwrap()
        .join()
        .expect("no stack overflow");
}

#[tokio::test]
async fn keys_decode_only_from_the_form_flywheel_writes() {
    // Other spellings of the same UUID, datetime and date would be written back differently:
    // the next save would make a second item, and a delete would miss.
    let id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    for other in [
        "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
        "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}",
        "urn:uuid:3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "3f2504e04f8911d39a0c0305e82c3301",
    ] {
        let mut item = UserProfile::new(
            Uuid::parse_str(id).unwrap(),
            "a@example.com",
            flywheel_runtime::chrono::DateTime::from_timestamp(0, 0).unwrap(),
        )
        .to_item()
        .unwrap();
        assert_eq!(item["user_id"], AttributeValue::S(id.into()));
        item.insert("user_id".into(), AttributeValue::S(other.into()));
        let err = UserProfile::from_item(item).unwrap_err();
        assert_eq!(err.attribute, "user_id", "{other}");
    }
    // A datetime range key (Order's created_at, RFC 3339 text) in another spelling.
    let order = Order::new(
        "c",
        "o1",
        flywheel_runtime::chrono::DateTime::from_timestamp(1_714_566_600, 0).unwrap(),
        "1.50".parse::<flywheel_runtime::Decimal>().unwrap(),
    );
    let item = order.to_item().unwrap();
    assert_eq!(
        item["created_at"],
        AttributeValue::S("2024-05-01T12:30:00.000000000Z".into())
    );
    for other in [
        "2024-05-01T12:30:00Z",
        "2024-05-01T12:30:00.000Z",
        "2024-05-01T14:30:00.000000000+02:00",
        "2024-05-01t12:30:00.000000000z",
        "2024-05-01 12:30:00.000000000Z",
    ] {
        let mut item = item.clone();
        item.insert("created_at".into(), AttributeValue::S(other.into()));
        let err = Order::from_item(item).unwrap_err();
        assert_eq!(err.attribute, "created_at", "{other}");
    }
    // Numbers are DynamoDB's own: `1E+3` and `1000` are one number, so one key.
    let (_local, engine) = db::start_with_tables().await;
    db::raw_put(
        &engine,
        "UserProfiles",
        vec![
            ("user_id", AttributeValue::S(id.to_uppercase())),
            ("email", AttributeValue::S("a@example.com".into())),
            (
                "created_at",
                AttributeValue::S("2024-05-01T12:30:00.000000000Z".into()),
            ),
        ],
    )
    .await;
    // The upper-case item is not the lower-case key's item, and reading it is refused.
    assert_eq!(
        engine
            .get(UserProfileKey::new(Uuid::parse_str(id).unwrap()))
            .await
            .unwrap(),
        None
    );
    assert!(matches!(
        UserProfile::scan().all(&engine).await,
        Err(Error::Decode(e)) if e.attribute == "user_id"
    ));
}

#[tokio::test]
async fn limits_of_dynamodb_are_checked_before_sending() {
    let (_local, engine) = db::start_with_tables().await;
    let (counting, requests) = recording(&engine);
    // An item over 400 KB, named by its largest attribute.
    let mut big = UserProfile::new(
        Uuid::from_u128(1),
        "a@example.com",
        flywheel_runtime::chrono::DateTime::from_timestamp(0, 0).unwrap(),
    );
    big.avatar = Some(vec![7; 300 * 1024]);
    big.nicknames = (0..120)
        .map(|i| (format!("n{i}"), "x".repeat(1000)))
        .collect();
    match counting.save(&big).await {
        Err(Error::Encode(e)) => {
            assert_eq!(e.attribute, "avatar");
            assert!(e.reason.contains("400 KB"), "{e}");
        }
        other => panic!("expected an encode error, got {other:?}"),
    }
    // The same in a batch and a transaction.
    assert!(matches!(
        counting
            .batch_write()
            .overwrite_versions()
            .put(&big)
            .send()
            .await,
        Err(Error::Encode(_))
    ));
    assert!(matches!(
        counting.transact_write().put(&big).send().await,
        Err(Error::Encode(_))
    ));
    // Just under the limit is sent.
    big.nicknames.clear();
    big.avatar = Some(vec![7; 390 * 1024]);
    counting.save(&big).await.unwrap();
    assert_eq!(requests.take().len(), 1);
    // Key values over DynamoDB's lengths: 2048 bytes for a partition key, 1024 for a sort key.
    let long = GameScore::new("u".repeat(2049), "t");
    assert!(matches!(
        counting.save(&long).await,
        Err(Error::Encode(e)) if e.attribute == "userid" && e.reason.contains("2048")
    ));
    let long = GameScore::new("u", "t".repeat(1025));
    assert!(matches!(
        counting.save(&long).await,
        Err(Error::Encode(e)) if e.attribute == "title" && e.reason.contains("1024")
    ));
    counting
        .save(&GameScore::new("u".repeat(2048), "t".repeat(1024)))
        .await
        .unwrap();
    assert_eq!(requests.take().len(), 1);
    // A document nested deeper than 32 levels.
    let mut deep = flywheel_runtime::json::Value::Null;
    for _ in 0..33 {
        deep = flywheel_runtime::json::Value::List(vec![deep]);
    }
    let mut p = UserProfile::new(
        Uuid::from_u128(2),
        "b@example.com",
        flywheel_runtime::chrono::DateTime::from_timestamp(0, 0).unwrap(),
    );
    p.settings = deep;
    match counting.save(&p).await {
        Err(Error::Encode(e)) => {
            assert!(e.attribute.starts_with("settings"), "{e}");
            assert!(e.reason.contains("32 levels"), "{e}");
        }
        other => panic!("expected an encode error, got {other:?}"),
    }
    // An empty set inside a document cannot be stored, and is not turned into something else.
    p.settings = flywheel_runtime::json::Value::StringSet(BTreeSet::new());
    assert!(matches!(counting.save(&p).await, Err(Error::Encode(_))));
    assert_eq!(requests.take(), Vec::new());
}

#[tokio::test]
async fn a_response_nested_thousands_of_levels_deep_is_refused_without_a_crash() {
    let depth = 5_000;
    let mut body =
        String::from(r#"{"Item":{"userid":{"S":"abc"},"title":{"S":"Comet Quest"},"losses":"#);
    for _ in 0..depth {
        body.push_str(r#"{"M":{"k":"#);
    }
    body.push_str(r#"{"S":"bottom"}"#);
    for _ in 0..depth {
        body.push_str("}}");
    }
    body.push_str("}}");
    let server = Hostile::start(move |_, _| json(&body)).await;
    let engine = server.engine(1);
    // The SDK's reader stops such a body itself; what comes back says so.
    let err = engine.get(key()).await.unwrap_err();
    assert_eq!(err.code(), Some("ResponseError"), "{err}");
    assert!(
        err.to_string().contains("is not a DynamoDB response"),
        "{err}"
    );
}

#[tokio::test]
async fn a_fifty_megabyte_response_is_read() {
    // 50 items of 1 MB: far beyond DynamoDB's 1 MB pages, still read in one piece.
    let mut body = String::from(r#"{"Count":50,"ScannedCount":50,"Items":["#);
    let big = "x".repeat(1024 * 1024);
    for i in 0..50 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"userid":{{"S":"abc"}},"title":{{"S":"t{i:02}-{big}"}}}}"#
        ));
    }
    body.push_str("]}");
    assert!(body.len() > 50 * 1024 * 1024);
    let body = Arc::new(body);
    let server = Hostile::start(move |_, _| json(&body)).await;
    let engine = server.engine(1).with_timeouts(Timeouts {
        attempt: Duration::from_secs(60),
        operation: Duration::from_secs(60),
        ..Timeouts::default()
    });
    let items = GameScore::query("abc").all(&engine).await.unwrap();
    assert_eq!(items.len(), 50);
    assert!(items.iter().all(|s| s.title.len() > 1024 * 1024));
}
