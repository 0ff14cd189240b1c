//! Scans: parallel scans over segments return every item exactly once, with filters and
//! limits; single segments page on their own; plain scans page, count and stream.

use crate::harness::data;
use crate::harness::requests::recording;

use std::collections::{BTreeSet, HashMap, HashSet};

use flywheel_runtime::{Cursor, Error};
use futures::TryStreamExt;
use generated_example::models::{GameScore, GameScoreKey};

/// 2000 scores: 40 players with 50 titles each.
fn data() -> Vec<GameScore> {
    let mut out = Vec::new();
    for user in 0..40 {
        for title in 0..50 {
            let mut s = GameScore::new(format!("player{user:02}"), format!("title{title:02}"));
            s.top_score = Some(user * 1000 + title);
            s.wins = (user + title) % 9;
            out.push(s);
        }
    }
    out
}

fn keys(items: &[GameScore]) -> HashSet<GameScoreKey> {
    let set: HashSet<GameScoreKey> = items.iter().map(GameScore::key).collect();
    assert_eq!(set.len(), items.len(), "no item twice");
    set
}

#[tokio::test]
async fn a_parallel_scan_returns_every_item_exactly_once() {
    let all = data();
    let (_local, engine) = data::start_with(&all).await;
    let (counting, requests) = recording(&engine);

    let got: Vec<GameScore> = GameScore::scan()
        .parallel(&counting, 4)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got.len(), all.len());
    assert_eq!(keys(&got), keys(&all));
    let by_key: HashMap<GameScoreKey, &GameScore> = all.iter().map(|s| (s.key(), s)).collect();
    assert!(
        got.iter().all(|s| by_key[&s.key()] == s),
        "items come back whole"
    );
    let segments: BTreeSet<Option<i32>> = requests.take().iter().map(|s| s.segment).collect();
    assert_eq!(segments, (0..4).map(Some).collect(), "one scan per segment");

    // Small pages.
    let got: Vec<GameScore> = GameScore::scan()
        .page_size(37)
        .parallel(&counting, 4)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(keys(&got), keys(&all));
    assert!(requests.take().len() >= 2000 / 37);

    // Filters.
    let got: Vec<GameScore> = GameScore::scan()
        .filter(GameScore::WINS.eq(0) | GameScore::TOP_SCORE.between(5000, 5049))
        .page_size(100)
        .parallel(&engine, 4)
        .try_collect()
        .await
        .unwrap();
    let want: Vec<GameScore> = all
        .iter()
        .filter(|s| s.wins == 0 || (5000..=5049).contains(&s.top_score.unwrap()))
        .cloned()
        .collect();
    assert_eq!(keys(&got), keys(&want));

    // A limit applies to the merged stream.
    let got: Vec<GameScore> = GameScore::scan()
        .limit(100)
        .page_size(30)
        .parallel(&engine, 4)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got.len(), 100);
    keys(&got);

    // Other numbers of segments, one included; zero is one.
    for segments in [0, 1, 3, 7] {
        let got: Vec<GameScore> = GameScore::scan()
            .parallel(&engine, segments)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(keys(&got), keys(&all), "{segments} segments");
    }

    // Selected attributes.
    let partials: Vec<_> = GameScore::scan()
        .select(GameScore::WINS)
        .parallel(&engine, 4)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(partials.len(), all.len());
    for p in &partials {
        let key = GameScoreKey::new(
            p.get(&GameScore::USERID).unwrap().unwrap(),
            p.get(&GameScore::TITLE).unwrap().unwrap(),
        );
        assert_eq!(p.get(&GameScore::WINS).unwrap(), Some(by_key[&key].wins));
        assert_eq!(p.get(&GameScore::TOP_SCORE).unwrap(), None);
    }
}

#[tokio::test]
async fn segments_page_on_their_own() {
    let all = data();
    let (_local, engine) = data::start_with(&all).await;

    let mut seen: Vec<GameScore> = Vec::new();
    let mut last_cursors = Vec::new();
    for segment in 0..4 {
        let scan = GameScore::scan()
            .segment(segment, 4)
            .page_size(37)
            .limit(50);
        let mut cursor: Option<Cursor> = None;
        let mut mine = Vec::new();
        loop {
            let page = scan.page(&engine, cursor.as_ref()).await.unwrap();
            mine.extend(page.items);
            match page.next {
                Some(next) => {
                    let token = next.to_string();
                    last_cursors.push((segment, token.clone()));
                    cursor = Some(token.parse().unwrap());
                }
                None => break,
            }
        }
        assert!(!mine.is_empty(), "segment {segment} has items");
        // The segment's pages are its whole stream, in order.
        let streamed: Vec<GameScore> = GameScore::scan()
            .segment(segment, 4)
            .stream(&engine)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(mine, streamed, "segment {segment}");
        assert_eq!(
            GameScore::scan()
                .segment(segment, 4)
                .count(&engine)
                .await
                .unwrap(),
            mine.len() as u64
        );
        seen.extend(mine);
    }
    assert_eq!(seen.len(), all.len(), "the segments do not overlap");
    assert_eq!(keys(&seen), keys(&all));

    // A cursor belongs to its segment.
    let (from, token) = last_cursors.iter().find(|(s, _)| *s == 0).unwrap().clone();
    let cursor: Cursor = token.parse().unwrap();
    for other in 1..4 {
        assert!(
            matches!(
                GameScore::scan()
                    .segment(other, 4)
                    .page(&engine, Some(&cursor))
                    .await,
                Err(Error::InvalidCursor(_))
            ),
            "cursor of segment {from} on segment {other}"
        );
    }

    // Segments that do not exist.
    for (segment, total) in [(4, 4), (0, 0), (9, 2)] {
        assert!(
            matches!(
                GameScore::scan().segment(segment, total).all(&engine).await,
                Err(Error::Validation(_))
            ),
            "segment {segment} of {total}"
        );
    }
}

#[tokio::test]
async fn plain_scans_limit_count_and_read_consistently() {
    let all = data();
    let (_local, engine) = data::start_with(&all).await;

    let everything = GameScore::scan().consistent().all(&engine).await.unwrap();
    assert_eq!(keys(&everything), keys(&all));
    let first = GameScore::scan()
        .limit(123)
        .page_size(50)
        .all(&engine)
        .await
        .unwrap();
    assert_eq!(
        first,
        everything[..123].to_vec(),
        "a limit keeps the first items in scan order"
    );
    let filtered = GameScore::scan()
        .filter(GameScore::USERID.begins_with("player1") & GameScore::WINS.lt(2))
        .page_size(99)
        .all(&engine)
        .await
        .unwrap();
    let want: Vec<GameScore> = everything
        .iter()
        .filter(|s| s.userid.starts_with("player1") && s.wins < 2)
        .cloned()
        .collect();
    assert_eq!(filtered, want);
    assert_eq!(
        GameScore::scan()
            .filter(GameScore::USERID.begins_with("player1") & GameScore::WINS.lt(2))
            .page_size(99)
            .count(&engine)
            .await
            .unwrap(),
        want.len() as u64
    );
    assert_eq!(
        GameScore::scan().page_size(7).count(&engine).await.unwrap(),
        2000
    );
    assert_eq!(
        GameScore::scan().limit(10).count(&engine).await.unwrap(),
        10
    );
}
