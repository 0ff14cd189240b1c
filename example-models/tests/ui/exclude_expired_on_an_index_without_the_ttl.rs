use example_models::Order;

fn main() {
    // BySku is KEYS_ONLY: it does not hold `purge_at`, the time to live of Order.
    let _ = Order::query_by_sku("sku-1").exclude_expired();
}
