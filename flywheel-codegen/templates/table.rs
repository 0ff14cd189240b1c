{#- One schema file: the model, its key, nested types and enums. Every value printed here was
    computed in the IR; this template only loops and branches. -#}
{%- macro struct_fields(fields, serde) %}
{%- for f in fields.iter() %}
{%- for line in f.doc %}
    #[doc = {{ line }}]
{%- endfor %}
{%- if serde %}
    #[serde(rename = {{ f.attr_lit }})]
{%- endif %}
    pub {{ f.rust }}: {{ f.rust_type }},
{%- endfor %}
{%- endmacro %}

{%- macro write_defaults(fields) %}

    fn write_defaults(item: &mut ::flywheel_runtime::Item) -> ::core::result::Result<(), ::flywheel_runtime::codec::EncodeIssue> {
{%- for f in fields.iter() %}
{%- if let Some(put) = f.default_put %}
        {{ put }}
{%- endif %}
{%- endfor %}
        ::core::result::Result::Ok(())
    }
{%- endmacro %}

{%- for line in t.doc %}
#[doc = {{ line }}]
{%- endfor %}
#[derive(Debug, Clone, PartialEq)]
{%- if t.serde %}
#[derive(::flywheel_runtime::serde::Serialize, ::flywheel_runtime::serde::Deserialize)]
#[serde(crate = "::flywheel_runtime::serde")]
{%- endif %}
pub struct {{ t.model }} {
{%- call struct_fields(t.fields, t.serde) %}{%- endcall %}
}

impl {{ t.model }} {
    /// Creates an item from its key and required fields; every other field takes its default
    /// (or `None`).
{%- if t.new_many_args %}
    #[allow(clippy::too_many_arguments)]
{%- endif %}
    pub fn new({% for p in t.new_params %}{{ p.rust }}: {{ p.rust_type }}, {% endfor %}) -> Self {
        Self {
{%- for f in t.fields %}
            {{ f.rust }}: {{ f.init }},
{%- endfor %}
        }
    }

    /// The key of this item.
    pub fn key(&self) -> {{ t.key }} {
        {{ t.key }} {
{%- for f in t.key_fields %}
            {{ f.rust }}: ::core::clone::Clone::clone(&self.{{ f.rust }}),
{%- endfor %}
        }
    }
}

#[doc = {{ t.key_doc }}]
#[derive({{ t.key_derives }})]
{%- if t.serde %}
#[derive(::flywheel_runtime::serde::Serialize, ::flywheel_runtime::serde::Deserialize)]
#[serde(crate = "::flywheel_runtime::serde")]
{%- endif %}
pub struct {{ t.key }} {
{%- call struct_fields(t.key_fields, t.serde) %}{%- endcall %}
}

impl {{ t.key }} {
    /// Creates a key from its attributes.
    pub fn new({% for p in t.key_params %}{{ p.rust }}: {{ p.rust_type }}, {% endfor %}) -> Self {
        Self {
{%- for f in t.key_fields %}
            {{ f.rust }}: {{ f.init }},
{%- endfor %}
        }
    }
}

impl ::core::convert::From<&{{ t.model }}> for {{ t.key }} {
    fn from(item: &{{ t.model }}) -> Self {
        item.key()
    }
}

impl ::flywheel_runtime::ModelKey for {{ t.key }} {
    type Model = {{ t.model }};

    fn to_item(&self) -> ::core::result::Result<::flywheel_runtime::Item, ::flywheel_runtime::EncodeError> {
        let mut item = ::flywheel_runtime::Item::with_capacity({{ t.key_fields.len() }});
        let result: ::core::result::Result<(), ::flywheel_runtime::codec::EncodeIssue> = (|| {
{%- for f in t.key_fields %}
            {{ f.encode }}
{%- endfor %}
            ::core::result::Result::Ok(())
        })();
        match result {
            ::core::result::Result::Ok(()) => ::core::result::Result::Ok(item),
            ::core::result::Result::Err(issue) => ::core::result::Result::Err(
                ::flywheel_runtime::EncodeError::new(&<{{ t.model }} as ::flywheel_runtime::Model>::SCHEMA, issue),
            ),
        }
    }
}

impl ::flywheel_runtime::Model for {{ t.model }} {
    type Key = {{ t.key }};

    const SCHEMA: ::flywheel_runtime::schema::TableSchema = {{ t.schema }};

    fn key(&self) -> {{ t.key }} {
        {{ t.model }}::key(self)
    }

    fn to_item(&self) -> ::core::result::Result<::flywheel_runtime::Item, ::flywheel_runtime::EncodeError> {
        let mut item = ::flywheel_runtime::Item::with_capacity({{ t.fields.len() }});
        let result: ::core::result::Result<(), ::flywheel_runtime::codec::EncodeIssue> = (|| {
{%- for f in t.fields %}
            {{ f.encode }}
{%- endfor %}
            ::core::result::Result::Ok(())
        })();
        match result {
            ::core::result::Result::Ok(()) => ::core::result::Result::Ok(item),
            ::core::result::Result::Err(issue) => ::core::result::Result::Err(
                ::flywheel_runtime::EncodeError::new(&<Self as ::flywheel_runtime::Model>::SCHEMA, issue),
            ),
        }
    }

    fn from_item({{ crate::ir::item_binding(t.fields) }}: ::flywheel_runtime::Item) -> ::core::result::Result<Self, ::flywheel_runtime::DecodeError> {
        let result: ::core::result::Result<Self, ::flywheel_runtime::codec::DecodeIssue> = (|| {
            ::core::result::Result::Ok(Self {
{%- for f in t.fields %}
                {{ f.rust }}: {{ f.decode }},
{%- endfor %}
            })
        })();
        result.map_err(|issue| ::flywheel_runtime::DecodeError::new(&<Self as ::flywheel_runtime::Model>::SCHEMA, &item, issue))
    }
{%- if t.writes_defaults %}
{%- call write_defaults(t.fields) %}{%- endcall %}
{%- endif %}
}

impl {{ t.model }} {
{%- for f in t.fields %}
    #[doc = {{ f.handle_doc }}]
    pub const {{ f.handle }}: ::flywheel_runtime::Attr<{{ t.model }}, attr::{{ f.marker }}, {{ f.codec }}> = ::flywheel_runtime::Attr::new({{ f.attr_lit }});
{%- endfor %}
{%- for i in t.indexes %}

{%- for line in i.doc %}
    #[doc = {{ line }}]
{%- endfor %}
    pub fn {{ i.method }}({{ i.hash_param }}: impl ::flywheel_runtime::filter::IntoValue<{{ i.hash_codec }}>) -> ::flywheel_runtime::Query<index::{{ i.marker }}> {
        ::flywheel_runtime::Query::new({{ i.hash_param }})
    }
{%- endfor %}

    /// An update of the item with `key`: typed `set`, `remove`, `incr`, `add`, `append`, ...
    /// then `send(&engine)` (or `all_new`, `all_old`, `updated_new`, `updated_old`).
    pub fn update(key: {{ t.key }}) -> ::flywheel_runtime::Update<{{ t.model }}> {
        ::flywheel_runtime::Update::new(key)
    }

    /// Scans the whole table, optionally filtered, paged or split into parallel segments.
    pub fn scan() -> ::flywheel_runtime::Scan<{{ t.model }}> {
        ::flywheel_runtime::Scan::new()
    }
}

#[doc = {{ t.attr_module_doc }}]
pub mod attr {
{%- for f in t.fields %}
    #[doc = {{ f.marker_doc }}]
    #[derive(Debug, Clone, Copy)]
    pub struct {{ f.marker }};
{%- endfor %}
}

#[doc = {{ t.index_module_doc }}]
pub mod index {
{%- for i in t.indexes %}
{%- for line in i.doc %}
    #[doc = {{ line }}]
{%- endfor %}
    #[derive(Debug, Clone, Copy)]
    pub struct {{ i.marker }};
{%- endfor %}
}
{%- for f in t.fields %}
{%- if f.updatable %}

impl ::flywheel_runtime::update::Updatable for attr::{{ f.marker }} {}
{%- endif %}
{%- if f.removable %}

impl ::flywheel_runtime::update::Removable for attr::{{ f.marker }} {}
{%- endif %}
{%- endfor %}
{%- for i in t.indexes %}

impl ::flywheel_runtime::index::Index for index::{{ i.marker }} {
    type Model = {{ t.model }};
    type Item = {{ i.item }};
    type Hash = {{ i.hash_codec }};
    type Range = {{ i.range_codec }};
    const NAME: ::core::option::Option<&'static str> = {{ i.name_opt }};
    const HASH_KEY: &'static str = {{ i.hash_lit }};
    const RANGE_KEY: ::core::option::Option<&'static str> = {{ i.range_opt }};
}
{%- if i.has_range %}

impl ::flywheel_runtime::index::HasRangeKey for index::{{ i.marker }} {}
{%- endif %}
{%- if i.prefix_range %}

impl ::flywheel_runtime::index::PrefixRangeKey for index::{{ i.marker }} {}
{%- endif %}
{%- if i.consistent %}

impl ::flywheel_runtime::index::ConsistentIndex for index::{{ i.marker }} {}
{%- endif %}
{%- for m in i.not_keys %}

impl ::flywheel_runtime::filter::Filterable<index::{{ i.marker }}> for attr::{{ m }} {}
{%- endfor %}
{%- match i.projection %}
{%- when Some with (p) %}

{%- for line in p.doc %}
#[doc = {{ line }}]
{%- endfor %}
#[derive(Debug, Clone, PartialEq)]
{%- if t.serde %}
#[derive(::flywheel_runtime::serde::Serialize, ::flywheel_runtime::serde::Deserialize)]
#[serde(crate = "::flywheel_runtime::serde")]
{%- endif %}
pub struct {{ p.name }} {
{%- call struct_fields(p.fields, t.serde) %}{%- endcall %}
}

impl {{ p.name }} {
    /// The key of the item in the table.
    pub fn key(&self) -> {{ t.key }} {
        {{ t.key }} {
{%- for f in t.key_fields %}
            {{ f.rust }}: ::core::clone::Clone::clone(&self.{{ f.rust }}),
{%- endfor %}
        }
    }
}

impl ::flywheel_runtime::index::FromItem for {{ p.name }} {
    fn from_item({{ crate::ir::item_binding(p.fields) }}: ::flywheel_runtime::Item) -> ::core::result::Result<Self, ::flywheel_runtime::DecodeError> {
        let result: ::core::result::Result<Self, ::flywheel_runtime::codec::DecodeIssue> = (|| {
            ::core::result::Result::Ok(Self {
{%- for f in p.fields %}
                {{ f.rust }}: {{ f.decode }},
{%- endfor %}
            })
        })();
        result.map_err(|issue| ::flywheel_runtime::DecodeError::new(&<{{ t.model }} as ::flywheel_runtime::Model>::SCHEMA, &item, issue))
    }
}
{%- when None %}
{%- endmatch %}
{%- endfor %}
{%- for d in t.types %}

{%- for line in d.doc %}
#[doc = {{ line }}]
{%- endfor %}
#[derive({{ d.derives }})]
{%- if t.serde %}
#[derive(::flywheel_runtime::serde::Serialize, ::flywheel_runtime::serde::Deserialize)]
#[serde(crate = "::flywheel_runtime::serde")]
{%- endif %}
pub struct {{ d.name }} {
{%- call struct_fields(d.fields, t.serde) %}{%- endcall %}
}

impl {{ d.name }} {
    /// Creates a value from its required fields; every other field takes its default (or `None`).
{%- if d.new_many_args %}
    #[allow(clippy::too_many_arguments)]
{%- endif %}
    pub fn new({% for p in d.new_params %}{{ p.rust }}: {{ p.rust_type }}, {% endfor %}) -> Self {
        Self {
{%- for f in d.fields %}
            {{ f.rust }}: {{ f.init }},
{%- endfor %}
        }
    }
}
{%- if d.has_default %}

impl ::core::default::Default for {{ d.name }} {
    fn default() -> Self {
        Self::new()
    }
}
{%- endif %}

impl {{ d.name }} {
{%- for f in d.fields %}
    #[doc = {{ f.handle_doc }}]
    pub const {{ f.handle }}: ::flywheel_runtime::Field<{{ d.name }}, {{ f.codec }}, {{ f.presence }}> = ::flywheel_runtime::Field::new({{ f.attr_lit }});
{%- endfor %}
}

impl ::flywheel_runtime::Document for {{ d.name }} {
    const NAME: &'static str = {{ d.name_lit }};

    fn to_map(&self) -> ::core::result::Result<::flywheel_runtime::Item, ::flywheel_runtime::codec::EncodeIssue> {
        let mut item = ::flywheel_runtime::Item::with_capacity({{ d.fields.len() }});
{%- for f in d.fields %}
        {{ f.encode }}
{%- endfor %}
        ::core::result::Result::Ok(item)
    }

    fn from_map(mut item: ::flywheel_runtime::Item) -> ::core::result::Result<Self, ::flywheel_runtime::codec::DecodeIssue> {
        ::core::result::Result::Ok(Self {
{%- for f in d.fields %}
            {{ f.rust }}: {{ f.decode }},
{%- endfor %}
        })
    }
{%- if d.writes_defaults %}
{%- call write_defaults(d.fields) %}{%- endcall %}
{%- endif %}
}
{%- endfor %}
{%- for e in t.enums %}

{%- for line in e.doc %}
#[doc = {{ line }}]
{%- endfor %}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
{%- if t.serde %}
#[derive(::flywheel_runtime::serde::Serialize, ::flywheel_runtime::serde::Deserialize)]
#[serde(crate = "::flywheel_runtime::serde")]
{%- endif %}
pub enum {{ e.name }} {
{%- for v in e.variants %}
{%- for line in v.doc %}
    #[doc = {{ line }}]
{%- endfor %}
{%- if t.serde %}
    #[serde(rename = {{ v.value_lit }})]
{%- endif %}
    {{ v.rust }},
{%- endfor %}
}

impl {{ e.name }} {
    /// The value stored in DynamoDB.
    pub const fn as_str(&self) -> &'static str {
        match self {
{%- for v in e.variants %}
            Self::{{ v.rust }} => {{ v.value_lit }},
{%- endfor %}
        }
    }
}

impl ::flywheel_runtime::StringEnum for {{ e.name }} {
    const VALUES: &'static [&'static str] = &[{% for v in e.variants %}{{ v.value_lit }}, {% endfor %}];

    fn as_str(&self) -> &'static str {
        {{ e.name }}::as_str(self)
    }

    fn from_value(value: &str) -> ::core::option::Option<Self> {
        match value {
{%- for v in e.variants %}
            {{ v.value_lit }} => ::core::option::Option::Some(Self::{{ v.rust }}),
{%- endfor %}
            _ => ::core::option::Option::None,
        }
    }
}

impl ::core::fmt::Display for {{ e.name }} {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ::core::str::FromStr for {{ e.name }} {
    type Err = ::flywheel_runtime::model::UnknownValue;

    fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
        <Self as ::flywheel_runtime::StringEnum>::from_value(value).ok_or_else(|| {
            ::flywheel_runtime::model::UnknownValue::new({{ e.name_lit }}, value)
        })
    }
}
{%- endfor %}
