//! What the topic modules share: a fresh database per test, raw item access and read-back
//! helpers ([`db`]), deterministic data sets ([`data`]), an engine that records the requests it
//! sends ([`requests`]), a fault-injecting proxy ([`faults`]), and the fields of expected write
//! errors ([`errors`]).

pub mod data;
pub mod db;
pub mod errors;
pub mod faults;
pub mod requests;
