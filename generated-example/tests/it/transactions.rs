//! Write and read transactions against the emulator: all or nothing, typed cancellation
//! reasons, version checks, limits, idempotency tokens and concurrent transactions.

use crate::harness::db;

use db::{raw_get, s, start_with_tables};
use flywheel_runtime::chrono::DateTime;
use flywheel_runtime::transact::{CancelKind, CancelReason, Operation};
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{Engine, Error, Item, Stored};
use generated_example::models::game_score::{GameScore, GameScoreKey};
use generated_example::models::odd_names::{OddNames, OddNamesKey};
use generated_example::models::order::{Order, OrderKey, OrderState};
use generated_example::models::user_profile::{Status, UserProfile, UserProfileKey};

const TABLES: [&str; 4] = ["GameScores", "odd.names-table_1", "Orders", "UserProfiles"];

fn score(title: &str, wins: i64) -> GameScore {
    let mut score = GameScore::new("abc", title);
    score.wins = wins;
    score
}

fn order(i: u32) -> Order {
    let created = DateTime::from_timestamp(1_700_000_000 + i64::from(i), 0).unwrap();
    Order::new(format!("c-{i}"), format!("o-{i}"), created, i)
}

fn profile_id() -> Uuid {
    Uuid::from_u128(42)
}

/// Every item of every table, sorted by table and key: to prove that nothing changed.
async fn snapshot(engine: &Engine) -> Vec<(String, Item)> {
    let mut all = Vec::new();
    for table in TABLES {
        let out = engine
            .client()
            .scan()
            .table_name(db::table(engine, table))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        assert!(out.last_evaluated_key().is_none(), "one page");
        all.extend(
            out.items()
                .iter()
                .map(|item| (table.to_owned(), item.clone())),
        );
    }
    // Key attributes are scalars, whose debug text does not depend on map order.
    let key = |(table, item): &(String, Item)| {
        let mut pairs: Vec<String> = [
            "userid",
            "title",
            "order",
            "size",
            "customer_id",
            "order_id",
            "user_id",
        ]
        .iter()
        .filter_map(|k| item.get(*k).map(|v| format!("{k}={v:?}")))
        .collect();
        pairs.sort();
        format!("{table}: {}", pairs.join(", "))
    };
    all.sort_by_key(key);
    all
}

/// The items a mixed transaction works on.
struct Fixture {
    /// Updated (`wins` + 1).
    game: GameScore,
    /// Deleted by key.
    doomed: OddNames,
    /// Deleted as read, with its version (1).
    read_order: Order,
    /// Updated if its version is 1.
    order_to_pay: Order,
    /// Checked.
    profile: UserProfile,
}

impl Fixture {
    async fn store(engine: &Engine) -> Fixture {
        let game = score("Comet Quest", 1);
        let doomed = OddNames::new("doomed", 1);
        engine.save(&game).await.unwrap();
        engine.save(&doomed).await.unwrap();
        engine.save(&order(1)).await.unwrap();
        engine.save(&order(3)).await.unwrap();
        let profile = UserProfile::new(
            profile_id(),
            "a@example.com",
            DateTime::from_timestamp(0, 0).unwrap(),
        );
        engine.save(&profile).await.unwrap();
        Fixture {
            game,
            doomed,
            read_order: db::read_existing(engine, OrderKey::new("c-1", "o-1")).await,
            order_to_pay: db::read_existing(engine, OrderKey::new("c-3", "o-3")).await,
            profile: db::read_existing(engine, UserProfileKey::new(profile_id())).await,
        }
    }

    /// Eight operations on four models; the check requires the profile to have `status`.
    async fn send(&self, engine: &Engine, status: Status) -> Result<(), Error> {
        engine
            .transact_write()
            .put(&score("New Game", 7))
            .create(&OddNames::new("new", 2))
            .update(GameScore::update(self.game.key()).incr(GameScore::WINS, 1))
            .delete(self.doomed.key())
            .delete_item(&self.read_order)
            .check(
                UserProfileKey::new(profile_id()),
                UserProfile::STATUS.eq(status),
            )
            .put(&order(2))
            .update(
                Order::update(self.order_to_pay.key())
                    .set(Order::STATE, OrderState::Paid)
                    .if_version(1),
            )
            .send()
            .await
    }
}

#[tokio::test]
async fn a_write_transaction_applies_every_operation() {
    let (_local, engine) = start_with_tables().await;
    let fixture = Fixture::store(&engine).await;
    fixture.send(&engine, Status::Active).await.unwrap();

    let get = |key: GameScoreKey| engine.get(key);
    assert_eq!(
        get(score("New Game", 7).key()).consistent().await.unwrap(),
        Some(score("New Game", 7))
    );
    assert_eq!(
        get(fixture.game.key())
            .consistent()
            .await
            .unwrap()
            .unwrap()
            .wins,
        2
    );
    assert_eq!(
        db::read_consistent(&engine, OddNamesKey::new("new", 2)).await,
        Some(OddNames::new("new", 2))
    );
    assert_eq!(
        db::read_consistent(&engine, fixture.doomed.key()).await,
        None
    );
    assert_eq!(
        db::read_consistent(&engine, fixture.read_order.key()).await,
        None
    );
    let created = db::read_existing(&engine, OrderKey::new("c-2", "o-2")).await;
    assert_eq!(
        created,
        Order {
            revision: 1,
            ..order(2)
        }
    );
    let paid = db::read_existing(&engine, fixture.order_to_pay.key()).await;
    assert_eq!((paid.state, paid.revision), (OrderState::Paid, 2));
    // The checked item is not written.
    let profile = db::read_existing(&engine, UserProfileKey::new(profile_id())).await;
    assert_eq!(profile, fixture.profile);
}

#[tokio::test]
async fn a_failing_condition_cancels_every_operation() {
    let (_local, engine) = start_with_tables().await;
    let fixture = Fixture::store(&engine).await;
    let before = snapshot(&engine).await;
    let stored_profile = raw_get(
        &engine,
        "UserProfiles",
        &[("user_id", s(&profile_id().to_string()))],
    )
    .await
    .unwrap();

    let err = fixture.send(&engine, Status::Suspended).await.unwrap_err();
    assert_eq!(snapshot(&engine).await, before, "nothing was applied");
    let Error::TransactionCanceled { reasons } = &err else {
        panic!("expected TransactionCanceled, got {err:?}");
    };
    let key = |pairs: &str| format!("{{{pairs}}}");
    let expected = [
        (
            Operation::Put,
            "GameScores",
            key("userid = S \"abc\", title = S \"New Game\""),
        ),
        (
            Operation::Put,
            "odd.names-table_1",
            key("order = S \"new\", size = N 2"),
        ),
        (
            Operation::Update,
            "GameScores",
            key("userid = S \"abc\", title = S \"Comet Quest\""),
        ),
        (
            Operation::Delete,
            "odd.names-table_1",
            key("order = S \"doomed\", size = N 1"),
        ),
        (
            Operation::Delete,
            "Orders",
            key("customer_id = S \"c-1\", order_id = S \"o-1\""),
        ),
        (
            Operation::ConditionCheck,
            "UserProfiles",
            key(&format!("user_id = S \"{}\"", profile_id())),
        ),
        (
            Operation::Put,
            "Orders",
            key("customer_id = S \"c-2\", order_id = S \"o-2\""),
        ),
        (
            Operation::Update,
            "Orders",
            key("customer_id = S \"c-3\", order_id = S \"o-3\""),
        ),
    ];
    assert_eq!(
        reasons.len(),
        expected.len(),
        "one reason per operation: {reasons:#?}"
    );
    for (index, (reason, (operation, table, key))) in reasons.iter().zip(expected).enumerate() {
        let kind = if index == 5 {
            CancelKind::ConditionFailed {
                item: Stored::Present(stored_profile.clone()),
            }
        } else {
            CancelKind::None
        };
        assert_eq!(
            reason,
            &CancelReason {
                index,
                operation,
                table: db::table(&engine, table),
                key,
                kind,
            }
        );
    }
    assert_eq!(
        err.to_string(),
        format!(
            "the transaction was cancelled and nothing was applied: operation 5 (ConditionCheck of \
             {{user_id = S \"{}\"}} in {}): {:?}",
            profile_id(),
            db::table(&engine, "UserProfiles"),
            reasons[5].kind
        )
    );

    // Several failing operations each get their reason; a failed create carries the item.
    let err = engine
        .transact_write()
        .put_if(&score("Comet Quest", 9), GameScore::WINS.gt(100))
        .put(&score("Other", 1))
        .create(&fixture.doomed)
        .send()
        .await
        .unwrap_err();
    let Error::TransactionCanceled { reasons } = err else {
        panic!("expected TransactionCanceled, got {err:?}");
    };
    let kinds: Vec<&CancelKind> = reasons.iter().map(|r| &r.kind).collect();
    let stored_game = db::raw_score(&engine, "abc", "Comet Quest").await;
    let stored_odd = raw_get(
        &engine,
        "odd.names-table_1",
        &[("order", s("doomed")), ("size", db::n("1"))],
    )
    .await;
    assert_eq!(
        kinds,
        [
            &CancelKind::ConditionFailed {
                item: Stored::Present(stored_game.unwrap())
            },
            &CancelKind::None,
            &CancelKind::ConditionFailed {
                item: Stored::Present(stored_odd.unwrap())
            },
        ]
    );
    assert_eq!(snapshot(&engine).await, before, "nothing was applied");
}

#[tokio::test]
async fn stale_versions_cancel_with_version_conflicts() {
    let (_local, engine) = start_with_tables().await;
    // Three orders at revision 2, and a stale copy of each at revision 1.
    let mut stale = Vec::new();
    for i in 1..=3 {
        let mut o = order(i);
        engine.save(&o).await.unwrap();
        o.revision = 1;
        stale.push(o.clone());
        engine.save(&o).await.unwrap();
    }
    let mut profile = UserProfile::new(
        profile_id(),
        "a@example.com",
        DateTime::from_timestamp(0, 0).unwrap(),
    );
    engine.save(&profile).await.unwrap(); // version 1
    profile.version = 0;
    let before = snapshot(&engine).await;

    let conflict = |expected, found| CancelKind::VersionConflict { expected, found };
    let kinds = |result: Result<(), Error>| match result {
        Err(Error::TransactionCanceled { reasons }) => reasons
            .into_iter()
            .map(|r| (r.operation, r.kind))
            .collect::<Vec<_>>(),
        other => panic!("expected TransactionCanceled, got {other:?}"),
    };

    // A stale put, update and delete in one transaction: three conflicts, nothing applied.
    let result = engine
        .transact_write()
        .put(&Order {
            state: OrderState::Cancelled,
            ..stale[0].clone()
        })
        .update(
            Order::update(stale[1].key())
                .set(Order::STATE, OrderState::Paid)
                .if_version(1),
        )
        .delete_item(&stale[2])
        .put(&score("Unwritten", 1))
        .send()
        .await;
    assert_eq!(
        kinds(result),
        [
            (Operation::Put, conflict(1, Stored::Present(2))),
            (Operation::Update, conflict(1, Stored::Present(2))),
            (Operation::Delete, conflict(1, Stored::Present(2))),
            (Operation::Put, CancelKind::None),
        ]
    );

    // Creating what exists, a profile read as new, and a put of a version that does not exist.
    let mut phantom = order(9);
    phantom.revision = 3;
    let result = engine
        .transact_write()
        .create(&order(1))
        .put(&profile)
        .put(&phantom)
        .send()
        .await;
    assert_eq!(
        kinds(result),
        [
            (Operation::Put, conflict(0, Stored::Present(2))),
            (Operation::Put, conflict(0, Stored::Present(1))),
            (Operation::Put, conflict(3, Stored::Missing)),
        ]
    );
    assert_eq!(snapshot(&engine).await, before, "nothing was applied");

    // The current versions go through, each written with its version plus one.
    engine
        .transact_write()
        .put(&Order {
            revision: 2,
            state: OrderState::Cancelled,
            ..stale[0].clone()
        })
        .update(
            Order::update(stale[1].key())
                .set(Order::STATE, OrderState::Paid)
                .if_version(2),
        )
        .delete_item(&Order {
            revision: 2,
            ..stale[2].clone()
        })
        .put(&UserProfile {
            version: 1,
            ..profile
        })
        .send()
        .await
        .unwrap();
    let read = db::read_existing(&engine, stale[0].key()).await;
    assert_eq!((read.revision, read.state), (3, OrderState::Cancelled));
    let read = db::read_existing(&engine, stale[1].key()).await;
    assert_eq!((read.revision, read.state), (3, OrderState::Paid));
    assert_eq!(db::read_consistent(&engine, stale[2].key()).await, None);
    let read = db::read_existing(&engine, UserProfileKey::new(profile_id())).await;
    assert_eq!(read.version, 2);
}

#[tokio::test]
async fn a_transaction_holds_at_most_100_operations() {
    let (_local, engine) = start_with_tables().await;
    let updated: Vec<GameScore> = (0..30).map(|i| score(&format!("updated-{i}"), 0)).collect();
    engine.save_many(&updated).await.unwrap();

    let mut full = engine.transact_write();
    for i in 0..40 {
        full = full.put(&score(&format!("put-{i}"), i));
    }
    for item in &updated {
        full = full.update(GameScore::update(item.key()).incr(GameScore::WINS, 5));
    }
    for i in 0..30 {
        full = full.create(&OddNames::new("created", i));
    }
    full.send()
        .await
        .expect("100 operations go in one transaction");
    assert_eq!(
        GameScore::scan().consistent().count(&engine).await.unwrap(),
        70
    );
    assert_eq!(
        OddNames::scan().consistent().count(&engine).await.unwrap(),
        30
    );
    let read = engine
        .get_many(updated.iter().map(GameScore::key))
        .await
        .unwrap();
    assert!(read.iter().all(|r| r.as_ref().unwrap().wins == 5));

    let before = snapshot(&engine).await;
    let mut too_many = engine.transact_write();
    for i in 0..101 {
        too_many = too_many.put(&score(&format!("extra-{i}"), i));
    }
    match too_many.send().await {
        Err(Error::Validation(message)) => {
            assert!(
                message.contains("at most 100 operations, not 101"),
                "{message}"
            )
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(snapshot(&engine).await, before, "nothing was sent");

    match engine.transact_write().send().await {
        Err(Error::Validation(message)) => {
            assert!(message.contains("at least one operation"), "{message}")
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    let mut too_many = engine.transact_get();
    for i in 0..101 {
        too_many.add(GameScoreKey::new("abc", format!("put-{i}")));
    }
    assert!(matches!(too_many.send().await, Err(Error::Validation(_))));
    assert!(matches!(
        engine.transact_get().send().await,
        Err(Error::Validation(_))
    ));
}

#[tokio::test]
async fn the_same_item_twice_is_refused_before_sending() {
    let (_local, engine) = start_with_tables().await;
    let game = score("Twice", 1);
    engine.save(&game).await.unwrap();
    let before = snapshot(&engine).await;

    let attempts = [
        engine
            .transact_write()
            .put(&score("Once", 1))
            .put(&game)
            .update(GameScore::update(game.key()).incr(GameScore::WINS, 1))
            .send()
            .await,
        engine
            .transact_write()
            .delete(game.key())
            .check(game.key(), GameScore::WINS.eq(1))
            .send()
            .await,
        engine
            .transact_write()
            .create(&order(1))
            .delete_item(&order(1))
            .send()
            .await,
    ];
    for result in attempts {
        match result {
            Err(Error::Validation(message)) => {
                assert!(message.contains("twice"), "{message}");
                assert!(message.contains("one operation per item"), "{message}");
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
    let message = engine
        .transact_write()
        .put(&game)
        .delete(game.key())
        .send()
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        format!(
            "invalid request: a transaction touches item {{userid = S \"abc\", title = S \"Twice\"}} \
             of table {} twice (Put and Delete); DynamoDB allows one operation per item",
            db::table(&engine, "GameScores")
        )
    );
    assert_eq!(snapshot(&engine).await, before, "nothing was sent");
}

#[tokio::test]
async fn an_idempotency_token_applies_a_transaction_once() {
    let (_local, engine) = start_with_tables().await;
    let key = GameScoreKey::new("abc", "Tokens");
    let other = score("Other", 3);
    let send = |token: &'static str, by: i64| {
        engine
            .transact_write()
            .update(GameScore::update(key.clone()).incr(GameScore::WINS, by))
            .put(&other)
            .idempotency_token(token)
            .send()
    };
    send("checkout-1", 1).await.unwrap();
    send("checkout-1", 1)
        .await
        .expect("the same transaction again is a success");
    let wins = || async { db::read_existing(&engine, key.clone()).await.wins };
    assert_eq!(wins().await, 1, "applied once");

    // The same token with other content is refused by DynamoDB.
    let err = send("checkout-1", 2).await.unwrap_err();
    assert_eq!(
        err.code(),
        Some("IdempotentParameterMismatchException"),
        "{err:?}"
    );
    assert_eq!(wins().await, 1);

    // Another token, or none, applies it again.
    send("checkout-2", 1).await.unwrap();
    assert_eq!(wins().await, 2);
    for _ in 0..2 {
        engine
            .transact_write()
            .update(GameScore::update(key.clone()).incr(GameScore::WINS, 1))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(wins().await, 4);

    // Tokens have 1 to 36 characters; the check is made before sending.
    for token in [String::new(), "x".repeat(37)] {
        let result = engine
            .transact_write()
            .update(GameScore::update(key.clone()).incr(GameScore::WINS, 1))
            .idempotency_token(token)
            .send()
            .await;
        assert!(matches!(result, Err(Error::Validation(_))), "{result:?}");
    }
    assert_eq!(wins().await, 4);
}

#[tokio::test]
async fn transact_get_reads_several_models_into_typed_slots() {
    let (_local, engine) = start_with_tables().await;
    let fixture = Fixture::store(&engine).await;

    let mut get = engine.transact_get();
    let game = get.add(fixture.game.key());
    let missing_game = get.add(GameScoreKey::new("abc", "Missing"));
    let odd = get.add(fixture.doomed.key());
    let read_order = get.add(fixture.read_order.key());
    let missing_order = get.add(OrderKey::new("c-9", "o-9"));
    let profile = get.add(UserProfileKey::new(profile_id()));
    let got = get.send().await.unwrap();

    assert_eq!(got.get(game).unwrap(), Some(fixture.game));
    assert_eq!(got.get(missing_game).unwrap(), None);
    assert_eq!(got.get(odd).unwrap(), Some(fixture.doomed));
    assert_eq!(got.get(read_order).unwrap(), Some(fixture.read_order));
    assert_eq!(got.get(missing_order).unwrap(), None);
    assert_eq!(got.get(profile).unwrap(), Some(fixture.profile));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_transactions_on_the_same_items() {
    let (_local, engine) = start_with_tables().await;
    let a = GameScoreKey::new("abc", "A");
    let b = GameScoreKey::new("abc", "B");
    let tasks: Vec<_> = (0..24)
        .map(|i| {
            let (engine, a, b) = (engine.clone(), a.clone(), b.clone());
            tokio::spawn(async move {
                engine
                    .transact_write()
                    .update(GameScore::update(a).incr(GameScore::WINS, 1))
                    .update(GameScore::update(b).incr(GameScore::LOSSES, 1))
                    .create(&OddNames::new("race", i % 3))
                    .send()
                    .await
            })
        })
        .collect();
    let (mut applied, mut lost_race, mut conflicts) = (0, 0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => applied += 1,
            Err(Error::TransactionCanceled { reasons }) => {
                let kinds: Vec<&CancelKind> = reasons.iter().map(|r| &r.kind).collect();
                if kinds.contains(&&CancelKind::TransactionConflict) {
                    conflicts += 1;
                } else {
                    // Another transaction created this OddNames first.
                    assert!(
                        matches!(
                            kinds[..],
                            [
                                CancelKind::None,
                                CancelKind::None,
                                CancelKind::ConditionFailed {
                                    item: Stored::Present(_)
                                }
                            ]
                        ),
                        "{kinds:?}"
                    );
                    lost_race += 1;
                }
            }
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    println!(
        "{applied} applied, {lost_race} lost a create race, {conflicts} transaction conflicts"
    );
    assert_eq!(applied + lost_race + conflicts, 24);
    assert!(
        applied <= 3,
        "at most one create of each of three keys wins"
    );
    if conflicts == 0 {
        // The emulator runs transactions one at a time, so it never reports a conflict (DynamoDB
        // may): every key is created by exactly one transaction.
        assert_eq!(applied, 3);
    }
    let read = |key: GameScoreKey| engine.get(key).consistent();
    assert_eq!(read(a).await.unwrap().unwrap().wins, applied);
    assert_eq!(read(b).await.unwrap().unwrap().losses, applied);
}
