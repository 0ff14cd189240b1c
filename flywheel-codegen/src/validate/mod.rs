//! Every semantic rule of the schema language, collecting every error of every file; the files
//! that pass become [`CheckedTable`]s.
//!
//! Each submodule holds the rules of one part of a schema, one function per rule. This driver
//! runs them in the order a reader meets what they check, and adds the rules across files.
//! Rules report and go on, so one run shows every error; a file with any error yields no
//! checked table.

mod default;
mod entities;
mod enums;
mod fields;
mod indexes;
mod keys;
mod names;
mod table;
mod templates;
mod types;

use crate::checked::{CheckedTable, Enum, NestedType};
use crate::diagnostic::{Diagnostic, Reporter};
use crate::load::Input;
use crate::naming;
use crate::schema::{RawSchema, parse_file};

/// Parses and checks every input, or returns every diagnostic found.
pub(crate) fn validate(inputs: &[Input]) -> Result<Vec<CheckedTable>, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let parsed: Vec<(&Input, RawSchema)> = inputs
        .iter()
        .filter_map(|input| parse_file(&input.file, &mut diags).map(|raw| (input, raw)))
        .collect();
    // Tables of several entities first: entity files name them from anywhere.
    let mut shared: Vec<entities::SharedTable> = Vec::new();
    for (input, raw) in &parsed {
        if entities::shared_of(raw).is_none() {
            continue;
        }
        let mut report = Reporter::new(&input.file, &mut diags);
        entities::shared_table_rules(&mut report, raw);
        let Some(mut checked) = check_file(&mut report, input, &entities::table_view(raw)) else {
            continue;
        };
        entities::restore_projections(&mut checked, raw);
        checked.shared = entities::shared_of(raw);
        shared.push(entities::SharedTable {
            file: input.file.clone(),
            raw: raw.clone(),
            checked,
        });
    }
    let mut tables: Vec<CheckedTable> = Vec::new();
    let mut declared: Vec<entities::Declared> = Vec::new();
    // Entities that did not pass, by table name and model name.
    let mut failed: Vec<(String, String)> = Vec::new();
    let mut across = names::AcrossFiles::default();
    for (input, raw) in &parsed {
        let mut report = Reporter::new(&input.file, &mut diags);
        let checked = if entities::shared_of(raw).is_some() {
            let found = shared
                .iter()
                .find(|s| std::sync::Arc::ptr_eq(&s.file, &input.file));
            match found {
                Some(s) => s.checked.clone(),
                None => continue,
            }
        } else if let Some(entity) = &raw.entity {
            // A missing `table` was reported by the parser.
            let Some(name) = &entity.table else {
                continue;
            };
            let Some(table) = entities::find(&shared, &name.value) else {
                report.error(
                    name.span.clone(),
                    format!("no table `{}` with a discriminator is declared", name.value),
                    "unknown table",
                    "entities map onto a table whose file declares `discriminator = \"...\"` \
                     in `[table]`; name that table here, or add the discriminator to it",
                );
                continue;
            };
            // An entity with errors is still one of its table's, for the rules across them.
            let model = entity.model.as_ref().map_or_else(
                || naming::type_name(&input.stem).unwrap_or_default(),
                |m| m.value.clone(),
            );
            failed.push((name.value.clone(), model));
            let Some(view) = entities::entity_view(&mut report, raw, table) else {
                continue;
            };
            let Some(mut checked) = check_file(&mut report, input, &view) else {
                continue;
            };
            let Some(of) = entities::entity_of(&mut report, raw, &checked, table) else {
                continue;
            };
            failed.pop();
            checked.entity = Some(of);
            declared.push(entities::Declared {
                model: checked.model.value.clone(),
                file: input.file.clone(),
                span: entity.span.clone(),
            });
            checked
        } else {
            let Some(checked) = check_file(&mut report, input, raw) else {
                continue;
            };
            checked
        };
        entities::unique_fields(&mut report, &checked);
        entities::no_unique_in_types(&mut report, raw);
        across.check(&mut report, &checked);
        tables.push(checked);
    }
    // The rules across the entities of each shared table, reported in the table's file.
    for table in &shared {
        let module = table.checked.module_path();
        let members: Vec<&CheckedTable> = tables
            .iter()
            .filter(|t| t.entity.as_ref().is_some_and(|e| e.table_module == module))
            .collect();
        let mut report = Reporter::new(&table.file, &mut diags);
        let broken: Vec<&str> = failed
            .iter()
            .filter(|(t, _)| *t == table.checked.table_name.value)
            .map(|(_, m)| m.as_str())
            .collect();
        let collections =
            entities::across_entities(&mut report, table, &members, &declared, &broken);
        if let Some(t) = tables
            .iter_mut()
            .find(|t| t.shared.is_some() && t.table_name.value == table.checked.table_name.value)
            && let Some(s) = &mut t.shared
        {
            s.collections = collections;
        }
    }
    if diags.is_empty() {
        Ok(tables)
    } else {
        Err(diags)
    }
}

/// The rules of one file, in the order a reader meets what they check.
fn check_file(report: &mut Reporter<'_>, input: &Input, raw: &RawSchema) -> Option<CheckedTable> {
    let errors_before = report.count();
    // A missing `[table]` was reported by the parser.
    let table = raw.table.clone().unwrap_or_default();

    let model = names::model_name(report, &table, &input.stem);
    let key_name = format!("{}Key", model.value);
    let module = names::module_name(report, &input.stem);
    let folders = names::folder_modules(report, &input.folders);
    let table_name = names::table_name(report, &table, &model);
    let type_names = names::type_names(report, raw, &model, &key_name);

    let enums: Vec<Enum> = raw
        .enums
        .iter()
        .map(|e| enums::enumeration(report, e))
        .collect();
    let scope = types::Scope::new(raw, &enums);
    let nested: Vec<NestedType> = raw
        .types
        .iter()
        .map(|t| NestedType {
            name: t.name.clone(),
            doc: t.doc.as_ref().map(|d| d.value.clone()),
            // A type without fields was reported by the parser.
            fields: fields::fields(report, &t.fields, &scope, None),
        })
        .collect();
    types::no_type_contains_itself(report, &nested);
    templates::not_in_types(report, &raw.types);

    // A missing or empty `[fields]` was reported by the parser.
    let ttl_attr = table.ttl.as_ref().map(|t| t.value.as_str());
    let mut attrs = fields::Attributes::new(
        &raw.fields,
        fields::fields(report, &raw.fields, &scope, ttl_attr),
    );
    templates::resolve(report, &raw.fields, &mut attrs);

    // A missing `hash_key` was reported by the parser.
    let hash = keys::key(report, &attrs, table.hash_key.as_ref(), "hash key");
    let range = keys::key(report, &attrs, table.range_key.as_ref(), "range key");
    keys::range_is_not_hash(report, &table, hash, range);
    // A computed key is given by its parts, which are then keys too.
    let key_fields: Vec<usize> = [hash, range]
        .into_iter()
        .flatten()
        .flat_map(|k| match &attrs.fields[k.field].template {
            Some(t) => t.part_fields().chain([k.field]).collect(),
            None => vec![k.field],
        })
        .collect();
    keys::keys_are_required(report, &mut attrs.fields, &key_fields);

    let billing = table::billing(report, &table);
    let ttl = table::time_to_live(report, &table, &attrs, &key_fields);
    let version = table::version(report, &table, &mut attrs, &key_fields);

    let table_keys = indexes::TableKeys {
        hash,
        range,
        has_table: raw.table.is_some(),
        provisioned: table::is_provisioned(&table),
    };
    let indexes = indexes::indexes(report, &raw.indexes, &attrs, &table_keys);
    names::index_names(report, &raw.indexes, &model.value, &type_names);

    if report.count() > errors_before {
        return None;
    }
    Some(CheckedTable {
        source: input.source.clone(),
        module,
        file_stem: naming::snake(&input.stem),
        folders,
        model,
        table_name,
        doc: table.doc.as_ref().map(|d| d.value.clone()),
        fields: attrs.fields,
        hash: hash?,
        range,
        billing: billing?,
        ttl,
        version,
        indexes,
        types: nested,
        enums,
        shared: None,
        entity: None,
    })
}
