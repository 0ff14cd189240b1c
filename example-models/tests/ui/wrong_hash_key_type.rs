use example_models::GameScore;

fn main() {
    // `userid` is a string.
    let _ = GameScore::query(42_i64);
}
