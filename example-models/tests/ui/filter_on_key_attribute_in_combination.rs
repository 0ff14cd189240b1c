use example_models::GameScore;

fn main() {
    // title is the table's range key; hidden inside an OR it is still rejected.
    let _ = GameScore::query("abc")
        .filter(GameScore::WINS.gt(3) | GameScore::TITLE.begins_with("Comet"));
}
