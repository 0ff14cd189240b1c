//! The conversion of a `GameScore` a careful user writes by hand, storing what flywheel
//! stores; both benchmarks compare flywheel with it.

use std::fmt::Write as _;

use flywheel_runtime::chrono::{DateTime, Utc};
use flywheel_runtime::{AttributeValue, Item};
use generated_example::models::GameScore;

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub fn to_item(score: &GameScore) -> Item {
    let mut item = Item::with_capacity(6);
    item.insert("userid".to_owned(), s(&score.userid));
    item.insert("title".to_owned(), s(&score.title));
    if let Some(top_score) = score.top_score {
        item.insert("top_score".to_owned(), n(top_score));
    }
    if let Some(time) = &score.top_score_time {
        item.insert("top_score_time".to_owned(), epoch(time));
    }
    item.insert("wins".to_owned(), n(score.wins));
    item.insert("losses".to_owned(), n(score.losses));
    item
}

/// An `epoch` datetime: seconds since 1970 with the fraction's trailing zeros cut, exact to
/// the nanosecond (`-1.5`, `1714566600.25`).
pub fn epoch(value: &DateTime<Utc>) -> AttributeValue {
    let total =
        i128::from(value.timestamp()) * 1_000_000_000 + i128::from(value.timestamp_subsec_nanos());
    let sign = if total < 0 { "-" } else { "" };
    let abs = total.unsigned_abs();
    let (secs, frac) = (abs / 1_000_000_000, abs % 1_000_000_000);
    let mut text = String::with_capacity(24);
    let _ = write!(text, "{sign}{secs}");
    if frac != 0 {
        let _ = write!(text, ".{frac:09}");
        text.truncate(text.trim_end_matches('0').len());
    }
    AttributeValue::N(text)
}
