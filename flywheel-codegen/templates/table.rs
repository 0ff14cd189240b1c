{#- One schema file: the model, its key, nested types and enums. The IR says what there is;
    `rs` spells types, codecs, literals and expressions, `rt` is the name of the runtime in the
    file (the alias of the `use` line at its top) and
    `serde` says whether the types derive serde's traits. This template only loops, branches
    and lays out the items. -#}
{%- macro docs(lines) %}
{%- for line in lines.iter() %}
#[doc = {{ rs.doc(line) }}]
{%- endfor %}
{%- endmacro %}

{%- macro serde_derives() %}
{%- if serde %}
#[derive({{ rt }}::serde::Serialize, {{ rt }}::serde::Deserialize)]
#[serde(crate = {{ rs.serde_crate() }})]
{%- endif %}
{%- endmacro %}

{%- macro struct_fields(fields) %}
{%- for f in fields.iter() %}
{%- call docs(f.doc) %}{%- endcall %}
{%- if serde %}
{%- if let Some(name) = rs.serde_rename(f.rust, f.attr) %}
    #[serde(rename = {{ name }})]
{%- endif %}
{%- endif %}
    pub {{ f.rust }}: {{ rs.field_type(f) }},
{%- endfor %}
{%- endmacro %}

{%- macro data_struct(doc, name, fields, eq) %}
{%- call docs(doc) %}{%- endcall %}
#[derive(Debug, Clone, PartialEq{% if eq %}, Eq, Hash{% endif %})]
{%- call serde_derives() %}{%- endcall %}
pub struct {{ name }} {
{%- call struct_fields(fields) %}{%- endcall %}
}
{%- endmacro %}

{%- macro new_fn(params, fields) %}
{%- if rs.many_arguments(params.len()) %}
    #[allow(clippy::too_many_arguments)]
{%- endif %}
    pub fn new({% for p in params.iter() %}{{ p.rust }}: {{ rs.param_type(p.ty) }}, {% endfor %}) -> Self {
        Self {
{%- for f in fields.iter() %}
            {{ f.rust }}: {{ rs.init(f) }},
{%- endfor %}
        }
    }
{%- endmacro %}

{%- macro key_fn(doc) %}
    /// {{ doc }}
    pub fn key(&self) -> {{ t.key }} {
        {{ t.key }} {
{%- for f in t.key_fields() %}
            {{ f.rust }}: ::core::clone::Clone::clone(&self.{{ f.rust }}),
{%- endfor %}
        }
    }
{%- endmacro %}

{%- macro write_fields(fields) %}

    fn write_fields(&self, item: &mut {{ rt }}::Item) -> {{ rt }}::codec::Encoded {
{%- for f in fields.iter() %}
        {{ rs.encode(f) }}
{%- endfor %}
        ::core::result::Result::Ok(())
    }
{%- endmacro %}

{%- macro read_fields(fields) %}
            ::core::result::Result::Ok(Self {
{%- for f in fields.iter() %}
                {{ f.rust }}: {{ rs.decode(f) }},
{%- endfor %}
            })
{%- endmacro %}

{%- macro write_defaults(fields) %}

    fn write_defaults(item: &mut {{ rt }}::Item) -> {{ rt }}::codec::Encoded {
{%- for f in fields.iter() %}
{%- if let Some(put) = rs.write_default(f) %}
        {{ put }}
{%- endif %}
{%- endfor %}
        ::core::result::Result::Ok(())
    }
{%- endmacro %}

use {{ runtime_path }} as {{ rt }};

{%- call data_struct(t.doc, t.model, t.struct_fields(), false) %}{%- endcall %}

impl {{ t.model }} {
    /// Creates an item from its key and required fields; every other field takes its default
    /// (or `None`).
{%- call new_fn(t.new_params(), t.struct_fields()) %}{%- endcall %}
{% call key_fn("The key of this item.") %}{%- endcall %}
}

{%- call data_struct(t.key_doc, t.key, t.key_fields(), t.key_is_eq()) %}{%- endcall %}

impl {{ t.key }} {
    /// Creates a key from its attributes.
{%- call new_fn(t.key_fields(), t.key_fields()) %}{%- endcall %}
}

impl ::core::convert::From<&{{ t.model }}> for {{ t.key }} {
    fn from(item: &{{ t.model }}) -> Self {
        item.key()
    }
}

impl {{ rt }}::ModelKey for {{ t.key }} {
    type Model = {{ t.model }};
{%- call write_fields(t.key_attributes()) %}{%- endcall %}
{%- if t.has_computed_key() %}

    fn write_parts(&self, item: &mut {{ rt }}::Item) -> {{ rt }}::codec::Encoded {
{%- for f in t.key_fields() %}
        {{ rs.encode(f) }}
{%- endfor %}
        ::core::result::Result::Ok(())
    }
{%- endif %}
}

impl {{ rt }}::Model for {{ t.model }} {
    type Key = {{ t.key }};

    const SCHEMA: {{ rt }}::schema::TableSchema = {{ rs.table_schema(t) }};

    fn key(&self) -> {{ t.key }} {
        {{ t.model }}::key(self)
    }

{%- call write_fields(t.fields) %}{%- endcall %}

    fn read_fields(item: &mut {{ rt }}::Item) -> {{ rt }}::codec::Decoded<Self> {
{%- call read_fields(t.struct_fields()) %}{%- endcall %}
    }
{%- if t.writes_defaults() %}
{%- call write_defaults(t.fields) %}{%- endcall %}
{%- endif %}
}

{{ rt }}::whole!({{ t.model }});

impl {{ rt }}::{% if t.version().is_some() %}Versioned{% else %}Unversioned{% endif %} for {{ t.model }} {}
{%- if !t.has_unique() %}

impl {{ rt }}::NoUnique for {{ t.model }} {}
{%- endif %}
{%- if t.ttl().is_some() %}

impl {{ rt }}::Expiring for {{ t.model }} {}
{%- endif %}

impl {{ t.model }} {
{%- for f in t.fields %}
{%- call docs(f.handle_doc) %}{%- endcall %}
    pub const {{ f.handle }}: {{ rt }}::Attr<Self, attr::{{ f.marker }}, {{ rs.codec(f.ty) }}> = {{ rt }}::Attr::new({{ rs.lit(f.attr) }});
{%- endfor %}
{%- for i in t.indexes %}

{%- call docs(i.doc) %}{%- endcall %}
    pub fn {{ i.method }}({{ rs.query_params(i) }}) -> {{ rs.query_type(i) }} {
        {{ rs.query_start(i, "template") }}{{ rs.range_start(i) }}
    }
{%- endfor %}

    /// An update of the item with `key`: typed `set`, `remove`, `incr`, `add`, `append`, ...
    /// then `send(&engine)` (or `all_new`, `all_old`, `updated_new`, `updated_old`).
    pub fn update(key: {{ t.key }}) -> {{ rt }}::Update<{{ t.model }}> {
        {{ rt }}::Update::new(key)
    }

    /// Scans the whole table, optionally filtered, paged or split into parallel segments.
    pub fn scan() -> {{ rt }}::Scan<{{ t.model }}> {
        {{ rt }}::Scan::new()
    }
}

{%- call docs(t.attr_module_doc) %}{%- endcall %}
pub mod attr {
{%- for f in t.fields %}
{%- call docs(f.marker_doc) %}{%- endcall %}
    pub type {{ f.marker }} = {{ markers }}::{{ f.name_marker }}<super::{{ t.model }}>;
{%- endfor %}
}

{%- let computed = t.computed() %}
{%- if !computed.is_empty() %}

/// The templates of the computed attributes of [`{{ t.model }}`].
pub mod template {
    #[allow(unused_imports)]
    use super::*;
    use super::{{ rt }};
{%- for f in computed %}

    /// `{{ f.attr }}`: computed from `{{ rs.template_source(f) }}`.
    pub const {{ f.handle }}: {{ rt }}::template::Template = {{ rs.template_value(f) }};
{%- endfor %}
}
{%- endif %}

{%- call docs(t.index_module_doc) %}{%- endcall %}
pub mod index {
{%- for i in t.indexes %}
{%- call docs(i.doc) %}{%- endcall %}
    pub type {{ i.marker }} = {{ markers }}::{{ i.name_marker }}<super::{{ t.model }}>;
{%- endfor %}
}


{{ rt }}::updatable!(
    keys = [{% for m in t.key_markers() %}attr::{{ m }}{% if !loop.last %}, {% endif %}{% endfor %}],
    version = [{% if let Some(v) = t.version() %}attr::{{ v.marker }}{% endif %}],
    computed = [{% for m in t.computed_markers() %}attr::{{ m }}{% if !loop.last %}, {% endif %}{% endfor %}],
    others = [{% for m in t.updatable_markers() %}attr::{{ m }}{% if !loop.last %}, {% endif %}{% endfor %}],
);
{%- let removable = t.removable_markers() %}
{%- if !removable.is_empty() %}

{{ rt }}::removable!({% for m in removable %}attr::{{ m }}, {% endfor %});
{%- endif %}
{%- for i in t.indexes %}

impl {{ rt }}::index::Index for index::{{ i.marker }} {
    type Model = {{ t.model }};
    type Item = {{ i.item }};
    type Hash = {{ rs.hash_codec(i) }};
    type Range = {{ rs.range_codec(i) }};
    type Holds = {{ rt }}::index::{% if i.selectable.is_some() %}HoldsListed{% else %}HoldsAll{% endif %};
    const POSITION: ::core::option::Option<usize> = {% if loop.first %}::core::option::Option::None{% else %}::core::option::Option::Some({{ loop.index0 - 1 }}){% endif %};
}
{%- if i.range.is_some() %}

impl {{ rt }}::index::HasRangeKey for index::{{ i.marker }} {}
{%- endif %}
{%- if let Some(r) = i.range %}
{%- let parts = r.part_markers() %}
{%- for p in parts.iter() %}

impl {{ rt }}::query::RangePart<index::{{ i.marker }}> for attr::{{ p }} {
    type Next = {% if loop.last %}{{ rt }}::query::Ranged{% else %}{{ rt }}::query::Parts<{{ rs.next_part(parts.as_slice(), loop.index0) }}>{% endif %};
    const NUMBER: usize = {{ loop.index0 }};
}
{%- endfor %}
{%- endif %}
{%- if i.prefix_range() %}

impl {{ rt }}::index::PrefixRangeKey for index::{{ i.marker }} {}
{%- endif %}
{%- if i.consistent() %}

impl {{ rt }}::index::ConsistentIndex for index::{{ i.marker }} {}
{%- endif %}
{%- if i.expiring %}

impl {{ rt }}::index::ExpiringIndex for index::{{ i.marker }} {}
{%- endif %}
{#- One impl per attribute, not a macro: the compiler's note on a refused filter then quotes
    this file's line for the attribute, not the macro's body. #}
{%- for m in i.filterable %}

impl {{ rt }}::filter::Filterable<index::{{ i.marker }}> for attr::{{ m }} {}
{%- endfor %}
{%- if let Some(selectable) = i.selectable %}
{%- for m in selectable %}

impl {{ rt }}::filter::Selectable<index::{{ i.marker }}> for attr::{{ m }} {}
{%- endfor %}
{%- endif %}
{%- if let Some(p) = i.projection_struct %}

{%- call data_struct(p.doc, p.name, p.fields, false) %}{%- endcall %}

impl {{ p.name }} {
{%- call key_fn("The key of the item in the table.") %}{%- endcall %}
}

impl {{ rt }}::index::FromItem for {{ p.name }} {
    fn from_item(item: {{ rt }}::Item) -> ::core::result::Result<Self, {{ rt }}::DecodeError> {
        {{ rt }}::index::read_projection::<{{ t.model }}, _>(item, |item| {
{%- call read_fields(p.fields) %}{%- endcall %}
        })
    }
}
{%- endif %}
{%- endfor %}
{%- for d in t.types %}

{%- call data_struct(d.doc, d.name, d.fields, d.is_eq()) %}{%- endcall %}

impl {{ d.name }} {
    /// Creates a value from its required fields; every other field takes its default (or `None`).
{%- call new_fn(d.new_params(), d.fields) %}{%- endcall %}
}
{%- if d.has_default() %}

impl ::core::default::Default for {{ d.name }} {
    fn default() -> Self {
        Self::new()
    }
}
{%- endif %}

impl {{ d.name }} {
{%- for f in d.fields %}
{%- call docs(f.handle_doc) %}{%- endcall %}
    pub const {{ f.handle }}: {{ rt }}::Field<Self, {{ rs.codec(f.ty) }}, {{ rs.presence_marker(f) }}> = {{ rt }}::Field::new({{ rs.lit(f.attr) }});
{%- endfor %}
}

impl {{ rt }}::Document for {{ d.name }} {
    const NAME: &'static str = {{ rs.lit(d.name) }};
    const FIELDS: usize = {{ d.fields.len() }};
{%- call write_fields(d.fields) %}{%- endcall %}

    fn read_fields(item: &mut {{ rt }}::Item) -> {{ rt }}::codec::Decoded<Self> {
{%- call read_fields(d.fields) %}{%- endcall %}
    }
{%- if d.writes_defaults() %}
{%- call write_defaults(d.fields) %}{%- endcall %}
{%- endif %}
}
{%- endfor %}
{%- for e in t.enums %}

{%- call docs(e.doc) %}{%- endcall %}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
{%- call serde_derives() %}{%- endcall %}
pub enum {{ e.name }} {
{%- for v in e.variants %}
{%- call docs(v.doc) %}{%- endcall %}
{%- if serde %}
{%- if let Some(name) = rs.serde_rename(v.rust, v.value) %}
    #[serde(rename = {{ name }})]
{%- endif %}
{%- endif %}
    {{ v.rust }},
{%- endfor %}
}

impl {{ e.name }} {
    /// The value stored in DynamoDB.
    pub const fn as_str(&self) -> &'static str {
        match self {
{%- for v in e.variants %}
            Self::{{ v.rust }} => {{ rs.lit(v.value) }},
{%- endfor %}
        }
    }
}

impl {{ rt }}::StringEnum for {{ e.name }} {
    const VALUES: &'static [&'static str] = &[{% for v in e.variants %}{{ rs.lit(v.value) }}, {% endfor %}];

    fn as_str(&self) -> &'static str {
        {{ e.name }}::as_str(self)
    }

    fn from_value(value: &str) -> ::core::option::Option<Self> {
        match value {
{%- for v in e.variants %}
            {{ rs.lit(v.value) }} => ::core::option::Option::Some(Self::{{ v.rust }}),
{%- endfor %}
            _ => ::core::option::Option::None,
        }
    }
}

impl {{ rt }}::template::Part for {{ e.name }} {
    fn write_part(&self, out: &mut ::std::string::String, place: {{ rt }}::template::Place) -> ::core::result::Result<(), ::std::string::String> {
        {{ rt }}::template::write_text(out, self.as_str(), place.stop);
        ::core::result::Result::Ok(())
    }
}

impl ::core::fmt::Display for {{ e.name }} {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ::core::str::FromStr for {{ e.name }} {
    type Err = {{ rt }}::model::UnknownValue;

    fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
        <Self as {{ rt }}::StringEnum>::from_value(value).ok_or_else(|| {
            {{ rt }}::model::UnknownValue::new({{ rs.lit(e.name) }}, value)
        })
    }
}
{%- endfor %}
