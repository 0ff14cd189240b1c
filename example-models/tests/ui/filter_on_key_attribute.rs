use example_models::GameScore;

fn main() {
    // top_score is the range key of GameTitleIndex: DynamoDB rejects it in a filter there.
    let _ = GameScore::query_game_title_index("Comet Quest").filter(GameScore::TOP_SCORE.gt(9000));
}
