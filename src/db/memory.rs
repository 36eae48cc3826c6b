//! A database that keeps nothing but the identities of its rows: what
//! `--dry-run` inserts into, and how a run remembers the rows it inserted.

use std::collections::{HashSet, TryReserveError};
use std::hash::{BuildHasherDefault, Hash, Hasher};

use anyhow::{Result, anyhow, bail};

use super::available_memory::{self, two_sizes};
use super::{IdentityKey, Insert, SkipReason, Writer};
use crate::value::{Row, Value};

/// What a dry run keeps of a row, as the help text says: a fingerprint in
/// an [`Identities`] (a peak of 160 MB for 10,000,000 rows was measured).
pub const BYTES_PER_ROW: u64 = 16;

/// A set of identities (emails, usernames) as 64-bit fingerprints: 8 bytes
/// and a control byte each, in a table at least one eighth empty whose size
/// is a power of two, so 10 to 21 bytes an identity.
///
/// A fingerprint is 64 bits of SipHash with fixed keys: among 1,000,000
/// identities, two different ones share a fingerprint about once in
/// 18,000,000,000,000 lookups.
#[derive(Default)]
pub struct Identities(HashSet<u64, BuildHasherDefault<PassThrough>>);

impl Identities {
    /// Room for `n` identities at once: growing by doubling would hold the
    /// old table and the new one together.
    pub fn with_room(n: u64) -> Result<Identities, TryReserveError> {
        let mut identities = Identities::default();
        // Beyond this, grow as rows come (a count that large may be mostly
        // a stop by Ctrl-C or a failure).
        let n = usize::try_from(n.min(100_000_000)).unwrap_or(0);
        identities.0.try_reserve(n)?;
        Ok(identities)
    }

    /// Adds `value`; false if it was there already.
    pub fn insert(&mut self, value: Option<&Value>) -> bool {
        self.0.insert(fingerprint(value))
    }

    /// Adds `value` as [`Identities::insert`] does, or fails if the set
    /// cannot grow: growing in `insert` aborts the process when memory
    /// runs out.
    pub fn try_insert(&mut self, value: Option<&Value>) -> Result<bool, TryReserveError> {
        self.0.try_reserve(1)?;
        Ok(self.0.insert(fingerprint(value)))
    }

    pub fn contains(&self, value: Option<&Value>) -> bool {
        self.0.contains(&fingerprint(value))
    }

    pub fn contains_fingerprint(&self, fingerprint: u64) -> bool {
        self.0.contains(&fingerprint)
    }

    /// What the set keeps of `value`.
    pub fn fingerprint(value: Option<&Value>) -> u64 {
        fingerprint(value)
    }

    /// Adds `text` with its case folded; false if it was there already.
    pub fn insert_folded(&mut self, text: &str) -> bool {
        self.0.insert(folded_fingerprint(text))
    }

    /// Whether `text`, its case folded, is in a set made by
    /// [`Identities::insert_folded`].
    pub fn contains_folded(&self, text: &str) -> bool {
        self.0.contains(&folded_fingerprint(text))
    }
}

/// The fingerprint of `text` in lower case, without allocating: a name
/// that differs only in case is the same login under MySQL's default
/// collations, and a different one elsewhere; taking it as the same is
/// safe on every backend.
fn folded_fingerprint(text: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        hasher.write_u32(u32::from(c));
    }
    hasher.finish()
}

fn fingerprint(value: Option<&Value>) -> u64 {
    // `new` has fixed keys: the same value, the same fingerprint.
    let mut hasher = std::hash::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A hasher for keys that are hashes already: the set uses them as they are.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by a set of u64; this is for completeness.
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Refuses a dry run of `rows` that would keep more in memory than this
/// process can still have, before it generates any: later, the allocator
/// would abort it with no summary and no JSON.
pub fn check_room(rows: u64) -> Result<()> {
    let Some(available) = available_memory::available() else {
        return Ok(());
    };
    let needed = rows.saturating_mul(BYTES_PER_ROW);
    if needed <= available.bytes {
        return Ok(());
    }
    let (needed, has) = two_sizes(needed, available.bytes);
    bail!(
        "a dry run of {rows} rows keeps about {needed} in memory ({BYTES_PER_ROW} bytes a row), more than the {has} available ({}); lower --count",
        available.source
    )
}

/// An empty users table with a unique identity column, in memory: a row
/// goes in unless its identity did, as the database's unique index would
/// have it. The apps' users tables have no other unique column seed fills.
pub struct MemoryWriter {
    key: IdentityKey,
    inserted: Identities,
    /// The other UNIQUE columns: position, what a repeat counts as, and
    /// the values that went in.
    others: Vec<(usize, SkipReason, Identities)>,
}

impl MemoryWriter {
    /// `rows`: how many rows are expected, to make room for them at once;
    /// refused if that room cannot be had.
    pub fn new(key: IdentityKey, rows: u64) -> Result<MemoryWriter> {
        let inserted = Identities::with_room(rows).map_err(|_| {
            let (needed, _) = two_sizes(rows.saturating_mul(BYTES_PER_ROW), 0);
            anyhow!(
                "a dry run of {rows} rows keeps about {needed} in memory ({BYTES_PER_ROW} bytes a row), and the system would not give that much; lower --count"
            )
        })?;
        Ok(MemoryWriter {
            key,
            inserted,
            others: Vec::new(),
        })
    }

    /// Also keeps these columns unique (position, what a repeat counts as),
    /// as their UNIQUE constraints would.
    pub fn with_uniques(mut self, uniques: Vec<(usize, SkipReason)>) -> MemoryWriter {
        self.others = uniques
            .into_iter()
            .map(|(position, reason)| (position, reason, Identities::default()))
            .collect();
        self
    }
}

impl Writer for MemoryWriter {
    fn begin(&mut self) -> Result<()> {
        Ok(())
    }

    fn insert(&mut self, rows: &[Row], out: &mut Vec<Insert>) -> Result<()> {
        for row in rows {
            // A row another unique column refuses leaves every set as it was.
            let taken = self.others.iter().find(|(position, _, values)| {
                let value = row.get(*position);
                !matches!(value, None | Some(Value::Null)) && values.contains(value)
            });
            if let Some((_, reason, _)) = taken {
                out.push(Insert::Skipped {
                    reason: *reason,
                    detail: String::new(),
                });
                continue;
            }
            let Ok(new) = self.inserted.try_insert(row.get(self.key.position)) else {
                bail!(
                    "a dry run ran out of memory for the rows it keeps ({BYTES_PER_ROW} bytes a row); lower --count"
                );
            };
            if new {
                for (position, _, values) in &mut self.others {
                    if values.try_insert(row.get(*position)).is_err() {
                        bail!(
                            "a dry run ran out of memory for the rows it keeps ({BYTES_PER_ROW} bytes a row for each UNIQUE column); lower --count"
                        );
                    }
                }
            }
            out.push(if new {
                Insert::Inserted
            } else {
                Insert::Skipped {
                    reason: self.key.duplicate,
                    detail: String::new(),
                }
            });
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::SkipReason;

    #[test]
    fn a_repeated_identity_is_a_duplicate_and_other_columns_do_not_matter() {
        let key = IdentityKey {
            position: 1,
            duplicate: SkipReason::DuplicateUsername,
        };
        let mut writer = MemoryWriter::new(key, 3).expect("room for 3 rows");
        let row =
            |name: &str, login: &str| vec![Value::Text(name.into()), Value::Text(login.into())];
        let mut out = Vec::new();
        let rows = [row("Ann", "ann"), row("Ann", "ann2"), row("Bob", "ann")];
        writer.insert(&rows, &mut out).unwrap_or_default();
        assert_eq!(
            out,
            [
                Insert::Inserted,
                Insert::Inserted,
                Insert::Skipped {
                    reason: SkipReason::DuplicateUsername,
                    detail: String::new()
                }
            ]
        );
    }
}
