use example_models::ecommerce::{Customer, CustomerKey};

fn main() {
    // `email` is unique: its uniqueness item moves with it, which a sync does and an update
    // cannot.
    let _ = Customer::update(CustomerKey::new("alex")).set(Customer::EMAIL, "a@x".to_owned());
}
