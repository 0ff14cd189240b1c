//! The GameScore story of the original flywheel README, told with generated models.
//!
//! By default it runs against an in-process DynamoDB emulator that needs no setup. Pass `--aws`
//! to use the standard AWS configuration instead (`AWS_REGION`, credentials, and optionally
//! `AWS_ENDPOINT_URL` for any DynamoDB-compatible endpoint); the tables get the namespace
//! `flywheel-example-` and are deleted at the end.

use flywheel_runtime::Engine;
use flywheel_runtime::chrono::{TimeZone, Utc};
use generated_example::models::{self, GameScore, GameScoreKey};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let use_aws = std::env::args().skip(1).any(|a| a == "--aws");
    // Keeps the emulator alive for the whole story; `None` when talking to AWS.
    let (_local, engine) = if use_aws {
        let engine = Engine::from_env().await.with_namespace("flywheel-example-");
        println!(
            "Using the AWS configuration of this environment (namespace `flywheel-example-`)."
        );
        (None, engine)
    } else {
        let local = flywheel_runtime::local::LocalDynamo::start()?;
        println!("Started an in-process DynamoDB at {}.", local.endpoint());
        let engine = local.engine();
        (Some(local), engine)
    };

    // Create the tables of every schema, with their indexes; existing tables are kept.
    let created = engine.create_schema(models::TABLES).await?;
    println!("Created tables: {}", created.join(", "));

    // Create a new top score.
    let mut score = GameScore::new("abc", "Master Blaster");
    score.top_score = Some(9001);
    score.top_score_time = Some(Utc.with_ymd_and_hms(2024, 5, 1, 12, 30, 0).unwrap());
    engine.save(&score).create_only().await?;
    println!(
        "Saved {} / {}: top score {:?}",
        score.userid, score.title, score.top_score
    );

    // Saving it again as new is refused: the item exists.
    match engine.save(&score).create_only().await {
        Err(flywheel_runtime::Error::AlreadyExists { key, .. }) => {
            println!("A second create-only save is refused: {key} already exists.")
        }
        other => return Err(format!("expected AlreadyExists, got {other:?}").into()),
    }

    // Read it back, consistently, and show it.
    let key = GameScoreKey::new("abc", "Master Blaster");
    let read: GameScore = engine
        .get(key.clone())
        .consistent()
        .await?
        .ok_or("the score just saved was not found")?;
    println!(
        "Read back: {} scored {} on {} at {}; wins {}, losses {}",
        read.userid,
        read.top_score.unwrap_or_default(),
        read.title,
        read.top_score_time
            .map(|t| t.to_rfc3339())
            .unwrap_or_default(),
        read.wins,
        read.losses
    );
    assert_eq!(read, score, "the item read back equals the one saved");

    // Delete it.
    engine.delete(key.clone()).await?;
    println!(
        "Deleted; exists now: {}",
        engine.exists(key).consistent().await?
    );

    if use_aws {
        let deleted = engine.delete_schema(models::TABLES).await?;
        println!("Deleted tables: {}", deleted.join(", "));
    }
    Ok(())
}
