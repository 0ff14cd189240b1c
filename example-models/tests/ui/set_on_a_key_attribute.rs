use example_models::{GameScore, GameScoreKey};

fn main() {
    // An update cannot change the key of the item it updates.
    let _ = GameScore::update(GameScoreKey::new("abc", "Comet Quest")).set(GameScore::TITLE, "x");
}
