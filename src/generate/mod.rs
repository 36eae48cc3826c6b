//! Fake users from a seeded RNG. No I/O: the same seed gives the same users.

mod email;
mod password;
mod roles;

pub use password::{PasswordFormat, hash_password, hash_password_unless};
pub use roles::{RolePicker, RoleWeights};

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use fake::locales::{Data, EN};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use crate::app::{AppSpec, Fill, Roles};
use crate::value::{Row, Value};

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
}

impl UserGenerator {
    /// `roles` are (id, name) in the order the picker was built over.
    pub fn new(
        seed: u64,
        spec: &'static AppSpec,
        picker: Option<RolePicker>,
        roles: &[(i64, String)],
        password_hash: String,
        now: NaiveDateTime,
    ) -> UserGenerator {
        let role_values = role_values(spec, roles);
        let has = |wanted: Fill| spec.columns.iter().any(|(_, fill)| *fill == wanted);
        UserGenerator {
            rng: rng(seed, stream::USERS),
            spec,
            roles: picker,
            role_values,
            password_hash,
            now,
            needs_username: has(Fill::Username),
            needs_joined: has(Fill::Joined),
            email: String::new(),
            username: String::new(),
        }
    }
}

impl RowSource for UserGenerator {
    /// Allocates only while the row's buffers grow.
    fn next_into(&mut self, row: &mut Row) {
        // The order of draws is part of the output: flask-base's rows for a
        // seed stay the same as long as it does not change.
        let first = pick(&mut self.rng, EN::NAME_FIRST_NAME);
        let last = pick(&mut self.rng, EN::NAME_LAST_NAME);
        email::write(&mut self.rng, first, last, &mut self.email);
        let role = self.roles.as_ref().map(|picker| picker.pick(&mut self.rng));
        if self.needs_username {
            email::write_username(&mut self.rng, first, last, &mut self.username);
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
            first,
            last,
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
    }
}

/// One user, before it becomes a row of some app's table.
pub struct Person<'a> {
    pub first: &'a str,
    pub last: &'a str,
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
                value.set_text(person.first);
                if let Value::Text(text) = value {
                    text.push(' ');
                    text.push_str(person.last);
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

/// The longest value seed writes into each text column of `spec`, in
/// characters, with a password hash of `hash_len`: a table whose columns
/// are shorter is refused before any write. With `person`, the lengths of
/// that one user's values.
pub fn longest_values(
    spec: &AppSpec,
    hash_len: usize,
    person: Option<&Person<'_>>,
) -> Vec<(&'static str, usize)> {
    let longest = |names: &[&str]| names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let chars = |text: &str| text.chars().count();
    let (first, last) = match person {
        Some(person) => (chars(person.first), chars(person.last)),
        None => (longest(EN::NAME_FIRST_NAME), longest(EN::NAME_LAST_NAME)),
    };
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
        .filter_map(|(name, how)| {
            let len = match how {
                Fill::FirstName => first,
                Fill::LastName => last,
                Fill::FullName => first + 1 + last,
                Fill::Email => person.map_or(email::longest(first, last), |p| chars(p.email)),
                Fill::Username => {
                    person.map_or(email::longest_username(first, last), |p| chars(p.username))
                }
                Fill::PasswordHash => hash_len,
                Fill::Role if role_text > 0 => role_text,
                Fill::Joined | Fill::Bool(_) | Fill::Role => return None,
            };
            Some((*name, len))
        })
        .collect()
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::App;

    fn generator(seed: u64) -> UserGenerator {
        let roles = vec![(1, "User".into()), (2, "Administrator".into())];
        let picker = RolePicker::new(&roles, None, None).expect("valid roles");
        UserGenerator::new(
            seed,
            App::FlaskBase.spec(),
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
        let mut generator = generator(1);
        let mut row = Row::new();
        for _ in 0..1000 {
            generator.next_into(&mut row);
            let text = |i: usize| row[i].as_text().unwrap_or_default().to_owned();
            assert_eq!(row[0], Value::Bool(true));
            assert!(EN::NAME_FIRST_NAME.contains(&text(1).as_str()));
            assert!(EN::NAME_LAST_NAME.contains(&text(2).as_str()));
            assert!(text(3).contains('@'));
            assert_eq!(text(4), "hash");
            assert!([Value::Int(1), Value::Int(2)].contains(&row[5]));
        }
    }
}
