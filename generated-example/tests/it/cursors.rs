//! Paging with cursors: many small pages over a thousand items on the table, a global index
//! with ties, a local index and a scan, with every cursor sent through its token; and every
//! kind of foreign, altered or made-up token refused as `Error::InvalidCursor` before any
//! request is sent.

use crate::harness::data;
use crate::harness::db;
use crate::harness::requests::recording;

use std::collections::BTreeSet;
use std::fmt::Debug;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use data::{put_all, t};
use flywheel_runtime::cursor::CursorKey;
use flywheel_runtime::{Cursor, Engine, Error, Page};
use generated_example::models::order::{OrderByCreatedItem, OrderState};
use generated_example::models::{GameScore, OddNames, Order, UserProfile};
use sha2::{Digest, Sha256};

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
            Order::new("big", format!("o{k:04}"), created, data::dec("1.50"))
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

/// The cursor after a first page of five items of `read` (a query or scan builder).
macro_rules! cursor_after_five {
    ($engine:expr, $read:expr) => {
        $read
            .page_size(5)
            .page($engine, None)
            .await
            .unwrap()
            .next
            .expect("a next page")
    };
}

fn assert_all_once<T: Debug, K: Ord + Debug>(items: &[T], key: impl Fn(&T) -> K, expected: usize) {
    let keys: BTreeSet<K> = items.iter().map(&key).collect();
    assert_eq!(keys.len(), items.len(), "no item twice");
    assert_eq!(items.len(), expected, "every item");
}

#[tokio::test]
async fn pages_of_a_table_query_in_order_with_and_without_limits() {
    let all = data();
    let (_local, engine) = data::start_with(&all).await;
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
    let all = data();
    let (_local, engine) = data::start_with(&all).await;
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

/// Asserts, case by case, that `read.page(engine, Some(cursor))` is refused as an
/// `InvalidCursor` before anything is sent; a case is `"what": read, cursor;`, and a failure
/// names it.
macro_rules! assert_cursors_refused {
    ($engine:expr, $requests:expr; $($what:literal: $read:expr, $cursor:expr;)+) => {
        $(assert_refused($what, $read.page($engine, Some($cursor)).await, $requests);)+
    };
}

/// Asserts that `result` is an `InvalidCursor` error and that nothing was sent.
fn assert_refused<T: Debug>(
    what: &str,
    result: flywheel_runtime::Result<T>,
    requests: &crate::harness::requests::Requests,
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
    let (_local, engine) = data::start_with(&data()).await;
    put_all(&engine, &big_orders()).await;
    put_all(&engine, &data::profiles()).await;

    let table = cursor_after_five!(&engine, GameScore::query("p"));
    let titles = cursor_after_five!(&engine, GameScore::query_game_title_index("Paged"));
    let scan = cursor_after_five!(&engine, GameScore::scan());
    let segment0 = cursor_after_five!(&engine, GameScore::scan().segment(0, 4));
    let orders = cursor_after_five!(&engine, Order::query("big"));
    let created = cursor_after_five!(&engine, Order::query_by_created("big"));
    let profiles = cursor_after_five!(&engine, UserProfile::scan());
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

    assert_cursors_refused!(e, &requests;
        // Another index of the same model, either way.
        "table cursor on an index": GameScore::query_game_title_index("Paged"), &table;
        "index cursor on the table": GameScore::query("p"), &titles;
        "LSI cursor on the table": Order::query("big"), &created;
        "LSI cursor on a GSI": Order::query_by_state(OrderState::Open), &created;
        "table cursor on an LSI": Order::query_by_created("big"), &orders;
        "LSI cursor on a keys-only GSI": Order::query_by_sku("sku-1"), &created;
        "index cursor on a scan": GameScore::scan(), &titles;
        // Another table.
        "Orders cursor on GameScores": GameScore::query("p"), &orders;
        "GameScores cursor on Orders": Order::query("big"), &table;
        "GameScores scan cursor on a UserProfiles scan": UserProfile::scan(), &scan;
        "UserProfiles scan cursor on a GameScores scan": GameScore::scan(), &profiles;
        "GameScores cursor on OddNames": OddNames::query("p"), &table;
        // Another segment, or none.
        "segment 0 on segment 1": GameScore::scan().segment(1, 4), &segment0;
        "segment 0 of 4 on segment 0 of 2": GameScore::scan().segment(0, 2), &segment0;
        "segment cursor on a whole scan": GameScore::scan(), &segment0;
        "whole-scan cursor on a segment": GameScore::scan().segment(0, 4), &scan;
        "segment cursor on a query": GameScore::query("p"), &segment0;
        "segment cursor on an index": GameScore::query_game_title_index("Paged"), &segment0;
    );
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn b64_decode(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).expect("a token is base64url")
}

/// A plain (keyless) token for `body`, checksummed the way flywheel does it: the format
/// version 2, mode 0, the body, then the first 8 bytes of SHA-256 over all of that.
fn forge_plain(body: &[u8]) -> String {
    let mut token = vec![2u8, 0];
    token.extend_from_slice(body);
    let sum = Sha256::digest(&token);
    token.extend_from_slice(&sum[..8]);
    b64_encode(&token)
}

/// The body of a plain token: the 16-byte query digest, then the key.
fn plain_body(token: &str) -> Vec<u8> {
    let bytes = b64_decode(token);
    assert_eq!(&bytes[..2], &[2, 0], "a plain token");
    bytes[2..bytes.len() - 8].to_vec()
}

/// A key as flywheel writes it into a cursor: the count, then name, type tag and value, each
/// length-prefixed, in name order.
fn key_bytes(pairs: &[(&str, u8, &[u8])]) -> Vec<u8> {
    let mut out = vec![pairs.len() as u8];
    for (name, tag, value) in pairs {
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.push(*tag);
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(value);
    }
    out
}

fn key() -> CursorKey {
    CursorKey::new("a cursor key of at least 32 bytes, shared by every instance").unwrap()
}

#[tokio::test]
async fn altered_truncated_and_garbage_tokens_are_refused_in_every_mode() {
    let (_local, engine) = data::start_with(&data()).await;
    for (mode, engine) in [
        ("plain", engine.clone()),
        ("sealed", engine.clone().with_cursor_key(key())),
        (
            "signed",
            engine
                .clone()
                .with_cursor_key(key())
                .with_readable_cursors(),
        ),
    ] {
        let (counting, requests) = recording(&engine);
        let e = &counting;
        let token = cursor_after_five!(&engine, GameScore::query("p")).to_string();
        let opens = |text: String| async move {
            match Cursor::parse(&text) {
                Ok(c) => GameScore::query("p")
                    .page_size(5)
                    .page(e, Some(&c))
                    .await
                    .map(|_| ()),
                Err(err) => Err(err),
            }
        };
        // The token itself works.
        opens(token.clone()).await.unwrap();
        assert_eq!(requests.take().len(), 1);
        // Every single character changed, to a near and a far character of the alphabet.
        for position in 0..token.len() {
            for shift in [1, 32] {
                let mut bytes = token.clone().into_bytes();
                let digit = ALPHABET.iter().position(|a| *a == bytes[position]).unwrap();
                bytes[position] = ALPHABET[(digit + shift) % 64];
                let altered = String::from_utf8(bytes).unwrap();
                assert_refused(
                    &format!("{mode}: character {position} changed"),
                    opens(altered).await,
                    &requests,
                );
            }
        }
        // Every truncation.
        for len in 0..token.len() {
            assert_refused(
                &format!("{mode}: cut to {len} characters"),
                opens(token[..len].to_owned()).await,
                &requests,
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
            b64_encode(&[1, 0, 0]),
            b64_encode(&[2, 9, 0]),
        ];
        for text in garbage {
            assert_refused(&format!("{mode}: {text:?}"), opens(text).await, &requests);
        }
    }
}

/// Without a key a cursor is checksummed, not signed: anyone can make one that starts the
/// query at a key of their choosing (within the same query), as documented. Its structure is
/// still checked: a key without the queried index's key attributes is refused.
#[tokio::test]
async fn plain_cursors_can_be_made_by_hand_but_only_for_their_query() {
    let (_local, engine) = data::start_with(&data()).await;
    let (counting, requests) = recording(&engine);
    let e = &counting;
    let token = cursor_after_five!(&engine, GameScore::query("p")).to_string();
    let body = plain_body(&token);
    let digest = &body[..16];
    // The key values are readable in a plain token.
    assert!(body.windows(5).any(|w| w == b"t0004"));
    let with_key = |key: Vec<u8>| {
        let mut b = digest.to_vec();
        b.extend(key);
        Cursor::parse(&forge_plain(&b)).unwrap()
    };
    // The same body made by hand is the same cursor; another starting key is taken.
    let same = with_key(key_bytes(&[
        ("title", b'S', b"t0004"),
        ("userid", b'S', b"p"),
    ]));
    assert_eq!(same.to_string(), token);
    let later = with_key(key_bytes(&[
        ("title", b'S', b"t0899"),
        ("userid", b'S', b"p"),
    ]));
    let page = GameScore::query("p")
        .page_size(5)
        .page(e, Some(&later))
        .await
        .unwrap();
    assert_eq!(page.items[0].title, "t0900");
    requests.take();
    // Keys that are not the table's key are refused before sending.
    let wrong = [
        key_bytes(&[]),
        key_bytes(&[("userid", b'S', b"p")]),
        key_bytes(&[("title", b'S', b"t0004")]),
        key_bytes(&[("title", b'N', b"4"), ("userid", b'S', b"p")]),
        key_bytes(&[("title", b'B', b"t0004"), ("userid", b'S', b"p")]),
        key_bytes(&[
            ("title", b'S', b"t0004"),
            ("top_score", b'N', b"4"),
            ("userid", b'S', b"p"),
        ]),
        key_bytes(&[("name", b'S', b"t0004"), ("userid", b'S', b"p")]),
        key_bytes(&[("title", b'X', b"t0004"), ("userid", b'S', b"p")]),
        key_bytes(&[("title", b'N', b"1E+999999"), ("userid", b'S', b"p")]),
        vec![2, 0, 0, 0],
    ];
    for (i, k) in wrong.into_iter().enumerate() {
        let c = with_key(k);
        assert_refused(
            &format!("wrong key {i}"),
            GameScore::query("p").page(e, Some(&c)).await,
            &requests,
        );
    }
    // A made-up digest is another query.
    let mut b = vec![0u8; 16];
    b.extend(key_bytes(&[
        ("title", b'S', b"t0004"),
        ("userid", b'S', b"p"),
    ]));
    let c = Cursor::parse(&forge_plain(&b)).unwrap();
    assert_refused(
        "made-up digest",
        GameScore::query("p").page(e, Some(&c)).await,
        &requests,
    );
    // An engine with a key takes no plain cursor, however well made.
    let keyed = counting.clone().with_cursor_key(key());
    assert_refused(
        "plain cursor on a keyed engine",
        GameScore::query("p").page(&keyed, Some(&same)).await,
        &requests,
    );
}

/// A cursor is bound to its query: another hash key, range condition, filter, order or
/// expiry filtering is refused before anything is sent, in every mode.
#[tokio::test]
async fn a_cursor_of_another_hash_key_condition_filter_or_order_is_refused() {
    let (_local, engine) = data::start_with(&data()).await;
    for engine in [engine.clone(), engine.clone().with_cursor_key(key())] {
        let (counting, requests) = recording(&engine);
        let e = &counting;
        let base = || {
            GameScore::query("p")
                .range_ge("t0000")
                .filter(GameScore::WINS.ge(0))
        };
        let cursor = cursor_after_five!(e, base());
        requests.take();
        // What does not change where the query goes is fine: page size, limit, selection,
        // consistency.
        let page = base()
            .page_size(7)
            .limit(3)
            .consistent()
            .page(e, Some(&cursor))
            .await
            .unwrap();
        assert_eq!(page.items[0].title, "t0005");
        base()
            .select(GameScore::WINS)
            .page(e, Some(&cursor))
            .await
            .unwrap();
        requests.take();
        let wins = || GameScore::WINS.ge(0);
        assert_cursors_refused!(e, &requests;
            "another hash key": GameScore::query("q001").range_ge("t0000").filter(wins()), &cursor;
            "no range condition": GameScore::query("p").filter(wins()), &cursor;
            "another range condition": GameScore::query("p").range_ge("t0001").filter(wins()), &cursor;
            "another filter value": GameScore::query("p").range_ge("t0000").filter(GameScore::WINS.ge(1)), &cursor;
            "no filter": GameScore::query("p").range_ge("t0000"), &cursor;
            "reversed": base().reverse(), &cursor;
        );
        assert_refused(
            "another namespace",
            base()
                .page(&counting.clone().with_namespace("other-"), Some(&cursor))
                .await,
            &requests,
        );
    }
}

#[tokio::test]
async fn sealed_cursors_hide_their_keys_and_open_only_with_their_key() {
    let (_local, engine) = data::start_with(&data()).await;
    let sealed = engine.clone().with_cursor_key(key());
    // Paging works the same, and no token shows a key value.
    let (items, sizes) = walk(|cursor| {
        let sealed = &sealed;
        async move {
            let page = GameScore::query("p")
                .page_size(7)
                .limit(13)
                .page(sealed, cursor.as_ref())
                .await?;
            if let Some(next) = &page.next {
                let bytes = b64_decode(next.as_str());
                let last = page.items.last().unwrap().title.as_bytes();
                assert!(
                    !bytes.windows(last.len()).any(|w| w == last),
                    "a key value shows"
                );
                assert!(
                    !bytes.windows(6).any(|w| w == b"userid"),
                    "a key name shows"
                );
            }
            Ok(page)
        }
    })
    .await;
    assert_eq!(items.len(), 1000);
    assert!(sizes.iter().all(|s| *s == 13 || *s == 1000 % 13));
    let cursor = cursor_after_five!(&sealed, GameScore::query("p"));
    // Another instance with the same key resumes it.
    let other_instance = engine.clone().with_cursor_key(key());
    let page = GameScore::query("p")
        .page_size(5)
        .page(&other_instance, Some(&cursor))
        .await
        .unwrap();
    assert_eq!(page.items[0].title, "t0005");
    // Another key, or no key, does not.
    let (counting, requests) = recording(&engine);
    let other_key = CursorKey::new([9u8; 32]).unwrap();
    assert_refused(
        "another key",
        GameScore::query("p")
            .page(
                &counting.clone().with_cursor_key(other_key.clone()),
                Some(&cursor),
            )
            .await,
        &requests,
    );
    assert_refused(
        "no key",
        GameScore::query("p").page(&counting, Some(&cursor)).await,
        &requests,
    );
    // After a key change, the old key is still accepted as a retired one, and new cursors
    // use the new key.
    let rotated = counting
        .clone()
        .with_cursor_key(other_key)
        .with_retired_cursor_key(key());
    let page = GameScore::query("p")
        .page_size(5)
        .page(&rotated, Some(&cursor))
        .await
        .unwrap();
    assert_eq!(page.items[0].title, "t0005");
    requests.take();
    assert_refused(
        "new cursor on an engine with only the old key",
        GameScore::query("p")
            .page_size(5)
            .page(&counting.clone().with_cursor_key(key()), page.next.as_ref())
            .await,
        &requests,
    );
    // Short keys are refused.
    assert!(matches!(
        CursorKey::new("too short"),
        Err(Error::Validation(_))
    ));
}

/// With `with_readable_cursors` a token shows its key values but cannot be altered.
#[tokio::test]
async fn signed_cursors_are_readable_but_cannot_be_made_up() {
    let (_local, engine) = data::start_with(&data()).await;
    let signed = engine
        .clone()
        .with_cursor_key(key())
        .with_readable_cursors();
    let token = cursor_after_five!(&signed, GameScore::query("p")).to_string();
    let mut bytes = b64_decode(&token);
    let at = bytes
        .windows(5)
        .position(|w| w == b"t0004")
        .expect("the key value is readable");
    // The same key value moved further on, as someone would to skip ahead.
    bytes[at + 2] = b'8';
    let (counting, requests) = recording(&signed);
    assert_refused(
        "a signed cursor with another key value",
        GameScore::query("p")
            .page(
                &counting,
                Some(&Cursor::parse(&b64_encode(&bytes)).unwrap()),
            )
            .await,
        &requests,
    );
}

/// `Engine::from_env` reads the cursor key from `FLYWHEEL_CURSOR_KEY`. The environment is the
/// process's, so the check runs in a child process of this test binary.
#[test]
fn the_cursor_key_comes_from_the_environment() {
    const CHILD: &str = "FLYWHEEL_CURSOR_TEST_CHILD";
    const NAMESPACE: &str = "FLYWHEEL_CURSOR_TEST_NAMESPACE";
    let secret = "a cursor key of at least 32 bytes, shared by every instance";
    if let Some(endpoint) = std::env::var_os(CHILD) {
        let endpoint = endpoint.into_string().unwrap();
        let namespace = std::env::var(NAMESPACE).unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let engine = Engine::from_env().await.with_namespace(&namespace);
            let key_is_set = std::env::var(flywheel_runtime::engine::CURSOR_KEY_VARIABLE)
                .is_ok_and(|k| k == secret);
            let result = GameScore::query("p").page_size(5).page(&engine, None).await;
            if !key_is_set {
                // A key too short: every cursor operation says why.
                match result {
                    Err(Error::Validation(m)) => assert!(m.contains("FLYWHEEL_CURSOR_KEY"), "{m}"),
                    other => panic!("expected the key's error, got {other:?}"),
                }
                return;
            }
            let cursor = result.unwrap().next.unwrap();
            let bytes = b64_decode(cursor.as_str());
            assert!(!bytes.windows(5).any(|w| w == b"t0004"), "sealed");
            // The same key given in code opens it; no key does not.
            let local = db::engine_for(&endpoint).with_namespace(&namespace);
            let page = GameScore::query("p")
                .page_size(5)
                .page(&local.clone().with_cursor_key(key()), Some(&cursor))
                .await
                .unwrap();
            assert_eq!(page.items[0].title, "t0005");
            assert!(
                GameScore::query("p")
                    .page(&local, Some(&cursor))
                    .await
                    .is_err()
            );
        });
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (local, _engine) = runtime.block_on(async {
        let (local, engine) = data::start_with(&data()).await;
        (local, engine)
    });
    let (id, secret_key, token) = db::credentials();
    for key in [secret, "too short"] {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .args([
                "--exact",
                "cursors::the_cursor_key_comes_from_the_environment",
                "--nocapture",
            ])
            .env(CHILD, local.endpoint())
            .env(NAMESPACE, local.namespace())
            .env("FLYWHEEL_CURSOR_KEY", key)
            .env("AWS_ENDPOINT_URL", local.endpoint())
            .env("AWS_REGION", db::region())
            .env("AWS_ACCESS_KEY_ID", &id)
            .env("AWS_SECRET_ACCESS_KEY", &secret_key)
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_PROFILE");
        if let Some(token) = &token {
            child.env("AWS_SESSION_TOKEN", token);
        }
        let output = child.output().unwrap();
        assert!(
            output.status.success(),
            "child with key {key:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("1 passed"),
            "the child ran the test: {stdout}"
        );
    }
    drop(local);
}
