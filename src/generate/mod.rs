//! Fake users from a seeded RNG. No I/O: the same seed gives the same users.

pub mod digest;
mod email;
mod locale;
mod password;
mod roles;

pub use locale::{Locale, NameOrder, Names};
pub use password::{PasswordFormat, hash_password, hash_password_unless};
pub use roles::{RolePicker, RoleWeights};

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use crate::app::{AppSpec, Fill, Roles};
use crate::value::{Row, Value};

use digest::RowDigest;

/// The RNG behind every seeded value. ChaCha8 is portable and its output
/// is fixed by its algorithm, unlike `StdRng`, which may change between
/// releases of rand.
pub fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// RNG streams, so that each use of the seed is independent of the others.
pub mod stream {
    pub const USERS: u64 = 0;
    pub const SALT: u64 = 1;
}

/// Seeded timestamps fall in the year before this instant (UTC) unless
/// `--now` says otherwise, so that a fixture does not change with the day
/// it is made.
pub fn reference_now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

const YEAR_MICROS: i64 = 365 * 24 * 3600 * 1_000_000;

/// Where rows come from: the seeded generator, or a test's own.
pub trait RowSource: Send {
    /// Overwrites `row` with the next row.
    fn next_into(&mut self, row: &mut Row);
}

pub struct UserGenerator {
    rng: ChaCha8Rng,
    spec: &'static AppSpec,
    names: Names,
    roles: Option<RolePicker>,
    /// For each role the picker can draw, the value of each
    /// [`Fill::Role`] column, in column order.
    role_values: Vec<Vec<Value>>,
    password_hash: String,
    now: NaiveDateTime,
    needs_username: bool,
    needs_joined: bool,
    email: String,
    username: String,
    /// Of every row made so far.
    digest: RowDigest,
    /// For a roles table, each role's name: the digest holds it, not the
    /// database's id.
    role_names: Option<Vec<String>>,
}

impl UserGenerator {
    /// `roles` are (id, name) in the order the picker was built over.
    pub fn new(
        seed: u64,
        spec: &'static AppSpec,
        names: Names,
        picker: Option<RolePicker>,
        roles: &[(i64, String)],
        password_hash: String,
        now: NaiveDateTime,
    ) -> UserGenerator {
        let role_values = role_values(spec, roles);
        let has = |wanted: Fill| spec.columns.iter().any(|(_, fill)| *fill == wanted);
        let columns: Vec<&str> = spec.columns.iter().map(|(name, _)| *name).collect();
        let role_names = matches!(spec.roles, Roles::Table(_))
            .then(|| roles.iter().map(|(_, name)| name.clone()).collect());
        UserGenerator {
            rng: rng(seed, stream::USERS),
            spec,
            names,
            roles: picker,
            role_values,
            password_hash,
            now,
            needs_username: has(Fill::Username),
            needs_joined: has(Fill::Joined),
            email: String::new(),
            username: String::new(),
            digest: RowDigest::new(spec.name, &columns),
            role_names,
        }
    }

    /// `sha256:<hex>` of the rows made so far, in order.
    pub fn digest(&self) -> String {
        self.digest.finish()
    }

    fn add_to_digest(&mut self, row: &Row, role: Option<usize>) {
        for (value, (_, how)) in row.iter().zip(self.spec.columns) {
            match (how, &self.role_names) {
                (Fill::Role, Some(names)) => match role.and_then(|role| names.get(role)) {
                    Some(name) => self.digest.text(name),
                    None => self.digest.value(&Value::Null),
                },
                _ => self.digest.value(value),
            }
        }
    }
}

impl RowSource for UserGenerator {
    /// Allocates only while the row's buffers grow.
    fn next_into(&mut self, row: &mut Row) {
        // The order of draws is part of the output: flask-base's rows for a
        // seed stay the same as long as it does not change.
        let names = &self.names;
        let first = self.rng.random_range(0..names.first.len());
        let last = self.rng.random_range(0..names.last.len());
        let (first_ascii, last_ascii) = (&names.first_ascii[first], &names.last_ascii[last]);
        email::write(&mut self.rng, first_ascii, last_ascii, &mut self.email);
        let role = self.roles.as_ref().map(|picker| picker.pick(&mut self.rng));
        if self.needs_username {
            email::write_username(&mut self.rng, first_ascii, last_ascii, &mut self.username);
        }
        let joined = if self.needs_joined {
            let mut ago = self.rng.random_range(0..YEAR_MICROS);
            if !self.spec.microseconds {
                ago -= ago % 1_000_000;
            }
            self.now - TimeDelta::microseconds(ago)
        } else {
            self.now
        };
        let person = Person {
            first: names.first[first],
            last: names.last[last],
            order: names.order,
            email: &self.email,
            username: &self.username,
            joined,
        };
        let role_values = role.and_then(|role| self.role_values.get(role));
        fill(
            self.spec,
            &person,
            role_values.map(Vec::as_slice),
            &self.password_hash,
            row,
        );
        self.add_to_digest(row, role);
    }
}

/// One user, before it becomes a row of some app's table.
pub struct Person<'a> {
    /// In the locale's own script.
    pub first: &'a str,
    pub last: &'a str,
    /// How the full name is written (Laravel's `name`).
    pub order: NameOrder,
    /// A seeded user's is lowercase ASCII, made of the name.
    pub email: &'a str,
    pub username: &'a str,
    pub joined: NaiveDateTime,
}

/// Writes `person` into `row` as `spec`'s columns want it; `role_values`
/// are the values of the role's columns, in order.
pub fn fill(
    spec: &AppSpec,
    person: &Person<'_>,
    role_values: Option<&[Value]>,
    password_hash: &str,
    row: &mut Row,
) {
    row.resize(spec.columns.len(), Value::Null);
    let mut role_column = 0;
    for (value, (_, how)) in row.iter_mut().zip(spec.columns) {
        match how {
            Fill::FirstName => value.set_text(person.first),
            Fill::LastName => value.set_text(person.last),
            Fill::FullName => {
                value.set_text("");
                if let Value::Text(text) = value {
                    person.order.push(person.first, person.last, text);
                }
            }
            Fill::Email => value.set_text(person.email),
            Fill::Username => value.set_text(person.username),
            Fill::PasswordHash => {
                if value.as_text() != Some(password_hash) {
                    value.set_text(password_hash);
                }
            }
            Fill::Joined => *value = Value::Time(person.joined),
            Fill::Bool(b) => *value = Value::Bool(*b),
            Fill::Role => {
                *value = role_values
                    .and_then(|values| values.get(role_column))
                    .cloned()
                    .unwrap_or(Value::Null);
                role_column += 1;
            }
        }
    }
}

/// For each of `roles` ((id, name) as the picker draws them), the value of
/// each [`Fill::Role`] column of `spec`, in column order.
pub fn role_values(spec: &AppSpec, roles: &[(i64, String)]) -> Vec<Vec<Value>> {
    let role_columns: Vec<&str> = spec
        .columns
        .iter()
        .filter(|(_, how)| *how == Fill::Role)
        .map(|(name, _)| *name)
        .collect();
    roles
        .iter()
        .map(|(id, name)| match &spec.roles {
            Roles::Table(_) | Roles::None => vec![Value::Int(*id); role_columns.len()],
            Roles::Fixed(fixed) => {
                let role = fixed.iter().find(|role| role.name == name);
                role_columns
                    .iter()
                    .map(|column| {
                        role.and_then(|role| role.values.iter().find(|(c, _)| c == column))
                            .map_or(Value::Null, |(_, value)| Value::from(*value))
                    })
                    .collect()
            }
        })
        .collect()
}

/// What seed writes into one text column of an app's users table, for
/// the checks before any write.
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql")),
    allow(dead_code, reason = "SQLite stores any text: only lengths are checked")
)]
pub struct ColumnText<'a> {
    pub column: &'static str,
    /// The longest value, in characters.
    pub longest: usize,
    /// Every name (or value given) that may go there. The rest of what
    /// the column gets is ASCII: emails and logins are made of the names'
    /// ASCII forms, and a full name's two names are joined by a space or
    /// nothing.
    pub texts: Vec<&'a str>,
    pub source: Source,
}

/// Where the texts of a [`ColumnText`] come from, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A locale's lists, by its code.
    Locale(&'static str),
    /// `seed admin`'s options.
    Given,
}

/// What seed writes into each text column of `spec` with `names`, with a
/// password hash of `hash_len`: a table whose columns are shorter, or
/// cannot store the names, is refused before any write.
pub fn longest_values<'a>(
    spec: &AppSpec,
    hash_len: usize,
    names: &'a Names,
) -> Vec<ColumnText<'a>> {
    let (first, last) = names.longest();
    let (first_ascii, last_ascii) = names.longest_ascii();
    column_texts(
        spec,
        hash_len,
        Lengths {
            first,
            last,
            full: names.order.len(first, last),
            email: email::longest(first_ascii, last_ascii),
            username: email::longest_username(first_ascii, last_ascii),
        },
        Texts {
            first: names.first,
            last: names.last,
            email: &[],
            username: &[],
        },
        Source::Locale(names.locale.code()),
    )
}

/// What seed writes into each text column of `spec` for `person`, with a
/// password hash of `hash_len`.
pub fn value_lengths<'a>(
    spec: &AppSpec,
    hash_len: usize,
    person: &'a Person<'a>,
) -> Vec<ColumnText<'a>> {
    let chars = |text: &str| text.chars().count();
    let (first, last) = (chars(person.first), chars(person.last));
    column_texts(
        spec,
        hash_len,
        Lengths {
            first,
            last,
            full: person.order.len(first, last),
            email: chars(person.email),
            username: chars(person.username),
        },
        Texts {
            first: std::slice::from_ref(&person.first),
            last: std::slice::from_ref(&person.last),
            email: std::slice::from_ref(&person.email),
            username: std::slice::from_ref(&person.username),
        },
        Source::Given,
    )
}

/// Lengths of a user's values, in characters.
struct Lengths {
    first: usize,
    last: usize,
    full: usize,
    email: usize,
    username: usize,
}

/// The texts each of a user's values is made of.
struct Texts<'a> {
    first: &'a [&'a str],
    last: &'a [&'a str],
    email: &'a [&'a str],
    username: &'a [&'a str],
}

fn column_texts<'a>(
    spec: &AppSpec,
    hash_len: usize,
    lengths: Lengths,
    texts: Texts<'a>,
    source: Source,
) -> Vec<ColumnText<'a>> {
    let role_text = match &spec.roles {
        Roles::Fixed(roles) => roles
            .iter()
            .flat_map(|role| role.values.iter())
            .map(|(_, value)| match value {
                crate::app::Literal::Text(text) => text.len(),
                _ => 0,
            })
            .max()
            .unwrap_or(0),
        _ => 0,
    };
    spec.columns
        .iter()
        .filter_map(|(column, how)| {
            let (longest, texts) = match how {
                Fill::FirstName => (lengths.first, texts.first.to_vec()),
                Fill::LastName => (lengths.last, texts.last.to_vec()),
                Fill::FullName => (lengths.full, [texts.first, texts.last].concat()),
                Fill::Email => (lengths.email, texts.email.to_vec()),
                Fill::Username => (lengths.username, texts.username.to_vec()),
                // Hashes and the apps' role values are ASCII.
                Fill::PasswordHash => (hash_len, Vec::new()),
                Fill::Role if role_text > 0 => (role_text, Vec::new()),
                Fill::Joined | Fill::Bool(_) | Fill::Role => return None,
            };
            Some(ColumnText {
                column,
                longest,
                texts,
                source,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::App;

    fn generator(seed: u64) -> UserGenerator {
        generator_for(seed, App::FlaskBase, Locale::En)
    }

    fn generator_for(seed: u64, app: App, locale: Locale) -> UserGenerator {
        let spec = app.spec();
        let roles: Vec<(i64, String)> = match &spec.roles {
            Roles::Fixed(fixed) => fixed
                .iter()
                .zip(1..)
                .map(|(role, id)| (id, role.name.to_owned()))
                .collect(),
            Roles::Table(_) | Roles::None => vec![(1, "User".into()), (2, "Administrator".into())],
        };
        let picker = RolePicker::new(&roles, None, None).expect("valid roles");
        UserGenerator::new(
            seed,
            spec,
            Names::new(locale),
            Some(picker),
            &roles,
            "hash".into(),
            reference_now(),
        )
    }

    #[test]
    fn same_seed_same_users_other_seed_other_users() {
        let (mut a, mut b, mut c) = (generator(7), generator(7), generator(8));
        let (mut ua, mut ub, mut uc) = (Row::new(), Row::new(), Row::new());
        let mut differs = false;
        for _ in 0..100 {
            a.next_into(&mut ua);
            b.next_into(&mut ub);
            c.next_into(&mut uc);
            assert_eq!(ua, ub);
            differs |= ua != uc;
        }
        assert!(differs);
    }

    #[test]
    fn names_come_from_fake_and_roles_from_the_list() {
        let names = Names::new(Locale::En);
        let mut generator = generator(1);
        let mut row = Row::new();
        for _ in 0..1000 {
            generator.next_into(&mut row);
            let text = |i: usize| row[i].as_text().unwrap_or_default().to_owned();
            assert_eq!(row[0], Value::Bool(true));
            assert!(names.first.contains(&text(1).as_str()));
            assert!(names.last.contains(&text(2).as_str()));
            assert!(text(3).contains('@'));
            assert_eq!(text(4), "hash");
            assert!([Value::Int(1), Value::Int(2)].contains(&row[5]));
        }
    }

    #[test]
    fn a_locale_gives_its_own_names_and_ascii_emails() {
        let names = Names::new(Locale::JaJp);
        let mut generator = generator_for(1, App::FlaskBase, Locale::JaJp);
        let mut row = Row::new();
        for _ in 0..1000 {
            generator.next_into(&mut row);
            let text = |i: usize| row[i].as_text().unwrap_or_default().to_owned();
            let (first, last) = (text(1), text(2));
            let i = names
                .first
                .iter()
                .position(|n| *n == first)
                .expect("a first name");
            let j = names
                .last
                .iter()
                .position(|n| *n == last)
                .expect("a last name");
            let email = text(3);
            let (local, _) = email.split_once('@').expect("an @");
            assert!(
                local.contains(&names.last_ascii[j]) || local.contains(&names.first_ascii[i]),
                "{email} for {last} {first}"
            );
            assert!(
                email
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b".@_".contains(&b)),
                "{email}"
            );
        }
    }

    #[test]
    fn no_value_of_any_locale_is_longer_than_its_longest_nor_made_of_other_texts() {
        for locale in Locale::ALL {
            let names = Names::new(locale);
            for app in App::ALL {
                let spec = app.spec();
                let written = longest_values(spec, 4, &names);
                let mut generator = generator_for(5, app, locale);
                let mut row = Row::new();
                for _ in 0..3000 {
                    generator.next_into(&mut row);
                    for ((column, _), value) in spec.columns.iter().zip(&row) {
                        let Some(text) = value.as_text() else {
                            continue;
                        };
                        let bound = written.iter().find(|c| c.column == *column);
                        let bound = bound.expect("every text column has a bound");
                        assert!(
                            text.chars().count() <= bound.longest,
                            "{} {}: {column} = {text} is longer than {}",
                            locale.code(),
                            spec.name,
                            bound.longest
                        );
                        // The character set check sees every character
                        // beyond ASCII that the column gets.
                        let other = text
                            .chars()
                            .find(|c| !c.is_ascii() && !bound.texts.iter().any(|t| t.contains(*c)));
                        assert_eq!(
                            other,
                            None,
                            "{} {}: {column} = {text}",
                            locale.code(),
                            spec.name
                        );
                    }
                }
                for c in &written {
                    assert_eq!(c.source, Source::Locale(locale.code()));
                    if ["email", "first_name", "last_name"].contains(&c.column) {
                        // flask-base's VARCHAR(64), the narrowest of the apps.
                        assert!(
                            c.longest <= 64,
                            "{} {}: {}",
                            locale.code(),
                            c.column,
                            c.longest
                        );
                    }
                }
            }
        }
    }
}
