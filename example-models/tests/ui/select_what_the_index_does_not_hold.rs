use example_models::{GameScore, Order};

fn main() {
    // BySku is KEYS_ONLY: it holds the keys, not `total`.
    let _ = Order::query_by_sku("sku-1").select((Order::SKU, Order::TOTAL));
    // Another model's attribute.
    let _ = Order::scan().select(GameScore::WINS);
}
