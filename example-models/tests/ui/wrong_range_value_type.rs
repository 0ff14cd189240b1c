use example_models::GameScore;

fn main() {
    // The range key of GameTitleIndex, `top_score`, is an int.
    let _ = GameScore::query_game_title_index("Comet Quest").range_gt("9000");
}
