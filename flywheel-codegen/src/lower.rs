//! Checked tables to the semantic IR: the names, docs, roles and facts of everything the
//! generated code declares. Nothing here spells Rust.

use std::collections::BTreeMap;

use crate::checked::{
    CheckedTable, Enum, Field, Index, IndexKind, Key, Piece, Presence, Projection, Template,
};
use crate::ir::{
    CollectionIr, Doc, DocTypeIr, EnumIr, FieldIr, IndexIr, Ir, KeyAttributeIr, KeyIr, KeyRole,
    MarkerIr, MemberIr, PartIr, PieceIr, ProjectionIr, TableIr, TableKind, TemplateIr, VariantIr,
};
use crate::naming;

/// The IR of every checked table, in input order.
pub(crate) fn lower(tables: &[CheckedTable]) -> Ir {
    let projected = projected_by_entities(tables);
    let mut tables: Vec<TableIr> = tables
        .iter()
        .map(|t| table(t, projected.get(t.table_name.value.as_str())))
        .collect();
    collections(&mut tables);
    let markers = markers(&mut tables);
    let markers_module = match tables.iter().any(|t| t.module == "markers") {
        true => "flywheel_markers".to_owned(),
        false => "markers".to_owned(),
    };
    Ir {
        tables,
        markers,
        markers_module,
    }
}

/// The generic marker types the models share, one per attribute name and per index name, so
/// that each name is one type of the crate and the compiler's messages print it without a
/// module path. An index name that is also an attribute name gets `Index` appended.
fn markers(tables: &mut [TableIr]) -> Vec<MarkerIr> {
    let mut attributes = BTreeMap::new();
    for f in tables.iter().flat_map(|t| &t.fields) {
        attributes.entry(f.name_marker.clone()).or_insert_with(|| {
            format!(
                "Attribute `{}` of the model given: the marker of its handles.",
                f.attr
            )
        });
    }
    let mut indexes = BTreeMap::new();
    for i in tables.iter_mut().flat_map(|t| &mut t.indexes) {
        if attributes.contains_key(&i.name_marker) {
            i.name_marker.push_str("Index");
        }
        indexes
            .entry(i.name_marker.clone())
            .or_insert_with(|| match &i.name {
                Some(name) => {
                    format!("Index `{name}` of the model given: the marker of its queries.")
                }
                None => "The table of the model given: the marker of its queries.".to_owned(),
            });
    }
    attributes
        .into_iter()
        .chain(indexes)
        .map(|(name, doc)| MarkerIr {
            name,
            doc: vec![doc],
        })
        .collect()
}

/// Resolves the entities of each shared table's collections: their paths, names, and the
/// first one's way to query the collection's index.
fn collections(tables: &mut [TableIr]) {
    let entities: Vec<TableIr> = tables.iter().filter(|t| t.is_entity()).cloned().collect();
    for t in tables.iter_mut() {
        let shared_module = t.module_path();
        let up = "super::".repeat(1 + t.folders.len());
        let TableKind::Shared { collections, .. } = &mut t.kind else {
            continue;
        };
        for c in collections {
            for member in &mut c.variants {
                let Some(e) = entities.iter().find(|e| {
                    e.model == member.rust
                        && matches!(&e.kind, TableKind::Entity { table_module, .. } if *table_module == shared_module)
                }) else {
                    continue;
                };
                member.path = format!("{up}{}::{}", e.module_path(), e.model);
                if let TableKind::Entity { name, .. } = &e.kind {
                    member.entity = name.clone();
                }
                if c.entry.is_none() {
                    c.entry = match &c.index {
                        None => Some(e.primary().clone()),
                        Some(name) => e
                            .secondary()
                            .iter()
                            .find(|i| i.name.as_deref() == Some(name))
                            .cloned(),
                    };
                    c.entry_module = format!("{up}{}", e.module_path());
                }
            }
            let names: Vec<String> = c.variants.iter().map(|v| format!("`{}`", v.rust)).collect();
            let hash = c.entry.as_ref().map(|i| i.hash.names()).unwrap_or_default();
            c.query_doc = doc_lines(&format!(
                "Queries the collection: the {} items whose hash key {hash} is given by the \
                 arguments, in order of range key, each read as its entity.",
                names.join(", ")
            ));
        }
    }
}

/// What the indexes of each shared table project beyond what its file says (when it does
/// not project everything): the discriminator, and the parts of every entity's computed table
/// key, so that an index item knows its entity and its key.
fn projected_by_entities(tables: &[CheckedTable]) -> BTreeMap<&str, Vec<String>> {
    let mut out: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for t in tables {
        let Some(entity) = &t.entity else {
            continue;
        };
        let names = out.entry(t.table_name.value.as_str()).or_default();
        let parts = [Some(t.hash), t.range]
            .into_iter()
            .flatten()
            .filter_map(|k| t.fields[k.field].template.as_ref())
            .flat_map(Template::part_fields)
            .map(|f| t.fields[f].attr.value.clone());
        for name in std::iter::once(entity.discriminator.clone()).chain(parts) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    out
}

fn table(t: &CheckedTable, projected: Option<&Vec<String>>) -> TableIr {
    let model = &t.model.value;
    let table_name = &t.table_name.value;
    let key_parts: Vec<usize> = [Some(t.hash), t.range]
        .into_iter()
        .flatten()
        .filter_map(|k| t.fields[k.field].template.as_ref())
        .flat_map(Template::part_fields)
        .collect();
    let mut fields: Vec<FieldIr> = t
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let key = key_role(t, i);
            let ttl = t.ttl == Some(i);
            let version = t.version == Some(i);
            let role = match key {
                Some(KeyRole::Hash) => "hash key",
                Some(KeyRole::Range) => "range key",
                None if ttl => "time to live",
                None if version => "version",
                None => "",
            };
            FieldIr {
                key,
                key_part: key_parts.contains(&i),
                ttl,
                version,
                ..field(f, role)
            }
        })
        .collect();
    // Templates name their parts by field, which now have their Rust names and markers.
    let templates: Vec<Option<TemplateIr>> = t
        .fields
        .iter()
        .map(|f| {
            f.template
                .as_ref()
                .map(|tpl| template(tpl, &t.fields, &fields))
        })
        .collect();
    for (f, tpl) in fields.iter_mut().zip(templates) {
        if let Some(tpl) = &tpl {
            let role = match f.key {
                Some(KeyRole::Hash) => ", hash key",
                Some(KeyRole::Range) => ", range key",
                None => "",
            };
            let line = format!(
                "Attribute `{}`: computed from `{}`{role}.",
                f.attr.replace('`', "'"),
                tpl.source.replace('`', "'")
            );
            if let Some(last) = f.doc.last_mut() {
                *last = line;
            }
        }
        f.template = tpl;
    }

    let mut doc = doc_or(t.doc.as_deref(), || {
        format!("An item of the DynamoDB table `{table_name}`.")
    });
    doc.push(String::new());
    let mut summary = format!(
        "Table `{table_name}`: hash key `{}`",
        t.fields[t.hash.field].attr.value
    );
    if let Some(r) = t.range {
        summary.push_str(&format!(", range key `{}`", t.fields[r.field].attr.value));
    }
    summary.push('.');
    doc.extend(doc_lines(&summary));

    let extra: &[String] = projected.map_or(&[], Vec::as_slice);
    let mut indexes = vec![entry_point(t, &fields, None, extra)];
    indexes.extend(
        t.indexes
            .iter()
            .map(|i| entry_point(t, &fields, Some(i), extra)),
    );
    TableIr {
        source: t.source.clone(),
        module: t.module.clone(),
        folders: t.folders.clone(),
        file_name: t
            .folders
            .iter()
            .map(|f| format!("{}/", f.trim_start_matches("r#")))
            .chain([format!("{}.rs", t.file_stem)])
            .collect(),
        table_name: table_name.clone(),
        // A shared table has no model: its schema names the table.
        model: match t.shared {
            Some(_) => table_name.clone(),
            None => model.clone(),
        },
        key: format!("{model}Key"),
        doc,
        module_doc: doc_lines(&match (&t.shared, &t.entity) {
            (Some(_), _) => format!(
                "The table `{table_name}`, shared by several entities, generated from `{}`.",
                t.source
            ),
            (None, Some(e)) => format!(
                "The `{model}` entity (`{}`) of table `{table_name}`, generated from `{}`.",
                e.name, t.source
            ),
            (None, None) => format!(
                "The `{model}` model of table `{table_name}`, generated from `{}`.",
                t.source
            ),
        }),
        key_doc: vec![format!("The primary key of [`{model}`].")],
        attr_module_doc: vec![format!(
            "Marker types of the attributes of `{model}`, used in the types of its attribute \
             handles."
        )],
        index_module_doc: vec![format!(
            "Marker types of the ways to query `{model}`: its table and each index."
        )],
        fields,
        billing: t.billing,
        indexes,
        types: t
            .types
            .iter()
            .map(|n| DocTypeIr {
                name: n.name.value.clone(),
                doc: doc_or(n.doc.as_deref(), || {
                    format!(
                        "The nested document type `{}`, stored as a map.",
                        n.name.value
                    )
                }),
                fields: n.fields.iter().map(|f| field(f, "")).collect(),
            })
            .collect(),
        enums: t.enums.iter().map(enumeration).collect(),
        kind: match (&t.shared, &t.entity) {
            (Some(shared), _) => TableKind::Shared {
                discriminator: shared.discriminator.clone(),
                collections: shared
                    .collections
                    .iter()
                    .map(|c| CollectionIr {
                        name: naming::type_name(&c.name).unwrap_or_else(|| c.name.clone()),
                        doc: doc_or(c.doc.as_deref(), || {
                            format!("The items of the collection `{}`.", c.name)
                        }),
                        query_doc: Vec::new(),
                        index: c.index.clone(),
                        // Resolved once every entity is lowered (`collections`).
                        variants: c
                            .entities
                            .iter()
                            .map(|model| MemberIr {
                                rust: model.clone(),
                                path: String::new(),
                                entity: String::new(),
                            })
                            .collect(),
                        entry: None,
                        entry_module: String::new(),
                    })
                    .collect(),
            },
            (None, Some(e)) => TableKind::Entity {
                discriminator: e.discriminator.clone(),
                name: e.name.clone(),
                table_module: e.table_module.clone(),
            },
            (None, None) => TableKind::Model,
        },
    }
}

fn key_role(t: &CheckedTable, field: usize) -> Option<KeyRole> {
    if t.hash.field == field {
        Some(KeyRole::Hash)
    } else if t.range.is_some_and(|r| r.field == field) {
        Some(KeyRole::Range)
    } else {
        None
    }
}

/// A field with no role in a table; `role` goes into its doc (`hash key`, `version`).
fn field(f: &Field, role: &str) -> FieldIr {
    let attr = f.attr.value.replace('`', "'");
    let role = if role.is_empty() {
        String::new()
    } else {
        format!(", {role}")
    };
    let written: String = f.ty_text.split_whitespace().collect();
    let doc = doc_then(
        f.doc.as_deref(),
        &format!("Attribute `{attr}`: `{written}`{role}."),
    );
    let base = f.rust.trim_start_matches("r#");
    FieldIr {
        attr: f.attr.value.clone(),
        rust: f.rust.clone(),
        ty: f.ty.clone(),
        presence: f.presence.clone(),
        key: None,
        key_part: false,
        template: None,
        unique: f.unique.is_some(),
        ttl: false,
        version: false,
        doc,
        handle: naming::constant_name(base),
        handle_doc: vec![format!(
            "Handle on attribute `{attr}`, for conditions, filters and updates."
        )],
        marker: naming::marker_name(base),
        name_marker: naming::attribute_marker(&f.attr.value, base),
        marker_doc: vec![format!(
            "Marks attribute `{attr}` in the types of handles and conditions."
        )],
    }
}

/// A query entry point: the table's primary key (`index` is `None`) or a secondary index.
fn entry_point(
    t: &CheckedTable,
    fields: &[FieldIr],
    index: Option<&Index>,
    projected: &[String],
) -> IndexIr {
    let model = &t.model.value;
    let (name, kind, hash, range, projection) = match index {
        Some(i) => (
            Some(i.name.clone()),
            Some(i.kind),
            i.hash.clone(),
            i.range.clone(),
            i.projection.clone(),
        ),
        None => (
            None,
            None,
            vec![t.hash],
            t.range.into_iter().collect(),
            Projection::All,
        ),
    };
    // An index of a model with a computed table key projects the key's parts too, so that its
    // items know their key (the computed attributes themselves cannot be read back); an index
    // of a shared table, the discriminator and every entity's key parts.
    let key_parts: Vec<String> = fields
        .iter()
        .filter(|f| f.key_part)
        .map(|f| f.attr.clone())
        .chain(projected.iter().cloned())
        .collect();
    let projection = match projection {
        Projection::All => Projection::All,
        Projection::KeysOnly | Projection::Include(_) if !key_parts.is_empty() => {
            let mut names = match projection {
                Projection::Include(names) => names,
                _ => Vec::new(),
            };
            for part in key_parts {
                if !names.contains(&part) {
                    names.push(part);
                }
            }
            Projection::Include(names)
        }
        other => other,
    };
    let global = kind == Some(IndexKind::Global);
    let marker = name
        .as_deref()
        .map_or_else(|| "Table".to_owned(), naming::marker_name);
    let method = name
        .as_deref()
        .map_or_else(|| "query".to_owned(), naming::query_method);
    let index_keys: Vec<&str> = hash
        .iter()
        .chain(&range)
        .map(|k| fields[k.field].attr.as_str())
        .collect();
    // A key of several attributes lists them all; its first one stands for the key where a
    // single attribute is expected.
    let key = |keys: &[Key]| {
        let k = keys[0];
        let several = keys.len() > 1;
        KeyIr {
            attr: fields[k.field].attr.clone(),
            rust: fields[k.field].rust.clone(),
            ty: fields[k.field].ty.clone(),
            scalar: k.scalar,
            template: fields[k.field].template.clone(),
            template_const: fields[k.field].handle.clone(),
            attributes: keys
                .iter()
                .filter(|_| several)
                .map(|k| {
                    let f = &fields[k.field];
                    KeyAttributeIr {
                        attr: f.attr.clone(),
                        rust: f.rust.clone(),
                        ty: f.ty.clone(),
                        scalar: k.scalar,
                        marker: f.marker.clone(),
                    }
                })
                .collect(),
        }
    };
    let hash = key(&hash);
    let range = (!range.is_empty()).then(|| key(&range));
    let what = match (&name, global) {
        (Some(n), true) => format!("the global index `{n}`"),
        (Some(n), false) => format!("the local index `{n}`"),
        (None, _) => "the table's primary key".to_owned(),
    };
    let mut doc = doc_lines(&format!(
        "Queries {what}: the items whose hash key {} the argument{}{}.",
        hash.describe(),
        if hash.attributes.is_empty() { "" } else { "s" },
        match &range {
            Some(r) => format!(", in order of range key {}", r.names()),
            None => String::new(),
        }
    ));
    let projection_struct = match &projection {
        Projection::All => None,
        Projection::KeysOnly | Projection::Include(_) => {
            let name = naming::projection_item(model, &marker);
            doc.push(String::new());
            doc.extend(doc_lines(&format!(
                "The index holds only some attributes, so the query returns [`{name}`]; \
                 `fetch_full` reads the whole items."
            )));
            Some(projection_struct(
                name,
                &what,
                t,
                fields,
                &projection,
                &index_keys,
            ))
        }
    };
    // A filter may read what the index holds, except its own keys. A local index reads
    // unprojected attributes from the table; a global one cannot.
    let readable = |f: &&FieldIr| !global || holds(&projection, f);
    let filterable = fields
        .iter()
        .filter(|f| !index_keys.contains(&f.attr.as_str()))
        .filter(readable)
        .map(|f| f.marker.clone())
        .collect();
    // What `select` may read from a global index that does not project everything: the keys
    // of the table and of the index, and its projection. The others hold every attribute.
    let selectable = (global && projection != Projection::All).then(|| {
        fields
            .iter()
            .filter(|f| index_keys.contains(&f.attr.as_str()) || holds(&projection, f))
            .map(|f| f.marker.clone())
            .collect()
    });
    // `exclude_expired` filters on the time to live, or reads it from a key of the index.
    let expiring = fields
        .iter()
        .filter(|f| f.ttl)
        .any(|f| index_keys.contains(&f.attr.as_str()) || readable(&f));
    IndexIr {
        item: projection_struct
            .as_ref()
            .map_or_else(|| model.clone(), |p| p.name.clone()),
        name,
        kind,
        name_marker: marker.clone(),
        marker,
        method,
        doc,
        hash,
        range,
        throughput: index.and_then(|i| i.throughput),
        projection,
        filterable,
        selectable,
        expiring,
        projection_struct,
    }
}

/// The IR of a template over the model's `checked` fields, lowered to `fields`.
fn template(tpl: &Template, checked: &[Field], fields: &[FieldIr]) -> TemplateIr {
    let mut source = String::new();
    let pieces = tpl
        .pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => {
                source.push_str(&text.replace('{', "{{").replace('}', "}}"));
                PieceIr::Text(text.clone())
            }
            Piece::Part { field, width } => {
                let f = &fields[*field];
                source.push('{');
                source.push_str(&checked[*field].attr.value);
                if *width > 0 {
                    source.push_str(&format!(":{width}"));
                }
                source.push('}');
                PieceIr::Part(PartIr {
                    attr: f.attr.clone(),
                    rust: f.rust.clone(),
                    ty: f.ty.clone(),
                    optional: f.is_optional(),
                    width: *width,
                    marker: f.marker.clone(),
                })
            }
        })
        .collect();
    TemplateIr { pieces, source }
}

/// Whether an index with `projection` holds the attribute of `f`: every index holds the
/// table's keys.
fn holds(projection: &Projection, f: &FieldIr) -> bool {
    f.key.is_some()
        || match projection {
            Projection::All => true,
            Projection::KeysOnly => false,
            Projection::Include(names) => names.contains(&f.attr),
        }
}

/// The struct a query of an index that holds only some attributes returns; the index keys are
/// in every item of the index, so they are required.
fn projection_struct(
    name: String,
    what: &str,
    t: &CheckedTable,
    fields: &[FieldIr],
    projection: &Projection,
    index_keys: &[&str],
) -> ProjectionIr {
    let projected: Vec<FieldIr> = t
        .fields
        .iter()
        .zip(fields)
        .filter(|(f, _)| !f.is_computed())
        .filter(|(_, ir)| holds(projection, ir) || index_keys.contains(&ir.attr.as_str()))
        .map(|(f, ir)| {
            let index_key = ir.key.is_none() && index_keys.contains(&ir.attr.as_str());
            FieldIr {
                key: ir.key,
                presence: if index_key {
                    Presence::Required
                } else {
                    f.presence.clone()
                },
                // Without a role: only the model's fields say what they are.
                ..field(f, "")
            }
        })
        .collect();
    let names = projected
        .iter()
        .map(|f| format!("`{}`", f.attr.replace('`', "'")))
        .collect::<Vec<_>>()
        .join(", ");
    ProjectionIr {
        doc: doc_lines(&format!(
            "An item of {what} of [`{}`]: only the attributes the index holds ({names}).",
            t.model.value
        )),
        name,
        fields: projected,
    }
}

fn enumeration(e: &Enum) -> EnumIr {
    EnumIr {
        name: e.name.clone(),
        doc: doc_or(e.doc.as_deref(), || {
            format!("The values of the enum `{}`.", e.name)
        }),
        variants: e
            .variants
            .iter()
            .map(|v| {
                let stored = format!("Stored as `{}`.", v.value.replace('`', "'"));
                VariantIr {
                    rust: v.rust.clone(),
                    value: v.value.clone(),
                    doc: doc_then(v.doc.as_deref(), &stored),
                }
            })
            .collect(),
    }
}

/// The schema's `doc`, or the generated one when it has none.
fn doc_or(doc: Option<&str>, generated: impl FnOnce() -> String) -> Doc {
    match doc {
        Some(d) => doc_lines(d),
        None => doc_lines(&generated()),
    }
}

/// The schema's `doc` and a blank line, if it has one, then the generated line that says what
/// the item is.
fn doc_then(doc: Option<&str>, generated: &str) -> Doc {
    let mut lines = Vec::new();
    if let Some(d) = doc {
        lines = doc_lines(d);
        lines.push(String::new());
    }
    lines.extend(doc_lines(generated));
    lines
}

/// The doc lines of `text`: trimmed, blank lines kept.
fn doc_lines(text: &str) -> Doc {
    text.trim()
        .lines()
        .map(|line| line.trim_end().to_owned())
        .collect()
}
