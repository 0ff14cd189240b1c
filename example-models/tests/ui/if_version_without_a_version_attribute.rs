use example_models::{GameScore, GameScoreKey};
use flywheel_runtime::Engine;

fn checks(engine: &Engine) {
    let _ = GameScore::update(GameScoreKey::new("abc", "Comet Quest")).if_version(3);
    let _ = engine.delete(GameScoreKey::new("abc", "Comet Quest")).if_version(3);
}

fn main() {
    let _ = checks;
}
