//! The valid forms of everything the update compile-fail cases reject.

use std::collections::{BTreeMap, BTreeSet};

use example_models::order::{Discount, OrderLine, OrderState};
use example_models::user_profile::{Address, GeoPoint, Status};
use example_models::{GameScore, GameScoreKey, Order, OrderKey, UserProfile, UserProfileKey};
use flywheel_runtime::serde_json::json;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{Decimal, Engine, Tracked};

async fn updates(engine: &Engine) -> flywheel_runtime::Result<()> {
    let score = GameScoreKey::new("abc", "Comet Quest");
    GameScore::update(score.clone())
        .incr(GameScore::WINS, 1)
        .send(engine)
        .await?;
    GameScore::update(score.clone())
        .set(GameScore::TOP_SCORE, 9001)
        .set(
            GameScore::TOP_SCORE_TIME,
            flywheel_runtime::chrono::Utc::now(),
        )
        .decr(GameScore::LOSSES, 1)
        .condition(GameScore::WINS.gt(0))
        .send(engine)
        .await?;
    let _: GameScore = GameScore::update(score.clone())
        .remove(GameScore::TOP_SCORE)
        .all_new(engine)
        .await?;
    let _: Option<GameScore> = GameScore::update(score.clone())
        .set_if_not_exists(GameScore::TOP_SCORE, 1)
        .all_old(engine)
        .await?;

    let user = UserProfileKey::new(Uuid::nil());
    let updated = UserProfile::update(user.clone())
        .set(UserProfile::EMAIL, "ada@example.com")
        .set(UserProfile::STATUS, Status::Active)
        .set(UserProfile::HOME.field(Address::CITY), "London")
        .set(
            UserProfile::HOME
                .field(Address::LOCATION)
                .field(GeoPoint::LAT),
            51.5,
        )
        .set(
            UserProfile::ADDRESSES.index(1).field(Address::STREET),
            "1 Main St",
        )
        .set(UserProfile::NICKNAMES.entry("en"), "Ada")
        .set(UserProfile::SETTINGS.key("theme"), json!("dark"))
        .remove(UserProfile::DISPLAY_NAME)
        .remove(UserProfile::ADDRESSES.index(0))
        .remove(UserProfile::NICKNAMES.entry("fr"))
        .remove(UserProfile::HOME.field(Address::STREET))
        .remove(UserProfile::AVATAR)
        .add(UserProfile::TAGS, BTreeSet::from(["vip"]))
        .delete(UserProfile::LUCKY_NUMBERS, BTreeSet::from([13]))
        .incr(UserProfile::LOGIN_COUNT, 1u64)
        .incr(UserProfile::AGE, 1u32)
        .decr(UserProfile::TIMEZONE_OFFSET, 60)
        .incr(UserProfile::RATING, 0.5)
        .incr(UserProfile::BALANCE, Decimal::from(5))
        .if_version(3)
        .updated_new(engine)
        .await?;
    let _: Option<String> = updated.get(&UserProfile::NICKNAMES.entry("en"))?;
    let _ = UserProfile::update(user.clone())
        .remove(UserProfile::TAGS)
        .updated_old(engine)
        .await?;
    let _ = UserProfile::update(user.clone())
        .append(UserProfile::ADDRESSES, vec![Address::new("Paris")])
        .set(
            UserProfile::NICKNAMES,
            BTreeMap::from([("en".to_owned(), "Ada")]),
        )
        .send(engine)
        .await;

    let order = OrderKey::new("c-1", "o-1");
    Order::update(order.clone())
        .set(Order::STATE, OrderState::Paid)
        .prepend(Order::LINE_COUNTS, vec![1u32])
        .append(Order::LABELS.entry("gift"), vec!["red"])
        .append(
            Order::LINES.index(0).field(OrderLine::DISCOUNTS),
            vec![Discount::new("TEN")],
        )
        .incr(Order::LINES.index(0).field(OrderLine::QUANTITY), 1u32)
        .add(Order::COUPON_CODES, BTreeSet::from(["SPRING"]))
        .remove(Order::PURGE_AT)
        .send(engine)
        .await?;

    // Saves, deletes and syncs with conditions and versions.
    let mut tracked = engine.get(user.clone()).tracked().await?.expect("exists");
    tracked.display_name = Some("Ada".into());
    tracked.incr(UserProfile::LOGIN_COUNT, 1u64)?;
    let _: bool = engine
        .sync(&mut tracked)
        .constraint(UserProfile::STATUS.eq(Status::Active))
        .await?;
    let _: bool = engine.sync(&mut tracked).overwrite().await?;
    let mut profile = tracked.into_inner();
    let saved = engine
        .save(&profile)
        .condition(UserProfile::VERIFIED.eq(false))
        .await?;
    // The version field and the saved version are one type.
    profile.version = saved.version;
    engine.delete_item(&profile).await?;
    engine
        .delete(user)
        .if_version(4)
        .condition(UserProfile::AGE.lt(100u32))
        .await?;
    let _ = Tracked::new(GameScore::new("abc", "New"));
    Ok(())
}

pub fn compiles() {
    let _ = updates;
}
