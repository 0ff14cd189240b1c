use example_models::{Activity, ActivityKey};
use flywheel_runtime::chrono::DateTime;

fn main() {
    let key = ActivityKey::new("a", DateTime::from_timestamp(0, 0).unwrap(), 1u32);
    // `by_label` is written from `label`: an update sets `label`, and flywheel `by_label`.
    let _ = Activity::update(key).set(Activity::BY_LABEL, "LABEL#x".to_owned());
}
