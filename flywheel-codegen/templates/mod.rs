{#- The module tree over every schema: one module per schema file, re-exports of the models and
    keys, and the list of tables for `Engine::create_schema`. -#}
{%- for t in tables %}
{%- if t.folders.is_empty() %}
{%- for line in t.module_doc %}
#[doc = {{ rs.doc(line) }}]
{%- endfor %}
{#- A binary crate uses only some of what a schema generates: unused models, handles and
    query entry points are not the user's dead code, so they are not reported as such. #}
#[allow(dead_code)]
{%- if include %}
pub mod {{ t.module }} {
    include!({{ rs.lit(t.file_name) }});
}
{%- else %}
pub mod {{ t.module }};
{%- endif %}
{%- endif %}
{%- endfor %}
{{ rs.folder_modules(tables, include) }}

/// The marker types of the attributes and indexes of these schemas, one per name, shared by
/// the models: `top_score<GameScore>` marks attribute `top_score` of `GameScore` in the types of
/// its handles, and is how the compiler's messages name it. Each model's `attr` and `index`
/// modules give them the model's names.
#[allow(dead_code, non_camel_case_types)]
pub mod {{ ir.markers_module }} {
{%- for m in ir.markers %}
{%- for line in m.doc %}
    #[doc = {{ rs.doc(line) }}]
{%- endfor %}
    pub struct {{ m.name }}<M>(::core::marker::PhantomData<M>);
{%- endfor %}
}
{%- for t in tables %}
{%- if t.folders.is_empty() && !t.is_shared() %}

#[allow(unused_imports)]
pub use {{ t.module }}::{ {{ t.model }}, {{ t.key }} };
{%- else if t.folders.is_empty() %}
{{ rs.reexports(t) }}
{%- endif %}
{%- endfor %}

/// Every table of these schemas, in schema file order, for `Engine::create_schema`.
#[allow(dead_code)]
pub static TABLES: &[&{{ rt }}::schema::TableSchema] = &[
{%- for t in tables %}
{%- if t.is_shared() %}
    &{{ t.module_path() }}::TABLE,
{%- else if !t.is_entity() %}
    &<{{ t.module_path() }}::{{ t.model }} as {{ rt }}::Model>::SCHEMA,
{%- endif %}
{%- endfor %}
];
