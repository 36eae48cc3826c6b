//! Emails derived from the user's own name, in the shapes people pick.
//!
//! fake's email fakers draw a name unrelated to the user and have few
//! distinct values (SafeEmail: 9,021), so a large run would be mostly
//! duplicates. These patterns give over a billion distinct addresses.

use std::fmt::Write;

use rand::{Rng, RngExt};

/// Reserved for documentation (RFC 2606), so no seeded address reaches a
/// real mailbox if the app sends mail.
const DOMAINS: &[&str] = &[
    "example.com",
    "example.net",
    "example.org",
    "mail.example.com",
    "inbox.example.net",
    "post.example.org",
    "users.example.com",
    "team.example.net",
];

/// The column is VARCHAR(64).
pub const MAX_LEN: usize = 64;

/// The longest email made from names of at most `first` and `last`
/// characters: `first.last` and two digits, `@`, the longest domain.
pub fn longest(first: usize, last: usize) -> usize {
    let domain = DOMAINS.iter().map(|d| d.len()).max().unwrap_or_default();
    first + last + 3 + 1 + domain
}

/// The longest username made from names of at most `first` and `last`
/// characters: `first.last` and two digits, an initial, `last` and four,
/// or `first` and four.
pub fn longest_username(first: usize, last: usize) -> usize {
    (first + last + 3).max(last + 5).max(first + 4)
}

/// Writes e.g. `ann.lee@…`, `alee42@…`, `lee.ann@…` into `out`, from the
/// names' ASCII forms (see [`super::locale::ascii_name`]).
pub fn write(rng: &mut impl Rng, first: &str, last: &str, out: &mut String) {
    out.clear();
    let pattern = rng.random_range(0..100u32);
    let number = rng.random_range(1..1000u32);
    let domain = DOMAINS[rng.random_range(0..DOMAINS.len())];
    write_local(out, pattern, number, first, last);
    out.push('@');
    out.push_str(domain);
    debug_assert!(out.len() <= MAX_LEN, "email too long: {out}");
}

/// Writes a login name such as `ann.lee`, `alee4217` or `ann-lee` into
/// `out`. No domain tells two of them apart, so the shapes without a
/// number, where two people of the same name meet, are spread over more
/// separators and take a fifth of the draws instead of half: names then
/// collide about as rarely as emails (README, "The data").
pub fn write_username(rng: &mut impl Rng, first: &str, last: &str, out: &mut String) {
    out.clear();
    let pattern = rng.random_range(0..100u32);
    let number = rng.random_range(1..10_000u32);
    let joined = |out: &mut String, a: &str, separator: &str, b: &str| {
        push_name(out, a);
        out.push_str(separator);
        push_name(out, b);
    };
    match pattern {
        0..7 => joined(out, first, ".", last),
        7..12 => joined(out, first, "_", last),
        12..16 => joined(out, first, "", last),
        16..19 => joined(out, last, ".", first),
        19..22 => joined(out, first, "-", last),
        22..40 => {
            joined(out, first, ".", last);
            push_number(out, number % 100);
        }
        40..55 => {
            push_initial(out, first);
            push_name(out, last);
            push_number(out, number);
        }
        55..65 => {
            joined(out, first, "_", last);
            push_number(out, number % 100);
        }
        65..75 => {
            push_name(out, first);
            push_initial(out, last);
            push_number(out, number % 1000);
        }
        75..85 => {
            joined(out, first, "", last);
            // A two-digit year of birth, 1950 to 2009.
            let year = 50 + number % 60;
            let _ = write!(out, "{:02}", year % 100);
        }
        85..92 => {
            joined(out, last, ".", first);
            push_number(out, number % 100);
        }
        _ => {
            push_name(out, first);
            push_number(out, number);
        }
    }
}

fn write_local(out: &mut String, pattern: u32, number: u32, first: &str, last: &str) {
    match pattern {
        0..30 => {
            push_name(out, first);
            out.push('.');
            push_name(out, last);
        }
        30..45 => {
            push_name(out, first);
            out.push('.');
            push_name(out, last);
            push_number(out, number % 100);
        }
        45..60 => {
            push_initial(out, first);
            push_name(out, last);
            push_number(out, number);
        }
        60..70 => {
            push_name(out, first);
            out.push('_');
            push_name(out, last);
        }
        70..80 => {
            push_name(out, first);
            push_initial(out, last);
            push_number(out, number % 100);
        }
        80..90 => {
            push_name(out, last);
            out.push('.');
            push_name(out, first);
        }
        _ => {
            push_name(out, first);
            push_name(out, last);
            // A two-digit year of birth, 1950 to 2009.
            let year = 50 + number % 60;
            let _ = write!(out, "{:02}", year % 100);
        }
    }
}

/// Lowercase ASCII letters and digits only: "D'Amore" becomes "damore".
fn push_name(out: &mut String, name: &str) {
    out.extend(
        name.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase()),
    );
}

fn push_initial(out: &mut String, name: &str) {
    if let Some(c) = name.chars().find(char::is_ascii_alphanumeric) {
        out.push(c.to_ascii_lowercase());
    }
}

fn push_number(out: &mut String, number: u32) {
    if number > 0 {
        let _ = write!(out, "{number}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng;
    use fake::locales::{Data, EN};
    use std::collections::HashSet;

    #[test]
    fn longest_names_fit_the_column() {
        let longest = |names: &[&'static str]| {
            names
                .iter()
                .copied()
                .max_by_key(|name| name.len())
                .unwrap_or_default()
        };
        let (first, last) = (longest(EN::NAME_FIRST_NAME), longest(EN::NAME_LAST_NAME));
        let mut rng = rng(0, 0);
        let mut out = String::new();
        for _ in 0..10_000 {
            write(&mut rng, first, last, &mut out);
            assert!(out.len() <= MAX_LEN, "{out}");
        }
    }

    #[test]
    fn emails_are_lowercase_ascii_and_use_the_name() {
        let mut rng = rng(3, 0);
        let mut out = String::new();
        for _ in 0..1000 {
            write(&mut rng, "Ann", "D'Amore", &mut out);
            let (local, domain) = out.split_once('@').expect("has @");
            assert!(DOMAINS.contains(&domain));
            assert!(
                local.contains("damore") || local.starts_with("annd"),
                "{out}"
            );
            assert!(
                out.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b".@_".contains(&b)),
                "{out}"
            );
        }
    }

    #[test]
    fn few_collisions_at_scale() {
        // 200k users: the rate grows with N, so this bounds the 1M rate well
        // below 2% (measured: see README).
        let mut rng = rng(11, 0);
        let mut seen = HashSet::new();
        let mut out = String::new();
        let n = 200_000;
        let mut duplicates = 0;
        for _ in 0..n {
            let first = EN::NAME_FIRST_NAME[rng.random_range(0..EN::NAME_FIRST_NAME.len())];
            let last = EN::NAME_LAST_NAME[rng.random_range(0..EN::NAME_LAST_NAME.len())];
            write(&mut rng, first, last, &mut out);
            if !seen.insert(out.clone()) {
                duplicates += 1;
            }
        }
        assert!(duplicates > 0, "collisions must still be possible");
        assert!(duplicates * 200 < n, "{duplicates} duplicates in {n}");
    }

    /// Django's usernames and CTFd's names are a login, unique like the
    /// email: at 200,000 users they repeat no more often than emails do.
    #[test]
    fn usernames_collide_no_more_often_than_emails() {
        let n = 200_000;
        let repeats = |username: bool| {
            let mut rng = rng(11, 0);
            let mut seen = HashSet::new();
            let mut out = String::new();
            let mut duplicates = 0u32;
            for _ in 0..n {
                let first = EN::NAME_FIRST_NAME[rng.random_range(0..EN::NAME_FIRST_NAME.len())];
                let last = EN::NAME_LAST_NAME[rng.random_range(0..EN::NAME_LAST_NAME.len())];
                if username {
                    write_username(&mut rng, first, last, &mut out);
                } else {
                    write(&mut rng, first, last, &mut out);
                }
                if !seen.insert(out.clone()) {
                    duplicates += 1;
                }
            }
            duplicates
        };
        let (emails, usernames) = (repeats(false), repeats(true));
        assert!(
            usernames <= emails,
            "{usernames} usernames and {emails} emails repeat in {n}"
        );
        assert!(usernames > 0, "collisions must still be possible");
    }

    #[test]
    fn usernames_are_what_django_accepts_and_fit_their_bound() {
        let mut rng = rng(5, 0);
        let mut out = String::new();
        let (first, last) = ("Annabelle", "D'Amore");
        let bound = longest_username(first.len(), "damore".len());
        for _ in 0..10_000 {
            write_username(&mut rng, first, last, &mut out);
            assert!(out.len() <= bound, "{out}");
            // Django's UnicodeUsernameValidator: letters, digits and @.+-_
            assert!(
                !out.is_empty()
                    && out.bytes().all(|b| b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || b"._-".contains(&b)),
                "{out}"
            );
        }
    }
}
