//! Shared by the query, scan, cursor and stream tests: deterministic data sets of every example
//! model, fast bulk loading, and a fresh database holding a data set ([`start_with`]).

use std::collections::{BTreeMap, BTreeSet};

use flywheel_runtime::aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use flywheel_runtime::chrono::{DateTime, NaiveDate, Utc};
use flywheel_runtime::serde_json::json;
use flywheel_runtime::uuid::Uuid;
use flywheel_runtime::{Decimal, Engine, Item, Model};
use futures::StreamExt;

use super::db;
use generated_example::models::order::{Discount, OrderLine, OrderState};
use generated_example::models::user_profile::{AccountKind, Address, GeoPoint, Status};
use generated_example::models::{GameScore, Order, UserProfile};

/// Writes raw items into `table` (its name in DynamoDB, namespace included) with
/// BatchWriteItem, 25 a request and four requests at a time, retrying whatever DynamoDB leaves
/// unprocessed.
pub async fn put_items(engine: &Engine, table: &str, items: Vec<Item>) {
    let chunks: Vec<Vec<Item>> = items.chunks(25).map(<[Item]>::to_vec).collect();
    futures::stream::iter(chunks)
        .map(|chunk| async move {
            let mut pending: Vec<WriteRequest> = chunk
                .into_iter()
                .map(|item| {
                    WriteRequest::builder()
                        .put_request(
                            PutRequest::builder()
                                .set_item(Some(item))
                                .build()
                                .expect("the item is set"),
                        )
                        .build()
                })
                .collect();
            while !pending.is_empty() {
                let out = engine
                    .client()
                    .batch_write_item()
                    .request_items(table, pending)
                    .send()
                    .await
                    .expect("BatchWriteItem succeeds");
                pending = out
                    .unprocessed_items
                    .and_then(|mut m| m.remove(table))
                    .unwrap_or_default();
            }
        })
        .buffer_unordered(4)
        .collect::<Vec<()>>()
        .await;
}

/// A fresh database with every example table (see [`db::start_with_tables`]) holding `models`.
pub async fn start_with<M: Model>(models: &[M]) -> (db::TestDb, Engine) {
    let (db, engine) = db::start_with_tables().await;
    put_all(&engine, models).await;
    (db, engine)
}

/// Asserts that a filter case (`what`) selects some of the `total` items of its data set but not
/// all, so that it tells something.
pub fn assert_selects_some_not_all(what: &str, selected: usize, total: usize) {
    assert!(
        selected > 0 && selected < total,
        "{what}: the case should select some items but not all ({selected} of {total})"
    );
}

/// Writes models in batches (see [`put_items`]).
pub async fn put_all<M: Model>(engine: &Engine, models: &[M]) {
    let items = models
        .iter()
        .map(|m| m.to_item().expect("the model encodes"))
        .collect();
    put_items(engine, &engine.table_name(&M::SCHEMA), items).await;
}

/// A small deterministic pseudo-random sequence (xorshift64*), so data sets are the same on
/// every run.
pub struct Rng(u64);

impl Rng {
    /// A sequence from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Whole seconds since the epoch.
pub fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("a valid timestamp")
}

/// A date.
pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// A decimal from its text.
pub fn dec(text: &str) -> Decimal {
    text.parse().expect("a valid decimal literal")
}

/// The game titles of [`scores`], some sharing prefixes and one beyond ASCII.
pub const TITLES: &[&str] = &[
    "Alien Adventure",
    "Asteroid Run",
    "Attack Ships",
    "Comet Catcher",
    "Comet Quest",
    "Galaxy Invaders",
    "Meteor Blasters",
    "Starship X",
    "Zeta Zone",
    "Über Game",
];

/// About sixty scores of eight players `u0`..`u7`. Top scores are unique within a title (so
/// the title index has one order), some are absent (so the index is sparse).
pub fn scores() -> Vec<GameScore> {
    let mut rng = Rng::new(1);
    let mut out = Vec::new();
    for user in 0..8i64 {
        for title in TITLES {
            if rng.below(10) >= 7 {
                continue;
            }
            let mut s = GameScore::new(format!("u{user}"), *title);
            s.top_score = (rng.below(8) != 0).then(|| rng.below(10_000) as i64 * 100 + user);
            s.top_score_time =
                (rng.below(5) != 0).then(|| t(1_700_000_000 + rng.below(1_000_000) as i64));
            s.wins = rng.below(20) as i64;
            s.losses = rng.below(20) as i64;
            out.push(s);
        }
    }
    out
}

/// Cities of the addresses in [`profiles`].
pub const CITIES: &[&str] = &["Paris", "Lyon", "London", "Lisbon", "東京"];

/// Forty profiles with every kind of field set, absent, empty or nested; the last two share the
/// email `shared@example.com`.
pub fn profiles() -> Vec<UserProfile> {
    (0..40i64).map(profile).collect()
}

fn profile(i: i64) -> UserProfile {
    let u = i as usize;
    let email = if i >= 38 {
        "shared@example.com".to_owned()
    } else {
        let domain = ["example.com", "example.org", "mail.test"][u % 3];
        format!("user{i}@{domain}")
    };
    let created =
        DateTime::from_timestamp(1_600_000_000 + i * 86_400, (i * 1000 + 1) as u32).unwrap();
    let mut p = UserProfile::new(Uuid::from_u128(0x1000 + i as u128), email, created);
    p.display_name =
        (i % 5 != 0).then(|| ["Ada", "Adam", "Bob", "Zoë", "Chen", "Adèle"][u % 6].to_owned());
    p.status = match i % 7 {
        0..=3 => Status::Active,
        4 | 5 => Status::Suspended,
        _ => Status::Banned,
    };
    p.r#type = [
        AccountKind::Personal,
        AccountKind::Business,
        AccountKind::NonProfit,
    ][u % 3];
    p.home = (i % 4 != 3).then(|| Address {
        street: (i % 2 == 0).then(|| format!("{i} Main Street")),
        city: CITIES[u % 5].to_owned(),
        postcode: (i % 3 == 0).then(|| format!("{:05}", i * 37)),
        location: (i % 2 == 1).then(|| GeoPoint::new(40.0 + i as f64 * 0.5, -3.0 + i as f64)),
    });
    p.addresses = (i % 6 != 0).then(|| {
        (0..u % 4)
            .map(|k| {
                let mut a = Address::new(CITIES[(u + k) % 5]);
                a.postcode = (k == 0 && i % 2 == 0).then(|| format!("P{i}"));
                a
            })
            .collect()
    });
    p.tags = ["vip", "beta", "staff", "new", "😀"]
        .iter()
        .enumerate()
        .filter(|(k, _)| (u >> k) & 1 == 1)
        .map(|(_, t)| (*t).to_owned())
        .collect();
    p.lucky_numbers = [(i % 10) as i32, ((i * 3) % 13) as i32]
        .into_iter()
        .collect();
    if i % 3 == 0 {
        p.lucky_numbers.insert(7);
    }
    p.avatar = (i % 3 != 0).then(|| {
        let mut bytes = vec![(i % 2) as u8 + 1, 2, 3, i as u8];
        bytes.extend((0..i % 5).map(|b| b as u8));
        bytes
    });
    p.settings = match i % 4 {
        0 => json!({"theme": "dark", "font_size": 14}),
        1 => json!({"theme": "light", "font_size": 12 + i, "colors": ["blue", "red"]}),
        2 => json!({"font_size": "large", "extra": null}),
        _ => json!({"theme": "dark", "font_size": 16, "colors": ["red", "green", "blue"]}),
    }
    .into();
    p.nicknames = match i % 3 {
        0 => BTreeMap::from([("en".to_owned(), "Ada".to_owned())]),
        1 => BTreeMap::from([
            ("en".to_owned(), format!("Nick{i}")),
            ("fr".to_owned(), "Bobette".to_owned()),
        ]),
        _ => BTreeMap::new(),
    };
    p.birthday =
        (i % 4 != 0).then(|| ymd(1960 + i as i32, 1 + (u % 12) as u32, 1 + (u % 28) as u32));
    p.signup_day = (i % 5 != 1).then(|| {
        ymd(
            2015 + (i % 10) as i32,
            1 + (u % 12) as u32,
            1 + (u % 28) as u32,
        )
    });
    let cents = i * 3701 - 50_000;
    p.balance = dec(&format!(
        "{}{}.{:02}",
        if cents < 0 { "-" } else { "" },
        cents.abs() / 100,
        cents.abs() % 100
    ));
    p.rating = (i % 3 != 2).then_some(i as f64 * 0.25);
    p.login_count = if i == 39 {
        u64::MAX - 1
    } else {
        (i as u64).pow(3)
    };
    p.age = (i % 6 != 5).then(|| 18 + (i * 7 % 50) as u32);
    p.timezone_offset = (i % 2 == 0).then(|| ((i - 20) * 1800) as i32);
    p.verified = i % 3 == 0;
    p.last_seen = (i % 4 != 2)
        .then(|| DateTime::from_timestamp_millis(1_700_000_000_000 + i * 123_457).unwrap());
    p.expires_at = (i % 7 == 0).then(|| t(1_900_000_000 + i));
    p
}

/// Customers `c0`..`c3` with twelve orders each. Order ids and creation times are in different
/// orders, so the table and the `ByCreated` index sort them differently.
pub fn orders() -> Vec<Order> {
    let mut out = Vec::new();
    for c in 0..4i64 {
        for k in 0..12i64 {
            out.push(order(c, k));
        }
    }
    out
}

/// The creation time of order `k` of customer `c` in [`orders`].
pub fn order_created(c: i64, k: i64) -> DateTime<Utc> {
    t(1_710_000_000 + ((k * 7) % 12) * 3600 + c * 100)
}

fn order(c: i64, k: i64) -> Order {
    let u = k as usize;
    let total = dec(&format!("{}.{:02}", k * 13 + c * 5, (k * 17) % 100));
    let mut o = Order::new(
        format!("c{c}"),
        format!("o{k:03}"),
        order_created(c, k),
        total,
    );
    o.state = [
        OrderState::Open,
        OrderState::Paid,
        OrderState::Shipped,
        OrderState::Cancelled,
    ][((k + c) % 4) as usize];
    o.currency = if k % 5 == 0 { "USD" } else { "EUR" }.to_owned();
    o.sku = (k % 3 != 2).then(|| format!("sku-{}", k % 4));
    o.lines = (0..(u % 3) + 1)
        .map(|j| OrderLine {
            sku: format!("sku-{}", (u + j) % 4),
            quantity: ((u + j) % 4) as u32 + 1,
            unit_price: dec(&format!("{}.99", j + 1)),
            discounts: (k % 4 == 1).then(|| {
                vec![Discount {
                    code: "SPRING".to_owned(),
                    percent: Some(10.0 + k as f64),
                }]
            }),
            shipped_on: (k % 2 == 0).then(|| ymd(2024, 3, 1 + k as u32)),
        })
        .collect();
    o.labels = if k % 2 == 0 {
        BTreeMap::from([(
            "gift".to_owned(),
            vec!["wrap".to_owned(), "card".to_owned()],
        )])
    } else if k % 3 == 0 {
        BTreeMap::from([
            ("gift".to_owned(), vec!["card".to_owned()]),
            ("prio".to_owned(), vec!["high".to_owned()]),
        ])
    } else {
        BTreeMap::new()
    };
    o.coupon_codes = match k % 4 {
        0 => BTreeSet::new(),
        1 => BTreeSet::from(["SPRING".to_owned()]),
        2 => BTreeSet::from(["SPRING".to_owned(), "VIP".to_owned()]),
        _ => BTreeSet::from(["WELCOME".to_owned()]),
    };
    o.receipt = (k % 3 != 0).then(|| {
        if k % 2 == 0 {
            vec![0xde, 0xad, k as u8]
        } else {
            vec![0xbe, 0xef, k as u8, 0]
        }
    });
    o.line_counts = if k % 2 == 1 {
        vec![(k % 5) as u32, 3]
    } else {
        Vec::new()
    };
    o.purge_at = (k % 6 == 0).then(|| 1_900_000_000 + k);
    o
}
