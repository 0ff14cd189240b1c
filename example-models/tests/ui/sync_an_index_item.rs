use example_models::order::OrderBySkuItem;
use flywheel_runtime::Tracked;

fn track(item: OrderBySkuItem) {
    // An index item holds only the attributes the index projects: it cannot be synced.
    let _ = Tracked::new(item);
}

fn main() {
    let _ = track;
}
