use example_models::UserProfile;
use example_models::user_profile::Status;

fn main() {
    // ByEmail is a KEYS_ONLY global index: it holds no `status` to filter on.
    let _ = UserProfile::query_by_email("ada@example.com").filter(UserProfile::STATUS.eq(Status::Active));
}
