//! Every update operation on every field type against the emulator, nested paths included;
//! conditions, return values, and the checks made before anything is sent.

use crate::harness::db;
use crate::harness::errors::condition_failed;
use crate::harness::requests::recording;

use std::collections::{BTreeMap, BTreeSet};

use db::{n, s, start_with_tables};
use flywheel_runtime::chrono::{DateTime, NaiveDate, Utc};
use flywheel_runtime::serde_json::json;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{AttributeValue, Decimal, Engine, Error, Item, Stored};
use generated_example::models::order::{Discount, OrderLine, OrderState};
use generated_example::models::user_profile::{AccountKind, Address, GeoPoint, Status};
use generated_example::models::{
    GameScore, GameScoreKey, Order, OrderKey, UserProfile, UserProfileKey,
};

const ID: Uuid = Uuid::from_u128(0xabc);

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn at(secs: i64, nanos: u32) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, nanos).unwrap()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn key() -> UserProfileKey {
    UserProfileKey::new(ID)
}

fn address(city: &str, street: Option<&str>) -> Address {
    let mut a = Address::new(city);
    a.street = street.map(str::to_owned);
    a
}

/// A profile with the nested parts the updates reach into.
fn profile() -> UserProfile {
    let mut p = UserProfile::new(ID, "ada@example.com", at(1_700_000_000, 0));
    p.display_name = Some("Ada".into());
    p.home = Some(address("London", Some("1 Main St")));
    p.addresses = Some(vec![address("Paris", Some("2 Rue")), address("Rome", None)]);
    p.tags = BTreeSet::from(["a".to_owned(), "b".to_owned()]);
    p.lucky_numbers = BTreeSet::from([3, 7]);
    p.avatar = Some(vec![1, 2, 3]);
    p.nicknames = BTreeMap::from([
        ("en".to_owned(), "Ada".to_owned()),
        ("k".to_owned(), "v".to_owned()),
    ]);
    p.rating = Some(4.5);
    p.age = Some(36);
    p.timezone_offset = Some(-60);
    p.balance = dec("10.25");
    p
}

/// Saves `p` (at version 1) and returns it as stored.
async fn saved(engine: &Engine, mut p: UserProfile) -> UserProfile {
    engine.save(&p).await.unwrap();
    p.version = 1;
    p
}

async fn read(engine: &Engine) -> UserProfile {
    db::read_existing(engine, key()).await
}

async fn raw(engine: &Engine) -> Item {
    db::raw_profile(engine, ID).await.unwrap()
}

fn order_key() -> OrderKey {
    OrderKey::new("c-1", "o-1")
}

fn order() -> Order {
    let mut o = Order::new("c-1", "o-1", at(1_700_000_000, 0), dec("19.99"));
    o.lines = vec![OrderLine::new("sku-1", dec("9.99"))];
    o.labels = BTreeMap::from([("gift".to_owned(), vec!["red".to_owned()])]);
    o.coupon_codes = BTreeSet::from(["WELCOME".to_owned()]);
    o.line_counts = vec![1, 2];
    o
}

async fn raw_order(engine: &Engine) -> Item {
    db::raw_order(engine, "c-1", "o-1").await.unwrap()
}

fn score_key() -> GameScoreKey {
    GameScoreKey::new("abc", "Comet Quest")
}

#[tokio::test]
async fn set_writes_every_field_type() {
    let (_local, engine) = start_with_tables().await;
    let mut expected = saved(&engine, UserProfile::new(ID, "ada@example.com", at(0, 0))).await;
    let home = {
        let mut a = address("Berlin", Some("3 Allee"));
        a.postcode = Some("10115".into());
        a.location = Some(GeoPoint::new(52.52, 13.405));
        a
    };
    let addresses = vec![address("Oslo", None), address("Lima", Some("4 Av"))];
    let settings = json!({"theme": "light", "font_size": 12.5, "beta": [true, null, "x"]});
    let nicknames = BTreeMap::from([("de".to_owned(), "Adi".to_owned())]);
    let got = UserProfile::update(key())
        .set(UserProfile::EMAIL, "new@example.com")
        .set(UserProfile::DISPLAY_NAME, "Ada L.")
        .set(UserProfile::STATUS, Status::Suspended)
        .set(UserProfile::TYPE, AccountKind::NonProfit)
        .set(UserProfile::HOME, home.clone())
        .set(UserProfile::ADDRESSES, addresses.clone())
        .set(UserProfile::TAGS, BTreeSet::from(["x", "y"]))
        .set(UserProfile::LUCKY_NUMBERS, BTreeSet::from([-1, 0, 42]))
        .set(UserProfile::AVATAR, vec![0u8, 255])
        .set(UserProfile::SETTINGS, settings.clone())
        .set(
            UserProfile::NICKNAMES,
            BTreeMap::from([("de".to_owned(), "Adi")]),
        )
        .set(UserProfile::BIRTHDAY, ymd(1815, 12, 10))
        .set(UserProfile::SIGNUP_DAY, ymd(2024, 2, 29))
        .set(
            UserProfile::BALANCE,
            dec("-0.000000000000000000000000000000000001"),
        )
        .set(UserProfile::RATING, 0.1)
        .set(UserProfile::LOGIN_COUNT, u64::MAX)
        .set(UserProfile::AGE, u32::MAX)
        .set(UserProfile::TIMEZONE_OFFSET, i32::MIN)
        .set(UserProfile::VERIFIED, true)
        .set(UserProfile::LAST_SEEN, at(1_700_000_000, 123_000_000))
        .set(UserProfile::CREATED_AT, at(1_600_000_000, 1))
        .set(UserProfile::EXPIRES_AT, at(4_000_000_000, 0))
        .all_new(&engine)
        .await
        .unwrap();
    expected.email = "new@example.com".into();
    expected.display_name = Some("Ada L.".into());
    expected.status = Status::Suspended;
    expected.r#type = AccountKind::NonProfit;
    expected.home = Some(home);
    expected.addresses = Some(addresses);
    expected.tags = BTreeSet::from(["x".to_owned(), "y".to_owned()]);
    expected.lucky_numbers = BTreeSet::from([-1, 0, 42]);
    expected.avatar = Some(vec![0, 255]);
    expected.settings = settings.into();
    expected.nicknames = nicknames;
    expected.birthday = Some(ymd(1815, 12, 10));
    expected.signup_day = Some(ymd(2024, 2, 29));
    expected.balance = dec("-0.000000000000000000000000000000000001");
    expected.rating = Some(0.1);
    expected.login_count = u64::MAX;
    expected.age = Some(u32::MAX);
    expected.timezone_offset = Some(i32::MIN);
    expected.verified = true;
    expected.last_seen = Some(at(1_700_000_000, 123_000_000));
    expected.created_at = at(1_600_000_000, 1);
    expected.expires_at = Some(at(4_000_000_000, 0));
    expected.version = 2;
    assert_eq!(got, expected);
    assert_eq!(read(&engine).await, expected);

    // Each is stored in its documented form.
    let item = raw(&engine).await;
    assert_eq!(item["status"], s("suspended"));
    assert_eq!(item["type"], s("non-profit"));
    assert_eq!(item["birthday"], s("1815-12-10"));
    assert_eq!(item["signup_day"], n("1709164800"));
    assert_eq!(item["last_seen"], n("1700000000123"));
    assert_eq!(item["created_at"], s("2020-09-13T12:26:40.000000001Z"));
    assert_eq!(item["expires_at"], n("4000000000"));
    assert_eq!(item["login_count"], n("18446744073709551615"));
    assert!(matches!(&item["tags"], AttributeValue::Ss(v) if v.len() == 2));
    assert!(matches!(&item["lucky_numbers"], AttributeValue::Ns(v) if v.len() == 3));
    assert!(
        matches!(&item["settings"], AttributeValue::M(m) if m["beta"] == AttributeValue::L(vec![
        AttributeValue::Bool(true), AttributeValue::Null(true), s("x")]))
    );
}

#[tokio::test]
async fn set_writes_the_types_of_orders_and_scores() {
    let (_local, engine) = start_with_tables().await;
    let mut expected = order();
    engine.save(&expected).await.unwrap();
    let lines = vec![
        {
            let mut l = OrderLine::new("sku-2", dec("1.5"));
            l.quantity = 3;
            l.discounts = Some(vec![Discount::new("TEN"), {
                let mut d = Discount::new("HALF");
                d.percent = Some(50.0);
                d
            }]);
            l.shipped_on = Some(ymd(2024, 6, 1));
            l
        },
        OrderLine::new("sku-3", dec("100")),
    ];
    let got = Order::update(order_key())
        .set(Order::STATE, OrderState::Paid)
        .set(Order::TOTAL, dec("12345678901234567890.123456789012345678"))
        .set(Order::CURRENCY, "€")
        .set(Order::SKU, "sku-2")
        .set(Order::LINES, lines.clone())
        .set(
            Order::LABELS,
            BTreeMap::from([("a".to_owned(), vec!["x", "y"]), ("b".to_owned(), vec![])]),
        )
        .set(Order::COUPON_CODES, BTreeSet::from(["SPRING"]))
        .set(Order::RECEIPT, &b"\x00receipt"[..])
        .set(Order::LINE_COUNTS, vec![0u32, u32::MAX])
        .set(Order::PURGE_AT, i64::MIN)
        .set(Order::CREATED_AT, at(1_700_000_001, 0))
        .all_new(&engine)
        .await
        .unwrap();
    expected.state = OrderState::Paid;
    expected.total = dec("12345678901234567890.123456789012345678");
    expected.currency = "€".into();
    expected.sku = Some("sku-2".into());
    expected.lines = lines;
    expected.labels = BTreeMap::from([
        ("a".to_owned(), vec!["x".to_owned(), "y".to_owned()]),
        ("b".to_owned(), vec![]),
    ]);
    expected.coupon_codes = BTreeSet::from(["SPRING".to_owned()]);
    expected.receipt = Some(b"\x00receipt".to_vec());
    expected.line_counts = vec![0, u32::MAX];
    expected.purge_at = Some(i64::MIN);
    expected.created_at = at(1_700_000_001, 0);
    expected.revision = 2;
    assert_eq!(got, expected);
    assert_eq!(db::read_existing(&engine, order_key()).await, expected);

    // GameScore's datetime uses the `epoch` format: seconds with a fraction.
    let got = GameScore::update(score_key())
        .set(GameScore::TOP_SCORE_TIME, at(1_700_000_000, 250_000_000))
        .set(GameScore::TOP_SCORE, 9001)
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.top_score_time, Some(at(1_700_000_000, 250_000_000)));
    assert_eq!(got.top_score, Some(9001));
    let raw = db::raw_score(&engine, "abc", "Comet Quest").await.unwrap();
    assert_eq!(raw["top_score_time"], n("1700000000.25"));
}

#[tokio::test]
async fn setting_an_empty_set_removes_the_attribute() {
    let (_local, engine) = start_with_tables().await;
    let mut expected = saved(&engine, profile()).await;
    let got = UserProfile::update(key())
        .set(UserProfile::TAGS, BTreeSet::<String>::new())
        .set(UserProfile::LUCKY_NUMBERS, BTreeSet::<i32>::new())
        .all_new(&engine)
        .await
        .unwrap();
    expected.tags.clear();
    expected.lucky_numbers.clear();
    expected.version = 2;
    assert_eq!(got, expected);
    let item = raw(&engine).await;
    assert!(!item.contains_key("tags"), "{item:?}");
    assert!(!item.contains_key("lucky_numbers"), "{item:?}");

    Order::update(order_key())
        .set(Order::COUPON_CODES, BTreeSet::<String>::new())
        .send(&engine)
        .await
        .unwrap();
    assert!(!raw_order(&engine).await.contains_key("coupon_codes"));
}

#[tokio::test]
async fn remove_clears_fields_list_elements_map_entries_and_nested_fields() {
    let (_local, engine) = start_with_tables().await;
    let mut expected = saved(&engine, profile()).await;
    let got = UserProfile::update(key())
        .remove(UserProfile::DISPLAY_NAME)
        .remove(UserProfile::AVATAR)
        .remove(UserProfile::RATING)
        .remove(UserProfile::AGE)
        .remove(UserProfile::TAGS)
        .remove(UserProfile::ADDRESSES.index(0))
        .remove(UserProfile::NICKNAMES.entry("k"))
        .remove(UserProfile::HOME.field(Address::STREET))
        .remove(UserProfile::SETTINGS.key("font_size"))
        .all_new(&engine)
        .await
        .unwrap();
    expected.display_name = None;
    expected.avatar = None;
    expected.rating = None;
    expected.age = None;
    expected.tags.clear();
    expected.addresses = Some(vec![address("Rome", None)]);
    expected.nicknames.remove("k");
    expected.home.as_mut().unwrap().street = None;
    expected.settings = json!({"theme": "dark"}).into();
    expected.version = 2;
    assert_eq!(got, expected);
    let item = raw(&engine).await;
    for gone in ["displayName", "avatar", "rating", "age", "tags"] {
        assert!(!item.contains_key(gone), "{gone} is still stored: {item:?}");
    }

    // A whole optional nested document, and optional fields of scores and orders.
    let got = UserProfile::update(key())
        .remove(UserProfile::HOME)
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.home, None);
    assert!(!raw(&engine).await.contains_key("home"));
    engine
        .save(&{
            let mut o = order();
            o.sku = Some("s".into());
            o.receipt = Some(vec![1]);
            o.purge_at = Some(1);
            o
        })
        .await
        .unwrap();
    let got = Order::update(order_key())
        .remove(Order::SKU)
        .remove(Order::RECEIPT)
        .remove(Order::PURGE_AT)
        .remove(Order::COUPON_CODES)
        .remove(Order::LINES.index(0).field(OrderLine::SHIPPED_ON))
        .remove(Order::LABELS.entry("gift"))
        .all_new(&engine)
        .await
        .unwrap();
    let mut expected = order();
    expected.coupon_codes.clear();
    expected.labels.clear();
    expected.revision = 2;
    assert_eq!(got, expected);

    // Removing what is not there changes nothing else.
    let got = UserProfile::update(key())
        .remove(UserProfile::BIRTHDAY)
        .remove(UserProfile::NICKNAMES.entry("never"))
        .remove(UserProfile::ADDRESSES.index(9))
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.addresses, Some(vec![address("Rome", None)]));
    assert_eq!(
        got.nicknames,
        BTreeMap::from([("en".to_owned(), "Ada".to_owned())])
    );
}

#[tokio::test]
async fn incr_and_decr_on_every_number_type() {
    let (_local, engine) = start_with_tables().await;
    let mut expected = saved(&engine, profile()).await;
    let got = UserProfile::update(key())
        .incr(UserProfile::LOGIN_COUNT, 5u64)
        .incr(UserProfile::AGE, 1u32)
        .decr(UserProfile::TIMEZONE_OFFSET, 30)
        .incr(UserProfile::RATING, 0.25)
        .decr(UserProfile::BALANCE, dec("0.30"))
        .all_new(&engine)
        .await
        .unwrap();
    expected.login_count = 5;
    expected.age = Some(37);
    expected.timezone_offset = Some(-90);
    expected.rating = Some(4.75);
    expected.balance = dec("9.95");
    expected.version = 2;
    assert_eq!(got, expected);

    // Absent numbers count from 0.
    let got = UserProfile::update(key())
        .remove(UserProfile::AGE)
        .decr(UserProfile::RATING, 4.75)
        .incr(UserProfile::BALANCE, 1)
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(
        (got.age, got.rating, got.balance.clone()),
        (None, Some(0.0), dec("10.95"))
    );
    let got = UserProfile::update(key())
        .incr(UserProfile::AGE, 2u32)
        .decr(UserProfile::LOGIN_COUNT, 5u64)
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!((got.age, got.login_count), (Some(2), 0));

    // i64 on a score (absent item: created), decimal and i64 on an order.
    let got = GameScore::update(score_key())
        .incr(GameScore::WINS, 3)
        .decr(GameScore::LOSSES, 2)
        .incr(GameScore::TOP_SCORE, i64::MAX)
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(
        (got.wins, got.losses, got.top_score),
        (3, -2, Some(i64::MAX))
    );
    engine.save(&order()).await.unwrap();
    let got = Order::update(order_key())
        .incr(Order::TOTAL, dec("0.01"))
        .incr(Order::PURGE_AT, 1_000)
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!((got.total, got.purge_at), (dec("20.00"), Some(1_000)));
    let got = Order::update(order_key())
        .decr(Order::TOTAL, dec("20"))
        .decr(Order::PURGE_AT, 1_001)
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!((got.total, got.purge_at), (dec("0"), Some(-1)));

    // A decimal keeps every digit DynamoDB keeps.
    let got = Order::update(order_key())
        .incr(
            Order::TOTAL,
            dec("0.00000000000000000000000000000000000001"),
        )
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.total, dec("0.00000000000000000000000000000000000001"));
}

#[tokio::test]
async fn add_and_delete_change_sets_atomically() {
    let (_local, engine) = start_with_tables().await;
    let mut expected = saved(&engine, profile()).await;
    let got = UserProfile::update(key())
        .add(UserProfile::TAGS, BTreeSet::from(["b", "c"]))
        .delete(UserProfile::LUCKY_NUMBERS, BTreeSet::from([3, 99]))
        .all_new(&engine)
        .await
        .unwrap();
    expected.tags.insert("c".into());
    expected.lucky_numbers = BTreeSet::from([7]);
    expected.version = 2;
    assert_eq!(got, expected);

    // Deleting the last elements removes the attribute; adding to an absent set creates it.
    let got = UserProfile::update(key())
        .delete(UserProfile::LUCKY_NUMBERS, BTreeSet::from([7]))
        .delete(UserProfile::TAGS, BTreeSet::from(["a", "b", "c"]))
        .all_new(&engine)
        .await
        .unwrap();
    assert!(got.lucky_numbers.is_empty() && got.tags.is_empty());
    let item = raw(&engine).await;
    assert!(
        !item.contains_key("tags") && !item.contains_key("lucky_numbers"),
        "{item:?}"
    );
    let got = UserProfile::update(key())
        .add(UserProfile::LUCKY_NUMBERS, BTreeSet::from([-5, 5]))
        .add(UserProfile::TAGS, BTreeSet::from(["z"]))
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.lucky_numbers, BTreeSet::from([-5, 5]));
    assert_eq!(got.tags, BTreeSet::from(["z".to_owned()]));

    // Adding or deleting no elements is no action at all.
    let err = GameScore::update(score_key())
        .send(&engine)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    let got = UserProfile::update(key())
        .add(UserProfile::TAGS, BTreeSet::<String>::new())
        .delete(UserProfile::LUCKY_NUMBERS, BTreeSet::<i32>::new())
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.tags, BTreeSet::from(["z".to_owned()]));
    assert_eq!(got.lucky_numbers, BTreeSet::from([-5, 5]));

    // Orders' coupon codes.
    engine.save(&order()).await.unwrap();
    let got = Order::update(order_key())
        .add(Order::COUPON_CODES, BTreeSet::from(["SPRING"]))
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(
        got.coupon_codes,
        BTreeSet::from(["SPRING".to_owned(), "WELCOME".to_owned()])
    );
}

#[tokio::test]
async fn append_and_prepend_extend_lists_absent_or_not() {
    let (_local, engine) = start_with_tables().await;
    let mut expected = saved(&engine, profile()).await;
    let got = UserProfile::update(key())
        .append(UserProfile::ADDRESSES, vec![address("Oslo", None)])
        .all_new(&engine)
        .await
        .unwrap();
    expected
        .addresses
        .as_mut()
        .unwrap()
        .push(address("Oslo", None));
    expected.version = 2;
    assert_eq!(got, expected);
    let got = UserProfile::update(key())
        .prepend(
            UserProfile::ADDRESSES,
            vec![address("Cairo", None), address("Delhi", None)],
        )
        .all_new(&engine)
        .await
        .unwrap();
    let cities: Vec<_> = got.addresses.unwrap().into_iter().map(|a| a.city).collect();
    assert_eq!(cities, ["Cairo", "Delhi", "Paris", "Rome", "Oslo"]);

    // To an absent list, at either end.
    for (at_end, city) in [(true, "Quito"), (false, "Accra")] {
        let update = UserProfile::update(key());
        update
            .remove(UserProfile::ADDRESSES)
            .send(&engine)
            .await
            .unwrap();
        let cities = vec![address(city, None)];
        let update = UserProfile::update(key());
        let update = match at_end {
            true => update.append(UserProfile::ADDRESSES, cities.clone()),
            false => update.prepend(UserProfile::ADDRESSES, cities.clone()),
        };
        let got = update.all_new(&engine).await.unwrap();
        assert_eq!(got.addresses, Some(cities), "{city}");
    }

    // Lists of numbers, lists nested in maps, and lists of a nested document.
    engine.save(&order()).await.unwrap();
    let got = Order::update(order_key())
        .append(Order::LINE_COUNTS, vec![3u32])
        .prepend(Order::LABELS.entry("gift"), vec!["blue"])
        .append(
            Order::LINES.index(0).field(OrderLine::DISCOUNTS),
            vec![Discount::new("X")],
        )
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.line_counts, [1, 2, 3]);
    assert_eq!(got.labels["gift"], ["blue", "red"]);
    assert_eq!(got.lines[0].discounts, Some(vec![Discount::new("X")]));
    // An empty list appended changes nothing.
    let got = Order::update(order_key())
        .append(Order::LINE_COUNTS, Vec::<u32>::new())
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.line_counts, [1, 2, 3]);
}

#[tokio::test]
async fn set_if_not_exists_writes_only_absent_attributes() {
    let (_local, engine) = start_with_tables().await;
    let mut expected = saved(&engine, UserProfile::new(ID, "ada@example.com", at(0, 0))).await;
    let got = UserProfile::update(key())
        .set_if_not_exists(UserProfile::DISPLAY_NAME, "first")
        .set_if_not_exists(UserProfile::EMAIL, "ignored@example.com")
        .set_if_not_exists(UserProfile::AGE, 20u32)
        .set_if_not_exists(UserProfile::STATUS, Status::Banned)
        .set_if_not_exists(UserProfile::TAGS, BTreeSet::from(["t"]))
        .all_new(&engine)
        .await
        .unwrap();
    expected.display_name = Some("first".into());
    expected.age = Some(20);
    // `status` is stored (with its default), so it is kept.
    expected.tags = BTreeSet::from(["t".to_owned()]);
    expected.version = 2;
    assert_eq!(got, expected);
    let got = UserProfile::update(key())
        .set_if_not_exists(UserProfile::DISPLAY_NAME, "second")
        .set_if_not_exists(UserProfile::AGE, 99u32)
        .set_if_not_exists(UserProfile::TAGS, BTreeSet::from(["u"]))
        .all_new(&engine)
        .await
        .unwrap();
    expected.version = 3;
    assert_eq!(got, expected, "present attributes are unchanged");

    // Nested: a missing entry of a map is written, a present one kept.
    let got = UserProfile::update(key())
        .set_if_not_exists(UserProfile::NICKNAMES.entry("en"), "Ada")
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.nicknames["en"], "Ada");
    let got = UserProfile::update(key())
        .set_if_not_exists(UserProfile::NICKNAMES.entry("en"), "Lovelace")
        .set_if_not_exists(UserProfile::SETTINGS.key("theme"), json!("light"))
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.nicknames["en"], "Ada");
    assert_eq!(got.settings["theme"], "dark");

    // The empty set is stored as absent: nothing (no NULL) is written in its place, so
    // elements can still be added afterwards.
    let got = UserProfile::update(key())
        .set_if_not_exists(UserProfile::LUCKY_NUMBERS, BTreeSet::<i32>::new())
        .all_new(&engine)
        .await
        .unwrap();
    assert!(got.lucky_numbers.is_empty());
    assert!(!raw(&engine).await.contains_key("lucky_numbers"));
    let got = UserProfile::update(key())
        .add(UserProfile::LUCKY_NUMBERS, BTreeSet::from([1]))
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.lucky_numbers, BTreeSet::from([1]));

    // On an absent item it creates it.
    let got = GameScore::update(score_key())
        .set_if_not_exists(GameScore::TOP_SCORE, 5)
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.top_score, Some(5));
}

#[tokio::test]
async fn nested_paths_reach_into_documents_lists_maps_and_json() {
    let (_local, engine) = start_with_tables().await;
    let mut expected = saved(&engine, profile()).await;
    let got = UserProfile::update(key())
        .set(UserProfile::HOME.field(Address::CITY), "Manchester")
        .set(
            UserProfile::HOME.field(Address::LOCATION),
            GeoPoint::new(53.48, -2.24),
        )
        .set(
            UserProfile::ADDRESSES.index(1).field(Address::STREET),
            "5 Via",
        )
        .set(UserProfile::ADDRESSES.index(0).field(Address::CITY), "Lyon")
        .set(UserProfile::NICKNAMES.entry("en"), "Countess")
        .set(UserProfile::NICKNAMES.entry("fr"), "Comtesse")
        .set(UserProfile::SETTINGS.key("theme"), json!("light"))
        .set(UserProfile::SETTINGS.key("extra"), json!({"a": [1, 2]}))
        .all_new(&engine)
        .await
        .unwrap();
    {
        let home = expected.home.as_mut().unwrap();
        home.city = "Manchester".into();
        home.location = Some(GeoPoint::new(53.48, -2.24));
        let addresses = expected.addresses.as_mut().unwrap();
        addresses[1].street = Some("5 Via".into());
        addresses[0].city = "Lyon".into();
        expected.nicknames.insert("en".into(), "Countess".into());
        expected.nicknames.insert("fr".into(), "Comtesse".into());
        expected.settings =
            json!({"theme": "light", "font_size": 14, "extra": {"a": [1, 2]}}).into();
        expected.version = 2;
    }
    assert_eq!(got, expected);

    // Deeper: a field of a document in a document, an element of a JSON array, a list element.
    let got = UserProfile::update(key())
        .set(
            UserProfile::HOME
                .field(Address::LOCATION)
                .field(GeoPoint::LAT),
            0.5,
        )
        .set(
            UserProfile::SETTINGS.key("extra").key("a").at(1),
            json!("two"),
        )
        .set(
            UserProfile::ADDRESSES.index(0),
            address("Nice", Some("6 Bd")),
        )
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.home.unwrap().location, Some(GeoPoint::new(0.5, -2.24)));
    assert_eq!(got.settings["extra"]["a"], json!([1, "two"]));
    assert_eq!(got.addresses.unwrap()[0], address("Nice", Some("6 Bd")));

    // Numbers nested in documents count atomically too.
    engine.save(&order()).await.unwrap();
    let got = Order::update(order_key())
        .incr(Order::LINES.index(0).field(OrderLine::QUANTITY), 2u32)
        .set(
            Order::LINES.index(0).field(OrderLine::SHIPPED_ON),
            ymd(2024, 1, 2),
        )
        .set(Order::LABELS.entry("new"), vec!["n"])
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(got.lines[0].quantity, 3);
    assert_eq!(got.lines[0].shipped_on, Some(ymd(2024, 1, 2)));
    assert_eq!(got.labels["new"], ["n"]);
}

#[tokio::test]
async fn a_nested_path_under_an_absent_attribute_is_refused_by_dynamodb() {
    let (_local, engine) = start_with_tables().await;
    saved(&engine, UserProfile::new(ID, "ada@example.com", at(0, 0))).await;
    let before = raw(&engine).await;
    let err = UserProfile::update(key())
        .set(UserProfile::HOME.field(Address::CITY), "Nowhere")
        .send(&engine)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ValidationException"), "{err}");
    assert_eq!(raw(&engine).await, before);
}

#[tokio::test]
async fn failing_conditions_return_the_stored_item_and_write_nothing() {
    let (_local, engine) = start_with_tables().await;
    saved(&engine, profile()).await;
    let before = raw(&engine).await;

    let expect_failed = |result: flywheel_runtime::Result<()>| match result {
        Err(Error::ConditionFailed { table, key, item }) => {
            assert_eq!(table, db::table(&engine, "UserProfiles"));
            assert_eq!(key, format!("{{user_id = S \"{ID}\"}}"));
            item.into_present()
                .expect("the stored item comes with the failure")
        }
        other => panic!("expected a failed condition, got {other:?}"),
    };
    // Update.
    let item = expect_failed(
        UserProfile::update(key())
            .set(UserProfile::AGE, 1u32)
            .condition(UserProfile::AGE.gt(40u32))
            .send(&engine)
            .await,
    );
    assert_eq!(item, before);
    let item = expect_failed(
        UserProfile::update(key())
            .incr(UserProfile::LOGIN_COUNT, 1u64)
            .condition(
                UserProfile::TAGS.contains("a")
                    & UserProfile::HOME.field(Address::CITY).eq("Paris"),
            )
            .send(&engine)
            .await,
    );
    assert_eq!(item, before);
    // Save.
    let mut changed = profile();
    changed.version = 1;
    changed.age = Some(1);
    let item = expect_failed(
        engine
            .save(&changed)
            .condition(UserProfile::VERIFIED.eq(true))
            .await
            .map(drop),
    );
    assert_eq!(item, before);
    // Delete.
    let item = expect_failed(
        engine
            .delete(key())
            .condition(UserProfile::NICKNAMES.entry("en").eq("Bob"))
            .await,
    );
    assert_eq!(item, before);
    assert_eq!(raw(&engine).await, before, "nothing was written");

    // Conditions that hold let the write through.
    UserProfile::update(key())
        .set(UserProfile::AGE, 1u32)
        .condition(UserProfile::AGE.lt(40u32).and(UserProfile::AVATAR.exists()))
        .send(&engine)
        .await
        .unwrap();
    assert_eq!(read(&engine).await.age, Some(1));
    engine
        .delete(key())
        .condition(UserProfile::AGE.eq(1u32))
        .await
        .unwrap();
    assert!(!db::is_stored(&engine, key()).await);

    // On an absent item the condition fails with no item.
    let result = GameScore::update(score_key())
        .incr(GameScore::WINS, 1)
        .condition(GameScore::WINS.exists())
        .send(&engine)
        .await;
    assert_eq!(condition_failed(result), Stored::Missing);
    assert!(!db::is_stored(&engine, score_key()).await);
    // A save whose condition reads a missing item.
    let result = engine
        .save(&GameScore::new("abc", "Comet Quest"))
        .condition(GameScore::WINS.eq(0))
        .await;
    assert_eq!(condition_failed(result), Stored::Missing);
    assert!(!db::is_stored(&engine, score_key()).await);
}

#[tokio::test]
async fn return_values_all_new_all_old_updated_new_updated_old() {
    let (_local, engine) = start_with_tables().await;
    // DynamoDB returns no attributes for `ALL_OLD` of an item the update creates, so
    // `all_old` is then `None`. The emulator (dynoxide 3.2) returns the key attributes instead,
    // so that case is not checked here.
    let new = UserProfile::update(key())
        .set(UserProfile::EMAIL, "ada@example.com")
        .set(UserProfile::CREATED_AT, at(0, 0))
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(new.version, 1);
    let first = read(&engine).await;
    let old = UserProfile::update(key())
        .set(UserProfile::AGE, 30u32)
        .all_old(&engine)
        .await
        .unwrap();
    assert_eq!(old, Some(first.clone()));
    let new = UserProfile::update(key())
        .incr(UserProfile::AGE, 1u32)
        .all_new(&engine)
        .await
        .unwrap();
    assert_eq!(new.age, Some(31));
    assert_eq!(new, read(&engine).await);

    // updated_new and updated_old hold only the updated attributes (and the version).
    let partial = UserProfile::update(key())
        .set(UserProfile::DISPLAY_NAME, "Ada")
        .incr(UserProfile::AGE, 1u32)
        .updated_new(&engine)
        .await
        .unwrap();
    assert_eq!(
        partial.get(&UserProfile::DISPLAY_NAME).unwrap(),
        Some("Ada".to_owned())
    );
    assert_eq!(partial.get(&UserProfile::AGE).unwrap(), Some(32));
    assert_eq!(partial.get(&UserProfile::VERSION).unwrap(), Some(4));
    assert_eq!(
        partial.get(&UserProfile::EMAIL).unwrap(),
        None,
        "not updated, not returned"
    );
    let mut names: Vec<_> = partial.item().keys().cloned().collect();
    names.sort();
    assert_eq!(names, ["age", "displayName", "version"]);

    let partial = UserProfile::update(key())
        .set(UserProfile::DISPLAY_NAME, "Ada L.")
        .set(UserProfile::BIRTHDAY, ymd(1815, 12, 10))
        .updated_old(&engine)
        .await
        .unwrap();
    assert_eq!(
        partial.get(&UserProfile::DISPLAY_NAME).unwrap(),
        Some("Ada".to_owned())
    );
    assert_eq!(
        partial.get(&UserProfile::BIRTHDAY).unwrap(),
        None,
        "it was absent"
    );
    assert_eq!(partial.get(&UserProfile::VERSION).unwrap(), Some(4));

    // Nested: the updated part of the document, read through the same nested handle.
    UserProfile::update(key())
        .set(UserProfile::HOME, address("Paris", None))
        .send(&engine)
        .await
        .unwrap();
    let city = || UserProfile::HOME.field(Address::CITY);
    let update = || UserProfile::update(key());
    let new = update()
        .set(city(), "Lyon")
        .updated_new(&engine)
        .await
        .unwrap();
    assert_eq!(new.get(&city()).unwrap(), Some("Lyon".to_owned()), "after");
    let old = update()
        .set(city(), "Nice")
        .updated_old(&engine)
        .await
        .unwrap();
    assert_eq!(old.get(&city()).unwrap(), Some("Lyon".to_owned()), "before");

    // A model without a version: only what was updated.
    let partial = GameScore::update(score_key())
        .incr(GameScore::WINS, 2)
        .updated_new(&engine)
        .await
        .unwrap();
    assert_eq!(partial.item().len(), 1);
    assert_eq!(partial.get(&GameScore::WINS).unwrap(), Some(2));
    let partial = GameScore::update(score_key())
        .incr(GameScore::WINS, 2)
        .updated_old(&engine)
        .await
        .unwrap();
    assert_eq!(partial.get(&GameScore::WINS).unwrap(), Some(2));
}

#[tokio::test]
async fn two_actions_on_one_path_or_overlapping_paths_are_refused_before_sending() {
    let (_local, engine) = start_with_tables().await;
    let (watched, requests) = recording(&engine);
    let refusals: Vec<(flywheel_runtime::Result<()>, &str)> = vec![
        (
            UserProfile::update(key())
                .set(UserProfile::AGE, 1u32)
                .incr(UserProfile::AGE, 1u32)
                .send(&watched)
                .await,
            "an update writes `age` twice",
        ),
        (
            UserProfile::update(key())
                .set(UserProfile::HOME, address("Paris", None))
                .set(UserProfile::HOME.field(Address::CITY), "Lyon")
                .send(&watched)
                .await,
            "an update touches `home` and `home.city`, which overlap",
        ),
        (
            UserProfile::update(key())
                .remove(UserProfile::ADDRESSES.index(0))
                .set(UserProfile::ADDRESSES.index(0).field(Address::CITY), "Lyon")
                .send(&watched)
                .await,
            "an update touches `addresses[0]` and `addresses[0].city`, which overlap",
        ),
        (
            UserProfile::update(key())
                .set(UserProfile::NICKNAMES.entry("en"), "a")
                .set(UserProfile::NICKNAMES, BTreeMap::<String, String>::new())
                .send(&watched)
                .await,
            "an update touches `nicknames.en` and `nicknames`, which overlap",
        ),
        (
            GameScore::update(score_key())
                .incr(GameScore::WINS, 1)
                .decr(GameScore::WINS, 1)
                .send(&watched)
                .await,
            "an update writes `wins` twice",
        ),
        (
            UserProfile::update(key())
                .add(UserProfile::TAGS, BTreeSet::from(["a"]))
                .delete(UserProfile::TAGS, BTreeSet::from(["b"]))
                .send(&watched)
                .await,
            "an update writes `tags` twice",
        ),
    ];
    for (result, message) in refusals {
        match result {
            Err(Error::Validation(text)) => assert!(text.starts_with(message), "{text}"),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
    assert_eq!(requests.count(), 0, "nothing was sent");
    assert!(!db::is_stored(&engine, key()).await);
    assert!(!db::is_stored(&engine, score_key()).await);

    // Different fields of one document, or different entries of a map, do not overlap.
    saved(&engine, profile()).await;
    UserProfile::update(key())
        .set(UserProfile::HOME.field(Address::CITY), "Leeds")
        .remove(UserProfile::HOME.field(Address::STREET))
        .set(UserProfile::NICKNAMES.entry("a"), "1")
        .set(UserProfile::NICKNAMES.entry("b"), "2")
        .set(UserProfile::ADDRESSES.index(0).field(Address::CITY), "Metz")
        .set(
            UserProfile::ADDRESSES.index(1).field(Address::CITY),
            "Nancy",
        )
        .send(&watched)
        .await
        .unwrap();
    let got = read(&engine).await;
    assert_eq!(got.home, Some(address("Leeds", None)));
    assert_eq!(
        (got.nicknames["a"].as_str(), got.nicknames["b"].as_str()),
        ("1", "2")
    );
}

#[tokio::test]
async fn a_value_that_cannot_be_stored_is_refused_before_sending() {
    let (_local, engine) = start_with_tables().await;
    let (watched, requests) = recording(&engine);
    let err = UserProfile::update(key())
        .set(UserProfile::RATING, f64::NAN)
        .send(&watched)
        .await
        .unwrap_err();
    match &err {
        Error::Encode(e) => {
            assert_eq!(e.attribute, "rating");
            assert_eq!(e.table, db::table(&engine, "UserProfiles"));
        }
        other => panic!("expected an encode error, got {other:?}"),
    }
    let err = UserProfile::update(key())
        .set(
            UserProfile::NICKNAMES,
            BTreeMap::from([(String::new(), "x")]),
        )
        .send(&watched)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Encode(_)), "{err:?}");
    // An empty string as the key of an index (`sku` of `BySku`; `currency`, one of the
    // attributes of `ByStateCurrency`'s hash key), set or set if absent.
    for err in [
        Order::update(order_key())
            .set(Order::SKU, "")
            .send(&watched)
            .await
            .unwrap_err(),
        Order::update(order_key())
            .set_if_not_exists(Order::CURRENCY, "")
            .send(&watched)
            .await
            .unwrap_err(),
    ] {
        match &err {
            Error::Encode(e) => {
                assert!(["sku", "currency"].contains(&e.attribute.as_str()), "{e:?}");
                assert!(e.reason.contains("empty"), "{e:?}");
            }
            other => panic!("expected an encode error, got {other:?}"),
        }
    }
    let err = UserProfile::update(key())
        .set(UserProfile::AGE, 1u32)
        .condition(UserProfile::RATING.gt(f64::INFINITY))
        .send(&watched)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Encode(_)), "{err:?}");
    assert_eq!(requests.count(), 0);
}
