//! What the topic modules share: a fresh database per test ([`db`]), deterministic data sets
//! and a request-recording engine ([`data`]), and a fault-injecting proxy ([`faults`]).

pub mod data;
pub mod db;
pub mod faults;
