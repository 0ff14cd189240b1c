use example_models::Activity;
use flywheel_runtime::chrono::DateTime;

fn main() {
    // A comparison on `at` ends the range-key condition: no part after it can be constrained.
    let t = DateTime::from_timestamp(0, 0).unwrap();
    let _ = Activity::query("a").gt(Activity::AT, t).eq(Activity::SEQ, 3u32);
}
