//! Every filter operator, alone and combined, on realistic data in the emulator: each case runs
//! a typed scan or query and compares the exact items returned with the same predicate
//! computed in Rust over the inserted items.

use crate::harness::data;
use crate::harness::db;

use data::{dec, order_created, orders, profiles, scores, t, ymd};
use flywheel_runtime::chrono::DateTime;
use flywheel_runtime::expr::AttributeType;
use flywheel_runtime::serde_json::json;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{Cond, Engine};
use generated_example::models::order::{Discount, OrderLine, OrderState};
use generated_example::models::user_profile::{AccountKind, Address, GeoPoint, Status};
use generated_example::models::{GameScore, Order, UserProfile};

/// Scans the profiles with `cond` (in pages of 7, so filters meet paging) and checks that
/// exactly the profiles for which `expect` holds come back. The case must select some
/// profiles but not all, so that it tells something.
async fn check_profiles<S>(
    engine: &Engine,
    all: &[UserProfile],
    what: &str,
    cond: Cond<UserProfile, S>,
    expect: impl Fn(&UserProfile) -> bool,
) {
    let mut got = UserProfile::scan()
        .filter(cond)
        .page_size(7)
        .all(engine)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    got.sort_by_key(|p| p.user_id);
    let mut want: Vec<UserProfile> = all.iter().filter(|p| expect(p)).cloned().collect();
    want.sort_by_key(|p| p.user_id);
    let ids = |v: &[UserProfile]| {
        v.iter()
            .map(|p| p.user_id.as_u128() - 0x1000)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&got), ids(&want), "{what}");
    assert_eq!(got, want, "{what}: the items come back whole");
    data::assert_selects_some_not_all(what, want.len(), all.len());
}

macro_rules! profiles_where {
    ($engine:expr, $all:expr, $cond:expr => $expect:expr) => {
        check_profiles($engine, $all, stringify!($cond), $cond, $expect).await
    };
}

async fn loaded_profiles() -> (db::TestDb, Engine, Vec<UserProfile>) {
    let all = profiles();
    let (local, engine) = data::start_with(&all).await;
    (local, engine, all)
}

#[tokio::test]
async fn comparisons_on_every_scalar_type() {
    let (_local, engine, all) = loaded_profiles().await;
    let e = &engine;
    let all = &all[..];

    // Strings and enums.
    profiles_where!(e, all,
        UserProfile::EMAIL.eq("user7@example.org")
        => |p| p.email == "user7@example.org");
    profiles_where!(e, all,
        UserProfile::STATUS.eq(Status::Suspended)
        => |p| p.status == Status::Suspended);
    profiles_where!(e, all,
        UserProfile::STATUS.ne(Status::Banned)
        => |p| p.status != Status::Banned);
    // Enums are ordered by their stored strings ("active" < "banned" < "suspended"), not by
    // declaration order.
    profiles_where!(e, all,
        UserProfile::STATUS.gt(Status::Banned)
        => |p| p.status.as_str() > "banned");
    profiles_where!(e, all,
        UserProfile::TYPE.in_([AccountKind::Business, AccountKind::NonProfit])
        => |p| p.r#type != AccountKind::Personal);
    profiles_where!(e, all,
        UserProfile::DISPLAY_NAME.eq("Zoë")
        => |p| p.display_name.as_deref() == Some("Zoë"));
    // `<>` holds for an absent attribute too.
    profiles_where!(e, all,
        UserProfile::DISPLAY_NAME.ne("Ada")
        => |p| p.display_name.as_deref() != Some("Ada"));
    profiles_where!(e, all,
        UserProfile::DISPLAY_NAME.lt("Adam")
        => |p| p.display_name.as_deref().is_some_and(|d| d < "Adam"));
    profiles_where!(e, all,
        UserProfile::DISPLAY_NAME.between("Adam", "Chen")
        => |p| p.display_name.as_deref().is_some_and(|d| ("Adam"..="Chen").contains(&d)));

    // Unsigned, signed and big integers.
    profiles_where!(e, all, UserProfile::AGE.lt(30) => |p| p.age.is_some_and(|a| a < 30));
    profiles_where!(e, all, UserProfile::AGE.le(32) => |p| p.age.is_some_and(|a| a <= 32));
    profiles_where!(e, all, UserProfile::AGE.gt(46) => |p| p.age.is_some_and(|a| a > 46));
    profiles_where!(e, all, UserProfile::AGE.ge(46) => |p| p.age.is_some_and(|a| a >= 46));
    profiles_where!(e, all,
        UserProfile::AGE.between(25, 46)
        => |p| p.age.is_some_and(|a| (25..=46).contains(&a)));
    profiles_where!(e, all,
        UserProfile::AGE.in_([25, 32, 46, 99])
        => |p| p.age.is_some_and(|a| [25, 32, 46].contains(&a)));
    profiles_where!(e, all, UserProfile::AGE.ne(25) => |p| p.age != Some(25));
    profiles_where!(e, all,
        UserProfile::TIMEZONE_OFFSET.lt(0)
        => |p| p.timezone_offset.is_some_and(|o| o < 0));
    profiles_where!(e, all, UserProfile::LOGIN_COUNT.ge(1000) => |p| p.login_count >= 1000);
    // Beyond f64 precision: only exact decimal comparison tells these apart.
    profiles_where!(e, all,
        UserProfile::LOGIN_COUNT.gt(u64::MAX - 2)
        => |p| p.login_count > u64::MAX - 2);

    // Decimals and floats.
    profiles_where!(e, all, UserProfile::BALANCE.gt(dec("0")) => |p| p.balance > dec("0"));
    profiles_where!(e, all,
        UserProfile::BALANCE.between(dec("-100.50"), dec("500"))
        => |p| p.balance >= dec("-100.50") && p.balance <= dec("500"));
    profiles_where!(e, all, UserProfile::RATING.ge(5.0) => |p| p.rating.is_some_and(|r| r >= 5.0));
    profiles_where!(e, all,
        UserProfile::RATING.between(1.0, 3.5)
        => |p| p.rating.is_some_and(|r| (1.0..=3.5).contains(&r)));

    // Booleans, uuids, dates and times in every format.
    profiles_where!(e, all, UserProfile::VERIFIED.eq(true) => |p| p.verified);
    profiles_where!(e, all,
        UserProfile::USER_ID.eq(Uuid::from_u128(0x1005))
        => |p| p.user_id == Uuid::from_u128(0x1005));
    profiles_where!(e, all,
        UserProfile::USER_ID.in_([ Uuid::from_u128(0x1001), Uuid::from_u128(0x1003), Uuid::nil() ])
        => |p| [0x1001, 0x1003].contains(&p.user_id.as_u128()));
    let seen = DateTime::from_timestamp_millis(1_700_000_000_000 + 20 * 123_457).unwrap();
    profiles_where!(e, all,
        UserProfile::LAST_SEEN.gt(seen)
        => |p| p.last_seen.is_some_and(|s| s > seen));
    let (from, to) = (all[10].created_at, all[20].created_at);
    profiles_where!(e, all,
        UserProfile::CREATED_AT.between(from, to)
        => |p| p.created_at >= from && p.created_at <= to);
    profiles_where!(e, all,
        UserProfile::EXPIRES_AT.lt(t(1_900_000_020))
        => |p| p.expires_at.is_some_and(|x| x < t(1_900_000_020)));
    profiles_where!(e, all,
        UserProfile::BIRTHDAY.lt(ymd(1980, 1, 1))
        => |p| p.birthday.is_some_and(|b| b < ymd(1980, 1, 1)));
    profiles_where!(e, all,
        UserProfile::SIGNUP_DAY.ge(ymd(2020, 1, 1))
        => |p| p.signup_day.is_some_and(|d| d >= ymd(2020, 1, 1)));
}

#[tokio::test]
async fn functions_prefixes_contents_presence_sizes_and_types() {
    let (_local, engine, all) = loaded_profiles().await;
    let e = &engine;
    let all = &all[..];

    // begins_with on strings and binary data.
    profiles_where!(e, all,
        UserProfile::DISPLAY_NAME.begins_with("Ad")
        => |p| p.display_name.as_deref().is_some_and(|d| d.starts_with("Ad")));
    profiles_where!(e, all,
        UserProfile::AVATAR.begins_with(vec![1u8, 2])
        => |p| p.avatar.as_ref().is_some_and(|a| a.starts_with(&[1, 2])));
    profiles_where!(e, all,
        UserProfile::AVATAR.begins_with(&[2u8, 2, 3, 7][..])
        => |p| p.avatar.as_ref().is_some_and(|a| a.starts_with(&[2, 2, 3, 7])));

    // contains: a substring, an element of a string set, of a number set.
    profiles_where!(e, all,
        UserProfile::EMAIL.contains("@example.")
        => |p| p.email.contains("@example."));
    profiles_where!(e, all,
        UserProfile::EMAIL.contains("mail.t")
        => |p| p.email.contains("mail.t"));
    profiles_where!(e, all, UserProfile::TAGS.contains("vip") => |p| p.tags.contains("vip"));
    profiles_where!(e, all, UserProfile::TAGS.contains("😀") => |p| p.tags.contains("😀"));
    profiles_where!(e, all,
        UserProfile::LUCKY_NUMBERS.contains(7)
        => |p| p.lucky_numbers.contains(&7));

    // Presence; an empty set is stored as absent.
    profiles_where!(e, all, UserProfile::DISPLAY_NAME.exists() => |p| p.display_name.is_some());
    profiles_where!(e, all, UserProfile::HOME.not_exists() => |p| p.home.is_none());
    profiles_where!(e, all, UserProfile::TAGS.not_exists() => |p| p.tags.is_empty());
    profiles_where!(e, all, UserProfile::ADDRESSES.exists() => |p| p.addresses.is_some());

    // Sizes of strings, binary data, sets, lists, maps and JSON objects.
    profiles_where!(e, all, UserProfile::EMAIL.size().lt(18) => |p| p.email.len() < 18);
    profiles_where!(e, all, UserProfile::EMAIL.size().ne(18) => |p| p.email.len() != 18);
    profiles_where!(e, all,
        UserProfile::AVATAR.size().between(5, 6)
        => |p| p.avatar.as_ref().is_some_and(|a| (5..=6).contains(&a.len())));
    profiles_where!(e, all, UserProfile::TAGS.size().ge(3) => |p| p.tags.len() >= 3);
    profiles_where!(e, all,
        UserProfile::ADDRESSES.size().eq(0)
        => |p| p.addresses.as_ref().is_some_and(Vec::is_empty));
    profiles_where!(e, all,
        UserProfile::ADDRESSES.size().gt(1)
        => |p| p.addresses.as_ref().is_some_and(|a| a.len() > 1));
    profiles_where!(e, all, UserProfile::NICKNAMES.size().le(1) => |p| p.nicknames.len() <= 1);
    profiles_where!(e, all,
        UserProfile::SETTINGS.size().eq(3)
        => |p| p.settings.as_map().unwrap().len() == 3);

    // attribute_type.
    profiles_where!(e, all,
        UserProfile::SETTINGS.key("font_size").attribute_type(AttributeType::N)
        => |p| p.settings["font_size"].as_number().is_some());
    profiles_where!(e, all,
        UserProfile::SETTINGS.key("font_size").attribute_type(AttributeType::S)
        => |p| p.settings["font_size"].as_str().is_some());
    profiles_where!(e, all,
        UserProfile::SETTINGS.key("extra").attribute_type(AttributeType::Null)
        => |p| p.settings.get("extra").is_some_and(|x| x.is_null()));
    profiles_where!(e, all,
        UserProfile::SETTINGS.key("colors").attribute_type(AttributeType::L)
        => |p| p.settings.get("colors").is_some());
    profiles_where!(e, all,
        UserProfile::TAGS.attribute_type(AttributeType::Ss)
        => |p| !p.tags.is_empty());
    profiles_where!(e, all,
        UserProfile::AVATAR.attribute_type(AttributeType::B)
        => |p| p.avatar.is_some());
    profiles_where!(e, all,
        UserProfile::HOME.attribute_type(AttributeType::M)
        => |p| p.home.is_some());
    profiles_where!(e, all,
        UserProfile::RATING.attribute_type(AttributeType::N)
        => |p| p.rating.is_some());
    profiles_where!(e, all,
        UserProfile::ADDRESSES.attribute_type(AttributeType::L)
        => |p| p.addresses.is_some());
}

#[tokio::test]
async fn nested_paths_into_documents_lists_maps_and_json() {
    let (_local, engine, all) = loaded_profiles().await;
    let e = &engine;
    let all = &all[..];
    let city = |p: &UserProfile| p.home.as_ref().map(|h| h.city.clone());
    let address = |p: &UserProfile, i: usize| p.addresses.as_ref().and_then(|a| a.get(i).cloned());

    profiles_where!(e, all,
        UserProfile::HOME.field(Address::CITY).eq("Paris")
        => |p| city(p).as_deref() == Some("Paris"));
    profiles_where!(e, all,
        UserProfile::HOME.field(Address::CITY).begins_with("L")
        => |p| city(p).is_some_and(|c| c.starts_with('L')));
    profiles_where!(e, all,
        UserProfile::HOME.field(Address::CITY).in_(["東京", "Lisbon"])
        => |p| matches!(city(p).as_deref(), Some("東京" | "Lisbon")));
    profiles_where!(e, all,
        UserProfile::HOME.field(Address::POSTCODE).exists()
        => |p| p.home.as_ref().is_some_and(|h| h.postcode.is_some()));
    profiles_where!(e, all,
        UserProfile::HOME.field(Address::STREET).not_exists()
        => |p| p.home.as_ref().is_none_or(|h| h.street.is_none()));
    profiles_where!(e, all,
        UserProfile::HOME.field(Address::LOCATION).field(GeoPoint::LAT).gt(50.0)
        => |p| p.home.as_ref().and_then(|h| h.location.as_ref()).is_some_and(|l| l.lat > 50.0));
    let whole = all[4].home.clone().unwrap();
    profiles_where!(e, all,
        UserProfile::HOME.eq(whole.clone())
        => |p| p.home.as_ref() == Some(&whole));

    profiles_where!(e, all,
        UserProfile::ADDRESSES.index(1).field(Address::CITY).begins_with("L")
        => |p| address(p, 1).is_some_and(|a| a.city.starts_with('L')));
    profiles_where!(e, all,
        UserProfile::ADDRESSES.index(0).field(Address::POSTCODE).exists()
        => |p| address(p, 0).is_some_and(|a| a.postcode.is_some()));
    profiles_where!(e, all,
        UserProfile::ADDRESSES.index(2).exists()
        => |p| address(p, 2).is_some());

    profiles_where!(e, all,
        UserProfile::NICKNAMES.entry("en").eq("Ada")
        => |p| p.nicknames.get("en").is_some_and(|n| n == "Ada"));
    profiles_where!(e, all,
        UserProfile::NICKNAMES.entry("en").begins_with("Nick")
        => |p| p.nicknames.get("en").is_some_and(|n| n.starts_with("Nick")));
    profiles_where!(e, all,
        UserProfile::NICKNAMES.entry("fr").exists()
        => |p| p.nicknames.contains_key("fr"));

    profiles_where!(e, all,
        UserProfile::SETTINGS.key("theme").eq(json!("dark"))
        => |p| p.settings["theme"] == "dark");
    profiles_where!(e, all,
        UserProfile::SETTINGS.key("theme").ne(json!("dark"))
        => |p| p.settings["theme"] != "dark");
    profiles_where!(e, all,
        UserProfile::SETTINGS.key("font_size").in_([json!(14), json!(16)])
        => |p| p.settings["font_size"] == 14 || p.settings["font_size"] == 16);
    profiles_where!(e, all,
        UserProfile::SETTINGS.key("colors").at(1).eq(json!("red"))
        => |p| p.settings["colors"][1] == "red");
    profiles_where!(e, all,
        UserProfile::SETTINGS.key("colors").size().eq(3)
        => |p| p.settings.get("colors").is_some_and(|c| c.as_list().unwrap().len() == 3));
    profiles_where!(e, all,
        UserProfile::SETTINGS.eq(json!({"theme": "dark", "font_size": 14}))
        => |p| p.settings == json!({"theme": "dark", "font_size": 14}));
}

#[tokio::test]
async fn and_or_not_in_every_spelling() {
    let (_local, engine, all) = loaded_profiles().await;
    let e = &engine;
    let all = &all[..];
    let age = |p: &UserProfile| p.age;
    let city = |p: &UserProfile| p.home.as_ref().map(|h| h.city.clone());

    profiles_where!(e, all,
        UserProfile::STATUS.eq(Status::Active) & UserProfile::VERIFIED.eq(true)
        => |p| p.status == Status::Active && p.verified);
    profiles_where!(e, all,
        UserProfile::TAGS.contains("vip") | UserProfile::NICKNAMES.entry("en").eq("Ada")
        => |p| p.tags.contains("vip") || p.nicknames.get("en").is_some_and(|n| n == "Ada"));
    profiles_where!(e, all, !UserProfile::HOME.exists() => |p| p.home.is_none());
    profiles_where!(e, all, !!UserProfile::HOME.exists() => |p| p.home.is_some());
    // NOT over comparisons with an absent attribute: both comparisons are false, so it holds.
    profiles_where!(e, all,
        !(UserProfile::AGE.lt(30) | UserProfile::AGE.gt(50)) & UserProfile::DISPLAY_NAME.exists()
        => |p| !(age(p).is_some_and(|a| a < 30) || age(p).is_some_and(|a| a > 50))
            && p.display_name.is_some());
    profiles_where!(e, all,
        UserProfile::STATUS
            .eq(Status::Active)
            .and(UserProfile::TAGS.contains("beta"))
            .or(UserProfile::HOME.field(Address::CITY).eq("東京"))
        => |p| (p.status == Status::Active && p.tags.contains("beta"))
            || city(p).as_deref() == Some("東京"));
    profiles_where!(e, all,
        UserProfile::STATUS
            .eq(Status::Active)
            .or(UserProfile::TAGS.contains("beta"))
            .and(UserProfile::VERIFIED.eq(false))
        => |p| (p.status == Status::Active || p.tags.contains("beta")) && !p.verified);
    profiles_where!(e, all,
        UserProfile::STATUS.eq(Status::Banned).or(UserProfile::AGE.ge(50)).negate()
        => |p| !(p.status == Status::Banned || age(p).is_some_and(|a| a >= 50)));
    profiles_where!(e, all,
        (UserProfile::TAGS.contains("vip") | UserProfile::TAGS.contains("staff"))
            & (UserProfile::VERIFIED.eq(true) | !UserProfile::AVATAR.exists())
        => |p| (p.tags.contains("vip") || p.tags.contains("staff"))
            && (p.verified || p.avatar.is_none()));
    // Flattened chains of four.
    profiles_where!(e, all,
        UserProfile::STATUS.ne(Status::Banned)
            & UserProfile::DISPLAY_NAME.exists()
            & UserProfile::AGE.ge(20)
            & !UserProfile::TAGS.contains("new")
        => |p| p.status != Status::Banned
            && p.display_name.is_some()
            && age(p).is_some_and(|a| a >= 20)
            && !p.tags.contains("new"));
    profiles_where!(e, all,
        UserProfile::AGE.lt(20)
            | (UserProfile::VERIFIED.eq(true) & UserProfile::RATING.gt(5.0))
            | UserProfile::HOME.field(Address::CITY).eq("Lyon")
            | UserProfile::EMAIL.eq("user9@example.com")
        => |p| age(p).is_some_and(|a| a < 20)
            || (p.verified && p.rating.is_some_and(|r| r > 5.0))
            || city(p).as_deref() == Some("Lyon")
            || p.email == "user9@example.com");

    // Several filter calls must all hold.
    let mut got = UserProfile::scan()
        .filter(UserProfile::STATUS.ne(Status::Banned))
        .filter(UserProfile::TAGS.contains("beta") | UserProfile::NICKNAMES.entry("fr").exists())
        .filter(!UserProfile::HOME.field(Address::CITY).eq("Paris"))
        .page_size(5)
        .all(e)
        .await
        .unwrap();
    got.sort_by_key(|p| p.user_id);
    let want: Vec<UserProfile> = all
        .iter()
        .filter(|p| {
            p.status != Status::Banned
                && (p.tags.contains("beta") || p.nicknames.contains_key("fr"))
                && city(p).as_deref() != Some("Paris")
        })
        .cloned()
        .collect();
    assert!(!want.is_empty() && want.len() < all.len());
    assert_eq!(got, want);

    // A count applies the same filters.
    let counted = UserProfile::scan()
        .filter(UserProfile::STATUS.ne(Status::Banned))
        .filter(UserProfile::TAGS.contains("beta") | UserProfile::NICKNAMES.entry("fr").exists())
        .filter(!UserProfile::HOME.field(Address::CITY).eq("Paris"))
        .page_size(3)
        .count(e)
        .await
        .unwrap();
    assert_eq!(counted, want.len() as u64);
}

/// Queries each customer's orders with `cond` and checks the exact orders, in order-id order.
async fn check_orders<
    S: flywheel_runtime::filter::AllFilterable<generated_example::models::order::index::Table>,
>(
    engine: &Engine,
    all: &[Order],
    what: &str,
    cond: Cond<Order, S>,
    expect: impl Fn(&Order) -> bool,
) {
    let mut total = 0;
    for c in 0..4 {
        let customer = format!("c{c}");
        let got = Order::query(customer.as_str())
            .filter(cond.clone())
            .page_size(4)
            .all(engine)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let mut want: Vec<Order> = all
            .iter()
            .filter(|o| o.customer_id == customer && expect(o))
            .cloned()
            .collect();
        want.sort_by(|a, b| a.order_id.cmp(&b.order_id));
        let ids = |v: &[Order]| v.iter().map(|o| o.order_id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&got), ids(&want), "{what} for {customer}");
        assert_eq!(got, want, "{what} for {customer}");
        total += want.len();
    }
    assert!(
        total > 0 && total < all.len(),
        "{what}: the case should select some orders but not all ({total})"
    );
}

macro_rules! orders_where {
    ($engine:expr, $all:expr, $cond:expr => $expect:expr) => {
        check_orders($engine, $all, stringify!($cond), $cond, $expect).await
    };
}

#[tokio::test]
async fn query_filters_on_orders_with_lines_labels_sets_and_bytes() {
    let all = orders();
    let (_local, engine) = data::start_with(&all).await;
    let e = &engine;
    let all = &all[..];
    let line = |o: &Order, i: usize| o.lines.get(i).cloned();

    orders_where!(e, all, Order::TOTAL.gt(dec("50")) => |o| o.total > dec("50"));
    orders_where!(e, all,
        Order::TOTAL.between(dec("20"), dec("100.5"))
        => |o| o.total >= dec("20") && o.total <= dec("100.5"));
    orders_where!(e, all,
        Order::STATE.in_([OrderState::Paid, OrderState::Shipped])
        => |o| matches!(o.state, OrderState::Paid | OrderState::Shipped));
    orders_where!(e, all,
        Order::STATE.ne(OrderState::Cancelled)
        => |o| o.state != OrderState::Cancelled);
    orders_where!(e, all, Order::CURRENCY.ne("EUR") => |o| o.currency != "EUR");
    orders_where!(e, all, Order::SKU.eq("sku-1") => |o| o.sku.as_deref() == Some("sku-1"));
    orders_where!(e, all, Order::SKU.not_exists() => |o| o.sku.is_none());
    orders_where!(e, all,
        Order::CREATED_AT.lt(order_created(2, 6))
        => |o| o.created_at < order_created(2, 6));
    orders_where!(e, all, Order::PURGE_AT.exists() => |o| o.purge_at.is_some());

    // An element of a list of documents, compared whole.
    let wanted = all[5].lines[0].clone();
    orders_where!(e, all, Order::LINES.contains(wanted.clone()) => |o| o.lines.contains(&wanted));
    orders_where!(e, all,
        Order::LINES.contains(OrderLine::new("sku-0", dec("2.99")))
        => |o| o.lines.contains(&OrderLine::new("sku-0", dec("2.99"))));
    orders_where!(e, all, Order::LINES.size().ge(2) => |o| o.lines.len() >= 2);
    orders_where!(e, all,
        Order::LINES.index(0).field(OrderLine::QUANTITY).ge(3)
        => |o| o.lines[0].quantity >= 3);
    orders_where!(e, all,
        Order::LINES.index(0).field(OrderLine::DISCOUNTS).index(0).field(Discount::PERCENT).gt(12.0)
        => |o| o.lines[0].discounts.as_ref().and_then(|d| d.first()).and_then(|d| d.percent)
            .is_some_and(|p| p > 12.0));
    orders_where!(e, all,
        Order::LINES.index(1).field(OrderLine::SHIPPED_ON).exists()
        => |o| line(o, 1).is_some_and(|l| l.shipped_on.is_some()));
    orders_where!(e, all,
        Order::LINES.index(2).field(OrderLine::SKU).eq("sku-1")
        => |o| line(o, 2).is_some_and(|l| l.sku == "sku-1"));

    // A list inside a map, a set, binary data, a list of numbers.
    orders_where!(e, all,
        Order::LABELS.entry("gift").contains("wrap")
        => |o| o.labels.get("gift").is_some_and(|g| g.iter().any(|l| l == "wrap")));
    orders_where!(e, all,
        Order::LABELS.entry("prio").exists()
        => |o| o.labels.contains_key("prio"));
    orders_where!(e, all, Order::LABELS.size().eq(0) => |o| o.labels.is_empty());
    orders_where!(e, all,
        Order::COUPON_CODES.contains("SPRING")
        => |o| o.coupon_codes.contains("SPRING"));
    orders_where!(e, all, Order::COUPON_CODES.not_exists() => |o| o.coupon_codes.is_empty());
    orders_where!(e, all, Order::COUPON_CODES.size().eq(2) => |o| o.coupon_codes.len() == 2);
    orders_where!(e, all,
        Order::RECEIPT.begins_with(vec![0xde, 0xad])
        => |o| o.receipt.as_ref().is_some_and(|r| r.starts_with(&[0xde, 0xad])));
    orders_where!(e, all,
        Order::RECEIPT.size().eq(4)
        => |o| o.receipt.as_ref().is_some_and(|r| r.len() == 4));
    orders_where!(e, all,
        Order::RECEIPT.eq(vec![0xbe, 0xef, 7, 0])
        => |o| o.receipt.as_deref() == Some(&[0xbe, 0xef, 7, 0][..]));
    orders_where!(e, all, Order::LINE_COUNTS.contains(3u32) => |o| o.line_counts.contains(&3));
    orders_where!(e, all,
        Order::LINE_COUNTS.index(0).lt(2u32)
        => |o| o.line_counts.first().is_some_and(|n| *n < 2));

    // Combinations.
    orders_where!(e, all,
        Order::STATE.eq(OrderState::Open) | Order::COUPON_CODES.contains("VIP")
        => |o| o.state == OrderState::Open || o.coupon_codes.contains("VIP"));
    orders_where!(e, all,
        !(Order::CURRENCY.eq("USD") | Order::RECEIPT.exists()) & Order::LINES.size().lt(3)
        => |o| !(o.currency == "USD" || o.receipt.is_some()) && o.lines.len() < 3);
}

#[tokio::test]
async fn query_filters_on_scores_in_the_table_and_the_title_index() {
    let all = scores();
    let (_local, engine) = data::start_with(&all).await;

    // Table queries, in title order.
    for user in 0..8 {
        let userid = format!("u{user}");
        let mine = || all.iter().filter(|s| s.userid == userid);
        let sorted = |mut v: Vec<GameScore>| {
            v.sort_by(|a, b| a.title.cmp(&b.title));
            v
        };

        let got = GameScore::query(userid.as_str())
            .filter(GameScore::TOP_SCORE.gt(500_000))
            .all(&engine)
            .await
            .unwrap();
        let want = sorted(
            mine()
                .filter(|s| s.top_score.is_some_and(|x| x > 500_000))
                .cloned()
                .collect(),
        );
        assert_eq!(got, want, "top_score > 500000 for {userid}");

        let got = GameScore::query(userid.as_str())
            .filter(
                GameScore::TOP_SCORE.not_exists() | GameScore::TOP_SCORE_TIME.lt(t(1_700_500_000)),
            )
            .page_size(2)
            .all(&engine)
            .await
            .unwrap();
        let want = sorted(
            mine()
                .filter(|s| {
                    s.top_score.is_none() || s.top_score_time.is_some_and(|x| x < t(1_700_500_000))
                })
                .cloned()
                .collect(),
        );
        assert_eq!(got, want, "no top score or an early one for {userid}");

        let got = GameScore::query(userid.as_str())
            .range_ge("B")
            .filter(GameScore::WINS.between(5, 12))
            .filter(!GameScore::LOSSES.in_([0, 1, 2, 3]))
            .all(&engine)
            .await
            .unwrap();
        let want = sorted(
            mine()
                .filter(|s| s.title.as_str() >= "B")
                .filter(|s| (5..=12).contains(&s.wins) && ![0, 1, 2, 3].contains(&s.losses))
                .cloned()
                .collect(),
        );
        assert_eq!(got, want, "wins 5..=12 and losses > 3 from B for {userid}");
    }

    // Title index queries, in top-score order; items without a top score are not in it.
    let mut seen = 0;
    for title in data::TITLES {
        let got = GameScore::query_game_title_index(*title)
            .filter(GameScore::USERID.begins_with("u1") | GameScore::WINS.ge(10))
            .page_size(3)
            .all(&engine)
            .await
            .unwrap();
        let mut want: Vec<GameScore> = all
            .iter()
            .filter(|s| s.title == *title && s.top_score.is_some())
            .filter(|s| s.userid.starts_with("u1") || s.wins >= 10)
            .cloned()
            .collect();
        want.sort_by_key(|s| s.top_score);
        assert_eq!(got, want, "title index of {title}");
        seen += want.len();
    }
    assert!(seen > 0);
}
