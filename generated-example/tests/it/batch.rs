//! Batch writes and reads against the emulator: several models in one batch, chunking,
//! repeated keys, the bulk helpers, reads in the order asked, typed slots, and versioned models.

use crate::harness::db;

use db::{n, start_with_tables};
use flywheel_runtime::batch::BatchWritten;
use flywheel_runtime::chrono::DateTime;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{Engine, Model};
use generated_example::models::game_score::{GameScore, GameScoreKey};
use generated_example::models::odd_names::{OddNames, OddNamesKey};
use generated_example::models::order::{Order, OrderKey, OrderState};
use generated_example::models::user_profile::{UserProfile, UserProfileKey};

fn score(player: &str, title: &str, wins: i64) -> GameScore {
    let mut score = GameScore::new(player, title);
    score.wins = wins;
    score.top_score = Some(wins * 100);
    score
}

fn scores(n: usize) -> Vec<GameScore> {
    (0..n)
        .map(|i| score(&format!("p-{}", i % 7), &format!("g-{i:04}"), i as i64))
        .collect()
}

fn order(i: u32) -> Order {
    let created = DateTime::from_timestamp(1_700_000_000 + i64::from(i), 0).unwrap();
    Order::new(format!("c-{i}"), format!("o-{i}"), created, i)
}

fn profile(i: u128) -> UserProfile {
    UserProfile::new(
        Uuid::from_u128(i),
        format!("user{i}@example.com"),
        DateTime::from_timestamp(0, 0).unwrap(),
    )
}

async fn count_scores(engine: &Engine) -> u64 {
    GameScore::scan().consistent().count(engine).await.unwrap()
}

#[tokio::test]
async fn one_batch_puts_and_deletes_items_of_several_models() {
    let (_local, engine) = start_with_tables().await;
    let old_score = score("abc", "Old Game", 1);
    let kept_score = score("abc", "Kept Game", 2);
    let old_odd = OddNames::new("o", 1);
    engine
        .batch_write()
        .put(&old_score)
        .put(&kept_score)
        .put(&old_odd)
        .send()
        .await
        .unwrap();

    let new_score = score("xyz", "New Game", 3);
    let mut new_odd = OddNames::new("o", 2);
    new_odd.a_b = Some("dotted".into());
    let new_order = order(1);
    let new_profile = profile(1);
    let written = engine
        .batch_write()
        .overwrite_versions()
        .put(&new_score)
        .put(&new_odd)
        .put(&new_order)
        .put(&new_profile)
        .delete(old_score.key())
        .delete(OddNamesKey::new("o", 1))
        .delete(GameScoreKey::new("nobody", "nothing")) // absent: not an error
        .send()
        .await
        .unwrap();
    assert_eq!(
        written,
        BatchWritten {
            written: 7,
            requests: 1
        }
    );

    assert_eq!(
        db::read_consistent(&engine, new_score.key()).await,
        Some(new_score)
    );
    assert_eq!(
        db::read_consistent(&engine, kept_score.key()).await,
        Some(kept_score)
    );
    assert_eq!(db::read_consistent(&engine, old_score.key()).await, None);
    assert_eq!(
        db::read_consistent(&engine, new_odd.key()).await,
        Some(new_odd)
    );
    assert_eq!(db::read_consistent(&engine, old_odd.key()).await, None);
    let stored_order = db::read_existing(&engine, new_order.key()).await;
    assert_eq!(stored_order.revision, 1);
    assert_eq!(
        stored_order,
        Order {
            revision: 1,
            ..new_order
        }
    );
    let stored_profile = db::read_existing(&engine, new_profile.key()).await;
    assert_eq!(
        stored_profile,
        UserProfile {
            version: 1,
            ..new_profile
        }
    );
}

#[tokio::test]
async fn batches_go_in_requests_of_25() {
    let (_local, engine) = start_with_tables().await;
    let items = scores(1_003);
    let written = engine.save_many(&items).await.unwrap();
    assert_eq!(written.written, 1_003);
    assert!(
        written.requests >= 41,
        "1,003 puts need 41 requests: {written:?}"
    );
    assert_eq!(
        written.requests, 41,
        "the emulator processes everything at once"
    );
    assert_eq!(count_scores(&engine).await, 1_003);
    let read = engine
        .get_many(items.iter().map(GameScore::key))
        .await
        .unwrap();
    assert_eq!(read, items.iter().cloned().map(Some).collect::<Vec<_>>());

    // Exactly 25 is one request, 26 two; an empty batch sends nothing.
    let (_local, engine) = start_with_tables().await;
    assert_eq!(engine.save_many(&items[..25]).await.unwrap().requests, 1);
    assert_eq!(engine.save_many(&items[..26]).await.unwrap().requests, 2);
    let empty = engine.batch_write();
    assert!(empty.is_empty());
    assert_eq!(empty.send().await.unwrap(), BatchWritten::default());
    assert_eq!(
        engine.get_many(Vec::<GameScoreKey>::new()).await.unwrap(),
        Vec::new()
    );
}

#[tokio::test]
async fn repeated_keys_in_one_batch_keep_the_last_operation() {
    let (_local, engine) = start_with_tables().await;
    let stored = score("abc", "Stored", 1);
    engine.save(&stored).await.unwrap();

    let put_then_deleted = score("abc", "Put then deleted", 1);
    let first = score("abc", "Put twice", 1);
    let last = score("abc", "Put twice", 2);
    let deleted_then_put = score("abc", "Stored", 5);
    let batch = engine
        .batch_write()
        .put(&put_then_deleted)
        .put(&first)
        .delete(stored.key())
        .delete(put_then_deleted.key())
        .put(&last)
        .put(&deleted_then_put);
    assert_eq!(batch.len(), 6);
    let written = batch.send().await.expect("repeated keys are not an error");
    assert_eq!(written.written, 3, "one operation per key");

    assert_eq!(
        db::read_consistent(&engine, put_then_deleted.key()).await,
        None
    );
    assert_eq!(db::read_consistent(&engine, first.key()).await, Some(last));
    assert_eq!(
        db::read_consistent(&engine, stored.key()).await,
        Some(deleted_then_put)
    );

    // The same key across chunks: the last of 60 puts of one key wins.
    let puts: Vec<GameScore> = (0..60).map(|i| score("same", "key", i)).collect();
    let written = engine.save_many(&puts).await.unwrap();
    assert_eq!((written.written, written.requests), (1, 1));
    let read = db::read_consistent(&engine, GameScoreKey::new("same", "key")).await;
    assert_eq!(read.unwrap().wins, 59);
}

#[tokio::test]
async fn bulk_save_delete_and_delete_keys() {
    let (_local, engine) = start_with_tables().await;
    let items = scores(90);
    assert_eq!(engine.save_many(&items).await.unwrap().written, 90);
    assert_eq!(count_scores(&engine).await, 90);

    assert_eq!(engine.delete_many(&items[..30]).await.unwrap().written, 30);
    assert_eq!(count_scores(&engine).await, 60);
    let keys: Vec<GameScoreKey> = items[30..60].iter().map(GameScore::key).collect();
    assert_eq!(engine.delete_keys(keys.clone()).await.unwrap().written, 30);
    assert_eq!(count_scores(&engine).await, 30);
    // Deleting absent items again is not an error.
    assert_eq!(engine.delete_keys(keys).await.unwrap().written, 30);

    let read = engine
        .get_many(items.iter().map(GameScore::key))
        .await
        .unwrap();
    for (i, (item, read)) in items.iter().zip(read).enumerate() {
        assert_eq!(read.as_ref(), (i >= 60).then_some(item), "item {i}");
    }
}

#[tokio::test]
async fn refresh_many_updates_in_place_and_returns_the_keys_gone() {
    let (_local, engine) = start_with_tables().await;
    let mut items = scores(120);
    engine.save_many(&items).await.unwrap();
    for i in [3, 50, 119] {
        GameScore::update(items[i].key())
            .incr(GameScore::WINS, 1000)
            .send(&engine)
            .await
            .unwrap();
    }
    engine
        .delete_keys([items[7].key(), items[101].key()])
        .await
        .unwrap();
    let before = items.clone();

    let gone = engine.refresh_many(&mut items).await.unwrap();
    assert_eq!(
        gone,
        vec![before[7].key(), before[101].key()],
        "in the order of the items"
    );
    for (i, (item, old)) in items.iter().zip(&before).enumerate() {
        match i {
            3 | 50 | 119 => assert_eq!(item.wins, old.wins + 1000, "item {i} is refreshed"),
            _ => assert_eq!(
                item, old,
                "item {i} is unchanged (or gone and left as it was)"
            ),
        }
    }
    assert!(
        engine
            .refresh_many::<GameScore>(&mut [])
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn get_many_answers_in_the_order_asked() {
    let (_local, engine) = start_with_tables().await;
    let items = scores(230);
    engine.save_many(&items).await.unwrap();

    // Reversed, with missing keys between, and keys asked twice (also across chunks of 100).
    let mut keys: Vec<GameScoreKey> = Vec::new();
    let mut expected: Vec<Option<GameScore>> = Vec::new();
    for (i, item) in items.iter().enumerate().rev() {
        keys.push(item.key());
        expected.push(Some(item.clone()));
        if i % 10 == 0 {
            keys.push(GameScoreKey::new("missing", format!("g-{i}")));
            expected.push(None);
        }
        if i % 45 == 0 {
            keys.push(items[229 - i].key());
            expected.push(Some(items[229 - i].clone()));
        }
    }
    keys.push(items[5].key());
    expected.push(Some(items[5].clone()));
    keys.push(GameScoreKey::new("missing", "g-0"));
    expected.push(None);
    assert!(keys.len() > 250);

    let read = engine.get_many(keys.clone()).await.unwrap();
    assert_eq!(read.len(), keys.len());
    assert_eq!(read, expected);

    // The same key twice in a row, and only missing keys.
    let twice = engine
        .get_many([items[0].key(), items[0].key()])
        .await
        .unwrap();
    assert_eq!(twice, vec![Some(items[0].clone()), Some(items[0].clone())]);
    let none = engine
        .get_many([GameScoreKey::new("a", "b"), GameScoreKey::new("a", "b")])
        .await
        .unwrap();
    assert_eq!(none, vec![None, None]);
}

#[tokio::test]
async fn batch_get_reads_several_models_into_typed_slots() {
    let (_local, engine) = start_with_tables().await;
    let game = score("abc", "Comet Quest", 4);
    let odd = OddNames::new("x", 7);
    let stored_order = order(7);
    let stored_profile = profile(7);
    engine
        .batch_write()
        .overwrite_versions()
        .put(&game)
        .put(&odd)
        .put(&stored_order)
        .put(&stored_profile)
        .send()
        .await
        .unwrap();

    let mut batch = engine.batch_get();
    let a = batch.add(game.key());
    let b = batch.add(OrderKey::new("c-7", "o-7"));
    let missing_order = batch.add(OrderKey::new("c-7", "o-8"));
    let c = batch.add(UserProfileKey::new(Uuid::from_u128(7)));
    let missing_profile = batch.add(UserProfileKey::new(Uuid::from_u128(8)));
    let d = batch.add(odd.key());
    let a_again = batch.add(game.key());
    let got = batch.consistent().send().await.unwrap();

    assert_eq!(got.get(a).unwrap(), Some(game.clone()));
    assert_eq!(got.get(a_again).unwrap(), Some(game));
    let read_order = got.get(b).unwrap().unwrap();
    assert_eq!(
        read_order,
        Order {
            revision: 1,
            ..stored_order
        }
    );
    assert_eq!(read_order.state, OrderState::Open);
    assert_eq!(got.get(missing_order).unwrap(), None);
    assert_eq!(
        got.get(c).unwrap(),
        Some(UserProfile {
            version: 1,
            ..stored_profile
        })
    );
    assert_eq!(got.get(missing_profile).unwrap(), None);
    assert_eq!(got.get(d).unwrap(), Some(odd));
}

#[tokio::test]
async fn versioned_puts_overwrite_their_version_unconditionally() {
    let (_local, engine) = start_with_tables().await;
    let mut stored = order(1);
    engine.save(&stored).await.unwrap();
    stored.revision = 1;
    engine.save(&stored).await.unwrap();
    stored.revision = 2;
    let fresh = order(2);
    let game = score("abc", "Unwritten", 1);

    // A batch puts a versioned model only after `overwrite_versions()` (without it the put
    // does not compile: tests/ui/batch_put_of_a_versioned_model.rs). Each is then written with
    // its version plus one, unconditionally: a stale model overwrites a newer item.
    let mut stale = stored.clone();
    stale.revision = 0;
    stale.state = OrderState::Shipped;
    let written = engine
        .batch_write()
        .overwrite_versions()
        .put(&stale)
        .put(&fresh)
        .send()
        .await
        .unwrap();
    assert_eq!(written.written, 2);
    let read = db::read_existing(&engine, stored.key()).await;
    assert_eq!(
        (read.revision, read.state),
        (1, OrderState::Shipped),
        "revision 2 overwritten"
    );
    let item = db::raw_order(&engine, "c-2", "o-2").await.unwrap();
    assert_eq!(item["revision"], n("1"));

    let mut at_five = profile(5);
    at_five.version = 5;
    engine
        .batch_write()
        .overwrite_versions()
        .put(&at_five)
        .put(&game)
        .send()
        .await
        .unwrap();
    let read = db::read_existing(&engine, at_five.key()).await;
    assert_eq!(read.version, 6);
    assert_eq!(db::read_consistent(&engine, game.key()).await, Some(game));
    assert_eq!(<Order as Model>::SCHEMA.version, Some("revision"));
}
