use example_models::order::OrderBySkuItem;
use flywheel_runtime::Engine;

async fn write_back(engine: &Engine, item: OrderBySkuItem) -> flywheel_runtime::Result<()> {
    // An index item holds only the attributes the index projects: saving it would drop the rest.
    engine.save(&item).await?;
    engine.delete_item(&item).await?;
    Ok(())
}

fn main() {
    let _ = write_back;
}
