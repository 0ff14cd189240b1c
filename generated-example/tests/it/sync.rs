//! flywheel's `sync`: only what changed is written, a field someone else changed since it was
//! read is never overwritten unless asked, deltas are atomic, and the model is reloaded.

use crate::harness::data;
use crate::harness::db;
use crate::harness::errors::{condition_failed, conflict, version_conflict};
use crate::harness::requests::{Requests, recording};

use std::collections::BTreeSet;

use db::{TestDb, n, s, start_with_tables, tracked};
use flywheel_runtime::chrono::DateTime;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{AttributeValue, Engine, Error, Item, Stored, Tracked};
use generated_example::models::user_profile::{Address, Status};
use generated_example::models::{GameScore, GameScoreKey, UserProfile, UserProfileKey};

fn key() -> GameScoreKey {
    GameScoreKey::new("abc", "Comet Quest")
}

fn score() -> GameScore {
    let mut score = GameScore::new("abc", "Comet Quest");
    score.top_score = Some(100);
    score.wins = 1;
    score
}

/// A copy of the stored score that is stale: another copy, read at the same time, was changed
/// by `change` and synced after it was read.
async fn stale_copy(engine: &Engine, change: impl FnOnce(&mut GameScore)) -> Tracked<GameScore> {
    let mut first = tracked::<GameScore>(engine, key()).await;
    let stale = tracked::<GameScore>(engine, key()).await;
    change(&mut first);
    assert!(engine.sync(&mut first).await.unwrap());
    stale
}

const ID: Uuid = Uuid::from_u128(5);

fn profile() -> UserProfile {
    let mut p = UserProfile::new(
        ID,
        "ada@example.com",
        DateTime::from_timestamp(0, 0).unwrap(),
    );
    p.tags = BTreeSet::from(["a".to_owned(), "b".to_owned()]);
    p.lucky_numbers = BTreeSet::from([1, 2]);
    p.home = Some(Address::new("London"));
    p
}

async fn raw_score(engine: &Engine) -> Item {
    db::raw_score(engine, "abc", "Comet Quest").await.unwrap()
}

async fn raw_profile(engine: &Engine) -> Item {
    db::raw_profile(engine, ID).await.unwrap()
}

/// Changes attributes of the score behind flywheel's back, with the raw client.
async fn raw_update(engine: &Engine, expression: &str, values: Vec<(&str, AttributeValue)>) {
    let mut request = engine
        .client()
        .update_item()
        .table_name(db::table(engine, "GameScores"))
        .key("userid", s("abc"))
        .key("title", s("Comet Quest"))
        .update_expression(expression);
    for (placeholder, value) in values {
        request = request.expression_attribute_values(placeholder, value);
    }
    request.send().await.unwrap();
}

fn updates(requests: &Requests) -> Vec<String> {
    requests
        .take()
        .into_iter()
        .filter_map(|r| r.update)
        .collect()
}

/// A fresh database holding [`score`], an engine over it, the same engine recording what it
/// sends, the recorded requests (none yet), and a copy of the score read for `sync`.
async fn watched_score() -> (TestDb, Engine, Engine, Requests, Tracked<GameScore>) {
    let (db, engine) = data::start_with(&[score()]).await;
    let (watched, requests) = recording(&engine);
    let copy = tracked::<GameScore>(&engine, key()).await;
    (db, engine, watched, requests, copy)
}

#[tokio::test]
async fn only_changed_attributes_are_sent_so_other_changes_survive() {
    let (_local, engine, watched, requests, mut copy) = watched_score().await;
    // Someone else changes `losses` after the read.
    raw_update(&engine, "SET losses = :l", vec![(":l", n("7"))]).await;

    copy.wins = 5;
    assert_eq!(copy.changes().unwrap(), ["wins"]);
    assert!(watched.sync(&mut copy).await.unwrap());
    let sent = updates(&requests);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].starts_with("SET wins = :v"), "{}", sent[0]);
    assert!(
        !sent[0].contains("losses") && !sent[0].contains("top_score"),
        "{}",
        sent[0]
    );

    let stored = raw_score(&engine).await;
    assert_eq!((&stored["wins"], &stored["losses"]), (&n("5"), &n("7")));
    // The model is reloaded from what is stored, the other change included.
    assert_eq!((copy.wins, copy.losses), (5, 7));
    assert!(copy.changes().unwrap().is_empty());
}

#[tokio::test]
async fn clearing_an_optional_field_sends_remove() {
    let (_local, engine, watched, requests, mut copy) = watched_score().await;
    copy.top_score = None;
    assert!(watched.sync(&mut copy).await.unwrap());
    let sent = updates(&requests);
    assert!(sent[0].starts_with("REMOVE top_score"), "{}", sent[0]);
    assert!(!raw_score(&engine).await.contains_key("top_score"));
    assert_eq!(copy.top_score, None);
}

#[tokio::test]
async fn emptying_a_set_removes_it_and_changing_one_sets_it() {
    let (_local, engine) = start_with_tables().await;
    let (watched, requests) = recording(&engine);
    engine.save(&profile()).await.unwrap();
    let mut copy = tracked::<UserProfile>(&engine, UserProfileKey::new(ID)).await;
    copy.tags.clear();
    copy.lucky_numbers.remove(&1);
    assert!(watched.sync(&mut copy).await.unwrap());
    let sent = updates(&requests);
    assert!(sent[0].contains("REMOVE tags"), "{}", sent[0]);
    assert!(sent[0].contains("lucky_numbers = :v"), "{}", sent[0]);
    let stored = raw_profile(&engine).await;
    assert!(!stored.contains_key("tags"), "{stored:?}");
    assert_eq!(
        stored["lucky_numbers"],
        AttributeValue::Ns(vec!["2".into()])
    );
    assert_eq!(stored["version"], n("2"));
    assert!(copy.tags.is_empty());
    assert_eq!(copy.version, 2);
}

#[tokio::test]
async fn a_nested_change_writes_the_top_level_attribute() {
    let (_local, engine) = start_with_tables().await;
    engine.save(&profile()).await.unwrap();
    let mut copy = tracked::<UserProfile>(&engine, UserProfileKey::new(ID)).await;
    copy.home.as_mut().unwrap().street = Some("1 Main St".into());
    assert_eq!(copy.changes().unwrap(), ["home"]);
    assert!(engine.sync(&mut copy).await.unwrap());
    let read: UserProfile = db::read_existing(&engine, UserProfileKey::new(ID)).await;
    assert_eq!(read.home.unwrap().street.as_deref(), Some("1 Main St"));
}

#[tokio::test]
async fn deltas_are_atomic_and_the_model_is_reloaded() {
    let (_local, engine, watched, requests, mut copy) = watched_score().await;
    copy.incr(GameScore::WINS, 5)
        .unwrap()
        .decr(GameScore::LOSSES, 2)
        .unwrap();
    assert_eq!(copy.changes().unwrap(), ["wins", "losses"]);
    assert_eq!(
        copy.wins, 1,
        "the model shows the new value only after the sync"
    );
    // Someone else increments meanwhile: both increments count.
    raw_update(&engine, "ADD wins :w", vec![(":w", n("10"))]).await;
    copy.top_score = Some(500);
    assert!(watched.sync(&mut copy).await.unwrap());
    let sent = updates(&requests);
    // Defaulted numbers are incremented from their default when absent.
    assert!(
        sent[0].contains("wins = if_not_exists(wins, :v")
            && sent[0].contains("losses = if_not_exists(losses, :v"),
        "{}",
        sent[0]
    );
    assert_eq!(
        (copy.wins, copy.losses, copy.top_score),
        (16, -2, Some(500))
    );
    assert_eq!(raw_score(&engine).await["wins"], n("16"));
    // The deltas were used up: syncing again sends nothing.
    assert!(!watched.sync(&mut copy).await.unwrap());
    assert_eq!(requests.count(), 0);

    // Set deltas, on a versioned model.
    engine.save(&profile()).await.unwrap();
    let mut p = tracked::<UserProfile>(&engine, UserProfileKey::new(ID)).await;
    p.add(UserProfile::TAGS, BTreeSet::from(["c"])).unwrap();
    p.delete(UserProfile::LUCKY_NUMBERS, BTreeSet::from([1]))
        .unwrap();
    p.incr(UserProfile::LOGIN_COUNT, 3u64).unwrap();
    // Empty deltas add no action.
    p.add(UserProfile::TAGS, BTreeSet::<String>::new()).unwrap();
    assert!(engine.sync(&mut p).await.unwrap());
    assert_eq!(
        p.tags,
        BTreeSet::from(["a".to_owned(), "b".to_owned(), "c".to_owned()])
    );
    assert_eq!(p.lucky_numbers, BTreeSet::from([2]));
    assert_eq!((p.login_count, p.version), (3, 2));
}

#[tokio::test]
async fn a_delta_and_a_changed_value_of_one_field_are_refused_before_sending() {
    let (_local, engine, watched, requests, mut copy) = watched_score().await;
    copy.incr(GameScore::WINS, 1).unwrap();
    copy.wins = 50;
    let err = watched.sync(&mut copy).await.unwrap_err();
    match &err {
        Error::Validation(text) => {
            assert!(text.starts_with("an update writes `wins` twice"), "{text}")
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(requests.count(), 0);
    assert_eq!(raw_score(&engine).await["wins"], n("1"));
}

#[tokio::test]
async fn a_conflicting_sync_writes_none_of_its_changes() {
    let (_local, engine) = data::start_with(&[score()]).await;
    let mut second = stale_copy(&engine, |score| score.top_score = Some(200)).await;
    second.top_score = Some(300);
    second.losses = 9;
    let before = raw_score(&engine).await;
    let (attributes, item) = conflict(engine.sync(&mut second).await);
    assert_eq!(
        attributes,
        ["top_score"],
        "losses was not changed by anyone else"
    );
    assert_eq!(item, Some(before.clone()));
    assert_eq!(
        raw_score(&engine).await,
        before,
        "nothing was written, losses included"
    );
    assert_eq!(
        (second.top_score, second.losses),
        (Some(300), 9),
        "the model keeps its changes"
    );

    // An attribute that was absent when read and set since is a conflict too.
    let mut fourth = stale_copy(&engine, |score| {
        score.top_score_time = Some(DateTime::from_timestamp(1, 0).unwrap())
    })
    .await;
    fourth.top_score_time = Some(DateTime::from_timestamp(2, 0).unwrap());
    let (attributes, _) = conflict(engine.sync(&mut fourth).await);
    assert_eq!(attributes, ["top_score_time"]);
    // And so is one removed since.
    let mut fifth = tracked::<GameScore>(&engine, key()).await;
    raw_update(&engine, "REMOVE top_score", vec![]).await;
    fifth.top_score = Some(1);
    let (attributes, item) = conflict(engine.sync(&mut fifth).await);
    assert_eq!(attributes, ["top_score"]);
    assert!(!item.unwrap().contains_key("top_score"));
}

#[tokio::test]
async fn a_constraint_adds_a_condition_and_exempts_what_it_reads() {
    let (_local, engine) = data::start_with(&[score()]).await;
    let mut second = stale_copy(&engine, |score| score.top_score = Some(200)).await;
    // `second` read 100, the item holds 200 now: the constraint decides for top_score.
    second.top_score = Some(300);
    assert!(
        engine
            .sync(&mut second)
            .constraint(GameScore::TOP_SCORE.lt(250))
            .await
            .unwrap()
    );
    assert_eq!(raw_score(&engine).await["top_score"], n("300"));
    assert_eq!(second.top_score, Some(300));

    // A constraint that does not hold: the stored item comes back, nothing is written.
    let mut third = tracked::<GameScore>(&engine, key()).await;
    third.top_score = Some(50);
    let before = raw_score(&engine).await;
    let item = condition_failed(
        engine
            .sync(&mut third)
            .constraint(GameScore::TOP_SCORE.lt(250))
            .await,
    );
    assert_eq!(item, Stored::Present(before.clone()));
    assert_eq!(raw_score(&engine).await, before);

    // A constraint on another attribute does not exempt the changed one.
    let mut fifth = stale_copy(&engine, |score| score.top_score = Some(400)).await;
    fifth.top_score = Some(500);
    let (attributes, _) = conflict(
        engine
            .sync(&mut fifth)
            .constraint(GameScore::WINS.eq(1))
            .await,
    );
    assert_eq!(attributes, ["top_score"]);
    // A constraint on a versioned model: the version is still checked as well.
    engine.save(&profile()).await.unwrap();
    let mut a = tracked::<UserProfile>(&engine, UserProfileKey::new(ID)).await;
    a.status = Status::Suspended;
    assert!(
        engine
            .sync(&mut a)
            .constraint(UserProfile::HOME.field(Address::CITY).eq("London"))
            .await
            .unwrap()
    );
    assert_eq!((a.status, a.version), (Status::Suspended, 2));
}

#[tokio::test]
async fn overwrite_skips_the_unchanged_check_but_still_writes_only_changes() {
    let (_local, engine) = data::start_with(&[score()]).await;
    let mut second = stale_copy(&engine, |score| {
        score.top_score = Some(200);
        score.losses = 3;
    })
    .await;
    second.top_score = Some(300);
    assert!(engine.sync(&mut second).overwrite().await.unwrap());
    let stored = raw_score(&engine).await;
    assert_eq!(stored["top_score"], n("300"), "last writer wins");
    assert_eq!(stored["losses"], n("3"), "the other change survives");
    assert_eq!((second.top_score, second.losses), (Some(300), 3));
}

#[tokio::test]
async fn a_sync_with_nothing_changed_sends_nothing() {
    let (_local, engine) = start_with_tables().await;
    let (watched, requests) = recording(&engine);
    engine.save(&score()).await.unwrap();
    engine.save(&profile()).await.unwrap();
    let mut copy = tracked::<GameScore>(&engine, key()).await;
    let mut p = tracked::<UserProfile>(&engine, UserProfileKey::new(ID)).await;
    assert!(!watched.sync(&mut copy).await.unwrap());
    assert!(!watched.sync(&mut copy).overwrite().await.unwrap());
    assert!(!watched.sync(&mut p).await.unwrap());
    // A change undone is no change.
    copy.wins = 7;
    copy.wins = 1;
    assert!(!watched.sync(&mut copy).await.unwrap());
    // Changing the version field does not count as a change.
    p.version = 99;
    assert!(!watched.sync(&mut p).await.unwrap());
    assert_eq!(requests.count(), 0, "{:?}", requests.all());
    assert_eq!(raw_profile(&engine).await["version"], n("1"));
}

#[tokio::test]
async fn changing_the_key_of_a_loaded_model_is_refused() {
    let (_local, engine, watched, requests, mut copy) = watched_score().await;
    copy.title = "Other Game".into();
    copy.wins = 2;
    match watched.sync(&mut copy).await {
        Err(Error::KeyChanged { model, read, now }) => {
            assert_eq!(model, "GameScore");
            assert_eq!(read, "{userid = S \"abc\", title = S \"Comet Quest\"}");
            assert_eq!(now, "{userid = S \"abc\", title = S \"Other Game\"}");
        }
        other => panic!("expected KeyChanged, got {other:?}"),
    }
    assert_eq!(requests.count(), 0);
    assert!(!db::is_stored(&engine, GameScoreKey::new("abc", "Other Game")).await);
}

#[tokio::test]
async fn a_new_tracked_model_creates_the_item_and_a_second_create_conflicts() {
    let (_local, engine) = start_with_tables().await;
    let mut first = Tracked::new(score());
    assert!(!first.is_stored());
    assert!(engine.sync(&mut first).await.unwrap());
    assert!(first.is_stored());
    assert_eq!(db::read_consistent(&engine, key()).await, Some(score()));

    let before = raw_score(&engine).await;
    let mut other = score();
    other.top_score = Some(999);
    let mut second = Tracked::new(other);
    let (attributes, item) = conflict(engine.sync(&mut second).await);
    // `losses` is left at its default, so it is only filled where absent.
    assert_eq!(attributes, ["top_score", "wins"]);
    assert_eq!(item, Some(before.clone()));
    assert_eq!(raw_score(&engine).await, before);
}

#[tokio::test]
async fn a_new_tracked_model_merges_into_an_item_holding_other_attributes() {
    let (_local, engine) = start_with_tables().await;
    // An item with only attributes the new model does not write.
    db::raw_put_score(
        &engine,
        "abc",
        "Comet Quest",
        vec![("top_score_time", n("1.5"))],
    )
    .await;
    let mut copy = Tracked::new(score());
    assert!(engine.sync(&mut copy).await.unwrap());
    let mut expected = score();
    expected.top_score_time = Some(DateTime::from_timestamp(1, 500_000_000).unwrap());
    assert_eq!(*copy, expected, "reloaded with what was stored already");
    assert_eq!(db::read_consistent(&engine, key()).await, Some(expected));
}

#[tokio::test]
async fn a_new_versioned_model_creates_at_version_one_once() {
    let (_local, engine) = start_with_tables().await;
    let mut first = Tracked::new(profile());
    assert!(engine.sync(&mut first).await.unwrap());
    assert_eq!(first.version, 1);
    let mut second = Tracked::new(profile());
    second.display_name = Some("other".into());
    assert_eq!(
        version_conflict(engine.sync(&mut second).await),
        (0, Stored::Present(1))
    );
    let stored: UserProfile = db::read_existing(&engine, UserProfileKey::new(ID)).await;
    assert_eq!(stored, *first);
    assert_eq!(stored.display_name, None);
}

#[tokio::test]
async fn a_model_known_to_be_stored_syncs_like_a_read_one() {
    let (_local, engine) = data::start_with(&[score()]).await;
    let from_query = GameScore::query("abc")
        .all(&engine)
        .await
        .unwrap()
        .remove(0);
    let mut copy = Tracked::stored(from_query).unwrap();
    copy.losses = 4;
    assert!(engine.sync(&mut copy).await.unwrap());
    assert_eq!(raw_score(&engine).await["losses"], n("4"));
    assert_eq!(copy.into_inner().losses, 4);
}

#[tokio::test]
async fn a_sync_never_brings_back_an_item_deleted_since_it_was_read() {
    let (_local, engine) = data::start_with(&[GameScore::new("abc", "Comet Quest")]).await;
    let mut copy = tracked::<GameScore>(&engine, key()).await;
    engine.delete(key()).await.unwrap();
    // `top_score` was absent when read, as it is now: only the item being gone tells.
    copy.top_score = Some(5);
    assert_eq!(
        condition_failed(engine.sync(&mut copy).await),
        Stored::Missing
    );
    assert!(
        !db::is_stored(&engine, key()).await,
        "no fragment of the item was written"
    );
    assert_eq!(
        condition_failed(engine.sync(&mut copy).overwrite().await),
        Stored::Missing
    );
    // A field that was present when read: it changed (it is gone with the item).
    copy.wins = 3;
    assert_eq!(
        conflict(engine.sync(&mut copy).await),
        (vec!["wins".to_owned()], None)
    );
    assert!(!db::is_stored(&engine, key()).await);
    // A new model, though, is created.
    let mut fresh = Tracked::new(GameScore::new("abc", "Comet Quest"));
    assert!(engine.sync(&mut fresh).await.unwrap());
    assert!(db::is_stored(&engine, key()).await);

    // With a version, the version read is not found.
    engine.save(&profile()).await.unwrap();
    let mut p = tracked::<UserProfile>(&engine, UserProfileKey::new(ID)).await;
    engine.delete(UserProfileKey::new(ID)).await.unwrap();
    p.display_name = Some("Ada".into());
    assert_eq!(
        version_conflict(engine.sync(&mut p).await),
        (1, Stored::Missing)
    );
    assert!(!db::is_stored(&engine, UserProfileKey::new(ID)).await);
}

#[tokio::test]
async fn repeated_deltas_on_one_attribute_are_sent_as_one() {
    let (_local, engine, watched, requests, mut copy) = watched_score().await;
    for _ in 0..5 {
        copy.incr(GameScore::WINS, 2).unwrap();
    }
    copy.decr(GameScore::WINS, 3).unwrap();
    assert_eq!(copy.changes().unwrap(), ["wins"]);
    assert!(watched.sync(&mut copy).await.unwrap());
    assert_eq!(copy.wins, 1 + 10 - 3);
    let sent = updates(&requests);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].matches("wins =").count(), 1, "{}", sent[0]);

    // Sets, floats and decimals, on a versioned model.
    let mut p = profile();
    p.rating = Some(1.0);
    engine.save(&p).await.unwrap();
    let mut p = tracked::<UserProfile>(&engine, UserProfileKey::new(ID)).await;
    p.add(UserProfile::TAGS, BTreeSet::from(["c"])).unwrap();
    p.add(UserProfile::TAGS, BTreeSet::from(["c", "d"]))
        .unwrap();
    p.delete(UserProfile::LUCKY_NUMBERS, BTreeSet::from([1]))
        .unwrap();
    p.delete(UserProfile::LUCKY_NUMBERS, BTreeSet::from([2, 3]))
        .unwrap();
    p.incr(UserProfile::RATING, 0.1).unwrap();
    p.incr(UserProfile::RATING, 0.2).unwrap();
    p.incr(
        UserProfile::BALANCE,
        "0.10".parse::<flywheel_runtime::Decimal>().unwrap(),
    )
    .unwrap();
    p.decr(
        UserProfile::BALANCE,
        "0.35".parse::<flywheel_runtime::Decimal>().unwrap(),
    )
    .unwrap();
    assert!(engine.sync(&mut p).await.unwrap());
    assert_eq!(
        p.tags,
        BTreeSet::from(["a", "b", "c", "d"].map(str::to_owned))
    );
    assert!(p.lucky_numbers.is_empty());
    // Added as decimals, as DynamoDB adds: 1 + 0.1 + 0.2 is exactly 1.3.
    assert_eq!(p.rating, Some(1.3));
    assert_eq!(
        p.balance,
        "-0.25".parse::<flywheel_runtime::Decimal>().unwrap()
    );

    // Adding to and deleting from one set in one sync cannot be one action.
    p.add(UserProfile::TAGS, BTreeSet::from(["e"])).unwrap();
    p.delete(UserProfile::TAGS, BTreeSet::from(["a"])).unwrap();
    assert!(matches!(
        engine.sync(&mut p).await,
        Err(Error::Validation(_))
    ));
}

/// flywheel 0.5's "new object, `incr_`, `sync`" written the same way here, and what a new
/// model does to an item that exists: only what the caller set is written; defaults fill
/// what the stored item lacks and never replace what it holds.
#[tokio::test]
async fn a_new_tracked_model_writes_only_what_the_caller_set() {
    let (_local, engine) = start_with_tables().await;
    let (watched, requests) = recording(&engine);

    // No item yet: the increment starts from the default, the other default is filled in.
    let mut fresh = Tracked::new(GameScore::new("abc", "Comet Quest"));
    assert_eq!(
        fresh.changes().unwrap(),
        Vec::<String>::new(),
        "nothing set yet"
    );
    fresh.incr(GameScore::WINS, 1).unwrap();
    assert_eq!(fresh.changes().unwrap(), ["wins"]);
    assert!(watched.sync(&mut fresh).await.unwrap());
    assert_eq!((fresh.wins, fresh.losses, fresh.top_score), (1, 0, None));
    let stored = raw_score(&engine).await;
    assert_eq!(stored["wins"], n("1"));
    assert_eq!(stored["losses"], n("0"));
    assert!(!stored.contains_key("top_score"));
    requests.take();

    // An item holding wins = 7, losses = 5: a new model's increment adds to what is stored.
    raw_update(
        &engine,
        "SET wins = :w, losses = :l",
        vec![(":w", n("7")), (":l", n("5"))],
    )
    .await;
    let mut again = Tracked::new(GameScore::new("abc", "Comet Quest"));
    again.incr(GameScore::WINS, 1).unwrap();
    assert!(engine.sync(&mut again).await.unwrap());
    assert_eq!((again.wins, again.losses), (8, 5));

    // overwrite() with nothing set changes nothing that is stored.
    let before = raw_score(&engine).await;
    let mut blank = Tracked::new(GameScore::new("abc", "Comet Quest"));
    assert!(engine.sync(&mut blank).overwrite().await.unwrap());
    assert_eq!(raw_score(&engine).await, before);
    assert_eq!((blank.wins, blank.losses), (8, 5), "the model is reloaded");

    // A field the caller set conflicts with a stored value, as flywheel's "expected to be
    // absent" did; overwrite() writes it and still leaves the defaulted fields alone.
    raw_update(&engine, "SET top_score = :t", vec![(":t", n("100"))]).await;
    let mut scored = GameScore::new("abc", "Comet Quest");
    scored.top_score = Some(200);
    let mut scored = Tracked::new(scored);
    let (attributes, _) = conflict(engine.sync(&mut scored).await);
    assert_eq!(attributes, ["top_score"]);
    assert!(engine.sync(&mut scored).overwrite().await.unwrap());
    let stored = raw_score(&engine).await;
    assert_eq!(
        (&stored["top_score"], &stored["wins"], &stored["losses"]),
        (&n("200"), &n("8"), &n("5"))
    );

    // Setting a field and incrementing it in one sync is refused, as flywheel refused it.
    let mut both = GameScore::new("abc", "Comet Quest");
    both.wins = 3;
    let mut both = Tracked::new(both);
    both.incr(GameScore::WINS, 1).unwrap();
    match engine.sync(&mut both).overwrite().await {
        Err(Error::Validation(message)) => assert!(message.contains("wins"), "{message}"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(raw_score(&engine).await, stored, "nothing was written");
}

/// An increment of a field whose schema default is not 0 starts from that default when the
/// stored item lacks it (OrderLine.quantity defaults to 1), in updates and in syncs.
#[tokio::test]
async fn increments_of_absent_defaulted_numbers_start_from_the_default() {
    use generated_example::models::order::{Order, OrderKey, OrderLine};
    let (_local, engine) = start_with_tables().await;
    let created = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    let order = Order::new("c", "o", created, 3i64);
    engine.save(&order).await.unwrap();
    // A line written without its quantity (another program, or an older schema).
    let line = AttributeValue::M(Item::from([
        ("sku".to_owned(), s("sku-1")),
        ("unit_price".to_owned(), n("1.50")),
    ]));
    engine
        .client()
        .update_item()
        .table_name(db::table(&engine, "Orders"))
        .key("customer_id", s("c"))
        .key("order_id", s("o"))
        .update_expression("SET #l = :l")
        .expression_attribute_names("#l", "lines")
        .expression_attribute_values(":l", AttributeValue::L(vec![line]))
        .send()
        .await
        .unwrap();
    let read = engine.get(OrderKey::new("c", "o")).await.unwrap().unwrap();
    assert_eq!(read.lines[0].quantity, 1, "an absent quantity reads as 1");
    let updated = Order::update(OrderKey::new("c", "o"))
        .incr(Order::LINES.index(0).field(OrderLine::QUANTITY), 2)
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(updated.lines[0].quantity, 3, "1 + 2, not 0 + 2");
}
