//! Attribute, table and index names that would break hand-written expressions (`order`,
//! `size`, `status`, `a.b`, `x-y`, `#hash`, `名前`, `values`, `items`, `path.select`,
//! `path.x.y`; table `odd.names-table_1`, index `by-status.idx`), and values that look like
//! expression syntax: every operation works, and a value is only ever a value.

use crate::harness::data;
use crate::harness::db;

use std::collections::BTreeMap;

use db::{raw_get, s, start_with_tables};
use flywheel_runtime::{AttributeValue, Cursor, Engine, Error, Item};
use generated_example::models::odd_names::{OddNamesByStatusIdxItem, OddPath};
use generated_example::models::{OddNames, OddNamesKey};

/// Values that are expression syntax, and a few that are not.
const TRICKY: &[&str] = &[
    ") OR size > :v0",
    ") OR attribute_exists(#n0",
    ":v0",
    "#n1",
    "it's \"quoted\" 'twice'",
    "a AND b",
    "x OR y",
    "NOT status",
    "#n0.#n1[0]",
    "size(#n0) > :v1",
    "plain",
    "名前",
];

fn tricky(i: i64) -> String {
    TRICKY[i as usize % TRICKY.len()].to_owned()
}

/// Twelve items in each of `o1` and `o2`; every fifth has no status (so it is not in the
/// index), and the statuses are the tricky values.
fn data() -> Vec<OddNames> {
    let mut out = Vec::new();
    for (n, order) in ["o1", "o2"].into_iter().enumerate() {
        for size in 0..12i64 {
            let mut o = OddNames::new(order, size);
            if size % 5 != 4 {
                o.status = Some(tricky(size + 5 * n as i64));
                o.a_b = Some(format!("k{size:02}-{order}"));
            }
            o.x_y = size * 3 - 10;
            o.hash_tag = (size % 3 != 0).then(|| format!("#tag{size}"));
            o.namae = Some(if size % 2 == 0 {
                format!("名前-{size}")
            } else {
                tricky(size + 1)
            });
            o.values = BTreeMap::from([
                (":v".to_owned(), "colon".to_owned()),
                ("#x".to_owned(), tricky(size)),
                ("select".to_owned(), tricky(size + 2)),
            ]);
            if size % 2 == 0 {
                o.values.insert("a.b".to_owned(), "x".to_owned());
                o.values.insert("名前".to_owned(), "n".to_owned());
            }
            o.items = if size % 2 == 1 {
                vec![tricky(size), ":v0".to_owned(), "#n1".to_owned()]
            } else {
                Vec::new()
            };
            o.path = (size % 4 != 3).then(|| OddPath {
                select: Some(tricky(size + 1)),
                x_y: Some(size),
            });
            out.push(o);
        }
    }
    out
}

async fn loaded() -> (db::TestDb, Engine, Vec<OddNames>) {
    let all = data();
    let (local, engine) = data::start_with(&all).await;
    (local, engine, all)
}

#[tokio::test]
async fn save_get_exists_and_delete() {
    let (_local, engine) = start_with_tables().await;
    let all = data();
    for item in &all {
        engine.save(item).create_only().await.unwrap();
    }
    assert!(matches!(
        engine.save(&all[0]).create_only().await,
        Err(Error::AlreadyExists { .. })
    ));
    for item in &all {
        let read = db::read_consistent(&engine, item.key()).await;
        assert_eq!(read.as_ref(), Some(item));
    }
    // Stored under the names of the schema, dots and all.
    let raw = raw_get(
        &engine,
        "odd.names-table_1",
        &[("order", s("o1")), ("size", AttributeValue::N("1".into()))],
    )
    .await
    .unwrap();
    let names: std::collections::BTreeSet<&str> = raw.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "#hash", "a.b", "items", "order", "path", "size", "status", "values", "x-y", "名前"
        ]
        .into_iter()
        .collect()
    );
    let path = match &raw["path"] {
        AttributeValue::M(m) => m.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(path["x.y"], AttributeValue::N("1".into()));

    assert!(db::is_stored(&engine, OddNamesKey::new("o2", 3)).await);
    engine.delete(OddNamesKey::new("o2", 3)).await.unwrap();
    assert!(!db::is_stored(&engine, OddNamesKey::new("o2", 3)).await);
    assert_eq!(
        db::read_consistent(&engine, OddNamesKey::new("o2", 3)).await,
        None::<OddNames>
    );
}

/// Checks a filter on both a query of `o1` and a scan of the table against `expect`.
async fn check(
    engine: &Engine,
    all: &[OddNames],
    what: &str,
    cond: flywheel_runtime::Cond<
        OddNames,
        impl flywheel_runtime::filter::AllFilterable<generated_example::models::odd_names::index::Table>,
    >,
    expect: impl Fn(&OddNames) -> bool,
) {
    let got = OddNames::query("o1")
        .filter(cond.clone())
        .page_size(5)
        .all(engine)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let want: Vec<OddNames> = all
        .iter()
        .filter(|o| o.order == "o1" && expect(o))
        .cloned()
        .collect();
    assert_eq!(got, want, "{what} on a query");
    let mut got = OddNames::scan()
        .filter(cond)
        .page_size(4)
        .all(engine)
        .await
        .unwrap();
    got.sort_by(|a, b| (&a.order, a.size).cmp(&(&b.order, b.size)));
    let want: Vec<OddNames> = all.iter().filter(|o| expect(o)).cloned().collect();
    assert_eq!(got, want, "{what} on a scan");
    data::assert_selects_some_not_all(what, want.len(), all.len());
}

macro_rules! odd_where {
    ($engine:expr, $all:expr, $cond:expr => $expect:expr) => {
        check($engine, $all, stringify!($cond), $cond, $expect).await
    };
}

#[tokio::test]
async fn values_that_look_like_expressions_are_only_values() {
    let (_local, engine, all) = loaded().await;
    let e = &engine;
    let all = &all[..];

    // The headline case: this status matches only the items with exactly this status.
    let got = OddNames::scan()
        .filter(OddNames::STATUS.eq(") OR size > :v0"))
        .all(e)
        .await
        .unwrap();
    assert!(!got.is_empty());
    assert!(
        got.iter()
            .all(|o| o.status.as_deref() == Some(") OR size > :v0"))
    );
    assert_eq!(
        got.len(),
        all.iter()
            .filter(|o| o.status.as_deref() == Some(") OR size > :v0"))
            .count()
    );

    for value in TRICKY {
        let wanted = |o: &OddNames| o.status.as_deref() == Some(*value);
        let mut got = OddNames::scan()
            .filter(OddNames::STATUS.eq(*value))
            .all(e)
            .await
            .unwrap();
        got.sort_by(|a, b| (&a.order, a.size).cmp(&(&b.order, b.size)));
        assert_eq!(
            got,
            all.iter()
                .filter(|o| wanted(o))
                .cloned()
                .collect::<Vec<_>>(),
            "status {value:?}"
        );
        let got = OddNames::scan()
            .filter(OddNames::STATUS.ne(*value))
            .count(e)
            .await
            .unwrap();
        assert_eq!(
            got,
            all.iter().filter(|o| !wanted(o)).count() as u64,
            "status <> {value:?}"
        );
        let got = OddNames::scan()
            .filter(OddNames::NAMAE.begins_with(*value))
            .count(e)
            .await
            .unwrap();
        let want = all
            .iter()
            .filter(|o| o.namae.as_deref().is_some_and(|n| n.starts_with(value)))
            .count();
        assert_eq!(got, want as u64, "名前 begins with {value:?}");
        let got = OddNames::scan()
            .filter(OddNames::ITEMS.contains(*value))
            .count(e)
            .await
            .unwrap();
        let want = all
            .iter()
            .filter(|o| o.items.iter().any(|i| i == value))
            .count();
        assert_eq!(got, want as u64, "items contain {value:?}");
        let got = OddNames::scan()
            .filter(OddNames::VALUES.entry("#x").eq(*value))
            .count(e)
            .await
            .unwrap();
        let want = all
            .iter()
            .filter(|o| o.values.get("#x").is_some_and(|v| v == value))
            .count();
        assert_eq!(got, want as u64, "values.#x = {value:?}");
    }
    // No value matches everything, or nothing where something is expected.
    assert_eq!(
        OddNames::scan()
            .filter(OddNames::STATUS.eq(") OR attribute_exists(#n0"))
            .count(e)
            .await
            .unwrap(),
        all.iter()
            .filter(|o| o.status.as_deref() == Some(") OR attribute_exists(#n0"))
            .count() as u64
    );
    assert_eq!(
        OddNames::scan()
            .filter(OddNames::STATUS.in_(TRICKY[..3].iter().copied()))
            .count(e)
            .await
            .unwrap(),
        all.iter()
            .filter(|o| o
                .status
                .as_deref()
                .is_some_and(|s| TRICKY[..3].contains(&s)))
            .count() as u64
    );
}

#[tokio::test]
async fn filters_on_every_odd_name() {
    let (_local, engine, all) = loaded().await;
    let e = &engine;
    let all = &all[..];

    odd_where!(e, all, OddNames::STATUS.exists() => |o| o.status.is_some());
    odd_where!(e, all,
        OddNames::A_B.begins_with("k0")
        => |o| o.a_b.as_deref().is_some_and(|x| x.starts_with("k0")));
    odd_where!(e, all,
        OddNames::A_B.between("k03", "k07-o1")
        => |o| o.a_b.as_deref().is_some_and(|x| ("k03"..="k07-o1").contains(&x)));
    odd_where!(e, all, OddNames::X_Y.gt(3) => |o| o.x_y > 3);
    odd_where!(e, all, OddNames::X_Y.in_([-10, -4, 20]) => |o| [-10, -4, 20].contains(&o.x_y));
    odd_where!(e, all,
        OddNames::HASH_TAG.begins_with("#tag1")
        => |o| o.hash_tag.as_deref().is_some_and(|h| h.starts_with("#tag1")));
    odd_where!(e, all, OddNames::HASH_TAG.not_exists() => |o| o.hash_tag.is_none());
    odd_where!(e, all, OddNames::NAMAE.eq("名前-2") => |o| o.namae.as_deref() == Some("名前-2"));
    odd_where!(e, all,
        OddNames::NAMAE.contains("名前")
        => |o| o.namae.as_deref().is_some_and(|n| n.contains("名前")));
    odd_where!(e, all,
        OddNames::VALUES.entry("a.b").eq("x")
        => |o| o.values.get("a.b").is_some_and(|v| v == "x"));
    odd_where!(e, all, OddNames::VALUES.entry("名前").exists() => |o| o.values.contains_key("名前"));
    odd_where!(e, all,
        OddNames::VALUES.entry("select").eq(":v0")
        => |o| o.values["select"] == ":v0");
    odd_where!(e, all, OddNames::VALUES.size().eq(5) => |o| o.values.len() == 5);
    odd_where!(e, all, OddNames::ITEMS.contains(":v0") => |o| o.items.iter().any(|i| i == ":v0"));
    odd_where!(e, all,
        OddNames::ITEMS.index(0).eq("#n1")
        => |o| o.items.first().is_some_and(|i| i == "#n1"));
    odd_where!(e, all, OddNames::ITEMS.size().eq(3) => |o| o.items.len() == 3);
    odd_where!(e, all,
        OddNames::PATH.field(OddPath::SELECT).eq("a AND b")
        => |o| o.path.as_ref().is_some_and(|p| p.select.as_deref() == Some("a AND b")));
    odd_where!(e, all,
        OddNames::PATH.field(OddPath::X_Y).ge(5)
        => |o| o.path.as_ref().and_then(|p| p.x_y).is_some_and(|x| x >= 5));
    odd_where!(e, all, OddNames::PATH.not_exists() => |o| o.path.is_none());
    odd_where!(e, all,
        (OddNames::X_Y.lt(0) | OddNames::PATH.field(OddPath::X_Y).eq(9))
            & !OddNames::STATUS.eq("plain")
        => |o| (o.x_y < 0 || o.path.as_ref().and_then(|p| p.x_y) == Some(9))
            && o.status.as_deref() != Some("plain"));
    odd_where!(e, all,
        OddNames::HASH_TAG.exists().and(OddNames::NAMAE.begins_with("名前")).negate()
        => |o| !(o.hash_tag.is_some()
            && o.namae.as_deref().is_some_and(|n| n.starts_with("名前"))));

    // Filters on the key attributes of a scan.
    let got = OddNames::scan()
        .filter(OddNames::ORDER.eq("o2") & OddNames::SIZE.lt(3))
        .all(e)
        .await
        .unwrap();
    let mut got: Vec<(String, i64)> = got.into_iter().map(|o| (o.order, o.size)).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("o2".to_owned(), 0),
            ("o2".to_owned(), 1),
            ("o2".to_owned(), 2)
        ]
    );
}

#[tokio::test]
async fn ranges_selects_counts_deletes_and_cursors() {
    let (_local, engine, all) = loaded().await;
    let e = &engine;
    let o1: Vec<OddNames> = all.iter().filter(|o| o.order == "o1").cloned().collect();

    assert_eq!(OddNames::query("o1").all(e).await.unwrap(), o1);
    assert_eq!(
        OddNames::query("o1")
            .range_between(2, 5)
            .all(e)
            .await
            .unwrap(),
        o1[2..=5].to_vec()
    );
    let mut top: Vec<OddNames> = o1[8..].to_vec();
    top.reverse();
    assert_eq!(
        OddNames::query("o1")
            .range_gt(7)
            .reverse()
            .consistent()
            .all(e)
            .await
            .unwrap(),
        top
    );
    assert_eq!(
        OddNames::query("o1").range_eq(3).one(e).await.unwrap(),
        o1[3]
    );

    // Selected attributes with odd names, nested ones included.
    let partials = OddNames::query("o1")
        .select((
            OddNames::PATH.field(OddPath::X_Y),
            OddNames::VALUES.entry("a.b"),
            OddNames::HASH_TAG,
            OddNames::NAMAE,
            OddNames::ITEMS.index(1),
        ))
        .all(e)
        .await
        .unwrap();
    assert_eq!(partials.len(), o1.len());
    for (p, o) in partials.iter().zip(&o1) {
        assert_eq!(p.get(&OddNames::SIZE).unwrap(), Some(o.size));
        assert_eq!(
            p.get(&OddNames::PATH.field(OddPath::X_Y)).unwrap(),
            o.path.as_ref().and_then(|x| x.x_y)
        );
        assert_eq!(p.get(&OddNames::PATH.field(OddPath::SELECT)).unwrap(), None);
        assert_eq!(
            p.get(&OddNames::VALUES.entry("a.b")).unwrap(),
            o.values.get("a.b").cloned()
        );
        assert_eq!(p.get(&OddNames::VALUES.entry("#x")).unwrap(), None);
        assert_eq!(p.get(&OddNames::HASH_TAG).unwrap(), o.hash_tag);
        assert_eq!(p.get(&OddNames::NAMAE).unwrap(), o.namae);
        assert_eq!(
            p.get(&OddNames::ITEMS.index(1)).unwrap(),
            o.items.get(1).cloned()
        );
        assert_eq!(p.get(&OddNames::STATUS).unwrap(), None);
        assert_eq!(p.get(&OddNames::X_Y).unwrap(), None);
    }

    // Pages and cursors, on the table and on the index.
    let mut cursor: Option<Cursor> = None;
    let mut walked = Vec::new();
    loop {
        let page = OddNames::query("o1")
            .filter(OddNames::X_Y.ne(-4))
            .limit(2)
            .page(e, cursor.as_ref())
            .await
            .unwrap();
        walked.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next.to_string().parse().unwrap()),
            None => break,
        }
    }
    assert_eq!(
        walked,
        o1.iter()
            .filter(|o| o.x_y != -4)
            .cloned()
            .collect::<Vec<_>>()
    );

    // Counts and deletes.
    let cond = || OddNames::ITEMS.contains(":v0") | OddNames::STATUS.eq(") OR size > :v0");
    let matching = all
        .iter()
        .filter(|o| {
            o.items.iter().any(|i| i == ":v0") || o.status.as_deref() == Some(") OR size > :v0")
        })
        .count() as u64;
    assert_eq!(
        OddNames::scan()
            .filter(cond())
            .page_size(3)
            .count(e)
            .await
            .unwrap(),
        matching
    );
    assert_eq!(
        OddNames::scan()
            .filter(cond())
            .page_size(5)
            .delete(e)
            .await
            .unwrap(),
        matching
    );
    let left = OddNames::scan().all(e).await.unwrap();
    assert_eq!(left.len() as u64, all.len() as u64 - matching);
    assert!(left.iter().all(|o| !o.items.iter().any(|i| i == ":v0")));
    let deleted = OddNames::query("o2")
        .filter(OddNames::X_Y.ge(20))
        .delete(e)
        .await
        .unwrap();
    assert_eq!(
        OddNames::query("o2")
            .filter(OddNames::X_Y.ge(20))
            .count(e)
            .await
            .unwrap(),
        0
    );
    assert!(deleted > 0);
}

#[tokio::test]
async fn the_index_with_a_dotted_name_and_odd_key_names() {
    let (_local, engine, all) = loaded().await;
    let e = &engine;
    let item = |o: &OddNames| OddNamesByStatusIdxItem {
        order: o.order.clone(),
        size: o.size,
        status: o.status.clone().unwrap(),
        a_b: o.a_b.clone().unwrap(),
        hash_tag: o.hash_tag.clone(),
        namae: o.namae.clone(),
    };
    let mut checked = 0;
    for value in TRICKY {
        let mut with: Vec<&OddNames> = all
            .iter()
            .filter(|o| o.status.as_deref() == Some(*value))
            .collect();
        with.sort_by(|a, b| a.a_b.cmp(&b.a_b));
        let want: Vec<OddNamesByStatusIdxItem> = with.iter().map(|o| item(o)).collect();
        assert_eq!(
            OddNames::query_by_status_idx(*value).all(e).await.unwrap(),
            want,
            "{value:?}"
        );
        let whole: Vec<OddNames> = with.iter().map(|o| (*o).clone()).collect();
        assert_eq!(
            OddNames::query_by_status_idx(*value)
                .fetch_full(e)
                .await
                .unwrap(),
            whole
        );
        let k0: Vec<OddNamesByStatusIdxItem> = want
            .iter()
            .filter(|i| i.a_b.starts_with("k0"))
            .cloned()
            .collect();
        assert_eq!(
            OddNames::query_by_status_idx(*value)
                .range_begins_with("k0")
                .all(e)
                .await
                .unwrap(),
            k0
        );
        let tagged: Vec<OddNamesByStatusIdxItem> = want
            .iter()
            .filter(|i| i.hash_tag.is_some())
            .cloned()
            .collect();
        assert_eq!(
            OddNames::query_by_status_idx(*value)
                .filter(OddNames::HASH_TAG.exists())
                .reverse()
                .all(e)
                .await
                .unwrap(),
            tagged.into_iter().rev().collect::<Vec<_>>()
        );

        // Pages of one, each cursor through its token.
        let mut cursor: Option<Cursor> = None;
        let mut walked = Vec::new();
        loop {
            let page = OddNames::query_by_status_idx(*value)
                .limit(1)
                .page(e, cursor.as_ref())
                .await
                .unwrap();
            walked.extend(page.items);
            match page.next {
                Some(next) => {
                    cursor = Some(Cursor::parse(&next.to_string()).unwrap());
                }
                None => break,
            }
        }
        assert_eq!(walked, want);
        checked += want.len();
    }
    assert_eq!(checked, all.iter().filter(|o| o.status.is_some()).count());

    // The index's cursor is not the table's.
    let next = OddNames::query_by_status_idx("plain")
        .limit(1)
        .page(e, None)
        .await
        .unwrap()
        .next
        .unwrap();
    assert!(matches!(
        OddNames::query("o1").page(e, Some(&next)).await,
        Err(Error::InvalidCursor(_))
    ));
}

/// Raw items with attribute names that only placeholders can reach, read back by the model.
#[tokio::test]
async fn raw_items_with_odd_names_decode() {
    let (_local, engine) = start_with_tables().await;
    let item: Item = [
        ("order", s("raw")),
        ("size", AttributeValue::N("1".into())),
        ("status", s(":v0")),
        ("a.b", s("k")),
        ("x-y", AttributeValue::N("5".into())),
        ("#hash", s("#h")),
        ("名前", s("n")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    data::put_items(
        &engine,
        &db::table(&engine, "odd.names-table_1"),
        vec![item],
    )
    .await;
    let read = OddNames::query("raw")
        .filter(OddNames::X_Y.eq(5))
        .one(&engine)
        .await
        .unwrap();
    assert_eq!(read.hash_tag.as_deref(), Some("#h"));
    assert_eq!(read.namae.as_deref(), Some("n"));
    assert_eq!(read.x_y, 5);
}
