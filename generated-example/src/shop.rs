//! The access patterns of the e-commerce design of `schemas/ecommerce/` (The DynamoDB Book,
//! chapter 19), each one typed call on the generated models. This and the four schema files are
//! the whole design; the `ecommerce` binary tells it as a story.

use flywheel_runtime::{Cursor, Engine, Page, Result};

use crate::models::ecommerce::customer::Address;
use crate::models::ecommerce::order::OrderStatus;
use crate::models::ecommerce::{
    Customer, CustomerKey, CustomerOrder, CustomerOrderKey, CustomerOrders, OrderItem, OrderItems,
};

/// Creates a customer; an existing customer of that user name is an error, never overwritten,
/// and so is an email another customer has (`email` is unique: its uniqueness item is written
/// in the same transaction).
pub async fn create_customer(engine: &Engine, customer: &Customer) -> Result<()> {
    engine.save(customer).create_only().await.map(drop)
}

/// Adds or replaces the address `name` of a customer, leaving the others.
pub async fn upsert_address(
    engine: &Engine,
    username: &str,
    name: &str,
    address: Address,
) -> Result<()> {
    let update = Customer::update(CustomerKey::new(username));
    update
        .set(Customer::ADDRESSES.entry(name), address)
        .send(engine)
        .await
}

/// A customer and their newest orders, in one query: the customer first, then the orders,
/// newest first; `cursor` reads on into older orders.
pub async fn customer_and_orders(
    engine: &Engine,
    username: &str,
    orders: usize,
    cursor: Option<&Cursor>,
) -> Result<Page<CustomerOrders>> {
    let query = CustomerOrders::query(username).reverse().limit(orders + 1);
    query.page(engine, cursor).await
}

/// Places an order with its items, all or nothing.
pub async fn place_order(
    engine: &Engine,
    order: &CustomerOrder,
    items: &[OrderItem],
) -> Result<()> {
    let write = engine.transact_write().create(order);
    items
        .iter()
        .fold(write, |w, item| w.create(item))
        .send()
        .await
}

/// Changes the status of an order.
pub async fn update_order_status(
    engine: &Engine,
    key: CustomerOrderKey,
    status: OrderStatus,
) -> Result<()> {
    CustomerOrder::update(key)
        .set(CustomerOrder::STATUS, status)
        .send(engine)
        .await
}

/// An order and its items, in one query of GSI1.
pub async fn order_and_items(engine: &Engine, order_id: &str) -> Result<Vec<OrderItems>> {
    OrderItems::query(order_id).all(engine).await
}

/// A customer's orders placed in a period, newest first.
pub async fn orders_between(
    engine: &Engine,
    username: &str,
    from: flywheel_runtime::chrono::DateTime<flywheel_runtime::chrono::Utc>,
    to: flywheel_runtime::chrono::DateTime<flywheel_runtime::chrono::Utc>,
) -> Result<Vec<CustomerOrder>> {
    let query = CustomerOrder::query(username).between(CustomerOrder::PLACED_AT, from, to);
    query.reverse().all(engine).await
}
