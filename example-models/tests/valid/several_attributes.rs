//! The valid forms of the refusals on keys of several attributes: every hash-key attribute as
//! an argument, range-key attributes constrained in key-schema order, and filters on the
//! attributes outside the index's keys.

use example_models::Order;
use example_models::order::OrderState;
use flywheel_runtime::chrono::DateTime;
use flywheel_runtime::{Decimal, Engine};

async fn several_attributes(engine: &Engine) -> flywheel_runtime::Result<()> {
    let t = DateTime::from_timestamp(0, 0).unwrap();
    let _ = Order::query_by_state_currency(OrderState::Paid, "EUR")
        .eq(Order::CREATED_AT, t)
        .gt(Order::TOTAL, Decimal::from(10))
        .filter(Order::SKU.exists())
        .all(engine)
        .await?;
    let _ = Order::query_by_state_currency(OrderState::Open, "USD")
        .between(Order::CREATED_AT, t, t)
        .reverse()
        .first(engine)
        .await?;
    let _ = Order::query_by_sku_price("sku-1")
        .eq(Order::CURRENCY, "EUR")
        .eq(Order::TOTAL, Decimal::from(9))
        .le(Order::CREATED_AT, t)
        .count(engine)
        .await?;
    let _ = Order::query_by_sku_price("sku-1")
        .begins_with(Order::CURRENCY, "E")
        .fetch_full(engine)
        .await?;
    Ok(())
}

pub fn compiles() {
    let _ = several_attributes;
}
