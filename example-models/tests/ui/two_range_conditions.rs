use example_models::GameScore;

fn main() {
    // DynamoDB takes one condition on the range key: both bounds go in `range_between`.
    let _ = GameScore::query_game_title_index("Comet Quest")
        .range_gt(5_i64)
        .range_lt(10_i64);
}
