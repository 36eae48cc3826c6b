//! The plan: which table gets the users, and what fills each of its
//! columns. The five apps' presets are plans of this same kind, and a
//! plan file (`seed.toml`) loads into one. Plain data: no I/O, no SQL.

pub mod file;
pub mod fits;
pub mod r#gen;
pub mod infer;
pub mod password;

pub use r#gen::{Case, Gen};

use crate::value::Value;
use password::PasswordFormat;

/// One users table and what seed writes into it.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    pub table: String,
    /// The unique column whose duplicates are counted.
    pub identity: String,
    /// Columns the app keeps unique in its own code, with no constraint in
    /// the database (CTFd's `users.name`): seed never writes a value that
    /// is in the table or the run.
    pub also_unique: Vec<String>,
    /// In INSERT order; `default` columns are listed but not written.
    pub columns: Vec<Column>,
    pub roles: Roles,
    /// What `seed admin` sets besides the identity and the password; None:
    /// the plan has no administrator.
    pub admin: Option<Admin>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub r#gen: Gen,
}

/// How the table tells users' roles apart.
#[derive(Clone, Debug, PartialEq)]
pub enum Roles {
    None,
    /// Each role is a set of values of the users row's `role` columns
    /// (CTFd's `type` and `hidden`, Django's `is_staff`/`is_superuser`).
    Fixed(Vec<FixedRole>),
    /// Rows of a roles table; the `role` column holds the row's key.
    Table(RoleTable),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FixedRole {
    pub name: String,
    /// Its weight without `--role-weights`.
    pub weight: u32,
    /// The value of each `role` column.
    pub values: Vec<(String, Value)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoleTable {
    pub table: String,
    /// The column the users row references.
    pub key: String,
    /// The column that names a role (`--role-weights` names, the digest).
    pub label: String,
    /// The rows `seed roles` upserts, by label, with their other values.
    pub rows: Vec<(String, Vec<(String, Value)>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Admin {
    /// The role the administrator gets.
    pub role: Option<String>,
    /// Other columns it sets, over what the row would hold.
    pub values: Vec<(String, Value)>,
}

/// Refuses options that do not apply to `spec`: role weights without
/// roles, and the work factor of the other password format.
pub fn check_options(
    spec: &Spec,
    name: &str,
    role_weights: bool,
    hash_iterations: Option<u32>,
    bcrypt_cost: Option<u32>,
) -> Result<(), String> {
    if spec.roles == Roles::None && role_weights {
        return Err(format!(
            "{name} has no roles, so --role-weights does not apply"
        ));
    }
    let Some((format, _)) = spec.password() else {
        if hash_iterations.is_some() || bcrypt_cost.is_some() {
            return Err(format!(
                "{name} has no password column, so --hash-iterations and --bcrypt-cost do not apply"
            ));
        }
        return Ok(());
    };
    if format.is_bcrypt() && hash_iterations.is_some() {
        return Err(format!(
            "--hash-iterations is for PBKDF2, Argon2 and scrypt hashes; {name} uses bcrypt ({}): use --bcrypt-cost",
            format.name()
        ));
    }
    if !format.is_bcrypt() && bcrypt_cost.is_some() {
        return Err(format!(
            "--bcrypt-cost is for bcrypt hashes; {name} uses {} ({}): use --hash-iterations",
            format.work_kind(),
            format.name()
        ));
    }
    // PBKDF2 takes any count; Argon2's time cost and scrypt's N have bounds.
    let bounded = matches!(
        format,
        PasswordFormat::Argon2id | PasswordFormat::DjangoArgon2 | PasswordFormat::WerkzeugScrypt
    );
    let (low, high) = format.work_range();
    if let Some(n) = hash_iterations.filter(|n| bounded && !(low..=high).contains(n)) {
        return Err(format!(
            "--hash-iterations {n} is out of range for {}: {} takes {low} to {high}",
            format.name(),
            format.work_kind()
        ));
    }
    Ok(())
}

/// A column filled by `gen`.
pub fn column(name: &str, r#gen: Gen) -> Column {
    Column {
        name: name.to_owned(),
        r#gen,
    }
}

impl Spec {
    /// The columns in the INSERT, in order.
    pub fn written(&self) -> impl Iterator<Item = &Column> + '_ {
        self.columns
            .iter()
            .filter(|column| column.r#gen.is_written())
    }

    pub fn written_names(&self) -> Vec<&str> {
        self.written().map(|column| column.name.as_str()).collect()
    }

    /// The position of `name` among the written columns.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.written().position(|column| column.name == name)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|column| column.name == name)
    }

    /// The `ref` columns: (column, parent table, parent column).
    pub fn refs(&self) -> Vec<(&str, &str, &str)> {
        self.written()
            .filter_map(|column| match &column.r#gen {
                Gen::Ref {
                    table,
                    column: parent,
                } => Some((column.name.as_str(), table.as_str(), parent.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The password column's format and work factor, if there is one.
    pub fn password(&self) -> Option<(PasswordFormat, Option<u32>)> {
        self.columns.iter().find_map(|column| match column.r#gen {
            Gen::Password { format, work, .. } => Some((format, work)),
            _ => None,
        })
    }

    /// What the password column's hashes start with before the hash itself
    /// (Spring Security's `{bcrypt}`); "" for none.
    pub fn password_prefix(&self) -> &str {
        self.columns
            .iter()
            .find_map(|column| match &column.r#gen {
                Gen::Password { prefix, .. } => Some(prefix.as_str()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The names of the columns filled with the role.
    pub fn role_columns(&self) -> Vec<&str> {
        self.written()
            .filter(|column| column.r#gen == Gen::Role)
            .map(|column| column.name.as_str())
            .collect()
    }

    /// The column of the name users log in by besides the email (Django's
    /// `username`, CTFd's `name`), if there is one.
    pub fn login_column(&self) -> Option<&str> {
        self.written()
            .find(|column| column.r#gen == Gen::Username)
            .map(|column| column.name.as_str())
    }

    /// The role names, in the plan's order.
    pub fn role_names(&self) -> Vec<String> {
        match &self.roles {
            Roles::None => Vec::new(),
            Roles::Fixed(roles) => roles.iter().map(|role| role.name.clone()).collect(),
            Roles::Table(table) => table.rows.iter().map(|(name, _)| name.clone()).collect(),
        }
    }

    /// Refuses a plan that contradicts itself, before anything is opened.
    pub fn check(&self) -> Result<(), String> {
        let mut seen: Vec<&str> = Vec::new();
        for column in &self.columns {
            if seen.contains(&column.name.as_str()) {
                return Err(format!("column {} is listed twice", column.name));
            }
            seen.push(&column.name);
        }
        match self.column(&self.identity) {
            None => {
                return Err(format!(
                    "identity = \"{}\" is not one of the plan's columns",
                    self.identity
                ));
            }
            Some(column) if !column.r#gen.is_written() => {
                return Err(format!(
                    "the identity column {} is left to the database (default); seed must write it to count its duplicates",
                    self.identity
                ));
            }
            Some(column) if column.r#gen.capacity(0).is_some() => {
                return Err(format!(
                    "the identity column {} needs a generator that makes distinct values (email, username, uuid, …), not {}",
                    self.identity,
                    column.r#gen.name()
                ));
            }
            Some(_) => {}
        }
        for name in &self.also_unique {
            if self.position(name).is_none() {
                return Err(format!(
                    "also_unique names {name}, which the plan does not write"
                ));
            }
        }
        for column in &self.columns {
            match &column.r#gen {
                Gen::SameAs { column: other, .. } => {
                    let target = self.column(other).map(|c| &c.r#gen);
                    match target {
                        None => {
                            return Err(format!(
                                "{} = same_as {other}, which is not one of the plan's columns",
                                column.name
                            ));
                        }
                        Some(Gen::SameAs { .. } | Gen::Default | Gen::Ref { .. }) => {
                            return Err(format!(
                                "{} = same_as {other}, which is not written by a generator of its own",
                                column.name
                            ));
                        }
                        Some(_) => {}
                    }
                }
                Gen::Role if self.roles == Roles::None => {
                    return Err(format!(
                        "{} is a role column, but the plan has no [roles]",
                        column.name
                    ));
                }
                Gen::Int { min, max } if min > max => {
                    return Err(format!("{}: int min {min} is above max {max}", column.name));
                }
                Gen::Decimal { min, max, scale } if min > max => {
                    let shown = |units: &i64| crate::value::Decimal {
                        units: *units,
                        scale: *scale,
                    };
                    return Err(format!(
                        "{}: decimal min {} is above max {}",
                        column.name,
                        shown(min),
                        shown(max)
                    ));
                }
                Gen::Date {
                    range: Some((from, to)),
                } if from > to => {
                    return Err(format!(
                        "{}: date from {from} is after to {to}",
                        column.name
                    ));
                }
                Gen::Choice { values } if values.iter().all(|(_, w)| *w == 0) => {
                    return Err(format!(
                        "{}: choice needs at least one value with a weight above 0",
                        column.name
                    ));
                }
                _ => {}
            }
        }
        let passwords = self
            .columns
            .iter()
            .filter(|c| matches!(c.r#gen, Gen::Password { .. }))
            .count();
        if passwords > 1 {
            return Err("the plan has more than one password column".into());
        }
        // `[roles.NAME]` keeps `weight` for the role's weight.
        if self.roles != Roles::None && self.role_columns().contains(&"weight") {
            return Err("a role column cannot be named weight: [roles.NAME] uses that key for the role's weight".into());
        }
        if let Roles::Fixed(roles) = &self.roles {
            if roles.iter().all(|role| role.weight == 0) {
                return Err("at least one role needs a weight above 0".into());
            }
            let columns = self.role_columns();
            for role in roles {
                for (column, _) in &role.values {
                    if !columns.contains(&column.as_str()) {
                        return Err(format!(
                            "role {} sets {column}, which is not a role column (write {column} = \"role\")",
                            role.name
                        ));
                    }
                }
            }
        }
        if self.roles != Roles::None && self.role_columns().is_empty() {
            return Err("the plan has [roles] but no column filled with \"role\"".into());
        }
        if let Some(admin) = &self.admin {
            if let Some(role) = &admin.role
                && !self.role_names().contains(role)
            {
                return Err(format!(
                    "[admin] role = \"{role}\" is not one of the plan's roles ({})",
                    self.role_names().join(", ")
                ));
            }
            for (column, _) in &admin.values {
                if self.position(column).is_none() {
                    return Err(format!(
                        "[admin] sets {column}, which the plan does not write"
                    ));
                }
            }
        }
        Ok(())
    }
}
