use example_models::{GameScore, Order};

fn main() {
    let _ = GameScore::query("abc").filter(Order::CURRENCY.eq("EUR"));
}
