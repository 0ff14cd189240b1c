//! The GameScore story of the original flywheel README, told with generated models.
//!
//! By default it runs against an in-process DynamoDB emulator that needs no setup. Pass `--aws`
//! to use the standard AWS configuration instead (`AWS_REGION`, credentials, and optionally
//! `AWS_ENDPOINT_URL` for any DynamoDB-compatible endpoint); the tables get the namespace
//! `flywheel-example-` and are deleted at the end.

use std::error::Error;
use std::process::ExitCode;

use flywheel_runtime::Engine;
use flywheel_runtime::chrono::{TimeZone, Utc};
use generated_example::models::{self, GameScore, GameScoreKey};

#[tokio::main]
async fn main() -> ExitCode {
    match story().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", report(&*error));
            ExitCode::FAILURE
        }
    }
}

/// An error as a reader wants it: its message, then each underlying cause that adds something.
fn report(error: &(dyn Error + 'static)) -> String {
    let mut text = format!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(&format!("\n  caused by: {line}"));
        }
        source = cause.source();
    }
    text
}

async fn story() -> Result<(), Box<dyn Error>> {
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

    // A few more scores to query.
    let at = |day: u32| Utc.with_ymd_and_hms(2024, 6, day, 20, 0, 0).unwrap();
    for (user, title, top, day) in [
        ("abc", "Galaxy Invaders", 5842, 1),
        ("abc", "Comet Quest", 9500, 2),
        ("abc", "Alien Adventure", 120, 3),
        ("def", "Galaxy Invaders", 7710, 4),
        ("ghi", "Galaxy Invaders", 3000, 5),
        ("def", "Comet Quest", 8999, 6),
        ("ghi", "Comet Quest", 12000, 7),
    ] {
        let mut score = GameScore::new(user, title);
        score.top_score = Some(top);
        score.top_score_time = Some(at(day));
        engine.save(&score).await?;
    }

    // Get all scores of user abc.
    let scores = GameScore::query("abc").all(&engine).await?;
    println!("All scores of abc:");
    for s in &scores {
        println!("  {:<16} {:>6}", s.title, s.top_score.unwrap_or_default());
    }

    // Get the top score for Galaxy Invaders: its index, in descending score order, first item.
    let top = GameScore::query_game_title_index("Galaxy Invaders")
        .reverse()
        .first(&engine)
        .await?
        .ok_or("no score for Galaxy Invaders")?;
    println!(
        "Top score for Galaxy Invaders: {} by {}",
        top.top_score.unwrap_or_default(),
        top.userid
    );

    // Get all scores on Comet Quest that are over 9000.
    let over = GameScore::query_game_title_index("Comet Quest")
        .range_gt(9000)
        .all(&engine)
        .await?;
    println!("Scores on Comet Quest over 9000:");
    for s in &over {
        println!("  {:<4} {:>6}", s.userid, s.top_score.unwrap_or_default());
    }

    // Safely increment the wins count for Alien Adventure with no chance of failure: one
    // atomic ADD, whatever else writes the item at the same time.
    let alien = GameScoreKey::new("abc", "Alien Adventure");
    let after = GameScore::update(alien.clone())
        .incr(GameScore::WINS, 1)
        .all_new(&engine)
        .await?;
    println!(
        "Alien Adventure wins after an atomic increment: {}",
        after.wins
    );

    // sync sends only what changed. Two players' sessions read the same score...
    let comet = GameScoreKey::new("abc", "Comet Quest");
    let mut first = engine
        .get(comet.clone())
        .tracked()
        .await?
        .ok_or("no Comet Quest score")?;
    let mut second = engine
        .get(comet.clone())
        .tracked()
        .await?
        .ok_or("no Comet Quest score")?;
    // ...one records a loss, the other a new top score: different fields merge.
    first.losses += 1;
    engine.sync(&mut first).await?;
    second.top_score = Some(9700);
    engine.sync(&mut second).await?;
    let merged: GameScore = engine
        .get(comet.clone())
        .consistent()
        .await?
        .ok_or("gone")?;
    println!(
        "Two syncs of different fields merge: losses {}, top score {}",
        merged.losses,
        merged.top_score.unwrap_or_default()
    );

    // Now both change the top score. The second session's copy is current (its sync reloaded
    // the item), the first still holds the top score it read before the second's change.
    second.top_score = Some(9800);
    engine.sync(&mut second).await?;
    first.top_score = Some(9750);
    match engine.sync(&mut first).await {
        Err(flywheel_runtime::Error::Conflict { attributes, .. }) => println!(
            "A sync of a field someone else changed is refused: {} changed since it was read",
            attributes.join(", ")
        ),
        other => return Err(format!("expected a conflict, got {other:?}").into()),
    }
    let kept: GameScore = engine.get(comet).consistent().await?.ok_or("gone")?;
    println!(
        "Nothing was lost: the top score is still {}",
        kept.top_score.unwrap_or_default()
    );

    if use_aws {
        let deleted = engine.delete_schema(models::TABLES).await?;
        println!("Deleted tables: {}", deleted.join(", "));
    }
    Ok(())
}
