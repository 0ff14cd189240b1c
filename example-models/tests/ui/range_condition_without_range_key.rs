use example_models::UserProfile;

fn main() {
    let id = flywheel_runtime::uuid::Uuid::nil();
    // The UserProfiles table has no range key.
    let _ = UserProfile::query(id).range_gt(id);
}
