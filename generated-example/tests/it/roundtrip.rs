//! Every schema type survives `save` + consistent `get` against the in-process emulator, edges
//! included, and is stored in the documented DynamoDB form.

use crate::harness::db;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use db::{n, s, start_with_tables};
use flywheel_runtime::chrono::{DateTime, NaiveDate, TimeZone, Utc};
use flywheel_runtime::serde_json::json;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{AttributeValue, Decimal, Engine, Item, Model};
use generated_example::models::game_score::GameScore;
use generated_example::models::order::{Discount, Order, OrderLine, OrderState};
use generated_example::models::user_profile::{
    AccountKind, Address, GeoPoint, Status, UserProfile,
};

fn dec(text: &str) -> Decimal {
    text.parse().expect("a valid decimal literal")
}

fn at(secs: i64, nanos: u32) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, nanos).expect("a valid timestamp")
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// Saves `item`, reads it back consistently and returns what was read.
///
/// For a model with a version attribute the save writes the model's version plus one (the
/// version attribute is flywheel's to manage); that is checked here, and the version read back
/// is then set to the model's, so that the rest compares field by field.
async fn save_and_get<M: Model + Debug>(engine: &Engine, item: &M) -> M {
    let saved = engine.save(item).await.expect("save succeeds");
    let read = engine
        .get(item.key())
        .consistent()
        .await
        .expect("get succeeds")
        .expect("the item just saved is found");
    let Some(attribute) = M::SCHEMA.version else {
        assert_eq!(
            saved.version, 0,
            "a model without a version attribute saves no version"
        );
        return read;
    };
    let original = item.to_item().expect("the model encodes");
    let before: i64 = match original.get(attribute) {
        Some(AttributeValue::N(v)) => v.parse().expect("a version number"),
        _ => 0,
    };
    assert_eq!(
        saved.version,
        before + 1,
        "the save reports the new version"
    );
    let mut stored = read.to_item().expect("the model encodes");
    assert_eq!(
        stored[attribute],
        n(&(before + 1).to_string()),
        "the version is incremented"
    );
    match original.get(attribute) {
        Some(v) => stored.insert(attribute.to_owned(), v.clone()),
        None => stored.remove(attribute),
    };
    M::from_item(stored).expect("the model decodes")
}

async fn raw_user(engine: &Engine, id: Uuid) -> Item {
    db::raw_profile(engine, id)
        .await
        .expect("the raw item exists")
}

async fn raw_order(engine: &Engine, customer: &str, order: &str) -> Item {
    db::raw_order(engine, customer, order)
        .await
        .expect("the raw item exists")
}

async fn raw_score(engine: &Engine, userid: &str, title: &str) -> Item {
    db::raw_score(engine, userid, title)
        .await
        .expect("the raw item exists")
}

fn all_bytes() -> Vec<u8> {
    (0..=255u8).collect()
}

/// A profile with every field set, most of them to an edge value.
fn full_profile() -> UserProfile {
    let mut p = UserProfile::new(
        Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        "ünïcødé+😀@例え.jp",
        at(1_709_251_199, 123_456_789),
    );
    p.display_name = Some(String::new());
    p.status = Status::Suspended;
    p.r#type = AccountKind::NonProfit;
    p.home = Some(Address {
        street: Some("Straße 1, e\u{301}cole 🏠".into()),
        city: "東京".into(),
        postcode: Some(String::new()),
        location: Some(GeoPoint::new(-33.868_820_1, 151.209_295_5)),
    });
    p.addresses = Some(vec![
        Address::new("Paris"),
        Address {
            street: None,
            city: "Zürich".into(),
            postcode: Some("8001".into()),
            location: Some(GeoPoint::new(1e-130, -9.999_999_999_999_98e125)),
        },
        Address::new(""),
    ]);
    p.tags = ["😀", "中文", "e\u{301}", "plain"]
        .into_iter()
        .map(String::from)
        .collect();
    p.lucky_numbers = [i32::MIN, -1, 0, 7, i32::MAX].into_iter().collect();
    p.avatar = Some(all_bytes());
    p.settings = json!({
        "theme": "light",
        "font_size": 14,
        "nested": {"deeper": {"list": [1, -2, 2.5, null, true, false, "text", {"k": "v"}, []]}},
        "null": null,
        "yes": true,
        "no": false,
        "i64_min": i64::MIN,
        "u64_max": u64::MAX,
        "tiny": 1.5e-100,
        "negative": -0.25,
        "empty_object": {},
        "empty_array": [],
        "emoji 😀": "値 e\u{301}",
    })
    .into();
    p.nicknames = [
        ("😀", "smile"),
        ("中文", "zhōngwén"),
        ("e\u{301}", ""),
        ("plain", "🎉🎉"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    p.birthday = Some(ymd(1969, 7, 20));
    p.signup_day = Some(ymd(1950, 1, 1));
    p.balance = dec("-1234567890123456789.0123456789012345678");
    p.rating = Some(-4.75);
    p.login_count = u64::MAX;
    p.age = Some(u32::MAX);
    p.timezone_offset = Some(i32::MIN);
    p.verified = true;
    // Whole milliseconds, so that the millisecond format keeps it exactly.
    p.last_seen = Some(at(1_714_566_600, 123_000_000));
    // Whole seconds: the time to live attribute is stored as whole epoch seconds.
    p.expires_at = Some(at(1_893_456_000, 0));
    p
}

#[tokio::test]
async fn user_profile_with_every_field_round_trips() {
    let (_local, engine) = start_with_tables().await;
    let profile = full_profile();
    let read = save_and_get(&engine, &profile).await;
    assert_eq!(read, profile);

    // The stored representation is the documented one.
    let raw = raw_user(&engine, profile.user_id).await;
    assert_eq!(raw["status"], s("suspended"));
    assert_eq!(raw["type"], s("non-profit"));
    assert_eq!(raw["displayName"], s(""));
    assert_eq!(raw["birthday"], s("1969-07-20"));
    assert_eq!(raw["signup_day"], n("-631152000"));
    assert_eq!(raw["created_at"], s("2024-02-29T23:59:59.123456789Z"));
    assert_eq!(raw["last_seen"], n("1714566600123"));
    assert_eq!(raw["expires_at"], n("1893456000"));
    assert_eq!(raw["login_count"], n("18446744073709551615"));
    assert_eq!(raw["version"], n("1"), "a new item starts at version 1");
    assert_eq!(raw["age"], n("4294967295"));
    assert_eq!(raw["timezone_offset"], n("-2147483648"));
    assert_eq!(raw["verified"], AttributeValue::Bool(true));
    assert_eq!(
        raw["user_id"],
        s("01234567-89ab-cdef-0123-456789abcdef"),
        "a uuid is stored hyphenated, lower case"
    );
    match &raw["avatar"] {
        AttributeValue::B(b) => assert_eq!(b.as_ref(), all_bytes().as_slice()),
        other => panic!("avatar should be B, is {other:?}"),
    }
    match &raw["tags"] {
        AttributeValue::Ss(tags) => {
            let tags: BTreeSet<&str> = tags.iter().map(String::as_str).collect();
            assert_eq!(
                tags,
                ["😀", "中文", "e\u{301}", "plain"].into_iter().collect()
            );
        }
        other => panic!("tags should be SS, is {other:?}"),
    }
    assert!(
        matches!(&raw["lucky_numbers"], AttributeValue::Ns(v) if v.len() == 5),
        "lucky_numbers should be NS of 5: {:?}",
        raw["lucky_numbers"]
    );
    // json is a native document, not a JSON string.
    match &raw["settings"] {
        AttributeValue::M(settings) => {
            assert_eq!(settings["null"], AttributeValue::Null(true));
            assert_eq!(settings["yes"], AttributeValue::Bool(true));
            assert_eq!(
                settings["empty_object"],
                AttributeValue::M(Default::default())
            );
            assert_eq!(settings["empty_array"], AttributeValue::L(Vec::new()));
            assert_eq!(settings["emoji 😀"], s("値 e\u{301}"));
        }
        other => panic!("settings should be M, is {other:?}"),
    }
    match &raw["home"] {
        AttributeValue::M(home) => {
            assert_eq!(home["city"], s("東京"));
            assert_eq!(home["postcode"], s(""));
            assert!(matches!(&home["location"], AttributeValue::M(_)));
        }
        other => panic!("home should be M, is {other:?}"),
    }
    match &raw["addresses"] {
        AttributeValue::L(list) => {
            assert_eq!(list.len(), 3);
            let AttributeValue::M(first) = &list[0] else {
                panic!("addresses[0] should be M, is {:?}", list[0]);
            };
            assert_eq!(
                first.len(),
                1,
                "absent optional fields are not stored: {first:?}"
            );
        }
        other => panic!("addresses should be L, is {other:?}"),
    }
}

#[tokio::test]
async fn absent_fields_are_not_stored_and_read_back_as_none_or_default() {
    let (_local, engine) = start_with_tables().await;
    let id = Uuid::from_u128(42);
    let profile = UserProfile::new(id, "min@example.com", at(0, 0));
    let read = save_and_get(&engine, &profile).await;
    assert_eq!(read, profile);
    assert_eq!(read.display_name, None);
    assert_eq!(read.home, None);
    assert_eq!(read.addresses, None);
    assert_eq!(read.avatar, None);
    assert_eq!(read.birthday, None);
    assert_eq!(read.rating, None);
    assert_eq!(read.age, None);
    assert_eq!(read.last_seen, None);
    assert_eq!(read.expires_at, None);
    assert!(read.tags.is_empty());
    assert!(read.lucky_numbers.is_empty());

    let raw = raw_user(&engine, id).await;
    for absent in [
        "displayName",
        "home",
        "addresses",
        "tags",
        "lucky_numbers",
        "avatar",
        "birthday",
        "signup_day",
        "rating",
        "age",
        "timezone_offset",
        "last_seen",
        "expires_at",
    ] {
        assert!(
            !raw.contains_key(absent),
            "{absent} should not be stored: {:?}",
            raw.get(absent)
        );
    }
    // Defaults are stored like any other value.
    assert_eq!(raw["status"], s("active"));
    assert_eq!(raw["type"], s("personal"));
    assert_eq!(raw["login_count"], n("0"));
    assert_eq!(raw["created_at"], s("1970-01-01T00:00:00.000000000Z"));
    assert_eq!(raw["nicknames"], AttributeValue::M(Default::default()));
}

#[tokio::test]
async fn a_set_saved_empty_is_absent_and_reads_back_empty() {
    let (_local, engine) = start_with_tables().await;
    // First with elements, then saved again emptied: the attribute must disappear.
    let mut profile = UserProfile::new(Uuid::from_u128(7), "sets@example.com", at(0, 0));
    profile.tags = ["a".to_owned()].into_iter().collect();
    profile.lucky_numbers = [1].into_iter().collect();
    assert_eq!(save_and_get(&engine, &profile).await, profile);
    let raw = raw_user(&engine, profile.user_id).await;
    assert!(raw.contains_key("tags") && raw.contains_key("lucky_numbers"));

    profile.tags.clear();
    profile.lucky_numbers.clear();
    // The second save is based on the version the first one wrote.
    profile.version = 1;
    let read = save_and_get(&engine, &profile).await;
    assert!(read.tags.is_empty());
    assert!(read.lucky_numbers.is_empty());
    assert_eq!(read, profile);
    let raw = raw_user(&engine, profile.user_id).await;
    assert!(!raw.contains_key("tags"), "empty set stored: {raw:?}");
    assert!(
        !raw.contains_key("lucky_numbers"),
        "empty set stored: {raw:?}"
    );

    let mut order = Order::new("c", "o", at(0, 0), dec("1"));
    order.coupon_codes = BTreeSet::new();
    assert_eq!(save_and_get(&engine, &order).await, order);
    let raw = raw_order(&engine, "c", "o").await;
    assert!(
        !raw.contains_key("coupon_codes"),
        "empty set stored: {raw:?}"
    );
}

/// A change to a profile.
type Change = Box<dyn Fn(&mut UserProfile)>;

#[tokio::test]
async fn integer_extremes_round_trip() {
    let (_local, engine) = start_with_tables().await;
    let base = UserProfile::new(Uuid::nil(), "ints@example.com", at(0, 0));
    let variants: Vec<(&str, Change)> = vec![
        (
            "login_count = u64::MAX",
            Box::new(|p| p.login_count = u64::MAX),
        ),
        ("login_count = 0", Box::new(|p| p.login_count = 0)),
        ("age = u32::MAX", Box::new(|p| p.age = Some(u32::MAX))),
        ("age = 0", Box::new(|p| p.age = Some(0))),
        (
            "tz = i32::MIN",
            Box::new(|p| p.timezone_offset = Some(i32::MIN)),
        ),
        (
            "tz = i32::MAX",
            Box::new(|p| p.timezone_offset = Some(i32::MAX)),
        ),
        (
            "lucky_numbers extremes",
            Box::new(|p| p.lucky_numbers = [i32::MIN, 0, i32::MAX].into_iter().collect()),
        ),
    ];
    for (i, (what, change)) in variants.iter().enumerate() {
        let mut p = base.clone();
        p.user_id = Uuid::from_u128(1000 + i as u128);
        change(&mut p);
        assert_eq!(save_and_get(&engine, &p).await, p, "{what}");
    }

    // The version attributes (`version`, `revision`) are flywheel's to set; the i64 extremes
    // go through `purge_at`, `wins`, `losses` and `top_score`, stored by the same codec.
    let mut order = Order::new("ints", "o1", at(0, 0), dec("0"));
    order.purge_at = Some(i64::MAX);
    order.line_counts = vec![0, 1, u32::MAX];
    assert_eq!(save_and_get(&engine, &order).await, order);
    order.order_id = "o2".into();
    order.purge_at = Some(i64::MIN);
    assert_eq!(save_and_get(&engine, &order).await, order);

    // top_score is also the range key of the GameTitleIndex.
    let mut score = GameScore::new("ints", "max");
    score.top_score = Some(i64::MAX);
    score.wins = i64::MIN;
    score.losses = i64::MAX;
    assert_eq!(save_and_get(&engine, &score).await, score);
    let raw = raw_score(&engine, "ints", "max").await;
    assert_eq!(raw["top_score"], n("9223372036854775807"));
    let mut score = GameScore::new("ints", "min");
    score.top_score = Some(i64::MIN);
    assert_eq!(save_and_get(&engine, &score).await, score);
    let raw = raw_score(&engine, "ints", "min").await;
    assert_eq!(raw["top_score"], n("-9223372036854775808"));
}

#[tokio::test]
async fn decimals_with_38_digits_round_trip_exactly() {
    let (_local, engine) = start_with_tables().await;
    let values = [
        "12345678901234567890123456789012345678",
        "-12345678901234567890123456789012345678",
        "1234567890123456789.0123456789012345678",
        "-0.00000000000000000000012345678901234567890123456789012345678",
        "1.2345678901234567890123456789012345678E-130",
        "-1.2345678901234567890123456789012345678E-125",
        "1E-130",
        "-1E-130",
        "9.9999999999999999999999999999999999999E+125",
        "-9.9999999999999999999999999999999999999E+125",
        "100000000000000000000000000000000000000000",
        "0",
        "0.00",
        "-0.5",
    ];
    for (i, text) in values.iter().enumerate() {
        let mut p = UserProfile::new(Uuid::from_u128(i as u128 + 1), "dec@example.com", at(0, 0));
        p.balance = dec(text);
        let read = save_and_get(&engine, &p).await;
        assert_eq!(read.balance, dec(text), "balance {text}");
        assert_eq!(read, p, "balance {text}");
    }

    // Decimals in the table's own field and nested in a list of documents.
    let mut order = Order::new(
        "dec",
        "o",
        at(0, 0),
        dec("-98765432109876543210987654321.098765432"),
    );
    order.lines = vec![
        OrderLine::new("tiny", dec("1.0000000000000000000000000000000000001E-100")),
        OrderLine::new("huge", dec("99999999999999999999999999999999999999")),
    ];
    assert_eq!(save_and_get(&engine, &order).await, order);
}

#[tokio::test]
async fn floats_round_trip() {
    let (_local, engine) = start_with_tables().await;
    let values = [
        0.0,
        -0.0,
        0.1,
        0.1 + 0.2,
        -4.75,
        f64::EPSILON,
        -f64::EPSILON,
        1e-130,
        -1e-130,
        1.234_567_890_123_456_7e-129,
        9.999_999_999_999_98e125,
        -9.999_999_999_999_98e125,
        6.022_140_76e23,
        123_456_789.123_456_79,
        1e21,
        -1e-7,
        (1u64 << 53) as f64,
    ];
    for (i, v) in values.iter().enumerate() {
        let mut p = UserProfile::new(Uuid::from_u128(i as u128 + 1), "f@example.com", at(0, 0));
        p.rating = Some(*v);
        p.home = Some(Address {
            location: Some(GeoPoint::new(*v, -*v)),
            ..Address::new("c")
        });
        let read = save_and_get(&engine, &p).await;
        let rating = read.rating.expect("rating is read back");
        if *v == 0.0 {
            // DynamoDB has no negative zero: -0.0 comes back as 0, which equals it.
            assert_eq!(rating, 0.0);
        } else {
            assert_eq!(
                rating.to_bits(),
                v.to_bits(),
                "rating {v:e} read as {rating:e}"
            );
        }
        assert_eq!(read, p, "rating {v:e}");
    }
}

#[tokio::test]
async fn orders_with_nested_documents_round_trip() {
    let (_local, engine) = start_with_tables().await;
    let mut order = Order::new(
        "c-😀",
        "o-e\u{301}-中",
        at(-14_182_940, 1),
        dec("12345678901234567890.123456789012345678"),
    );
    order.state = OrderState::Cancelled;
    // A key attribute of `ByStateCurrency` and `BySkuPrice`: never empty.
    order.currency = "€".into();
    order.sku = Some("SKU-ß".into());
    order.lines = vec![
        OrderLine {
            sku: "a".into(),
            quantity: u32::MAX,
            unit_price: dec("0.1"),
            discounts: Some(vec![
                Discount {
                    code: "X".into(),
                    percent: Some(-12.5),
                },
                Discount {
                    code: String::new(),
                    percent: Some(1e-120),
                },
                Discount::new("none"),
            ]),
            shipped_on: Some(ymd(1969, 12, 31)),
        },
        OrderLine {
            sku: "b".into(),
            quantity: 0,
            unit_price: dec("-1E-130"),
            discounts: Some(Vec::new()),
            shipped_on: Some(ymd(9999, 12, 31)),
        },
        OrderLine::new("c", dec("3")),
    ];
    order.labels = BTreeMap::from([
        ("😀".to_owned(), vec!["a".to_owned(), String::new()]),
        ("空".to_owned(), Vec::new()),
        ("e\u{301}".to_owned(), vec!["x".to_owned(), "x".to_owned()]),
    ]);
    // DynamoDB allows the empty string inside a string set.
    order.coupon_codes = ["A", "Ü", "🎉", ""].into_iter().map(String::from).collect();
    order.receipt = Some(Vec::new());
    order.line_counts = vec![3, 0, u32::MAX];
    order.purge_at = Some(1_893_456_000);
    let read = save_and_get(&engine, &order).await;
    assert_eq!(read, order);

    let raw = raw_order(&engine, "c-😀", "o-e\u{301}-中").await;
    assert_eq!(raw["state"], s("cancelled"));
    assert_eq!(raw["currency"], s("€"));
    assert_eq!(raw["created_at"], s("1969-07-20T20:17:40.000000001Z"));
    assert_eq!(raw["purge_at"], n("1893456000"));
    match &raw["receipt"] {
        AttributeValue::B(b) => assert!(b.as_ref().is_empty()),
        other => panic!("receipt should be empty B, is {other:?}"),
    }
    match &raw["lines"] {
        AttributeValue::L(lines) => {
            let AttributeValue::M(line) = &lines[0] else {
                panic!("lines[0] should be M");
            };
            assert_eq!(line["shipped_on"], s("1969-12-31"));
            assert!(matches!(&line["discounts"], AttributeValue::L(d) if d.len() == 3));
        }
        other => panic!("lines should be L, is {other:?}"),
    }
    match &raw["labels"] {
        AttributeValue::M(labels) => {
            assert_eq!(labels["空"], AttributeValue::L(Vec::new()));
            assert_eq!(labels["😀"], AttributeValue::L(vec![s("a"), s("")]));
        }
        other => panic!("labels should be M, is {other:?}"),
    }
}

#[tokio::test]
async fn empty_lists_and_maps_are_stored_and_read_back_empty() {
    let (_local, engine) = start_with_tables().await;
    let order = Order::new("c", "empty", at(0, 0), dec("0"));
    assert!(order.lines.is_empty() && order.labels.is_empty() && order.line_counts.is_empty());
    assert_eq!(save_and_get(&engine, &order).await, order);
    let raw = raw_order(&engine, "c", "empty").await;
    assert_eq!(raw["lines"], AttributeValue::L(Vec::new()));
    assert_eq!(raw["line_counts"], AttributeValue::L(Vec::new()));
    assert_eq!(raw["labels"], AttributeValue::M(Default::default()));
    for absent in ["sku", "coupon_codes", "receipt", "purge_at"] {
        assert!(!raw.contains_key(absent), "{absent} stored: {raw:?}");
    }

    let mut p = UserProfile::new(Uuid::from_u128(5), "e@example.com", at(0, 0));
    p.addresses = Some(Vec::new());
    p.settings = json!({}).into();
    p.nicknames = BTreeMap::new();
    assert_eq!(save_and_get(&engine, &p).await, p);
    let raw = raw_user(&engine, p.user_id).await;
    assert_eq!(raw["addresses"], AttributeValue::L(Vec::new()));
    assert_eq!(raw["settings"], AttributeValue::M(Default::default()));
}

#[tokio::test]
async fn json_documents_round_trip() {
    let (_local, engine) = start_with_tables().await;
    let documents = [
        json!({"a": {"b": {"c": [1, [2, [3, []]], {"d": null}]}}}),
        json!([1, "two", 3.5, null, true, false, {}, []]),
        json!("just a string"),
        json!(""),
        json!(-17),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(0.000_001_5),
        json!(true),
        json!({"null": null, "emoji 😀": ["中", "e\u{301}"], "n": -1.25e-50}),
        json!(null),
    ];
    for (i, doc) in documents.iter().enumerate() {
        let mut p = UserProfile::new(Uuid::from_u128(i as u128 + 1), "j@example.com", at(0, 0));
        p.settings = doc.clone().into();
        let read = save_and_get(&engine, &p).await;
        assert_eq!(read.settings, *doc, "document {doc}");
    }
}

#[tokio::test]
async fn enums_round_trip_as_their_stored_values() {
    let (_local, engine) = start_with_tables().await;
    let kinds = [
        (AccountKind::Personal, "personal"),
        (AccountKind::Business, "business"),
        (AccountKind::NonProfit, "non-profit"),
    ];
    let statuses = [Status::Active, Status::Suspended, Status::Banned];
    for (i, ((kind, stored), status)) in kinds.iter().zip(statuses).enumerate() {
        let mut p = UserProfile::new(Uuid::from_u128(i as u128 + 1), "k@example.com", at(0, 0));
        p.r#type = *kind;
        p.status = status;
        assert_eq!(save_and_get(&engine, &p).await, p);
        let raw = raw_user(&engine, p.user_id).await;
        assert_eq!(raw["type"], s(stored));
        assert_eq!(raw["status"], s(status.as_str()));
    }
    for (i, state) in [
        OrderState::Open,
        OrderState::Paid,
        OrderState::Shipped,
        OrderState::Cancelled,
    ]
    .into_iter()
    .enumerate()
    {
        let mut order = Order::new("c", format!("o{i}"), at(0, 0), dec("1"));
        order.state = state;
        assert_eq!(save_and_get(&engine, &order).await, order);
    }
}

#[tokio::test]
async fn rfc3339_datetimes_round_trip_as_fixed_width_text() {
    let (_local, engine) = start_with_tables().await;
    let cases = [
        (
            at(1_709_251_199, 123_456_789),
            "2024-02-29T23:59:59.123456789Z",
        ),
        (at(0, 0), "1970-01-01T00:00:00.000000000Z"),
        (at(-1, 999_999_999), "1969-12-31T23:59:59.999999999Z"),
        (
            Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap(),
            "0001-01-01T00:00:00.000000000Z",
        ),
        (
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap() + chrono_nanos(999_999_999),
            "9999-12-31T23:59:59.999999999Z",
        ),
    ];
    for (i, (t, stored)) in cases.iter().enumerate() {
        let p = UserProfile::new(Uuid::from_u128(i as u128 + 1), "t@example.com", *t);
        assert_eq!(save_and_get(&engine, &p).await, p, "created_at {t}");
        let raw = raw_user(&engine, p.user_id).await;
        assert_eq!(raw["created_at"], s(stored));
    }
}

fn chrono_nanos(nanos: i64) -> flywheel_runtime::chrono::TimeDelta {
    flywheel_runtime::chrono::TimeDelta::nanoseconds(nanos)
}

#[tokio::test]
async fn epoch_datetimes_round_trip_to_the_nanosecond() {
    let (_local, engine) = start_with_tables().await;
    let cases = [
        (at(1_714_566_600, 123_456_789), "1714566600.123456789"),
        (at(1_714_566_600, 0), "1714566600"),
        (at(1_714_566_600, 500_000_000), "1714566600.5"),
        (at(0, 0), "0"),
        (at(0, 1), "0.000000001"),
        (at(-2, 500_000_000), "-1.5"),
        (at(-1, 999_999_999), "-0.000000001"),
        (
            Utc.with_ymd_and_hms(1600, 1, 1, 0, 0, 0).unwrap(),
            "-11676096000",
        ),
    ];
    for (i, (t, stored)) in cases.iter().enumerate() {
        let mut score = GameScore::new("epoch", format!("game {i}"));
        score.top_score_time = Some(*t);
        assert_eq!(
            save_and_get(&engine, &score).await,
            score,
            "top_score_time {t}"
        );
        let raw = raw_score(&engine, "epoch", &format!("game {i}")).await;
        assert_eq!(raw["top_score_time"], n(stored), "top_score_time {t}");
    }
}

#[tokio::test]
async fn epoch_millis_datetimes_truncate_to_the_millisecond() {
    let (_local, engine) = start_with_tables().await;
    let cases = [
        (at(1_714_566_600, 123_456_789), "1714566600123"),
        (at(1_714_566_600, 123_000_000), "1714566600123"),
        (at(0, 999_999), "0"),
        // Before 1970 the stored value counts whole milliseconds down: -0.5 µs is in the
        // millisecond that starts at -1 ms.
        (at(-1, 999_999_500), "-1"),
        (at(-2, 500_000_000), "-1500"),
    ];
    for (i, (t, stored)) in cases.iter().enumerate() {
        let mut p = UserProfile::new(Uuid::from_u128(i as u128 + 1), "m@example.com", at(0, 0));
        p.last_seen = Some(*t);
        let read = save_and_get(&engine, &p).await;
        let millis = t.timestamp_millis();
        let expected = DateTime::from_timestamp_millis(millis).unwrap();
        assert_eq!(read.last_seen, Some(expected), "last_seen {t}");
        assert_eq!(
            read.last_seen.unwrap().timestamp_subsec_nanos() % 1_000_000,
            0,
            "last_seen {t}"
        );
        assert!(read.last_seen.unwrap() <= *t);
        assert!(*t - read.last_seen.unwrap() < chrono_nanos(1_000_000));
        assert_eq!(
            read,
            UserProfile {
                last_seen: Some(expected),
                ..p.clone()
            }
        );
        let raw = raw_user(&engine, p.user_id).await;
        assert_eq!(raw["last_seen"], n(stored), "last_seen {t}");
    }
}

#[tokio::test]
async fn the_ttl_datetime_is_stored_as_whole_epoch_seconds() {
    let (_local, engine) = start_with_tables().await;
    let cases = [
        (at(1_893_456_000, 0), "1893456000", at(1_893_456_000, 0)),
        (
            at(1_893_456_000, 999_999_999),
            "1893456000",
            at(1_893_456_000, 0),
        ),
        (at(-2, 500_000_000), "-2", at(-2, 0)),
    ];
    for (i, (t, stored, back)) in cases.iter().enumerate() {
        let mut p = UserProfile::new(Uuid::from_u128(i as u128 + 1), "ttl@example.com", at(0, 0));
        p.expires_at = Some(*t);
        let read = save_and_get(&engine, &p).await;
        assert_eq!(read.expires_at, Some(*back), "expires_at {t}");
        let raw = raw_user(&engine, p.user_id).await;
        assert_eq!(raw["expires_at"], n(stored), "expires_at {t}");
    }
}

#[tokio::test]
async fn dates_round_trip_in_both_formats() {
    let (_local, engine) = start_with_tables().await;
    let cases = [
        (ymd(2024, 2, 29), "2024-02-29", "1709164800"),
        (ymd(1970, 1, 1), "1970-01-01", "0"),
        (ymd(1969, 7, 20), "1969-07-20", "-14256000"),
        (ymd(1, 1, 1), "0001-01-01", "-62135596800"),
        (ymd(9999, 12, 31), "9999-12-31", "253402214400"),
    ];
    for (i, (d, iso, epoch)) in cases.iter().enumerate() {
        let mut p = UserProfile::new(Uuid::from_u128(i as u128 + 1), "d@example.com", at(0, 0));
        p.birthday = Some(*d);
        p.signup_day = Some(*d);
        assert_eq!(save_and_get(&engine, &p).await, p, "date {d}");
        let raw = raw_user(&engine, p.user_id).await;
        assert_eq!(raw["birthday"], s(iso));
        assert_eq!(raw["signup_day"], n(epoch));
    }
}

#[tokio::test]
async fn game_scores_round_trip_with_unicode_keys() {
    let (_local, engine) = start_with_tables().await;
    let mut score = GameScore::new("игрок-😀", "Cafe\u{301} 東京");
    score.top_score = Some(9001);
    score.top_score_time = Some(at(1_714_566_600, 123_456_789));
    score.wins = 3;
    score.losses = -1;
    assert_eq!(save_and_get(&engine, &score).await, score);
    let raw = raw_score(&engine, "игрок-😀", "Cafe\u{301} 東京").await;
    assert_eq!(raw["top_score_time"], n("1714566600.123456789"));
    assert_eq!(raw["top_score"], n("9001"));

    // Precomposed and decomposed é are different keys: no normalisation happens anywhere.
    let other = GameScore::new("игрок-😀", "Café 東京");
    assert_eq!(save_and_get(&engine, &other).await, other);
    assert_eq!(
        db::read_existing(&engine, score.key()).await.top_score,
        Some(9001)
    );

    let minimal = GameScore::new("u", "t");
    assert_eq!(save_and_get(&engine, &minimal).await, minimal);
    let raw = raw_score(&engine, "u", "t").await;
    assert!(!raw.contains_key("top_score") && !raw.contains_key("top_score_time"));
    assert_eq!(raw["wins"], n("0"));
}

/// A `json` document written by another program keeps every digit of its numbers and every
/// set as a set through a read and a write-back.
#[tokio::test]
async fn json_documents_keep_exact_numbers_and_sets_through_a_write_back() {
    use flywheel_runtime::aws_sdk_dynamodb::primitives::Blob;
    use flywheel_runtime::json::{Number, Value};

    let (_local, engine) = start_with_tables().await;
    let id = Uuid::from_u128(77);
    let map = |entries: Vec<(&str, AttributeValue)>| {
        AttributeValue::M(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    };
    let document = map(vec![
        ("precise", n("0.10000000000000000555111512312578270212")),
        ("huge", n("12345678901234567890123")),
        ("tiny", n("-1E-130")),
        ("largest", n("9.9999999999999999999999999999999999999E+125")),
        (
            "tags",
            AttributeValue::Ss(vec!["red".into(), "blue".into()]),
        ),
        (
            "scores",
            AttributeValue::Ns(vec!["1.5".into(), "12345678901234567890123".into()]),
        ),
        (
            "blobs",
            AttributeValue::Bs(vec![Blob::new(vec![0, 255]), Blob::new(vec![1])]),
        ),
        ("raw", AttributeValue::B(Blob::new(vec![0, 1, 2, 254]))),
        (
            "nested",
            AttributeValue::L(vec![
                map(vec![("set", AttributeValue::Ss(vec!["x".into()]))]),
                AttributeValue::Null(true),
            ]),
        ),
    ]);
    db::raw_put(
        &engine,
        "UserProfiles",
        vec![
            ("user_id", s(&id.to_string())),
            ("email", s("json@example.com")),
            ("created_at", s("2024-05-01T12:30:00.000000000Z")),
            ("settings", document.clone()),
        ],
    )
    .await;
    let mut profile = engine
        .get(generated_example::models::user_profile::UserProfileKey::new(id))
        .await
        .unwrap()
        .unwrap();
    let settings = &profile.settings;
    assert_eq!(
        settings["precise"].as_number().unwrap().to_string(),
        "0.10000000000000000555111512312578270212"
    );
    assert_eq!(
        settings["huge"],
        Value::Number("12345678901234567890123".parse::<Number>().unwrap())
    );
    assert_eq!(
        settings["tags"],
        Value::StringSet(BTreeSet::from(["red".to_owned(), "blue".to_owned()]))
    );
    assert!(matches!(&settings["scores"], Value::NumberSet(s) if s.len() == 2));
    assert!(matches!(&settings["blobs"], Value::BinarySet(s) if s.len() == 2));
    assert_eq!(settings["raw"], Value::Binary(vec![0, 1, 2, 254]));
    assert!(matches!(&settings["nested"][0]["set"], Value::StringSet(_)));

    // Written back by a save of the whole model, after a change elsewhere.
    profile.verified = true;
    engine.save(&profile).await.unwrap();
    let stored = raw_user(&engine, id).await;
    let sorted = |v: &AttributeValue| -> AttributeValue {
        // Sets have no order; compare them sorted.
        fn sort(v: &AttributeValue) -> AttributeValue {
            match v {
                AttributeValue::Ss(s) => {
                    let mut s = s.clone();
                    s.sort();
                    AttributeValue::Ss(s)
                }
                AttributeValue::Ns(s) => {
                    let mut s = s.clone();
                    s.sort();
                    AttributeValue::Ns(s)
                }
                AttributeValue::Bs(s) => {
                    let mut s = s.clone();
                    s.sort_by(|a, b| a.as_ref().cmp(b.as_ref()));
                    AttributeValue::Bs(s)
                }
                AttributeValue::L(l) => AttributeValue::L(l.iter().map(sort).collect()),
                AttributeValue::M(m) => {
                    AttributeValue::M(m.iter().map(|(k, v)| (k.clone(), sort(v))).collect())
                }
                other => other.clone(),
            }
        }
        sort(v)
    };
    // What flywheel writes is the document as it was read, to the digit.
    let written = profile.to_item().unwrap();
    assert_eq!(sorted(&written["settings"]), sorted(&document));
    // What the emulator stores is the same document; it spells some numbers its own way
    // (`-1E-130` with all its zeros), so numbers are compared as numbers.
    fn numbers_as_values(v: &AttributeValue) -> AttributeValue {
        match v {
            AttributeValue::N(n) => AttributeValue::N(n.parse::<Number>().unwrap().to_string()),
            AttributeValue::L(l) => AttributeValue::L(l.iter().map(numbers_as_values).collect()),
            AttributeValue::M(m) => AttributeValue::M(
                m.iter()
                    .map(|(k, v)| (k.clone(), numbers_as_values(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    assert_eq!(
        numbers_as_values(&sorted(&stored["settings"])),
        sorted(&document)
    );
    assert_eq!(stored["verified"], AttributeValue::Bool(true));
}
