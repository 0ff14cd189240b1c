use example_models::GameScore;

fn main() {
    let _ = GameScore::query_game_title_index("Comet Quest").consistent();
}
