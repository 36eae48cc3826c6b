//! The command line. clap stays in this file: it is turned into a plain
//! [`Config`] before any work starts.

use std::io::Write;
use std::time::Duration;

use clap::{Args, CommandFactory, Parser, Subcommand};
use clap_complete::Shell;

use crate::config::{AdminConfig, Command, Config, DbConfig, Output, UsersConfig};
use crate::db::{Options, Target};
use crate::exit_code::UsageError;
use crate::generate::RoleWeights;
use crate::seed::Plan;

#[derive(Debug, Parser)]
#[command(
    name = "seed",
    version,
    about = "Fill SQL databases with realistic, reproducible fake users",
    long_about = "Fill SQL databases with realistic, reproducible fake users.\n\n\
        Creates flask-base compatible `roles` and `users` tables when missing, then inserts \
        users one commit per row, rolling back and counting each duplicate email instead of failing. \
        The same --seed gives the same rows.",
    after_help = "Examples:\n  seed users --count 100\n  seed users --count 1000 --seed 42 --db sqlite:fixtures.db\n  seed users --json | jq .inserted",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Debug, Subcommand)]
enum Commands {
    /// Insert fake users with random roles, one commit per row
    Users(UsersArgs),
    /// Create or update the User and Administrator roles (idempotent)
    Roles {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Create one confirmed Administrator, unless the email exists
    Admin(AdminArgs),
    /// Print a shell completion script
    Completions {
        /// The shell to complete for
        shell: Shell,
    },
    /// Print the man page (roff)
    Man,
}

#[derive(Debug, Args)]
struct UsersArgs {
    /// Rows to attempt (with --exact: rows to insert)
    #[arg(
        short = 'n',
        long,
        value_name = "N",
        default_value_t = 100,
        allow_negative_numbers = true
    )]
    count: u64,

    /// Seed for the generator: the same seed gives the same rows [default: random, and reported]
    #[arg(short, long, value_name = "S", allow_negative_numbers = true)]
    seed: Option<u64>,

    /// Role mix, e.g. User=9,Administrator=1 [default: uniform over the roles in the database]
    #[arg(long, value_name = "ROLE=W,...")]
    role_weights: Option<RoleWeights>,

    /// Password every seeded user logs in with
    #[arg(
        long,
        value_name = "P",
        default_value = "password",
        hide_default_value = false
    )]
    password: String,

    /// Insert exactly N rows, retrying duplicates (up to max(10×N, N+10000) attempts)
    #[arg(long)]
    exact: bool,

    /// Rows per transaction, each row in its own savepoint; 1 commits every row on its own
    #[arg(long, value_name = "K", default_value_t = 1, allow_negative_numbers = true, value_parser = clap::value_parser!(u64).range(1..))]
    batch_size: u64,

    /// PBKDF2 iterations of the password hash (the seeded password is public; raise for realism)
    #[arg(long, value_name = "N", default_value_t = 10_000, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..))]
    hash_iterations: u32,

    /// Connections inserting at once (PostgreSQL, MySQL); the same --seed gives the same users, with other ids
    #[arg(short, long, value_name = "N", default_value_t = 1, allow_negative_numbers = true, value_parser = clap::value_parser!(u64).range(1..=64))]
    jobs: u64,

    #[command(flatten)]
    db: DbArgs,

    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct AdminArgs {
    /// The administrator's email (also the login)
    #[arg(long, value_name = "E")]
    email: String,

    /// The password [default: a random one, printed once]
    #[arg(long, value_name = "P")]
    password: Option<String>,

    #[arg(long, value_name = "F", default_value = "Admin")]
    first_name: String,

    #[arg(long, value_name = "L", default_value = "Account")]
    last_name: String,

    #[command(flatten)]
    db: DbArgs,

    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct DbArgs {
    /// Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…
    #[arg(
        short,
        long,
        value_name = "PATH|URL",
        env = "DATABASE_URL",
        hide_env_values = true,
        default_value = "seed.db"
    )]
    db: String,

    /// Seconds to wait for a lock held by another connection before failing
    #[arg(long, value_name = "SECONDS", default_value = "5", allow_negative_numbers = true, value_parser = parse_seconds)]
    busy_timeout: Duration,

    /// Commit with a full sync, so rows survive a power cut (not only a crash); slower
    #[arg(long)]
    durable: bool,
}

#[derive(Debug, Args)]
struct OutputArgs {
    /// Print the result as one JSON object on stdout
    #[arg(long)]
    json: bool,

    /// No progress bar and no summary on stderr (errors are still printed)
    #[arg(short, long)]
    quiet: bool,
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .ok_or_else(|| format!("expected a number of seconds, 0 or more, found '{text}'"))
}

impl DbArgs {
    fn into_config(self) -> Result<DbConfig, UsageError> {
        Ok(DbConfig {
            target: Target::parse(&self.db)?,
            options: Options {
                busy_timeout: self.busy_timeout,
                durable: self.durable,
            },
        })
    }
}

impl From<OutputArgs> for Output {
    fn from(args: OutputArgs) -> Output {
        Output {
            json: args.json,
            quiet: args.quiet,
        }
    }
}

impl Cli {
    pub fn into_config(self) -> Result<Config, UsageError> {
        let command = match self.command {
            Commands::Users(args) => {
                let db = args.db.into_config()?;
                if args.jobs > 1 && matches!(db.target, Target::Sqlite { .. }) {
                    return Err(UsageError(
                        "--jobs is for server databases (PostgreSQL, MySQL); SQLite has one writer at a time, so use --jobs 1"
                            .into(),
                    ));
                }
                Command::Users(UsersConfig {
                    plan: Plan {
                        count: args.count,
                        exact: args.exact,
                        batch_size: args.batch_size,
                    },
                    seed: args.seed,
                    role_weights: args.role_weights,
                    password: args.password,
                    hash_iterations: args.hash_iterations,
                    jobs: usize::try_from(args.jobs).unwrap_or(1),
                    db,
                    output: args.output.into(),
                })
            }
            Commands::Roles { db, output } => Command::Roles(db.into_config()?, output.into()),
            Commands::Admin(args) => {
                for (flag, value) in [
                    ("--email", &args.email),
                    ("--first-name", &args.first_name),
                    ("--last-name", &args.last_name),
                ] {
                    if value.trim().is_empty() || value.chars().count() > 64 {
                        return Err(UsageError(format!(
                            "{flag} must be 1 to 64 characters (the column is VARCHAR(64))"
                        )));
                    }
                }
                if !args.email.contains('@') {
                    return Err(UsageError(format!(
                        "--email '{}' is not an email address",
                        args.email
                    )));
                }
                Command::Admin(AdminConfig {
                    email: args.email,
                    password: args.password,
                    first_name: args.first_name,
                    last_name: args.last_name,
                    db: args.db.into_config()?,
                    output: args.output.into(),
                })
            }
            Commands::Completions { shell } => Command::Completions(shell),
            Commands::Man => Command::Man,
        };
        Ok(Config { command })
    }
}

pub fn write_completions(shell: Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut Cli::command(), "seed", out);
}

pub fn write_man(out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn jobs_are_for_servers_only() {
        let parse = |db: &str, jobs: &str| {
            Cli::try_parse_from(["seed", "users", "--db", db, "--jobs", jobs])
                .map_err(|err| err.to_string())
                .and_then(|cli| cli.into_config().map(drop).map_err(|err| err.0))
        };
        assert!(parse("seed.db", "1").is_ok());
        assert!(parse("seed.db", "2").is_err_and(|err| err.contains("SQLite has one writer")));
        assert!(parse("postgres://h/db", "64").is_ok());
        assert!(parse("mysql://h/db", "65").is_err());
        assert!(parse("mysql://h/db", "0").is_err());
    }

    #[test]
    fn seconds_parse() {
        assert_eq!(parse_seconds("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("soon").is_err());
    }
}
