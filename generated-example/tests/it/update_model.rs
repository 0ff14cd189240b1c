//! A property test of the update builder: random sequences of updates of one `UserProfile`
//! are sent to DynamoDB and applied to the generated struct in memory, and after every step
//! the item read back equals the struct.
//!
//! Each step is one UpdateItem of one to three operations. Operations on overlapping paths
//! must be refused before sending; operations under an absent document or list element must be
//! refused by DynamoDB; either way nothing changes. Every other update bumps the version.

use crate::harness::db;

use std::collections::{BTreeMap, BTreeSet};

use flywheel_runtime::chrono::{DateTime, NaiveDate, Utc};
use flywheel_runtime::json::Value;
use flywheel_runtime::serde_json::json;
use flywheel_runtime::update::Update;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{Decimal, Engine, Error, Tracked};
use generated_example::models::user_profile::{AccountKind, Address, GeoPoint, Status};
use generated_example::models::{GameScore, GameScoreKey, UserProfile, UserProfileKey};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const ID: Uuid = Uuid::from_u128(0x5eed);

/// One operation of an update.
#[derive(Debug, Clone)]
enum Op {
    Email(String),
    DisplayName(Option<String>),
    DisplayNameIfAbsent(String),
    Status(Status),
    Kind(AccountKind),
    Age(Option<u32>),
    AgeIfAbsent(u32),
    IncrAge(u32),
    IncrLogins(u64),
    /// Clamped to the current count when sent, so the count stays a u64.
    DecrLogins(u64),
    IncrOffset(i32),
    DecrOffset(i32),
    Rating(Option<f64>),
    IncrRating(f64),
    DecrRating(f64),
    Balance(Decimal),
    IncrBalance(Decimal),
    DecrBalance(Decimal),
    Verified(bool),
    Birthday(Option<NaiveDate>),
    SignupDay(NaiveDate),
    LastSeen(Option<DateTime<Utc>>),
    ExpiresAt(Option<DateTime<Utc>>),
    CreatedAt(DateTime<Utc>),
    Avatar(Option<Vec<u8>>),
    Tags(BTreeSet<String>),
    AddTags(BTreeSet<String>),
    DeleteTags(BTreeSet<String>),
    TagsIfAbsent(BTreeSet<String>),
    Lucky(BTreeSet<i32>),
    AddLucky(BTreeSet<i32>),
    DeleteLucky(BTreeSet<i32>),
    Home(Option<Address>),
    HomeCity(String),
    HomeStreet(Option<String>),
    HomeLat(f64),
    Addresses(Option<Vec<Address>>),
    AppendAddresses(Vec<Address>),
    PrependAddresses(Vec<Address>),
    RemoveAddress(usize),
    SetAddress(usize, Address),
    AddressStreet(usize, Option<String>),
    Nickname(String, Option<String>),
    NicknameIfAbsent(String, String),
    Nicknames(BTreeMap<String, String>),
    Theme(Option<String>),
    Settings(Value),
}

/// A step of a document path, for the overlap rule.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Name(String),
    Index(usize),
}

fn name(n: &str) -> Seg {
    Seg::Name(n.to_owned())
}

/// What DynamoDB does with an operation: `Err` when it refuses the update.
type Applied = Result<(), &'static str>;

impl Op {
    /// The path the operation writes; `None` when it sends no action (no set elements).
    fn path(&self) -> Option<Vec<Seg>> {
        use Op::*;
        Some(match self {
            Email(_) => vec![name("email")],
            DisplayName(_) | DisplayNameIfAbsent(_) => vec![name("displayName")],
            Status(_) => vec![name("status")],
            Kind(_) => vec![name("type")],
            Age(_) | AgeIfAbsent(_) | IncrAge(_) => vec![name("age")],
            IncrLogins(_) | DecrLogins(_) => vec![name("login_count")],
            IncrOffset(_) | DecrOffset(_) => vec![name("timezone_offset")],
            Rating(_) | IncrRating(_) | DecrRating(_) => vec![name("rating")],
            Balance(_) | IncrBalance(_) | DecrBalance(_) => vec![name("balance")],
            Verified(_) => vec![name("verified")],
            Birthday(_) => vec![name("birthday")],
            SignupDay(_) => vec![name("signup_day")],
            LastSeen(_) => vec![name("last_seen")],
            ExpiresAt(_) => vec![name("expires_at")],
            CreatedAt(_) => vec![name("created_at")],
            Avatar(_) => vec![name("avatar")],
            AddTags(s) | DeleteTags(s) | TagsIfAbsent(s) if s.is_empty() => return None,
            Tags(_) | AddTags(_) | DeleteTags(_) | TagsIfAbsent(_) => vec![name("tags")],
            AddLucky(s) | DeleteLucky(s) if s.is_empty() => return None,
            Lucky(_) | AddLucky(_) | DeleteLucky(_) => vec![name("lucky_numbers")],
            Home(_) => vec![name("home")],
            HomeCity(_) => vec![name("home"), name("city")],
            HomeStreet(_) => vec![name("home"), name("street")],
            HomeLat(_) => vec![name("home"), name("location"), name("lat")],
            Addresses(_) | AppendAddresses(_) | PrependAddresses(_) => vec![name("addresses")],
            RemoveAddress(i) | SetAddress(i, _) => vec![name("addresses"), Seg::Index(*i)],
            AddressStreet(i, _) => vec![name("addresses"), Seg::Index(*i), name("street")],
            Nickname(k, _) | NicknameIfAbsent(k, _) => vec![name("nicknames"), name(k)],
            Nicknames(_) => vec![name("nicknames")],
            Theme(_) => vec![name("settings"), name("theme")],
            Settings(_) => vec![name("settings")],
        })
    }

    fn touches_addresses(&self) -> bool {
        self.path().is_some_and(|p| p[0] == name("addresses"))
    }

    /// Adds the operation to `update`; `model` is the item as it is before the update.
    fn add_to(&self, u: Update<UserProfile>, model: &UserProfile) -> Update<UserProfile> {
        use Op::*;
        type P = UserProfile;
        match self.clone() {
            Email(v) => u.set(P::EMAIL, v),
            DisplayName(Some(v)) => u.set(P::DISPLAY_NAME, v),
            DisplayName(None) => u.remove(P::DISPLAY_NAME),
            DisplayNameIfAbsent(v) => u.set_if_not_exists(P::DISPLAY_NAME, v),
            Status(v) => u.set(P::STATUS, v),
            Kind(v) => u.set(P::TYPE, v),
            Age(Some(v)) => u.set(P::AGE, v),
            Age(None) => u.remove(P::AGE),
            AgeIfAbsent(v) => u.set_if_not_exists(P::AGE, v),
            IncrAge(v) => u.incr(P::AGE, v),
            IncrLogins(v) => u.incr(P::LOGIN_COUNT, v),
            DecrLogins(v) => u.decr(P::LOGIN_COUNT, v.min(model.login_count)),
            IncrOffset(v) => u.incr(P::TIMEZONE_OFFSET, v),
            DecrOffset(v) => u.decr(P::TIMEZONE_OFFSET, v),
            Rating(Some(v)) => u.set(P::RATING, v),
            Rating(None) => u.remove(P::RATING),
            IncrRating(v) => u.incr(P::RATING, v),
            DecrRating(v) => u.decr(P::RATING, v),
            Balance(v) => u.set(P::BALANCE, v),
            IncrBalance(v) => u.incr(P::BALANCE, v),
            DecrBalance(v) => u.decr(P::BALANCE, v),
            Verified(v) => u.set(P::VERIFIED, v),
            Birthday(Some(v)) => u.set(P::BIRTHDAY, v),
            Birthday(None) => u.remove(P::BIRTHDAY),
            SignupDay(v) => u.set(P::SIGNUP_DAY, v),
            LastSeen(Some(v)) => u.set(P::LAST_SEEN, v),
            LastSeen(None) => u.remove(P::LAST_SEEN),
            ExpiresAt(Some(v)) => u.set(P::EXPIRES_AT, v),
            ExpiresAt(None) => u.remove(P::EXPIRES_AT),
            CreatedAt(v) => u.set(P::CREATED_AT, v),
            Avatar(Some(v)) => u.set(P::AVATAR, v),
            Avatar(None) => u.remove(P::AVATAR),
            Tags(v) => u.set(P::TAGS, v),
            AddTags(v) => u.add(P::TAGS, v),
            DeleteTags(v) => u.delete(P::TAGS, v),
            TagsIfAbsent(v) => u.set_if_not_exists(P::TAGS, v),
            Lucky(v) => u.set(P::LUCKY_NUMBERS, v),
            AddLucky(v) => u.add(P::LUCKY_NUMBERS, v),
            DeleteLucky(v) => u.delete(P::LUCKY_NUMBERS, v),
            Home(Some(v)) => u.set(P::HOME, v),
            Home(None) => u.remove(P::HOME),
            HomeCity(v) => u.set(P::HOME.field(Address::CITY), v),
            HomeStreet(Some(v)) => u.set(P::HOME.field(Address::STREET), v),
            HomeStreet(None) => u.remove(P::HOME.field(Address::STREET)),
            HomeLat(v) => u.set(P::HOME.field(Address::LOCATION).field(GeoPoint::LAT), v),
            Addresses(Some(v)) => u.set(P::ADDRESSES, v),
            Addresses(None) => u.remove(P::ADDRESSES),
            AppendAddresses(v) => u.append(P::ADDRESSES, v),
            PrependAddresses(v) => u.prepend(P::ADDRESSES, v),
            RemoveAddress(i) => u.remove(P::ADDRESSES.index(i)),
            SetAddress(i, v) => u.set(P::ADDRESSES.index(i), v),
            AddressStreet(i, Some(v)) => u.set(P::ADDRESSES.index(i).field(Address::STREET), v),
            AddressStreet(i, None) => u.remove(P::ADDRESSES.index(i).field(Address::STREET)),
            Nickname(k, Some(v)) => u.set(P::NICKNAMES.entry(k), v),
            Nickname(k, None) => u.remove(P::NICKNAMES.entry(k)),
            NicknameIfAbsent(k, v) => u.set_if_not_exists(P::NICKNAMES.entry(k), v),
            Nicknames(v) => u.set(P::NICKNAMES, v),
            Theme(Some(v)) => u.set(P::SETTINGS.key("theme"), Value::String(v)),
            Theme(None) => u.remove(P::SETTINGS.key("theme")),
            Settings(v) => u.set(P::SETTINGS, v),
        }
    }

    /// Applies the operation to the in-memory item, as DynamoDB does.
    fn apply(&self, m: &mut UserProfile) -> Applied {
        use Op::*;
        const NO_HOME: &str = "the document path is under an absent `home`";
        const NO_ELEMENT: &str = "the document path is under an absent list element";
        match self.clone() {
            Email(v) => m.email = v,
            DisplayName(v) => m.display_name = v,
            DisplayNameIfAbsent(v) => {
                m.display_name.get_or_insert(v);
            }
            Status(v) => m.status = v,
            Kind(v) => m.r#type = v,
            Age(v) => m.age = v,
            AgeIfAbsent(v) => {
                m.age.get_or_insert(v);
            }
            IncrAge(v) => m.age = Some(m.age.unwrap_or(0) + v),
            IncrLogins(v) => m.login_count += v,
            DecrLogins(v) => m.login_count -= v.min(m.login_count),
            IncrOffset(v) => m.timezone_offset = Some(m.timezone_offset.unwrap_or(0) + v),
            DecrOffset(v) => m.timezone_offset = Some(m.timezone_offset.unwrap_or(0) - v),
            Rating(v) => m.rating = v,
            IncrRating(v) => m.rating = Some(m.rating.unwrap_or(0.0) + v),
            DecrRating(v) => m.rating = Some(m.rating.unwrap_or(0.0) - v),
            Balance(v) => m.balance = v,
            IncrBalance(v) => m.balance = &m.balance + v,
            DecrBalance(v) => m.balance = &m.balance - v,
            Verified(v) => m.verified = v,
            Birthday(v) => m.birthday = v,
            SignupDay(v) => m.signup_day = Some(v),
            LastSeen(v) => m.last_seen = v,
            ExpiresAt(v) => m.expires_at = v,
            CreatedAt(v) => m.created_at = v,
            Avatar(v) => m.avatar = v,
            Tags(v) => m.tags = v,
            AddTags(v) => m.tags.extend(v),
            DeleteTags(v) => m.tags.retain(|t| !v.contains(t)),
            TagsIfAbsent(v) => {
                if m.tags.is_empty() {
                    m.tags = v;
                }
            }
            Lucky(v) => m.lucky_numbers = v,
            AddLucky(v) => m.lucky_numbers.extend(v),
            DeleteLucky(v) => m.lucky_numbers.retain(|t| !v.contains(t)),
            Home(v) => m.home = v,
            HomeCity(v) => m.home.as_mut().ok_or(NO_HOME)?.city = v,
            HomeStreet(v) => m.home.as_mut().ok_or(NO_HOME)?.street = v,
            HomeLat(v) => {
                let home = m.home.as_mut().ok_or(NO_HOME)?;
                home.location
                    .as_mut()
                    .ok_or("the document path is under an absent `home.location`")?
                    .lat = v;
            }
            Addresses(v) => m.addresses = v,
            AppendAddresses(v) => m.addresses.get_or_insert_with(Vec::new).extend(v),
            PrependAddresses(v) => {
                let list = m.addresses.get_or_insert_with(Vec::new);
                list.splice(0..0, v);
            }
            RemoveAddress(i) => {
                // Removing an element past the end changes nothing; of an absent list, fails.
                let list = m
                    .addresses
                    .as_mut()
                    .ok_or("the document path is under an absent `addresses`")?;
                if i < list.len() {
                    list.remove(i);
                }
            }
            SetAddress(i, v) => {
                let list = m
                    .addresses
                    .as_mut()
                    .ok_or("the document path is under an absent `addresses`")?;
                // Past the end, SET appends.
                match list.get_mut(i) {
                    Some(slot) => *slot = v,
                    None => list.push(v),
                }
            }
            AddressStreet(i, v) => {
                m.addresses
                    .as_mut()
                    .and_then(|l| l.get_mut(i))
                    .ok_or(NO_ELEMENT)?
                    .street = v;
            }
            Nickname(k, Some(v)) => {
                m.nicknames.insert(k, v);
            }
            Nickname(k, None) => {
                m.nicknames.remove(&k);
            }
            NicknameIfAbsent(k, v) => {
                m.nicknames.entry(k).or_insert(v);
            }
            Nicknames(v) => m.nicknames = v,
            Theme(Some(v)) => {
                m.settings
                    .as_map_mut()
                    .expect("settings is always an object")
                    .insert("theme".into(), Value::String(v));
            }
            Theme(None) => {
                m.settings
                    .as_map_mut()
                    .expect("settings is always an object")
                    .remove("theme");
            }
            Settings(v) => m.settings = v,
        }
        Ok(())
    }
}

/// DynamoDB's rule: two paths overlap when one is a prefix of the other.
fn overlap(a: &[Seg], b: &[Seg]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[a-c]{1,3}", Just("ünï 😀".to_owned()),]
}

fn nonempty_text() -> impl Strategy<Value = String> {
    "[a-d]{1,4}"
}

fn address() -> impl Strategy<Value = Address> {
    (
        nonempty_text(),
        proptest::option::of(text()),
        proptest::option::of((-8i32..8, -8i32..8)),
    )
        .prop_map(|(city, street, location)| {
            let mut a = Address::new(city);
            a.street = street;
            a.location = location
                .map(|(lat, lon)| GeoPoint::new(f64::from(lat) / 4.0, f64::from(lon) / 4.0));
            a
        })
}

fn tags() -> impl Strategy<Value = BTreeSet<String>> {
    proptest::collection::btree_set(
        prop_oneof![Just("a"), Just("b"), Just("c"), Just("d")].prop_map(str::to_owned),
        0..3,
    )
}

fn lucky() -> impl Strategy<Value = BTreeSet<i32>> {
    proptest::collection::btree_set(-3i32..4, 0..3)
}

/// Multiples of 1/4, which binary floats and DynamoDB's decimal numbers both hold exactly.
fn quarter() -> impl Strategy<Value = f64> {
    (-400i32..400).prop_map(|q| f64::from(q) / 4.0)
}

fn cents() -> impl Strategy<Value = Decimal> {
    (-100_000i64..100_000).prop_map(|c| Decimal::new(c.into(), 2))
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..80_000).prop_map(|d| {
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + flywheel_runtime::chrono::Duration::days(d)
    })
}

fn millis() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4_000_000_000_000).prop_map(|ms| DateTime::from_timestamp_millis(ms).unwrap())
}

fn seconds() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4_000_000_000).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

fn nanos() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4_000_000_000, 0u32..1_000_000_000)
        .prop_map(|(s, n)| DateTime::from_timestamp(s, n).unwrap())
}

fn nickname_key() -> impl Strategy<Value = String> {
    prop_oneof![Just("en"), Just("fr"), Just("de")].prop_map(str::to_owned)
}

fn settings() -> impl Strategy<Value = Value> {
    (proptest::option::of(nonempty_text()), -5i64..5).prop_map(|(theme, size)| match theme {
        Some(theme) => json!({"theme": theme, "font_size": size}).into(),
        None => json!({"font_size": size}).into(),
    })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        nonempty_text().prop_map(Op::Email),
        proptest::option::of(text()).prop_map(Op::DisplayName),
        text().prop_map(Op::DisplayNameIfAbsent),
        prop_oneof![
            Just(Status::Active),
            Just(Status::Suspended),
            Just(Status::Banned)
        ]
        .prop_map(Op::Status),
        prop_oneof![
            Just(AccountKind::Personal),
            Just(AccountKind::Business),
            Just(AccountKind::NonProfit)
        ]
        .prop_map(Op::Kind),
        proptest::option::of(0u32..1000).prop_map(Op::Age),
        (0u32..1000).prop_map(Op::AgeIfAbsent),
        (0u32..1000).prop_map(Op::IncrAge),
        (0u64..1000).prop_map(Op::IncrLogins),
        (0u64..1000).prop_map(Op::DecrLogins),
        (-100i32..100).prop_map(Op::IncrOffset),
        (-100i32..100).prop_map(Op::DecrOffset),
        proptest::option::of(quarter()).prop_map(Op::Rating),
        quarter().prop_map(Op::IncrRating),
        quarter().prop_map(Op::DecrRating),
        cents().prop_map(Op::Balance),
        cents().prop_map(Op::IncrBalance),
        cents().prop_map(Op::DecrBalance),
        any::<bool>().prop_map(Op::Verified),
        proptest::option::of(date()).prop_map(Op::Birthday),
        date().prop_map(Op::SignupDay),
        proptest::option::of(millis()).prop_map(Op::LastSeen),
        proptest::option::of(seconds()).prop_map(Op::ExpiresAt),
        nanos().prop_map(Op::CreatedAt),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..4)).prop_map(Op::Avatar),
        tags().prop_map(Op::Tags),
        tags().prop_map(Op::AddTags),
        tags().prop_map(Op::DeleteTags),
        tags().prop_map(Op::TagsIfAbsent),
        lucky().prop_map(Op::Lucky),
        lucky().prop_map(Op::AddLucky),
        lucky().prop_map(Op::DeleteLucky),
        proptest::option::of(address()).prop_map(Op::Home),
        nonempty_text().prop_map(Op::HomeCity),
        proptest::option::of(text()).prop_map(Op::HomeStreet),
        quarter().prop_map(Op::HomeLat),
        proptest::option::of(proptest::collection::vec(address(), 0..3)).prop_map(Op::Addresses),
        proptest::collection::vec(address(), 0..3).prop_map(Op::AppendAddresses),
        proptest::collection::vec(address(), 0..3).prop_map(Op::PrependAddresses),
        (0usize..4).prop_map(Op::RemoveAddress),
        (0usize..4, address()).prop_map(|(i, a)| Op::SetAddress(i, a)),
        (0usize..4, proptest::option::of(text())).prop_map(|(i, s)| Op::AddressStreet(i, s)),
        (nickname_key(), proptest::option::of(text())).prop_map(|(k, v)| Op::Nickname(k, v)),
        (nickname_key(), text()).prop_map(|(k, v)| Op::NicknameIfAbsent(k, v)),
        proptest::collection::btree_map(nickname_key(), text(), 0..3).prop_map(Op::Nicknames),
        proptest::option::of(nonempty_text()).prop_map(Op::Theme),
        settings().prop_map(Op::Settings),
    ]
}

/// One UpdateItem: one to three operations, at most one of them on the address list (whose
/// element indexes DynamoDB resolves against the item before the update).
fn step() -> impl Strategy<Value = Vec<Op>> {
    proptest::collection::vec(op(), 1..=3)
        .prop_filter("one operation on the address list per update", |ops| {
            ops.iter().filter(|o| o.touches_addresses()).count() <= 1
        })
}

fn base() -> UserProfile {
    let mut p = UserProfile::new(
        ID,
        "base@example.com",
        DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
    );
    p.home = Some(Address::new("London"));
    p.addresses = Some(vec![Address::new("Paris")]);
    p.tags = BTreeSet::from(["a".to_owned()]);
    p
}

async fn run_case(engine: &Engine, steps: &[Vec<Op>]) -> Result<(), TestCaseError> {
    let key = UserProfileKey::new(ID);
    engine
        .delete(key.clone())
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut model = base();
    engine
        .save(&model)
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    model.version = 1;
    for (n, ops) in steps.iter().enumerate() {
        let paths: Vec<Vec<Seg>> = ops.iter().filter_map(Op::path).collect();
        let overlapping = paths
            .iter()
            .enumerate()
            .any(|(i, a)| paths[i + 1..].iter().any(|b| overlap(a, b)));
        let mut update = UserProfile::update(key.clone());
        for op in ops {
            update = op.add_to(update, &model);
        }
        let result = update.send(engine).await;
        let mut next = model.clone();
        let applied: Applied = ops.iter().try_for_each(|op| op.apply(&mut next));
        match (overlapping, applied, result) {
            (true, _, Err(Error::Validation(_))) => {}
            (false, Ok(()), Ok(())) => {
                next.version += 1;
                model = next;
            }
            (false, Err(_), Err(e)) if e.code() == Some("ValidationException") => {}
            (overlapping, applied, result) => {
                return Err(TestCaseError::fail(format!(
                    "step {n} {ops:?}: overlapping {overlapping}, in memory {applied:?}, sent {result:?}"
                )));
            }
        }
        let stored: Option<UserProfile> =
            engine.get(key.clone()).consistent().await.map_err(|e| {
                TestCaseError::fail(format!("step {n} {ops:?}: the read failed: {e}"))
            })?;
        prop_assert_eq!(stored.as_ref(), Some(&model), "after step {} {:?}", n, ops);
    }
    Ok(())
}

/// Runs `case` on 64 random values of `strategy`, all against the example tables of one fresh
/// database, and fails the test with proptest's report of the smallest failing value.
fn check_property<S: Strategy>(
    strategy: S,
    case: impl Fn(&tokio::runtime::Runtime, &Engine, S::Value) -> Result<(), TestCaseError>,
) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = db::TestDb::start();
    let engine = local.engine();
    runtime
        .block_on(
            engine
                .create_schema(generated_example::models::TABLES)
                .into_future(),
        )
        .unwrap();
    let config = Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let outcome = runner.run(&strategy, |value| case(&runtime, &engine, value));
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[test]
fn random_updates_leave_the_item_as_the_same_changes_leave_the_struct() {
    check_property(
        proptest::collection::vec(step(), 1..=20),
        |runtime, engine, steps| runtime.block_on(run_case(engine, &steps)),
    );
}

/// A field of a score with a value, for the sync property.
#[derive(Debug, Clone)]
enum ScoreField {
    TopScore(Option<i64>),
    TopScoreTime(Option<DateTime<Utc>>),
    Wins(i64),
    Losses(i64),
}

impl ScoreField {
    fn set(&self, score: &mut GameScore) {
        match self.clone() {
            ScoreField::TopScore(v) => score.top_score = v,
            ScoreField::TopScoreTime(v) => score.top_score_time = v,
            ScoreField::Wins(v) => score.wins = v,
            ScoreField::Losses(v) => score.losses = v,
        }
    }

    fn update(&self, u: Update<GameScore>) -> Update<GameScore> {
        match self.clone() {
            ScoreField::TopScore(Some(v)) => u.set(GameScore::TOP_SCORE, v),
            ScoreField::TopScore(None) => u.remove(GameScore::TOP_SCORE),
            ScoreField::TopScoreTime(Some(v)) => u.set(GameScore::TOP_SCORE_TIME, v),
            ScoreField::TopScoreTime(None) => u.remove(GameScore::TOP_SCORE_TIME),
            ScoreField::Wins(v) => u.set(GameScore::WINS, v),
            ScoreField::Losses(v) => u.set(GameScore::LOSSES, v),
        }
    }
}

/// The attributes of a score whose values differ, in schema order.
fn differing(a: &GameScore, b: &GameScore) -> Vec<&'static str> {
    let mut out = Vec::new();
    if a.top_score != b.top_score {
        out.push("top_score");
    }
    if a.top_score_time != b.top_score_time {
        out.push("top_score_time");
    }
    if a.wins != b.wins {
        out.push("wins");
    }
    if a.losses != b.losses {
        out.push("losses");
    }
    out
}

/// What two sessions and an outside writer do to one score.
#[derive(Debug, Clone)]
enum SyncOp {
    /// A session changes a field of its copy.
    Change(usize, ScoreField),
    /// A session adds to `wins` at its next sync.
    Incr(usize, i64),
    /// A session syncs its copy, with or without `overwrite`.
    Sync(usize, bool),
    /// A session reads the item again.
    Reload(usize),
    /// Someone else updates the item.
    Outside(ScoreField),
}

fn score_field() -> impl Strategy<Value = ScoreField> {
    prop_oneof![
        proptest::option::of(0i64..4).prop_map(ScoreField::TopScore),
        proptest::option::of(
            (0i64..3).prop_map(|s| DateTime::from_timestamp(s, 500_000_000).unwrap())
        )
        .prop_map(ScoreField::TopScoreTime),
        (0i64..4).prop_map(ScoreField::Wins),
        (0i64..4).prop_map(ScoreField::Losses),
    ]
}

fn sync_op() -> impl Strategy<Value = SyncOp> {
    prop_oneof![
        3 => (0usize..2, score_field()).prop_map(|(c, f)| SyncOp::Change(c, f)),
        1 => (0usize..2, 1i64..4).prop_map(|(c, by)| SyncOp::Incr(c, by)),
        3 => (0usize..2, any::<bool>()).prop_map(|(c, o)| SyncOp::Sync(c, o)),
        1 => (0usize..2).prop_map(SyncOp::Reload),
        1 => score_field().prop_map(SyncOp::Outside),
    ]
}

/// A session: its tracked copy, the item as it read it, and its pending increments.
struct Session {
    copy: Tracked<GameScore>,
    read: GameScore,
    pending: i64,
    deltas: bool,
}

async fn session(engine: &Engine) -> Result<Session, TestCaseError> {
    let copy = engine
        .get(GameScoreKey::new("abc", "Comet Quest"))
        .consistent()
        .tracked()
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?
        .ok_or_else(|| TestCaseError::fail("the score is gone"))?;
    let read = (*copy).clone();
    Ok(Session {
        copy,
        read,
        pending: 0,
        deltas: false,
    })
}

async fn run_sync_case(engine: &Engine, ops: &[SyncOp]) -> Result<(), TestCaseError> {
    let key = GameScoreKey::new("abc", "Comet Quest");
    let mut stored = GameScore::new("abc", "Comet Quest");
    engine
        .save(&stored)
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut sessions = [session(engine).await?, session(engine).await?];
    for (n, op) in ops.iter().enumerate() {
        match op {
            SyncOp::Change(c, field) => field.set(&mut sessions[*c].copy),
            SyncOp::Incr(c, by) => {
                let s = &mut sessions[*c];
                s.copy
                    .incr(GameScore::WINS, *by)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                s.pending += by;
                s.deltas = true;
            }
            SyncOp::Reload(c) => sessions[*c] = session(engine).await?,
            SyncOp::Outside(field) => {
                field
                    .update(GameScore::update(key.clone()))
                    .send(engine)
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                field.set(&mut stored);
            }
            SyncOp::Sync(c, overwrite) => {
                let s = &mut sessions[*c];
                let changed = differing(&s.copy, &s.read);
                let conflicts: Vec<&str> = if *overwrite {
                    Vec::new()
                } else {
                    let moved = differing(&stored, &s.read);
                    changed
                        .iter()
                        .copied()
                        .filter(|a| moved.contains(a))
                        .collect()
                };
                let expected = if s.deltas && changed.contains(&"wins") {
                    "refused before sending"
                } else if changed.is_empty() && !s.deltas {
                    "nothing to send"
                } else if !conflicts.is_empty() {
                    "a conflict"
                } else {
                    "written"
                };
                // What the copy holds before the sync reloads it.
                let mine = (*s.copy).clone();
                let sync = engine.sync(&mut s.copy);
                let result = if *overwrite {
                    sync.overwrite().await
                } else {
                    sync.await
                };
                match (expected, result) {
                    ("refused before sending", Err(Error::Validation(_))) => {}
                    ("nothing to send", Ok(false)) => {}
                    ("a conflict", Err(Error::Conflict { attributes, .. })) => {
                        prop_assert_eq!(&attributes, &conflicts, "step {} {:?}", n, op);
                    }
                    ("written", Ok(true)) => {
                        let mut written = stored.clone();
                        for attribute in &changed {
                            match *attribute {
                                "top_score" => written.top_score = mine.top_score,
                                "top_score_time" => written.top_score_time = mine.top_score_time,
                                "wins" => written.wins = mine.wins,
                                _ => written.losses = mine.losses,
                            }
                        }
                        written.wins += s.pending;
                        stored = written;
                        prop_assert_eq!(
                            &*s.copy,
                            &stored,
                            "step {} {:?}: the copy is reloaded",
                            n,
                            op
                        );
                        s.read = stored.clone();
                        s.pending = 0;
                        s.deltas = false;
                    }
                    (expected, other) => {
                        return Err(TestCaseError::fail(format!(
                            "step {n} {op:?}: changed {changed:?}, conflicts {conflicts:?}, deltas {}: \
                             expected {expected}, got {other:?}",
                            s.deltas
                        )));
                    }
                }
            }
        }
        let now: Option<GameScore> = engine
            .get(key.clone())
            .consistent()
            .await
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(now.as_ref(), Some(&stored), "after step {} {:?}", n, op);
    }
    Ok(())
}

#[test]
fn random_syncs_of_two_sessions_merge_fields_and_refuse_conflicts() {
    check_property(
        proptest::collection::vec(sync_op(), 1..=24),
        |runtime, engine, ops| runtime.block_on(run_sync_case(engine, &ops)),
    );
}
