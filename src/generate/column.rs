//! How each generator writes a value and how long its values can be: the
//! one place for both, next to the rest of the row's making.

use std::fmt::Write as _;

use chrono::TimeDelta;
use rand::{Rng, RngExt};
use rand_xoshiro::SplitMix64;

use super::Names;
use crate::plan::Gen;
use crate::value::{Decimal, Value};

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
    /// The locale's lists.
    pub names: &'a Names,
}

const YEAR_MICROS: i64 = 365 * 24 * 3600 * 1_000_000;

impl Gen {
    /// Whether the column draws from its own stream of random numbers.
    fn draws(&self) -> bool {
        matches!(
            self,
            Gen::Bool { .. }
                | Gen::Int { .. }
                | Gen::Decimal { .. }
                | Gen::Timestamp { .. }
                | Gen::Date { .. }
                | Gen::Uuid
                | Gen::Text { .. }
                | Gen::Choice { .. }
                | Gen::Ref { .. }
                | Gen::Phone
                | Gen::Url
                | Gen::City
                | Gen::Country { .. }
                | Gen::Company
        )
    }

    /// is filled by the caller, from the other column.
    pub fn write(&self, rng: &mut SplitMix64, row: &RowContext<'_>, out: &mut Value) {
        match self {
            // Filled by the generator: from the other column, the parent's rows.
            Gen::Default | Gen::Null | Gen::Ref { .. } => *out = Value::Null,
            // Copied by the caller into the buffer the column already has.
            Gen::SameAs { .. } => {}
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
            Gen::Decimal { min, max, scale } => {
                *out = Value::Decimal(Decimal {
                    units: rng.random_range(*min..=*max),
                    scale: *scale,
                });
            }
            Gen::Date { range } => {
                let (from, days) = match range {
                    Some((from, to)) => (*from, (*to - *from).num_days()),
                    None => (row.now.date() - TimeDelta::days(364), 364),
                };
                let day = from + TimeDelta::days(rng.random_range(0..=days.max(0)));
                *out = Value::Date(day);
            }
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
            Gen::Phone => {
                let format = pick(rng, row.names.extra.phone_formats);
                out.set_text("");
                if let Value::Text(text) = out {
                    for c in format.chars() {
                        match c {
                            '#' => text.push(char::from(b'0' + rng.random_range(0..10u8))),
                            '^' => text.push(char::from(b'1' + rng.random_range(0..9u8))),
                            c => text.push(c),
                        }
                    }
                }
            }
            Gen::Url => {
                let names = row.names;
                let first = pick_owned(rng, &names.first_ascii);
                let last = pick_owned(rng, &names.last_ascii);
                let domain = URL_DOMAINS[rng.random_range(0..URL_DOMAINS.len())];
                out.set_text("");
                if let Value::Text(text) = out {
                    let _ = write!(text, "https://{first}-{last}.{domain}");
                }
            }
            Gen::City => {
                let last = pick(rng, row.names.last);
                let suffix = pick(rng, row.names.extra.city_suffixes);
                out.set_text("");
                if let Value::Text(text) = out {
                    text.push_str(last);
                    text.push_str(suffix);
                }
            }
            Gen::Country { code } => {
                let extra = &row.names.extra;
                let list = if *code {
                    extra.country_codes
                } else {
                    extra.countries
                };
                out.set_text(pick(rng, list));
            }
            Gen::Company => {
                let last = pick(rng, row.names.last);
                let suffix = pick(rng, row.names.extra.company_suffixes);
                out.set_text("");
                if let Value::Text(text) = out {
                    text.push_str(last);
                    text.push(' ');
                    text.push_str(suffix);
                }
            }
            Gen::Choice { values } => {
                // A walk over the weights: nothing is built per row.
                let total: u64 = values.iter().map(|(_, weight)| u64::from(*weight)).sum();
                let mut left = if total == 0 {
                    0
                } else {
                    rng.random_range(0..total)
                };
                let picked = values.iter().find(|(_, weight)| {
                    let weight = u64::from(*weight);
                    if left < weight {
                        true
                    } else {
                        left -= weight;
                        false
                    }
                });
                match picked {
                    Some((value, _)) => out.clone_from(value),
                    None => *out = Value::Null,
                }
            }
        }
    }

    /// column, `hash` the password hash's length.
    pub fn longest(&self, names: &Names, role: Option<usize>, hash: usize) -> Option<usize> {
        let (first, last) = names.longest();
        let (first_ascii, last_ascii) = names.longest_ascii();
        match self {
            Gen::Default
            | Gen::Null
            | Gen::Bool { .. }
            | Gen::Int { .. }
            | Gen::Decimal { .. }
            | Gen::Timestamp { .. }
            | Gen::Date { .. }
            | Gen::SameAs { .. }
            | Gen::Ref { .. } => None,
            Gen::Const(value) => value.as_text().map(|text| text.chars().count()),
            Gen::FirstName => Some(first),
            Gen::LastName => Some(last),
            Gen::Name => Some(names.order.len(first, last)),
            Gen::Email => Some(super::longest_email(first_ascii, last_ascii)),
            Gen::Username => Some(super::longest_username(first_ascii, last_ascii)),
            Gen::Password { .. } => Some(hash),
            Gen::Role => role,
            Gen::Uuid => Some(36),
            Gen::Text { max } => Some(*max as usize),
            Gen::Choice { values } => values
                .iter()
                .filter_map(|(value, _)| value.as_text())
                .map(|text| text.chars().count())
                .max(),
            Gen::Phone => Some(chars_of(names.extra.phone_formats)),
            Gen::Url => Some(
                "https://".len()
                    + first_ascii
                    + 1
                    + last_ascii
                    + 1
                    + URL_DOMAINS.iter().map(|d| d.len()).max().unwrap_or(0),
            ),
            Gen::City => Some(last + chars_of(names.extra.city_suffixes)),
            Gen::Country { code: true } => Some(chars_of(names.extra.country_codes)),
            Gen::Country { code: false } => Some(chars_of(names.extra.countries)),
            Gen::Company => Some(last + 1 + chars_of(names.extra.company_suffixes)),
        }
    }

    /// Whether `write` draws from the column's stream.
    pub fn is_random(&self) -> bool {
        self.draws()
    }
}

/// Reserved for documentation (RFC 2606), as the emails' domains are.
const URL_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];

/// One of `list`, or "" if it is empty.
fn pick(rng: &mut SplitMix64, list: &[&'static str]) -> &'static str {
    if list.is_empty() {
        return "";
    }
    list[rng.random_range(0..list.len())]
}

fn pick_owned<'a>(rng: &mut SplitMix64, list: &'a [String]) -> &'a str {
    if list.is_empty() {
        return "";
    }
    &list[rng.random_range(0..list.len())]
}

/// The longest of `list`, in characters.
fn chars_of(list: &[&str]) -> usize {
    list.iter()
        .map(|text| text.chars().count())
        .max()
        .unwrap_or(0)
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
        static NAMES: std::sync::OnceLock<Names> = std::sync::OnceLock::new();
        RowContext {
            names: NAMES.get_or_init(|| Names::new(crate::generate::Locale::En)),
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
    fn list_made_values_of_every_locale_keep_within_their_longest() {
        for locale in crate::generate::Locale::ALL {
            let names = Names::new(locale);
            let row = RowContext {
                names: &names,
                ..context()
            };
            let mut out = Value::Null;
            for r#gen in [
                Gen::Phone,
                Gen::Url,
                Gen::City,
                Gen::Country { code: true },
                Gen::Country { code: false },
                Gen::Company,
            ] {
                let longest = r#gen.longest(&names, None, 0).unwrap_or_default();
                for seed in 0..2000 {
                    r#gen.write(&mut SplitMix64::seed_from_u64(seed), &row, &mut out);
                    let text = out.as_text().unwrap_or_default();
                    assert!(
                        !text.is_empty() && text.chars().count() <= longest,
                        "{} {}: {text} over {longest}",
                        locale.code(),
                        r#gen.name()
                    );
                }
            }
            let mut code = Value::Null;
            Gen::Country { code: true }.write(&mut SplitMix64::seed_from_u64(3), &row, &mut code);
            assert_eq!(code.as_text().map(str::len), Some(2), "{code:?}");
        }
    }

    #[test]
    fn a_choice_follows_its_weights_and_never_picks_a_weight_of_zero() {
        let choice = Gen::Choice {
            values: vec![
                (Value::Text("a".into()), 3),
                (Value::Text("never".into()), 0),
                (Value::Int(7), 1),
            ],
        };
        let mut out = Value::Null;
        let mut a = 0;
        for seed in 0..4000 {
            choice.write(&mut SplitMix64::seed_from_u64(seed), &context(), &mut out);
            assert_ne!(out, Value::Text("never".into()));
            a += usize::from(out == Value::Text("a".into()));
        }
        assert!((2800..3200).contains(&a), "{a} of 4000");
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
