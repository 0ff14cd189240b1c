use generated_example::models::GameScore;

fn main() {
    let _ = GameScore::query_game_title_index("Comet Quest").consistent();
}
