use example_models::Activity;

fn main() {
    // A computed range key is conditioned by its parts, not by its written text.
    let _ = Activity::query("a").range_begins_with("AT#2024");
}
