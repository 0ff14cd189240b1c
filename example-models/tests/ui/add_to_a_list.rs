use example_models::{Order, OrderKey};

fn main() {
    // DynamoDB's ADD works on numbers and sets; a list is extended with `append`.
    let _ = Order::update(OrderKey::new("c-1", "o-1")).add(Order::LINE_COUNTS, vec![1u32]);
}
