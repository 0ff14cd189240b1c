//! Paging with cursors: many small pages over a thousand items on the table, a global index
//! with ties, a local index and a scan, with every cursor sent through its token; and every
//! kind of foreign, altered or made-up token refused as `Error::InvalidCursor` before any
//! request is sent.

mod common;
mod support;

use std::collections::BTreeSet;
use std::fmt::Debug;

use common::start_with_tables;
use flywheel_runtime::serde_json::{Value, json};
use flywheel_runtime::{Cursor, Error, Page};
use generated_example::models::order::OrderByCreatedItem;
use generated_example::models::{GameScore, OddNames, Order, UserProfile};
use support::{put_all, recording, t};

/// A thousand scores of player `p`, then 300 scores on the title `Paged` by players
/// `q000`.. whose top scores tie in threes.
fn data() -> Vec<GameScore> {
    let mut out: Vec<GameScore> = (0..1000)
        .map(|k| {
            let mut s = GameScore::new("p", format!("t{k:04}"));
            s.top_score = Some(k);
            s.wins = k % 4;
            s
        })
        .collect();
    out.extend((0..300).map(|k| {
        let mut s = GameScore::new(format!("q{k:03}"), "Paged");
        s.top_score = Some(k / 3);
        s.wins = k % 4;
        s
    }));
    out
}

/// 300 orders of customer `big`, created in an order unlike their ids.
fn big_orders() -> Vec<Order> {
    (0..300)
        .map(|k| {
            let created = t(1_700_000_000 + (k * 7919) % 300 * 60);
            Order::new("big", format!("o{k:04}"), created, support::dec("1.50"))
        })
        .collect()
}

fn url_safe(token: &str) -> bool {
    !token.is_empty()
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Fetches every page, sending each cursor through its token, and returns the items and the
/// page sizes.
async fn walk<T, F, Fut>(fetch: F) -> (Vec<T>, Vec<usize>)
where
    F: Fn(Option<Cursor>) -> Fut,
    Fut: std::future::Future<Output = flywheel_runtime::Result<Page<T>>>,
{
    let mut items = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let page = fetch(cursor.take()).await.expect("a page");
        sizes.push(page.items.len());
        items.extend(page.items);
        match page.next {
            None => return (items, sizes),
            Some(next) => {
                let token = next.to_string();
                assert!(url_safe(&token), "{token}");
                let parsed: Cursor = token.parse().expect("the token parses");
                assert_eq!(parsed, next);
                assert_eq!(Cursor::parse(&token).unwrap(), next);
                assert_eq!(
                    parsed.to_string(),
                    token,
                    "a parsed cursor gives the same token"
                );
                cursor = Some(parsed);
            }
        }
        assert!(sizes.len() <= 2000, "the walk ends");
    }
}

fn next<T>(page: Page<T>) -> Cursor {
    page.next.expect("a next page")
}

fn assert_all_once<T: Debug, K: Ord + Debug>(items: &[T], key: impl Fn(&T) -> K, expected: usize) {
    let keys: BTreeSet<K> = items.iter().map(&key).collect();
    assert_eq!(keys.len(), items.len(), "no item twice");
    assert_eq!(items.len(), expected, "every item");
}

#[tokio::test]
async fn pages_of_a_table_query_in_order_with_and_without_limits() {
    let (_local, engine) = start_with_tables().await;
    let all = data();
    put_all(&engine, &all).await;
    let p: Vec<GameScore> = all[..1000].to_vec();
    let e = &engine;

    // One response per page.
    let (items, sizes) =
        walk(|c| async move { GameScore::query("p").page_size(7).page(e, c.as_ref()).await }).await;
    assert_eq!(items, p);
    assert!(
        sizes[..sizes.len() - 1].iter().all(|n| *n == 7),
        "{sizes:?}"
    );
    assert!((143..=144).contains(&sizes.len()), "{} pages", sizes.len());

    // Pages of 13 items read 7 at a time: a page ends inside a response.
    let (items, sizes) = walk(|c| async move {
        GameScore::query("p")
            .page_size(7)
            .limit(13)
            .page(e, c.as_ref())
            .await
    })
    .await;
    assert_eq!(items, p);
    assert_eq!(sizes.len(), 77, "{sizes:?}");
    assert!(sizes[..76].iter().all(|n| *n == 13) && sizes[76] == 1000 - 76 * 13);

    // Reversed, filtered and limited.
    let (items, _) = walk(|c| async move {
        GameScore::query("p")
            .filter(GameScore::WINS.eq(3))
            .reverse()
            .page_size(9)
            .limit(11)
            .page(e, c.as_ref())
            .await
    })
    .await;
    let want: Vec<GameScore> = p.iter().rev().filter(|s| s.wins == 3).cloned().collect();
    assert_eq!(items, want);

    // Limited to a range.
    let (items, _) = walk(|c| async move {
        GameScore::query("p")
            .range_between("t0100", "t0555")
            .page_size(25)
            .limit(40)
            .page(e, c.as_ref())
            .await
    })
    .await;
    assert_eq!(items, p[100..=555].to_vec());
}

#[tokio::test]
async fn pages_of_indexes_and_scans() {
    let (_local, engine) = start_with_tables().await;
    let all = data();
    put_all(&engine, &all).await;
    let orders = big_orders();
    put_all(&engine, &orders).await;
    let e = &engine;

    // A global index whose range key ties in threes: the cursor holds the table key too.
    let everything = GameScore::query_game_title_index("Paged")
        .all(&engine)
        .await
        .unwrap();
    assert_all_once(&everything, |s| s.userid.clone(), 300);
    assert!(
        everything
            .windows(2)
            .all(|w| w[0].top_score <= w[1].top_score)
    );
    for (size, limit) in [(7, None), (4, Some(5)), (10, Some(3)), (2, Some(2))] {
        let (items, _) = walk(|c| async move {
            let mut q = GameScore::query_game_title_index("Paged").page_size(size);
            if let Some(l) = limit {
                q = q.limit(l);
            }
            q.page(e, c.as_ref()).await
        })
        .await;
        assert_eq!(items, everything, "page size {size}, limit {limit:?}");
    }
    let (items, _) = walk(|c| async move {
        GameScore::query_game_title_index("Paged")
            .range_ge(50)
            .reverse()
            .page_size(6)
            .limit(8)
            .page(e, c.as_ref())
            .await
    })
    .await;
    let want: Vec<GameScore> = everything
        .iter()
        .rev()
        .filter(|s| s.top_score >= Some(50))
        .cloned()
        .collect();
    assert_eq!(items, want);

    // A local index with an INCLUDE projection.
    let mut by_created = orders.clone();
    by_created.sort_by_key(|o| o.created_at);
    let want: Vec<(String, String)> = by_created
        .iter()
        .map(|o| (o.order_id.clone(), o.created_at.to_rfc3339()))
        .collect();
    let (items, _) = walk(|c| async move {
        Order::query_by_created("big")
            .consistent()
            .page_size(8)
            .limit(19)
            .page(e, c.as_ref())
            .await
    })
    .await;
    let got: Vec<(String, String)> = items
        .iter()
        .map(|o: &OrderByCreatedItem| (o.order_id.clone(), o.created_at.to_rfc3339()))
        .collect();
    assert_eq!(got, want);

    // A scan, in the order `all` returns.
    let scanned = GameScore::scan().all(&engine).await.unwrap();
    assert_all_once(&scanned, |s| (s.userid.clone(), s.title.clone()), all.len());
    let (items, _) = walk(|c| async move {
        GameScore::scan()
            .page_size(7)
            .limit(13)
            .page(e, c.as_ref())
            .await
    })
    .await;
    assert_eq!(items, scanned);
    let (items, _) = walk(|c| async move {
        GameScore::scan()
            .filter(GameScore::WINS.eq(1))
            .page_size(50)
            .page(e, c.as_ref())
            .await
    })
    .await;
    let want: Vec<GameScore> = scanned.iter().filter(|s| s.wins == 1).cloned().collect();
    assert_eq!(items, want);
}

/// Asserts that `result` is an `InvalidCursor` error and that nothing was sent.
fn assert_refused<T: Debug>(
    what: &str,
    result: flywheel_runtime::Result<T>,
    requests: &support::Requests,
) {
    match result {
        Err(Error::InvalidCursor(message)) => assert!(!message.is_empty()),
        other => panic!("{what}: expected InvalidCursor, got {other:?}"),
    }
    assert_eq!(
        requests.take(),
        Vec::new(),
        "{what}: nothing is sent for a refused cursor"
    );
}

#[tokio::test]
async fn cursors_of_other_indexes_tables_and_segments_are_refused_before_any_request() {
    let (_local, engine) = start_with_tables().await;
    put_all(&engine, &data()).await;
    put_all(&engine, &big_orders()).await;
    put_all(&engine, &support::profiles()).await;

    let table = next(
        GameScore::query("p")
            .page_size(5)
            .page(&engine, None)
            .await
            .unwrap(),
    );
    let titles = next(
        GameScore::query_game_title_index("Paged")
            .page_size(5)
            .page(&engine, None)
            .await
            .unwrap(),
    );
    let scan = next(
        GameScore::scan()
            .page_size(5)
            .page(&engine, None)
            .await
            .unwrap(),
    );
    let segment0 = next(
        GameScore::scan()
            .segment(0, 4)
            .page_size(5)
            .page(&engine, None)
            .await
            .unwrap(),
    );
    let orders = next(
        Order::query("big")
            .page_size(5)
            .page(&engine, None)
            .await
            .unwrap(),
    );
    let created = next(
        Order::query_by_created("big")
            .page_size(5)
            .page(&engine, None)
            .await
            .unwrap(),
    );
    let profiles = next(
        UserProfile::scan()
            .page_size(5)
            .page(&engine, None)
            .await
            .unwrap(),
    );
    assert_eq!((table.table(), table.index()), ("GameScores", None));
    assert_eq!(
        (titles.table(), titles.index()),
        ("GameScores", Some("GameTitleIndex"))
    );
    assert_eq!(
        (created.table(), created.index()),
        ("Orders", Some("ByCreated"))
    );

    let (counting, requests) = recording(&engine);
    let e = &counting;
    // The right cursors work, through the recording engine too.
    GameScore::query("p")
        .page_size(5)
        .page(e, Some(&table))
        .await
        .unwrap();
    GameScore::query_game_title_index("Paged")
        .page_size(5)
        .page(e, Some(&titles))
        .await
        .unwrap();
    GameScore::scan()
        .segment(0, 4)
        .page_size(5)
        .page(e, Some(&segment0))
        .await
        .unwrap();
    assert_eq!(requests.take().len(), 3);

    // Another index of the same model, either way.
    assert_refused(
        "table cursor on an index",
        GameScore::query_game_title_index("Paged")
            .page(e, Some(&table))
            .await,
        &requests,
    );
    assert_refused(
        "index cursor on the table",
        GameScore::query("p").page(e, Some(&titles)).await,
        &requests,
    );
    assert_refused(
        "LSI cursor on the table",
        Order::query("big").page(e, Some(&created)).await,
        &requests,
    );
    assert_refused(
        "LSI cursor on a GSI",
        Order::query_by_state(generated_example::models::order::OrderState::Open)
            .page(e, Some(&created))
            .await,
        &requests,
    );
    assert_refused(
        "table cursor on an LSI",
        Order::query_by_created("big").page(e, Some(&orders)).await,
        &requests,
    );
    assert_refused(
        "LSI cursor on a keys-only GSI",
        Order::query_by_sku("sku-1").page(e, Some(&created)).await,
        &requests,
    );
    assert_refused(
        "index cursor on a scan",
        GameScore::scan().page(e, Some(&titles)).await,
        &requests,
    );
    // Another table.
    assert_refused(
        "Orders cursor on GameScores",
        GameScore::query("p").page(e, Some(&orders)).await,
        &requests,
    );
    assert_refused(
        "GameScores cursor on Orders",
        Order::query("big").page(e, Some(&table)).await,
        &requests,
    );
    assert_refused(
        "GameScores scan cursor on a UserProfiles scan",
        UserProfile::scan().page(e, Some(&scan)).await,
        &requests,
    );
    assert_refused(
        "UserProfiles scan cursor on a GameScores scan",
        GameScore::scan().page(e, Some(&profiles)).await,
        &requests,
    );
    assert_refused(
        "GameScores cursor on OddNames",
        OddNames::query("p").page(e, Some(&table)).await,
        &requests,
    );
    // Another segment, or none.
    assert_refused(
        "segment 0 on segment 1",
        GameScore::scan()
            .segment(1, 4)
            .page(e, Some(&segment0))
            .await,
        &requests,
    );
    assert_refused(
        "segment 0 of 4 on segment 0 of 2",
        GameScore::scan()
            .segment(0, 2)
            .page(e, Some(&segment0))
            .await,
        &requests,
    );
    assert_refused(
        "segment cursor on a whole scan",
        GameScore::scan().page(e, Some(&segment0)).await,
        &requests,
    );
    assert_refused(
        "whole-scan cursor on a segment",
        GameScore::scan().segment(0, 4).page(e, Some(&scan)).await,
        &requests,
    );
    assert_refused(
        "segment cursor on a query",
        GameScore::query("p").page(e, Some(&segment0)).await,
        &requests,
    );
    assert_refused(
        "segment cursor on an index",
        GameScore::query_game_title_index("Paged")
            .page(e, Some(&segment0))
            .await,
        &requests,
    );
}

/// Decodes the body of a token (to build tokens by hand below).
fn body(token: &str) -> Value {
    flywheel_runtime::serde_json::from_slice(&b64_decode(token)).expect("a JSON body")
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn b64_decode(text: &str) -> Vec<u8> {
    let digits: Vec<u32> = text
        .bytes()
        .map(|c| ALPHABET.iter().position(|a| *a == c).unwrap() as u32)
        .collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, d)| acc | (d << (18 - 6 * i)));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// A token with a valid checksum for `body` (the body of a real token, changed), built the
/// way flywheel builds them: FNV-1a of the JSON without `c`, then base64url.
fn forge(mut body: Value) -> String {
    body.as_object_mut().unwrap().remove("c");
    let bytes = flywheel_runtime::serde_json::to_vec(&body).unwrap();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in &bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    body["c"] = Value::String(format!("{hash:016x}"));
    b64_encode(&flywheel_runtime::serde_json::to_vec(&body).unwrap())
}

#[tokio::test]
async fn altered_truncated_made_up_and_garbage_tokens_are_refused() {
    let (_local, engine) = start_with_tables().await;
    put_all(&engine, &data()).await;
    let (counting, requests) = recording(&engine);
    let e = &counting;
    let page = GameScore::query("p")
        .page_size(5)
        .page(&engine, None)
        .await
        .unwrap();
    let cursor = page.next.unwrap();
    let token = cursor.to_string();
    let index_token = GameScore::query_game_title_index("Paged")
        .page_size(5)
        .page(&engine, None)
        .await
        .unwrap()
        .next
        .unwrap()
        .to_string();

    // Every single character changed, to a near and a far character of the alphabet.
    for position in 0..token.len() {
        for shift in [1, 32] {
            let mut bytes = token.clone().into_bytes();
            let digit = ALPHABET.iter().position(|a| *a == bytes[position]).unwrap();
            bytes[position] = ALPHABET[(digit + shift) % 64];
            let altered = String::from_utf8(bytes).unwrap();
            assert!(
                matches!(Cursor::parse(&altered), Err(Error::InvalidCursor(_))),
                "character {position} of {token} changed to {altered} is accepted"
            );
        }
    }
    // Every truncation.
    for len in 0..token.len() {
        assert!(
            matches!(Cursor::parse(&token[..len]), Err(Error::InvalidCursor(_))),
            "{token} cut to {len} characters is accepted"
        );
    }
    // Garbage, and valid tokens with something around them.
    let garbage = [
        String::new(),
        "garbage".to_owned(),
        "not a cursor".to_owned(),
        "A".to_owned(),
        "====".to_owned(),
        "ab+c/d==".to_owned(),
        "ünïcødé".to_owned(),
        format!(" {token}"),
        format!("{token}\n"),
        format!("{token}A"),
        format!("{token}AAAA"),
        format!("{token}{token}"),
        token.to_uppercase(),
        b64_encode(b"{}"),
        b64_encode(b"[]"),
        b64_encode(b"null"),
        b64_encode(b"{\"v\":1}"),
        b64_encode(&flywheel_runtime::serde_json::to_vec(&body(&token)).unwrap()[1..]),
    ];
    for text in &garbage {
        assert!(
            matches!(Cursor::parse(text), Err(Error::InvalidCursor(_))),
            "{text:?} is accepted"
        );
        assert!(
            matches!(text.parse::<Cursor>(), Err(Error::InvalidCursor(_))),
            "{text:?} is accepted"
        );
    }
    assert_eq!(requests.take(), Vec::new());

    // Made-up tokens with a valid checksum: the format is right (an unchanged body works) ...
    let original = body(&token);
    assert_eq!(Cursor::parse(&forge(original.clone())).unwrap(), cursor);
    let resumed = GameScore::query("p")
        .page_size(5)
        .page(e, Some(&Cursor::parse(&forge(original.clone())).unwrap()))
        .await
        .unwrap();
    assert_eq!(resumed.items[0].title, "t0005");
    requests.take();
    let key = original["k"].clone();
    assert_eq!(key, json!({"userid": {"S": "p"}, "title": {"S": "t0004"}}));
    // ... and every wrong key, table, index, segment or version is refused before sending.
    let with = |field: &str, value: Value| {
        let mut b = original.clone();
        b[field] = value;
        forge(b)
    };
    let wrong_keys = [
        json!({}),
        json!({"userid": {"S": "p"}}),
        json!({"title": {"S": "t0004"}}),
        json!({"userid": {"S": "p"}, "title": {"N": "4"}}),
        json!({"userid": {"S": "p"}, "title": {"B": "AAAA"}}),
        json!({"userid": {"S": "p"}, "title": {"S": "t0004"}, "top_score": {"N": "4"}}),
        json!({"userid": {"S": "p"}, "name": {"S": "t0004"}}),
        json!({"userid": {"S": "p"}, "title": {"S": 4}}),
        json!({"userid": {"S": "p"}, "title": {"S": "t0004", "N": "4"}}),
        json!({"userid": {"S": "p"}, "title": {"SS": ["t0004"]}}),
        json!({"userid": {"S": "p"}, "title": {"B": "not base64!"}}),
        json!({"userid": {"S": "p"}, "title": null}),
        json!(["userid", "title"]),
        json!("k"),
    ];
    for k in wrong_keys {
        let forged = with("k", k.clone());
        let result = match Cursor::parse(&forged) {
            Ok(c) => GameScore::query("p").page(e, Some(&c)).await.map(|_| ()),
            Err(err) => Err(err),
        };
        assert_refused(&format!("key {k}"), result, &requests);
    }
    let others = [
        ("v", json!(2)),
        ("v", json!("1")),
        ("v", Value::Null),
        ("t", json!("Orders")),
        ("t", json!(7)),
        ("t", Value::Null),
        ("i", json!("GameTitleIndex")),
        ("i", json!(3)),
        ("s", json!([0, 4])),
        ("s", json!([0])),
        ("s", json!([0, -1])),
        ("s", json!("0/4")),
    ];
    for (field, value) in others {
        let forged = with(field, value.clone());
        let result = match Cursor::parse(&forged) {
            Ok(c) => GameScore::query("p").page(e, Some(&c)).await.map(|_| ()),
            Err(err) => Err(err),
        };
        assert_refused(&format!("{field} = {value}"), result, &requests);
    }
    // An index cursor whose key lacks the index range key.
    let mut b = body(&index_token);
    b["k"].as_object_mut().unwrap().remove("top_score");
    let c = Cursor::parse(&forge(b)).unwrap();
    assert_refused(
        "index key without its range key",
        GameScore::query_game_title_index("Paged")
            .page(e, Some(&c))
            .await,
        &requests,
    );
}

/// Not something flywheel checks: a cursor of the same index used with another hash key (the
/// cursor names no key condition). DynamoDB refuses the starting key, so it is an SDK
/// validation error rather than `InvalidCursor`, and never a silent read of the wrong items.
#[tokio::test]
async fn a_cursor_of_another_hash_key_is_refused_by_dynamodb() {
    let (_local, engine) = start_with_tables().await;
    put_all(&engine, &data()).await;
    let cursor = GameScore::query("p")
        .page_size(5)
        .page(&engine, None)
        .await
        .unwrap()
        .next
        .unwrap();
    match GameScore::query("q001").page(&engine, Some(&cursor)).await {
        Err(Error::Sdk { code, .. }) => assert_eq!(code, "ValidationException"),
        other => panic!("expected a ValidationException, got {other:?}"),
    }
    match GameScore::query("p")
        .range_lt("t0002")
        .page(&engine, Some(&cursor))
        .await
    {
        Err(Error::Sdk { code, .. }) => assert_eq!(code, "ValidationException"),
        other => panic!("expected a ValidationException, got {other:?}"),
    }
}
