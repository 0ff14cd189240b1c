use example_models::{Activity, ActivityKey};
use flywheel_runtime::chrono::DateTime;

fn main() {
    let key = ActivityKey::new("a", DateTime::from_timestamp(0, 0).unwrap(), 1u32);
    // `seq` is a part of the range key `sk`: changing it would change the item's key.
    let _ = Activity::update(key).incr(Activity::SEQ, 1u32);
}
