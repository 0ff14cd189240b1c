//! Concurrent writers of one item: atomic increments never lose a count, syncs of different
//! fields merge, and of concurrent syncs of the same field exactly one wins while the others
//! are told which attribute changed under them.

use crate::harness::data;
use crate::harness::db;

use std::collections::BTreeMap;
use std::sync::Arc;

use db::{start_with_tables, tracked};
use flywheel_runtime::chrono::DateTime;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{Engine, Error, Model, Tracked};
use generated_example::models::odd_names::OddPath;
use generated_example::models::user_profile::Status;
use generated_example::models::{
    GameScore, GameScoreKey, OddNames, OddNamesKey, UserProfile, UserProfileKey,
};
use tokio::sync::Barrier;

fn key() -> GameScoreKey {
    GameScoreKey::new("abc", "Alien Adventure")
}

fn path() -> OddPath {
    let mut path = OddPath::new();
    path.select = Some("*".into());
    path.x_y = Some(-1);
    path
}

/// `n` tracked copies of the item at `key`, all read before any of them is written back.
async fn copies<M: Model>(engine: &Engine, key: M::Key, n: usize) -> Vec<Tracked<M>> {
    let mut copies = Vec::new();
    for _ in 0..n {
        copies.push(tracked::<M>(engine, key.clone()).await);
    }
    copies
}

/// Runs `work` on each of `inputs`, with its index and a clone of `engine`, each on a task of
/// its own. The tasks start together, behind a barrier, so that their requests interleave.
/// Returns what they return, in the order of `inputs`; a task that panics fails the test.
async fn all_at_once<I, F, Fut>(engine: &Engine, inputs: Vec<I>, work: F) -> Vec<Fut::Output>
where
    F: Fn(usize, I, Engine) -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    let start = Arc::new(Barrier::new(inputs.len()));
    let tasks: Vec<_> = inputs
        .into_iter()
        .enumerate()
        .map(|(i, input)| {
            let start = start.clone();
            let work = work(i, input, engine.clone());
            tokio::spawn(async move {
                start.wait().await;
                work.await
            })
        })
        .collect();
    let mut outputs = Vec::new();
    for task in tasks {
        outputs.push(task.await.expect("the task does not panic"));
    }
    outputs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_tasks_of_a_hundred_increments_count_exactly_1600() {
    let (_local, engine) = data::start_with(&[GameScore::new("abc", "Alien Adventure")]).await;
    all_at_once(&engine, vec![(); 16], |_, (), engine| async move {
        for _ in 0..100 {
            GameScore::update(key())
                .incr(GameScore::WINS, 1)
                .send(&engine)
                .await
                .expect("an increment succeeds");
        }
    })
    .await;
    let score: GameScore = db::read_existing(&engine, key()).await;
    assert_eq!(score.wins, 1600);
    assert_eq!(score.losses, 0, "nothing else changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn increments_of_an_absent_item_create_it_and_still_count_exactly() {
    let (_local, engine) = start_with_tables().await;
    all_at_once(&engine, vec![(); 8], |_, (), engine| async move {
        for _ in 0..25 {
            GameScore::update(key())
                .incr(GameScore::WINS, 2)
                .decr(GameScore::LOSSES, 1)
                .send(&engine)
                .await
                .unwrap();
        }
    })
    .await;
    let score: GameScore = db::read_existing(&engine, key()).await;
    assert_eq!((score.wins, score.losses), (400, -200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_syncs_of_different_fields_all_land() {
    let (_local, engine) = start_with_tables().await;
    let mut item = OddNames::new("o-1", 7);
    item.status = Some("new".into());
    engine.save(&item).await.unwrap();
    let key = OddNamesKey::new("o-1", 7);

    let copies = copies::<OddNames>(&engine, key.clone(), 8).await;
    let outcomes = all_at_once(&engine, copies, |i, mut copy, engine| async move {
        match i {
            0 => copy.status = Some("shipped".into()),
            1 => copy.a_b = Some("b".into()),
            2 => copy.x_y = 42,
            3 => copy.hash_tag = Some("#1".into()),
            4 => copy.namae = Some("名".into()),
            5 => copy.values = BTreeMap::from([("k".to_owned(), "v".to_owned())]),
            6 => copy.items = vec!["a".into(), "b".into()],
            _ => copy.path = Some(path()),
        }
        engine.sync(&mut copy).await
    })
    .await;
    for outcome in outcomes {
        assert!(outcome.expect("a sync of its own field succeeds"));
    }
    let stored: OddNames = db::read_existing(&engine, key).await;
    let mut expected = item.clone();
    expected.status = Some("shipped".into());
    expected.a_b = Some("b".into());
    expected.x_y = 42;
    expected.hash_tag = Some("#1".into());
    expected.namae = Some("名".into());
    expected.values = BTreeMap::from([("k".to_owned(), "v".to_owned())]);
    expected.items = vec!["a".into(), "b".into()];
    expected.path = Some(path());
    assert_eq!(stored, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_syncs_of_the_four_fields_of_a_score_all_land() {
    let (_local, engine) = data::start_with(&[GameScore::new("abc", "Alien Adventure")]).await;
    let copies = copies::<GameScore>(&engine, key(), 4).await;
    let when = DateTime::from_timestamp(1_700_000_000, 500_000_000).unwrap();
    let outcomes = all_at_once(&engine, copies, |i, mut copy, engine| async move {
        match i {
            0 => copy.top_score = Some(9001),
            1 => copy.top_score_time = Some(when),
            2 => copy.wins = 3,
            _ => copy.losses = 4,
        }
        engine.sync(&mut copy).await.map(|_| copy.into_inner())
    })
    .await;
    for outcome in outcomes {
        outcome.expect("a sync of its own field succeeds");
    }
    let stored: GameScore = db::read_existing(&engine, key()).await;
    assert_eq!(stored.top_score, Some(9001));
    assert_eq!(stored.top_score_time, Some(when));
    assert_eq!((stored.wins, stored.losses), (3, 4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_syncs_of_one_field_exactly_one_wins() {
    let (_local, engine) = start_with_tables().await;
    let mut score = GameScore::new("abc", "Alien Adventure");
    score.top_score = Some(100);
    engine.save(&score).await.unwrap();
    let copies = copies::<GameScore>(&engine, key(), 8).await;
    let outcomes = all_at_once(&engine, copies, |i, mut copy, engine| async move {
        let value = 1000 + i as i64;
        copy.top_score = Some(value);
        (value, engine.sync(&mut copy).await)
    })
    .await;
    let mut winners = Vec::new();
    let mut conflicts = 0;
    for outcome in outcomes {
        match outcome {
            (value, Ok(true)) => winners.push(value),
            (
                _,
                Err(Error::Conflict {
                    attributes,
                    item,
                    key,
                    table,
                }),
            ) => {
                assert_eq!(table, db::table(&engine, "GameScores"));
                assert_eq!(key, "{userid = S \"abc\", title = S \"Alien Adventure\"}");
                assert_eq!(attributes, ["top_score"], "only top_score changed under it");
                let item = item.expect("the conflict carries the stored item");
                assert!(item.contains_key("top_score"));
                conflicts += 1;
            }
            (_, other) => panic!("expected a success or a conflict, got {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one sync wins");
    assert_eq!(conflicts, 7);
    let stored: GameScore = db::read_existing(&engine, key()).await;
    assert_eq!(
        stored.top_score,
        Some(winners[0]),
        "the winner's value is stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_syncs_of_a_versioned_item_exactly_one_wins() {
    // With a version attribute the whole item is checked: even syncs of different fields
    // conflict, and the losers are told the version moved on.
    let (_local, engine) = start_with_tables().await;
    let id = Uuid::from_u128(7);
    let profile = UserProfile::new(
        id,
        "ada@example.com",
        DateTime::from_timestamp(0, 0).unwrap(),
    );
    engine.save(&profile).await.unwrap();
    let copies = copies::<UserProfile>(&engine, UserProfileKey::new(id), 8).await;
    let outcomes = all_at_once(&engine, copies, |i, mut copy, engine| async move {
        match i % 2 {
            0 => copy.display_name = Some(format!("name {i}")),
            _ => copy.age = Some(i as u32),
        }
        copy.status = Status::Suspended;
        (i, engine.sync(&mut copy).await.map(|_| copy.into_inner()))
    })
    .await;
    let mut winners = Vec::new();
    for outcome in outcomes {
        match outcome {
            (_, Ok(written)) => winners.push(written),
            (
                _,
                Err(Error::VersionConflict {
                    expected, found, ..
                }),
            ) => {
                assert_eq!((expected, found), (1, flywheel_runtime::Stored::Present(2)));
            }
            (_, other) => panic!("expected a success or a version conflict, got {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one sync wins");
    let stored: UserProfile = db::read_existing(&engine, UserProfileKey::new(id)).await;
    assert_eq!(
        stored, winners[0],
        "the winner's copy, reloaded, is what is stored"
    );
    assert_eq!(stored.version, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_conditional_updates_never_overshoot() {
    // A stock counter: many tasks take one while the condition says some are left.
    let (_local, engine) = start_with_tables().await;
    let mut score = GameScore::new("abc", "Alien Adventure");
    score.wins = 50;
    engine.save(&score).await.unwrap();
    let taken = all_at_once(&engine, vec![(); 8], |_, (), engine| async move {
        let mut taken = 0;
        loop {
            match GameScore::update(key())
                .decr(GameScore::WINS, 1)
                .condition(GameScore::WINS.gt(0))
                .send(&engine)
                .await
            {
                Ok(()) => taken += 1,
                Err(Error::ConditionFailed { item, .. }) => {
                    assert_eq!(item.into_present().unwrap()["wins"], db::n("0"));
                    return taken;
                }
                Err(other) => panic!("unexpected error {other:?}"),
            }
        }
    })
    .await;
    assert_eq!(taken.iter().sum::<i32>(), 50);
    let stored: GameScore = db::read_existing(&engine, key()).await;
    assert_eq!(stored.wins, 0);
}
