//! Expressions for DynamoDB conditions, filters, projections and updates.
//!
//! Attribute names always travel as `#n0, #n1, ...` placeholders and values as `:v0, :v1, ...`,
//! so no text from a schema or a user is ever spliced into an expression: a value holding
//! `) OR attribute_exists(x` is only ever a value, and an attribute named `status`, `a.b` or
//! `#x` is only ever a name.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::AttributeValue;
use crate::error::{Error, Result};

/// One step of a document path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathElement {
    /// An attribute, or an entry of a map.
    Name(Cow<'static, str>),
    /// An element of a list.
    Index(usize),
}

/// `ExpressionAttributeNames`: placeholder to attribute name.
pub type Names = HashMap<String, String>;

/// `ExpressionAttributeValues`: placeholder to value.
pub type Values = HashMap<String, AttributeValue>;

/// A path to an attribute or to a part of one (`address.city`, `scores[2]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path(Vec<PathElement>);

impl Path {
    /// The top-level attribute `name`.
    pub fn attr(name: impl Into<Cow<'static, str>>) -> Path {
        Path(vec![PathElement::Name(name.into())])
    }

    /// The entry `name` of the map at this path.
    pub fn field(mut self, name: impl Into<Cow<'static, str>>) -> Path {
        self.0.push(PathElement::Name(name.into()));
        self
    }

    /// The element `index` of the list at this path.
    pub fn index(mut self, index: usize) -> Path {
        self.0.push(PathElement::Index(index));
        self
    }

    /// The steps of the path.
    pub fn elements(&self) -> &[PathElement] {
        &self.0
    }
}

impl std::fmt::Display for Path {
    /// The path as written in messages: `address.city`, `scores[2]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, element) in self.0.iter().enumerate() {
            match element {
                PathElement::Name(name) if i == 0 => f.write_str(name)?,
                PathElement::Name(name) => write!(f, ".{name}")?,
                PathElement::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Comparison {
    fn as_str(self) -> &'static str {
        match self {
            Comparison::Eq => "=",
            Comparison::Ne => "<>",
            Comparison::Lt => "<",
            Comparison::Le => "<=",
            Comparison::Gt => ">",
            Comparison::Ge => ">=",
        }
    }
}

/// The left or right side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// The value at a path.
    Path(Path),
    /// The size of the value at a path (`size(path)`).
    Size(Path),
    /// A literal value.
    Value(AttributeValue),
}

/// A DynamoDB attribute type, for `attribute_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeType {
    /// `S`
    S,
    /// `N`
    N,
    /// `B`
    B,
    /// `BOOL`
    Bool,
    /// `NULL`
    Null,
    /// `L`
    L,
    /// `M`
    M,
    /// `SS`
    Ss,
    /// `NS`
    Ns,
    /// `BS`
    Bs,
}

impl AttributeType {
    fn as_str(self) -> &'static str {
        match self {
            AttributeType::S => "S",
            AttributeType::N => "N",
            AttributeType::B => "B",
            AttributeType::Bool => "BOOL",
            AttributeType::Null => "NULL",
            AttributeType::L => "L",
            AttributeType::M => "M",
            AttributeType::Ss => "SS",
            AttributeType::Ns => "NS",
            AttributeType::Bs => "BS",
        }
    }
}

/// A condition or filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `a <op> b`
    Compare(Operand, Comparison, Operand),
    /// `a BETWEEN low AND high`
    Between(Operand, Operand, Operand),
    /// `a IN (b, c, ...)`
    In(Operand, Vec<Operand>),
    /// `begins_with(path, value)`
    BeginsWith(Path, AttributeValue),
    /// `contains(path, value)`
    Contains(Path, AttributeValue),
    /// `attribute_exists(path)`
    Exists(Path),
    /// `attribute_not_exists(path)`
    NotExists(Path),
    /// `attribute_type(path, type)`
    AttributeType(Path, AttributeType),
    /// Every condition holds.
    And(Vec<Condition>),
    /// At least one condition holds.
    Or(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
}

impl Condition {
    /// `self AND other`, flattening nested conjunctions.
    pub fn and(self, other: Condition) -> Condition {
        match (self, other) {
            (Condition::And(mut a), Condition::And(b)) => {
                a.extend(b);
                Condition::And(a)
            }
            (Condition::And(mut a), b) => {
                a.push(b);
                Condition::And(a)
            }
            (a, b) => Condition::And(vec![a, b]),
        }
    }

    /// `self OR other`, flattening nested disjunctions.
    pub fn or(self, other: Condition) -> Condition {
        match (self, other) {
            (Condition::Or(mut a), Condition::Or(b)) => {
                a.extend(b);
                Condition::Or(a)
            }
            (Condition::Or(mut a), b) => {
                a.push(b);
                Condition::Or(a)
            }
            (a, b) => Condition::Or(vec![a, b]),
        }
    }

    /// `NOT self`.
    pub fn negate(self) -> Condition {
        Condition::Not(Box::new(self))
    }
}

/// Collects names and values into placeholders while expressions are written.
///
/// One builder serves every expression of a request (key condition, filter, projection,
/// update, condition), because DynamoDB takes one map of names and one map of values for all.
#[derive(Debug, Default)]
pub struct ExpressionBuilder {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl ExpressionBuilder {
    /// An empty builder.
    pub fn new() -> ExpressionBuilder {
        ExpressionBuilder::default()
    }

    /// The placeholder for attribute `name` (the same name always gets the same placeholder).
    pub fn name(&mut self, name: &str) -> String {
        // The map goes placeholder -> name (DynamoDB's direction), so look the name up by value;
        // requests hold few names, and a reverse index would cost more than it saves.
        if let Some((placeholder, _)) = self.names.iter().find(|(_, n)| n.as_str() == name) {
            return placeholder.clone();
        }
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), name.to_owned());
        placeholder
    }

    /// A new placeholder holding `value`.
    pub fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    /// The expression text of a path.
    pub fn path(&mut self, path: &Path) -> String {
        let mut out = String::new();
        for element in path.elements() {
            match element {
                PathElement::Name(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(&self.name(name));
                }
                PathElement::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    fn operand(&mut self, operand: &Operand) -> String {
        match operand {
            Operand::Path(path) => self.path(path),
            Operand::Size(path) => format!("size({})", self.path(path)),
            Operand::Value(value) => self.value(value.clone()),
        }
    }

    /// The text of a query's key condition.
    pub(crate) fn key_condition(&mut self, key: &KeyCondition) -> String {
        let mut clauses = Vec::with_capacity(key.hash.len() + key.range.len());
        for (attr, value) in &key.hash {
            let hash = self.path(&Path::attr(*attr));
            let hash_value = self.value(value.clone());
            clauses.push(format!("{hash} = {hash_value}"));
        }
        for (attr, range) in &key.range {
            let attr = *attr;
            let range_path = self.path(&Path::attr(attr));
            let part = match range {
                RangeCondition::Compare(op, v) => self.condition(&Condition::Compare(
                    Operand::Path(Path::attr(attr)),
                    *op,
                    Operand::Value(v.clone()),
                )),
                RangeCondition::Between(low, high) => format!(
                    "{range_path} BETWEEN {} AND {}",
                    self.value(low.clone()),
                    self.value(high.clone())
                ),
                RangeCondition::BeginsWith(prefix) => {
                    format!("begins_with({range_path}, {})", self.value(prefix.clone()))
                }
            };
            clauses.push(part);
        }
        clauses.join(" AND ")
    }

    /// The text of a projection reading `paths`.
    pub(crate) fn projection(&mut self, paths: &[Path]) -> String {
        let parts: Vec<String> = paths.iter().map(|p| self.path(p)).collect();
        parts.join(", ")
    }

    /// The expression text of a condition.
    pub fn condition(&mut self, condition: &Condition) -> String {
        match condition {
            Condition::Compare(a, op, b) => {
                format!("{} {} {}", self.operand(a), op.as_str(), self.operand(b))
            }
            Condition::Between(a, low, high) => format!(
                "{} BETWEEN {} AND {}",
                self.operand(a),
                self.operand(low),
                self.operand(high)
            ),
            Condition::In(a, options) => {
                let a = self.operand(a);
                let options: Vec<String> = options.iter().map(|o| self.operand(o)).collect();
                format!("{a} IN ({})", options.join(", "))
            }
            Condition::BeginsWith(path, value) => {
                format!(
                    "begins_with({}, {})",
                    self.path(path),
                    self.value(value.clone())
                )
            }
            Condition::Contains(path, value) => {
                format!(
                    "contains({}, {})",
                    self.path(path),
                    self.value(value.clone())
                )
            }
            Condition::Exists(path) => format!("attribute_exists({})", self.path(path)),
            Condition::NotExists(path) => format!("attribute_not_exists({})", self.path(path)),
            Condition::AttributeType(path, ty) => {
                let path = self.path(path);
                let ty = self.value(AttributeValue::S(ty.as_str().to_owned()));
                format!("attribute_type({path}, {ty})")
            }
            Condition::And(parts) => self.join(parts, " AND ", "attribute_not_exists(#__never)"),
            Condition::Or(parts) => self.join(parts, " OR ", "attribute_exists(#__never)"),
            Condition::Not(inner) => format!("NOT ({})", self.condition(inner)),
        }
    }

    fn join(&mut self, parts: &[Condition], separator: &str, empty: &str) -> String {
        match parts {
            // An empty AND is true and an empty OR is false; DynamoDB has no literals for them,
            // so use an attribute that no item has.
            [] => {
                let name = self.name("__flywheel_never_present");
                empty.replace("#__never", &name)
            }
            [one] => self.condition(one),
            many => many
                .iter()
                .map(|c| format!("({})", self.condition(c)))
                .collect::<Vec<_>>()
                .join(separator),
        }
    }

    /// The name placeholders, or `None` when there are none (DynamoDB rejects an empty map).
    pub fn names(&self) -> Option<Names> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    /// The value placeholders, or `None` when there are none.
    pub fn values(&self) -> Option<Values> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }

    /// Both maps, consuming the builder.
    pub fn finish(self) -> (Option<Names>, Option<Values>) {
        (
            (!self.names.is_empty()).then_some(self.names),
            (!self.values.is_empty()).then_some(self.values),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values_are_always_placeholders() {
        let mut b = ExpressionBuilder::new();
        let c = Condition::Compare(
            Operand::Path(Path::attr("status").field("a.b").index(3)),
            Comparison::Eq,
            Operand::Value(AttributeValue::S(") OR attribute_exists(x".into())),
        )
        .and(Condition::NotExists(Path::attr("status")));
        let text = b.condition(&c);
        assert_eq!(text, "(#n0.#n1[3] = :v0) AND (attribute_not_exists(#n0))");
        let (names, values) = b.finish();
        let names = names.unwrap();
        assert_eq!(names["#n0"], "status");
        assert_eq!(names["#n1"], "a.b");
        assert_eq!(values.unwrap().len(), 1);
    }
}

/// Adds `more` to the conditions a write or read requires: `condition AND more`.
pub(crate) fn require(condition: &mut Option<Condition>, more: Condition) {
    *condition = Some(match condition.take() {
        Some(existing) => existing.and(more),
        None => more,
    });
}

/// One action of an update expression.
#[derive(Debug, Clone)]
pub(crate) enum Action {
    Set(AttributeValue),
    SetIfNotExists(AttributeValue),
    Remove,
    Add(AttributeValue),
    /// `SET p = if_not_exists(p, from) + by`: an increment of a number whose absence reads as
    /// the schema default `from`.
    AddTo {
        from: AttributeValue,
        by: AttributeValue,
    },
    Delete(AttributeValue),
    Append(AttributeValue),
    Prepend(AttributeValue),
}

/// The actions of an update, checked for conflicts and written as an UpdateExpression.
#[derive(Debug, Clone, Default)]
pub(crate) struct Actions {
    pub list: Vec<(Path, Action)>,
}

impl Actions {
    /// DynamoDB rejects two actions on one path or on overlapping paths (`a` and `a.b`).
    pub fn check(&self) -> Result<()> {
        for (i, (a, _)) in self.list.iter().enumerate() {
            for (b, _) in &self.list[i + 1..] {
                if a == b {
                    return Err(Error::Validation(format!(
                        "an update writes `{a}` twice (for example sets it and adds to it); \
                         DynamoDB allows one action per attribute: combine them into one"
                    )));
                }
                if overlaps(a, b) {
                    return Err(Error::Validation(format!(
                        "an update touches `{}` and `{}`, which overlap; DynamoDB allows one action per document path",
                        a, b
                    )));
                }
            }
        }
        Ok(())
    }

    /// The UpdateExpression text.
    pub fn expression(&self, exprs: &mut ExpressionBuilder) -> String {
        let (mut set, mut remove, mut add, mut delete) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (path, action) in &self.list {
            let p = exprs.path(path);
            match action {
                Action::Set(v) => set.push(format!("{p} = {}", exprs.value(v.clone()))),
                Action::SetIfNotExists(v) => set.push(format!(
                    "{p} = if_not_exists({p}, {})",
                    exprs.value(v.clone())
                )),
                Action::Append(v) => {
                    let empty = exprs.value(AttributeValue::L(Vec::new()));
                    set.push(format!(
                        "{p} = list_append(if_not_exists({p}, {empty}), {})",
                        exprs.value(v.clone())
                    ));
                }
                Action::Prepend(v) => {
                    let empty = exprs.value(AttributeValue::L(Vec::new()));
                    set.push(format!(
                        "{p} = list_append({}, if_not_exists({p}, {empty}))",
                        exprs.value(v.clone())
                    ));
                }
                Action::AddTo { from, by } => set.push(format!(
                    "{p} = if_not_exists({p}, {}) + {}",
                    exprs.value(from.clone()),
                    exprs.value(by.clone())
                )),
                Action::Remove => remove.push(p),
                Action::Add(v) => add.push(format!("{p} {}", exprs.value(v.clone()))),
                Action::Delete(v) => delete.push(format!("{p} {}", exprs.value(v.clone()))),
            }
        }
        let mut clauses = Vec::new();
        for (keyword, parts) in [
            ("SET", set),
            ("REMOVE", remove),
            ("ADD", add),
            ("DELETE", delete),
        ] {
            if !parts.is_empty() {
                clauses.push(format!("{keyword} {}", parts.join(", ")));
            }
        }
        clauses.join(" ")
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether carrying the actions out twice does more than carrying them out once: so it is
    /// for increments and list appends (adding elements to a set, or setting values, is not).
    pub fn repeats(&self) -> bool {
        self.list.iter().any(|(_, action)| {
            matches!(
                action,
                Action::Add(AttributeValue::N(_))
                    | Action::AddTo { .. }
                    | Action::Append(_)
                    | Action::Prepend(_)
            )
        })
    }
}

fn overlaps(a: &Path, b: &Path) -> bool {
    let (a, b) = (a.elements(), b.elements());
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// A condition on the range key of the queried index.
#[derive(Debug, Clone)]
pub(crate) enum RangeCondition {
    Compare(Comparison, AttributeValue),
    Between(AttributeValue, AttributeValue),
    BeginsWith(AttributeValue),
}

/// The key condition of a query: the value of each attribute of the hash key, then the
/// range-key conditions.
#[derive(Debug, Clone)]
pub(crate) struct KeyCondition {
    /// The hash key's attributes and their values, in key-schema order (several for a
    /// multi-attribute key of a global index).
    pub hash: Vec<(&'static str, AttributeValue)>,
    /// Conditions on the range key's attributes, in key-schema order: at most one on a range
    /// key of one attribute; on one of several, equalities on the leading attributes, then at
    /// most one other condition.
    pub range: Vec<(&'static str, RangeCondition)>,
}
