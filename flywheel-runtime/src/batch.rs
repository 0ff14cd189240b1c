//! Batched reads and deletes by key, with retries of what DynamoDB leaves unprocessed.
//!
//! Used by query and scan terminators (`delete`, `fetch_full`); leftovers after the last
//! attempt come back as [`Error::Unprocessed`], never dropped.

use std::time::Duration;

use aws_sdk_dynamodb::types::{DeleteRequest, KeysAndAttributes, WriteRequest};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::Item;

/// Keys per BatchWriteItem request (DynamoDB's limit).
pub const WRITE_CHUNK: usize = 25;
/// Keys per BatchGetItem request (DynamoDB's limit).
pub const GET_CHUNK: usize = 100;
const ATTEMPTS: u32 = 8;

fn backoff(attempt: u32) -> Duration {
    // Exponential from 25 ms, capped at 2 s, with jitter from the clock's low bits so that
    // concurrent callers spread out.
    let base = Duration::from_millis(25u64 << attempt.min(6)).min(Duration::from_secs(2));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    base / 2 + base.mul_f64(f64::from(nanos % 1000) / 2000.0)
}

fn dedup(keys: Vec<Item>) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::with_capacity(keys.len());
    for key in keys {
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// Deletes the items with `keys` from `table`; returns how many deletes were sent.
pub(crate) async fn delete_keys(engine: &Engine, table: &str, keys: Vec<Item>) -> Result<u64> {
    let mut deleted = 0;
    for chunk in keys.chunks(WRITE_CHUNK) {
        let mut pending: Vec<WriteRequest> = dedup(chunk.to_vec())
            .into_iter()
            .map(|key| {
                WriteRequest::builder()
                    .delete_request(
                        DeleteRequest::builder()
                            .set_key(Some(key))
                            .build()
                            .expect("key is set"),
                    )
                    .build()
            })
            .collect();
        let sent = pending.len() as u64;
        let mut attempt = 0;
        while !pending.is_empty() {
            let result = engine
                .client()
                .batch_write_item()
                .request_items(table, std::mem::take(&mut pending).clone())
                .send()
                .await;
            match result {
                Ok(out) => {
                    pending = out
                        .unprocessed_items
                        .and_then(|mut m| m.remove(table))
                        .unwrap_or_default();
                }
                Err(err) => return Err(Error::sdk("BatchWriteItem", err)),
            }
            if pending.is_empty() {
                break;
            }
            attempt += 1;
            if attempt >= ATTEMPTS {
                let keys = pending
                    .into_iter()
                    .filter_map(|w| w.delete_request.map(|d| d.key))
                    .collect();
                return Err(Error::Unprocessed {
                    table: table.to_owned(),
                    keys,
                });
            }
            tokio::time::sleep(backoff(attempt)).await;
        }
        deleted += sent;
    }
    Ok(deleted)
}

/// Reads the items with `keys` from `table`, in the order of `keys`; keys without an item are
/// skipped.
pub(crate) async fn get_keys(engine: &Engine, table: &str, keys: Vec<Item>, consistent: bool) -> Result<Vec<Item>> {
    let keys = dedup(keys);
    let mut found: Vec<Item> = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(GET_CHUNK) {
        let mut pending = chunk.to_vec();
        let mut attempt = 0;
        while !pending.is_empty() {
            let request = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut pending)))
                .consistent_read(consistent)
                .build()
                .map_err(|e| Error::Validation(e.to_string()))?;
            let out = engine
                .client()
                .batch_get_item()
                .request_items(table, request)
                .send()
                .await
                .map_err(|e| Error::sdk("BatchGetItem", e))?;
            if let Some(mut responses) = out.responses {
                found.extend(responses.remove(table).unwrap_or_default());
            }
            pending = out
                .unprocessed_keys
                .and_then(|mut m| m.remove(table))
                .map(|k| k.keys)
                .unwrap_or_default();
            if pending.is_empty() {
                break;
            }
            attempt += 1;
            if attempt >= ATTEMPTS {
                return Err(Error::Unprocessed {
                    table: table.to_owned(),
                    keys: pending,
                });
            }
            tokio::time::sleep(backoff(attempt)).await;
        }
    }
    // Back into the order asked for.
    let mut ordered = Vec::with_capacity(found.len());
    for key in &keys {
        if let Some(pos) = found
            .iter()
            .position(|item| key.iter().all(|(k, v)| item.get(k) == Some(v)))
        {
            ordered.push(found.swap_remove(pos));
        }
    }
    Ok(ordered)
}
