//! How fast the generated codecs are: `Model::to_item` / `Model::from_item` of the generated
//! `Order` and `GameScore` against
//!
//! * `hand_written`: conversion code a careful user would write with aws-sdk-dynamodb alone,
//!   for the same generated structs and producing exactly the same attribute values (checked
//!   before the benchmarks start), with `Result`s instead of unwraps; and
//! * `serde_dynamo`: `serde_dynamo::to_item` / `from_item` on mirror structs deriving serde's
//!   traits (see [`mirror`] for where their stored form differs).
//!
//! Every `from_item` takes the item by value, as `Model::from_item` does (a DynamoDB response
//! hands the item over owned), so no variant has to clone strings out of a borrowed item; the
//! benchmarks clone the input item outside the timed section (`iter_batched`).
//!
//! `customer_order` is an entity of the e-commerce design with four computed keys
//! (`CUSTOMER#{username}`, `#ORDER#{placed_at}#{order_id}`, `ORDER#{order_id}` twice) and a
//! discriminator, against the same keys written with `format!`.
//!
//! Run with `cargo bench -p generated-example --bench codec`.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use flywheel_runtime::chrono::{DateTime, NaiveDate, Utc};
use flywheel_runtime::{Decimal, Item, Model};
use generated_example::models::GameScore;
use generated_example::models::ecommerce::CustomerOrder;
use generated_example::models::ecommerce::order::OrderStatus;
use generated_example::models::order::{Discount, Order, OrderLine, OrderState};

// ---------------------------------------------------------------------------------------------
// Sample data
// ---------------------------------------------------------------------------------------------

fn dec(text: &str) -> Decimal {
    text.parse().expect("a valid decimal")
}

fn datetime(secs: i64, nanos: u32) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, nanos).expect("a valid timestamp")
}

/// A realistic order: three lines with a discount each, labels, coupon codes, a 64-byte receipt.
fn sample_order() -> Order {
    let line =
        |sku: &str, quantity: u32, price: &str, code: &str, percent: f64, shipped| OrderLine {
            sku: sku.to_owned(),
            quantity,
            unit_price: dec(price),
            discounts: Some(vec![Discount {
                code: code.to_owned(),
                percent: Some(percent),
            }]),
            shipped_on: shipped,
        };
    Order {
        customer_id: "customer-7f3a9c2e".to_owned(),
        order_id: "order-2024-05-01-000042".to_owned(),
        created_at: datetime(1_714_566_600, 123_456_789),
        state: OrderState::Shipped,
        total: dec("107.42"),
        currency: "EUR".to_owned(),
        sku: Some("SKU-BUNDLE-001".to_owned()),
        lines: vec![
            line(
                "SKU-TEA-GREEN-250",
                2,
                "12.50",
                "SPRING24",
                10.0,
                NaiveDate::from_ymd_opt(2024, 5, 2),
            ),
            line(
                "SKU-MUG-CERAMIC",
                1,
                "24.90",
                "LOYALTY",
                5.5,
                NaiveDate::from_ymd_opt(2024, 5, 3),
            ),
            line("SKU-KETTLE-1L", 1, "64.99", "BUNDLE", 12.25, None),
        ],
        labels: [
            ("channel", vec!["web"]),
            ("gift", vec!["wrapped", "card"]),
            ("priority", vec!["express", "fragile"]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
        .collect(),
        coupon_codes: ["SPRING24", "WELCOME10", "FREESHIP"]
            .into_iter()
            .map(str::to_owned)
            .collect(),
        receipt: Some((0..64u8).map(|i| i.wrapping_mul(37)).collect()),
        line_counts: vec![2, 1, 1],
        purge_at: Some(1_777_638_600),
        revision: 7,
    }
}

fn sample_game_score() -> GameScore {
    GameScore {
        userid: "user-0042".to_owned(),
        title: "Galaxy Invaders".to_owned(),
        top_score: Some(5842),
        top_score_time: Some(datetime(1_714_566_600, 250_000_000)),
        wins: 21,
        losses: 4,
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-written conversions with aws-sdk-dynamodb only
// ---------------------------------------------------------------------------------------------

/// What a careful user writes without flywheel: one function per direction and type, small
/// helpers, the same stored formats as flywheel, and an error type instead of unwraps.
/// The hand-written conversion of a `GameScore`, shared with the bulk-load benchmark.
#[path = "hand/game_score.rs"]
mod hand_game_score;

mod hand {
    use std::collections::{BTreeMap, BTreeSet};

    use flywheel_runtime::aws_sdk_dynamodb::primitives::Blob;
    use flywheel_runtime::chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
    use flywheel_runtime::{AttributeValue, Decimal, Item};
    use generated_example::models::GameScore;
    use generated_example::models::ecommerce::CustomerOrder;
    use generated_example::models::ecommerce::order::OrderStatus;
    use generated_example::models::order::{Discount, Order, OrderLine, OrderState};

    /// Why a conversion failed.
    #[derive(Debug)]
    pub enum ConvError {
        /// A required attribute is absent.
        Missing(&'static str),
        /// An attribute holds something else than expected.
        Invalid {
            attribute: &'static str,
            expected: &'static str,
        },
        /// A value cannot be stored.
        Unstorable {
            attribute: &'static str,
            reason: String,
        },
    }

    impl std::fmt::Display for ConvError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                ConvError::Missing(attribute) => write!(f, "attribute `{attribute}` is missing"),
                ConvError::Invalid {
                    attribute,
                    expected,
                } => write!(f, "attribute `{attribute}` should be {expected}"),
                ConvError::Unstorable { attribute, reason } => {
                    write!(f, "attribute `{attribute}` cannot be stored: {reason}")
                }
            }
        }
    }

    impl std::error::Error for ConvError {}

    type Result<T> = std::result::Result<T, ConvError>;

    fn invalid(attribute: &'static str, expected: &'static str) -> ConvError {
        ConvError::Invalid {
            attribute,
            expected,
        }
    }

    // --- writing ---------------------------------------------------------------------------

    fn s(value: &str) -> AttributeValue {
        AttributeValue::S(value.to_owned())
    }

    fn n(value: impl ToString) -> AttributeValue {
        AttributeValue::N(value.to_string())
    }

    /// DynamoDB numbers hold 38 significant digits; store the shortest exact text.
    fn decimal(attribute: &'static str, value: &Decimal) -> Result<AttributeValue> {
        let normalized = value.normalized();
        let digits = normalized.digits();
        let exponent = digits as i64 - normalized.fractional_digit_count() - 1;
        if digits > 38 || (normalized != 0 && !(-130..=125).contains(&exponent)) {
            return Err(ConvError::Unstorable {
                attribute,
                reason: format!("{value} does not fit a DynamoDB number"),
            });
        }
        Ok(AttributeValue::N(normalized.to_string()))
    }

    fn float(attribute: &'static str, value: f64) -> Result<AttributeValue> {
        let abs = value.abs();
        if !value.is_finite() || (abs != 0.0 && !(1e-130..1e126).contains(&abs)) {
            return Err(ConvError::Unstorable {
                attribute,
                reason: format!("{value} does not fit a DynamoDB number"),
            });
        }
        Ok(AttributeValue::N(
            if abs == 0.0 || (1e-6..1e21).contains(&abs) {
                value.to_string()
            } else {
                format!("{value:e}")
            },
        ))
    }

    /// Fixed-width RFC 3339 so that the text sorts in time order.
    fn rfc3339(attribute: &'static str, value: &DateTime<Utc>) -> Result<AttributeValue> {
        if !(0..=9999).contains(&value.year()) {
            return Err(ConvError::Unstorable {
                attribute,
                reason: format!("{value} has a year outside 0000-9999"),
            });
        }
        Ok(AttributeValue::S(
            value.to_rfc3339_opts(SecondsFormat::Nanos, true),
        ))
    }

    fn date(attribute: &'static str, value: &NaiveDate) -> Result<AttributeValue> {
        if !(0..=9999).contains(&value.year()) {
            return Err(ConvError::Unstorable {
                attribute,
                reason: format!("{value} has a year outside 0000-9999"),
            });
        }
        Ok(AttributeValue::S(value.format("%Y-%m-%d").to_string()))
    }

    fn discount_to_av(value: &Discount) -> Result<AttributeValue> {
        let mut map = Item::with_capacity(2);
        map.insert("code".to_owned(), s(&value.code));
        if let Some(percent) = value.percent {
            map.insert("percent".to_owned(), float("percent", percent)?);
        }
        Ok(AttributeValue::M(map))
    }

    fn line_to_av(value: &OrderLine) -> Result<AttributeValue> {
        let mut map = Item::with_capacity(5);
        map.insert("sku".to_owned(), s(&value.sku));
        map.insert("quantity".to_owned(), n(value.quantity));
        map.insert(
            "unit_price".to_owned(),
            decimal("unit_price", &value.unit_price)?,
        );
        if let Some(discounts) = &value.discounts {
            let list = discounts
                .iter()
                .map(discount_to_av)
                .collect::<Result<Vec<_>>>()?;
            map.insert("discounts".to_owned(), AttributeValue::L(list));
        }
        if let Some(shipped_on) = &value.shipped_on {
            map.insert("shipped_on".to_owned(), date("shipped_on", shipped_on)?);
        }
        Ok(AttributeValue::M(map))
    }

    /// The e-commerce order, its computed keys written with `format!`.
    pub fn customer_order_to_item(order: &CustomerOrder) -> Result<Item> {
        let placed_at = rfc3339("placed_at", &order.placed_at)?;
        let AttributeValue::S(placed_text) = &placed_at else {
            unreachable!("rfc3339 writes text")
        };
        let mut item = Item::with_capacity(11);
        item.insert("PK".to_owned(), s(&format!("CUSTOMER#{}", order.username)));
        item.insert(
            "SK".to_owned(),
            s(&format!("#ORDER#{placed_text}#{}", order.order_id)),
        );
        let by_order = format!("ORDER#{}", order.order_id);
        item.insert("GSI1PK".to_owned(), s(&by_order));
        item.insert("GSI1SK".to_owned(), AttributeValue::S(by_order));
        item.insert("username".to_owned(), s(&order.username));
        item.insert("order_id".to_owned(), s(&order.order_id));
        item.insert("placed_at".to_owned(), placed_at);
        item.insert("status".to_owned(), s(order.status.as_str()));
        item.insert("amount".to_owned(), decimal("amount", &order.amount)?);
        item.insert("number_of_items".to_owned(), n(order.number_of_items));
        item.insert("entity".to_owned(), s("order"));
        Ok(item)
    }

    pub fn order_to_item(order: &Order) -> Result<Item> {
        let mut item = Item::with_capacity(14);
        item.insert("customer_id".to_owned(), s(&order.customer_id));
        item.insert("order_id".to_owned(), s(&order.order_id));
        item.insert(
            "created_at".to_owned(),
            rfc3339("created_at", &order.created_at)?,
        );
        item.insert("state".to_owned(), s(order.state.as_str()));
        item.insert("total".to_owned(), decimal("total", &order.total)?);
        item.insert("currency".to_owned(), s(&order.currency));
        if let Some(sku) = &order.sku {
            item.insert("sku".to_owned(), s(sku));
        }
        let lines = order
            .lines
            .iter()
            .map(line_to_av)
            .collect::<Result<Vec<_>>>()?;
        item.insert("lines".to_owned(), AttributeValue::L(lines));
        let labels = order
            .labels
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    AttributeValue::L(v.iter().map(|x| s(x)).collect()),
                )
            })
            .collect();
        item.insert("labels".to_owned(), AttributeValue::M(labels));
        // DynamoDB has no empty set: leave the attribute out.
        if !order.coupon_codes.is_empty() {
            item.insert(
                "coupon_codes".to_owned(),
                AttributeValue::Ss(order.coupon_codes.iter().cloned().collect()),
            );
        }
        if let Some(receipt) = &order.receipt {
            item.insert(
                "receipt".to_owned(),
                AttributeValue::B(Blob::new(receipt.clone())),
            );
        }
        item.insert(
            "line_counts".to_owned(),
            AttributeValue::L(order.line_counts.iter().map(n).collect()),
        );
        if let Some(purge_at) = order.purge_at {
            item.insert("purge_at".to_owned(), n(purge_at));
        }
        item.insert("revision".to_owned(), n(order.revision));
        Ok(item)
    }

    pub fn game_score_to_item(score: &GameScore) -> Result<Item> {
        Ok(super::hand_game_score::to_item(score))
    }

    // --- reading ---------------------------------------------------------------------------

    /// An optional attribute: absent and `NULL` are both "not there".
    fn optional(item: &mut Item, name: &str) -> Option<AttributeValue> {
        match item.remove(name) {
            None | Some(AttributeValue::Null(_)) => None,
            Some(value) => Some(value),
        }
    }

    fn required(item: &mut Item, name: &'static str) -> Result<AttributeValue> {
        item.remove(name).ok_or(ConvError::Missing(name))
    }

    fn to_s(name: &'static str, value: AttributeValue) -> Result<String> {
        match value {
            AttributeValue::S(s) => Ok(s),
            _ => Err(invalid(name, "a string (S)")),
        }
    }

    fn to_n<T: std::str::FromStr>(name: &'static str, value: AttributeValue) -> Result<T> {
        match &value {
            AttributeValue::N(n) => n.parse().map_err(|_| invalid(name, "a number (N)")),
            _ => Err(invalid(name, "a number (N)")),
        }
    }

    fn to_rfc3339(name: &'static str, value: AttributeValue) -> Result<DateTime<Utc>> {
        match &value {
            AttributeValue::S(s) => DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| invalid(name, "an RFC 3339 timestamp (S)")),
            _ => Err(invalid(name, "an RFC 3339 timestamp (S)")),
        }
    }

    /// Parses `secs[.fraction]` exactly; digits below a nanosecond are dropped.
    fn parse_epoch(text: &str) -> Option<DateTime<Utc>> {
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let secs: i64 = int.parse().ok()?;
        let mut nanos: u32 = 0;
        for (i, b) in frac.bytes().take(9).enumerate() {
            nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
        }
        if !negative {
            DateTime::from_timestamp(secs, nanos)
        } else if nanos == 0 {
            DateTime::from_timestamp(secs.checked_neg()?, 0)
        } else {
            DateTime::from_timestamp(secs.checked_neg()?.checked_sub(1)?, 1_000_000_000 - nanos)
        }
    }

    fn to_epoch(name: &'static str, value: AttributeValue) -> Result<DateTime<Utc>> {
        match &value {
            AttributeValue::N(n) => {
                parse_epoch(n).ok_or(invalid(name, "a number of seconds since 1970 (N)"))
            }
            _ => Err(invalid(name, "a number of seconds since 1970 (N)")),
        }
    }

    fn to_decimal(name: &'static str, value: AttributeValue) -> Result<Decimal> {
        match &value {
            AttributeValue::N(n) => n.parse().map_err(|_| invalid(name, "a number (N)")),
            _ => Err(invalid(name, "a number (N)")),
        }
    }

    fn to_date(name: &'static str, value: AttributeValue) -> Result<NaiveDate> {
        match &value {
            AttributeValue::S(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| invalid(name, "a date as YYYY-MM-DD (S)")),
            _ => Err(invalid(name, "a date as YYYY-MM-DD (S)")),
        }
    }

    fn to_map(name: &'static str, value: AttributeValue) -> Result<Item> {
        match value {
            AttributeValue::M(map) => Ok(map),
            _ => Err(invalid(name, "a map (M)")),
        }
    }

    fn to_list(name: &'static str, value: AttributeValue) -> Result<Vec<AttributeValue>> {
        match value {
            AttributeValue::L(list) => Ok(list),
            _ => Err(invalid(name, "a list (L)")),
        }
    }

    fn discount_from_av(value: AttributeValue) -> Result<Discount> {
        let mut map = to_map("discounts", value)?;
        Ok(Discount {
            code: to_s("code", required(&mut map, "code")?)?,
            percent: match optional(&mut map, "percent") {
                Some(v) => match to_n::<f64>("percent", v)? {
                    p if p.is_finite() => Some(p),
                    _ => return Err(invalid("percent", "a finite number (N)")),
                },
                None => None,
            },
        })
    }

    fn line_from_av(value: AttributeValue) -> Result<OrderLine> {
        let mut map = to_map("lines", value)?;
        Ok(OrderLine {
            sku: to_s("sku", required(&mut map, "sku")?)?,
            quantity: match optional(&mut map, "quantity") {
                Some(v) => to_n("quantity", v)?,
                None => 1,
            },
            unit_price: to_decimal("unit_price", required(&mut map, "unit_price")?)?,
            discounts: match optional(&mut map, "discounts") {
                Some(v) => Some(
                    to_list("discounts", v)?
                        .into_iter()
                        .map(discount_from_av)
                        .collect::<Result<_>>()?,
                ),
                None => None,
            },
            shipped_on: match optional(&mut map, "shipped_on") {
                Some(v) => Some(to_date("shipped_on", v)?),
                None => None,
            },
        })
    }

    fn state_from(value: AttributeValue) -> Result<OrderState> {
        const EXPECTED: &str = "one of open, paid, shipped, cancelled (S)";
        match &value {
            AttributeValue::S(s) => match s.as_str() {
                "open" => Ok(OrderState::Open),
                "paid" => Ok(OrderState::Paid),
                "shipped" => Ok(OrderState::Shipped),
                "cancelled" => Ok(OrderState::Cancelled),
                _ => Err(invalid("state", EXPECTED)),
            },
            _ => Err(invalid("state", EXPECTED)),
        }
    }

    fn strings(name: &'static str, value: AttributeValue) -> Result<Vec<String>> {
        to_list(name, value)?
            .into_iter()
            .map(|v| to_s(name, v))
            .collect()
    }

    /// The e-commerce order, checking its discriminator.
    pub fn customer_order_from_item(mut item: Item) -> Result<CustomerOrder> {
        if to_s("entity", required(&mut item, "entity")?)? != "order" {
            return Err(invalid("entity", "\"order\""));
        }
        let status = to_s("status", required(&mut item, "status")?)?;
        Ok(CustomerOrder {
            username: to_s("username", required(&mut item, "username")?)?,
            order_id: to_s("order_id", required(&mut item, "order_id")?)?,
            placed_at: to_rfc3339("placed_at", required(&mut item, "placed_at")?)?,
            status: match status.as_str() {
                "placed" => OrderStatus::Placed,
                "shipped" => OrderStatus::Shipped,
                "delivered" => OrderStatus::Delivered,
                "cancelled" => OrderStatus::Cancelled,
                _ => return Err(invalid("status", "an order status")),
            },
            amount: to_decimal("amount", required(&mut item, "amount")?)?,
            number_of_items: to_n("number_of_items", required(&mut item, "number_of_items")?)?,
        })
    }

    pub fn order_from_item(mut item: Item) -> Result<Order> {
        Ok(Order {
            customer_id: to_s("customer_id", required(&mut item, "customer_id")?)?,
            order_id: to_s("order_id", required(&mut item, "order_id")?)?,
            created_at: to_rfc3339("created_at", required(&mut item, "created_at")?)?,
            state: match optional(&mut item, "state") {
                Some(v) => state_from(v)?,
                None => OrderState::Open,
            },
            total: to_decimal("total", required(&mut item, "total")?)?,
            currency: match optional(&mut item, "currency") {
                Some(v) => to_s("currency", v)?,
                None => "EUR".to_owned(),
            },
            sku: match optional(&mut item, "sku") {
                Some(v) => Some(to_s("sku", v)?),
                None => None,
            },
            lines: match optional(&mut item, "lines") {
                Some(v) => to_list("lines", v)?
                    .into_iter()
                    .map(line_from_av)
                    .collect::<Result<_>>()?,
                None => Vec::new(),
            },
            labels: match optional(&mut item, "labels") {
                Some(v) => to_map("labels", v)?
                    .into_iter()
                    .map(|(k, v)| Ok((k, strings("labels", v)?)))
                    .collect::<Result<BTreeMap<_, _>>>()?,
                None => BTreeMap::new(),
            },
            coupon_codes: match optional(&mut item, "coupon_codes") {
                Some(AttributeValue::Ss(codes)) => codes.into_iter().collect(),
                Some(_) => return Err(invalid("coupon_codes", "a string set (SS)")),
                None => BTreeSet::new(),
            },
            receipt: match optional(&mut item, "receipt") {
                Some(AttributeValue::B(blob)) => Some(blob.into_inner()),
                Some(_) => return Err(invalid("receipt", "binary data (B)")),
                None => None,
            },
            line_counts: match optional(&mut item, "line_counts") {
                Some(v) => to_list("line_counts", v)?
                    .into_iter()
                    .map(|v| to_n("line_counts", v))
                    .collect::<Result<_>>()?,
                None => Vec::new(),
            },
            purge_at: match optional(&mut item, "purge_at") {
                Some(v) => Some(to_n("purge_at", v)?),
                None => None,
            },
            revision: match optional(&mut item, "revision") {
                Some(v) => to_n("revision", v)?,
                None => 0,
            },
        })
    }

    pub fn game_score_from_item(mut item: Item) -> Result<GameScore> {
        Ok(GameScore {
            userid: to_s("userid", required(&mut item, "userid")?)?,
            title: to_s("title", required(&mut item, "title")?)?,
            top_score: match optional(&mut item, "top_score") {
                Some(v) => Some(to_n("top_score", v)?),
                None => None,
            },
            top_score_time: match optional(&mut item, "top_score_time") {
                Some(v) => Some(to_epoch("top_score_time", v)?),
                None => None,
            },
            wins: match optional(&mut item, "wins") {
                Some(v) => to_n("wins", v)?,
                None => 0,
            },
            losses: match optional(&mut item, "losses") {
                Some(v) => to_n("losses", v)?,
                None => 0,
            },
        })
    }
}

// ---------------------------------------------------------------------------------------------
// serde_dynamo on serde mirrors of the models
// ---------------------------------------------------------------------------------------------

/// The models as a serde user writes them for serde_dynamo: the same fields and Rust types,
/// serde attributes for the defaults, for leaving out `None` and empty sets (as flywheel does),
/// for the string set and for the bytes. Where the off-the-shelf serde support stores a value
/// differently from flywheel, the mirror keeps the off-the-shelf form:
///
/// * decimals are `S` (bigdecimal's serde stores text; serde_dynamo has no way to write text
///   as `N`), flywheel's are `N`;
/// * `created_at` is chrono's RFC 3339 with as many fraction digits as needed (not fixed
///   width);
/// * `top_score_time` is whole nanoseconds since 1970 (`chrono::serde::ts_nanoseconds_option`,
///   the exact one of chrono's epoch formats), flywheel's is seconds with a fraction.
mod mirror {
    use std::collections::{BTreeMap, BTreeSet};

    use bigdecimal::BigDecimal;
    use chrono::{DateTime, NaiveDate, Utc};
    use generated_example::models::order as generated;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub enum OrderState {
        Open,
        Paid,
        Shipped,
        Cancelled,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Discount {
        pub code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub percent: Option<f64>,
    }

    fn one() -> u32 {
        1
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct OrderLine {
        pub sku: String,
        #[serde(default = "one")]
        pub quantity: u32,
        pub unit_price: BigDecimal,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub discounts: Option<Vec<Discount>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub shipped_on: Option<NaiveDate>,
    }

    fn open() -> OrderState {
        OrderState::Open
    }

    fn eur() -> String {
        "EUR".to_owned()
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Order {
        pub customer_id: String,
        pub order_id: String,
        pub created_at: DateTime<Utc>,
        #[serde(default = "open")]
        pub state: OrderState,
        pub total: BigDecimal,
        #[serde(default = "eur")]
        pub currency: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sku: Option<String>,
        #[serde(default)]
        pub lines: Vec<OrderLine>,
        #[serde(default)]
        pub labels: BTreeMap<String, Vec<String>>,
        #[serde(
            with = "serde_dynamo::string_set",
            default,
            skip_serializing_if = "BTreeSet::is_empty"
        )]
        pub coupon_codes: BTreeSet<String>,
        #[serde(with = "opt_bytes", default, skip_serializing_if = "Option::is_none")]
        pub receipt: Option<Vec<u8>>,
        #[serde(default)]
        pub line_counts: Vec<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub purge_at: Option<i64>,
        #[serde(default)]
        pub revision: i64,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct GameScore {
        pub userid: String,
        pub title: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub top_score: Option<i64>,
        #[serde(
            with = "chrono::serde::ts_nanoseconds_option",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub top_score_time: Option<DateTime<Utc>>,
        #[serde(default)]
        pub wins: i64,
        #[serde(default)]
        pub losses: i64,
    }

    /// `Option<Vec<u8>>` as binary data (`B`) rather than a list of numbers (what serde_bytes
    /// does, written out).
    mod opt_bytes {
        use std::fmt;

        use serde::de::{Deserializer, Error, Visitor};
        use serde::ser::Serializer;

        pub fn serialize<S: Serializer>(value: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
            match value {
                Some(bytes) => s.serialize_bytes(bytes),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
            struct BytesVisitor;

            impl Visitor<'_> for BytesVisitor {
                type Value = Option<Vec<u8>>;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("binary data")
                }

                fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                    Ok(Some(v.to_vec()))
                }

                fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
                    Ok(Some(v))
                }
            }

            d.deserialize_byte_buf(BytesVisitor)
        }
    }

    impl From<&generated::Discount> for Discount {
        fn from(value: &generated::Discount) -> Self {
            Discount {
                code: value.code.clone(),
                percent: value.percent,
            }
        }
    }

    impl From<&generated::OrderLine> for OrderLine {
        fn from(value: &generated::OrderLine) -> Self {
            OrderLine {
                sku: value.sku.clone(),
                quantity: value.quantity,
                unit_price: value.unit_price.clone(),
                discounts: value
                    .discounts
                    .as_ref()
                    .map(|d| d.iter().map(Discount::from).collect()),
                shipped_on: value.shipped_on,
            }
        }
    }

    impl From<&generated::Order> for Order {
        fn from(value: &generated::Order) -> Self {
            Order {
                customer_id: value.customer_id.clone(),
                order_id: value.order_id.clone(),
                created_at: value.created_at,
                state: match value.state {
                    generated::OrderState::Open => OrderState::Open,
                    generated::OrderState::Paid => OrderState::Paid,
                    generated::OrderState::Shipped => OrderState::Shipped,
                    generated::OrderState::Cancelled => OrderState::Cancelled,
                },
                total: value.total.clone(),
                currency: value.currency.clone(),
                sku: value.sku.clone(),
                lines: value.lines.iter().map(OrderLine::from).collect(),
                labels: value.labels.clone(),
                coupon_codes: value.coupon_codes.clone(),
                receipt: value.receipt.clone(),
                line_counts: value.line_counts.clone(),
                purge_at: value.purge_at,
                revision: value.revision,
            }
        }
    }

    impl From<&generated_example::models::GameScore> for GameScore {
        fn from(value: &generated_example::models::GameScore) -> Self {
            GameScore {
                userid: value.userid.clone(),
                title: value.title.clone(),
                top_score: value.top_score,
                top_score_time: value.top_score_time,
                wins: value.wins,
                losses: value.losses,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------------------------

/// Before measuring anything: flywheel and the hand-written code store the same attribute
/// values and read them back to the same model; serde_dynamo round-trips its mirrors.
fn sanity_check(_: &mut Criterion) {
    let order = sample_order();
    let flywheel = order.to_item().expect("flywheel stores the order");
    let hand_written = hand::order_to_item(&order).expect("the hand-written code stores it");
    assert_eq!(flywheel, hand_written, "Order: the stored items differ");
    assert_eq!(
        Order::from_item(flywheel.clone()).expect("flywheel reads it"),
        order
    );
    assert_eq!(
        hand::order_from_item(flywheel).expect("the hand-written code reads it"),
        order
    );
    let mirror = mirror::Order::from(&order);
    let item: Item = serde_dynamo::to_item(&mirror).expect("serde_dynamo stores the order");
    assert_eq!(
        item.len(),
        hand_written.len(),
        "Order: serde_dynamo stores other attributes"
    );
    let back: mirror::Order = serde_dynamo::from_item(item).expect("serde_dynamo reads it");
    assert_eq!(back, mirror);

    let score = sample_game_score();
    let flywheel = score.to_item().expect("flywheel stores the score");
    let hand_written = hand::game_score_to_item(&score).expect("the hand-written code stores it");
    assert_eq!(flywheel, hand_written, "GameScore: the stored items differ");
    assert_eq!(
        GameScore::from_item(flywheel.clone()).expect("flywheel reads it"),
        score
    );
    assert_eq!(
        hand::game_score_from_item(flywheel).expect("the hand-written code reads it"),
        score
    );
    let mirror = mirror::GameScore::from(&score);
    let item: Item = serde_dynamo::to_item(&mirror).expect("serde_dynamo stores the score");
    assert_eq!(
        item.len(),
        hand_written.len(),
        "GameScore: serde_dynamo stores other attributes"
    );
    let back: mirror::GameScore = serde_dynamo::from_item(item).expect("serde_dynamo reads it");
    assert_eq!(back, mirror);
}

fn order(c: &mut Criterion) {
    let order = sample_order();
    let mirror = mirror::Order::from(&order);
    let item = order.to_item().expect("flywheel stores the order");
    let serde_item: Item = serde_dynamo::to_item(&mirror).expect("serde_dynamo stores it");

    let mut group = c.benchmark_group("order/to_item");
    group.bench_function("flywheel", |b| b.iter(|| black_box(&order).to_item()));
    group.bench_function("hand_written", |b| {
        b.iter(|| hand::order_to_item(black_box(&order)))
    });
    group.bench_function("serde_dynamo", |b| {
        b.iter(|| serde_dynamo::to_item::<_, Item>(black_box(&mirror)))
    });
    group.finish();

    let mut group = c.benchmark_group("order/from_item");
    group.bench_function("flywheel", |b| {
        b.iter_batched(|| item.clone(), Order::from_item, BatchSize::SmallInput)
    });
    group.bench_function("hand_written", |b| {
        b.iter_batched(
            || item.clone(),
            hand::order_from_item,
            BatchSize::SmallInput,
        )
    });
    group.bench_function("serde_dynamo", |b| {
        b.iter_batched(
            || serde_item.clone(),
            serde_dynamo::from_item::<_, mirror::Order>,
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn game_score(c: &mut Criterion) {
    let score = sample_game_score();
    let mirror = mirror::GameScore::from(&score);
    let item = score.to_item().expect("flywheel stores the score");
    let serde_item: Item = serde_dynamo::to_item(&mirror).expect("serde_dynamo stores it");

    let mut group = c.benchmark_group("game_score/to_item");
    group.bench_function("flywheel", |b| b.iter(|| black_box(&score).to_item()));
    group.bench_function("hand_written", |b| {
        b.iter(|| hand::game_score_to_item(black_box(&score)))
    });
    group.bench_function("serde_dynamo", |b| {
        b.iter(|| serde_dynamo::to_item::<_, Item>(black_box(&mirror)))
    });
    group.finish();

    let mut group = c.benchmark_group("game_score/from_item");
    group.bench_function("flywheel", |b| {
        b.iter_batched(|| item.clone(), GameScore::from_item, BatchSize::SmallInput)
    });
    group.bench_function("hand_written", |b| {
        b.iter_batched(
            || item.clone(),
            hand::game_score_from_item,
            BatchSize::SmallInput,
        )
    });
    group.bench_function("serde_dynamo", |b| {
        b.iter_batched(
            || serde_item.clone(),
            serde_dynamo::from_item::<_, mirror::GameScore>,
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn sample_customer_order() -> CustomerOrder {
    let mut order = CustomerOrder::new(
        "alexdebrie",
        datetime(1_578_016_664, 123_456_789),
        "1VrgXBQ0VCshuQUnh1HrDIHQNwY",
        dec("67.43"),
    );
    order.number_of_items = 7;
    order.status = OrderStatus::Shipped;
    order
}

fn customer_order(c: &mut Criterion) {
    let order = sample_customer_order();
    let item = order.to_item().expect("flywheel stores the order");
    assert_eq!(
        hand::customer_order_to_item(&order).expect("format! stores it"),
        item,
        "CustomerOrder: the stored items differ"
    );
    assert_eq!(
        hand::customer_order_from_item(item.clone()).expect("the hand-written code reads it"),
        order
    );

    let mut group = c.benchmark_group("customer_order/to_item");
    group.bench_function("flywheel", |b| b.iter(|| black_box(&order).to_item()));
    group.bench_function("format", |b| {
        b.iter(|| hand::customer_order_to_item(black_box(&order)))
    });
    group.finish();

    let mut group = c.benchmark_group("customer_order/from_item");
    group.bench_function("flywheel", |b| {
        b.iter_batched(
            || item.clone(),
            CustomerOrder::from_item,
            BatchSize::SmallInput,
        )
    });
    group.bench_function("hand_written", |b| {
        b.iter_batched(
            || item.clone(),
            hand::customer_order_from_item,
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, sanity_check, order, game_score, customer_order);
criterion_main!(benches);
