//! The version rule, in one place. A model with a version attribute is written only while the
//! stored version is the one the writer read (0: no item yet), and every write stores that
//! version plus one. Puts and syncs write the new number; updates add 1 to the stored one.

use crate::error::{Error, Result};
use crate::expr::{Comparison, Condition, Operand, Path};
use crate::model::Model;
use crate::{AttributeValue, Item};

/// Reads a stored version number; `None` when it is absent or not a whole number.
pub(crate) fn version_of(item: &Item, attribute: &str) -> Option<i64> {
    match item.get(attribute) {
        Some(AttributeValue::N(n)) => n.parse().ok(),
        _ => None,
    }
}

/// Writes the next version into a whole `item` about to be put: the one it holds plus one.
/// Returns the version it held (0 when it had none), which the write expects to be stored.
pub(crate) fn stamp(item: &mut Item, attribute: &'static str) -> i64 {
    let read = version_of(item, attribute).unwrap_or(0);
    item.insert(attribute.to_owned(), number(read + 1));
    read
}

/// The version `model` holds, for a model with a version attribute (`None` for the others).
pub(crate) fn held<M: Model>(model: &M) -> Option<i64> {
    M::SCHEMA.version.map(|attribute| {
        model
            .to_item()
            .ok()
            .and_then(|item| version_of(&item, attribute))
            .unwrap_or(0)
    })
}

/// `version = expected`, or "no version yet" for 0.
pub(crate) fn condition(attribute: &'static str, expected: i64) -> Condition {
    if expected == 0 {
        Condition::NotExists(Path::attr(attribute))
    } else {
        Condition::Compare(
            Operand::Path(Path::attr(attribute)),
            Comparison::Eq,
            Operand::Value(number(expected)),
        )
    }
}

/// A version as an attribute value.
pub(crate) fn number(version: i64) -> AttributeValue {
    AttributeValue::N(version.to_string())
}

/// `Ok` for a model with a version attribute; `if_version` means nothing for the others.
pub(crate) fn versioned<M: Model>() -> Result<()> {
    match M::SCHEMA.version {
        Some(_) => Ok(()),
        None => Err(Error::Validation(format!(
            "{} has no version attribute, so `if_version` cannot apply",
            M::SCHEMA.model
        ))),
    }
}

/// `if_version(version)` after `earlier`: the model must have a version attribute, and a write
/// expects one version.
pub(crate) fn one_version<M: Model>(earlier: Option<i64>, version: i64) -> Result<()> {
    versioned::<M>()?;
    match earlier {
        Some(earlier) if earlier != version => Err(Error::Validation(format!(
            "`if_version` was given {earlier} and then {version}; a write expects one version"
        ))),
        _ => Ok(()),
    }
}

/// The version check of a conditional write, kept to judge a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VersionCheck {
    /// The version attribute.
    pub attribute: &'static str,
    /// The version the write expects (0: no item, or one without a version).
    pub expected: i64,
    /// Whether the write has no other condition, so that a refusal can only be the version's.
    pub alone: bool,
}

impl VersionCheck {
    /// The check of a write of `M` expecting `expected`, when `M` has a version attribute.
    pub(crate) fn of<M: Model>(expected: Option<i64>, alone: bool) -> Option<VersionCheck> {
        M::SCHEMA
            .version
            .zip(expected)
            .map(|(attribute, expected)| VersionCheck {
                attribute,
                expected,
                alone,
            })
    }
}
