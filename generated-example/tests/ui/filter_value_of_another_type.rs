use generated_example::models::GameScore;

fn main() {
    let _ = GameScore::WINS.eq("ten");
}
