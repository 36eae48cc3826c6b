//! The digest of the rows a run generated: SHA-256 over every row tried, in
//! generation order, each value in one canonical encoding. It depends on
//! what the generator made, never on the backend, the batch size, the
//! connections or the ids the database assigned.
//!
//! The encoding (the README's "Digest" section says the same): a sequence
//! of fields, each one tag byte, the length of its bytes as a 4-byte
//! big-endian number, and the bytes.
//!
//! - first the header: `T` fields holding `seed-users-v2` and the plan's
//!   canonical text (`seed plan` without its comments), which names the
//!   table, each column and what fills it;
//! - then, for each row, one field per column: `T` text (UTF-8), `I` an
//!   integer in decimal, `B` a boolean as `1` or `0`, `D` a UTC instant as
//!   `YYYY-MM-DDTHH:MM:SS.ffffff`, `N` NULL (no bytes). A role that is a row
//!   of a roles table (flask-base's `role_id`) is its name, as `T`: its id
//!   is the database's.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDateTime, Timelike};
use sha2::{Digest, Sha256};

use crate::value::Value;

/// The first field: a change to the encoding changes it.
const VERSION: &str = "seed-users-v2";

/// `sha256:` and 64 lowercase hex digits.
pub const PREFIX: &str = "sha256:";

#[derive(Clone)]
pub struct RowDigest {
    hasher: Sha256,
    /// Reused for numbers and instants, so that a row allocates nothing.
    scratch: String,
}

impl RowDigest {
    /// Starts with the header: the plan's canonical text, which names the
    /// table, its columns and what fills each.
    pub fn new(plan: &str) -> RowDigest {
        let mut digest = RowDigest {
            hasher: Sha256::new(),
            scratch: String::new(),
        };
        for text in [VERSION, plan] {
            digest.text(text);
        }
        digest
    }

    pub fn value(&mut self, value: &Value) {
        let hasher = &mut self.hasher;
        let scratch = &mut self.scratch;
        scratch.clear();
        match value {
            Value::Null => field(hasher, b'N', b""),
            Value::Bool(b) => field(hasher, b'B', if *b { b"1" } else { b"0" }),
            Value::Int(i) => {
                let _ = write!(scratch, "{i}");
                field(hasher, b'I', scratch.as_bytes());
            }
            Value::Text(text) => field(hasher, b'T', text.as_bytes()),
            Value::Time(time) => {
                write_instant(time, scratch);
                field(hasher, b'D', scratch.as_bytes());
            }
            Value::Date(day) => {
                let _ = write!(scratch, "{}", day.format("%Y-%m-%d"));
                field(hasher, b'Y', scratch.as_bytes());
            }
            Value::Decimal(decimal) => {
                let _ = write!(scratch, "{decimal}");
                field(hasher, b'M', scratch.as_bytes());
            }
        }
    }

    pub fn text(&mut self, text: &str) {
        field(&mut self.hasher, b'T', text.as_bytes());
    }

    /// `sha256:<hex>` of everything so far.
    pub fn finish(&self) -> String {
        format!("{PREFIX}{:x}", self.hasher.clone().finalize())
    }
}

/// One field: its tag, its length and its bytes.
fn field(hasher: &mut Sha256, tag: u8, bytes: &[u8]) {
    // A value longer than 4 GiB cannot come out of the generator.
    let [a, b, c, d] = u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes();
    hasher.update([tag, a, b, c, d]);
    hasher.update(bytes);
}

/// `YYYY-MM-DDTHH:MM:SS.ffffff`, without chrono's slower format strings.
fn write_instant(time: &NaiveDateTime, out: &mut String) {
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
        time.year(),
        time.month(),
        time.day(),
        time.hour(),
        time.minute(),
        time.second(),
        time.nanosecond() / 1000
    );
}

/// Whether `text` is a digest as seed prints it; an upper-case one is read
/// as its lower-case self.
pub fn parse(text: &str) -> Result<String, String> {
    // `$(cat file)` keeps no newline, a file read otherwise may.
    let text = text.trim();
    let hex = match text.get(..PREFIX.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(PREFIX) => &text[PREFIX.len()..],
        _ => "",
    };
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(format!("{PREFIX}{}", hex.to_ascii_lowercase()))
    } else {
        Err(format!(
            "expected {PREFIX} and 64 hex digits, as --json prints the digest"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest_of(rows: &[Vec<Value>]) -> String {
        let mut digest = RowDigest::new("table = \"t\"\n");
        for row in rows {
            for value in row {
                digest.value(value);
            }
        }
        digest.finish()
    }

    #[test]
    fn the_encoding_is_the_documented_one() {
        // The same bytes, written out by hand as the README describes them.
        let time =
            NaiveDateTime::parse_from_str("2025-05-11 15:37:32.768805", "%Y-%m-%d %H:%M:%S%.f")
                .unwrap_or_default();
        let rows = [vec![
            Value::Text("Dan".into()),
            Value::Int(-12),
            Value::Bool(true),
            Value::Time(time),
            Value::Date(time.date()),
            Value::Decimal(crate::value::Decimal {
                units: -50,
                scale: 2,
            }),
            Value::Null,
        ]];
        let mut bytes = Vec::new();
        for (tag, text) in [
            (b'T', "seed-users-v2"),
            (b'T', "table = \"t\"\n"),
            (b'T', "Dan"),
            (b'I', "-12"),
            (b'B', "1"),
            (b'D', "2025-05-11T15:37:32.768805"),
            (b'Y', "2025-05-11"),
            (b'M', "-0.50"),
            (b'N', ""),
        ] {
            bytes.push(tag);
            bytes.extend((text.len() as u32).to_be_bytes());
            bytes.extend(text.as_bytes());
        }
        assert_eq!(
            digest_of(&rows),
            format!("sha256:{:x}", Sha256::digest(&bytes))
        );
    }

    #[test]
    fn every_value_and_its_place_count() {
        let one = digest_of(&[vec![Value::Text("ab".into()), Value::Text("c".into())]]);
        let moved = digest_of(&[vec![Value::Text("a".into()), Value::Text("bc".into())]]);
        let typed = digest_of(&[vec![Value::Text("ab".into()), Value::Int(1)]]);
        let none = digest_of(&[]);
        assert_ne!(one, moved);
        assert_ne!(one, typed);
        assert_ne!(one, none);
        assert_eq!(one.len(), PREFIX.len() + 64);
    }

    #[test]
    fn a_digest_is_read_as_seed_prints_it() {
        let hex = "ab".repeat(32);
        assert_eq!(parse(&format!("sha256:{hex}")), Ok(format!("sha256:{hex}")));
        assert_eq!(
            parse(&format!("SHA256:{}\n", hex.to_uppercase())),
            Ok(format!("sha256:{hex}"))
        );
        for bad in [
            "",
            "sha256:",
            "abab",
            &format!("sha1:{hex}"),
            &format!("sha256:{hex}0"),
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
