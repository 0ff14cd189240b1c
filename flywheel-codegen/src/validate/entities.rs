//! Tables of several entities. A table file with a `discriminator` declares the physical table:
//! its key attributes (the only fields it has), indexes, billing, time to live and
//! collections. Each entity file (`[entity] table = "..."`) maps a model onto it: its fields
//! give the table's key attributes (plain or computed), and the indexes whose keys it gives are
//! its indexes. Every item holds its entity's name in the discriminator attribute.

use std::collections::HashMap;

use crate::checked::{CheckedTable, Collection, EntityOf, Piece, Projection, Shared};
use crate::diagnostic::{Reporter, did_you_mean};
use crate::schema::{RawIndex, RawProjection, RawSchema, RawTable, Sp};

/// A shared table, checked, as entity files see it.
pub(super) struct SharedTable {
    /// The table's file.
    pub file: std::sync::Arc<crate::diagnostic::SourceFile>,
    /// The table file's raw schema.
    pub raw: RawSchema,
    /// The table file, checked.
    pub checked: CheckedTable,
}

/// The rules of a shared table's file that a single model's file does not have: a shared table
/// has no model facts, and its fields are its keys and its indexes' keys.
pub(super) fn shared_table_rules(report: &mut Reporter<'_>, raw: &RawSchema) {
    let Some(table) = &raw.table else {
        return;
    };
    for (key, span) in [
        ("model", table.model.as_ref().map(|m| m.span.clone())),
        ("version", table.version.as_ref().map(|v| v.span.clone())),
    ] {
        if let Some(span) = span {
            report.error(
                span,
                format!("a table of several entities has no `{key}` of its own"),
                format!("`{key}` of a shared table"),
                "each entity is a model of its own file, with `[entity] table = \"...\"`, \
                 its fields and its `version`",
            );
        }
    }
    let keys: Vec<&str> = [&table.hash_key, &table.range_key]
        .into_iter()
        .flatten()
        .map(|k| k.value.as_str())
        .chain(
            raw.indexes
                .iter()
                .flat_map(|i| i.key_names().map(|k| k.value.as_str())),
        )
        .chain(table.ttl.as_ref().map(|t| t.value.as_str()))
        .collect();
    for f in &raw.fields {
        if !keys.contains(&f.name.value.as_str()) {
            report.error(
                f.name.span.clone(),
                format!(
                    "`{}` is not a key attribute of the table or an index",
                    f.name.value
                ),
                "a field of a shared table",
                "a table of several entities declares only its key attributes (and its time to \
                 live); declare other attributes in the entities",
            );
        }
        if f.is_computed() {
            report.error(
                f.name.span.clone(),
                format!(
                    "the key attribute `{}` of a shared table is computed",
                    f.name.value
                ),
                "computed here",
                "declare its type here (`PK = \"string\"`) and its template in each entity",
            );
        }
    }
    if let Some(d) = &table.discriminator
        && raw.fields.iter().any(|f| f.name.value == d.value)
    {
        report.error(
            d.span.clone(),
            format!("the discriminator `{}` is also a field", d.value),
            "declared as a field too",
            "flywheel writes the discriminator itself: remove the field, or name another \
             attribute",
        );
    }
}

/// A shared table's schema as validation checks it: the attribute lists of INCLUDE
/// projections name the entities' attributes, which the table file does not declare.
pub(super) fn table_view(raw: &RawSchema) -> RawSchema {
    let mut view = raw.clone();
    for index in &mut view.indexes {
        keep_declared(index, |name| {
            raw.fields.iter().any(|f| f.name.value == name)
        });
    }
    view
}

/// Keeps the attributes of an INCLUDE projection for which `declared` holds.
fn keep_declared(index: &mut RawIndex, declared: impl Fn(&str) -> bool) {
    if let Some(p) = &mut index.projection
        && let RawProjection::Include(names) = &mut p.value
    {
        names.retain(|n| declared(&n.value));
    }
}

/// Restores the full INCLUDE lists of a shared table's indexes after validation.
pub(super) fn restore_projections(checked: &mut CheckedTable, raw: &RawSchema) {
    for index in &mut checked.indexes {
        let written = raw.indexes.iter().find(|i| i.name.value == index.name);
        if let Some(Sp {
            value: RawProjection::Include(names),
            ..
        }) = written.and_then(|i| i.projection.as_ref())
        {
            index.projection = Projection::Include(names.iter().map(|n| n.value.clone()).collect());
        }
    }
}

/// The schema of an entity as the model rules check it: the table's keys, billing, time to
/// live and the indexes the entity gives keys for, with the entity's fields and model facts.
/// Every span is the entity file's: the table's facts passed in its own file.
pub(super) fn entity_view(
    report: &mut Reporter<'_>,
    raw: &RawSchema,
    shared: &SharedTable,
) -> Option<RawSchema> {
    let entity = raw.entity.as_ref()?;
    let table = shared.raw.table.as_ref()?;
    let here = entity
        .table
        .as_ref()
        .map_or_else(|| entity.span.clone(), |t| t.span.clone());
    let at = |name: &Option<Sp<String>>| {
        name.as_ref()
            .map(|n| Sp::new(n.value.clone(), here.clone()))
    };
    let at_each = |key: &Option<Sp<Vec<Sp<String>>>>| {
        key.as_ref().map(|k| {
            let names = k
                .value
                .iter()
                .map(|n| Sp::new(n.value.clone(), here.clone()));
            Sp::new(names.collect(), here.clone())
        })
    };
    let declares = |name: &str| raw.fields.iter().any(|f| f.name.value == name);
    let mut ok = true;
    for key in [&table.hash_key, &table.range_key].into_iter().flatten() {
        if !declares(&key.value) {
            report.error(
                here.clone(),
                format!(
                    "the entity does not give the table's key attribute `{}`",
                    key.value
                ),
                "this table",
                format!(
                    "add `{} = {{ template = \"...\" }}` (or a field) to `[fields]`",
                    key.value
                ),
            );
            ok = false;
        }
    }
    if let Some(d) = &table.discriminator
        && let Some(f) = raw.fields.iter().find(|f| f.name.value == d.value)
    {
        report.error(
            f.name.span.clone(),
            format!("`{}` is the table's discriminator", d.value),
            "the discriminator as a field",
            "flywheel writes the entity's name there: remove the field",
        );
        ok = false;
    }
    let mut indexes = Vec::new();
    for index in &shared.raw.indexes {
        let keys: Vec<&Sp<String>> = index.key_names().collect();
        let given: Vec<bool> = keys.iter().map(|k| declares(&k.value)).collect();
        if given.iter().all(|g| !g) {
            continue;
        }
        if !given.iter().all(|g| *g) {
            let missing: Vec<&str> = keys
                .iter()
                .zip(&given)
                .filter(|(_, g)| !**g)
                .map(|(k, _)| k.value.as_str())
                .collect();
            report.error(
                here.clone(),
                format!(
                    "the entity gives only some keys of the index `{}`: `{}` is missing",
                    index.name.value,
                    missing.join("`, `")
                ),
                "this table",
                "give every key attribute of the index, or none (then the entity is not in it)",
            );
            ok = false;
            continue;
        }
        let mut view = RawIndex {
            name: Sp::new(index.name.value.clone(), here.clone()),
            kind: index
                .kind
                .as_ref()
                .map(|k| Sp::new(k.value.clone(), here.clone())),
            hash_key: at_each(&index.hash_key),
            range_key: at_each(&index.range_key),
            projection: index.projection.as_ref().map(|p| {
                let value = match &p.value {
                    RawProjection::Include(names) => RawProjection::Include(
                        names
                            .iter()
                            .map(|n| Sp::new(n.value.clone(), here.clone()))
                            .collect(),
                    ),
                    other => other.clone(),
                };
                Sp::new(value, here.clone())
            }),
            throughput: index
                .throughput
                .as_ref()
                .map(|t| Sp::new(t.value.clone(), here.clone())),
        };
        keep_declared(&mut view, declares);
        indexes.push(view);
    }
    if !ok {
        return None;
    }
    let view_table = RawTable {
        span: entity.span.clone(),
        name: at(&table.name).or_else(|| {
            Some(Sp::new(
                shared.checked.table_name.value.clone(),
                here.clone(),
            ))
        }),
        model: entity.model.clone(),
        doc: entity.doc.clone(),
        hash_key: at(&table.hash_key),
        range_key: at(&table.range_key),
        billing: table
            .billing
            .as_ref()
            .map(|b| Sp::new(b.value.clone(), here.clone())),
        ttl: table
            .ttl
            .as_ref()
            .filter(|t| declares(&t.value))
            .map(|t| Sp::new(t.value.clone(), here.clone())),
        version: entity.version.clone(),
        discriminator: None,
    };
    Some(RawSchema {
        table: Some(view_table),
        indexes,
        entity: None,
        collections: Vec::new(),
        ..raw.clone()
    })
}

/// After the model rules: each key attribute the entity gives is stored as the table declares
/// it; the entity's facts.
pub(super) fn entity_of(
    report: &mut Reporter<'_>,
    raw: &RawSchema,
    checked: &CheckedTable,
    shared: &SharedTable,
) -> Option<EntityOf> {
    let entity = raw.entity.as_ref()?;
    let mut ok = true;
    for f in &checked.fields {
        let Some(declared) = shared
            .checked
            .fields
            .iter()
            .find(|t| t.attr.value == f.attr.value)
        else {
            continue;
        };
        if f.ty.scalar() != declared.ty.scalar() {
            report.error(
                f.attr.span.clone(),
                format!(
                    "`{}` has type `{}` here, and the table stores it as `{}`",
                    f.attr.value, f.ty_text, declared.ty_text
                ),
                "another stored type",
                "a key attribute of a shared table is stored alike by every entity: give it \
                 a type stored the same way (a template is stored as a string)",
            );
            ok = false;
        }
    }
    let discriminator = shared.raw.table.as_ref()?.discriminator.as_ref()?;
    let name = entity
        .name
        .as_ref()
        .map_or_else(|| checked.model.value.clone(), |n| n.value.clone());
    if name.is_empty() {
        report.error(
            entity
                .name
                .as_ref()
                .map_or(entity.span.clone(), |n| n.span.clone()),
            "an entity's name cannot be empty",
            "empty name",
            "it is stored in every item of the entity: give it a name such as \"customer\"",
        );
        ok = false;
    }
    ok.then(|| EntityOf {
        discriminator: discriminator.value.clone(),
        name,
        table_module: shared.checked.module_path(),
    })
}

/// The rules across the entities of one shared table: distinct names, keys that cannot meet,
/// and collections of entities that share partitions.
pub(super) fn across_entities(
    report: &mut Reporter<'_>,
    shared: &SharedTable,
    entities: &[&CheckedTable],
    declared: &[Declared],
    broken: &[&str],
) -> Vec<Collection> {
    let mut names: HashMap<&str, &CheckedTable> = HashMap::new();
    for e in entities {
        let name = &e.entity.as_ref().expect("an entity").name;
        if let Some(other) = names.insert(name, e) {
            report.error(
                shared.checked.table_name.span.clone(),
                format!(
                    "the entities `{}` and `{}` of this table have the same name `{name}`",
                    other.model.value, e.model.value
                ),
                "their table",
                "set another `name` in one `[entity]`: it is what each item stores in the \
                 discriminator",
            );
        }
    }
    for (i, a) in entities.iter().enumerate() {
        for b in &entities[i + 1..] {
            if keys_may_meet(a, b) {
                let (Some(at_a), Some(at_b)) = (declared_at(declared, a), declared_at(declared, b))
                else {
                    continue;
                };
                let (line, col) = crate::diagnostic::line_col(&at_a.file.text, at_a.span.start);
                let mut entity_report = Reporter::new(&at_b.file, report.diagnostics());
                entity_report.error(
                    at_b.span.clone(),
                    format!(
                        "the entities `{}` and `{}` may write the same key",
                        a.model.value, b.model.value
                    ),
                    "keys that could meet another entity's",
                    format!(
                        "`{}` is declared at {}:{line}:{col}; the text before the first part \
                         of their hash keys, and of their range keys, is the same (or one \
                         begins the other), so an item of one could overwrite an item of the \
                         other: begin one of their range keys with a text of its own, such as \
                         `ORDER#` and `ITEM#`",
                        a.model.value, at_a.file.path
                    ),
                );
            }
        }
    }
    collections(report, shared, entities, broken)
}

/// Where an entity was declared: its file and its `[entity]` header.
pub(super) struct Declared {
    /// The entity's model name.
    pub model: String,
    /// The entity's file.
    pub file: std::sync::Arc<crate::diagnostic::SourceFile>,
    /// Its `[entity]` header.
    pub span: crate::diagnostic::Span,
}

fn declared_at<'a>(declared: &'a [Declared], t: &CheckedTable) -> Option<&'a Declared> {
    declared.iter().find(|d| d.model == t.model.value)
}

/// The text of a key attribute's template before its first part, or `None` for a plain field
/// (whose values could be anything).
fn leading_text(t: &CheckedTable, attr: &str) -> Option<String> {
    let f = t.fields.iter().find(|f| f.attr.value == attr)?;
    let template = f.template.as_ref()?;
    let mut out = String::new();
    for piece in &template.pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Part { .. } => return Some(out),
        }
    }
    // A template without parts is one value; its end is known too, but comparing the texts as
    // prefixes is still sound.
    Some(out)
}

/// Whether the primary keys of two entities could be equal: for the hash key and the range
/// key, neither leading text tells them apart.
fn keys_may_meet(a: &CheckedTable, b: &CheckedTable) -> bool {
    let attrs = [Some(&a.hash), a.range.as_ref()]
        .into_iter()
        .flatten()
        .map(|k| a.fields[k.field].attr.value.clone());
    attrs.into_iter().all(
        |attr| match (leading_text(a, &attr), leading_text(b, &attr)) {
            (Some(x), Some(y)) => x.starts_with(&y) || y.starts_with(&x),
            _ => true,
        },
    )
}

/// The collections of the table: entities of the table, mapped onto the index, with the same
/// hash key template there (so one partition holds them all).
fn collections(
    report: &mut Reporter<'_>,
    shared: &SharedTable,
    entities: &[&CheckedTable],
    broken: &[&str],
) -> Vec<Collection> {
    let mut out = Vec::new();
    for c in &shared.raw.collections {
        let mut ok = true;
        let index = match &c.index {
            Some(name) => {
                if shared.checked.indexes.iter().any(|i| i.name == name.value) {
                    Some(name.value.clone())
                } else {
                    let names = shared.checked.indexes.iter().map(|i| i.name.as_str());
                    let help = match did_you_mean(&name.value, names) {
                        Some(m) => format!("did you mean `{m}`?"),
                        None => "name an index of this table, or leave `index` out for the \
                                 table's primary key"
                            .to_owned(),
                    };
                    report.error(
                        name.span.clone(),
                        format!("the table has no index `{}`", name.value),
                        "unknown index",
                        help,
                    );
                    ok = false;
                    None
                }
            }
            None => None,
        };
        let attr = |k: &crate::checked::Key| shared.checked.fields[k.field].attr.value.clone();
        let hash_attrs: Option<Vec<String>> = match &index {
            Some(name) => shared
                .checked
                .indexes
                .iter()
                .find(|i| &i.name == name)
                .map(|i| i.hash.iter().map(attr).collect()),
            None => Some(vec![attr(&shared.checked.hash)]),
        };
        let mut members: Vec<&CheckedTable> = Vec::new();
        for name in c.entities.iter().flat_map(|e| &e.value) {
            if broken.contains(&name.value.as_str()) {
                // Its own errors are reported in its file.
                ok = false;
                continue;
            }
            let Some(e) = entities.iter().find(|e| e.model.value == name.value) else {
                let models = entities.iter().map(|e| e.model.value.as_str());
                let help = match did_you_mean(&name.value, models) {
                    Some(m) => format!("did you mean `{m}`?"),
                    None => "name the `model` of an entity of this table".to_owned(),
                };
                report.error(
                    name.span.clone(),
                    format!("`{}` is not an entity of this table", name.value),
                    "unknown entity",
                    help,
                );
                ok = false;
                continue;
            };
            let in_index = match &index {
                Some(i) => e.indexes.iter().any(|x| &x.name == i),
                None => true,
            };
            if !in_index {
                report.error(
                    name.span.clone(),
                    format!(
                        "the entity `{}` is not in the index `{}`",
                        name.value,
                        index.as_deref().unwrap_or_default()
                    ),
                    "not in the collection's index",
                    "give the entity the index's key attributes in its `[fields]`",
                );
                ok = false;
                continue;
            }
            members.push(e);
        }
        if let (true, Some(attrs), Some(first)) = (ok, &hash_attrs, members.first()) {
            let shape = |t: &CheckedTable| -> Vec<Vec<String>> {
                attrs.iter().map(|a| hash_shape(t, a)).collect()
            };
            for other in &members[1..] {
                if shape(other) != shape(first) {
                    report.error(
                        c.name.span.clone(),
                        format!(
                            "the entities `{}` and `{}` write the hash key `{}` differently",
                            first.model.value,
                            other.model.value,
                            attrs.join("`, `")
                        ),
                        "a collection across partitions",
                        "the entities of a collection share a partition: give them the same \
                         template for its hash key, with parts of the same names and types",
                    );
                    ok = false;
                }
            }
        }
        if members.len() < 2 && ok {
            report.error(
                c.name.span.clone(),
                format!(
                    "the collection `{}` has fewer than two entities",
                    c.name.value
                ),
                "one entity",
                "a collection reads several entities together; a query of the entity reads \
                 one",
            );
            ok = false;
        }
        if ok {
            out.push(Collection {
                name: c.name.value.clone(),
                doc: c.doc.as_ref().map(|d| d.value.clone()),
                index,
                entities: members.iter().map(|e| e.model.value.clone()).collect(),
            });
        }
    }
    out
}

/// How an entity writes the hash key `attr`: its template's text and its parts' names and
/// types, or the field itself.
fn hash_shape(t: &CheckedTable, attr: &str) -> Vec<String> {
    let Some(f) = t.fields.iter().find(|f| f.attr.value == attr) else {
        return Vec::new();
    };
    match &f.template {
        None => vec![format!("field {}", f.ty_text)],
        Some(template) => template
            .pieces
            .iter()
            .map(|p| match p {
                Piece::Text(text) => format!("text {text}"),
                Piece::Part { field, width } => {
                    let part = &t.fields[*field];
                    format!("part {} {:?} {width}", part.attr.value, part.ty)
                }
            })
            .collect(),
    }
}

/// The shared table with this name.
pub(super) fn find<'a>(tables: &'a [SharedTable], name: &str) -> Option<&'a SharedTable> {
    tables.iter().find(|t| t.checked.table_name.value == name)
}

/// The facts of a shared table's checked file.
pub(super) fn shared_of(raw: &RawSchema) -> Option<Shared> {
    let d = raw.table.as_ref()?.discriminator.as_ref()?;
    Some(Shared {
        discriminator: d.value.clone(),
        collections: Vec::new(),
    })
}

/// `unique` is for the attributes of entities, stored as strings: each value's uniqueness item
/// lives in the entity's shared table, where the discriminator keeps it out of reads.
pub(super) fn unique_fields(report: &mut Reporter<'_>, checked: &CheckedTable) {
    for f in &checked.fields {
        let Some(span) = &f.unique else {
            continue;
        };
        if checked.entity.is_none() {
            report.error(
                span.clone(),
                format!(
                    "`{}` is unique, and its model is not an entity",
                    f.attr.value
                ),
                "`unique` of a single model's field",
                "a uniqueness item lives in a table of several entities, whose discriminator \
                 keeps it out of reads: map the model onto such a table with `[entity]`",
            );
        } else if f.ty.scalar() != Some(crate::ty::Scalar::S) {
            report
                .at(
                    span.clone(),
                    format!(
                        "`{}` is unique, and its type `{}` is not stored as text",
                        f.attr.value, f.ty_text
                    ),
                    "`unique` on a value that is not text",
                )
                .also(f.ty_span.clone(), "declared here")
                .help(
                    "a uniqueness item is keyed by the value's text: unique fields are strings, \
                     enums, uuids, RFC 3339 datetimes or ISO dates",
                );
        }
    }
}

/// Nested document types hold no unique fields.
pub(super) fn no_unique_in_types(report: &mut Reporter<'_>, raw: &RawSchema) {
    for t in &raw.types {
        for f in &t.fields {
            if let Some(u) = f.unique.as_ref().filter(|u| u.value) {
                report.error(
                    u.span.clone(),
                    format!(
                        "the field `{}` of type `{}` is unique, which only an entity's \
                         attributes can be",
                        f.name.value, t.name.value
                    ),
                    "`unique` in a nested type",
                    "move the field to the entity's `[fields]`",
                );
            }
        }
    }
}
