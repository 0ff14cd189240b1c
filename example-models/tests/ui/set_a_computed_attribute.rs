use example_models::{Activity, ActivityKey};
use flywheel_runtime::chrono::DateTime;

fn main() {
    let key = ActivityKey::new("a", DateTime::from_timestamp(0, 0).unwrap(), 1u32);
    // `by_label` is written from `label`; `label` is a part of it, so neither is set alone.
    let _ = Activity::update(key.clone()).set(Activity::BY_LABEL, "LABEL#x".to_owned());
    let _ = Activity::update(key).set(Activity::LABEL, "x".to_owned());
}
