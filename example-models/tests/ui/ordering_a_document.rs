use example_models::UserProfile;

fn main() {
    let _ = UserProfile::SETTINGS.lt(flywheel_runtime::serde_json::json!({}));
}
