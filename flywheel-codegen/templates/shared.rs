{#- A table of several entities: its schema, for `Engine::create_schema`. Its entities are
    models of their own files. -#}
use {{ runtime_path }} as {{ rt }};

/// The table `{{ t.table_name }}`, shared by several entities: what `Engine::create_schema`
/// creates. Each item names its entity in the table's discriminator attribute.
pub const TABLE: {{ rt }}::schema::TableSchema = {{ rs.table_schema(t) }};
{%- for c in t.collections() %}
{%- if let Some(entry) = c.entry %}

{%- for line in c.doc %}
#[doc = {{ rs.doc(line) }}]
{%- endfor %}
#[derive(Debug, Clone, PartialEq)]
pub enum {{ c.name }} {
{%- for v in c.variants %}
    /// An item of the entity `{{ v.entity }}`.
    {{ v.rust }}({{ v.path }}),
{%- endfor %}
}

impl {{ c.name }} {
{%- for line in c.query_doc %}
    #[doc = {{ rs.doc(line) }}]
{%- endfor %}
    pub fn query({{ rs.query_params(entry) }}) -> {{ rt }}::Query<{{ c.entry_module }}::index::{{ entry.marker }}, {{ c.name }}> {
        {{ rs.query_start(entry, rs.templates_of(c.entry_module).as_str()) }}.of_entities(&[{% for v in c.variants %}{{ rs.lit(v.entity) }}, {% endfor %}])
    }
}

impl {{ rt }}::index::FromItem for {{ c.name }} {
    fn from_item(item: {{ rt }}::Item) -> ::core::result::Result<Self, {{ rt }}::DecodeError> {
        match {{ rt }}::schema::which_entity(&TABLE, {{ rs.lit(t.discriminator()) }}, &[{% for v in c.variants %}{{ rs.lit(v.entity) }}, {% endfor %}], &item)? {
{%- for v in c.variants %}
{%- if loop.last %}
            _ => <{{ v.path }} as {{ rt }}::Model>::from_item(item).map(Self::{{ v.rust }}),
{%- else %}
            {{ loop.index0 }} => <{{ v.path }} as {{ rt }}::Model>::from_item(item).map(Self::{{ v.rust }}),
{%- endif %}
{%- endfor %}
        }
    }
}
{%- endif %}
{%- endfor %}
