//! What each app's users table is: its columns and what fills them, the
//! column that identifies a user, its roles, its password format and the
//! tables seed may create for it. Plain data: no I/O, no SQL dialect.

mod ctfd;
mod devise;
mod django;
mod flask_base;
mod laravel;

use std::fmt;

use crate::generate::PasswordFormat;

/// The apps whose users tables seed fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum App {
    FlaskBase,
    Ctfd,
    Django,
    Laravel,
    Devise,
}

impl App {
    pub const ALL: [App; 5] = [
        App::FlaskBase,
        App::Ctfd,
        App::Django,
        App::Laravel,
        App::Devise,
    ];

    /// The order in which tables are matched: most specific first, since
    /// flask-base's signature is the loosest.
    pub const DETECTION_ORDER: [App; 5] = [
        App::Django,
        App::Devise,
        App::Laravel,
        App::Ctfd,
        App::FlaskBase,
    ];

    pub fn spec(self) -> &'static AppSpec {
        match self {
            App::FlaskBase => &flask_base::SPEC,
            App::Ctfd => &ctfd::SPEC,
            App::Django => &django::SPEC,
            App::Laravel => &laravel::SPEC,
            App::Devise => &devise::SPEC,
        }
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_name(name: &str) -> Option<App> {
        App::ALL.into_iter().find(|app| app.name() == name)
    }
}

impl fmt::Display for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for App {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

pub struct AppSpec {
    /// As given to `--app` and printed in JSON.
    pub name: &'static str,
    /// The users table.
    pub table: &'static str,
    /// The unique column a user is known by; a duplicate of it is skipped.
    pub identity: Identity,
    /// Columns the app logs users in by and keeps unique in its own code,
    /// with no constraint in the database (CTFd's `users.name`): the run
    /// never writes a value already in the table or the run.
    pub also_unique: &'static [&'static str],
    /// The columns seed writes, in insert order, and what goes in each.
    pub columns: &'static [(&'static str, Fill)],
    /// Columns a table must have to be taken for this app's (detection).
    pub signature: &'static [&'static str],
    pub roles: Roles,
    pub password: PasswordFormat,
    /// The password's work factor for seeded users and for `seed admin`.
    pub work: Work,
    pub tables: Tables,
    /// Whether timestamps keep microseconds (Laravel writes whole seconds).
    pub microseconds: bool,
}

impl AppSpec {
    /// The column the database fills with the row's key.
    pub const ID: &'static str = "id";

    /// Refuses options that do not apply to this app: role weights for an
    /// app without roles, and the work factor of the other password format.
    pub fn check_options(
        &self,
        role_weights: bool,
        hash_iterations: bool,
        bcrypt_cost: bool,
    ) -> Result<(), String> {
        if matches!(self.roles, Roles::None) && role_weights {
            return Err(format!(
                "{} has no roles, so --role-weights does not apply",
                self.name
            ));
        }
        let bcrypt = self.password.is_bcrypt();
        if bcrypt && hash_iterations {
            return Err(format!(
                "--hash-iterations is for PBKDF2 hashes (flask-base, django); {} uses bcrypt: use --bcrypt-cost",
                self.name
            ));
        }
        if !bcrypt && bcrypt_cost {
            return Err(format!(
                "--bcrypt-cost is for bcrypt hashes (ctfd, laravel, devise); {} uses PBKDF2: use --hash-iterations",
                self.name
            ));
        }
        Ok(())
    }

    pub fn column_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().map(|(name, _)| *name)
    }

    pub fn identity_column(&self) -> &'static str {
        self.identity.column()
    }

    /// The column of the name a user logs in by besides the email
    /// (Django's `username`, CTFd's `name`), if the app has one.
    pub fn login_column(&self) -> Option<&'static str> {
        self.columns
            .iter()
            .find(|(_, how)| *how == Fill::Username)
            .map(|(name, _)| *name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identity {
    Email,
    Username,
}

impl Identity {
    pub fn column(self) -> &'static str {
        match self {
            Identity::Email => "email",
            Identity::Username => "username",
        }
    }
}

/// What seed writes into a column, per row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    FirstName,
    LastName,
    /// First and last name, as one column.
    FullName,
    Email,
    Username,
    PasswordHash,
    /// When the user joined: a seeded instant in the year before `--now`.
    Joined,
    /// The role: its id in a roles table, or the role's value for this column.
    Role,
    Bool(bool),
}

/// How the app tells users' roles apart.
pub enum Roles {
    None,
    /// Rows of a roles table, referenced by id (flask-base's `role_id`).
    Table(&'static RoleTable),
    /// Fixed roles, each a set of column values (CTFd's `type`, Django's
    /// `is_staff`/`is_superuser`).
    Fixed(&'static [FixedRole]),
}

pub struct RoleTable {
    pub table: &'static TableDef,
    /// The rows `seed roles` upserts, keyed by `name`.
    pub rows: &'static [RoleRow],
    /// The role `seed admin` gives. Without `--role-weights` users get any
    /// role found in the table, with equal chances.
    pub admin: &'static str,
}

pub struct RoleRow {
    pub name: &'static str,
    /// (column, value) pairs besides `name`.
    pub values: &'static [(&'static str, Literal)],
}

pub struct FixedRole {
    pub name: &'static str,
    /// The weight a role gets without `--role-weights`.
    pub weight: u32,
    pub admin: bool,
    /// The value of each column filled with [`Fill::Role`].
    pub values: &'static [(&'static str, Literal)],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Text(&'static str),
}

/// Password work factors (PBKDF2 iterations or bcrypt cost).
#[derive(Clone, Copy, Debug)]
pub struct Work {
    /// For seeded users, whose password is public.
    pub users: u32,
    /// For `seed admin`: the app's own default, the password being a secret.
    pub admin: u32,
}

/// Which tables seed may create when they are missing.
pub enum Tables {
    /// Created on every backend (flask-base's models have no migrations).
    Create(&'static [&'static TableDef]),
    /// Created on SQLite only; on servers the app's migrations make them.
    CreateOnSqlite(&'static [&'static TableDef], &'static str),
    /// Never created: the app's migrations make them (the command to run).
    Migrations(&'static str),
}

/// A table as the app's models declare it, for `CREATE TABLE`.
pub struct TableDef {
    pub name: &'static str,
    pub columns: &'static [ColumnDef],
    /// UNIQUE constraints over several columns.
    pub unique: &'static [&'static [&'static str]],
    pub indexes: &'static [IndexDef],
}

pub struct ColumnDef {
    pub name: &'static str,
    pub kind: Kind,
    /// An auto-filled integer primary key.
    pub primary_key: bool,
    pub not_null: bool,
    pub unique: bool,
    /// (table, column) this column references.
    pub references: Option<(&'static str, &'static str)>,
    /// The reference is `ON DELETE SET NULL`.
    pub set_null_on_delete: bool,
}

impl ColumnDef {
    pub const fn new(name: &'static str, kind: Kind) -> ColumnDef {
        ColumnDef {
            name,
            kind,
            primary_key: false,
            not_null: false,
            unique: false,
            references: None,
            set_null_on_delete: false,
        }
    }

    pub const fn id() -> ColumnDef {
        ColumnDef {
            primary_key: true,
            not_null: true,
            ..ColumnDef::new("id", Kind::Integer)
        }
    }

    pub const fn unique(self) -> ColumnDef {
        ColumnDef {
            unique: true,
            ..self
        }
    }

    pub const fn references(self, table: &'static str, column: &'static str) -> ColumnDef {
        ColumnDef {
            references: Some((table, column)),
            ..self
        }
    }

    pub const fn set_null_on_delete(self) -> ColumnDef {
        ColumnDef {
            set_null_on_delete: true,
            ..self
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Integer,
    String(u32),
    Text,
    Boolean,
    DateTime,
}

pub struct IndexDef {
    pub name: &'static str,
    pub column: &'static str,
    pub unique: bool,
}
