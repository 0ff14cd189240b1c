//! Computed keys (`schemas/activity.toml`): key attributes written from typed parts, queries
//! by those parts with every range condition checked against the same filter done in memory,
//! sparse index keys, escaping of text parts, and sync rewriting the computed attributes.

use crate::harness::db;

use db::{raw_get, s, start_with_tables, tracked};
use flywheel_runtime::chrono::{DateTime, Utc};
use flywheel_runtime::{Engine, Model, ModelKey};
use generated_example::models::activity::Kind;
use generated_example::models::{Activity, ActivityKey};

fn at(hour: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + hour * 3600, 0).unwrap()
}

const HOURS: [i64; 3] = [0, 1, 2];
const SEQS: [u32; 4] = [0, 1, 7, 42];

/// Account `a`'s activities: every hour and sequence number, with kinds, labels (some with the
/// separator in them, some absent) and scores (some negative, some absent); and a few of
/// account `b`, which no query of `a` may return.
fn activities() -> Vec<Activity> {
    let labels = [Some("x"), Some("x#y"), None, Some("x y"), Some("xa")];
    let kinds = [Kind::Login, Kind::Purchase, Kind::Logout];
    let mut out = Vec::new();
    let mut n = 0usize;
    for hour in HOURS {
        for seq in SEQS {
            let mut a = Activity::new("a", at(hour), seq, kinds[n % 3]);
            a.label = labels[n % labels.len()].map(str::to_owned);
            a.score = (n % 4 != 3).then_some(n as i64 * 7 - 30);
            out.push(a);
            n += 1;
        }
    }
    for seq in SEQS {
        let mut b = Activity::new("b", at(1), seq, Kind::Login);
        b.label = Some("x".into());
        b.score = Some(1);
        out.push(b);
    }
    out
}

async fn loaded() -> (db::TestDb, Engine, Vec<Activity>) {
    let (db, engine) = start_with_tables().await;
    let all = activities();
    for a in &all {
        engine.save(a).await.unwrap();
    }
    (db, engine, all)
}

/// Account `a`'s activities for which `keep` holds, in key order.
fn expected(all: &[Activity], keep: impl Fn(&Activity) -> bool) -> Vec<Activity> {
    let mut out: Vec<Activity> = all
        .iter()
        .filter(|a| a.account == "a" && keep(a))
        .cloned()
        .collect();
    out.sort_by_key(|a| (a.at, a.seq));
    out
}

#[tokio::test]
async fn computed_keys_are_written_from_their_parts() {
    let (_db, engine, _) = loaded().await;
    let key = [
        ("pk", s("ACCOUNT#a")),
        ("sk", s("AT#2023-11-14T23:13:20.000000000Z#000007")),
    ];
    let raw = raw_get(&engine, "Activities", &key)
        .await
        .expect("stored under its computed key");
    assert_eq!(raw["account"], s("a"));
    assert_eq!(raw["seq"], flywheel_runtime::AttributeValue::N("7".into()));
    // The same item through its key type, which holds the parts.
    let read = engine
        .get(ActivityKey::new("a", at(1), 7u32))
        .await
        .unwrap()
        .expect("found by its parts");
    assert_eq!((read.at, read.seq), (at(1), 7));
    // A sparse index key is written only when every part is there.
    let labelled = activities()
        .into_iter()
        .find(|a| a.label.is_some())
        .unwrap();
    let raw = raw_get(&engine, "Activities", &key_of(&labelled))
        .await
        .unwrap();
    assert_eq!(
        raw["by_label"],
        s(&format!("LABEL#{}", labelled.label.as_deref().unwrap()))
    );
    let unlabelled = activities()
        .into_iter()
        .find(|a| a.label.is_none())
        .unwrap();
    let raw = raw_get(&engine, "Activities", &key_of(&unlabelled))
        .await
        .unwrap();
    assert!(!raw.contains_key("by_label") && !raw.contains_key("by_kind"));
}

/// Every item `query` returns.
async fn all_of<I: flywheel_runtime::index::Index, R>(
    engine: &Engine,
    query: flywheel_runtime::Query<I, Activity, R>,
) -> Vec<Activity> {
    query.all(engine).await.unwrap()
}

fn key_of(a: &Activity) -> Vec<(&'static str, flywheel_runtime::AttributeValue)> {
    let item = a.key().to_item().unwrap();
    vec![("pk", item["pk"].clone()), ("sk", item["sk"].clone())]
}

#[tokio::test]
async fn every_condition_on_the_parts_of_the_range_key_selects_what_it_says() {
    let (_db, engine, all) = loaded().await;
    let q = || Activity::query("a");
    assert_eq!(all_of(&engine, q()).await, expected(&all, |_| true));
    for hour in HOURS {
        let t = at(hour);
        assert_eq!(
            all_of(&engine, q().eq(Activity::AT, t)).await,
            expected(&all, |a| a.at == t)
        );
        assert_eq!(
            all_of(&engine, q().lt(Activity::AT, t)).await,
            expected(&all, |a| a.at < t)
        );
        assert_eq!(
            all_of(&engine, q().le(Activity::AT, t)).await,
            expected(&all, |a| a.at <= t)
        );
        assert_eq!(
            all_of(&engine, q().gt(Activity::AT, t)).await,
            expected(&all, |a| a.at > t)
        );
        assert_eq!(
            all_of(&engine, q().ge(Activity::AT, t)).await,
            expected(&all, |a| a.at >= t)
        );
        // The last part: a fixed-width number at the end of the key.
        for seq in [0u32, 1, 5, 7, 42, 43] {
            let at_t = |f: fn(u32, u32) -> bool| move |a: &Activity| a.at == t && f(a.seq, seq);
            let part = || q().eq(Activity::AT, t);
            assert_eq!(
                all_of(&engine, part().eq(Activity::SEQ, seq)).await,
                expected(&all, at_t(|a, b| a == b))
            );
            assert_eq!(
                all_of(&engine, part().lt(Activity::SEQ, seq)).await,
                expected(&all, at_t(|a, b| a < b)),
                "seq < {seq}"
            );
            assert_eq!(
                all_of(&engine, part().le(Activity::SEQ, seq)).await,
                expected(&all, at_t(|a, b| a <= b))
            );
            assert_eq!(
                all_of(&engine, part().gt(Activity::SEQ, seq)).await,
                expected(&all, at_t(|a, b| a > b)),
                "seq > {seq}"
            );
            assert_eq!(
                all_of(&engine, part().ge(Activity::SEQ, seq)).await,
                expected(&all, at_t(|a, b| a >= b))
            );
        }
    }
    assert_eq!(
        all_of(&engine, q().between(Activity::AT, at(0), at(1))).await,
        expected(&all, |a| a.at <= at(1))
    );
    let between = q()
        .eq(Activity::AT, at(2))
        .between(Activity::SEQ, 1u32, 7u32);
    assert_eq!(
        all_of(&engine, between).await,
        expected(&all, |a| a.at == at(2) && (1..=7).contains(&a.seq))
    );
    // Newest first, and counted with the bound left out.
    let mut newest = expected(&all, |_| true);
    newest.reverse();
    assert_eq!(all_of(&engine, q().reverse()).await, newest);
    let count = q()
        .eq(Activity::AT, at(1))
        .gt(Activity::SEQ, 1u32)
        .count(&engine)
        .await
        .unwrap();
    assert_eq!(count, 2);
}

#[tokio::test]
async fn text_parts_with_the_separator_in_them_stay_apart() {
    let (_db, engine, all) = loaded().await;
    let kinds = [Kind::Login, Kind::Purchase, Kind::Logout];
    let by_kind = |keep: &dyn Fn(&Activity) -> bool| {
        let mut out: Vec<Activity> = all
            .iter()
            .filter(|a| a.account == "a" && a.label.is_some() && a.score.is_some() && keep(a))
            .cloned()
            .collect();
        out.sort_by_key(|a| (a.kind.as_str(), a.label.clone(), a.score));
        out
    };
    for kind in kinds {
        let q = || Activity::query_by_kind("a").eq(Activity::KIND, kind);
        for label in ["x", "x#y", "x y", "xa", "w"] {
            let found = q().eq(Activity::LABEL, label).all(&engine).await.unwrap();
            assert_eq!(
                found,
                by_kind(&|a| a.kind == kind && a.label.as_deref() == Some(label)),
                "{kind} {label:?}"
            );
            let found = q().lt(Activity::LABEL, label).all(&engine).await.unwrap();
            assert_eq!(
                found,
                by_kind(&|a| a.kind == kind && a.label.as_deref().unwrap() < label),
                "{kind} < {label:?}"
            );
            let found = q().gt(Activity::LABEL, label).all(&engine).await.unwrap();
            assert_eq!(
                found,
                by_kind(&|a| a.kind == kind && a.label.as_deref().unwrap() > label),
                "{kind} > {label:?}"
            );
        }
        let found = q()
            .begins_with(Activity::LABEL, "x")
            .all(&engine)
            .await
            .unwrap();
        assert_eq!(
            found,
            by_kind(&|a| a.kind == kind),
            "every label starts with x"
        );
        let found = q()
            .begins_with(Activity::LABEL, "x#")
            .all(&engine)
            .await
            .unwrap();
        assert_eq!(
            found,
            by_kind(&|a| a.kind == kind && a.label.as_deref().unwrap().starts_with("x#"))
        );
        // Negative and positive scores in number order, after equality on the text parts.
        for score in [-30, -2, 0, 5, 26] {
            let found = q()
                .eq(Activity::LABEL, "x")
                .ge(Activity::SCORE, score)
                .all(&engine)
                .await
                .unwrap();
            assert_eq!(
                found,
                by_kind(&|a| a.kind == kind
                    && a.label.as_deref() == Some("x")
                    && a.score.unwrap() >= score),
                "{kind} x score >= {score}"
            );
        }
    }
    // Enum parts compare by their stored values: "login" < "logout" < "purchase".
    let found = Activity::query_by_kind("a")
        .lt(Activity::KIND, Kind::Logout)
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(found, by_kind(&|a| a.kind == Kind::Login));
    // A sparse global index: only the labelled items, one label each.
    let found = Activity::query_by_label("x#y").all(&engine).await.unwrap();
    assert_eq!(found, expected(&all, |a| a.label.as_deref() == Some("x#y")));
}

#[tokio::test]
async fn an_index_that_holds_only_keys_holds_the_parts_of_the_table_key() {
    let (_db, engine, all) = loaded().await;
    // `ByScore` is declared KEYS_ONLY: it projects the parts of the computed table key too, so
    // its items know the key of their item.
    let index = Activity::SCHEMA.index("ByScore").unwrap();
    assert_eq!(
        index.projection,
        flywheel_runtime::schema::Projection::Include(&["account", "at", "seq"])
    );
    let items = Activity::query_by_score(Kind::Purchase)
        .range_gt(0)
        .all(&engine)
        .await
        .unwrap();
    let want = expected(&all, |a| {
        a.kind == Kind::Purchase && a.score.is_some_and(|s| s > 0)
    });
    assert!(!want.is_empty());
    let mut keys: Vec<ActivityKey> = items.iter().map(|i| i.key()).collect();
    keys.sort_by_key(|k| (k.at, k.seq));
    assert_eq!(keys, want.iter().map(Activity::key).collect::<Vec<_>>());
    let whole = engine.get(keys[0].clone()).await.unwrap().unwrap();
    assert_eq!(whole, want[0]);
}

#[tokio::test]
async fn sync_rewrites_the_computed_attributes_of_changed_parts() {
    let (_db, engine, _) = loaded().await;
    let key = ActivityKey::new("a", at(0), 0u32);
    let mut tracked = tracked::<Activity>(&engine, key.clone()).await;
    let before = tracked.label.clone();
    assert!(before.is_some());
    tracked.label = Some("renamed".into());
    assert!(engine.sync(&mut tracked).await.unwrap());
    let found = Activity::query_by_label("renamed")
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key(), key);
    // Taking a part away takes the item out of the sparse indexes.
    tracked.label = None;
    assert!(engine.sync(&mut tracked).await.unwrap());
    let raw = raw_get(&engine, "Activities", &key_of(&tracked))
        .await
        .unwrap();
    assert!(!raw.contains_key("by_label") && !raw.contains_key("by_kind"));
    assert!(
        Activity::query_by_label("renamed")
            .all(&engine)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn updates_rewrite_the_index_keys_whose_parts_they_set() {
    let (_db, engine, _) = loaded().await;
    let key = ActivityKey::new("a", at(0), 0u32);
    // `by_kind` is `{kind}#{label}#{score}`: setting `label` alone would leave it stale, so the
    // update must set its other parts too, or it is refused and changes nothing.
    let alone = Activity::update(key.clone())
        .set(Activity::LABEL, "solo".to_owned())
        .send(&engine)
        .await;
    match alone {
        Err(flywheel_runtime::Error::Validation(message)) => {
            assert!(message.contains("`kind`, `score`"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(
        Activity::query_by_label("solo")
            .all(&engine)
            .await
            .unwrap()
            .is_empty()
    );
    // With every part, both computed keys are written anew in the same request.
    Activity::update(key.clone())
        .set(Activity::KIND, Kind::Purchase)
        .set(Activity::LABEL, "new#label".to_owned())
        .set(Activity::SCORE, -7i64)
        .send(&engine)
        .await
        .unwrap();
    let raw = raw_get(
        &engine,
        "Activities",
        &key_of(&engine.get(key.clone()).await.unwrap().unwrap()),
    )
    .await
    .unwrap();
    assert_eq!(raw["by_label"], s("LABEL#new#label"));
    assert_eq!(
        raw["by_kind"],
        s("purchase#new$23label#-9999999999999999993")
    );
    let found = Activity::query_by_kind("a")
        .eq(Activity::KIND, Kind::Purchase)
        .eq(Activity::LABEL, "new#label")
        .eq(Activity::SCORE, -7i64)
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    // Removing a part takes the item out of the sparse indexes.
    Activity::update(key.clone())
        .remove(Activity::LABEL)
        .send(&engine)
        .await
        .unwrap();
    let item = engine.get(key).await.unwrap().unwrap();
    let raw = raw_get(&engine, "Activities", &key_of(&item))
        .await
        .unwrap();
    assert!(!raw.contains_key("by_label") && !raw.contains_key("by_kind"));
}

#[tokio::test]
async fn an_update_takes_the_parts_it_does_not_set_from_the_key() {
    let (_db, engine, _) = loaded().await;
    let key = ActivityKey::new("a", at(1), 7u32);
    // `noted` is `NOTE#{note}#{seq:6}`: `seq` is a part of the table key, which the update's
    // key gives, so setting `note` is enough to write it anew.
    Activity::update(key.clone())
        .set(Activity::NOTE, "hello".to_owned())
        .send(&engine)
        .await
        .unwrap();
    let item = engine.get(key.clone()).await.unwrap().unwrap();
    let raw = raw_get(&engine, "Activities", &key_of(&item))
        .await
        .unwrap();
    assert_eq!(raw["noted"], s("NOTE#hello#000007"));
    // As a save writes it.
    engine.save(&item).await.unwrap();
    let again = raw_get(&engine, "Activities", &key_of(&item))
        .await
        .unwrap();
    assert_eq!(again["noted"], raw["noted"]);
}
