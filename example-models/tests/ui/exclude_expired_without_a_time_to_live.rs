use example_models::GameScore;

fn main() {
    let _ = GameScore::scan().exclude_expired();
}
