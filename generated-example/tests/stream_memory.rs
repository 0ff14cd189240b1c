//! Streaming holds one page at a time: with a counting global allocator, consuming 10,000
//! items of about 1 KB through `stream` in pages of 100 raises the peak heap by a small
//! multiple of one page, while `all` needs the whole result.
//!
//! The emulator runs in this process, so its allocations count too: every figure includes the
//! server answering the same requests, and one page read alone (server included) is measured
//! as the unit. Run with `cargo test -p generated-example --test stream_memory -- --nocapture` to see the figures.
//! This binary holds one test, so nothing else allocates while it measures.

// The shared harness of `tests/it`; this binary uses only a part of it.
#[allow(dead_code)]
#[path = "it/harness/mod.rs"]
mod harness;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use flywheel_runtime::Engine;
use futures::StreamExt;
use generated_example::models::Order;
use harness::data::{dec, put_all, t};

/// Counts the bytes allocated now and the most allocated at once.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    CURRENT.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size > layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `work` and returns its result and how far the heap rose above where it started.
async fn peak_growth<T>(work: impl std::future::Future<Output = T>) -> (T, usize) {
    let start = CURRENT.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let out = work.await;
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(start))
}

const ITEMS: usize = 10_000;
const PAGE: u32 = 100;
const PAYLOAD: usize = 1000;

fn orders() -> Vec<Order> {
    (0..ITEMS)
        .map(|k| {
            let mut o = Order::new(
                "mem",
                format!("o{k:05}"),
                t(1_700_000_000 + k as i64),
                dec("9.99"),
            );
            o.receipt = Some((0..PAYLOAD).map(|b| (b * 31 + k) as u8).collect());
            o.sku = Some(format!("sku-{}", k % 10));
            o
        })
        .collect()
}

/// Consumes the query through a stream, keeping nothing; returns items and payload bytes.
async fn consume_stream(engine: &Engine, take: Option<usize>) -> (usize, usize) {
    let query = Order::query("mem").page_size(PAGE);
    let mut stream = Box::pin(query.stream(engine));
    let (mut items, mut bytes) = (0, 0);
    while let Some(order) = stream.next().await {
        let order = order.expect("an item");
        items += 1;
        bytes += order.receipt.map_or(0, |r| r.len());
        if take.is_some_and(|n| items >= n) {
            break;
        }
    }
    (items, bytes)
}

fn mb(bytes: usize) -> String {
    format!("{:.2} MB", bytes as f64 / 1_048_576.0)
}

#[tokio::test]
async fn a_stream_holds_one_page_while_all_holds_everything() {
    let (_local, engine) = harness::db::start_with_tables().await;
    {
        let data = orders();
        put_all(&engine, &data).await;
    }

    // Warm up connections, the runtime and the emulator's caches.
    assert_eq!(
        consume_stream(&engine, Some(3 * PAGE as usize)).await.0,
        300
    );

    // The unit: one page read and decoded, the server's share included; the largest of three.
    let mut one_page = 0;
    let mut cursor = None;
    for _ in 0..3 {
        let query = Order::query("mem").page_size(PAGE);
        let (page, peak) = peak_growth(query.page(&engine, cursor.as_ref())).await;
        let page = page.expect("a page");
        assert_eq!(page.items.len(), PAGE as usize);
        one_page = one_page.max(peak);
        cursor = page.next;
    }

    let ((streamed, payload), stream_peak) = peak_growth(consume_stream(&engine, None)).await;
    assert_eq!(streamed, ITEMS);
    assert_eq!(payload, ITEMS * PAYLOAD);

    let (all, all_peak) = peak_growth(Order::query("mem").page_size(PAGE).all(&engine)).await;
    let all = all.expect("every item");
    assert_eq!(all.len(), ITEMS);
    drop(all);

    println!("stream_memory: {ITEMS} items of ~{PAYLOAD} B payload, page size {PAGE}");
    println!(
        "  one page (request + response + 100 decoded items, server included): peak +{one_page} B ({})",
        mb(one_page)
    );
    println!(
        "  stream over every page, items dropped as read:                       peak +{stream_peak} B ({})",
        mb(stream_peak)
    );
    println!(
        "  all() holding every item:                                            peak +{all_peak} B ({})",
        mb(all_peak)
    );
    println!(
        "  stream / all = {:.1}%, stream / one page = {:.2}",
        stream_peak as f64 * 100.0 / all_peak as f64,
        stream_peak as f64 / one_page as f64
    );

    assert!(
        all_peak > ITEMS * PAYLOAD,
        "all() holds at least the payload of every item: {all_peak} B"
    );
    assert!(
        stream_peak * 4 < all_peak,
        "a stream needs less than a quarter of what all() needs: {stream_peak} B vs {all_peak} B"
    );
    assert!(
        stream_peak < 4 * 1_048_576,
        "a stream needs less than 4 MB: {stream_peak} B"
    );
    assert!(
        stream_peak < 4 * one_page,
        "a stream holds about one page at a time: {stream_peak} B vs {one_page} B for one page"
    );
}
