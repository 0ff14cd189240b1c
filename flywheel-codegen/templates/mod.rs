{#- The module tree over every schema: one module per schema file, re-exports of the models and
    keys, and the list of tables for `Engine::create_schema`. -#}
{%- for t in tables %}
{%- for line in t.module_doc %}
#[doc = {{ line }}]
{%- endfor %}
{%- if include %}
pub mod {{ t.module }} {
    include!({{ t.file_name_lit }});
}
{%- else %}
pub mod {{ t.module }};
{%- endif %}
{%- endfor %}
{%- for t in tables %}

pub use {{ t.module }}::{ {{ t.model }}, {{ t.key }} };
{%- endfor %}

/// Every table of these schemas, in schema file order, for `Engine::create_schema`.
pub static TABLES: &[&::flywheel_runtime::schema::TableSchema] = &[
{%- for t in tables %}
    &<{{ t.module }}::{{ t.model }} as ::flywheel_runtime::Model>::SCHEMA,
{%- endfor %}
];
