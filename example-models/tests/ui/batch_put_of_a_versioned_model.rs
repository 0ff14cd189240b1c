use example_models::{GameScore, Order};
use flywheel_runtime::Engine;

async fn load(engine: &Engine, scores: &[GameScore], orders: &[Order]) {
    let _ = engine.batch_write().put_all(scores).put(&orders[0]).send().await;
    let _ = engine.save_many(orders).await;
}

fn main() {
    let _ = load;
}
