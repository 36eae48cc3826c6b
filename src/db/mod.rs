//! Database backends. Each one is a [`Sink`]: it checks and creates the
//! schema, upserts the roles, and inserts users one at a time, telling a
//! duplicate email from other constraint failures.

mod columns;
#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod server;
mod sqlite;
mod target;

pub use target::{SqliteMode, Target};

use std::time::Duration;

use anyhow::Result;
use serde::Serialize;

use crate::generate::User;

/// flask-base's `Role.insert_roles()`: name, permissions, index, default.
pub const ROLES: &[RoleSpec] = &[
    RoleSpec {
        name: "User",
        permissions: 0x01,
        index: "main",
        default: true,
    },
    RoleSpec {
        name: "Administrator",
        permissions: 0xff,
        index: "admin",
        default: false,
    },
];

pub const ADMINISTRATOR: &str = "Administrator";

pub struct RoleSpec {
    pub name: &'static str,
    pub permissions: i64,
    pub index: &'static str,
    pub default: bool,
}

/// What `seed roles` did to one role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleChange {
    Created,
    Updated,
    Unchanged,
}

/// Why a row was rolled back and skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The email is already in `users` (SQLite 2067, SQLSTATE 23505, MySQL 1062).
    DuplicateEmail,
    /// Another UNIQUE or PRIMARY KEY constraint.
    UniqueViolation,
    NotNull,
    Check,
    ForeignKey,
    /// A constraint of a kind not listed above (e.g. raised by a trigger).
    OtherConstraint,
}

impl SkipReason {
    pub const ALL: [SkipReason; 6] = [
        SkipReason::DuplicateEmail,
        SkipReason::UniqueViolation,
        SkipReason::NotNull,
        SkipReason::Check,
        SkipReason::ForeignKey,
        SkipReason::OtherConstraint,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::DuplicateEmail => "duplicate email",
            SkipReason::UniqueViolation => "other unique constraint",
            SkipReason::NotNull => "NOT NULL constraint",
            SkipReason::Check => "CHECK constraint",
            SkipReason::ForeignKey => "foreign key constraint",
            SkipReason::OtherConstraint => "other constraint",
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Insert {
    Inserted,
    /// Rolled back; `detail` is the database's message, naming the constraint.
    Skipped {
        reason: SkipReason,
        detail: String,
    },
}

/// The server rolled a transaction back to break a deadlock between
/// connections (`--jobs`): its rows may go in if tried again.
#[derive(Debug)]
pub struct Deadlock {
    pub server: String,
}

impl std::fmt::Display for Deadlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: a deadlock between connections rolled the transaction back",
            self.server
        )
    }
}

impl std::error::Error for Deadlock {}

/// Connection settings shared by every backend.
#[derive(Clone, Debug)]
pub struct Options {
    /// How long to wait for a lock held by another connection.
    pub busy_timeout: Duration,
    /// Whether a commit survives a power cut, not only a process crash.
    pub durable: bool,
}

pub trait Sink {
    /// Checks an existing schema (refusing, before any write, one that lacks
    /// a needed column or a unique email), creates what is missing and
    /// upserts the roles. Returns what happened to each role.
    fn prepare(&mut self) -> Result<Vec<(&'static str, RoleChange)>>;

    /// The roles as (id, name), in id order.
    fn roles(&mut self) -> Result<Vec<(i64, String)>>;

    /// Opens a transaction: inserts until [`Sink::commit`] are savepoints in
    /// it. Without one, each insert commits on its own.
    fn begin(&mut self) -> Result<()>;

    /// Inserts one user, committing it unless a transaction is open. A
    /// constraint failure rolls the row back and is returned as `Skipped`;
    /// anything else is an error (and rolls back an open transaction).
    fn insert(&mut self, user: &User) -> Result<Insert>;

    fn commit(&mut self) -> Result<()>;

    /// Leaves the database as a user expects to find it (for SQLite: one
    /// self-contained file in its original journal mode).
    fn finish(&mut self) -> Result<()>;
}

pub fn open(target: &Target, options: &Options) -> Result<Box<dyn Sink>> {
    match target {
        Target::Sqlite { path, mode } => {
            Ok(Box::new(sqlite::SqliteSink::open(path, *mode, options)?))
        }
        #[cfg(feature = "postgres")]
        Target::Postgres { url } => Ok(Box::new(postgres::PostgresSink::open(url, options)?)),
        #[cfg(not(feature = "postgres"))]
        Target::Postgres { .. } => anyhow::bail!(
            "PostgreSQL support was not compiled in; rebuild with --features postgres"
        ),
        #[cfg(feature = "mysql")]
        Target::Mysql { url } => Ok(Box::new(mysql::MysqlSink::open(url, options)?)),
        #[cfg(not(feature = "mysql"))]
        Target::Mysql { .. } => anyhow::bail!(
            "MySQL/MariaDB support was not compiled in; rebuild with --features mysql"
        ),
    }
}
