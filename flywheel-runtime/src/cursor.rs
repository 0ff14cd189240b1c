//! Opaque, URL-safe cursors for resuming a query or scan where a page ended.
//!
//! A cursor names the table and index it belongs to and holds the key of the last item
//! returned, with a checksum. Using a cursor with another table or index, a tampered one, or
//! any other string is a typed [`Error::InvalidCursor`], checked before anything is sent, so a
//! bad cursor never becomes a server error or a read of the wrong index.

use std::fmt;
use std::str::FromStr;

use aws_sdk_dynamodb::primitives::Blob;
use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::schema::{KeyAttribute, ScalarType, TableSchema};
use crate::{AttributeValue, Item};

const VERSION: u64 = 1;

/// Where a query or scan stopped; `to_string()` gives a URL-safe token, `parse` reads it back.
#[derive(Clone, PartialEq)]
pub struct Cursor {
    table: String,
    index: Option<String>,
    segment: Option<(u32, u32)>,
    key: Item,
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cursor")
            .field("table", &self.table)
            .field("index", &self.index)
            .field("segment", &self.segment)
            .finish_non_exhaustive()
    }
}

impl Cursor {
    pub(crate) fn new(
        schema: &TableSchema,
        index: Option<&str>,
        segment: Option<(u32, u32)>,
        key: Item,
    ) -> Cursor {
        Cursor {
            table: schema.name.to_owned(),
            index: index.map(str::to_owned),
            segment,
            key,
        }
    }

    /// The table (schema name, without namespace) this cursor belongs to.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The index this cursor belongs to; `None` for the table itself.
    pub fn index(&self) -> Option<&str> {
        self.index.as_deref()
    }

    /// Reads a cursor from its token.
    pub fn parse(token: &str) -> Result<Cursor, Error> {
        let bad = |why: &str| {
            Error::InvalidCursor(format!(
                "{why}; a cursor is only valid as returned by `page`"
            ))
        };
        let bytes = base64url_decode(token).ok_or_else(|| bad("not a cursor token"))?;
        let mut value: Value =
            serde_json::from_slice(&bytes).map_err(|_| bad("not a cursor token"))?;
        let object = value
            .as_object_mut()
            .ok_or_else(|| bad("not a cursor token"))?;
        let checksum = object
            .remove("c")
            .and_then(|c| c.as_str().map(str::to_owned))
            .ok_or_else(|| bad("the cursor has no checksum"))?;
        if checksum != fnv_hex(&serde_json::to_vec(&value).unwrap_or_default()) {
            return Err(bad("the cursor was altered"));
        }
        let object = value.as_object().ok_or_else(|| bad("not a cursor token"))?;
        if object.get("v").and_then(Value::as_u64) != Some(VERSION) {
            return Err(bad("the cursor comes from another version of flywheel"));
        }
        let table = object
            .get("t")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("the cursor names no table"))?
            .to_owned();
        let index = match object.get("i") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Null) | None => None,
            Some(_) => return Err(bad("the cursor's index is malformed")),
        };
        let segment = match object.get("s") {
            Some(Value::Array(parts)) if parts.len() == 2 => {
                let n = |v: &Value| v.as_u64().and_then(|n| u32::try_from(n).ok());
                Some((
                    n(&parts[0]).ok_or_else(|| bad("the cursor's segment is malformed"))?,
                    n(&parts[1]).ok_or_else(|| bad("the cursor's segment is malformed"))?,
                ))
            }
            Some(Value::Null) | None => None,
            Some(_) => return Err(bad("the cursor's segment is malformed")),
        };
        let mut key = Item::new();
        for (name, v) in object
            .get("k")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("the cursor holds no key"))?
        {
            let av = match (v.get("S"), v.get("N"), v.get("B")) {
                (Some(Value::String(s)), None, None) => AttributeValue::S(s.clone()),
                (None, Some(Value::String(n)), None) => AttributeValue::N(n.clone()),
                (None, None, Some(Value::String(b))) => AttributeValue::B(Blob::new(
                    base64url_decode(b).ok_or_else(|| bad("the cursor's key is malformed"))?,
                )),
                _ => return Err(bad("the cursor's key is malformed")),
            };
            key.insert(name.clone(), av);
        }
        Ok(Cursor {
            table,
            index,
            segment,
            key,
        })
    }

    /// Checks that the cursor belongs to `schema`'s table, `index` and scan `segment`, and that
    /// its key has exactly the key attributes of that index with their types; returns the key.
    pub(crate) fn start_key(
        &self,
        schema: &TableSchema,
        index: Option<&str>,
        segment: Option<(u32, u32)>,
    ) -> Result<Item, Error> {
        let here = match index {
            Some(i) => format!("index {i} of table {}", schema.name),
            None => format!("table {}", schema.name),
        };
        let theirs = match &self.index {
            Some(i) => format!("index {i} of table {}", self.table),
            None => format!("table {}", self.table),
        };
        if self.table != schema.name || self.index.as_deref() != index {
            return Err(Error::InvalidCursor(format!(
                "the cursor belongs to {theirs}, not to {here}"
            )));
        }
        if self.segment != segment {
            return Err(Error::InvalidCursor(format!(
                "the cursor belongs to another scan segment of {here}"
            )));
        }
        let expected = key_attributes(schema, index);
        let matches = self.key.len() == expected.len()
            && expected.iter().all(|k| {
                matches!(
                    (k.scalar, self.key.get(k.name)),
                    (ScalarType::S, Some(AttributeValue::S(_)))
                        | (ScalarType::N, Some(AttributeValue::N(_)))
                        | (ScalarType::B, Some(AttributeValue::B(_)))
                )
            });
        if !matches {
            return Err(Error::InvalidCursor(format!(
                "the cursor's key does not have the key attributes of {here}"
            )));
        }
        Ok(self.key.clone())
    }
}

/// The attributes that make up a position in `index`: the table key plus the index key.
pub(crate) fn key_attributes(schema: &TableSchema, index: Option<&str>) -> Vec<KeyAttribute> {
    let mut keys: Vec<KeyAttribute> = std::iter::once(schema.hash_key)
        .chain(schema.range_key)
        .collect();
    if let Some(index) = index.and_then(|i| schema.index(i)) {
        for k in std::iter::once(index.hash_key).chain(index.range_key) {
            if !keys.iter().any(|e| e.name == k.name) {
                keys.push(k);
            }
        }
    }
    keys
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut key = Map::new();
        for (name, v) in &self.key {
            let v = match v {
                AttributeValue::S(s) => json!({ "S": s }),
                AttributeValue::N(n) => json!({ "N": n }),
                AttributeValue::B(b) => json!({ "B": base64url_encode(b.as_ref()) }),
                _ => Value::Null,
            };
            key.insert(name.clone(), v);
        }
        let mut body = json!({
            "v": VERSION,
            "t": self.table,
            "i": self.index,
            "s": self.segment.map(|(a, b)| vec![a, b]),
            "k": key,
        });
        let checksum = fnv_hex(&serde_json::to_vec(&body).unwrap_or_default());
        body["c"] = Value::String(checksum);
        f.write_str(&base64url_encode(
            &serde_json::to_vec(&body).unwrap_or_default(),
        ))
    }
}

impl FromStr for Cursor {
    type Err = Error;

    fn from_str(s: &str) -> Result<Cursor, Error> {
        Cursor::parse(s)
    }
}

/// FNV-1a, 64 bits: detects altered tokens (it is a checksum, not a signature).
fn fnv_hex(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let digits: Vec<u32> = text
        .bytes()
        .map(|c| ALPHABET.iter().position(|a| *a == c).map(|p| p as u32))
        .collect::<Option<_>>()?;
    for chunk in digits.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, d)| acc | (d << (18 - 6 * i)));
        // The bits after the last byte must be zero, so that a cursor has exactly one token.
        if n & ((1 << (24 - 8 * (chunk.len() - 1))) - 1) != 0 {
            return None;
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips() {
        for len in 0..20 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = base64url_encode(&bytes);
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
            assert_eq!(base64url_decode(&text).unwrap(), bytes);
        }
        assert!(base64url_decode("a").is_none());
        assert!(base64url_decode("ab+c").is_none());
        assert_eq!(base64url_decode("QQ").unwrap(), b"A");
        assert!(base64url_decode("QR").is_none(), "unused bits must be zero");
    }
}
