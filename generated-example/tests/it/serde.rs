//! Models generated with `--serde` serialise with their stored attribute names and enum values,
//! and read back equal.

use flywheel_runtime::chrono::{TimeZone, Utc};
use flywheel_runtime::serde_json::{self, json};
use flywheel_runtime::uuid::Uuid;
use generated_example::models::user_profile::{AccountKind, Address, Status, UserProfile};
use generated_example::models::{GameScore, GameScoreKey};

#[test]
fn models_serialise_with_stored_names_and_round_trip() {
    let mut score = GameScore::new("abc", "Comet Quest");
    score.top_score = Some(9500);
    score.top_score_time = Some(Utc.with_ymd_and_hms(2024, 6, 2, 20, 0, 0).unwrap());
    let text = serde_json::to_value(&score).unwrap();
    assert_eq!(text["userid"], json!("abc"));
    assert_eq!(text["top_score"], json!(9500));
    let back: GameScore = serde_json::from_value(text).unwrap();
    assert_eq!(back, score);

    let key: GameScoreKey =
        serde_json::from_value(json!({"userid": "abc", "title": "Comet Quest"})).unwrap();
    assert_eq!(key, score.key());

    let mut profile = UserProfile::new(
        Uuid::from_u128(7),
        "ada@example.com",
        Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
    );
    profile.display_name = Some("Ada".into());
    profile.r#type = AccountKind::NonProfit;
    profile.status = Status::Suspended;
    profile.home = Some(Address::new("Paris"));
    let value = serde_json::to_value(&profile).unwrap();
    // Attribute names as stored, enum values as stored.
    assert_eq!(value["displayName"], json!("Ada"));
    assert_eq!(value["type"], json!("non-profit"));
    assert_eq!(value["status"], json!("suspended"));
    assert_eq!(value["home"]["city"], json!("Paris"));
    let back: UserProfile = serde_json::from_value(value).unwrap();
    assert_eq!(back, profile);
}
