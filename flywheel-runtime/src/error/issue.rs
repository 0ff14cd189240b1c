//! What went wrong with one value: the issue at an attribute path ([`DecodeIssue`],
//! [`EncodeIssue`]), and the same with the table and key it was met in ([`DecodeError`],
//! [`EncodeError`]).

use std::borrow::Cow;
use std::fmt;

use super::render::{render_key, render_value};
use crate::schema::TableSchema;
use crate::{AttributeValue, Item};

/// One step of an attribute path, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// An attribute or map entry.
    Name(String),
    /// A list element.
    Index(usize),
}

fn render_path(steps_innermost_first: &[PathStep]) -> String {
    let mut out = String::new();
    for step in steps_innermost_first.iter().rev() {
        match step {
            PathStep::Name(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            PathStep::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// A value could not be read as its schema type.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeIssue {
    /// Path from the failing value outwards (innermost first).
    pub steps: Vec<PathStep>,
    /// What the schema expects.
    pub expected: Cow<'static, str>,
    /// What was found.
    pub found: String,
}

impl DecodeIssue {
    /// A value of the wrong shape.
    pub fn wrong(expected: impl Into<Cow<'static, str>>, found: &AttributeValue) -> DecodeIssue {
        DecodeIssue {
            steps: Vec::new(),
            expected: expected.into(),
            found: render_value(found),
        }
    }

    /// A required attribute is absent.
    pub fn missing(name: &str) -> DecodeIssue {
        DecodeIssue {
            steps: vec![PathStep::Name(name.to_owned())],
            expected: "present (the field is required)".into(),
            found: "no such attribute".into(),
        }
    }

    /// Adds the enclosing attribute or map entry name.
    pub fn at(mut self, name: &str) -> DecodeIssue {
        self.steps.push(PathStep::Name(name.to_owned()));
        self
    }

    /// Adds the enclosing list index.
    pub fn at_index(mut self, index: usize) -> DecodeIssue {
        self.steps.push(PathStep::Index(index));
        self
    }

    /// The rendered attribute path, such as `address.city` or `scores[2]`.
    pub fn path(&self) -> String {
        render_path(&self.steps)
    }
}

/// A value cannot be stored in DynamoDB.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodeIssue {
    /// Path from the failing value outwards (innermost first).
    pub steps: Vec<PathStep>,
    /// Why it cannot be stored.
    pub reason: String,
}

impl EncodeIssue {
    /// A value that cannot be stored, with the reason.
    pub fn new(reason: impl Into<String>) -> EncodeIssue {
        EncodeIssue {
            steps: Vec::new(),
            reason: reason.into(),
        }
    }

    /// Adds the enclosing attribute or map entry name.
    pub fn at(mut self, name: &str) -> EncodeIssue {
        self.steps.push(PathStep::Name(name.to_owned()));
        self
    }

    /// Adds the enclosing list index.
    pub fn at_index(mut self, index: usize) -> EncodeIssue {
        self.steps.push(PathStep::Index(index));
        self
    }

    /// The rendered attribute path.
    pub fn path(&self) -> String {
        render_path(&self.steps)
    }
}

/// An item read from DynamoDB does not match the model's schema.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    /// The table the item was read from, with the engine's namespace.
    pub table: String,
    /// The key of the item, rendered as `name = value` pairs.
    pub key: String,
    /// The attribute path that failed, such as `address.city` or `scores[2]`.
    pub attribute: String,
    /// What the schema expects there.
    pub expected: String,
    /// What the item holds there.
    pub found: String,
}

impl DecodeError {
    /// Builds the error for `issue` in `item`, naming the item by the key attributes of `schema`.
    pub fn new(schema: &TableSchema, item: &Item, issue: DecodeIssue) -> DecodeError {
        DecodeError {
            table: schema.name.to_owned(),
            key: render_key(schema, item),
            attribute: issue.path(),
            expected: issue.expected.into_owned(),
            found: issue.found,
        }
    }

    /// Replaces the table name (the engine adds its namespace).
    pub fn in_table(mut self, table: &str) -> DecodeError {
        table.clone_into(&mut self.table);
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "item {} of table {} does not match the schema: attribute `{}` should be {}, but is {}; \
             fix the stored item or the schema",
            self.key, self.table, self.attribute, self.expected, self.found
        )
    }
}

impl std::error::Error for DecodeError {}

/// A value of a model cannot be stored in DynamoDB.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodeError {
    /// The table the item was meant for.
    pub table: String,
    /// The attribute path holding the value.
    pub attribute: String,
    /// Why the value cannot be stored.
    pub reason: String,
}

impl EncodeError {
    /// Builds the error for `issue` in a model of `schema`.
    pub fn new(schema: &TableSchema, issue: EncodeIssue) -> EncodeError {
        EncodeError {
            table: schema.name.to_owned(),
            attribute: issue.path(),
            reason: issue.reason,
        }
    }

    /// Replaces the table name (the engine adds its namespace).
    pub fn in_table(mut self, table: &str) -> EncodeError {
        table.clone_into(&mut self.table);
        self
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot store attribute `{}` in table {}: {}",
            self.attribute, self.table, self.reason
        )
    }
}

impl std::error::Error for EncodeError {}
