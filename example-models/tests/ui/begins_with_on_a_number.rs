use example_models::GameScore;

fn main() {
    let _ = GameScore::WINS.begins_with(1_i64);
}
