use example_models::GameScore;

fn main() {
    let _ = GameScore::WINS.contains(1_i64);
}
