use example_models::Activity;

fn main() {
    // The range key is `AT#{at}#{seq:6}`: `seq` comes after `at`, which must be fixed first.
    let _ = Activity::query("a").gt(Activity::SEQ, 3u32);
}
