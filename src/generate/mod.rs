//! Fake users from a seeded RNG. No I/O: the same seed gives the same users.

mod column;
pub mod digest;
mod email;
mod locale;
mod password;
mod roles;

pub use column::RowContext;
pub use locale::{Locale, NameOrder, Names};
pub use password::{hash_password, hash_password_unless};
pub use roles::{RolePicker, RoleWeights};

use chrono::{NaiveDate, NaiveDateTime};
use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt, SeedableRng};
use rand_xoshiro::SplitMix64;
use sha2::{Digest as _, Sha256};

use crate::plan::{Case, Gen, Spec};
use crate::value::{Row, Value};

use digest::RowDigest;

/// The RNG behind the password's salt. ChaCha8 is portable and its output
/// is fixed by its algorithm, unlike `StdRng`, which may change between
/// releases of rand.
pub fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// RNG streams of [`rng`], so that each use of the seed is independent of
/// the others.
pub mod stream {
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

pub use email::{longest as longest_email, longest_username};

/// The key of one stream of random numbers of a run: the seed and a name
/// (a column's, or the person's and the role's, which no column name can
/// be). SHA-256, so that it never changes with the platform or a release.
fn stream_key(seed: u64, name: &str) -> u64 {
    let mut hasher = Sha256::new();
    hasher.update(b"seed-stream-v1\0");
    hasher.update(seed.to_le_bytes());
    hasher.update(name.as_bytes());
    let bytes = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(first)
}

/// The random numbers of row `row` of the stream `key`: each (stream, row)
/// starts from its own state, so a row is made without the rows before it
/// and a column's values do not depend on the other columns. SplitMix64 is
/// Java's SplittableRandom: a state step and a mix per number.
fn draws(key: u64, row: u64) -> SplitMix64 {
    let mixed = SplitMix64::seed_from_u64(row).next_u64();
    SplitMix64::seed_from_u64(key ^ mixed)
}

const PERSON: &str = "\0person";
const ROLE: &str = "\0role";

/// Where rows come from: the seeded generator, or a test's own.
pub trait RowSource: Send {
    /// Overwrites `row` with the next row.
    fn next_into(&mut self, row: &mut Row);
}

/// One written column, ready to make values.
struct Prepared {
    r#gen: Gen,
    key: u64,
    /// Its place among the role columns, if it is one.
    role: Option<usize>,
    /// For `same_as`: the position of the column it copies.
    same_as: Option<(usize, Case)>,
    /// For `ref`: the values of the parent's rows.
    pool: Option<std::sync::Arc<Vec<Value>>>,
}

/// The users of a plan, from the seed.
pub struct UserGenerator {
    person: u64,
    role_key: u64,
    columns: Vec<Prepared>,
    names: Names,
    roles: Option<RolePicker>,
    /// For each role the picker can draw, the value of each role column.
    role_values: Vec<Vec<Value>>,
    /// For a roles table, each role's label: the digest holds it, not the
    /// database's key.
    role_labels: Option<Vec<String>>,
    password_hash: String,
    now: NaiveDateTime,
    /// The row `next_into` makes next.
    next: u64,
    email: String,
    username: String,
    full_name: String,
    /// Of every row made so far.
    digest: RowDigest,
}

impl UserGenerator {
    /// `roles` are (key, label) in the order the picker was built over;
    /// `labels`: whether the digest names roles by label (a roles table).
    #[expect(
        clippy::too_many_arguments,
        reason = "each is a different input of the rows"
    )]
    pub fn new(
        seed: u64,
        spec: &Spec,
        names: Names,
        picker: Option<RolePicker>,
        roles: &[(i64, String)],
        labels: bool,
        password_hash: String,
        now: NaiveDateTime,
    ) -> UserGenerator {
        let role_values = role_values(spec, roles);
        let role_columns = spec.role_columns();
        let written = spec.written_names();
        let columns = spec
            .written()
            .map(|column| Prepared {
                key: stream_key(seed, &column.name),
                role: role_columns.iter().position(|c| *c == column.name),
                same_as: match &column.r#gen {
                    Gen::SameAs { column, case } => {
                        written.iter().position(|c| c == column).map(|i| (i, *case))
                    }
                    _ => None,
                },
                r#gen: column.r#gen.clone(),
                pool: None,
            })
            .collect();
        UserGenerator {
            person: stream_key(seed, PERSON),
            role_key: stream_key(seed, ROLE),
            columns,
            names,
            roles: picker,
            role_values,
            role_labels: labels.then(|| roles.iter().map(|(_, name)| name.clone()).collect()),
            password_hash,
            now,
            next: 0,
            email: String::new(),
            username: String::new(),
            full_name: String::new(),
            digest: RowDigest::new(&crate::plan::file::print(spec, None)),
        }
    }

    /// Gives each `ref` column the values of its parent's rows, by column
    /// name.
    pub fn with_pools(mut self, spec: &Spec, pools: Vec<(String, Vec<Value>)>) -> UserGenerator {
        let written = spec.written_names();
        for (name, values) in pools {
            if let Some(column) = written
                .iter()
                .position(|c| *c == name)
                .and_then(|i| self.columns.get_mut(i))
            {
                column.pool = Some(std::sync::Arc::new(values));
            }
        }
        self
    }

    /// `sha256:<hex>` of the rows made so far, in order.
    pub fn digest(&self) -> String {
        self.digest.finish()
    }

    /// Writes row `index` into `row`; the rows before it need not be made.
    pub fn row_into(&mut self, index: u64, row: &mut Row) -> Option<usize> {
        let names = &self.names;
        let mut person = draws(self.person, index);
        let first = person.random_range(0..names.first.len());
        let last = person.random_range(0..names.last.len());
        let (first_ascii, last_ascii) = (&names.first_ascii[first], &names.last_ascii[last]);
        email::write(&mut person, first_ascii, last_ascii, &mut self.email);
        email::write_username(&mut person, first_ascii, last_ascii, &mut self.username);
        let (first, last) = (names.first[first], names.last[last]);
        self.full_name.clear();
        names.order.push(first, last, &mut self.full_name);
        let role = self
            .roles
            .as_ref()
            .map(|picker| picker.pick(&mut draws(self.role_key, index)));
        let role_values = role.and_then(|role| self.role_values.get(role));
        row.resize(self.columns.len(), Value::Null);
        for (value, column) in row.iter_mut().zip(&self.columns) {
            let context = RowContext {
                first,
                last,
                full_name: &self.full_name,
                email: &self.email,
                username: &self.username,
                role: column
                    .role
                    .and_then(|i| role_values.and_then(|values| values.get(i))),
                password_hash: &self.password_hash,
                now: self.now,
                names: &self.names,
            };
            let mut rng = if column.r#gen.is_random() {
                draws(column.key, index)
            } else {
                SplitMix64::seed_from_u64(0)
            };
            match &column.pool {
                Some(pool) if !pool.is_empty() => {
                    value.clone_from(&pool[rng.random_range(0..pool.len())]);
                }
                _ => column.r#gen.write(&mut rng, &context, value),
            }
        }
        copy_same_as(self.columns.iter().map(|column| column.same_as), row);
        role
    }

    fn add_to_digest(&mut self, row: &Row, role: Option<usize>) {
        for (value, column) in row.iter().zip(&self.columns) {
            match (&column.role, &self.role_labels) {
                (Some(_), Some(labels)) => match role.and_then(|role| labels.get(role)) {
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
        let role = self.row_into(self.next, row);
        self.next += 1;
        self.add_to_digest(row, role);
    }
}

/// Fills each `same_as` column from the column it copies (given by
/// position; None for the other columns).
fn copy_same_as(same_as: impl Iterator<Item = Option<(usize, Case)>>, row: &mut Row) {
    for (i, same) in same_as.enumerate() {
        let Some((source, case)) = same else { continue };
        if source == i || source >= row.len() || i >= row.len() {
            if let Some(slot) = row.get_mut(i) {
                *slot = Value::Null;
            }
            continue;
        }
        // The two slots apart, so the copy reuses the column's own buffer.
        let (from, to) = if source < i {
            let (left, right) = row.split_at_mut(i);
            (&left[source], &mut right[0])
        } else {
            let (left, right) = row.split_at_mut(source);
            (&right[0], &mut left[i])
        };
        match (from, case) {
            (Value::Text(text), Case::Upper | Case::Lower) => {
                to.set_text("");
                if let Value::Text(buffer) = to {
                    for c in text.chars() {
                        match case {
                            Case::Upper => buffer.extend(c.to_uppercase()),
                            _ => buffer.extend(c.to_lowercase()),
                        }
                    }
                }
            }
            (value, _) => to.clone_from(value),
        }
    }
}

/// One user given by name, before it becomes a row (`seed admin`).
pub struct Person<'a> {
    /// In any script.
    pub first: &'a str,
    pub last: &'a str,
    /// How the full name is written (Laravel's `name`).
    pub order: NameOrder,
    pub email: &'a str,
    pub username: &'a str,
    /// Every timestamp of the row.
    pub joined: NaiveDateTime,
}

/// Writes `person` into `row` as `spec`'s columns want it, with the role
/// values `role_values` (one per role column) and `password_hash`. Random
/// columns draw from `rng`; timestamps are `person.joined`.
pub fn fill(
    spec: &Spec,
    names: &Names,
    person: &Person<'_>,
    role_values: Option<&[Value]>,
    password_hash: &str,
    rng: &mut SplitMix64,
    row: &mut Row,
) {
    let mut full_name = String::new();
    person.order.push(person.first, person.last, &mut full_name);
    let role_columns = spec.role_columns();
    let written = spec.written_names();
    row.clear();
    for column in spec.written() {
        let context = RowContext {
            first: person.first,
            last: person.last,
            full_name: &full_name,
            email: person.email,
            username: person.username,
            role: role_columns
                .iter()
                .position(|c| *c == column.name)
                .and_then(|i| role_values.and_then(|values| values.get(i))),
            password_hash,
            now: person.joined,
            names,
        };
        let mut value = Value::Null;
        match column.r#gen {
            Gen::Timestamp { .. } => value = Value::Time(person.joined),
            _ => column.r#gen.write(rng, &context, &mut value),
        }
        row.push(value);
    }
    copy_same_as(
        spec.written().map(|column| match &column.r#gen {
            Gen::SameAs { column, case } => {
                written.iter().position(|c| c == column).map(|i| (i, *case))
            }
            _ => None,
        }),
        row,
    );
}

/// For each of `roles` ((key, name) as the picker draws them), the value of
/// each role column of `spec`, in column order.
pub fn role_values(spec: &Spec, roles: &[(i64, String)]) -> Vec<Vec<Value>> {
    let role_columns = spec.role_columns();
    roles
        .iter()
        .map(|(id, name)| match &spec.roles {
            crate::plan::Roles::Table(_) | crate::plan::Roles::None => {
                vec![Value::Int(*id); role_columns.len()]
            }
            crate::plan::Roles::Fixed(fixed) => {
                let role = fixed.iter().find(|role| role.name == *name);
                role_columns
                    .iter()
                    .map(|column| {
                        role.and_then(|role| role.values.iter().find(|(c, _)| c == column))
                            .map_or(Value::Null, |(_, value)| value.clone())
                    })
                    .collect()
            }
        })
        .collect()
}

/// What seed writes into one text column of a users table, for the
/// checks before any write.
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql")),
    allow(dead_code, reason = "SQLite stores any text: only lengths are checked")
)]
pub struct ColumnText<'a> {
    pub column: String,
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
    spec: &'a Spec,
    hash_len: usize,
    names: &'a Names,
) -> Vec<ColumnText<'a>> {
    let role_texts = |column: &str| -> Vec<&'a str> {
        match &spec.roles {
            crate::plan::Roles::Fixed(roles) => roles
                .iter()
                .filter_map(|role| role.values.iter().find(|(c, _)| c == column))
                .filter_map(|(_, value)| value.as_text())
                .collect(),
            _ => Vec::new(),
        }
    };
    spec.written()
        .filter_map(|column| {
            // A copy writes what the column it copies writes.
            let source = match &column.r#gen {
                Gen::SameAs { column: other, .. } => spec.column(other)?,
                _ => column,
            };
            let roles = role_texts(&source.name);
            let role_len = roles.iter().map(|text| text.chars().count()).max();
            let mut longest = source.r#gen.longest(names, role_len, hash_len)?;
            let texts: Vec<&'a str> = match &source.r#gen {
                Gen::FirstName => names.first.to_vec(),
                Gen::LastName => names.last.to_vec(),
                Gen::Name => [names.first, names.last].concat(),
                Gen::Const(Value::Text(text)) => vec![text.as_str()],
                Gen::Choice { values } => values.iter().filter_map(|(v, _)| v.as_text()).collect(),
                Gen::Role => roles,
                // Emails, logins, hashes, uuids and lorem words are ASCII.
                _ => Vec::new(),
            };
            // Re-cased, a letter may become more than one (ß is SS).
            if let Gen::SameAs { case, .. } = &column.r#gen
                && *case != Case::Keep
            {
                let recased = |list: &[&str]| {
                    list.iter()
                        .map(|text| recased_len(text, *case))
                        .max()
                        .unwrap_or(0)
                };
                let grown = match &source.r#gen {
                    Gen::Name => names.order.len(recased(names.first), recased(names.last)),
                    _ => recased(&texts),
                };
                longest = longest.max(grown);
            }
            Some(ColumnText {
                column: column.name.clone(),
                longest,
                texts,
                source: Source::Locale(names.locale.code()),
            })
        })
        .collect()
}

/// The characters of `text` re-cased.
fn recased_len(text: &str, case: Case) -> usize {
    text.chars()
        .map(|c| match case {
            Case::Upper => c.to_uppercase().count(),
            Case::Lower => c.to_lowercase().count(),
            Case::Keep => 1,
        })
        .sum()
}

/// What `row` (a row of `spec`, with values given) writes into each text
/// column.
pub fn value_lengths<'a>(spec: &Spec, row: &'a Row) -> Vec<ColumnText<'a>> {
    spec.written()
        .zip(row)
        .filter_map(|(column, value)| {
            let text = value.as_text()?;
            Some(ColumnText {
                column: column.name.clone(),
                longest: text.chars().count(),
                texts: vec![text],
                source: Source::Given,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::PRESETS;
    use crate::plan::{Column, Roles};

    fn generator_for(seed: u64, spec: &Spec, locale: Locale) -> UserGenerator {
        let roles: Vec<(i64, String)> = match &spec.roles {
            Roles::Fixed(fixed) => fixed
                .iter()
                .zip(1..)
                .map(|(role, id)| (id, role.name.clone()))
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
            matches!(spec.roles, Roles::Table(_)),
            "hash".into(),
            reference_now(),
        )
    }

    fn flask_base() -> Spec {
        crate::app::flask_base::PRESET.plan()
    }

    fn generator(seed: u64) -> UserGenerator {
        generator_for(seed, &flask_base(), Locale::En)
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
    fn any_row_is_made_without_the_rows_before_it() {
        let mut all = generator(3);
        let mut alone = generator(3);
        let (mut row, mut again) = (Row::new(), Row::new());
        for index in 0..500 {
            all.next_into(&mut row);
            if index % 97 == 0 {
                alone.row_into(index, &mut again);
                assert_eq!(row, again, "row {index}");
            }
        }
    }

    #[test]
    fn a_re_cased_copy_is_checked_at_the_length_it_grows_to_and_written_so() {
        let mut spec = flask_base();
        spec.columns.extend([
            Column {
                name: "street".into(),
                r#gen: Gen::Const(Value::Text("Straße".into())),
            },
            Column {
                name: "street_upper".into(),
                r#gen: Gen::SameAs {
                    column: "street".into(),
                    case: Case::Upper,
                },
            },
            Column {
                name: "email_lower".into(),
                r#gen: Gen::SameAs {
                    column: "email".into(),
                    case: Case::Lower,
                },
            },
        ]);
        let names = Names::new(Locale::En);
        let lengths = longest_values(&spec, 10, &names);
        let longest = |column: &str| {
            lengths
                .iter()
                .find(|c| c.column == column)
                .map(|c| c.longest)
        };
        assert_eq!(longest("street"), Some(6));
        assert_eq!(longest("street_upper"), Some(7));
        assert_eq!(longest("email_lower"), longest("email"));
        let mut generator = generator_for(3, &spec, Locale::En);
        let mut row = Row::new();
        for _ in 0..3 {
            generator.next_into(&mut row);
            let n = row.len();
            assert_eq!(row[n - 2], Value::Text("STRASSE".into()));
            assert_eq!(
                row[n - 1].as_text().map(str::to_owned),
                row[spec.position("email").unwrap_or_default()]
                    .as_text()
                    .map(str::to_lowercase)
            );
        }
    }

    #[test]
    fn a_column_added_or_changed_leaves_every_other_column_as_it_was() {
        let base = flask_base();
        let mut more = base.clone();
        more.columns.insert(
            2,
            Column {
                name: "nickname".into(),
                r#gen: Gen::Text { max: 20 },
            },
        );
        if let Some(column) = more.columns.iter_mut().find(|c| c.name == "confirmed") {
            column.r#gen = Gen::Bool { p: 0.5 };
        }
        let (mut a, mut b) = (
            generator_for(9, &base, Locale::En),
            generator_for(9, &more, Locale::En),
        );
        let (mut ra, mut rb) = (Row::new(), Row::new());
        for _ in 0..300 {
            a.next_into(&mut ra);
            b.next_into(&mut rb);
            // confirmed changed; nickname is new, at position 1 of the
            // written columns (id is not written).
            let (ra, rb) = (&ra[1..], &rb);
            assert_eq!(ra[0], rb[2], "first_name");
            assert_eq!(&ra[1..], &rb[3..], "the other columns");
        }
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
        let mut generator = generator_for(1, &flask_base(), Locale::JaJp);
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
    fn no_value_of_any_locale_is_longer_than_its_longest() {
        for locale in Locale::ALL {
            let names = Names::new(locale);
            for preset in PRESETS {
                let spec = preset.plan();
                let longest: Vec<(String, usize)> = longest_values(&spec, 4, &names)
                    .into_iter()
                    .map(|text| (text.column, text.longest))
                    .collect();
                let mut generator = generator_for(5, &spec, locale);
                let mut row = Row::new();
                for _ in 0..3000 {
                    generator.next_into(&mut row);
                    for (column, value) in spec.written().zip(&row) {
                        let Some(text) = value.as_text() else {
                            continue;
                        };
                        let bound = longest.iter().find(|(name, _)| *name == column.name);
                        let (_, bound) = bound.expect("every text column has a bound");
                        assert!(
                            text.chars().count() <= *bound,
                            "{} {}: {} = {text} is longer than {bound}",
                            locale.code(),
                            preset.name,
                            column.name
                        );
                    }
                }
                for (column, len) in &longest {
                    if ["email", "first_name", "last_name"].contains(&column.as_str()) {
                        // flask-base's VARCHAR(64), the narrowest of the apps.
                        assert!(*len <= 64, "{} {column}: {len}", locale.code());
                    }
                }
            }
        }
    }
}
