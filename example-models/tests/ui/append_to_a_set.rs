use std::collections::BTreeSet;

use flywheel_runtime::uuid::Uuid;
use example_models::{UserProfile, UserProfileKey};

fn main() {
    // Sets have no order to append to; `add` puts elements in.
    let _ = UserProfile::update(UserProfileKey::new(Uuid::nil()))
        .append(UserProfile::TAGS, BTreeSet::from(["vip"]));
}
