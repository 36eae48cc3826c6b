//! What to do, validated and free of clap types.

use clap_complete::Shell;

use chrono::NaiveDateTime;

use crate::app::{Choice, Chosen};
use crate::db::{Options, Target};
use crate::generate::{Locale, RoleWeights};
use crate::run::Plan;

pub struct Config {
    pub command: Command,
}

pub enum Command {
    Users(UsersConfig),
    Roles(RolesConfig),
    Admin(AdminConfig),
    Plan(PlanConfig),
    /// `seed describe`: a table's catalog entry, for inference and reports.
    Describe(DbConfig, String),
    Completions(Shell),
    /// A command whose page to print, or seed's.
    Man(Option<String>),
}

pub struct DbConfig {
    pub target: Target,
    pub options: Options,
}

#[derive(Clone, Copy)]
pub struct Output {
    pub json: bool,
    pub quiet: bool,
}

/// `seed plan`.
pub struct PlanConfig {
    pub choice: Choice,
    pub db: DbConfig,
    pub json: bool,
}

pub struct RolesConfig {
    pub choice: Choice,
    pub db: DbConfig,
    pub output: Output,
}

pub struct UsersConfig {
    /// The plan (`--app`, `--plan`, `./seed.toml`); None: read from the
    /// tables already there.
    pub chosen: Option<Chosen>,
    /// `--table`: the table to infer a plan from.
    pub table: Option<String>,
    pub plan: Plan,
    pub seed: Option<u64>,
    /// Whose names the users get.
    pub locale: Locale,
    pub role_weights: Option<RoleWeights>,
    pub password: String,
    /// PBKDF2 iterations; None: the app's default for seeded users.
    pub hash_iterations: Option<u32>,
    /// bcrypt cost; None: the app's own default.
    pub bcrypt_cost: Option<u32>,
    /// Timestamps fall in the year before this instant.
    pub now: NaiveDateTime,
    /// Connections inserting at once (server backends only).
    pub jobs: usize,
    /// `--expect-digest`: a finished run with other rows fails.
    pub expect_digest: Option<String>,
    /// Generate and count without the database.
    pub dry_run: bool,
    pub db: DbConfig,
    pub output: Output,
}

pub struct AdminConfig {
    /// None: read from the tables.
    pub chosen: Option<Chosen>,
    /// `--table`: the table to infer a plan from.
    pub table: Option<String>,
    pub email: String,
    /// Django's login; None: the email's local part.
    pub username: Option<String>,
    pub password: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub db: DbConfig,
    pub output: Output,
}
