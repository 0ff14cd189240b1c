//! Keys, items and values rendered briefly for messages.

use crate::schema::TableSchema;
use crate::{AttributeValue, Item};

/// Renders the key attributes of `item` as `name = value` pairs, for messages.
pub fn render_key(schema: &TableSchema, item: &Item) -> String {
    let mut out = String::from("{");
    for (i, attr) in schema.key_attributes().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(attr);
        out.push_str(" = ");
        match item.get(attr) {
            Some(value) => out.push_str(&render_value(value)),
            None => out.push_str("<absent>"),
        }
    }
    out.push('}');
    out
}

/// Renders every attribute of `item` (a key) as `name = value` pairs, in name order.
pub(crate) fn render_item(item: &Item) -> String {
    let mut pairs: Vec<(&String, &AttributeValue)> = item.iter().collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let parts: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{k} = {}", render_value(v)))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// Renders one attribute value briefly: its DynamoDB type and a short form of its content.
pub fn render_value(value: &AttributeValue) -> String {
    fn short(s: &str) -> String {
        let mut text: String = s.chars().take(60).collect();
        if text.len() < s.len() {
            text.push('…');
        }
        format!("{text:?}")
    }
    match value {
        AttributeValue::S(s) => format!("S {}", short(s)),
        AttributeValue::N(n) => format!("N {n}"),
        AttributeValue::B(b) => format!("B ({} bytes)", b.as_ref().len()),
        AttributeValue::Bool(b) => format!("BOOL {b}"),
        AttributeValue::Null(_) => "NULL".to_owned(),
        AttributeValue::L(l) => format!("L ({} elements)", l.len()),
        AttributeValue::M(m) => format!("M ({} entries)", m.len()),
        AttributeValue::Ss(s) => format!("SS ({} strings)", s.len()),
        AttributeValue::Ns(s) => format!("NS ({} numbers)", s.len()),
        AttributeValue::Bs(s) => format!("BS ({} binaries)", s.len()),
        _ => "an unknown attribute type".to_owned(),
    }
}
