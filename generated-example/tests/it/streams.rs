//! Streams: they yield what `all` returns, and they are lazy: nothing is sent before the first
//! poll, and taking N items in pages of P sends exactly ceil(N / P) requests.

use crate::harness::data;
use crate::harness::requests::recording;

use data::{orders, put_all, scores};
use flywheel_runtime::{Engine, Error};
use futures::{StreamExt, TryStreamExt};
use generated_example::models::order::OrderState;
use generated_example::models::{GameScore, Order};

fn bulk() -> Vec<GameScore> {
    (0..1000)
        .map(|k| {
            let mut s = GameScore::new("s", format!("t{k:04}"));
            s.top_score = Some(k);
            s.wins = k % 5;
            s
        })
        .collect()
}

/// Every score of `s` that a stream in pages of `page_size`, up to `limit`, yields.
async fn streamed_to_the_end(e: &Engine, page_size: u32, limit: Option<usize>) -> Vec<GameScore> {
    let mut query = GameScore::query("s").page_size(page_size);
    if let Some(limit) = limit {
        query = query.limit(limit);
    }
    query.stream(e).try_collect().await.unwrap()
}

#[tokio::test]
async fn a_stream_yields_the_items_all_returns() {
    let items = bulk();
    let (_local, engine) = data::start_with(&items).await;
    put_all(&engine, &scores()).await;
    put_all(&engine, &orders()).await;
    let e = &engine;

    let q = GameScore::query("s").page_size(33);
    let streamed: Vec<GameScore> = q.stream(e).try_collect().await.unwrap();
    assert_eq!(streamed, items);
    assert_eq!(streamed, q.all(e).await.unwrap());

    let q = GameScore::query("s")
        .filter(GameScore::WINS.eq(2))
        .reverse()
        .page_size(7)
        .limit(50);
    let streamed: Vec<GameScore> = q.stream(e).try_collect().await.unwrap();
    assert_eq!(streamed.len(), 50);
    assert_eq!(streamed, q.all(e).await.unwrap());

    let q = GameScore::query_game_title_index("Comet Quest").page_size(2);
    assert_eq!(
        q.stream(e).try_collect::<Vec<_>>().await.unwrap(),
        q.all(e).await.unwrap()
    );

    let q = Order::query_by_created("c1")
        .range_ge(data::order_created(1, 2))
        .page_size(3);
    assert_eq!(
        q.stream(e).try_collect::<Vec<_>>().await.unwrap(),
        q.all(e).await.unwrap()
    );
    let q = Order::query_by_state(OrderState::Paid).page_size(4);
    assert_eq!(
        q.stream(e).try_collect::<Vec<_>>().await.unwrap(),
        q.all(e).await.unwrap()
    );

    let q = GameScore::query("s").select(GameScore::WINS).page_size(100);
    let partials: Vec<_> = q.stream(e).try_collect().await.unwrap();
    assert_eq!(partials.len(), 1000);
    for (p, s) in partials.iter().zip(&items) {
        assert_eq!(p.get(&GameScore::WINS).unwrap(), Some(s.wins));
        assert_eq!(p.get(&GameScore::TOP_SCORE).unwrap(), None);
    }

    let q = GameScore::scan().page_size(64);
    let streamed: Vec<GameScore> = q.stream(e).try_collect().await.unwrap();
    assert_eq!(streamed.len(), 1000 + scores().len());
    assert_eq!(streamed, q.all(e).await.unwrap());
    let q = GameScore::scan()
        .filter(GameScore::WINS.ge(3))
        .limit(77)
        .page_size(10);
    assert_eq!(
        q.stream(e).try_collect::<Vec<_>>().await.unwrap(),
        q.all(e).await.unwrap()
    );

    // Nothing matches: an empty stream.
    let none: Vec<GameScore> = GameScore::query("nobody")
        .stream(e)
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn a_stream_reads_a_page_only_when_the_previous_one_is_used_up() {
    let items = bulk();
    let (_local, engine) = data::start_with(&items).await;
    let (counting, requests) = recording(&engine);
    let e = &counting;

    // Building a stream sends nothing.
    let stream = GameScore::query("s").page_size(10).stream(e);
    let scan = GameScore::scan().page_size(10).stream(e);
    tokio::task::yield_now().await;
    assert_eq!(requests.count(), 0);
    drop((stream, scan));

    for page_size in [1u32, 7, 10, 64] {
        for n in [1usize, 6, 7, 10, 11, 25, 64, 65, 130] {
            let got: Vec<GameScore> = GameScore::query("s")
                .page_size(page_size)
                .stream(e)
                .take(n)
                .try_collect()
                .await
                .unwrap();
            assert_eq!(got, items[..n].to_vec());
            let sent = requests.take();
            assert_eq!(
                sent.len(),
                n.div_ceil(page_size as usize),
                "{n} items in pages of {page_size}"
            );
            assert!(
                sent.iter()
                    .all(|s| s.operation == "Query" && s.index.is_none())
            );
        }
    }

    // The same for a scan.
    let got: Vec<GameScore> = GameScore::scan()
        .page_size(9)
        .stream(e)
        .take(40)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got.len(), 40);
    assert_eq!(requests.take().len(), 5);

    // Items are handed out one at a time: the second page is read when the 11th item is asked.
    let mut stream = Box::pin(GameScore::query("s").page_size(10).stream(e));
    for item in &items[..10] {
        assert_eq!(&stream.next().await.unwrap().unwrap(), item);
        assert_eq!(requests.count(), 1);
    }
    assert_eq!(stream.next().await.unwrap().unwrap(), items[10]);
    assert_eq!(requests.count(), 2);
    drop(stream);
    requests.take();

    // A limit ends the stream without another request.
    let got = streamed_to_the_end(e, 10, Some(10)).await;
    assert_eq!(got.len(), 10);
    assert_eq!(requests.take().len(), 1);
    // Read to the end: 1000 items in pages of 100, and the empty answer after the last full
    // page, if DynamoDB says there may be more.
    let got = streamed_to_the_end(e, 100, None).await;
    assert_eq!(got.len(), 1000);
    let sent = requests.take().len();
    assert!((10..=11).contains(&sent), "{sent} requests");

    // A query that cannot be sent fails on the first poll, having sent nothing.
    let mut stream = Box::pin(GameScore::query("s").page_size(0).stream(e));
    assert!(matches!(
        stream.next().await,
        Some(Err(Error::Validation(_)))
    ));
    assert!(
        stream.next().await.is_none(),
        "the stream ends after its error"
    );
    assert_eq!(requests.count(), 0);
}
