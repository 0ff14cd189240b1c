//! The integration tests of the generated models against a real DynamoDB-compatible server
//! (the in-process emulator, or `FLYWHEEL_TEST_ENDPOINT`): one test binary with a module per
//! topic and one shared [`harness`], so the SDK and the emulator are linked once.
//!
//! Run one topic with `cargo test -p generated-example --test it queries::`.
//! `tests/stream_memory.rs` stays a binary of its own: it counts allocations with a global
//! allocator, which must see nothing but its one test.

mod harness;

mod batch;
mod concurrency;
mod cursors;
mod decode_errors;
mod entities;
mod faults;
mod filters;
mod generated_code;
mod hostile;
mod items;
mod lesser_servers;
mod odd_names;
mod queries;
mod roundtrip;
mod scans;
mod serde;
mod several_attributes;
mod story;
mod streams;
mod sync;
mod tables;
mod templates;
mod transactions;
mod ttl;
mod unique;
mod update_model;
mod updates;
mod versions;
