//! Several entities in one table (`schemas/ecommerce/`): the discriminator written and checked,
//! reads of one entity that never return another, collections decoded by entity in key order
//! and paged with cursors.

use crate::harness::db;

use db::{raw_get, raw_put, s, start_with_tables};
use flywheel_runtime::chrono::{DateTime, Duration, Utc};
use flywheel_runtime::{Decimal, Engine, Error};
use generated_example::models::ecommerce::{
    Customer, CustomerKey, CustomerOrder, CustomerOrders, OrderItem, OrderItems,
};
use generated_example::shop;

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_578_016_664, 0).unwrap()
}

fn order(n: i64) -> CustomerOrder {
    CustomerOrder::new(
        "alex",
        start() + Duration::hours(n),
        format!("o{n}"),
        "10.5".parse::<Decimal>().unwrap(),
    )
}

fn item(order: &str, n: u32) -> OrderItem {
    OrderItem::new(
        order,
        format!("i{n}"),
        format!("thing {n}"),
        "1.25".parse::<Decimal>().unwrap(),
    )
}

/// Alex with five orders of two items each, and Sam with one order.
async fn shop_with_orders() -> (db::TestDb, Engine) {
    let (db, engine) = start_with_tables().await;
    shop::create_customer(&engine, &Customer::new("alex", "alex@example.com", "Alex"))
        .await
        .unwrap();
    shop::create_customer(&engine, &Customer::new("sam", "sam@example.com", "Sam"))
        .await
        .unwrap();
    for n in 0..5 {
        let order = order(n);
        let items = [item(&order.order_id, 0), item(&order.order_id, 1)];
        shop::place_order(&engine, &order, &items).await.unwrap();
    }
    let mut sams = order(9);
    sams.username = "sam".into();
    shop::place_order(&engine, &sams, &[]).await.unwrap();
    (db, engine)
}

#[tokio::test]
async fn every_item_names_its_entity() {
    let (_db, engine) = shop_with_orders().await;
    let customer = raw_get(
        &engine,
        "Ecommerce",
        &[("PK", s("CUSTOMER#alex")), ("SK", s("CUSTOMER#alex"))],
    )
    .await
    .unwrap();
    assert_eq!(customer["entity"], s("customer"));
    let order = raw_get(
        &engine,
        "Ecommerce",
        &[
            ("PK", s("CUSTOMER#alex")),
            ("SK", s("#ORDER#2020-01-03T01:57:44.000000000Z#o0")),
        ],
    )
    .await
    .unwrap();
    assert_eq!(order["entity"], s("order"));
    assert_eq!(order["GSI1PK"], s("ORDER#o0"));
    // An update that creates the item names the entity too.
    Customer::update(CustomerKey::new("kim"))
        .set(Customer::NAME, "Kim".to_owned())
        .send(&engine)
        .await
        .unwrap();
    let kim = raw_get(
        &engine,
        "Ecommerce",
        &[("PK", s("CUSTOMER#kim")), ("SK", s("CUSTOMER#kim"))],
    )
    .await
    .unwrap();
    assert_eq!(kim["entity"], s("customer"));
}

#[tokio::test]
async fn an_item_of_another_entity_is_an_error_naming_the_discriminator() {
    let (_db, engine) = shop_with_orders().await;
    // Something else stored under a customer's key: read as a customer, it is refused.
    raw_put(
        &engine,
        "Ecommerce",
        vec![
            ("PK", s("CUSTOMER#lee")),
            ("SK", s("CUSTOMER#lee")),
            ("entity", s("coupon")),
            ("username", s("lee")),
            ("email", s("lee@example.com")),
            ("name", s("Lee")),
        ],
    )
    .await;
    let err = engine.get(CustomerKey::new("lee")).await.unwrap_err();
    let Error::Decode(decode) = err else {
        panic!("a decode error, not {err:?}");
    };
    assert_eq!(decode.attribute, "entity");
    assert!(decode.expected.contains("\"customer\""), "{decode:?}");
    assert!(decode.found.contains("coupon"), "{decode:?}");
    assert!(decode.key.contains("CUSTOMER#lee"), "{decode:?}");
    // Reads of the entity leave it out, as they leave out every other entity's items.
    let customers = Customer::scan().all(&engine).await.unwrap();
    let names: Vec<&str> = customers.iter().map(|c| c.username.as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"alex") && names.contains(&"sam"));
    let orders = CustomerOrder::query("alex").all(&engine).await.unwrap();
    assert_eq!(orders.len(), 5);
    assert!(OrderItem::scan().all(&engine).await.unwrap().len() == 10);
}

#[tokio::test]
async fn a_collection_reads_its_entities_in_key_order_page_by_page() {
    let (_db, engine) = shop_with_orders().await;
    // An item of an entity outside the collection in the same partition is left out.
    raw_put(
        &engine,
        "Ecommerce",
        vec![
            ("PK", s("CUSTOMER#alex")),
            ("SK", s("#NOTE#1")),
            ("entity", s("note")),
        ],
    )
    .await;
    let all = CustomerOrders::query("alex")
        .reverse()
        .all(&engine)
        .await
        .unwrap();
    let shape: Vec<String> = all
        .iter()
        .map(|i| match i {
            CustomerOrders::Customer(c) => format!("customer {}", c.username),
            CustomerOrders::CustomerOrder(o) => format!("order {}", o.order_id),
        })
        .collect();
    assert_eq!(
        shape,
        [
            "customer alex",
            "order o4",
            "order o3",
            "order o2",
            "order o1",
            "order o0"
        ]
    );
    // Page by page, two at a time, resumed by cursor: the same sequence.
    let mut paged = Vec::new();
    let mut cursor = None;
    loop {
        let page = CustomerOrders::query("alex")
            .reverse()
            .limit(2)
            .page(&engine, cursor.as_ref())
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        paged.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(paged, all);
    // The other collection, on the global index: the order and its items.
    let order = OrderItems::query("o3").all(&engine).await.unwrap();
    let shape: Vec<String> = order
        .iter()
        .map(|i| match i {
            OrderItems::CustomerOrder(o) => format!("order {}", o.order_id),
            OrderItems::OrderItem(i) => format!("item {}", i.item_id),
        })
        .collect();
    assert_eq!(shape, ["item i0", "item i1", "order o3"]);
}

#[tokio::test]
async fn an_item_of_an_unknown_entity_read_by_a_collection_is_an_error() {
    let (_db, engine) = shop_with_orders().await;
    let first = CustomerOrders::query("sam").all(&engine).await.unwrap();
    assert_eq!(first.len(), 2);
    // The collection's filter names its entities; an item claiming to be one of them but
    // holding something else is a decode error of that entity, never another variant.
    raw_put(
        &engine,
        "Ecommerce",
        vec![
            ("PK", s("CUSTOMER#sam")),
            ("SK", s("#ORDER#bad")),
            ("entity", s("order")),
        ],
    )
    .await;
    let err = CustomerOrders::query("sam").all(&engine).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}
