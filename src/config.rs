//! What to do, validated and free of clap types.

use clap_complete::Shell;

use crate::db::{Options, Target};
use crate::generate::RoleWeights;
use crate::seed::Plan;

pub struct Config {
    pub command: Command,
}

pub enum Command {
    Users(UsersConfig),
    Roles(DbConfig, Output),
    Admin(AdminConfig),
    Completions(Shell),
    Man,
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

pub struct UsersConfig {
    pub plan: Plan,
    pub seed: Option<u64>,
    pub role_weights: Option<RoleWeights>,
    pub password: String,
    pub hash_iterations: u32,
    /// Connections inserting at once (server backends only).
    pub jobs: usize,
    pub db: DbConfig,
    pub output: Output,
}

pub struct AdminConfig {
    pub email: String,
    pub password: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub db: DbConfig,
    pub output: Output,
}
