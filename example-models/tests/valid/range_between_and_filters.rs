use example_models::GameScore;

pub fn compiles() {
    // Both bounds in one condition, and further narrowing through filters.
    let _ = GameScore::query_game_title_index("Comet Quest")
        .range_between(5_i64, 10_i64)
        .filter(GameScore::WINS.gt(3))
        .filter(GameScore::LOSSES.lt(2))
        .limit(10)
        .limit(5);
}
