use flywheel_runtime::uuid::Uuid;
use example_models::{UserProfile, UserProfileKey};

fn main() {
    // `email` is required: an item without it could not be read back.
    let _ = UserProfile::update(UserProfileKey::new(Uuid::nil())).remove(UserProfile::EMAIL);
}
