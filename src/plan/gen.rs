//! What fills one column: a generator, as a plan names it, and how many
//! distinct values it has. How it writes a value and how long its values
//! can be is `generate::column`'s, in one `impl Gen`.

use chrono::NaiveDate;

use super::password::PasswordFormat;
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
        /// Written before the hash (Spring Security's `{bcrypt}`); "" for
        /// none. The run's hash includes it.
        prefix: String,
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
    /// A number from `min` to `max` units of 10^-`scale` (`min = 0, max =
    /// 1000, scale = 2`: from 0.00 to 10.00).
    Decimal {
        min: i64,
        max: i64,
        scale: u8,
    },
    /// An instant in the year before `--now`.
    Timestamp {
        whole_seconds: bool,
    },
    /// A day from `from` to `to`, both included; None: in the year before
    /// `--now`.
    Date {
        range: Option<(NaiveDate, NaiveDate)>,
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
    /// A phone number in one of the locale's formats.
    Phone,
    /// A website under a domain reserved for documentation.
    Url,
    /// A city name made as the `fake` crate makes them: a name and a suffix.
    City,
    /// A country's name, or its two-letter code.
    Country {
        code: bool,
    },
    /// A company: a family name and a suffix (`Lee LLC`).
    Company,
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
    "decimal",
    "timestamp",
    "date",
    "uuid",
    "text",
    "choice",
    "same_as",
    "ref",
    "phone",
    "url",
    "city",
    "country",
    "company",
];

/// A decimal's scale and largest whole value when neither the plan nor the
/// column's type gives them.
pub const DECIMAL_SCALE: u8 = 2;
pub const DECIMAL_MAX: i64 = 1000;

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
            Gen::Decimal { .. } => "decimal",
            Gen::Timestamp { .. } => "timestamp",
            Gen::Date { .. } => "date",
            Gen::Uuid => "uuid",
            Gen::Text { .. } => "text",
            Gen::Choice { .. } => "choice",
            Gen::SameAs { .. } => "same_as",
            Gen::Ref { .. } => "ref",
            Gen::Phone => "phone",
            Gen::Url => "url",
            Gen::City => "city",
            Gen::Country { .. } => "country",
            Gen::Company => "company",
        }
    }

    /// Whether the column is in the INSERT.
    pub fn is_written(&self) -> bool {
        *self != Gen::Default
    }

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
            Gen::Int { min, max } | Gen::Decimal { min, max, .. } => {
                u64::try_from(i128::from(*max) - i128::from(*min) + 1).ok()
            }
            Gen::Date {
                range: Some((from, to)),
            } => u64::try_from((*to - *from).num_days() + 1).ok(),
            Gen::Date { range: None } => Some(365),
            // Short texts are cut lorem words: as many as their prefixes.
            Gen::Text { max } if *max < 12 => {
                use fake::locales::{Data, EN};
                let mut prefixes: Vec<&str> = EN::LOREM_WORD
                    .iter()
                    .map(|word| &word[..word.len().min(*max as usize)])
                    .collect();
                prefixes.sort_unstable();
                prefixes.dedup();
                Some(prefixes.len() as u64)
            }
            Gen::Text { .. } => None,
            Gen::Choice { values } => Some(values.iter().filter(|(_, w)| *w > 0).count() as u64),
            Gen::Phone | Gen::Url | Gen::City | Gen::Company => None,
            // No locale of the fake crate has lists of its own for these.
            Gen::Country { code: true } => {
                Some(<fake::locales::EN as fake::locales::Data>::ADDRESS_COUNTRY_CODE.len() as u64)
            }
            Gen::Country { code: false } => {
                Some(<fake::locales::EN as fake::locales::Data>::ADDRESS_COUNTRY.len() as u64)
            }
        }
    }
}
