//! Opaque, URL-safe cursors for resuming a query or scan where a page ended.
//!
//! A cursor holds the key of the last item of a page and a digest of the query it was made for:
//! the table, the index, the hash key value, the range-key condition, the filters, the order
//! and the scan segment. [`page`](crate::Query::page) accepts a cursor only for that very query;
//! any other cursor, an altered one, or any other string is [`Error::InvalidCursor`], checked
//! before anything is sent.
//!
//! # What a cursor guarantees
//!
//! With a **cursor key** on the engine ([`Engine::with_cursor_key`], or the environment
//! variable `FLYWHEEL_CURSOR_KEY` read by [`Engine::from_env`]), a cursor is sealed with
//! XChaCha20-Poly1305 under a key derived from it: nobody without the key can read the key
//! values it holds, alter it, or make one, so a cursor handed to a client can only resume the
//! query it came from. Every instance of a service that shares the key accepts the cursors of
//! the others. [`Engine::with_readable_cursors`] signs cursors with HMAC-SHA256 instead of
//! sealing them: still impossible to alter or forge, but their key values can be read by
//! anyone who decodes the token. A key can be replaced without breaking the cursors in flight:
//! keep the old one with [`Engine::with_retired_cursor_key`] until they have expired.
//!
//! **Without a key**, a cursor is plain: it is still bound to its query (a cursor of another
//! query is refused) and a checksum catches accidental damage, but anyone can read the key
//! values in it and anyone can make a cursor that starts a query at a key of their choosing
//! within that query. Use a key whenever cursors leave your service.
//!
//! A cursor made with a key is refused by an engine without one and the other way round.
//!
//! [`Engine::with_cursor_key`]: crate::Engine::with_cursor_key
//! [`Engine::from_env`]: crate::Engine::from_env
//! [`Engine::with_readable_cursors`]: crate::Engine::with_readable_cursors
//! [`Engine::with_retired_cursor_key`]: crate::Engine::with_retired_cursor_key

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use aws_sdk_dynamodb::primitives::Blob;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::expr::{Condition, Operand, Path, PathElement};
use crate::schema::{KeyAttribute, ScalarType, TableSchema};
use crate::{AttributeValue, Item};

/// The format of the tokens made here.
const VERSION: u8 = 2;

/// How a token is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// No key: a checksum against accidents.
    Plain = 0,
    /// HMAC-SHA256: readable, not forgeable.
    Signed = 1,
    /// XChaCha20-Poly1305: neither readable nor forgeable.
    Sealed = 2,
}

impl Mode {
    fn from_byte(b: u8) -> Option<Mode> {
        match b {
            0 => Some(Mode::Plain),
            1 => Some(Mode::Signed),
            2 => Some(Mode::Sealed),
            _ => None,
        }
    }
}

const CHECKSUM_LEN: usize = 8;
const TAG_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const DIGEST_LEN: usize = 16;

/// Where a query or scan stopped, as an opaque URL-safe token: `to_string()` gives it and
/// [`Cursor::parse`] reads it back. Only the engine that runs the query can open it (see the
/// [module docs](self)).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cursor {
    token: String,
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cursor").field(&self.token).finish()
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.token)
    }
}

impl FromStr for Cursor {
    type Err = Error;

    fn from_str(s: &str) -> Result<Cursor, Error> {
        Cursor::parse(s)
    }
}

fn invalid(why: impl fmt::Display) -> Error {
    Error::InvalidCursor(format!(
        "{why}; a cursor is only valid for the query whose page returned it"
    ))
}

impl Cursor {
    /// Reads a cursor from its token, checking that it is one; whether it belongs to a query
    /// (and was not altered) is checked when the query runs with it.
    pub fn parse(token: &str) -> Result<Cursor, Error> {
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| invalid("not a cursor token"))?;
        match bytes.as_slice() {
            [VERSION, mode, ..] if Mode::from_byte(*mode).is_some() => Ok(Cursor {
                token: token.to_owned(),
            }),
            [v, ..] if *v != VERSION => Err(invalid(
                "the cursor comes from another version of flywheel (or is not a cursor)",
            )),
            _ => Err(invalid("not a cursor token")),
        }
    }

    /// The token.
    pub fn as_str(&self) -> &str {
        &self.token
    }
}

/// A secret for sealing or signing cursors: at least 32 bytes of random data, the same on every
/// instance of a service. Keys for sealing and for signing are derived from it.
#[derive(Clone)]
pub struct CursorKey {
    seal: [u8; 32],
    sign: [u8; 32],
}

impl fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

/// The shortest secret accepted as a cursor key, in bytes.
pub const MIN_KEY_BYTES: usize = 32;

impl CursorKey {
    /// A key from `secret`, which must hold at least 32 bytes (for example 32 random bytes, or
    /// a long random string).
    pub fn new(secret: impl AsRef<[u8]>) -> Result<CursorKey, Error> {
        let secret = secret.as_ref();
        if secret.len() < MIN_KEY_BYTES {
            return Err(Error::Validation(format!(
                "a cursor key needs at least {MIN_KEY_BYTES} bytes of secret, not {}",
                secret.len()
            )));
        }
        let derive = |label: &str| -> [u8; 32] {
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
                .expect("HMAC takes keys of any length");
            mac.update(label.as_bytes());
            mac.finalize().into_bytes().into()
        };
        Ok(CursorKey {
            seal: derive("flywheel cursor sealing key v2"),
            sign: derive("flywheel cursor signing key v2"),
        })
    }

    fn mac(&self, header: &[u8], body: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.sign)
            .expect("HMAC takes keys of any length");
        mac.update(header);
        mac.update(body);
        mac
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.seal.into())
    }
}

/// How an engine makes and opens cursors.
#[derive(Debug, Clone, Default)]
pub(crate) struct CursorConfig {
    key: Option<CursorKey>,
    retired: Vec<CursorKey>,
    readable: bool,
    /// A key that was asked for but could not be used (from the environment), reported when a
    /// cursor is made or opened.
    problem: Option<Arc<str>>,
}

impl CursorConfig {
    pub(crate) fn with_key(mut self, key: CursorKey) -> CursorConfig {
        self.key = Some(key);
        self.problem = None;
        self
    }

    pub(crate) fn with_retired(mut self, key: CursorKey) -> CursorConfig {
        self.retired.push(key);
        self
    }

    pub(crate) fn readable(mut self) -> CursorConfig {
        self.readable = true;
        self
    }

    pub(crate) fn with_problem(mut self, problem: String) -> CursorConfig {
        self.problem = Some(problem.into());
        self
    }

    fn check(&self) -> Result<(), Error> {
        match &self.problem {
            Some(problem) => Err(Error::Validation(problem.to_string())),
            None => Ok(()),
        }
    }

    /// A cursor starting after `key` in the query whose binding is `binding`.
    pub(crate) fn make(&self, binding: &Binding, key: &Item) -> Result<Cursor, Error> {
        self.check()?;
        let mut body = binding.0.to_vec();
        write_key(&mut body, key)?;
        let mode = match (&self.key, self.readable) {
            (None, _) => Mode::Plain,
            (Some(_), true) => Mode::Signed,
            (Some(_), false) => Mode::Sealed,
        };
        let header = [VERSION, mode as u8];
        let mut token = header.to_vec();
        match (&self.key, mode) {
            (Some(key), Mode::Sealed) => {
                let nonce = XNonce::generate();
                let sealed = key
                    .cipher()
                    .encrypt(
                        &nonce,
                        Payload {
                            msg: &body,
                            aad: &header,
                        },
                    )
                    .map_err(|_| Error::Validation("the cursor could not be sealed".into()))?;
                token.extend_from_slice(&nonce);
                token.extend_from_slice(&sealed);
            }
            (Some(key), _) => {
                let tag = key.mac(&header, &body).finalize().into_bytes();
                token.extend_from_slice(&body);
                token.extend_from_slice(&tag[..TAG_LEN]);
            }
            (None, _) => {
                token.extend_from_slice(&body);
                token.extend_from_slice(&checksum(&header, &body));
            }
        }
        Ok(Cursor {
            token: URL_SAFE_NO_PAD.encode(token),
        })
    }

    /// The start key of `cursor`, if it was made for the query whose binding is `binding`, is
    /// unaltered, and holds exactly the key attributes of the queried index.
    pub(crate) fn open(
        &self,
        cursor: &Cursor,
        binding: &Binding,
        keys: &[KeyAttribute],
    ) -> Result<Item, Error> {
        self.check()?;
        let bytes = URL_SAFE_NO_PAD
            .decode(&cursor.token)
            .map_err(|_| invalid("not a cursor token"))?;
        let (header, rest) = match bytes.split_first_chunk::<2>() {
            Some((header, rest)) if header[0] == VERSION => (*header, rest),
            _ => return Err(invalid("not a cursor token")),
        };
        let mode = Mode::from_byte(header[1]).ok_or_else(|| invalid("not a cursor token"))?;
        let body: Vec<u8> = match (mode, self.key.is_some()) {
            (Mode::Plain, true) => {
                return Err(invalid(
                    "the cursor is not signed, and this engine has a cursor key, so it takes only \
                     cursors made with it",
                ));
            }
            (Mode::Signed | Mode::Sealed, false) => {
                return Err(invalid(
                    "the cursor was made by an engine with a cursor key; give this engine the same \
                     key (`with_cursor_key` or FLYWHEEL_CURSOR_KEY)",
                ));
            }
            (Mode::Plain, false) => {
                let (body, sum) = rest
                    .split_last_chunk::<CHECKSUM_LEN>()
                    .ok_or_else(|| invalid("the cursor is cut short"))?;
                if checksum(&header, body) != *sum {
                    return Err(invalid("the cursor was altered or cut short"));
                }
                body.to_vec()
            }
            (Mode::Signed, true) => {
                let (body, tag) = rest
                    .split_last_chunk::<TAG_LEN>()
                    .ok_or_else(|| invalid("the cursor is cut short"))?;
                self.keys()
                    .find(|key| key.mac(&header, body).verify_truncated_left(tag).is_ok())
                    .ok_or_else(|| {
                        invalid("the cursor was altered, or made with another cursor key")
                    })?;
                body.to_vec()
            }
            (Mode::Sealed, true) => {
                let (nonce, sealed) = rest
                    .split_first_chunk::<NONCE_LEN>()
                    .ok_or_else(|| invalid("the cursor is cut short"))?;
                let nonce = XNonce::from(*nonce);
                self.keys()
                    .find_map(|key| {
                        key.cipher()
                            .decrypt(
                                &nonce,
                                Payload {
                                    msg: sealed,
                                    aad: &header,
                                },
                            )
                            .ok()
                    })
                    .ok_or_else(|| {
                        invalid("the cursor was altered, or made with another cursor key")
                    })?
            }
        };
        let (digest, key) = body
            .split_first_chunk::<DIGEST_LEN>()
            .ok_or_else(|| invalid("the cursor is cut short"))?;
        if *digest != binding.0 {
            return Err(invalid(
                "the cursor belongs to another query (another table, index, hash key, range-key \
                 condition, filter, order or scan segment)",
            ));
        }
        let key = read_key(key).ok_or_else(|| invalid("the cursor's key is malformed"))?;
        let matches = key.len() == keys.len()
            && keys.iter().all(|k| {
                matches!(
                    (k.scalar, key.get(k.name)),
                    (ScalarType::S, Some(AttributeValue::S(_)))
                        | (ScalarType::N, Some(AttributeValue::N(_)))
                        | (ScalarType::B, Some(AttributeValue::B(_)))
                )
            });
        if !matches {
            return Err(invalid(
                "the cursor's key does not have the key attributes of the queried index",
            ));
        }
        Ok(key)
    }

    fn keys(&self) -> impl Iterator<Item = &CursorKey> {
        self.key.iter().chain(&self.retired)
    }
}

fn checksum(header: &[u8], body: &[u8]) -> [u8; CHECKSUM_LEN] {
    let digest = Sha256::new()
        .chain_update(header)
        .chain_update(body)
        .finalize();
    let mut out = [0; CHECKSUM_LEN];
    out.copy_from_slice(&digest[..CHECKSUM_LEN]);
    out
}

/// Appends a key: the count, then for each attribute (in name order) its name, type and value,
/// each length-prefixed.
fn write_key(out: &mut Vec<u8>, key: &Item) -> Result<(), Error> {
    let mut pairs: Vec<(&String, &AttributeValue)> = key.iter().collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.push(u8::try_from(pairs.len()).map_err(|_| invalid("the key has too many attributes"))?);
    for (name, value) in pairs {
        let (tag, bytes): (u8, &[u8]) = match value {
            AttributeValue::S(s) => (b'S', s.as_bytes()),
            AttributeValue::N(n) => (b'N', n.as_bytes()),
            AttributeValue::B(b) => (b'B', b.as_ref()),
            _ => return Err(invalid("a key attribute is not a string, number or binary")),
        };
        put_bytes(out, name.as_bytes());
        out.push(tag);
        put_bytes(out, bytes);
    }
    Ok(())
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn read_key(mut bytes: &[u8]) -> Option<Item> {
    fn take<'a>(bytes: &mut &'a [u8]) -> Option<&'a [u8]> {
        let (len, rest) = bytes.split_first_chunk::<4>()?;
        let len = u32::from_le_bytes(*len) as usize;
        if rest.len() < len {
            return None;
        }
        let (value, rest) = rest.split_at(len);
        *bytes = rest;
        Some(value)
    }
    let (&count, rest) = bytes.split_first()?;
    bytes = rest;
    let mut key = Item::new();
    for _ in 0..count {
        let name = String::from_utf8(take(&mut bytes)?.to_vec()).ok()?;
        let (&tag, rest) = bytes.split_first()?;
        bytes = rest;
        let value = take(&mut bytes)?;
        let value = match tag {
            b'S' => AttributeValue::S(String::from_utf8(value.to_vec()).ok()?),
            b'N' => {
                let n = std::str::from_utf8(value).ok()?;
                crate::number::check(n).ok()?;
                AttributeValue::N(n.to_owned())
            }
            b'B' => AttributeValue::B(Blob::new(value.to_vec())),
            _ => return None,
        };
        key.insert(name, value);
    }
    bytes.is_empty().then_some(key)
}

/// The digest of everything that makes a query what it is, which its cursors carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Binding([u8; DIGEST_LEN]);

/// Builds a [`Binding`] from the parts of a query, each written unambiguously (tagged and
/// length-prefixed, maps in key order) into a SHA-256 digest.
pub(crate) struct Binder(Sha256);

impl Binder {
    pub(crate) fn new(table: &str, index: Option<&str>) -> Binder {
        let mut binder = Binder(Sha256::new());
        binder.text(b'v', "flywheel query v2");
        binder.text(b't', table);
        match index {
            Some(index) => binder.text(b'i', index),
            None => binder.tag(b'-'),
        }
        binder
    }

    fn tag(&mut self, tag: u8) {
        self.0.update([tag]);
    }

    fn bytes(&mut self, tag: u8, bytes: &[u8]) {
        self.tag(tag);
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    fn text(&mut self, tag: u8, text: &str) {
        self.bytes(tag, text.as_bytes());
    }

    pub(crate) fn number(&mut self, tag: u8, n: u64) {
        self.bytes(tag, &n.to_le_bytes());
    }

    pub(crate) fn flag(&mut self, tag: u8, on: bool) {
        self.bytes(tag, &[u8::from(on)]);
    }

    pub(crate) fn value(&mut self, value: &AttributeValue) {
        match value {
            AttributeValue::S(s) => self.text(b'S', s),
            AttributeValue::N(n) => self.text(b'N', n),
            AttributeValue::B(b) => self.bytes(b'B', b.as_ref()),
            AttributeValue::Bool(b) => self.flag(b'?', *b),
            AttributeValue::Null(_) => self.tag(b'0'),
            AttributeValue::Ss(items) => {
                self.number(b's', items.len() as u64);
                let mut items: Vec<&String> = items.iter().collect();
                items.sort_unstable();
                items.into_iter().for_each(|s| self.text(b'S', s));
            }
            AttributeValue::Ns(items) => {
                self.number(b'n', items.len() as u64);
                let mut items: Vec<&String> = items.iter().collect();
                items.sort_unstable();
                items.into_iter().for_each(|n| self.text(b'N', n));
            }
            AttributeValue::Bs(items) => {
                self.number(b'b', items.len() as u64);
                let mut items: Vec<&[u8]> = items.iter().map(|b| b.as_ref()).collect();
                items.sort_unstable();
                items.into_iter().for_each(|b| self.bytes(b'B', b));
            }
            AttributeValue::L(items) => {
                self.number(b'L', items.len() as u64);
                items.iter().for_each(|v| self.value(v));
            }
            AttributeValue::M(map) => {
                self.number(b'M', map.len() as u64);
                let mut entries: Vec<(&String, &AttributeValue)> = map.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                for (k, v) in entries {
                    self.text(b'k', k);
                    self.value(v);
                }
            }
            _ => self.tag(b'x'),
        }
    }

    fn path(&mut self, path: &Path) {
        self.number(b'p', path.elements().len() as u64);
        for element in path.elements() {
            match element {
                PathElement::Name(name) => self.text(b'.', name),
                PathElement::Index(i) => self.number(b'[', *i as u64),
            }
        }
    }

    fn operand(&mut self, operand: &Operand) {
        match operand {
            Operand::Path(p) => self.tagged_path(b'P', p),
            Operand::Size(p) => self.tagged_path(b'Z', p),
            Operand::Value(v) => {
                self.tag(b'V');
                self.value(v);
            }
        }
    }

    fn operands<'o>(&mut self, operands: impl IntoIterator<Item = &'o Operand>) {
        operands.into_iter().for_each(|o| self.operand(o));
    }

    fn tagged_path(&mut self, tag: u8, path: &Path) {
        self.tag(tag);
        self.path(path);
    }

    fn path_value(&mut self, tag: u8, path: &Path, value: &AttributeValue) {
        self.tagged_path(tag, path);
        self.value(value);
    }

    fn conditions(&mut self, tag: u8, conditions: &[Condition]) {
        self.number(tag, conditions.len() as u64);
        conditions.iter().for_each(|c| self.condition(c));
    }

    pub(crate) fn condition(&mut self, condition: &Condition) {
        match condition {
            Condition::Compare(a, op, b) => {
                self.text(b'c', &format!("{op:?}"));
                self.operands([a, b]);
            }
            Condition::Between(a, low, high) => {
                self.tag(b'w');
                self.operands([a, low, high]);
            }
            Condition::In(a, options) => {
                self.number(b'I', options.len() as u64);
                self.operands(std::iter::once(a).chain(options));
            }
            Condition::BeginsWith(p, v) => self.path_value(b'^', p, v),
            Condition::Contains(p, v) => self.path_value(b'~', p, v),
            Condition::Exists(p) => self.tagged_path(b'e', p),
            Condition::NotExists(p) => self.tagged_path(b'E', p),
            Condition::AttributeType(p, ty) => {
                self.text(b'T', &format!("{ty:?}"));
                self.path(p);
            }
            Condition::And(parts) => self.conditions(b'&', parts),
            Condition::Or(parts) => self.conditions(b'|', parts),
            Condition::Not(inner) => {
                self.tag(b'!');
                self.condition(inner);
            }
        }
    }

    pub(crate) fn finish(self) -> Binding {
        let digest = self.0.finalize();
        let mut out = [0; DIGEST_LEN];
        out.copy_from_slice(&digest[..DIGEST_LEN]);
        Binding(out)
    }
}

/// The attributes that make up a position in `index`: the table key plus the index key.
pub(crate) fn key_attributes(schema: &TableSchema, index: Option<&str>) -> Vec<KeyAttribute> {
    let mut keys: Vec<KeyAttribute> = std::iter::once(schema.hash_key)
        .chain(schema.range_key)
        .collect();
    if let Some(index) = index.and_then(|i| schema.index(i)) {
        for k in index.hash_key.iter().chain(index.range_key) {
            if !keys.iter().any(|e| e.name == k.name) {
                keys.push(*k);
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Item {
        Item::from([
            ("h".to_owned(), AttributeValue::S("secret-user".into())),
            ("r".to_owned(), AttributeValue::N("12".into())),
        ])
    }

    fn keys() -> Vec<KeyAttribute> {
        vec![
            KeyAttribute {
                name: "h",
                scalar: ScalarType::S,
            },
            KeyAttribute {
                name: "r",
                scalar: ScalarType::N,
            },
        ]
    }

    fn binding(table: &str) -> Binding {
        Binder::new(table, None).finish()
    }

    #[test]
    fn every_mode_round_trips_and_hides_what_it_should() {
        let secret = [7u8; 32];
        let plain = CursorConfig::default();
        let sealed = CursorConfig::default().with_key(CursorKey::new(secret).unwrap());
        let signed = sealed.clone().readable();
        for (config, readable) in [(&plain, true), (&signed, true), (&sealed, false)] {
            let cursor = config.make(&binding("T"), &key()).unwrap();
            let reparsed = Cursor::parse(&cursor.to_string()).unwrap();
            assert_eq!(
                config.open(&reparsed, &binding("T"), &keys()).unwrap(),
                key()
            );
            let bytes = URL_SAFE_NO_PAD.decode(cursor.as_str()).unwrap();
            let shows = bytes.windows(11).any(|w| w == b"secret-user");
            assert_eq!(shows, readable);
            // Another query's binding is refused.
            assert!(matches!(
                config.open(&cursor, &binding("U"), &keys()),
                Err(Error::InvalidCursor(m)) if m.contains("another query")
            ));
        }
        // Keys and modes do not mix.
        let from_plain = plain.make(&binding("T"), &key()).unwrap();
        assert!(sealed.open(&from_plain, &binding("T"), &keys()).is_err());
        let from_sealed = sealed.make(&binding("T"), &key()).unwrap();
        assert!(plain.open(&from_sealed, &binding("T"), &keys()).is_err());
        let other = CursorConfig::default().with_key(CursorKey::new([8u8; 32]).unwrap());
        assert!(other.open(&from_sealed, &binding("T"), &keys()).is_err());
        // A retired key still opens its cursors.
        let rotated = other.with_retired(CursorKey::new(secret).unwrap());
        assert_eq!(
            rotated.open(&from_sealed, &binding("T"), &keys()).unwrap(),
            key()
        );
        assert!(CursorKey::new([1u8; 31]).is_err());
    }

    #[test]
    fn any_flipped_bit_is_refused() {
        let sealed = CursorConfig::default().with_key(CursorKey::new([3u8; 40]).unwrap());
        for config in [CursorConfig::default(), sealed.clone(), sealed.readable()] {
            let cursor = config.make(&binding("T"), &key()).unwrap();
            let bytes = URL_SAFE_NO_PAD.decode(cursor.as_str()).unwrap();
            for i in 0..bytes.len() {
                for bit in 0..8 {
                    let mut altered = bytes.clone();
                    altered[i] ^= 1 << bit;
                    let token = URL_SAFE_NO_PAD.encode(&altered);
                    let opened =
                        Cursor::parse(&token).and_then(|c| config.open(&c, &binding("T"), &keys()));
                    assert!(opened.is_err(), "byte {i} bit {bit}");
                }
            }
        }
    }
}
