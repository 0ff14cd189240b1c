//! Global indexes keyed by several attributes (`schemas/order.toml`: `ByStateCurrency`, two
//! hash-key and two range-key attributes; `BySkuPrice`, one and three): the table is created
//! with those key schemas, queries take every hash-key attribute, conditions on the range-key
//! attributes in order select what the same filter selects in memory, in DynamoDB's order
//! (attribute by attribute, numbers as numbers), cursors page through them, and an item is in
//! an index only while it has every key attribute.

use crate::harness::data::dec;
use crate::harness::db::{self, start_with_tables, table};

use flywheel_runtime::chrono::{DateTime, Utc};
use flywheel_runtime::index::Index;
use flywheel_runtime::{Decimal, Engine, Error, Query};
use generated_example::models::Order;
use generated_example::models::order::{OrderBySkuPriceItem, OrderKey, OrderState};

fn at(hour: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + hour * 3600, 0).unwrap()
}

const HOURS: [i64; 3] = [0, 1, 2];
/// Totals whose text order differs from their numeric order.
const TOTALS: [&str; 4] = ["9", "10", "100", "-1.5"];
const CURRENCIES: [&str; 2] = ["EUR", "USD"];
const STATES: [OrderState; 2] = [OrderState::Open, OrderState::Paid];

/// Every state, currency, hour and total once. Paid orders have a `sku` (by the hour's
/// parity), open ones none, so only paid orders are in `BySkuPrice`.
fn orders() -> Vec<Order> {
    let mut out = Vec::new();
    for state in STATES {
        for currency in CURRENCIES {
            for hour in HOURS {
                for total in TOTALS {
                    let n = out.len();
                    let mut o = Order::new("c", format!("o-{n:03}"), at(hour), dec(total));
                    o.state = state;
                    o.currency = currency.to_owned();
                    o.sku = (state == OrderState::Paid).then(|| format!("sku-{}", 1 + hour % 2));
                    out.push(o);
                }
            }
        }
    }
    out
}

async fn loaded() -> (db::TestDb, Engine, Vec<Order>) {
    let (db, engine) = start_with_tables().await;
    let all = orders();
    for o in &all {
        engine.save(o).await.unwrap();
    }
    (db, engine, all)
}

/// The paid orders in euros for which `keep` holds, in the order of `ByStateCurrency`.
fn paid_in_euros(all: &[Order], keep: impl Fn(&Order) -> bool) -> Vec<String> {
    let mut out: Vec<&Order> = all
        .iter()
        .filter(|o| o.state == OrderState::Paid && o.currency == "EUR" && keep(o))
        .collect();
    out.sort_by(|a, b| (a.created_at, &a.total).cmp(&(b.created_at, &b.total)));
    out.into_iter().map(|o| o.order_id.clone()).collect()
}

/// The order ids of every order `query` returns, in its order.
async fn ids<I: Index<Model = Order>, R>(
    engine: &Engine,
    query: Query<I, Order, R>,
) -> Vec<String> {
    let orders = query.all(engine).await.unwrap();
    orders.into_iter().map(|o| o.order_id).collect()
}

/// The order ids of every item of `BySkuPrice` `query` returns, in its order.
async fn item_ids<I: Index<Model = Order>, R>(
    engine: &Engine,
    query: Query<I, OrderBySkuPriceItem, R>,
) -> Vec<String> {
    let items = query.all(engine).await.unwrap();
    items.into_iter().map(|i| i.order_id).collect()
}

#[tokio::test]
async fn the_table_is_created_with_keys_of_several_attributes() {
    let (_db, engine) = start_with_tables().await;
    let table = engine
        .client()
        .describe_table()
        .table_name(table(&engine, "Orders"))
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    let key_schema = |name: &str| -> Vec<(String, String)> {
        let index = table
            .global_secondary_indexes()
            .iter()
            .find(|i| i.index_name() == Some(name))
            .unwrap_or_else(|| panic!("index {name} created"));
        index
            .key_schema()
            .iter()
            .map(|k| {
                (
                    k.attribute_name().to_owned(),
                    k.key_type().as_str().to_owned(),
                )
            })
            .collect()
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(a, k)| ((*a).to_owned(), (*k).to_owned()))
            .collect()
    };
    assert_eq!(
        key_schema("ByStateCurrency"),
        pairs(&[
            ("state", "HASH"),
            ("currency", "HASH"),
            ("created_at", "RANGE"),
            ("total", "RANGE"),
        ])
    );
    assert_eq!(
        key_schema("BySkuPrice"),
        pairs(&[
            ("sku", "HASH"),
            ("currency", "RANGE"),
            ("total", "RANGE"),
            ("created_at", "RANGE"),
        ])
    );
    let total = table
        .attribute_definitions()
        .iter()
        .find(|d| d.attribute_name() == "total")
        .expect("every key attribute is defined");
    assert_eq!(total.attribute_type().as_str(), "N");
}

#[tokio::test]
async fn every_condition_on_the_range_key_attributes_selects_what_it_says() {
    let (_db, engine, all) = loaded().await;
    let q = || Order::query_by_state_currency(OrderState::Paid, "EUR");
    let e = &engine;
    assert_eq!(ids(e, q()).await, paid_in_euros(&all, |_| true));
    let ten = dec("10");
    for hour in HOURS {
        let t = at(hour);
        let same_hour = |o: &Order| o.created_at == t;
        assert_eq!(
            ids(e, q().eq(Order::CREATED_AT, t)).await,
            paid_in_euros(&all, same_hour),
            "equality on the first attribute, at hour {hour}"
        );
        type Keep = fn(&Order, &Decimal) -> bool;
        let cases: [(&str, Read, Keep); 5] = [
            (
                "lt",
                q().eq(Order::CREATED_AT, t).lt(Order::TOTAL, ten.clone()),
                |o, v| &o.total < v,
            ),
            (
                "le",
                q().eq(Order::CREATED_AT, t).le(Order::TOTAL, ten.clone()),
                |o, v| &o.total <= v,
            ),
            (
                "gt",
                q().eq(Order::CREATED_AT, t).gt(Order::TOTAL, ten.clone()),
                |o, v| &o.total > v,
            ),
            (
                "ge",
                q().eq(Order::CREATED_AT, t).ge(Order::TOTAL, ten.clone()),
                |o, v| &o.total >= v,
            ),
            (
                "eq",
                q().eq(Order::CREATED_AT, t).eq(Order::TOTAL, ten.clone()),
                |o, v| &o.total == v,
            ),
        ];
        for (op, query, keep) in cases {
            assert_eq!(
                ids(e, query).await,
                paid_in_euros(&all, |o| same_hour(o) && keep(o, &ten)),
                "`{op}` on the second attribute, at hour {hour}"
            );
        }
        assert_eq!(
            ids(
                e,
                q().eq(Order::CREATED_AT, t)
                    .between(Order::TOTAL, dec("-2"), dec("10"))
            )
            .await,
            paid_in_euros(&all, |o| same_hour(o)
                && o.total >= dec("-2")
                && o.total <= ten),
            "`between` on the second attribute, at hour {hour}"
        );
    }
    let one = at(1);
    assert_eq!(
        ids(e, q().lt(Order::CREATED_AT, one)).await,
        paid_in_euros(&all, |o| o.created_at < one)
    );
    assert_eq!(
        ids(e, q().le(Order::CREATED_AT, one)).await,
        paid_in_euros(&all, |o| o.created_at <= one)
    );
    assert_eq!(
        ids(e, q().gt(Order::CREATED_AT, one)).await,
        paid_in_euros(&all, |o| o.created_at > one)
    );
    assert_eq!(
        ids(e, q().ge(Order::CREATED_AT, one)).await,
        paid_in_euros(&all, |o| o.created_at >= one)
    );
    assert_eq!(
        ids(e, q().between(Order::CREATED_AT, at(1), at(2))).await,
        paid_in_euros(&all, |o| o.created_at >= at(1))
    );
    // Reversed: the same items, last first.
    let mut reversed = paid_in_euros(&all, |o| o.created_at >= one);
    reversed.reverse();
    assert_eq!(
        ids(e, q().ge(Order::CREATED_AT, one).reverse()).await,
        reversed
    );
    // Another partition: every hash-key attribute is in the condition.
    let open_usd = Order::query_by_state_currency(OrderState::Open, "USD")
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(open_usd.len(), HOURS.len() * TOTALS.len());
    assert!(
        open_usd
            .iter()
            .all(|o| o.state == OrderState::Open && o.currency == "USD")
    );
    assert_eq!(
        Order::query_by_state_currency(OrderState::Cancelled, "EUR")
            .count(&engine)
            .await
            .unwrap(),
        0
    );
}

type Read = Query<
    generated_example::models::order::index::ByStateCurrency,
    Order,
    flywheel_runtime::query::Ranged,
>;

#[tokio::test]
async fn three_range_key_attributes_of_a_sparse_keys_only_index() {
    let (_db, engine, all) = loaded().await;
    let in_sku = |sku: &str, keep: &dyn Fn(&Order) -> bool| -> Vec<String> {
        let mut out: Vec<&Order> = all
            .iter()
            .filter(|o| o.sku.as_deref() == Some(sku) && keep(o))
            .collect();
        out.sort_by(|a, b| {
            (&a.currency, &a.total, a.created_at).cmp(&(&b.currency, &b.total, b.created_at))
        });
        out.into_iter().map(|o| o.order_id.clone()).collect()
    };
    let e = &engine;
    let q = || Order::query_by_sku_price("sku-1");
    assert_eq!(item_ids(e, q()).await, in_sku("sku-1", &|_| true));
    assert_eq!(
        item_ids(
            e,
            q().eq(Order::CURRENCY, "EUR")
                .eq(Order::TOTAL, dec("9"))
                .ge(Order::CREATED_AT, at(1))
        )
        .await,
        in_sku("sku-1", &|o| o.currency == "EUR"
            && o.total == dec("9")
            && o.created_at >= at(1))
    );
    assert_eq!(
        item_ids(
            e,
            q().eq(Order::CURRENCY, "USD")
                .between(Order::TOTAL, dec("-2"), dec("9.5"))
        )
        .await,
        in_sku("sku-1", &|o| o.currency == "USD"
            && o.total >= dec("-2")
            && o.total <= dec("9.5"))
    );
    assert_eq!(
        item_ids(e, q().begins_with(Order::CURRENCY, "U")).await,
        in_sku("sku-1", &|o| o.currency.starts_with('U'))
    );
    // Open orders have no `sku`, so they are in neither partition.
    let in_index = q().count(&engine).await.unwrap()
        + Order::query_by_sku_price("sku-2")
            .count(&engine)
            .await
            .unwrap();
    let paid = all.iter().filter(|o| o.state == OrderState::Paid).count();
    assert_eq!(in_index, paid as u64);

    // An item joins the index when it gets every key attribute, and leaves it when it loses one.
    let open = all.iter().find(|o| o.state == OrderState::Open).unwrap();
    let key = OrderKey::new(&open.customer_id, &open.order_id);
    let mut read = engine.get(key.clone()).await.unwrap().unwrap();
    read.sku = Some("sku-9".into());
    engine.save(&read).await.unwrap();
    let joined = Order::query_by_sku_price("sku-9")
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(
        joined
            .iter()
            .map(|i| i.order_id.as_str())
            .collect::<Vec<_>>(),
        [open.order_id.as_str()]
    );
    let mut read = engine.get(key).await.unwrap().unwrap();
    read.sku = None;
    engine.save(&read).await.unwrap();
    assert_eq!(
        Order::query_by_sku_price("sku-9")
            .count(&engine)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn cursors_page_through_a_key_of_several_attributes_and_stay_with_their_query() {
    let (_db, engine, all) = loaded().await;
    let query = Order::query_by_state_currency(OrderState::Paid, "EUR")
        .gt(Order::CREATED_AT, at(0))
        .page_size(3);
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = query.page(&engine, cursor.as_ref()).await.unwrap();
        seen.extend(page.items.into_iter().map(|o| o.order_id));
        pages += 1;
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages < 10, "the pages end");
    }
    assert_eq!(seen, paid_in_euros(&all, |o| o.created_at > at(0)));
    assert!(pages >= 3, "read in pages of 3: {pages} pages");

    // A cursor is bound to its query: another value of the second hash-key attribute, or
    // another condition on a range-key attribute, refuses it.
    let first = query.page(&engine, None).await.unwrap();
    let cursor = first.next.expect("more than one page");
    let other_currency = Order::query_by_state_currency(OrderState::Paid, "USD")
        .gt(Order::CREATED_AT, at(0))
        .page_size(3);
    assert!(matches!(
        other_currency.page(&engine, Some(&cursor)).await,
        Err(Error::InvalidCursor(_))
    ));
    let other_condition = Order::query_by_state_currency(OrderState::Paid, "EUR")
        .ge(Order::CREATED_AT, at(0))
        .page_size(3);
    assert!(matches!(
        other_condition.page(&engine, Some(&cursor)).await,
        Err(Error::InvalidCursor(_))
    ));
    // The same query takes it, and goes on where the first page ended.
    let second = query.page(&engine, Some(&cursor)).await.unwrap();
    let expected = paid_in_euros(&all, |o| o.created_at > at(0));
    assert_eq!(
        second
            .items
            .iter()
            .map(|o| o.order_id.clone())
            .collect::<Vec<_>>(),
        expected[3..6]
    );
}
