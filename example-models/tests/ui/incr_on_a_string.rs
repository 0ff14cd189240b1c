use flywheel_runtime::uuid::Uuid;
use example_models::{UserProfile, UserProfileKey};

fn main() {
    // DynamoDB's ADD increments numbers only.
    let _ = UserProfile::update(UserProfileKey::new(Uuid::nil())).incr(UserProfile::EMAIL, "1");
}
