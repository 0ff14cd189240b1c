use example_models::Order;

async fn recent(engine: &flywheel_runtime::Engine) -> flywheel_runtime::Result<()> {
    // ByCreated projects only total and state besides the keys.
    for order in Order::query_by_created("c-1").all(engine).await? {
        println!("{} {}", order.total, order.currency);
    }
    Ok(())
}

fn main() {
    let _ = recent;
}
