use example_models::Order;
use example_models::order::OrderState;

fn main() {
    // The range key of `ByStateCurrency` is `created_at`, then `total`: `created_at` is
    // constrained first.
    let _ = Order::query_by_state_currency(OrderState::Paid, "EUR")
        .gt(Order::TOTAL, flywheel_runtime::Decimal::from(10));
}
