//! Names: the model, its key and module, the table, the types a schema declares, the Rust names
//! of index entry points, and the names two schema files must not share.

use std::collections::HashMap;
use std::sync::Arc;

use crate::checked::CheckedTable;
use crate::diagnostic::{Reporter, SourceFile, Span, line_col};
use crate::naming;
use crate::schema::{RawIndex, RawSchema, RawTable, Sp};

/// The model name: `model`, or the file stem in UpperCamelCase.
pub(super) fn model_name(report: &mut Reporter<'_>, table: &RawTable, stem: &str) -> Sp<String> {
    match &table.model {
        Some(m) => {
            if !naming::is_type_name(&m.value) {
                let help = match naming::type_name(&m.value) {
                    Some(s) if s != m.value => {
                        format!("a model name is a Rust type name in UpperCamelCase, such as `{s}`")
                    }
                    _ => "a model name is a Rust type name in UpperCamelCase, such as `GameScore`"
                        .to_owned(),
                };
                report.error(
                    m.span.clone(),
                    format!("`{}` is not a valid Rust type name", m.value),
                    "invalid model name",
                    help,
                );
            }
            m.clone()
        }
        None => match naming::type_name(stem) {
            Some(name) => Sp::new(name, table.span.clone()),
            None => {
                report.error(
                    table.span.clone(),
                    format!("the file name `{stem}` gives no valid model name"),
                    "no `model` here",
                    "set `model = \"MyModel\"` in `[table]`",
                );
                Sp::new("Invalid".to_owned(), table.span.clone())
            }
        },
    }
}

/// The module name: the file stem in snake_case, escaped where it is a keyword.
pub(super) fn module_name(report: &mut Reporter<'_>, stem: &str) -> String {
    let module = naming::snake(stem);
    if !naming::is_ascii_ident(&module) {
        report.error(
            0..0,
            format!("the file name `{stem}` gives no valid Rust module name"),
            "this file",
            "rename the file to a snake_case name such as `game_score.toml`",
        );
    }
    naming::escape(&module)
}

/// The modules of the folders a schema file is in: each folder name in snake_case.
pub(super) fn folder_modules(report: &mut Reporter<'_>, folders: &[String]) -> Vec<String> {
    folders
        .iter()
        .map(|folder| {
            let module = naming::snake(folder);
            if !naming::is_ascii_ident(&module) {
                report.error(
                    0..0,
                    format!("the folder `{folder}` gives no valid Rust module name"),
                    "this file's folder",
                    "rename the folder to a snake_case name such as `shop`",
                );
            }
            naming::escape(&module)
        })
        .collect()
}

/// The table name: `name`, or the model name.
pub(super) fn table_name(
    report: &mut Reporter<'_>,
    table: &RawTable,
    model: &Sp<String>,
) -> Sp<String> {
    let name = table.name.clone().unwrap_or_else(|| model.clone());
    dynamodb_name(report, &name, "table");
    name
}

/// DynamoDB's rule for the names of tables and indexes (`what`).
pub(super) fn dynamodb_name(report: &mut Reporter<'_>, name: &Sp<String>, what: &str) {
    let valid = (3..=255).contains(&name.value.len())
        && name
            .value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if !valid {
        report.error(
            name.span.clone(),
            format!("`{}` is not a valid DynamoDB {what} name", name.value),
            format!("invalid {what} name"),
            format!("{what} names have 3 to 255 characters from a-z, A-Z, 0-9, `_`, `-` and `.`"),
        );
    }
}

/// The type names of a file: the model, its key, nested types and enums share one namespace.
/// Returns where each name is declared.
pub(super) fn type_names(
    report: &mut Reporter<'_>,
    raw: &RawSchema,
    model: &Sp<String>,
    key_name: &str,
) -> HashMap<String, Span> {
    let mut declared: HashMap<String, Span> = HashMap::new();
    declared.insert(model.value.clone(), model.span.clone());
    let named = raw.types.iter().map(|t| (&t.name, "type"));
    for (name, what) in named.chain(raw.enums.iter().map(|e| (&e.name, "enum"))) {
        type_name_is_valid(report, name, what);
        type_name_is_free(report, &mut declared, key_name, name, what);
    }
    declared
}

fn type_name_is_valid(report: &mut Reporter<'_>, name: &Sp<String>, what: &str) {
    if naming::is_type_name(&name.value) {
        return;
    }
    let help = match naming::type_name(&name.value) {
        Some(s) if s != name.value => {
            format!("{what} names are Rust type names in UpperCamelCase, such as `{s}`")
        }
        _ => format!("{what} names are Rust type names in UpperCamelCase"),
    };
    report.error(
        name.span.clone(),
        format!("`{}` is not a valid Rust type name", name.value),
        format!("invalid {what} name"),
        help,
    );
}

/// A declared type takes neither the generated key's name nor one declared before it.
fn type_name_is_free(
    report: &mut Reporter<'_>,
    declared: &mut HashMap<String, Span>,
    key_name: &str,
    name: &Sp<String>,
    what: &str,
) {
    if name.value == key_name {
        report.error(
            name.span.clone(),
            format!("`{}` is the name of the generated key type", name.value),
            "taken by the model's key",
            format!("rename the {what}"),
        );
    } else if let Some(other) = declared.get(&name.value) {
        report
            .at(
                name.span.clone(),
                format!("the name `{}` is declared twice", name.value),
                "declared again here",
            )
            .also(other.clone(), "first declared here")
            .help(format!("rename the {what}"));
    } else {
        declared.insert(name.value.clone(), name.span.clone());
    }
}

/// Index entry points and projection structs need distinct Rust names.
pub(super) fn index_names(
    report: &mut Reporter<'_>,
    indexes: &[RawIndex],
    model: &str,
    type_names: &HashMap<String, Span>,
) {
    let mut markers: HashMap<String, Span> = HashMap::new();
    let mut methods: HashMap<String, Span> = HashMap::new();
    for index in indexes {
        let name = &index.name;
        let marker = naming::marker_name(&name.value);
        let method = naming::query_method(&name.value);
        if !naming::is_ascii_ident(&marker) || !naming::is_ascii_ident(&method) {
            report.error(
                name.span.clone(),
                format!(
                    "the index name `{}` gives no Rust name for its query method",
                    name.value
                ),
                "no Rust name",
                "use letters, digits and `_` in index names, such as `ByEmail`",
            );
            continue;
        }
        for (map, key, what) in [
            (&mut markers, marker.clone(), "marker type"),
            (&mut methods, method, "query method"),
        ] {
            if let Some(first) = map.get(&key) {
                report
                    .at(
                        name.span.clone(),
                        format!("two indexes map to the {what} `{key}`"),
                        "maps to the same Rust name",
                    )
                    .also(first.clone(), "this one too")
                    .help("rename one of the indexes");
            } else {
                map.insert(key, name.span.clone());
            }
        }
        index_is_not_named_table(report, name, &marker);
        projection_item_is_free(report, name, model, &marker, type_names);
    }
}

fn index_is_not_named_table(report: &mut Reporter<'_>, name: &Sp<String>, marker: &str) {
    if marker == "Table" {
        report.error(
            name.span.clone(),
            "an index cannot be named `Table`",
            "reserved for the table's own key",
            "rename the index",
        );
    }
}

fn projection_item_is_free(
    report: &mut Reporter<'_>,
    name: &Sp<String>,
    model: &str,
    marker: &str,
    type_names: &HashMap<String, Span>,
) {
    let projection = naming::projection_item(model, marker);
    if let Some(other) = type_names.get(&projection) {
        report
            .at(
                other.clone(),
                format!(
                    "`{projection}` is the name of the item type generated for index `{}`",
                    name.value
                ),
                "taken by a generated type",
            )
            .also(name.span.clone(), "the index")
            .help("rename the type or the index");
    }
}

/// The names two schema files must not share: model, table and module.
#[derive(Default)]
pub(super) struct AcrossFiles {
    models: HashMap<String, (Arc<SourceFile>, Span)>,
    tables: HashMap<String, (Arc<SourceFile>, Span)>,
    /// Module paths (`shop::order`), with whether each is a folder's.
    modules: HashMap<String, (Arc<SourceFile>, bool)>,
}

impl AcrossFiles {
    /// Checks `table` against the files checked before it, and remembers its names.
    pub(super) fn check(&mut self, report: &mut Reporter<'_>, table: &CheckedTable) {
        // Models are re-exported by the module of their folder: one name per folder.
        let scope = table.folders.join("::");
        let model = match scope.is_empty() {
            true => table.model.clone(),
            false => Sp::new(
                format!("{scope}::{}", table.model.value),
                table.model.span.clone(),
            ),
        };
        declared_once(
            report,
            &mut self.models,
            &model,
            "model",
            "give one of them another `model` name",
        );
        // The entities of a shared table name it again.
        if table.entity.is_none() {
            declared_once(
                report,
                &mut self.tables,
                &table.table_name,
                "table",
                "give one of them another table `name`",
            );
        }
        // A folder is a module of its parent folder, as a file is.
        for depth in 0..table.folders.len() {
            let folder = table.folders[..=depth].join("::");
            match self.modules.get(&folder) {
                Some((other, false)) => report.error(
                    0..0,
                    format!("the folder module `{folder}` is also a schema file's module"),
                    "this file's folder",
                    format!(
                        "{} maps to the same module; rename the file or the folder",
                        other.path
                    ),
                ),
                Some((_, true)) => {}
                None => {
                    self.modules.insert(folder, (report.file().clone(), true));
                }
            }
        }
        let module = match scope.is_empty() {
            true => table.module.clone(),
            false => format!("{scope}::{}", table.module),
        };
        self.module_once(report, &module);
    }

    fn module_once(&mut self, report: &mut Reporter<'_>, module: &str) {
        if let Some((other, _)) = self.modules.get(module) {
            report.error(
                0..0,
                format!("two schema files map to the module `{module}`"),
                "this file",
                format!(
                    "{} maps to the same module; rename one of the files",
                    other.path
                ),
            );
        } else {
            self.modules
                .insert(module.to_owned(), (report.file().clone(), false));
        }
    }
}

fn declared_once(
    report: &mut Reporter<'_>,
    seen: &mut HashMap<String, (Arc<SourceFile>, Span)>,
    name: &Sp<String>,
    what: &str,
    help: &str,
) {
    if let Some((other_file, other_span)) = seen.get(&name.value) {
        let (line, col) = line_col(&other_file.text, other_span.start);
        report.error(
            name.span.clone(),
            format!("two schemas declare the {what} `{}`", name.value),
            format!("{what} declared again here"),
            format!(
                "it is also declared at {}:{line}:{col}; {help}",
                other_file.path
            ),
        );
    } else {
        seen.insert(
            name.value.clone(),
            (report.file().clone(), name.span.clone()),
        );
    }
}
