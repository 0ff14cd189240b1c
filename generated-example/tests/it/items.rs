//! Single-item operations against the emulator: create-only and overwriting saves, get,
//! exists and delete.

use crate::harness::db;
use crate::harness::errors::sdk_error;
use crate::harness::requests::recording;

use db::{n, s, start_with_tables, table};
use flywheel_runtime::chrono::DateTime;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{Engine, Error, Item};
use generated_example::models::game_score::{GameScore, GameScoreKey};
use generated_example::models::user_profile::{UserProfile, UserProfileKey};

const KEY_TEXT: &str = "{userid = S \"abc\", title = S \"Master Blaster\"}";

fn score(top_score: i64) -> GameScore {
    let mut score = GameScore::new("abc", "Master Blaster");
    score.top_score = Some(top_score);
    score.wins = top_score;
    score
}

fn key() -> GameScoreKey {
    GameScoreKey::new("abc", "Master Blaster")
}

async fn stored(engine: &Engine) -> Option<Item> {
    db::raw_score(engine, "abc", "Master Blaster").await
}

#[tokio::test]
async fn create_only_writes_a_new_item_once() {
    let (_local, engine) = start_with_tables().await;
    let first = score(1);
    engine.save(&first).create_only().await.unwrap();
    let raw_first = stored(&engine).await.expect("written");

    let second = score(2);
    match engine.save(&second).create_only().await {
        Err(Error::AlreadyExists { table, key }) => {
            assert_eq!(table, self::table(&engine, "GameScores"));
            assert_eq!(key, KEY_TEXT);
        }
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    let err = engine.save(&second).create_only().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "item {KEY_TEXT} already exists in table {}; save without `create_only()` to \
             overwrite it",
            table(&engine, "GameScores")
        )
    );
    assert_eq!(err.code(), None);

    // Nothing of the refused save was written.
    assert_eq!(stored(&engine).await.as_ref(), Some(&raw_first));
    let read = db::read_existing(&engine, key()).await;
    assert_eq!(read, first);

    // The condition is on the whole key: another range key under the same hash key is new.
    let mut other_game = score(3);
    other_game.title = "Other".into();
    engine.save(&other_game).create_only().await.unwrap();

    // A plain save overwrites.
    engine.save(&second).await.unwrap();
    let read = db::read_existing(&engine, key()).await;
    assert_eq!(read, second);
    assert_eq!(stored(&engine).await.unwrap()["top_score"], n("2"));
}

#[tokio::test]
async fn a_plain_save_replaces_the_whole_item() {
    let (_local, engine) = start_with_tables().await;
    let mut item = score(5);
    item.top_score_time = Some(DateTime::from_timestamp(1_700_000_000, 0).unwrap());
    engine.save(&item).await.unwrap();
    assert!(
        stored(&engine)
            .await
            .unwrap()
            .contains_key("top_score_time")
    );

    // Fields that are now None disappear; they are not left behind from the earlier save.
    let bare = GameScore::new("abc", "Master Blaster");
    engine.save(&bare).await.unwrap();
    let raw = stored(&engine).await.unwrap();
    assert!(!raw.contains_key("top_score"), "{raw:?}");
    assert!(!raw.contains_key("top_score_time"), "{raw:?}");
    assert_eq!(db::read_existing(&engine, key()).await, bare);
}

#[tokio::test]
async fn create_only_on_a_table_with_a_hash_key_only() {
    let (_local, engine) = start_with_tables().await;
    let id = Uuid::from_u128(99);
    let epoch = DateTime::from_timestamp(0, 0).unwrap();
    let first = UserProfile::new(id, "first@example.com", epoch);
    engine.save(&first).create_only().await.unwrap();
    let second = UserProfile::new(id, "second@example.com", epoch);
    match engine.save(&second).create_only().await {
        Err(Error::AlreadyExists { table, key }) => {
            assert_eq!(table, self::table(&engine, "UserProfiles"));
            assert_eq!(key, format!("{{user_id = S \"{id}\"}}"));
        }
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    let read = db::read_existing(&engine, UserProfileKey::new(id)).await;
    assert_eq!(read.email, "first@example.com");
}

#[tokio::test]
async fn concurrent_create_only_saves_have_exactly_one_winner() {
    let (_local, engine) = start_with_tables().await;
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let engine = engine.clone();
            tokio::spawn(async move {
                let item = score(i);
                engine.save(&item).create_only().await.map(|_| item)
            })
        })
        .collect();
    let mut winners = Vec::new();
    let mut refused = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(item) => winners.push(item),
            Err(Error::AlreadyExists { .. }) => refused += 1,
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one create-only save succeeds");
    assert_eq!(refused, 7);
    let read = db::read_existing(&engine, key()).await;
    assert_eq!(read, winners[0]);
}

#[tokio::test]
async fn get_exists_and_delete() {
    let (_local, engine) = start_with_tables().await;
    // Absent: get is None, exists is false, delete is fine.
    assert_eq!(db::read_consistent(&engine, key()).await, None);
    assert_eq!(engine.get(key()).await.unwrap(), None);
    assert!(!db::is_stored(&engine, key()).await);
    engine.delete(key()).await.unwrap();

    engine.save(&score(1)).await.unwrap();
    assert!(db::is_stored(&engine, key()).await);
    assert!(!db::is_stored(&engine, GameScoreKey::new("abc", "Another game")).await);
    assert!(!db::is_stored(&engine, GameScoreKey::new("other", "Master Blaster")).await);

    engine.delete(key()).await.unwrap();
    assert!(!db::is_stored(&engine, key()).await);
    assert_eq!(db::read_consistent(&engine, key()).await, None);
    assert_eq!(stored(&engine).await, None);
    // Deleting again, and deleting what never existed, are not errors.
    engine.delete(key()).await.unwrap();
    engine
        .delete(GameScoreKey::new("never", "saved"))
        .await
        .unwrap();

    // After a delete, a create-only save succeeds again.
    engine.save(&score(4)).create_only().await.unwrap();
    assert_eq!(db::read_consistent(&engine, key()).await, Some(score(4)));

    // Deleting one item leaves its neighbours under the same hash key.
    let mut neighbour = score(5);
    neighbour.title = "Neighbour".into();
    engine.save(&neighbour).await.unwrap();
    engine.delete(key()).await.unwrap();
    assert!(db::is_stored(&engine, GameScoreKey::new("abc", "Neighbour")).await);
}

#[tokio::test]
async fn exists_does_not_decode_the_item() {
    // `exists` reads only the hash key, so an item that does not match the schema exists.
    let (_local, engine) = start_with_tables().await;
    db::raw_put_score(&engine, "abc", "Master Blaster", vec![("wins", s("many"))]).await;
    assert!(db::is_stored(&engine, key()).await);
    assert!(matches!(
        engine.get(key()).consistent().await,
        Err(Error::Decode(_))
    ));
}

#[tokio::test]
async fn operations_on_a_missing_table_report_the_dynamodb_error() {
    let local = db::TestDb::start();
    let engine = local.engine();
    let err = engine.get(key()).await.unwrap_err();
    match &err {
        Error::Sdk {
            operation, code, ..
        } => {
            assert_eq!(*operation, "GetItem");
            assert_eq!(code, "ResourceNotFoundException");
        }
        other => panic!("expected an SDK error, got {other:?}"),
    }
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert!(
        err.to_string()
            .starts_with("GetItem failed: ResourceNotFoundException")
    );

    let missing = "ResourceNotFoundException".to_owned();
    let saved = engine.save(&score(1)).create_only().await;
    assert_eq!(sdk_error(saved), ("PutItem", missing.clone()));
    let deleted = engine.delete(key()).await;
    assert_eq!(sdk_error(deleted), ("DeleteItem", missing));
}

#[tokio::test]
async fn empty_strings_in_key_attributes_are_refused_before_sending() {
    // Empty strings are fine outside keys (see the round-trip tests), but DynamoDB refuses
    // them in table and index key attributes: flywheel refuses them first, naming the
    // attribute, and sends nothing.
    let (_local, engine) = start_with_tables().await;
    let (counting, requests) = recording(&engine);
    for (item, attribute) in [
        (GameScore::new("", "t"), "userid"),
        (GameScore::new("u", ""), "title"),
    ] {
        match counting.save(&item).await {
            Err(Error::Encode(e)) => {
                assert_eq!(e.attribute, attribute);
                assert_eq!(e.table, table(&engine, "GameScores"));
                assert!(e.reason.contains("empty"), "{e}");
            }
            other => panic!("expected an encode error, got {other:?}"),
        }
    }
    // An index key (the email of the global index ByEmail) too.
    let profile = UserProfile::new(
        Uuid::from_u128(1),
        "",
        DateTime::from_timestamp(0, 0).unwrap(),
    );
    match counting.save(&profile).await {
        Err(Error::Encode(e)) => assert_eq!(e.attribute, "email", "{e}"),
        other => panic!("expected an encode error, got {other:?}"),
    }
    // And in keys of reads, deletes and updates.
    let err = counting.get(GameScoreKey::new("", "t")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Encode(e) if e.attribute == "userid"),
        "{err}"
    );
    assert!(counting.delete(GameScoreKey::new("u", "")).await.is_err());
    assert!(
        GameScore::update(GameScoreKey::new("", "t"))
            .incr(GameScore::WINS, 1)
            .send(&counting)
            .await
            .is_err()
    );
    assert_eq!(requests.take(), Vec::new(), "nothing is sent");
    assert!(!db::is_stored(&engine, UserProfileKey::new(Uuid::from_u128(1))).await);
}
