//! What fills one column: a generator, with the one place that knows how it
//! writes a value, how long its values can be and how many distinct ones
//! it has.

use std::fmt::Write as _;

use chrono::TimeDelta;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::{Rng, RngExt};
use rand_xoshiro::SplitMix64;

use crate::generate::{Names, PasswordFormat};
use crate::value::Value;

/// A column's generator, as a plan names it.
#[derive(Clone, Debug, PartialEq)]
pub enum Gen {
    /// Left out of the INSERT: the database fills it.
    Default,
    Null,
    Const(Value),
    FirstName,
    LastName,
    /// First and last name, in the locale's order.
    Name,
    Email,
    Username,
    /// The run's one password hash.
    Password {
        format: PasswordFormat,
        /// PBKDF2 iterations or bcrypt cost for seeded users; None: the
        /// format's default for a public password.
        work: Option<u32>,
    },
    /// The row's role: its value for this column (a roles table's key, or
    /// the role's own value).
    Role,
    /// True with probability `p`.
    Bool {
        p: f64,
    },
    Int {
        min: i64,
        max: i64,
    },
    /// An instant in the year before `--now`.
    Timestamp {
        whole_seconds: bool,
    },
    /// A version 4 UUID, as text.
    Uuid,
    /// Lorem words, at most `max` characters.
    Text {
        max: u32,
    },
    /// One of `values`, by weight.
    Choice {
        values: Vec<(Value, u32)>,
    },
    /// The value of another column of the row, optionally re-cased.
    SameAs {
        column: String,
        case: Case,
    },
    /// The `column` of a random row of `table` (a foreign key's parent),
    /// read when the run starts.
    Ref {
        table: String,
        column: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    Keep,
    Upper,
    Lower,
}

/// Every generator name a plan may use, for messages.
pub const NAMES: &[&str] = &[
    "default",
    "null",
    "const",
    "first_name",
    "last_name",
    "name",
    "email",
    "username",
    "password",
    "role",
    "bool",
    "int",
    "timestamp",
    "uuid",
    "text",
    "choice",
    "same_as",
    "ref",
];

/// What a row's values are made from besides the column's own stream.
pub struct RowContext<'a> {
    pub first: &'a str,
    pub last: &'a str,
    pub full_name: &'a str,
    pub email: &'a str,
    pub username: &'a str,
    /// The value of this column for the row's role, if the column is a role.
    pub role: Option<&'a Value>,
    pub password_hash: &'a str,
    pub now: chrono::NaiveDateTime,
}

const YEAR_MICROS: i64 = 365 * 24 * 3600 * 1_000_000;

/// The longest value of `Text` is capped here: a `text` column has no
/// declared length.
pub const TEXT_DEFAULT_MAX: u32 = 200;

impl Gen {
    /// The name a plan file uses.
    pub fn name(&self) -> &'static str {
        match self {
            Gen::Default => "default",
            Gen::Null => "null",
            Gen::Const(_) => "const",
            Gen::FirstName => "first_name",
            Gen::LastName => "last_name",
            Gen::Name => "name",
            Gen::Email => "email",
            Gen::Username => "username",
            Gen::Password { .. } => "password",
            Gen::Role => "role",
            Gen::Bool { .. } => "bool",
            Gen::Int { .. } => "int",
            Gen::Timestamp { .. } => "timestamp",
            Gen::Uuid => "uuid",
            Gen::Text { .. } => "text",
            Gen::Choice { .. } => "choice",
            Gen::SameAs { .. } => "same_as",
            Gen::Ref { .. } => "ref",
        }
    }

    /// Whether the column is in the INSERT.
    pub fn is_written(&self) -> bool {
        *self != Gen::Default
    }

    /// Whether the column draws from its own stream of random numbers.
    fn draws(&self) -> bool {
        matches!(
            self,
            Gen::Bool { .. }
                | Gen::Int { .. }
                | Gen::Timestamp { .. }
                | Gen::Uuid
                | Gen::Text { .. }
                | Gen::Choice { .. }
                | Gen::Ref { .. }
        )
    }

    /// Writes the row's value into `out`, drawing from `rng` (the column's
    /// own stream for this row) where the generator is random. `SameAs`
    /// is filled by the caller, from the other column.
    pub fn write(&self, rng: &mut SplitMix64, row: &RowContext<'_>, out: &mut Value) {
        match self {
            // Filled by the generator: from the other column, the parent's rows.
            Gen::Default | Gen::Null | Gen::SameAs { .. } | Gen::Ref { .. } => *out = Value::Null,
            Gen::Const(value) => {
                if out != value {
                    out.clone_from(value);
                }
            }
            Gen::FirstName => out.set_text(row.first),
            Gen::LastName => out.set_text(row.last),
            Gen::Name => out.set_text(row.full_name),
            Gen::Email => out.set_text(row.email),
            Gen::Username => out.set_text(row.username),
            Gen::Password { .. } => {
                if out.as_text() != Some(row.password_hash) {
                    out.set_text(row.password_hash);
                }
            }
            Gen::Role => match row.role {
                Some(value) => out.clone_from(value),
                None => *out = Value::Null,
            },
            Gen::Bool { p } => *out = Value::Bool(rng.random_bool(p.clamp(0.0, 1.0))),
            Gen::Int { min, max } => *out = Value::Int(rng.random_range(*min..=*max)),
            Gen::Timestamp { whole_seconds } => {
                let mut ago = rng.random_range(0..YEAR_MICROS);
                if *whole_seconds {
                    ago -= ago % 1_000_000;
                }
                *out = Value::Time(row.now - TimeDelta::microseconds(ago));
            }
            Gen::Uuid => {
                let (high, low) = (rng.next_u64(), rng.next_u64());
                // Version 4, variant 1 (RFC 9562).
                let high = (high & !0xf000) | 0x4000;
                let low = (low & !(0b11 << 62)) | (0b10 << 62);
                out.set_text("");
                if let Value::Text(text) = out {
                    let _ = write!(
                        text,
                        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                        high >> 32,
                        (high >> 16) & 0xffff,
                        high & 0xffff,
                        low >> 48,
                        low & 0xffff_ffff_ffff
                    );
                }
            }
            Gen::Text { max } => {
                out.set_text("");
                if let Value::Text(text) = out {
                    write_text(rng, *max as usize, text);
                }
            }
            Gen::Choice { values } => {
                let weights = values.iter().map(|(_, weight)| u64::from(*weight));
                let picked = WeightedIndex::new(weights)
                    .map(|index| index.sample(rng))
                    .unwrap_or(0);
                match values.get(picked) {
                    Some((value, _)) => out.clone_from(value),
                    None => *out = Value::Null,
                }
            }
        }
    }

    /// The longest text this generator writes, in characters; None for a
    /// value that is not text. `role` is the longest role value of the
    /// column, `hash` the password hash's length.
    pub fn longest(&self, names: &Names, role: Option<usize>, hash: usize) -> Option<usize> {
        let (first, last) = names.longest();
        let (first_ascii, last_ascii) = names.longest_ascii();
        match self {
            Gen::Default
            | Gen::Null
            | Gen::Bool { .. }
            | Gen::Int { .. }
            | Gen::Timestamp { .. }
            | Gen::SameAs { .. }
            | Gen::Ref { .. } => None,
            Gen::Const(value) => value.as_text().map(|text| text.chars().count()),
            Gen::FirstName => Some(first),
            Gen::LastName => Some(last),
            Gen::Name => Some(names.order.len(first, last)),
            Gen::Email => Some(crate::generate::longest_email(first_ascii, last_ascii)),
            Gen::Username => Some(crate::generate::longest_username(first_ascii, last_ascii)),
            Gen::Password { .. } => Some(hash),
            Gen::Role => role,
            Gen::Uuid => Some(36),
            Gen::Text { max } => Some(*max as usize),
            Gen::Choice { values } => values
                .iter()
                .filter_map(|(value, _)| value.as_text())
                .map(|text| text.chars().count())
                .max(),
        }
    }

    /// How many distinct values the generator can make; None when that is
    /// more than any run needs (a UNIQUE column can take it).
    pub fn capacity(&self, roles: usize) -> Option<u64> {
        match self {
            Gen::Default
            | Gen::FirstName
            | Gen::LastName
            | Gen::Name
            | Gen::Email
            | Gen::Username
            | Gen::Timestamp { .. }
            | Gen::Uuid
            | Gen::SameAs { .. }
            | Gen::Ref { .. } => None,
            Gen::Null => Some(0),
            Gen::Const(_) | Gen::Password { .. } => Some(1),
            Gen::Role => Some(roles as u64),
            Gen::Bool { .. } => Some(2),
            Gen::Int { min, max } => u64::try_from(i128::from(*max) - i128::from(*min) + 1).ok(),
            Gen::Text { max } if *max < 12 => Some(u64::from(*max) * 1000),
            Gen::Text { .. } => None,
            Gen::Choice { values } => Some(values.iter().filter(|(_, w)| *w > 0).count() as u64),
        }
    }

    /// Whether `write` draws from the column's stream.
    pub fn is_random(&self) -> bool {
        self.draws()
    }
}

/// Lorem words separated by spaces, as many as fit in `max` characters
/// (at least one word, cut to fit).
fn write_text(rng: &mut SplitMix64, max: usize, out: &mut String) {
    use fake::locales::{Data, EN};
    let words = EN::LOREM_WORD;
    let wanted = rng.random_range(3..=12usize);
    for i in 0..wanted {
        let word = words[rng.random_range(0..words.len())];
        let room = max.saturating_sub(out.len() + usize::from(i > 0));
        if word.len() > room {
            if i == 0 {
                out.push_str(&word[..room.min(word.len())]);
            }
            break;
        }
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn context() -> RowContext<'static> {
        RowContext {
            first: "Ann",
            last: "Lee",
            full_name: "Ann Lee",
            email: "ann.lee@example.com",
            username: "ann.lee",
            role: None,
            password_hash: "hash",
            now: crate::generate::reference_now(),
        }
    }

    #[test]
    fn values_keep_within_their_longest_and_their_range() {
        let names = Names::new(crate::generate::Locale::En);
        let mut out = Value::Null;
        for (r#gen, max) in [
            (Gen::Text { max: 30 }, 30),
            (Gen::Text { max: 3 }, 3),
            (Gen::Uuid, 36),
        ] {
            for seed in 0..2000 {
                let mut rng = SplitMix64::seed_from_u64(seed);
                r#gen.write(&mut rng, &context(), &mut out);
                let text = out.as_text().unwrap_or_default();
                assert!(!text.is_empty() && text.len() <= max, "{text}");
                assert_eq!(r#gen.longest(&names, None, 4), Some(max));
            }
        }
        let int = Gen::Int { min: -2, max: 3 };
        for seed in 0..200 {
            int.write(&mut SplitMix64::seed_from_u64(seed), &context(), &mut out);
            assert!(matches!(out, Value::Int(-2..=3)), "{out:?}");
        }
        assert_eq!(int.capacity(0), Some(6));
    }

    #[test]
    fn a_uuid_is_version_4() {
        let mut out = Value::Null;
        Gen::Uuid.write(&mut SplitMix64::seed_from_u64(1), &context(), &mut out);
        let text = out.as_text().unwrap_or_default().to_owned();
        assert_eq!(text.len(), 36);
        assert_eq!(&text[14..15], "4");
        assert!("89ab".contains(&text[19..20]), "{text}");
    }
}
