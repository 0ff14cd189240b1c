use example_models::GameScore;

fn main() {
    let _ = GameScore::WINS.eq("ten");
}
