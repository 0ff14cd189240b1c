use example_models::UserProfile;

fn main() {
    // A set has no positions, a list has no named entries.
    let _ = UserProfile::TAGS.index(0);
    let _ = UserProfile::ADDRESSES.entry("home");
}
