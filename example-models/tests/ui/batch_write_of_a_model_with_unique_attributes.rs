use example_models::ecommerce::{Customer, CustomerKey};
use flywheel_runtime::Engine;

// `Customer`'s `email` is unique: the writes that cannot keep its uniqueness items in step.
async fn bypass(engine: &Engine, customers: &[Customer]) {
    let _ = engine.batch_write().put(&customers[0]).send().await;
    let _ = engine.delete_keys([CustomerKey::new("sam")]).await;
    let _ = Customer::query("alex").delete(engine).await;
    let _ = engine.transact_write().delete(CustomerKey::new("sam")).send().await;
}

fn main() {
    let _ = bypass;
}
