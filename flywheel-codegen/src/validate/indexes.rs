//! Secondary indexes: name, kind and DynamoDB's limits, keys, projection and capacity.

use std::collections::BTreeSet;

use crate::checked::{Index, IndexKind, Key, Projection, Throughput};
use crate::diagnostic::{Reporter, Span, did_you_mean};
use crate::schema::{RawIndex, RawProjection, Sp};

use super::fields::Attributes;
use super::keys::key_type;
use super::names::dynamodb_name;
use super::table::throughput;

const MAX_LOCAL_INDEXES: usize = 5;
const MAX_GLOBAL_INDEXES: usize = 20;
const MAX_PROJECTED_ATTRIBUTES: usize = 100;
/// A global index's hash key and its range key have up to four attributes each.
const MAX_KEY_ATTRIBUTES: usize = 4;

/// The table's keys, as the index rules see them.
pub(super) struct TableKeys {
    /// The hash key, when it passed.
    pub hash: Option<Key>,
    /// The range key, when there is one and it passed.
    pub range: Option<Key>,
    /// Whether the schema has a `[table]` section.
    pub has_table: bool,
    /// Whether the table asks for provisioned capacity.
    pub provisioned: bool,
}

/// What the rules count over all indexes of a table.
#[derive(Default)]
struct Totals {
    locals: usize,
    globals: usize,
    /// Distinct attributes INCLUDE projections name, and where the first of them is.
    projected: BTreeSet<String>,
    projected_span: Option<Span>,
}

/// The indexes that passed, in schema order.
pub(super) fn indexes(
    report: &mut Reporter<'_>,
    raw: &[RawIndex],
    attrs: &Attributes,
    table: &TableKeys,
) -> Vec<Index> {
    let mut out = Vec::new();
    let mut totals = Totals::default();
    for index in raw {
        dynamodb_name(report, &index.name, "index");
        let Some(kind) = index_kind(report, index) else {
            continue;
        };
        let mut ok = true;
        let (hash, throughput) = match kind {
            IndexKind::Local => {
                totals.locals += 1;
                let hash = local_index(report, index, attrs, table, totals.locals, &mut ok);
                (hash.into_iter().collect(), None)
            }
            IndexKind::Global => {
                totals.globals += 1;
                global_index(report, index, attrs, table, totals.globals, &mut ok)
            }
        };
        let range = index_range_key(report, index, attrs, kind, &hash, &mut ok);
        let keys: Vec<Key> = [table.hash, table.range]
            .into_iter()
            .flatten()
            .chain(hash.iter().copied())
            .chain(range.iter().copied())
            .collect();
        let projection = projection(report, index, attrs, &keys, &mut totals);
        if ok && !hash.is_empty() {
            out.push(Index {
                name: index.name.value.clone(),
                kind,
                hash,
                range,
                projection,
                throughput,
            });
        }
    }
    if totals.projected.len() > MAX_PROJECTED_ATTRIBUTES {
        report.error(
            totals.projected_span.unwrap_or_default(),
            format!(
                "the indexes project {} distinct attributes; DynamoDB allows \
                 {MAX_PROJECTED_ATTRIBUTES}",
                totals.projected.len()
            ),
            "too many projected attributes",
            "project fewer attributes, or use `projection = \"all\"`",
        );
    }
    out
}

/// `kind`: global unless it says local.
fn index_kind(report: &mut Reporter<'_>, index: &RawIndex) -> Option<IndexKind> {
    let Some(kind) = &index.kind else {
        return Some(IndexKind::Global);
    };
    let other = kind.value.as_str();
    match other {
        "global" => return Some(IndexKind::Global),
        "local" => return Some(IndexKind::Local),
        _ => {}
    }
    let alias = match other.to_ascii_lowercase().as_str() {
        "gsi" => Some("global"),
        "lsi" => Some("local"),
        _ => None,
    };
    let help = match (alias, did_you_mean(other, ["global", "local"])) {
        (Some(kind), _) => format!("a {other} is written `kind = \"{kind}\"`"),
        (None, Some(m)) => format!("did you mean `{m}`?"),
        (None, None) => "write `kind = \"global\"` or `kind = \"local\"`".to_owned(),
    };
    report.error(
        kind.span.clone(),
        format!("unknown index kind `{other}`"),
        "not an index kind",
        help,
    );
    None
}

/// A local index (the `count`th of the table) sorts the items of a table with a range key
/// by another attribute, under the table's hash key and capacity. Returns its hash key.
fn local_index(
    report: &mut Reporter<'_>,
    index: &RawIndex,
    attrs: &Attributes,
    table: &TableKeys,
    count: usize,
    ok: &mut bool,
) -> Option<Key> {
    let name = &index.name;
    within_limit(
        report,
        name,
        count,
        MAX_LOCAL_INDEXES,
        "local",
        "turn some local indexes into global ones",
    );
    if table.has_table && table.range.is_none() && table.hash.is_some() {
        report.error(
            name.span.clone(),
            format!(
                "local index `{}` needs a table with a range key",
                name.value
            ),
            "the table has no range key",
            "add `range_key` to `[table]`, or make this index `kind = \"global\"`",
        );
        *ok = false;
    }
    if let Some(t) = &index.throughput {
        report.error(
            t.span.clone(),
            "a local index has no throughput of its own",
            "throughput on a local index",
            "local indexes use the table's capacity: remove `throughput`",
        );
    }
    if let Some(h) = &index.hash_key
        && h.value.len() > 1
    {
        several_in_a_local_index(report, h, "hash key");
        *ok = false;
        return None;
    }
    match (
        index.hash_key.as_ref().and_then(|h| h.value.first()),
        table.hash,
    ) {
        (Some(h), Some(table_hash)) if h.value != attrs.fields[table_hash.field].attr.value => {
            report.error(
                h.span.clone(),
                format!(
                    "local index `{}` must use the table's hash key `{}`",
                    name.value, attrs.fields[table_hash.field].attr.value
                ),
                "a different hash key",
                "remove `hash_key` (it defaults to the table's), or make this index \
                 `kind = \"global\"`",
            );
            None
        }
        (_, table_hash) => table_hash,
    }
}

/// A local index sorts by one attribute under the table's hash key.
fn several_in_a_local_index(report: &mut Reporter<'_>, key: &Sp<Vec<Sp<String>>>, which: &str) {
    report.error(
        key.span.clone(),
        format!("a local index's {which} is one attribute"),
        "several attributes",
        "keys of several attributes are for global indexes: make this index \
         `kind = \"global\"`, or name one attribute",
    );
}

/// DynamoDB's limit on the indexes of a kind; reported once, at the first index beyond it.
fn within_limit(
    report: &mut Reporter<'_>,
    name: &Sp<String>,
    count: usize,
    max: usize,
    kind: &str,
    help: &str,
) {
    if count == max + 1 {
        report.error(
            name.span.clone(),
            format!("a table can have at most {max} {kind} indexes"),
            "one too many",
            help,
        );
    }
}

/// A global index (the `count`th of the table) has a hash key of its own, and capacity of its
/// own on a provisioned table. Returns the attributes of its hash key and its capacity.
fn global_index(
    report: &mut Reporter<'_>,
    index: &RawIndex,
    attrs: &Attributes,
    table: &TableKeys,
    count: usize,
    ok: &mut bool,
) -> (Vec<Key>, Option<Throughput>) {
    let name = &index.name;
    within_limit(
        report,
        name,
        count,
        MAX_GLOBAL_INDEXES,
        "global",
        "remove an index or combine access patterns",
    );
    let throughput = match &index.throughput {
        Some(t) if table.provisioned => throughput(report, &t.value),
        Some(t) => {
            report.error(
                t.span.clone(),
                "index throughput needs provisioned billing",
                "throughput with on-demand billing",
                "remove `throughput`, or set `billing = { read = 5, write = 5 }` in `[table]`",
            );
            None
        }
        None => None,
    };
    let hash = match &index.hash_key {
        Some(h) => index_keys(report, attrs, h, name, "hash key", ok),
        None => {
            report.error(
                name.span.clone(),
                format!("global index `{}` has no `hash_key`", name.value),
                "no hash key",
                "add `hash_key = \"...\"` naming one of the fields",
            );
            Vec::new()
        }
    };
    (hash, throughput)
}

/// The attributes of a key of index `index` (its `which`: `hash key`, `range key`): declared
/// fields of scalar types; several (up to four) only in a global index, and then none
/// computed. Whatever fails is left out and clears `ok`.
fn index_keys(
    report: &mut Reporter<'_>,
    attrs: &Attributes,
    names: &Sp<Vec<Sp<String>>>,
    index: &Sp<String>,
    which: &str,
    ok: &mut bool,
) -> Vec<Key> {
    if names.value.is_empty() {
        // Reported by the parser: an empty list, or a key of the wrong form.
        *ok = false;
    }
    if let Some(fifth) = names.value.get(MAX_KEY_ATTRIBUTES) {
        report.error(
            fifth.span.clone(),
            format!("a {which} has at most {MAX_KEY_ATTRIBUTES} attributes"),
            "one too many",
            "DynamoDB keys a global index by up to four hash-key and four range-key \
             attributes; combine some into one with a template (`{ template = \"...\" }`)",
        );
        *ok = false;
    }
    let several = names.value.len() > 1;
    let mut keys = Vec::new();
    for name in &names.value {
        let Some(key) = index_key(
            report,
            attrs,
            name,
            &format!("the {which} of index `{}`", index.value),
            &format!("index {which}"),
        ) else {
            *ok = false;
            continue;
        };
        if several && attrs.fields[key.field].template.is_some() {
            report.error(
                name.span.clone(),
                format!(
                    "`{}` is computed, and a key of several attributes is made of plain ones",
                    name.value
                ),
                "computed attribute",
                format!(
                    "name the parts of `{}` in the key instead, or make it the {which} on its own",
                    name.value
                ),
            );
            *ok = false;
            continue;
        }
        keys.push(key);
    }
    keys
}

/// The range key of an index: other attributes than its hash key's; required on a local index.
fn index_range_key(
    report: &mut Reporter<'_>,
    index: &RawIndex,
    attrs: &Attributes,
    kind: IndexKind,
    hash: &[Key],
    ok: &mut bool,
) -> Vec<Key> {
    let name = &index.name;
    let Some(r) = &index.range_key else {
        if kind == IndexKind::Local {
            report.error(
                name.span.clone(),
                format!("local index `{}` has no `range_key`", name.value),
                "no range key",
                "a local index sorts the table's items by another attribute: add `range_key`",
            );
            *ok = false;
        }
        return Vec::new();
    };
    if kind == IndexKind::Local && r.value.len() > 1 {
        several_in_a_local_index(report, r, "range key");
        *ok = false;
        return Vec::new();
    }
    let range = index_keys(report, attrs, r, name, "range key", ok);
    if let ([h], [one], [written]) = (hash, range.as_slice(), r.value.as_slice())
        && h.field == one.field
    {
        report.error(
            written.span.clone(),
            "the index range key is its hash key",
            "same attribute as the hash key",
            "choose another attribute as the index range key",
        );
        *ok = false;
        return range;
    }
    // In a key of several attributes, each attribute appears once.
    let mut seen: Vec<&str> = Vec::new();
    for name in index.key_names() {
        if seen.contains(&name.value.as_str()) {
            report.error(
                name.span.clone(),
                format!(
                    "`{}` is in the keys of index `{}` twice",
                    name.value, index.name.value
                ),
                "listed again",
                "each attribute appears once among an index's hash-key and range-key attributes",
            );
            *ok = false;
        }
        seen.push(&name.value);
    }
    range
}

/// A key of an index: a declared field (`reference` says which key refers to it) of a scalar
/// type (`role`).
fn index_key(
    report: &mut Reporter<'_>,
    attrs: &Attributes,
    name: &Sp<String>,
    reference: &str,
    role: &str,
) -> Option<Key> {
    let field = attrs.find(report, name, reference)?;
    let scalar = key_type(report, name, &attrs.fields[field], role)?;
    Some(Key { field, scalar })
}

/// `projection`: the attributes an INCLUDE projection lists are declared, not keys (every index
/// holds those), and listed once; `keys` are the table's and the index's.
fn projection(
    report: &mut Reporter<'_>,
    index: &RawIndex,
    attrs: &Attributes,
    keys: &[Key],
    totals: &mut Totals,
) -> Projection {
    let Some(projection) = &index.projection else {
        return Projection::All;
    };
    let listed = match &projection.value {
        RawProjection::All => return Projection::All,
        RawProjection::KeysOnly => return Projection::KeysOnly,
        RawProjection::Include(listed) => listed,
    };
    let span = projection.span.clone();
    if listed.is_empty() {
        report.error(
            span.clone(),
            "an INCLUDE projection lists at least one attribute",
            "empty list",
            "list the attributes to project, or write `projection = \"keys_only\"`",
        );
    }
    let key_attrs: BTreeSet<&str> = keys
        .iter()
        .map(|k| attrs.fields[k.field].attr.value.as_str())
        .collect();
    let mut seen = BTreeSet::new();
    let mut names = Vec::new();
    for a in listed {
        if attrs.find(report, a, "the projection").is_none() {
            continue;
        }
        if key_attrs.contains(a.value.as_str()) {
            report.error(
                a.span.clone(),
                format!(
                    "`{}` is a key attribute, which every index holds already",
                    a.value
                ),
                "key attribute",
                "remove it from the projection",
            );
        } else if !seen.insert(a.value.clone()) {
            report.error(
                a.span.clone(),
                format!("`{}` is projected twice", a.value),
                "listed twice",
                "remove one of them",
            );
        } else {
            totals.projected.insert(a.value.clone());
            totals.projected_span.get_or_insert(span.clone());
            names.push(a.value.clone());
        }
    }
    Projection::Include(names)
}
