use example_models::GameScore;

fn main() {
    let _ = GameScore::query_game_title_index("Comet Quest").range_begins_with(90_i64);
}
