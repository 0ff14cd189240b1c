use example_models::{GameScore, GameScoreKey, Order};

fn main() {
    // A condition on an update, and a condition that mixes the handles of two models.
    let _ = GameScore::update(GameScoreKey::new("abc", "Comet Quest")).condition(Order::CURRENCY.eq("EUR"));
    let _ = GameScore::WINS.gt(3) & Order::CURRENCY.eq("EUR");
}
