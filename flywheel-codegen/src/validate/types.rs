//! Type expressions resolved against the built-in types and the file's own types and enums, with
//! the storage formats of dates and times; and nested types that would contain themselves.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::checked::{Enum, Field, NestedType};
use crate::diagnostic::{Reporter, did_you_mean};
use crate::schema::types::TypeExpr;
use crate::schema::{RawSchema, Sp};
use crate::ty::{DateFormat, DateTimeFormat, Ty};

const PRIMITIVES: &[&str] = &[
    "string", "int", "i64", "i32", "u32", "u64", "float", "decimal", "bool", "bytes", "datetime",
    "date", "uuid", "json",
];
const GENERICS: &[&str] = &["list", "map", "set"];

/// The names a type expression may use besides the built-in ones.
pub(super) struct Scope<'a> {
    /// `[types.NAME]`
    pub types: BTreeSet<String>,
    /// `[enums.NAME]` by name (the last of a name declared twice), with the values that
    /// passed.
    pub enums: BTreeMap<&'a str, &'a Enum>,
}

impl<'a> Scope<'a> {
    /// The scope of `raw`, whose checked enums are `enums`.
    pub(super) fn new(raw: &RawSchema, enums: &'a [Enum]) -> Scope<'a> {
        Scope {
            types: raw.types.iter().map(|t| t.name.value.clone()).collect(),
            enums: enums.iter().map(|e| (e.name.as_str(), e)).collect(),
        }
    }
}

/// How the field the type belongs to stores dates and times.
pub(super) struct Storage<'a> {
    /// `format` of the field.
    pub format: Option<&'a Sp<String>>,
    /// Whether the field is the time to live.
    pub is_ttl: bool,
    /// Set when a `datetime` or `date` took the format.
    pub format_used: bool,
}

/// The type `e` names.
pub(super) fn resolve(
    report: &mut Reporter<'_>,
    e: &TypeExpr,
    scope: &Scope<'_>,
    storage: &mut Storage<'_>,
) -> Option<Ty> {
    type_parameters(report, e)?;
    let name = e.name.as_str();
    let ty = match name {
        "list" | "map" | "set" => return collection(report, e, scope, storage),
        "string" => Ty::Str,
        "int" | "i64" => Ty::I64,
        "i32" => Ty::I32,
        "u32" => Ty::U32,
        "u64" => Ty::U64,
        "float" => Ty::F64,
        "decimal" => Ty::Decimal,
        "bool" => Ty::Bool,
        "bytes" => Ty::Bytes,
        "uuid" => Ty::Uuid,
        "json" => Ty::Json,
        "datetime" => Ty::DateTime(datetime_format(report, e, storage)?),
        "date" => Ty::Date(date_format(report, storage)?),
        _ if scope.types.contains(name) => Ty::Nested(name.to_owned()),
        _ if scope.enums.contains_key(name) => Ty::Enum(name.to_owned()),
        _ => {
            unknown_type(report, e, scope);
            return None;
        }
    };
    Some(ty)
}

/// `list`, `map` and `set` take one type parameter, every other type none.
fn type_parameters(report: &mut Reporter<'_>, e: &TypeExpr) -> Option<()> {
    let name = e.name.as_str();
    let example = match name {
        "map" => "map<int>".to_owned(),
        _ if GENERICS.contains(&name) => format!("{name}<string>"),
        _ if e.args.is_empty() => return Some(()),
        _ => {
            report.error(
                e.span.clone(),
                format!("`{name}` takes no type parameters"),
                "unexpected `<...>`",
                format!("write just `{name}`"),
            );
            return None;
        }
    };
    match e.args.as_slice() {
        [] => report.error(
            e.span.clone(),
            format!("`{name}` needs the type of its elements"),
            "missing `<...>`",
            format!("write `{example}`"),
        ),
        [_] => return Some(()),
        [_, extra, ..] => {
            let help = if name == "map" {
                "map keys are always strings: write only the value type, such as `map<int>`"
                    .to_owned()
            } else {
                format!("`{name}` takes one type, such as `{example}`")
            };
            report.error(
                extra.span.clone(),
                format!("`{name}` takes one type parameter"),
                "extra type parameter",
                help,
            );
        }
    }
    None
}

/// `list<T>`, `map<T>` or `set<T>`, whose one type parameter is checked; sets hold scalars
/// other than floats.
fn collection(
    report: &mut Reporter<'_>,
    e: &TypeExpr,
    scope: &Scope<'_>,
    storage: &mut Storage<'_>,
) -> Option<Ty> {
    let element = e.args.first()?;
    let inner = resolve(report, element, scope, storage)?;
    match e.name.as_str() {
        "list" => Some(Ty::List(Box::new(inner))),
        "map" => Some(Ty::Map(Box::new(inner))),
        _ => {
            set_element(report, element, &inner)?;
            Some(Ty::Set(Box::new(inner)))
        }
    }
}

/// DynamoDB sets hold strings, numbers or binary data; floats are not compared exactly.
fn set_element(report: &mut Reporter<'_>, e: &TypeExpr, inner: &Ty) -> Option<()> {
    if inner.scalar().is_some() && !matches!(inner, Ty::F64) {
        return Some(());
    }
    let help = if matches!(inner, Ty::F64) {
        "floats cannot be compared exactly; use `set<decimal>`".to_owned()
    } else {
        "sets hold strings, numbers or binary data; use a `list` for other elements".to_owned()
    };
    report.error(
        e.span.clone(),
        format!("`{}` cannot be a set element", e.name),
        "not a set element type",
        help,
    );
    None
}

/// The storage of a `datetime`: `format`, or whole epoch seconds for the time to live.
fn datetime_format(
    report: &mut Reporter<'_>,
    e: &TypeExpr,
    storage: &mut Storage<'_>,
) -> Option<DateTimeFormat> {
    let format = storage.format;
    storage.format_used = format.is_some();
    let f = match format.map(|f| f.value.as_str()) {
        None if storage.is_ttl => DateTimeFormat::EpochSeconds,
        None | Some("rfc3339") => DateTimeFormat::Rfc3339,
        Some("epoch") => DateTimeFormat::Epoch,
        Some("epoch_millis") => DateTimeFormat::EpochMillis,
        Some(_) => {
            unknown_format(
                report,
                format?,
                "datetime",
                &["rfc3339", "epoch", "epoch_millis"],
            );
            return None;
        }
    };
    if storage.is_ttl && f != DateTimeFormat::EpochSeconds {
        let span = format.map_or(e.span.clone(), |f| f.span.clone());
        report.error(
            span,
            "the time-to-live attribute is always stored as whole epoch seconds",
            "a format on the TTL field",
            "remove `format`: DynamoDB reads expiry times only as epoch seconds",
        );
        return None;
    }
    Some(f)
}

/// The storage of a `date`: `format`, or ISO text.
fn date_format(report: &mut Reporter<'_>, storage: &mut Storage<'_>) -> Option<DateFormat> {
    let format = storage.format;
    storage.format_used = format.is_some();
    match format.map(|f| f.value.as_str()) {
        None | Some("iso") => Some(DateFormat::Iso),
        Some("epoch") => Some(DateFormat::Epoch),
        Some(_) => {
            unknown_format(report, format?, "date", &["iso", "epoch"]);
            None
        }
    }
}

fn unknown_format(report: &mut Reporter<'_>, format: &Sp<String>, ty: &str, options: &[&str]) {
    let other = format.value.as_str();
    let help = match did_you_mean(other, options.iter().copied()) {
        Some(m) => format!("did you mean `{m}`?"),
        None => format!("a `{ty}` is stored as one of: {}", options.join(", ")),
    };
    report.error(
        format.span.clone(),
        format!("unknown {ty} format `{other}`"),
        format!("not a {ty} format"),
        help,
    );
}

fn unknown_type(report: &mut Reporter<'_>, e: &TypeExpr, scope: &Scope<'_>) {
    let name = e.name.as_str();
    let candidates = PRIMITIVES
        .iter()
        .chain(GENERICS)
        .copied()
        .chain(scope.types.iter().map(String::as_str))
        .chain(scope.enums.keys().copied());
    let help = match did_you_mean(name, candidates) {
        Some(m) => format!("did you mean `{m}`?"),
        None => "use a built-in type (string, int, i32, u32, u64, float, decimal, bool, bytes, \
                 datetime, date, uuid, json, list<T>, map<T>, set<T>) or declare it in \
                 `[types.NAME]` or `[enums.NAME]`"
            .to_owned(),
    };
    report.error(
        e.name_span.clone(),
        format!("unknown type `{name}`"),
        "not a known type",
        help,
    );
}

/// A nested type that holds itself other than through a list or map has infinite size.
pub(super) fn no_type_contains_itself(report: &mut Reporter<'_>, types: &[NestedType]) {
    let direct: HashMap<&str, Vec<(&str, &Field)>> = types
        .iter()
        .map(|t| {
            let edges = t
                .fields
                .iter()
                .filter_map(|f| match &f.ty {
                    Ty::Nested(target) => Some((target.as_str(), f)),
                    _ => None,
                })
                .collect();
            (t.name.value.as_str(), edges)
        })
        .collect();
    // The fields of every cycle reported: one error per cycle, not one per type on it.
    let mut reported: BTreeSet<Vec<usize>> = BTreeSet::new();
    for t in types {
        let start = &t.name;
        // Depth-first search for a path of direct fields back to `start`.
        let mut stack: Vec<(&str, Vec<&Field>)> = vec![(start.value.as_str(), Vec::new())];
        let mut visited = BTreeSet::new();
        while let Some((node, path)) = stack.pop() {
            for (target, field) in direct.get(node).into_iter().flatten() {
                let mut path = path.clone();
                path.push(field);
                if *target == start.value {
                    let mut cycle: Vec<usize> = path.iter().map(|f| f.ty_span.start).collect();
                    cycle.sort_unstable();
                    if reported.insert(cycle) {
                        let via: Vec<&str> = path.iter().map(|f| f.attr.value.as_str()).collect();
                        report.error(
                            path[0].ty_span.clone(),
                            format!(
                                "the type `{}` contains itself (through `{}`), so it cannot be \
                                 represented",
                                start.value,
                                via.join(".")
                            ),
                            "recursive without indirection",
                            format!(
                                "hold it in a list or map instead, such as `list<{}>`",
                                start.value
                            ),
                        );
                    }
                    stack.clear();
                    break;
                }
                if visited.insert(*target) {
                    stack.push((target, path));
                }
            }
        }
    }
}
