use example_models::{Order, OrderKey};

fn main() {
    // flywheel counts the version itself; setting it would defeat the version checks.
    let _ = Order::update(OrderKey::new("c-1", "o-1")).set(Order::REVISION, 7);
}
