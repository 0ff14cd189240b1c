//! Items written in the wrong shape by someone else are reported, not guessed at: `get` returns
//! `Error::Decode` naming table, key, attribute path, expected and found type. Values that
//! DynamoDB cannot hold are refused before anything is sent.

use crate::harness::db;

use db::{m, n, raw_get, raw_put, s, start_with_tables, table};
use flywheel_runtime::chrono::DateTime;
use flywheel_runtime::serde_json::json;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{AttributeValue, Decimal, DecodeError, EncodeError, Engine, Error, Model};
use generated_example::models::game_score::{GameScore, GameScoreKey};
use generated_example::models::order::{Order, OrderKey, OrderLine};
use generated_example::models::user_profile::{Address, GeoPoint, UserProfile, UserProfileKey};
use std::fmt::Debug;

const ID: Uuid = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
const ID_TEXT: &str = "01234567-89ab-cdef-0123-456789abcdef";
const USER_KEY: &str = "{user_id = S \"01234567-89ab-cdef-0123-456789abcdef\"}";

/// The attributes of a valid profile, to be spoiled one at a time.
fn valid_profile() -> Vec<(&'static str, AttributeValue)> {
    vec![
        ("user_id", s(ID_TEXT)),
        ("email", s("a@example.com")),
        ("created_at", s("2024-05-01T12:30:00.000000000Z")),
    ]
}

/// `valid_profile` with `name` replaced (or added).
fn profile_with(name: &'static str, value: AttributeValue) -> Vec<(&'static str, AttributeValue)> {
    let mut item: Vec<_> = valid_profile()
        .into_iter()
        .filter(|(k, _)| *k != name)
        .collect();
    item.push((name, value));
    item
}

fn profile_without(name: &str) -> Vec<(&'static str, AttributeValue)> {
    valid_profile()
        .into_iter()
        .filter(|(k, _)| *k != name)
        .collect()
}

/// The decode error of `result`; panics on anything else.
fn decode_error<T: Debug>(result: flywheel_runtime::Result<T>) -> DecodeError {
    match result {
        Err(Error::Decode(e)) => e,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

/// The encode error of `result`, the outcome of `what`; panics on anything else.
fn encode_error<T: Debug>(what: &str, result: flywheel_runtime::Result<T>) -> EncodeError {
    match result {
        Err(Error::Encode(e)) => e,
        other => panic!("{what}: expected an encode error, got {other:?}"),
    }
}

async fn get_profile_error(engine: &Engine) -> DecodeError {
    decode_error(engine.get(UserProfileKey::new(ID)).consistent().await)
}

/// Stores the valid profile with `name` set to `value` (see [`profile_with`]) and returns the
/// error of reading it back.
async fn spoiled_profile_error(
    engine: &Engine,
    name: &'static str,
    value: AttributeValue,
) -> DecodeError {
    raw_put(engine, "UserProfiles", profile_with(name, value)).await;
    get_profile_error(engine).await
}

/// [`assert_decode_error`] for the profile of [`valid_profile`], in `engine`'s table.
fn assert_profile_decode_error(
    engine: &Engine,
    e: &DecodeError,
    attribute: &str,
    expected: &str,
    found: &str,
) {
    let table = table(engine, "UserProfiles");
    assert_decode_error(e, &table, USER_KEY, attribute, expected, found);
}

/// Stores the score of user `u` on title `t` with the raw client: its key and `attribute`.
async fn put_score_u_t(engine: &Engine, attribute: (&'static str, AttributeValue)) {
    let item = vec![("userid", s("u")), ("title", s("t")), attribute];
    raw_put(engine, "GameScores", item).await;
}

/// Stores order `o` of customer `c` with the raw client: its required attributes and
/// `attribute`.
async fn put_order_c_o(engine: &Engine, attribute: (&'static str, AttributeValue)) {
    let mut item = vec![
        ("customer_id", s("c")),
        ("order_id", s("o")),
        ("created_at", s("2024-05-01T12:30:00.000000000Z")),
        ("total", n("1")),
    ];
    item.push(attribute);
    raw_put(engine, "Orders", item).await;
}

/// Checks every field of `e` and that its message names table, key and attribute.
fn assert_decode_error(
    e: &DecodeError,
    table: &str,
    key: &str,
    attribute: &str,
    expected: &str,
    found: &str,
) {
    assert_eq!(e.table, table, "table of {e:?}");
    assert_eq!(e.key, key, "key of {e:?}");
    assert_eq!(e.attribute, attribute, "attribute of {e:?}");
    assert_eq!(e.expected, expected, "expected of {e:?}");
    assert_eq!(e.found, found, "found of {e:?}");
    let message = e.to_string();
    assert!(message.contains(&format!("table {table}")), "{message}");
    assert!(message.contains(&format!("item {key}")), "{message}");
    assert!(message.contains(&format!("`{attribute}`")), "{message}");
    assert!(message.contains(expected), "{message}");
    assert!(message.contains(found), "{message}");
    // Wrapped in the crate's error, the message is the same.
    assert_eq!(Error::Decode(e.clone()).to_string(), message);
}

#[tokio::test]
async fn the_valid_base_item_decodes() {
    let (_local, engine) = start_with_tables().await;
    raw_put(&engine, "UserProfiles", valid_profile()).await;
    let read = db::read_existing(&engine, UserProfileKey::new(ID)).await;
    assert_eq!(read.email, "a@example.com");
}

#[tokio::test]
async fn a_string_where_an_int_is_expected() {
    let (_local, engine) = start_with_tables().await;
    let e = spoiled_profile_error(&engine, "version", s("7")).await;
    assert_profile_decode_error(
        &engine,
        &e,
        "version",
        "a number (N) within the range of i64",
        "S \"7\"",
    );
    assert_eq!(
        e.to_string(),
        format!(
            "item {USER_KEY} of table {} does not match the schema: attribute `version` should be \
             a number (N) within the range of i64, but is S \"7\"; fix the stored item or the \
             schema",
            table(&engine, "UserProfiles")
        )
    );
}

#[tokio::test]
async fn numbers_out_of_range_for_u32_i32_u64_and_i64() {
    let (_local, engine) = start_with_tables().await;
    let cases = [
        ("age", "4294967296", "u32"),
        ("age", "-1", "u32"),
        ("timezone_offset", "2147483648", "i32"),
        ("timezone_offset", "-2147483649", "i32"),
        ("login_count", "18446744073709551616", "u64"),
        ("login_count", "-1", "u64"),
        ("version", "9223372036854775808", "i64"),
        ("version", "-9223372036854775809", "i64"),
    ];
    for (attribute, number, ty) in cases {
        let e = spoiled_profile_error(&engine, attribute, n(number)).await;
        assert_profile_decode_error(
            &engine,
            &e,
            attribute,
            &format!("a number (N) within the range of {ty}"),
            &format!("N {number}"),
        );
    }
    // The same numbers written in exponent notation are no way around the check.
    let e = spoiled_profile_error(&engine, "age", n("4.294967296E+9")).await;
    assert_eq!(e.attribute, "age");
}

#[tokio::test]
async fn a_fractional_number_for_an_int() {
    let (_local, engine) = start_with_tables().await;
    for (attribute, number, ty) in [
        ("login_count", "1.5", "u64"),
        ("version", "-0.000001", "i64"),
        ("age", "1E-5", "u32"),
    ] {
        let e = spoiled_profile_error(&engine, attribute, n(number)).await;
        assert_eq!(e.attribute, attribute);
        assert_eq!(e.expected, format!("a number (N) within the range of {ty}"));
        assert!(e.found.starts_with("N "), "{e:?}");
    }

    put_score_u_t(&engine, ("top_score", n("12.5"))).await;
    assert_decode_error(
        &decode_error(engine.get(GameScoreKey::new("u", "t")).await),
        &table(&engine, "GameScores"),
        "{userid = S \"u\", title = S \"t\"}",
        "top_score",
        "a number (N) within the range of i64",
        "N 12.5",
    );

    // An integral number in another spelling is read, not refused.
    put_score_u_t(&engine, ("top_score", n("1.0E+3"))).await;
    let score: GameScore = db::read_existing(&engine, GameScoreKey::new("u", "t")).await;
    assert_eq!(score.top_score, Some(1000));
}

#[tokio::test]
async fn an_unknown_enum_value() {
    let (_local, engine) = start_with_tables().await;
    let e = spoiled_profile_error(&engine, "status", s("deleted")).await;
    assert_profile_decode_error(
        &engine,
        &e,
        "status",
        "one of active, suspended, banned (S)",
        "S \"deleted\"",
    );

    // The Rust name of a variant is not its stored value.
    let e = spoiled_profile_error(&engine, "type", s("NonProfit")).await;
    assert_profile_decode_error(
        &engine,
        &e,
        "type",
        "one of personal, business, non-profit (S)",
        "S \"NonProfit\"",
    );

    // An enum value of the wrong type.
    let e = spoiled_profile_error(&engine, "status", n("1")).await;
    assert_eq!(e.attribute, "status");
    assert_eq!(e.found, "N 1");
}

#[tokio::test]
async fn a_missing_required_field() {
    let (_local, engine) = start_with_tables().await;
    for attribute in ["email", "created_at"] {
        raw_put(&engine, "UserProfiles", profile_without(attribute)).await;
        let e = get_profile_error(&engine).await;
        assert_profile_decode_error(
            &engine,
            &e,
            attribute,
            "present (the field is required)",
            "no such attribute",
        );
    }
    // NULL is no value for a required field either. (`email` is the ByEmail index key, so
    // DynamoDB itself refuses a NULL there; `created_at` is not an index key of this table.)
    let e = spoiled_profile_error(&engine, "created_at", AttributeValue::Null(true)).await;
    assert_profile_decode_error(
        &engine,
        &e,
        "created_at",
        "a UTC timestamp as YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ (S), as flywheel writes it",
        "NULL",
    );
}

#[tokio::test]
async fn a_wrong_type_inside_a_list_of_nested_documents() {
    let (_local, engine) = start_with_tables().await;
    let addresses = AttributeValue::L(vec![
        m(vec![("city", s("Paris"))]),
        m(vec![("city", n("42")), ("street", s("Rue"))]),
    ]);
    let e = spoiled_profile_error(&engine, "addresses", addresses).await;
    assert_profile_decode_error(&engine, &e, "addresses[1].city", "a string (S)", "N 42");

    // A required field missing two levels down.
    let home = m(vec![
        ("city", s("Oslo")),
        ("location", m(vec![("lat", n("59.9"))])),
    ]);
    let e = spoiled_profile_error(&engine, "home", home).await;
    assert_profile_decode_error(
        &engine,
        &e,
        "home.location.lon",
        "present (the field is required)",
        "no such attribute",
    );

    // A list element that is not a map at all.
    let addresses = AttributeValue::L(vec![m(vec![("city", s("Paris"))]), s("Berlin")]);
    let e = spoiled_profile_error(&engine, "addresses", addresses).await;
    assert_profile_decode_error(
        &engine,
        &e,
        "addresses[1]",
        "a map (M) holding a Address",
        "S \"Berlin\"",
    );

    // Three levels: a list of documents holding a list of documents.
    let lines = AttributeValue::L(vec![m(vec![
        ("sku", s("a")),
        ("unit_price", n("1")),
        (
            "discounts",
            AttributeValue::L(vec![
                m(vec![("code", s("X"))]),
                m(vec![("code", s("Y")), ("percent", s("ten"))]),
            ]),
        ),
    ])]);
    put_order_c_o(&engine, ("lines", lines)).await;
    assert_decode_error(
        &decode_error(engine.get(OrderKey::new("c", "o")).await),
        &table(&engine, "Orders"),
        "{customer_id = S \"c\", order_id = S \"o\"}",
        "lines[0].discounts[1].percent",
        "a number (N)",
        "S \"ten\"",
    );

    // A wrong element inside a map of lists.
    let labels = m(vec![("colour", AttributeValue::L(vec![s("red"), n("3")]))]);
    put_order_c_o(&engine, ("labels", labels)).await;
    let e = decode_error(engine.get(OrderKey::new("c", "o")).await);
    assert_eq!(e.attribute, "labels.colour[1]");
    assert_eq!(e.expected, "a string (S)");
    assert_eq!(e.found, "N 3");
}

#[tokio::test]
async fn a_malformed_uuid() {
    // The only uuid attribute is the hash key, which `get` cannot ask for with a malformed
    // value, so the stored item is read with the raw client and decoded by the model.
    let (_local, engine) = start_with_tables().await;
    raw_put(
        &engine,
        "UserProfiles",
        profile_with("user_id", s("not-a-uuid")),
    )
    .await;
    let item = raw_get(&engine, "UserProfiles", &[("user_id", s("not-a-uuid"))])
        .await
        .expect("stored");
    // Decoded outside an engine, the error names the schema's table.
    let e = UserProfile::from_item(item).expect_err("a malformed uuid is refused");
    assert_decode_error(
        &e,
        "UserProfiles",
        "{user_id = S \"not-a-uuid\"}",
        "user_id",
        "a UUID in lower-case hyphenated form (S), as flywheel writes it",
        "S \"not-a-uuid\"",
    );
}

#[tokio::test]
async fn malformed_dates_and_datetimes() {
    let (_local, engine) = start_with_tables().await;
    let cases = [
        (
            "birthday",
            s("2024-02-30"),
            "a date as YYYY-MM-DD (S)",
            "S \"2024-02-30\"",
        ),
        (
            "birthday",
            s("20240501"),
            "a date as YYYY-MM-DD (S)",
            "S \"20240501\"",
        ),
        (
            "birthday",
            n("19700101"),
            "a date as YYYY-MM-DD (S)",
            "N 19700101",
        ),
        (
            "signup_day",
            s("2024-05-01"),
            "a number of seconds since 1970 (N)",
            "S \"2024-05-01\"",
        ),
        (
            "created_at",
            s("yesterday"),
            "a UTC timestamp as YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ (S), as flywheel writes it",
            "S \"yesterday\"",
        ),
        (
            "last_seen",
            s("1714566600123"),
            "a number of milliseconds since 1970 (N)",
            "S \"1714566600123\"",
        ),
        (
            "expires_at",
            n("1E+100"),
            "a number of seconds since 1970 (N)",
            "N 1E+100",
        ),
    ];
    for (attribute, value, expected, found) in cases {
        let e = spoiled_profile_error(&engine, attribute, value).await;
        // DynamoDB returns numbers in its own spelling: 1E+100 comes back as 1 and 100 zeros.
        let plain = format!("N 1{}", "0".repeat(100));
        let found = if found == "N 1E+100" && e.found == plain {
            plain.as_str()
        } else {
            found
        };
        assert_profile_decode_error(&engine, &e, attribute, expected, found);
    }
}

#[tokio::test]
async fn decode_errors_name_the_namespaced_table() {
    let local = db::TestDb::start();
    let engine = local.engine();
    let engine = engine
        .clone()
        .with_namespace(format!("{}test-", engine.namespace()));
    engine
        .create_schema(generated_example::models::TABLES)
        .await
        .unwrap();
    let e = spoiled_profile_error(&engine, "age", s("old")).await;
    assert!(e.table.ends_with("-test-UserProfiles"), "{e:?}");
    assert_profile_decode_error(
        &engine,
        &e,
        "age",
        "a number (N) within the range of u32",
        "S \"old\"",
    );
}

// ---------------------------------------------------------------------------------------------
// Encode errors
// ---------------------------------------------------------------------------------------------

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn profile() -> UserProfile {
    UserProfile::new(ID, "a@example.com", DateTime::from_timestamp(0, 0).unwrap())
}

/// A change that makes a profile impossible to store.
type Spoil = Box<dyn Fn(&mut UserProfile)>;

async fn nothing_stored(engine: &Engine) -> bool {
    db::raw_profile(engine, ID).await.is_none()
}

#[tokio::test]
async fn floats_dynamodb_cannot_hold_are_refused_and_nothing_is_written() {
    let (_local, engine) = start_with_tables().await;
    let cases: Vec<(&str, Spoil, &str)> = vec![
        ("rating", Box::new(|p| p.rating = Some(f64::NAN)), "NaN"),
        (
            "rating",
            Box::new(|p| p.rating = Some(f64::NEG_INFINITY)),
            "-inf",
        ),
        (
            "rating",
            Box::new(|p| p.rating = Some(1e300)),
            "outside the range",
        ),
        (
            "rating",
            Box::new(|p| p.rating = Some(f64::MIN_POSITIVE)),
            "outside the range",
        ),
        (
            "home.location.lat",
            Box::new(|p| {
                p.home = Some(Address {
                    location: Some(GeoPoint::new(f64::NAN, 0.0)),
                    ..Address::new("x")
                })
            }),
            "NaN",
        ),
        (
            "addresses[1].location.lon",
            Box::new(|p| {
                p.addresses = Some(vec![
                    Address::new("a"),
                    Address {
                        location: Some(GeoPoint::new(0.0, f64::INFINITY)),
                        ..Address::new("b")
                    },
                ])
            }),
            "inf",
        ),
    ];
    for (attribute, spoil, reason) in cases {
        let mut p = profile();
        spoil(&mut p);
        let e = encode_error(attribute, engine.save(&p).await);
        assert_eq!(e.table, table(&engine, "UserProfiles"));
        assert_eq!(e.attribute, attribute);
        assert!(e.reason.contains(reason), "{e:?}");
        let message = e.to_string();
        assert!(message.contains(&format!("`{attribute}`")), "{message}");
        assert!(message.contains(&e.table), "{message}");
        assert!(
            nothing_stored(&engine).await,
            "{attribute}: something was written"
        );
    }

    // The same applies to a create-only save.
    let mut p = profile();
    p.rating = Some(f64::NAN);
    assert!(matches!(
        engine.save(&p).create_only().await,
        Err(Error::Encode(_))
    ));
    assert!(nothing_stored(&engine).await);
}

#[tokio::test]
async fn decimals_with_39_digits_are_refused_and_nothing_is_written() {
    let (_local, engine) = start_with_tables().await;
    let too_long = "123456789012345678901234567890123456789";
    let mut p = profile();
    p.balance = dec(too_long);
    let e = encode_error("the save", engine.save(&p).await);
    assert_eq!(e.table, table(&engine, "UserProfiles"));
    assert_eq!(e.attribute, "balance");
    assert!(e.reason.contains("39 significant digits"), "{e:?}");
    assert!(e.to_string().contains("`balance`"));
    assert!(nothing_stored(&engine).await);

    // 38 digits plus trailing zeros are fine: only significant digits count.
    p.balance = dec("12345678901234567890123456789012345678000");
    engine.save(&p).await.unwrap();

    // Nested in a list of documents, and the existing item is left as it was.
    let mut order = Order::new("c", "o", DateTime::from_timestamp(0, 0).unwrap(), dec("1"));
    engine.save(&order).await.unwrap();
    let stored_before = db::raw_order(&engine, "c", "o").await;
    order.total = dec("2");
    order.lines = vec![
        OrderLine::new("a", dec("1")),
        OrderLine::new("b", dec("-0.123456789012345678901234567890123456789")),
    ];
    let e = encode_error("the save", engine.save(&order).await);
    assert_eq!(e.table, table(&engine, "Orders"));
    assert_eq!(e.attribute, "lines[1].unit_price");
    let stored_after = db::raw_order(&engine, "c", "o").await;
    assert_eq!(stored_after, stored_before);

    // Out of DynamoDB's range, whatever the digits.
    order.lines.clear();
    order.total = dec("1E+126");
    let e = encode_error("the save", engine.save(&order).await);
    assert_eq!(e.attribute, "total");
    order.total = dec("-1E-131");
    let e = encode_error("the save", engine.save(&order).await);
    assert_eq!(e.attribute, "total");
}

#[tokio::test]
async fn encode_errors_name_the_namespaced_table() {
    let local = db::TestDb::start();
    let engine = local.engine();
    let engine = engine
        .clone()
        .with_namespace(format!("{}test-", engine.namespace()));
    let mut p = profile();
    p.rating = Some(f64::NAN);
    let e = encode_error("the save", engine.save(&p).await);
    assert!(e.table.ends_with("-test-UserProfiles"), "{e:?}");
    assert_eq!(e.table, table(&engine, "UserProfiles"));
    assert!(e.to_string().contains(&e.table));
}

#[tokio::test]
async fn json_numbers_dynamodb_cannot_hold_are_refused_and_nothing_is_written() {
    let (_local, engine) = start_with_tables().await;
    for (document, attribute) in [
        (json!({"a": {"b": [1, 1e300]}}), "settings.a.b[1]"),
        (json!([5e-324]), "settings[0]"),
        (json!(-1e126), "settings"),
    ] {
        let mut p = profile();
        p.settings = document.into();
        let e = encode_error(attribute, engine.save(&p).await);
        assert_eq!(e.table, table(&engine, "UserProfiles"));
        assert_eq!(e.attribute, attribute);
        assert!(e.reason.contains("outside the range"), "{e:?}");
        assert!(nothing_stored(&engine).await);
    }
}

#[tokio::test]
async fn empty_map_keys_are_refused_and_nothing_is_written() {
    // DynamoDB refuses an empty attribute name anywhere, map keys at any depth included.
    let (_local, engine) = start_with_tables().await;
    let mut p = profile();
    p.nicknames.insert(String::new(), "nobody".into());
    let e = encode_error("the save", engine.save(&p).await);
    assert_eq!(e.attribute, "nicknames");
    assert!(e.reason.contains("empty"), "{e:?}");
    assert!(nothing_stored(&engine).await);

    let mut p = profile();
    p.settings = json!({"ok": {"": 1}}).into();
    let e = encode_error("the save", engine.save(&p).await);
    assert_eq!(e.attribute, "settings.ok");
    assert!(e.reason.contains("empty"), "{e:?}");
    assert!(nothing_stored(&engine).await);
}
