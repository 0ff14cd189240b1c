//! Every semantic rule of the schema language, collecting every error of every file; the files
//! that pass become [`CheckedTable`]s.
//!
//! Each submodule holds the rules of one part of a schema, one function per rule. This driver
//! runs them in the order a reader meets what they check, and adds the rules across files.
//! Rules report and go on, so one run shows every error; a file with any error yields no
//! checked table.

mod default;
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
    let mut tables = Vec::new();
    let mut across = names::AcrossFiles::default();
    for input in inputs {
        let Some(raw) = parse_file(&input.file, &mut diags) else {
            continue;
        };
        let mut report = Reporter::new(&input.file, &mut diags);
        let Some(checked) = check_file(&mut report, input, &raw) else {
            continue;
        };
        across.check(&mut report, &checked);
        tables.push(checked);
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
    })
}
