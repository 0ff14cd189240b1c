use example_models::UserProfile;

async fn lookup(engine: &flywheel_runtime::Engine) -> flywheel_runtime::Result<()> {
    // ByEmail is a KEYS_ONLY index: it holds user_id and email only.
    for profile in UserProfile::query_by_email("ada@example.com").all(engine).await? {
        println!("{:?}", profile.display_name);
    }
    Ok(())
}

fn main() {
    let _ = lookup;
}
