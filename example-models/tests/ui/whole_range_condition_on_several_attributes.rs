use example_models::Order;

fn main() {
    // The range key of `BySkuPrice` is three attributes, each conditioned by name.
    let _ = Order::query_by_sku_price("sku-1").range_begins_with("EUR");
}
