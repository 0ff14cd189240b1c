use example_models::Order;
use example_models::order::OrderState;

fn main() {
    // `currency` is the second hash-key attribute of `ByStateCurrency`: the key condition
    // holds it, so a filter may not.
    let _ = Order::query_by_state_currency(OrderState::Paid, "EUR")
        .filter(Order::CURRENCY.eq("USD"));
}
