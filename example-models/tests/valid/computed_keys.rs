//! The valid forms of the refusals on computed keys: parts constrained in template order, a
//! part of a computed key changed by saving the item under its new key, an index key's part
//! changed by saving (or syncing) the model.

use example_models::{Activity, ActivityKey};
use flywheel_runtime::Engine;
use flywheel_runtime::chrono::DateTime;

async fn computed_keys(engine: &Engine) -> flywheel_runtime::Result<()> {
    let t = DateTime::from_timestamp(0, 0).unwrap();
    // `at` first, then `seq`; a comparison ends the condition.
    let _ = Activity::query("a")
        .eq(Activity::AT, t)
        .gt(Activity::SEQ, 3u32)
        .all(engine)
        .await?;
    let _ = Activity::query("a").gt(Activity::AT, t).all(engine).await?;
    let _ = Activity::query("a")
        .between(Activity::AT, t, t)
        .reverse()
        .first(engine)
        .await?;
    let _ = Activity::query_by_kind("a")
        .eq(Activity::KIND, example_models::activity::Kind::Login)
        .begins_with(Activity::LABEL, "x")
        .count(engine)
        .await?;
    // Other attributes are updated as usual, and the parts of an index key all together;
    // parts of the table key and computed attributes change with the model.
    let key = ActivityKey::new("a", t, 1u32);
    Activity::update(key.clone())
        .set(Activity::NOTE, "seen".to_owned())
        .send(engine)
        .await?;
    Activity::update(key.clone())
        .set(Activity::KIND, example_models::activity::Kind::Login)
        .set(Activity::LABEL, "x".to_owned())
        .set(Activity::SCORE, 1)
        .send(engine)
        .await?;
    if let Some(mut activity) = engine.get(key).await? {
        activity.label = Some("x".into());
        activity.seq += 1;
        engine.save(&activity).await?;
    }
    Ok(())
}

pub fn compiles() {
    let _ = computed_keys;
}
