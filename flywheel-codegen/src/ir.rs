//! The resolved, named, typed form of the schemas that templates render.
//!
//! Everything a template prints is computed here (Rust types, codec paths, quoted literals),
//! so templates hold only loops and branches.

use crate::render::rust::lit;

/// Every schema, ready to render.
#[derive(Debug, Clone)]
pub struct Ir {
    /// One entry per schema file, sorted by path.
    pub tables: Vec<TableIr>,
}

/// One schema file: a table, its model and its nested types.
#[derive(Debug, Clone)]
pub struct TableIr {
    /// The schema path shown in the header, relative to its input.
    pub source: String,
    /// The module name (an identifier).
    pub module: String,
    /// The output file name, such as `game_score.rs`.
    pub file_name: String,
    /// The model type name.
    pub model: String,
    /// The key type name.
    pub key: String,
    /// Doc lines of the model, as string literals.
    pub doc: Vec<String>,
    /// Doc lines of the module, as string literals.
    pub module_doc: Vec<String>,
    /// Every field, in schema order.
    pub fields: Vec<FieldIr>,
    /// The key fields: hash key, then range key.
    pub key_fields: Vec<FieldIr>,
    /// Derives of the key struct.
    pub key_derives: String,
    /// Doc line of the key struct.
    pub key_doc: String,
    /// Parameters of the key's `new`.
    pub key_params: Vec<ParamIr>,
    /// Parameters of `new`.
    pub new_params: Vec<ParamIr>,
    /// Whether `new` needs `#[allow(clippy::too_many_arguments)]`.
    pub new_many_args: bool,
    /// Whether a field has a schema default, so `write_defaults` is generated.
    pub writes_defaults: bool,
    /// The `TableSchema` literal.
    pub schema: String,
    /// The table and its indexes, as query entry points.
    pub indexes: Vec<IndexIr>,
    /// Whether serde derives are generated.
    pub serde: bool,
    /// Doc line of the `attr` module.
    pub attr_module_doc: String,
    /// Doc line of the `index` module.
    pub index_module_doc: String,
    /// Nested types.
    pub types: Vec<DocTypeIr>,
    /// Enums.
    pub enums: Vec<EnumIr>,
}

/// How a generated `from_item` binds its item: `mut` only when a field takes its value out
/// (every non-key field does), since a key-only struct that declared it would get a warning.
pub fn item_binding(fields: &[FieldIr]) -> &'static str {
    if fields.iter().all(|f| f.is_key) {
        "item"
    } else {
        "mut item"
    }
}

/// One field of a model or nested type.
#[derive(Debug, Clone)]
pub struct FieldIr {
    /// The Rust field name.
    pub rust: String,
    /// Doc lines, as string literals.
    pub doc: Vec<String>,
    /// The Rust type of the struct field.
    pub rust_type: String,
    /// The statement that stores the field into `item`.
    pub encode: String,
    /// The expression that reads the field from `item`.
    pub decode: String,
    /// Whether it is a key attribute of the table, which `decode` reads by reference.
    pub is_key: bool,
    /// The expression `new` gives it.
    pub init: String,
    /// For a field with a schema default: the statement that stores the default into `item`
    /// (a `&mut Item`), for `write_defaults`.
    pub default_put: Option<String>,
    /// The name of its attribute-handle constant (`TOP_SCORE`).
    pub handle: String,
    /// The name of its attribute marker type (`TopScore`).
    pub marker: String,
    /// The codec that stores it.
    pub codec: String,
    /// The stored attribute name as a string literal.
    pub attr_lit: String,
    /// Doc line of its handle.
    pub handle_doc: String,
    /// Doc line of its marker type.
    pub marker_doc: String,
    /// Whether updates may write it (not a table key, not the version attribute).
    pub updatable: bool,
    /// Whether it may be absent, so updates may remove it (optional fields and sets).
    pub removable: bool,
    /// The presence marker of nested-field handles (`Optional` or `Required`).
    pub presence: String,
}

/// One way to query a model: the table or a secondary index.
#[derive(Debug, Clone)]
pub struct IndexIr {
    /// The marker type (`Table`, `GameTitleIndex`).
    pub marker: String,
    /// Doc lines of the marker and the entry point.
    pub doc: Vec<String>,
    /// The entry point method (`query`, `query_game_title_index`).
    pub method: String,
    /// The index name as `Some("...")` or `None`.
    pub name_opt: String,
    /// The hash key parameter name.
    pub hash_param: String,
    /// The hash key codec.
    pub hash_codec: String,
    /// The hash key attribute as a literal.
    pub hash_lit: String,
    /// The range key codec (`NoRangeKey` when there is none).
    pub range_codec: String,
    /// The range key attribute as `Some("...")` or `None`.
    pub range_opt: String,
    /// Whether it has a range key.
    pub has_range: bool,
    /// Whether its range key is a string or binary.
    pub prefix_range: bool,
    /// Whether it offers consistent reads (table and local indexes).
    pub consistent: bool,
    /// The type a query returns: the model or the projection struct.
    pub item: String,
    /// Markers of the attributes that are not keys of this index (filterable).
    pub not_keys: Vec<String>,
    /// The projection struct, for KEYS_ONLY and INCLUDE indexes.
    pub projection: Option<ProjectionIr>,
}

/// The struct a KEYS_ONLY or INCLUDE index returns.
#[derive(Debug, Clone)]
pub struct ProjectionIr {
    /// The struct name.
    pub name: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// The projected fields, in schema order.
    pub fields: Vec<FieldIr>,
}

/// One parameter of a generated `new`.
#[derive(Debug, Clone)]
pub struct ParamIr {
    /// The parameter (and field) name.
    pub rust: String,
    /// The parameter type.
    pub rust_type: String,
}

/// A nested document type.
#[derive(Debug, Clone)]
pub struct DocTypeIr {
    /// The type name.
    pub name: String,
    /// The type name as a string literal.
    pub name_lit: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// Fields, in schema order.
    pub fields: Vec<FieldIr>,
    /// Derives.
    pub derives: String,
    /// Parameters of `new`.
    pub new_params: Vec<ParamIr>,
    /// Whether `new` needs `#[allow(clippy::too_many_arguments)]`.
    pub new_many_args: bool,
    /// Whether a field has a schema default, so `write_defaults` is generated.
    pub writes_defaults: bool,
    /// Whether `new` takes nothing, so `Default` is implemented too.
    pub has_default: bool,
}

/// An enum.
#[derive(Debug, Clone)]
pub struct EnumIr {
    /// The enum name.
    pub name: String,
    /// The enum name as a string literal.
    pub name_lit: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// Variants, in schema order.
    pub variants: Vec<VariantIr>,
}

/// An enum variant.
#[derive(Debug, Clone)]
pub struct VariantIr {
    /// The variant name.
    pub rust: String,
    /// The stored value as a string literal.
    pub value_lit: String,
    /// Doc lines.
    pub doc: Vec<String>,
}

/// Doc attribute lines for `text`: one literal per line, each with a leading space.
pub fn doc_lines(text: &str) -> Vec<String> {
    text.trim()
        .lines()
        .map(|line| match line.trim_end() {
            "" => lit(""),
            line => lit(&format!(" {line}")),
        })
        .collect()
}
