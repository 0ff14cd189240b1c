//! The valid forms of everything the compile-fail cases reject.

use example_models::order::OrderLine;
use example_models::user_profile::Address;
use example_models::{GameScore, Order, UserProfile};
use flywheel_runtime::Engine;
use flywheel_runtime::expr::AttributeType;

async fn queries(engine: &Engine) -> flywheel_runtime::Result<()> {
    let _ = GameScore::query("abc")
        .range_begins_with("Comet")
        .consistent()
        .all(engine)
        .await?;
    let _ = GameScore::query("abc")
        .range_between("A", "M")
        .reverse()
        .first(engine)
        .await?;
    let _ = GameScore::query_game_title_index("Comet Quest")
        .range_gt(9000)
        .filter(GameScore::WINS.gt(3) & !GameScore::USERID.begins_with("bot-"))
        .filter(GameScore::TOP_SCORE_TIME.exists())
        .limit(10)
        .page_size(25)
        .all(engine)
        .await?;
    let _ = GameScore::query("abc")
        .filter(
            GameScore::TOP_SCORE
                .between(1, 2)
                .or(GameScore::LOSSES.in_([1, 2, 3])),
        )
        .count(engine)
        .await?;
    let id = flywheel_runtime::uuid::Uuid::nil();
    let _ = UserProfile::query(id).consistent().one(engine).await?;
    let by_email = UserProfile::query_by_email("ada@example.com")
        .all(engine)
        .await?;
    let _ = by_email
        .first()
        .map(|p| (p.user_id, p.email.clone(), p.key()));
    let _full: Vec<UserProfile> = UserProfile::query_by_email("ada@example.com")
        .fetch_full(engine)
        .await?;
    let _ = UserProfile::scan()
        .filter(UserProfile::HOME.field(Address::CITY).eq("Paris"))
        .filter(
            UserProfile::ADDRESSES
                .index(0)
                .field(Address::CITY)
                .begins_with("P"),
        )
        .filter(UserProfile::TAGS.contains("vip") | UserProfile::NICKNAMES.entry("en").eq("Ada"))
        .filter(UserProfile::ADDRESSES.size().gt(1) & UserProfile::AVATAR.not_exists())
        .filter(
            UserProfile::SETTINGS
                .key("theme")
                .eq(flywheel_runtime::serde_json::json!("dark")),
        )
        .filter(UserProfile::STATUS.ne(example_models::user_profile::Status::Banned))
        .filter(UserProfile::EMAIL.attribute_type(AttributeType::S))
        .all(engine)
        .await?;
    let recent = Order::query_by_created("c-1")
        .range_ge(flywheel_runtime::chrono::Utc::now())
        .all(engine)
        .await?;
    let _ = recent.first().map(|o| (o.total.clone(), o.state));
    let _ = Order::query_by_state(example_models::order::OrderState::Open)
        .filter(Order::LINES.contains(OrderLine::new("sku-1", flywheel_runtime::Decimal::from(3))))
        .filter(Order::CUSTOMER_ID.eq("c-1"))
        .stream(engine);
    let page = Order::query("c-1").limit(5).page(engine, None).await?;
    let _ = Order::query("c-1").page(engine, page.next.as_ref()).await?;
    let _ = Order::scan().parallel(engine, 4);
    Ok(())
}

pub fn compiles() {
    let _ = queries;
}
