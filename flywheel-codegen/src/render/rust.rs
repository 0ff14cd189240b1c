//! The one place that spells Rust: types, codecs, literals and the expressions that store and
//! read fields, with the runtime reached through the configured path. The templates call it
//! (`rs.codec(f.ty)`, `rs.decode(f)`) to fill in the items they lay out.

use crate::checked::{
    Billing, DefaultValue, IndexKind, JsonValue, Presence, Projection, Throughput,
};
use crate::ir::{FieldIr, IndexIr, KeyIr, PartIr, PieceIr, TableIr, TableKind, TemplateIr};
use crate::ty::{DateFormat, DateTimeFormat, Scalar, Ty};

/// More parameters than clippy's `too_many_arguments` allows.
const MANY_ARGUMENTS: usize = 7;

/// Spells Rust for generated code whose runtime is at `rt` (such as `::flywheel_runtime`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rust<'a> {
    rt: &'a str,
}

impl<'a> Rust<'a> {
    /// Spelling with the runtime at `rt`.
    pub(crate) fn new(rt: &'a str) -> Rust<'a> {
        Rust { rt }
    }

    /// The Rust type of `ty`, with fully qualified paths.
    pub(crate) fn ty(&self, ty: &Ty) -> String {
        let rt = self.rt;
        match ty {
            Ty::Str => "::std::string::String".into(),
            Ty::I64 => "i64".into(),
            Ty::I32 => "i32".into(),
            Ty::U32 => "u32".into(),
            Ty::U64 => "u64".into(),
            Ty::F64 => "f64".into(),
            Ty::Decimal => format!("{rt}::Decimal"),
            Ty::Bool => "bool".into(),
            Ty::Bytes => "::std::vec::Vec<u8>".into(),
            Ty::DateTime(_) => format!("{rt}::chrono::DateTime<{rt}::chrono::Utc>"),
            Ty::Date(_) => format!("{rt}::chrono::NaiveDate"),
            Ty::Uuid => format!("{rt}::uuid::Uuid"),
            Ty::Json => format!("{rt}::json::Value"),
            Ty::List(t) => format!("::std::vec::Vec<{}>", self.ty(t)),
            Ty::Map(t) => format!(
                "::std::collections::BTreeMap<::std::string::String, {}>",
                self.ty(t)
            ),
            Ty::Set(t) => format!("::std::collections::BTreeSet<{}>", self.ty(t)),
            Ty::Nested(name) | Ty::Enum(name) => name.clone(),
        }
    }

    /// The codec that stores `ty`.
    pub(crate) fn codec(&self, ty: &Ty) -> String {
        let c = |name: &str| format!("{}::codec::{name}", self.rt);
        match ty {
            Ty::Str => c("Str"),
            Ty::I64 => c("I64"),
            Ty::I32 => c("I32"),
            Ty::U32 => c("U32"),
            Ty::U64 => c("U64"),
            Ty::F64 => c("F64"),
            Ty::Decimal => c("Dec"),
            Ty::Bool => c("Bool"),
            Ty::Bytes => c("Bytes"),
            Ty::DateTime(DateTimeFormat::Rfc3339) => c("DateTimeRfc3339"),
            Ty::DateTime(DateTimeFormat::Epoch) => c("DateTimeEpoch"),
            Ty::DateTime(DateTimeFormat::EpochMillis) => c("DateTimeEpochMillis"),
            Ty::DateTime(DateTimeFormat::EpochSeconds) => c("DateTimeEpochSeconds"),
            Ty::Date(DateFormat::Iso) => c("DateIso"),
            Ty::Date(DateFormat::Epoch) => c("DateEpoch"),
            Ty::Uuid => c("Uuid"),
            Ty::Json => c("Json"),
            Ty::List(t) => format!("{}<{}>", c("List"), self.codec(t)),
            Ty::Map(t) => format!("{}<{}>", c("Map"), self.codec(t)),
            Ty::Set(t) => format!("{}<{}>", c("Set"), self.codec(t)),
            Ty::Nested(name) => format!("{}<{name}>", c("Doc")),
            Ty::Enum(name) => format!("{}<{name}>", c("Enum")),
        }
    }

    /// A string literal holding `s`.
    pub(crate) fn lit(&self, s: &str) -> String {
        lit(s)
    }

    /// `Some("s")` or `None`, as an `Option<&'static str>`.
    pub(crate) fn option_lit(&self, s: Option<&str>) -> String {
        option(s.map(lit))
    }

    /// The literal of one doc line: rustdoc's leading space, none on a blank line.
    pub(crate) fn doc(&self, line: &str) -> String {
        if line.is_empty() {
            lit("")
        } else {
            lit(&format!(" {line}"))
        }
    }

    /// The crate path serde's derives reach serde through, as `#[serde(crate = ...)]` takes it.
    pub(crate) fn serde_crate(&self) -> String {
        lit(&format!("{}::serde", self.rt))
    }

    /// The type of the struct field of `f`.
    pub(crate) fn field_type(&self, f: &FieldIr) -> String {
        if f.is_optional() {
            format!("::core::option::Option<{}>", self.ty(&f.ty))
        } else {
            self.ty(&f.ty)
        }
    }

    /// The type of the parameter of `new` that gives a field of type `ty`.
    pub(crate) fn param_type(&self, ty: &Ty) -> String {
        format!("impl ::core::convert::Into<{}>", self.ty(ty))
    }

    /// Whether a function with `params` parameters needs clippy's `too_many_arguments` allowed.
    pub(crate) fn many_arguments(&self, params: usize) -> bool {
        params > MANY_ARGUMENTS
    }

    /// What `new` gives the field `f`: its parameter, `None`, or its default.
    pub(crate) fn init(&self, f: &FieldIr) -> String {
        match &f.presence {
            Presence::Required => format!("{}.into()", f.rust),
            Presence::Optional => "::core::option::Option::None".to_owned(),
            Presence::Default(value) => self.default_value(value, &f.ty),
        }
    }

    /// The statement that stores the field `f` of `self` into `item` (a `&mut Item`). The
    /// codec functions are called directly rather than through the attribute handles: each is
    /// compiled once per codec, where a handle's method would be compiled once per attribute.
    pub(crate) fn encode(&self, f: &FieldIr) -> String {
        if let Some(template) = &f.template {
            return self.put_template(f, template);
        }
        let (rt, codec, attr, field) = (self.rt, self.codec(&f.ty), lit(&f.attr), &f.rust);
        if f.is_optional() {
            format!("{rt}::codec::put_opt::<{codec}>(item, {attr}, self.{field}.as_ref())?;")
        } else {
            format!("{rt}::codec::put::<{codec}>(item, {attr}, &self.{field})?;")
        }
    }

    /// The statement that stores the computed attribute `f` from the parts of `self`: only
    /// when every part has a value, if a part may be absent.
    fn put_template(&self, f: &FieldIr, template: &TemplateIr) -> String {
        let rt = self.rt;
        let parts = template.parts();
        if template.is_sparse() {
            let parts: Vec<String> = parts
                .iter()
                .map(|p| match p.optional {
                    true => format!("{rt}::template::maybe(&self.{})", p.rust),
                    false => format!("{rt}::template::present(&self.{})", p.rust),
                })
                .collect();
            format!(
                "{rt}::template::put_sparse(item, &template::{}, &[{}])?;",
                f.handle,
                parts.join(", ")
            )
        } else {
            let parts: Vec<String> = parts.iter().map(|p| format!("&self.{}", p.rust)).collect();
            format!(
                "{rt}::template::put(item, &template::{}, &[{}])?;",
                f.handle,
                parts.join(", ")
            )
        }
    }

    /// The `Template` constant of the computed attribute `f`.
    pub(crate) fn template_value(&self, f: &FieldIr) -> String {
        let rt = self.rt;
        let Some(template) = &f.template else {
            return String::new();
        };
        // The parts of an index key are written from their stored values too, when an update
        // sets them.
        let stored = |p: &PartIr| match f.key {
            None => format!(
                ".from_stored({rt}::codec::stored_part::<{}>)",
                self.codec(&p.ty)
            ),
            Some(_) => String::new(),
        };
        let pieces: Vec<String> = template
            .pieces
            .iter()
            .map(|piece| match piece {
                PieceIr::Text(text) => format!("{rt}::template::Piece::Text({})", lit(text)),
                PieceIr::Part(p) if p.width == 0 => format!(
                    "{rt}::template::Piece::Part({rt}::template::PartSpec::new({}){})",
                    lit(&p.attr),
                    stored(p)
                ),
                PieceIr::Part(p) => format!(
                    "{rt}::template::Piece::Part({rt}::template::PartSpec::width({}, {}){})",
                    lit(&p.attr),
                    p.width,
                    stored(p)
                ),
            })
            .collect();
        format!(
            "{rt}::template::Template {{ attribute: {}, pieces: &[{}] }}",
            lit(&f.attr),
            pieces.join(", ")
        )
    }

    /// The template of the computed attribute `f` as written, for docs.
    pub(crate) fn template_source(&self, f: &FieldIr) -> String {
        f.template
            .as_ref()
            .map(|t| t.source.replace('`', "'"))
            .unwrap_or_default()
    }

    /// Where a new query of `index` stands on its range key: which part of a computed range
    /// key comes first, or that it has no condition yet.
    pub(crate) fn range_state(&self, index: &IndexIr) -> String {
        let rt = self.rt;
        match index.range.as_ref().filter(|r| r.has_parts()) {
            Some(range) => match range.part_markers().first() {
                Some(first) => format!("{rt}::query::Parts<attr::{first}>"),
                None => format!("{rt}::query::Ranged"),
            },
            None => format!("{rt}::query::Unranged"),
        }
    }

    /// The marker of the part after `parts[n]`.
    pub(crate) fn next_part(&self, parts: &[&str], n: &usize) -> String {
        format!("attr::{}", parts[*n + 1])
    }

    /// The type a query entry point of `i` returns: its item and the state of its range-key
    /// conditions are spelled out where its range key is computed or several attributes.
    pub(crate) fn query_type(&self, i: &IndexIr) -> String {
        let rt = self.rt;
        if i.hash.has_parts() || i.range.as_ref().is_some_and(KeyIr::has_parts) {
            format!(
                "{rt}::Query<index::{}, {}, {}>",
                i.marker,
                i.item,
                self.range_state(i)
            )
        } else {
            format!("{rt}::Query<index::{}>", i.marker)
        }
    }

    /// The parameters of a query entry point of `i`: the parts of a computed hash key, each
    /// attribute of a hash key of several, or the hash key.
    pub(crate) fn query_params(&self, i: &IndexIr) -> String {
        let rt = self.rt;
        let hash = &i.hash;
        if hash.template.is_some() {
            hash.parts()
                .iter()
                .map(|p| format!("{}: {}, ", p.rust, self.part_param(&p.ty)))
                .collect()
        } else if hash.is_several() {
            hash.attributes
                .iter()
                .map(|a| format!("{}: impl {rt}::IntoValue<{}>, ", a.rust, self.codec(&a.ty)))
                .collect()
        } else {
            format!(
                "{}: impl {rt}::IntoValue<{}>",
                hash.rust,
                self.codec(&hash.ty)
            )
        }
    }

    /// The query of the hash key that a query entry point of `i` starts with; `templates` is
    /// the path of the module of the model's templates.
    pub(crate) fn query_start(&self, i: &IndexIr, templates: &str) -> String {
        let rt = self.rt;
        let hash = &i.hash;
        if hash.template.is_some() {
            let parts: String = hash
                .parts()
                .iter()
                .map(|p| format!("&{}, ", p.rust))
                .collect();
            format!(
                "{rt}::Query::with_template(&{templates}::{}, &[{parts}])",
                hash.template_const
            )
        } else if hash.is_several() {
            let values: String = hash
                .attributes
                .iter()
                .map(|a| {
                    format!(
                        "{rt}::query::key_value::<{}>({}), ",
                        self.codec(&a.ty),
                        a.rust
                    )
                })
                .collect();
            format!("{rt}::Query::with_hash([{values}])")
        } else {
            format!("{rt}::Query::new({})", hash.rust)
        }
    }

    /// What a query entry point of `i` adds for its range key: the template of a computed
    /// one, or the conditions on the attributes of one of several.
    pub(crate) fn range_start(&self, i: &IndexIr) -> String {
        match i.range_template() {
            Some(r) => format!(".range_template(&template::{r})"),
            None if i.range_several() => ".range_attributes()".to_owned(),
            None => String::new(),
        }
    }

    /// The path of the templates module of the model in module `module`.
    pub(crate) fn templates_of(&self, module: &str) -> String {
        format!("{module}::template")
    }

    /// The codec of the hash key of `i`.
    pub(crate) fn hash_codec(&self, i: &IndexIr) -> String {
        self.key_codec(&i.hash)
    }

    /// The codec of a key: its attribute's, or none for a key of several attributes.
    fn key_codec(&self, key: &KeyIr) -> String {
        if key.is_several() {
            format!("{}::index::SeveralAttributes", self.rt)
        } else {
            self.codec(&key.ty)
        }
    }

    /// The modules of the schema folders in `mod.rs`: one per folder, holding the modules of
    /// its files (declared, or including their file in build-script mode), its subfolders'
    /// modules, and the re-exports of its models and keys.
    pub(crate) fn folder_modules(&self, tables: &[TableIr], include: &bool) -> String {
        self.folder_level(tables, &[], *include)
    }

    fn folder_level(&self, tables: &[TableIr], at: &[String], include: bool) -> String {
        let mut out = String::new();
        let mut children: Vec<&String> = Vec::new();
        for t in tables {
            if t.folders.len() > at.len()
                && t.folders.starts_with(at)
                && !children.contains(&&t.folders[at.len()])
            {
                children.push(&t.folders[at.len()]);
            }
        }
        for child in children {
            let mut path = at.to_vec();
            path.push(child.clone());
            let here: Vec<&TableIr> = tables.iter().filter(|t| t.folders == path).collect();
            let shown: Vec<&str> = path.iter().map(|f| f.trim_start_matches("r#")).collect();
            out.push_str(&format!(
                "#[doc = {}]\npub mod {child} {{\n",
                self.doc(&format!(
                    "The models of the schemas in `{}/`.",
                    shown.join("/")
                ))
            ));
            for t in &here {
                for line in &t.module_doc {
                    out.push_str(&format!("#[doc = {}]\n", self.doc(line)));
                }
                out.push_str("#[allow(dead_code)]\n");
                if include {
                    out.push_str(&format!(
                        "pub mod {} {{ include!({}); }}\n",
                        t.module,
                        lit(&t.file_name)
                    ));
                } else {
                    out.push_str(&format!("pub mod {};\n", t.module));
                }
            }
            out.push_str(&self.folder_level(tables, &path, include));
            for t in &here {
                out.push_str(&self.reexports(t));
            }
            out.push_str("}\n");
        }
        out
    }

    /// The re-exports of a schema file's items in its folder's module: a model and its key, or
    /// a shared table's collections.
    pub(crate) fn reexports(&self, t: &TableIr) -> String {
        let names: Vec<&str> = if t.is_shared() {
            t.collections().iter().map(|c| c.name.as_str()).collect()
        } else {
            vec![t.model.as_str(), t.key.as_str()]
        };
        if names.is_empty() {
            return String::new();
        }
        format!(
            "#[allow(unused_imports)]\npub use {}::{{{}}};\n",
            t.module,
            names.join(", ")
        )
    }

    /// The parameter type of a query that takes a part of type `ty`.
    pub(crate) fn part_param(&self, ty: &Ty) -> String {
        match ty {
            Ty::Str => "&str".to_owned(),
            _ => self.ty(ty),
        }
    }

    /// The expression that reads the field `f` from `item` (a `&mut Item`). Table keys are read
    /// in place: the item stays whole for the error that names them.
    pub(crate) fn decode(&self, f: &FieldIr) -> String {
        let (rt, codec, attr) = (self.rt, self.codec(&f.ty), lit(&f.attr));
        match &f.presence {
            Presence::Optional => format!("{rt}::codec::take_opt::<{codec}>(item, {attr})?"),
            Presence::Required if f.key.is_some() => {
                format!("{rt}::codec::take_key::<{codec}>(item, {attr})?")
            }
            Presence::Required => format!("{rt}::codec::take::<{codec}>(item, {attr})?"),
            Presence::Default(value) => format!(
                "{rt}::codec::take_or::<{codec}>(item, {attr}, {})?",
                default_fn(&self.default_value(value, &f.ty))
            ),
        }
    }

    /// The statement of `write_defaults` that stores the schema default of `f` into `item` (a
    /// `&mut Item`), if it has one to store.
    pub(crate) fn write_default(&self, f: &FieldIr) -> Option<String> {
        let value = f.default_to_write()?;
        Some(format!(
            "{}::codec::put::<{}>(item, {}, &{})?;",
            self.rt,
            self.codec(&f.ty),
            lit(&f.attr),
            self.default_value(value, &f.ty)
        ))
    }

    /// The `#[serde(rename)]` value of a field or variant named `rust` and stored as `stored`:
    /// only where the two differ (serde reads a raw identifier without its `r#`).
    pub(crate) fn serde_rename(&self, rust: &str, stored: &str) -> Option<String> {
        (rust.trim_start_matches("r#") != stored).then(|| lit(stored))
    }

    /// The presence marker of a nested field's handle.
    pub(crate) fn presence_marker(&self, f: &FieldIr) -> String {
        let marker = if f.may_be_absent() {
            "Optional"
        } else {
            "Required"
        };
        format!("{}::filter::{marker}", self.rt)
    }

    /// The codec of the range key of `index`, or the marker of having none.
    pub(crate) fn range_codec(&self, index: &IndexIr) -> String {
        match &index.range {
            Some(r) => self.key_codec(r),
            None => format!("{}::index::NoRangeKey", self.rt),
        }
    }

    /// The `TableSchema` of `t`.
    pub(crate) fn table_schema(&self, t: &TableIr) -> String {
        let rt = self.rt;
        let primary = t.primary();
        let indexes: Vec<String> = t
            .secondary()
            .iter()
            .map(|i| {
                let kind = match i.kind {
                    Some(IndexKind::Local) => "Local",
                    _ => "Global",
                };
                format!(
                    "{rt}::schema::IndexSchema {{ name: {}, kind: {rt}::schema::IndexKind::{kind}, hash_key: {}, range_key: {}, projection: {}, throughput: {} }}",
                    // Every secondary index has a name; only the primary key has none.
                    lit(i.name.as_deref().unwrap_or_default()),
                    self.key_attributes(Some(&i.hash)),
                    self.key_attributes(i.range.as_ref()),
                    self.projection(&i.projection),
                    option(i.throughput.map(|t| self.throughput(t))),
                )
            })
            .collect();
        let billing = match t.billing {
            Billing::Provisioned(tp) => {
                format!(
                    "{rt}::schema::Billing::Provisioned({})",
                    self.throughput(tp)
                )
            }
            Billing::OnDemand => format!("{rt}::schema::Billing::OnDemand"),
        };
        format!(
            "{rt}::schema::TableSchema {{ name: {}, model: {}, hash_key: {}, range_key: {}, indexes: &[{}], billing: {billing}, ttl: {}, version: {}, attributes: &[{}], entity: {}, unique: &[{}], computed: &[{}] }}",
            lit(&t.table_name),
            lit(&t.model),
            self.key_attribute(&primary.hash),
            option(primary.range.as_ref().map(|r| self.key_attribute(r))),
            indexes.join(", "),
            self.option_lit(t.ttl().map(|f| f.attr.as_str())),
            self.option_lit(t.version().map(|f| f.attr.as_str())),
            t.fields
                .iter()
                .map(|f| lit(&f.attr))
                .collect::<Vec<_>>()
                .join(", "),
            match &t.kind {
                TableKind::Entity {
                    discriminator,
                    name,
                    ..
                } => format!(
                    "::core::option::Option::Some({rt}::schema::Entity {{ attribute: {}, name: {} }})",
                    lit(discriminator),
                    lit(name)
                ),
                _ => "::core::option::Option::None".to_owned(),
            },
            t.fields
                .iter()
                .filter(|f| f.unique)
                .map(|f| lit(&f.attr))
                .collect::<Vec<_>>()
                .join(", "),
            match t.is_shared() {
                true => String::new(),
                false => t
                    .fields
                    .iter()
                    .filter(|f| f.template.is_some() && f.key.is_none())
                    .map(|f| format!("template::{}", f.handle))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        )
    }

    fn key_attribute(&self, key: &KeyIr) -> String {
        self.key_attribute_of(&key.attr, key.scalar)
    }

    fn key_attribute_of(&self, attr: &str, scalar: Scalar) -> String {
        let scalar = match scalar {
            Scalar::S => "s",
            Scalar::N => "n",
            Scalar::B => "b",
        };
        format!("{}::schema::KeyAttribute::{scalar}({})", self.rt, lit(attr))
    }

    /// The attributes of an index key (none for no key), as a slice.
    fn key_attributes(&self, key: Option<&KeyIr>) -> String {
        let attrs: Vec<String> = match key {
            None => Vec::new(),
            Some(k) if k.is_several() => k
                .attributes
                .iter()
                .map(|a| self.key_attribute_of(&a.attr, a.scalar))
                .collect(),
            Some(k) => vec![self.key_attribute(k)],
        };
        format!("&[{}]", attrs.join(", "))
    }

    fn projection(&self, projection: &Projection) -> String {
        let rt = self.rt;
        match projection {
            Projection::All => format!("{rt}::schema::Projection::All"),
            Projection::KeysOnly => format!("{rt}::schema::Projection::KeysOnly"),
            Projection::Include(names) => format!(
                "{rt}::schema::Projection::Include(&[{}])",
                names.iter().map(|n| lit(n)).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    fn throughput(&self, t: Throughput) -> String {
        format!(
            "{}::schema::Throughput {{ read: {}, write: {} }}",
            self.rt, t.read, t.write
        )
    }

    /// The expression of the default `value` of a field of type `ty`.
    pub(crate) fn default_value(&self, value: &DefaultValue, ty: &Ty) -> String {
        let rt = self.rt;
        let element = ty.element().unwrap_or(ty);
        let items = |values: &[DefaultValue]| {
            values
                .iter()
                .map(|v| self.default_value(v, element))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match value {
            DefaultValue::String(s) => string(s),
            // The integer type's name is its literal suffix.
            DefaultValue::Integer(v) => format!("{v}{}", self.ty(ty)),
            DefaultValue::Float(f) => format!("{f:?}f64"),
            DefaultValue::Decimal(text) => format!("{rt}::codec::decimal_literal({})", lit(text)),
            DefaultValue::Bool(b) => b.to_string(),
            DefaultValue::Bytes(bytes) if bytes.is_empty() => "::std::vec::Vec::new()".into(),
            DefaultValue::Bytes(bytes) => format!(
                "::std::vec![{}]",
                bytes
                    .iter()
                    .map(|b| format!("{b}u8"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            DefaultValue::DateTime { seconds, nanos } => {
                format!("{rt}::codec::datetime_literal({seconds}, {nanos})")
            }
            DefaultValue::Date { year, month, day } => {
                format!("{rt}::codec::date_literal({year}, {month}, {day})")
            }
            DefaultValue::Uuid(v) => format!("{rt}::codec::uuid_literal(0x{v:032x})"),
            DefaultValue::Json(json) => format!(
                "{rt}::json::Value::from({rt}::serde_json::json!({}))",
                json_tokens(json)
            ),
            DefaultValue::Variant {
                enumeration,
                variant,
            } => format!("{enumeration}::{variant}"),
            DefaultValue::List(values) if values.is_empty() => "::std::vec::Vec::new()".into(),
            DefaultValue::List(values) => format!("::std::vec![{}]", items(values)),
            DefaultValue::Set(values) if values.is_empty() => {
                "::std::collections::BTreeSet::new()".into()
            }
            DefaultValue::Set(values) => {
                format!("::std::collections::BTreeSet::from([{}])", items(values))
            }
            DefaultValue::Map(entries) if entries.is_empty() => {
                "::std::collections::BTreeMap::new()".into()
            }
            DefaultValue::Map(entries) => format!(
                "::std::collections::BTreeMap::from([{}])",
                entries
                    .iter()
                    .map(|(k, v)| format!("({}, {})", string(k), self.default_value(v, element)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// A Rust string literal holding `s` (schema text can never break out of it).
fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// `Some(value)` or `None`.
fn option(value: Option<String>) -> String {
    match value {
        Some(v) => format!("::core::option::Option::Some({v})"),
        None => "::core::option::Option::None".to_owned(),
    }
}

/// An owned `String` holding `s`.
fn string(s: &str) -> String {
    format!("::std::string::String::from({})", lit(s))
}

/// The default as a function: a plain constructor path (`Vec::new`) where the expression is
/// just a call of it, a closure otherwise.
fn default_fn(expr: &str) -> String {
    match expr.strip_suffix("()") {
        Some(path) if !path.contains(['(', ' ', '!']) => path.to_owned(),
        _ => format!("|| {expr}"),
    }
}

/// The tokens of `json!` for a value (Rust string literals are valid there).
///
/// Integers beyond `i32` get a suffix: an unsuffixed literal in `json!` is an `i32`.
fn json_tokens(value: &JsonValue) -> String {
    match value {
        JsonValue::String(s) => lit(s),
        JsonValue::Integer(i) if i32::try_from(*i).is_ok() => i.to_string(),
        JsonValue::Integer(i) if i64::try_from(*i).is_ok() => format!("{i}i64"),
        JsonValue::Integer(i) => format!("{i}u64"),
        JsonValue::Float(f) => format!("{f:?}"),
        JsonValue::Bool(b) => b.to_string(),
        JsonValue::Array(items) => format!(
            "[{}]",
            items.iter().map(json_tokens).collect::<Vec<_>>().join(", ")
        ),
        JsonValue::Object(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{}: {}", lit(k), json_tokens(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
