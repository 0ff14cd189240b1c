//! TOML text to [`RawSchema`], reporting every unknown key and wrongly typed value.
//!
//! The walk goes over toml's spanned document tree rather than through serde, so that one run
//! reports all problems of a file (not only the first) and every unknown key gets a
//! "did you mean" against the keys allowed at that place.

use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::{
    Literal, RawBilling, RawCollection, RawEntity, RawEnum, RawEnumValue, RawField, RawIndex,
    RawProjection, RawSchema, RawTable, RawThroughput, RawType, Sp,
};
use crate::diagnostic::{Diagnostic, Reporter, SourceFile, Span, did_you_mean};

type Key<'i> = Spanned<DeString<'i>>;
type Value<'i> = Spanned<DeValue<'i>>;

const TOP_KEYS: &[&str] = &[
    "table",
    "entity",
    "fields",
    "indexes",
    "collections",
    "types",
    "enums",
];
const ENTITY_KEYS: &[&str] = &["table", "model", "name", "doc", "version"];
const COLLECTION_KEYS: &[&str] = &["doc", "index", "entities"];
const TABLE_KEYS: &[&str] = &[
    "name",
    "model",
    "doc",
    "hash_key",
    "range_key",
    "billing",
    "ttl",
    "version",
    "discriminator",
];
const FIELD_KEYS: &[&str] = &[
    "type",
    "doc",
    "rust_name",
    "required",
    "default",
    "format",
    "template",
    "parts",
    "separator",
    "unique",
];
const INDEX_KEYS: &[&str] = &["kind", "hash_key", "range_key", "projection", "throughput"];
const TYPE_KEYS: &[&str] = &["doc", "fields"];
const ENUM_KEYS: &[&str] = &["doc", "values"];
const ENUM_VALUE_KEYS: &[&str] = &["value", "rust_name", "doc"];
const THROUGHPUT_KEYS: &[&str] = &["read", "write"];
/// DynamoDB's names for what a schema calls otherwise.
const ALIASES: &[(&str, &str)] = &[
    ("partition_key", "hash_key"),
    ("sort_key", "range_key"),
    ("billing_mode", "billing"),
    ("projection_type", "projection"),
    ("time_to_live", "ttl"),
];

/// Parses one schema file, adding a diagnostic for every problem to `diags`.
/// Returns `None` when the TOML itself cannot be read.
pub(crate) fn parse_file(file: &Arc<SourceFile>, diags: &mut Vec<Diagnostic>) -> Option<RawSchema> {
    let (document, errors) = DeTable::parse_recoverable(&file.text);
    if !errors.is_empty() {
        // In file order, as every other diagnostic of a file.
        let mut errors = errors;
        errors.sort_by_key(|e| e.span().map(|s| (s.start, s.end)));
        for error in errors {
            let span = error.span().unwrap_or(0..0);
            let message = error.message().trim().trim_end_matches('.').to_owned();
            let help = match file.text.get(span.clone()) {
                Some(key)
                    if message.contains("unquoted key")
                        && !key.is_empty()
                        && !key.contains(['"', '\\'])
                        && !key.contains(char::is_control) =>
                {
                    format!(
                        "a key with characters other than ASCII letters, digits, `-` and `_` is written in quotes: `\"{key}\"`"
                    )
                }
                _ if message.contains("duplicate key") => {
                    "a key is written once in each table: remove or rename one of them".to_owned()
                }
                _ => {
                    "fix the TOML syntax; see the schema language reference in README.md".to_owned()
                }
            };
            Reporter::new(file, diags).error(
                span,
                format!("invalid TOML: {message}"),
                "here",
                help,
            );
        }
        return None;
    }
    let mut p = Parser {
        report: Reporter::new(file, diags),
    };
    Some(p.schema(document.get_ref()))
}

struct Parser<'a> {
    report: Reporter<'a>,
}

impl Parser<'_> {
    fn unknown(&mut self, key: &Key<'_>, allowed: &[&str], place: &str) {
        let alias = ALIASES.iter().find(|(alias, name)| {
            key.get_ref().eq_ignore_ascii_case(alias) && allowed.contains(name)
        });
        let help = match (alias, did_you_mean(key.get_ref(), allowed.iter().copied())) {
            (Some((_, name)), _) => {
                format!(
                    "DynamoDB's `{}` is called `{name}` in a schema",
                    key.get_ref()
                )
            }
            (None, Some(s)) => format!("did you mean `{s}`?"),
            (None, None) => format!("the keys allowed {place} are: {}", allowed.join(", ")),
        };
        self.report.error(
            key.span(),
            format!("unknown key `{}` {place}", key.get_ref()),
            "not a schema key",
            help,
        );
    }

    fn string(&mut self, value: &Value<'_>, what: &str) -> Option<Sp<String>> {
        match value.get_ref() {
            DeValue::String(s) => Some(Sp::new(s.to_string(), value.span())),
            other => {
                self.report.error(
                    value.span(),
                    format!("{what} must be a string"),
                    format!("this is {}", kind(other)),
                    "write it in double quotes",
                );
                None
            }
        }
    }

    fn boolean(&mut self, value: &Value<'_>, what: &str) -> Option<Sp<bool>> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(Sp::new(*b, value.span())),
            other => {
                self.report.error(
                    value.span(),
                    format!("{what} must be a boolean"),
                    format!("this is {}", kind(other)),
                    "write `true` or `false`",
                );
                None
            }
        }
    }

    fn integer(&mut self, value: &Value<'_>, what: &str) -> Option<Sp<i128>> {
        match value.get_ref() {
            DeValue::Integer(i) => match integer_value(i) {
                Some(v) => Some(Sp::new(v, value.span())),
                None => {
                    self.report.error(
                        value.span(),
                        format!("{what} is too large"),
                        "out of range",
                        "use a smaller number",
                    );
                    None
                }
            },
            other => {
                self.report.error(
                    value.span(),
                    format!("{what} must be an integer"),
                    format!("this is {}", kind(other)),
                    "write a whole number such as 5",
                );
                None
            }
        }
    }

    fn table<'v, 'i>(
        &mut self,
        value: &'v Value<'i>,
        what: &str,
        help: &str,
    ) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.report.error(
                    value.span(),
                    format!("{what} must be a table"),
                    format!("this is {}", kind(other)),
                    help,
                );
                None
            }
        }
    }

    fn schema(&mut self, doc: &DeTable<'_>) -> RawSchema {
        let mut schema = RawSchema::default();
        for (key, value) in doc.iter() {
            match key.get_ref().as_ref() {
                "table" => {
                    if let Some(t) = self.table(value, "`table`", "write a `[table]` section") {
                        schema.table = Some(self.raw_table(key.span(), t));
                    }
                }
                "entity" => {
                    if let Some(t) = self.table(value, "`entity`", "write an `[entity]` section") {
                        schema.entity = Some(self.raw_entity(key.span(), t));
                    }
                }
                "collections" => {
                    if let Some(t) = self.table(
                        value,
                        "`collections`",
                        "write one `[collections.NAME]` section per collection",
                    ) {
                        for (name, def) in t.iter() {
                            if let Some(def) = self.table(
                                def,
                                &format!("collection `{}`", name.get_ref()),
                                "write `[collections.NAME]` with `entities = [...]`",
                            ) {
                                let c = self.collection(name, def);
                                schema.collections.push(c);
                            }
                        }
                    }
                }
                "fields" => {
                    schema.fields_span = Some(key.span());
                    if let Some(t) = self.table(value, "`fields`", "write a `[fields]` section") {
                        if t.is_empty() {
                            self.report.error(
                                key.span(),
                                "the schema declares no fields",
                                "no fields",
                                "add at least the hash key to `[fields]`",
                            );
                        }
                        schema.fields = self.fields(t, "in `[fields]`");
                    }
                }
                "indexes" => {
                    if let Some(t) = self.table(
                        value,
                        "`indexes`",
                        "write one `[indexes.NAME]` section per index",
                    ) {
                        for (name, def) in t.iter() {
                            if let Some(def) = self.table(
                                def,
                                &format!("index `{}`", name.get_ref()),
                                "write `[indexes.NAME]` with `hash_key` and the other index keys",
                            ) {
                                let index = self.index(name, def);
                                schema.indexes.push(index);
                            }
                        }
                    }
                }
                "types" => {
                    if let Some(t) = self.table(
                        value,
                        "`types`",
                        "write one `[types.NAME]` section per nested type",
                    ) {
                        for (name, def) in t.iter() {
                            if let Some(def) = self.table(
                                def,
                                &format!("type `{}`", name.get_ref()),
                                "write `[types.NAME]` with `fields = { ... }`",
                            ) {
                                let ty = self.nested_type(name, def);
                                schema.types.push(ty);
                            }
                        }
                    }
                }
                "enums" => {
                    if let Some(t) = self.table(
                        value,
                        "`enums`",
                        "write one `[enums.NAME]` section per enum",
                    ) {
                        for (name, def) in t.iter() {
                            if let Some(def) = self.table(
                                def,
                                &format!("enum `{}`", name.get_ref()),
                                "write `[enums.NAME]` with `values = [...]`",
                            ) {
                                let e = self.enumeration(name, def);
                                schema.enums.push(e);
                            }
                        }
                    }
                }
                _ => self.unknown(key, TOP_KEYS, "at the top level"),
            }
        }
        // Absent, not wrongly typed: those were reported above.
        if doc.contains_key("entity") {
            if let Some(table) = doc.get_key_value("table") {
                self.report.error(
                    table.0.span(),
                    "a schema has `[table]` or `[entity]`, not both",
                    "`[table]` of an entity",
                    "an entity's table is declared in its own file and named by `table` in \
                     `[entity]`; remove this section",
                );
            }
            if let Some(indexes) = doc.get_key_value("indexes") {
                self.report.error(
                    indexes.0.span(),
                    "an entity declares no indexes",
                    "indexes of an entity",
                    "indexes belong to the shared table: declare them in its file, and map \
                     this entity onto one by declaring its key attributes in `[fields]`",
                );
            }
        } else if !doc.contains_key("table") {
            self.report.error(
                0..0,
                "the schema has no `[table]` section",
                "expected `[table]` in this file",
                "add `[table]` with at least `hash_key = \"...\"`",
            );
        } else if let (Some(table), None) = (&schema.table, &schema.fields_span) {
            self.report.error(
                table.span.clone(),
                "the schema declares no fields",
                "no `[fields]` section",
                "add a `[fields]` section with at least the hash key",
            );
        }
        schema
    }

    fn raw_table(&mut self, span: Span, t: &DeTable<'_>) -> RawTable {
        let mut table = RawTable {
            span,
            ..RawTable::default()
        };
        for (key, value) in t.iter() {
            match key.get_ref().as_ref() {
                "name" => table.name = self.string(value, "the table `name`"),
                "model" => table.model = self.string(value, "`model`"),
                "doc" => table.doc = self.string(value, "`doc`"),
                "hash_key" => table.hash_key = self.table_key(value, "`hash_key`"),
                "range_key" => table.range_key = self.table_key(value, "`range_key`"),
                "ttl" => table.ttl = self.string(value, "`ttl`"),
                "version" => table.version = self.string(value, "`version`"),
                "billing" => table.billing = self.billing(value),
                "discriminator" => {
                    table.discriminator = self.string(value, "`discriminator`");
                }
                _ => self.unknown(key, TABLE_KEYS, "in `[table]`"),
            }
        }
        // Absent, not wrongly typed: a `hash_key` of the wrong type was reported above.
        if !t.contains_key("hash_key") {
            self.report.error(
                table.span.clone(),
                "the table has no hash key",
                "`hash_key` missing in this section",
                "add `hash_key = \"...\"` naming one of the fields",
            );
        }
        table
    }

    fn raw_entity(&mut self, span: Span, t: &DeTable<'_>) -> RawEntity {
        let mut entity = RawEntity {
            span,
            ..RawEntity::default()
        };
        for (key, value) in t.iter() {
            match key.get_ref().as_ref() {
                "table" => entity.table = self.string(value, "the entity's `table`"),
                "model" => entity.model = self.string(value, "`model`"),
                "name" => entity.name = self.string(value, "the entity's `name`"),
                "doc" => entity.doc = self.string(value, "`doc`"),
                "version" => entity.version = self.string(value, "`version`"),
                _ => self.unknown(key, ENTITY_KEYS, "in `[entity]`"),
            }
        }
        if !t.contains_key("table") {
            self.report.error(
                entity.span.clone(),
                "the entity names no table",
                "`table` missing in this section",
                "add `table = \"...\"` with the `name` of a table that has a `discriminator`",
            );
        }
        entity
    }

    fn collection(&mut self, name: &Key<'_>, def: &DeTable<'_>) -> RawCollection {
        let mut c = RawCollection {
            name: Sp::new(name.get_ref().to_string(), name.span()),
            doc: None,
            index: None,
            entities: None,
        };
        for (key, v) in def.iter() {
            match key.get_ref().as_ref() {
                "doc" => c.doc = self.string(v, "`doc`"),
                "index" => c.index = self.string(v, "`index`"),
                "entities" => c.entities = self.string_list(v, "`entities`"),
                _ => self.unknown(
                    key,
                    COLLECTION_KEYS,
                    &format!("in collection `{}`", name.get_ref()),
                ),
            }
        }
        if !def.contains_key("entities") {
            self.report.error(
                name.span(),
                format!("the collection `{}` names no entities", name.get_ref()),
                "`entities` missing",
                "add `entities = [\"Customer\", \"Order\"]`: the models it reads together",
            );
        }
        c
    }

    fn billing(&mut self, value: &Value<'_>) -> Option<Sp<RawBilling>> {
        match value.get_ref() {
            DeValue::String(s) if s == "on_demand" => {
                Some(Sp::new(RawBilling::OnDemand, value.span()))
            }
            DeValue::String(s) => {
                let help = if s.eq_ignore_ascii_case("provisioned") {
                    "provisioned billing is written with its capacity: `billing = { read = 5, write = 5 }`".to_owned()
                } else if s.eq_ignore_ascii_case("pay_per_request")
                    || did_you_mean(s, ["on_demand"]).is_some()
                {
                    "on-demand billing (PAY_PER_REQUEST) is written `billing = \"on_demand\"`"
                        .to_owned()
                } else {
                    "write `billing = \"on_demand\"` or `billing = { read = 5, write = 5 }`"
                        .to_owned()
                };
                self.report.error(
                    value.span(),
                    format!("unknown billing mode `{s}`"),
                    "not a billing mode",
                    help,
                );
                None
            }
            DeValue::Table(_) => self
                .throughput(value, "`billing`")
                .map(|t| Sp::new(RawBilling::Provisioned(t.value), t.span)),
            other => {
                self.report.error(
                    value.span(),
                    "`billing` must be \"on_demand\" or a capacity table",
                    format!("this is {}", kind(other)),
                    "write `billing = \"on_demand\"` or `billing = { read = 5, write = 5 }`",
                );
                None
            }
        }
    }

    fn throughput(&mut self, value: &Value<'_>, what: &str) -> Option<Sp<RawThroughput>> {
        let t = self.table(value, what, "write `{ read = 5, write = 5 }`")?;
        let (mut read, mut write) = (None, None);
        for (key, v) in t.iter() {
            match key.get_ref().as_ref() {
                "read" => read = self.integer(v, "`read`"),
                "write" => write = self.integer(v, "`write`"),
                _ => self.unknown(key, THROUGHPUT_KEYS, &format!("in {what}")),
            }
        }
        match (read, write) {
            (Some(read), Some(write)) => Some(Sp::new(RawThroughput { read, write }, value.span())),
            (r, w) => {
                if r.is_none() && !t.contains_key("read") || w.is_none() && !t.contains_key("write")
                {
                    self.report.error(
                        value.span(),
                        format!("{what} needs both `read` and `write`"),
                        "incomplete capacity",
                        "write `{ read = 5, write = 5 }`",
                    );
                }
                None
            }
        }
    }

    fn fields(&mut self, t: &DeTable<'_>, place: &str) -> Vec<RawField> {
        let mut fields = Vec::new();
        for (name, value) in t.iter() {
            let name_sp = Sp::new(name.get_ref().to_string(), name.span());
            match value.get_ref() {
                DeValue::String(s) => fields.push(RawField {
                    ty: Some(Sp::new(s.to_string(), value.span())),
                    ..RawField::named(name_sp)
                }),
                DeValue::Table(def) => {
                    let mut field = RawField::named(name_sp);
                    for (key, v) in def.iter() {
                        match key.get_ref().as_ref() {
                            "type" => field.ty = self.string(v, "`type`"),
                            "doc" => field.doc = self.string(v, "`doc`"),
                            "rust_name" => field.rust_name = self.string(v, "`rust_name`"),
                            "required" => field.required = self.boolean(v, "`required`"),
                            "format" => field.format = self.string(v, "`format`"),
                            "default" => field.default = Some(literal(v)),
                            "template" => field.template = self.string(v, "`template`"),
                            "separator" => field.separator = self.string(v, "`separator`"),
                            "parts" => field.parts = self.string_list(v, "`parts`"),
                            "unique" => field.unique = self.boolean(v, "`unique`"),
                            _ => self.unknown(
                                key,
                                FIELD_KEYS,
                                &format!("in field `{}`", name.get_ref()),
                            ),
                        }
                    }
                    let computed = ["template", "parts"].iter().any(|k| def.contains_key(*k));
                    if field.ty.is_none() && !def.contains_key("type") && !computed {
                        self.report.error(
                            name.span(),
                            format!("field `{}` has no `type`", name.get_ref()),
                            "no type given",
                            "add `type = \"string\"` (or another type) to the field",
                        );
                    }
                    fields.push(field);
                }
                other => self.report.error(
                    value.span(),
                    format!(
                        "field `{}` {place} must be a type name or a table",
                        name.get_ref()
                    ),
                    format!("this is {}", kind(other)),
                    "write `name = \"string\"` or `name = { type = \"string\", required = true }`",
                ),
            }
        }
        fields
    }

    fn index(&mut self, name: &Key<'_>, def: &DeTable<'_>) -> RawIndex {
        let mut index = RawIndex {
            name: Sp::new(name.get_ref().to_string(), name.span()),
            kind: None,
            hash_key: None,
            range_key: None,
            projection: None,
            throughput: None,
        };
        for (key, v) in def.iter() {
            match key.get_ref().as_ref() {
                "kind" => index.kind = self.string(v, "`kind`"),
                "hash_key" => index.hash_key = self.key_names(v, "`hash_key`"),
                "range_key" => index.range_key = self.key_names(v, "`range_key`"),
                "throughput" => index.throughput = self.throughput(v, "`throughput`"),
                "projection" => index.projection = self.projection(v),
                _ => self.unknown(key, INDEX_KEYS, &format!("in index `{}`", name.get_ref())),
            }
        }
        index
    }

    /// A table key: one attribute (only a global index's keys can be several).
    fn table_key(&mut self, value: &Value<'_>, what: &str) -> Option<Sp<String>> {
        if let DeValue::Array(_) = value.get_ref() {
            self.report.error(
                value.span(),
                format!("a table's {what} is one attribute"),
                "a list of attributes",
                "keys of several attributes are for global indexes; to key the table by \
                 several fields, compute one attribute from them with a template \
                 (`pk = { template = \"...\" }` in `[fields]`)",
            );
            return None;
        }
        self.string(value, what)
    }

    /// An index key: one attribute, or a list of them.
    fn key_names(&mut self, value: &Value<'_>, what: &str) -> Option<Sp<Vec<Sp<String>>>> {
        match value.get_ref() {
            DeValue::String(s) => Some(Sp::new(
                vec![Sp::new(s.to_string(), value.span())],
                value.span(),
            )),
            DeValue::Array(items) => {
                if items.is_empty() {
                    self.report.error(
                        value.span(),
                        format!("{what} lists no attribute"),
                        "empty list",
                        "name one attribute, or up to four for a key of several attributes",
                    );
                }
                let names = items
                    .iter()
                    .filter_map(|item| self.string(item, &format!("an attribute of {what}")))
                    .collect();
                Some(Sp::new(names, value.span()))
            }
            other => {
                self.report.error(
                    value.span(),
                    format!("{what} must be a string or a list of strings"),
                    format!("this is {}", kind(other)),
                    "name one attribute in double quotes, or list up to four for a global \
                     index whose key is several attributes",
                );
                // Given, if wrongly: the index is not also reported as without this key.
                Some(Sp::new(Vec::new(), value.span()))
            }
        }
    }

    fn projection(&mut self, value: &Value<'_>) -> Option<Sp<RawProjection>> {
        const HELP: &str = "write `projection = \"all\"`, `\"keys_only\"` or a list of attributes such as `[\"wins\", \"losses\"]`";
        match value.get_ref() {
            DeValue::String(s) if s == "all" => Some(Sp::new(RawProjection::All, value.span())),
            DeValue::String(s) if s == "keys_only" => {
                Some(Sp::new(RawProjection::KeysOnly, value.span()))
            }
            DeValue::String(s) => {
                let help = match did_you_mean(s, ["all", "keys_only"]) {
                    Some(m) => format!("did you mean `{m}`?"),
                    None => HELP.to_owned(),
                };
                self.report.error(
                    value.span(),
                    format!("unknown projection `{s}`"),
                    "not a projection",
                    help,
                );
                None
            }
            DeValue::Array(items) => {
                let names = items
                    .iter()
                    .filter_map(|item| self.string(item, "a projected attribute"))
                    .collect();
                Some(Sp::new(RawProjection::Include(names), value.span()))
            }
            other => {
                self.report.error(
                    value.span(),
                    "`projection` has the wrong form",
                    format!("this is {}", kind(other)),
                    HELP,
                );
                None
            }
        }
    }

    fn string_list(&mut self, value: &Value<'_>, what: &str) -> Option<Sp<Vec<Sp<String>>>> {
        match value.get_ref() {
            DeValue::Array(items) => {
                let names = items
                    .iter()
                    .filter_map(|item| self.string(item, "each of the `parts`"))
                    .collect();
                Some(Sp::new(names, value.span()))
            }
            other => {
                self.report.error(
                    value.span(),
                    format!("{what} must be a list of field names"),
                    format!("this is {}", kind(other)),
                    "write `parts = [\"kind\", \"id\"]`",
                );
                None
            }
        }
    }

    fn nested_type(&mut self, name: &Key<'_>, def: &DeTable<'_>) -> RawType {
        let mut ty = RawType {
            name: Sp::new(name.get_ref().to_string(), name.span()),
            doc: None,
            fields: Vec::new(),
        };
        let mut has_fields = false;
        for (key, v) in def.iter() {
            match key.get_ref().as_ref() {
                "doc" => ty.doc = self.string(v, "`doc`"),
                "fields" => {
                    has_fields = true;
                    if let Some(t) =
                        self.table(v, "`fields`", "write `fields = { street = \"string\" }`")
                    {
                        if t.is_empty() {
                            self.report.error(
                                v.span(),
                                format!("type `{}` has no fields", name.get_ref()),
                                "empty table",
                                "add at least one field, or use `json` for free-form documents",
                            );
                        }
                        ty.fields = self.fields(t, &format!("of type `{}`", name.get_ref()));
                    }
                }
                _ => self.unknown(key, TYPE_KEYS, &format!("in type `{}`", name.get_ref())),
            }
        }
        if !has_fields {
            self.report.error(
                name.span(),
                format!("type `{}` has no `fields`", name.get_ref()),
                "no fields",
                "add `fields = { name = \"string\" }`",
            );
        }
        ty
    }

    fn enumeration(&mut self, name: &Key<'_>, def: &DeTable<'_>) -> RawEnum {
        let mut e = RawEnum {
            name: Sp::new(name.get_ref().to_string(), name.span()),
            doc: None,
            values: Vec::new(),
        };
        let mut has_values = false;
        for (key, v) in def.iter() {
            match key.get_ref().as_ref() {
                "doc" => e.doc = self.string(v, "`doc`"),
                "values" => {
                    has_values = true;
                    match v.get_ref() {
                        DeValue::Array(items) => {
                            if items.is_empty() {
                                self.report.error(
                                    v.span(),
                                    format!("enum `{}` has no values", name.get_ref()),
                                    "empty list",
                                    "list its stored values: `values = [\"active\", \"banned\"]`",
                                );
                            }
                            for item in items.iter() {
                                if let Some(value) = self.enum_value(item) {
                                    e.values.push(value);
                                }
                            }
                        }
                        other => self.report.error(
                            v.span(),
                            "`values` must be an array",
                            format!("this is {}", kind(other)),
                            "write `values = [\"active\", \"banned\"]`",
                        ),
                    }
                }
                _ => self.unknown(key, ENUM_KEYS, &format!("in enum `{}`", name.get_ref())),
            }
        }
        if !has_values {
            self.report.error(
                name.span(),
                format!("enum `{}` has no `values`", name.get_ref()),
                "no values",
                "add `values = [\"active\", \"banned\"]`",
            );
        }
        e
    }

    fn enum_value(&mut self, item: &Value<'_>) -> Option<RawEnumValue> {
        match item.get_ref() {
            DeValue::String(s) => Some(RawEnumValue {
                value: Sp::new(s.to_string(), item.span()),
                rust_name: None,
                doc: None,
            }),
            DeValue::Table(t) => {
                let (mut value, mut rust_name, mut doc) = (None, None, None);
                for (key, v) in t.iter() {
                    match key.get_ref().as_ref() {
                        "value" => value = self.string(v, "`value`"),
                        "rust_name" => rust_name = self.string(v, "`rust_name`"),
                        "doc" => doc = self.string(v, "`doc`"),
                        _ => self.unknown(key, ENUM_VALUE_KEYS, "in an enum value"),
                    }
                }
                if value.is_none() && !t.contains_key("value") {
                    self.report.error(
                        item.span(),
                        "enum value has no `value`",
                        "no stored value",
                        "write `{ value = \"1st\", rust_name = \"First\" }`",
                    );
                }
                value.map(|value| RawEnumValue {
                    value,
                    rust_name,
                    doc,
                })
            }
            other => {
                self.report.error(
                    item.span(),
                    "an enum value must be a string or a table",
                    format!("this is {}", kind(other)),
                    "write `\"active\"` or `{ value = \"1st\", rust_name = \"First\" }`",
                );
                None
            }
        }
    }
}

fn kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn integer_value(i: &toml::de::DeInteger<'_>) -> Option<i128> {
    let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
    let digits = match i.radix() {
        16 => digits.trim_start_matches("0x").to_owned(),
        8 => digits.trim_start_matches("0o").to_owned(),
        2 => digits.trim_start_matches("0b").to_owned(),
        _ => digits,
    };
    i128::from_str_radix(digits.trim_start_matches('+'), i.radix()).ok()
}

fn literal(value: &Value<'_>) -> Sp<Literal> {
    let span = value.span();
    let lit = match value.get_ref() {
        DeValue::String(s) => Literal::String(s.to_string()),
        DeValue::Integer(i) => match integer_value(i) {
            Some(v) => Literal::Integer(v),
            // Beyond i128: keep the text; validation reports it as out of range.
            None => Literal::BigInteger(i.as_str().replace('_', "")),
        },
        DeValue::Float(f) => {
            Literal::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN))
        }
        DeValue::Boolean(b) => Literal::Bool(*b),
        DeValue::Datetime(d) => Literal::Datetime(d.to_string()),
        DeValue::Array(items) => Literal::Array(items.iter().map(literal).collect()),
        DeValue::Table(t) => Literal::Table(
            t.iter()
                .map(|(k, v)| (Sp::new(k.get_ref().to_string(), k.span()), literal(v)))
                .collect(),
        ),
    };
    Sp::new(lit, span)
}
