//! The command line. clap stays in this file: it is turned into a plain
//! [`Config`] before any work starts.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use clap_complete::Shell;

use chrono::NaiveDateTime;

use crate::app::{Choice, Chosen};
use crate::config::{
    AdminConfig, Command, Config, DbConfig, Output, PlanConfig, RolesConfig, UsersConfig,
};
use crate::db::{Options, Target};
use crate::exit_code::UsageError;
use crate::generate::{Locale, RoleWeights, digest, reference_now};
use crate::report;
use crate::run::Plan;

#[derive(Debug, Parser)]
#[command(
    name = "seed",
    version,
    disable_help_subcommand = true,
    about = "Fill SQL databases with realistic, reproducible fake users",
    long_about = "Fill SQL databases with realistic, reproducible fake users.\n\n\
        Fills the users table of flask-base, CTFd, Django, Laravel or Devise (read from the \
        tables already there, or named with --app), or any other users table by a plan \
        inferred from its columns (seed plan prints it, to keep as seed.toml and edit), one \
        commit per row, rolling back and counting each duplicate instead of failing. Every \
        seeded user logs in to the app with the seeded password. The same --seed gives the \
        same rows.",
    after_help = "Examples:\n  seed users --count 100\n  seed users --count 1000 --seed 42 --db sqlite:fixtures.db\n  seed users --json | jq .inserted",
    after_long_help = "Examples:\n  seed users --count 100\n  seed users --count 1000 --seed 42 --db sqlite:fixtures.db\n  seed users --json | jq .inserted\n\n\
        Environment:\n  DATABASE_URL   the database when --db is not given (empty: seed.db)\n  \
        SEED_PASSWORD  the seeded or admin password when no --password or --password-file is given\n  \
        NO_COLOR       a progress bar without colour\n\n\
        Exit status:\n  0    done (seed admin finding the account there is done too)\n  \
        1    a runtime or database error; rows committed before it stay and are reported\n  \
        2    a usage error (a bad option or value)\n  \
        130  interrupted by Ctrl-C (SIGINT), after the summary\n  \
        143  stopped by SIGTERM, after the summary\n\n\
        Each command has its own page: seed man users, seed man roles, seed man admin."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Debug, Subcommand)]
enum Commands {
    /// Insert fake users with random roles, one commit per row, into an app's users table or the one a plan names
    Users(UsersArgs),
    /// Create or update the app's roles (flask-base: User and Administrator; a plan's roles table: its [roles.NAME] rows; idempotent)
    Roles {
        #[command(flatten)]
        app: AppArg,
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Create one administrator who can log in, unless the email (or username) exists
    Admin(AdminArgs),
    /// Print the plan seed would use (the table, and what fills each column) as TOML, to keep as seed.toml and edit
    Plan {
        #[command(flatten)]
        app: AppArg,
        #[command(flatten)]
        db: DbArgs,
        /// Print the plan as one JSON object instead
        #[arg(long)]
        json: bool,
    },
    /// Print a table as the database's catalog describes it, as JSON (what a plan is inferred from)
    #[command(hide = true)]
    Describe {
        #[command(flatten)]
        db: DbArgs,
        /// The table
        #[arg(long, value_name = "NAME")]
        table: String,
    },
    /// Print a shell completion script
    Completions {
        /// The shell to complete for
        shell: Shell,
    },
    /// Print a man page (roff): seed's, or one command's
    Man {
        /// The command whose page to print (users, roles, admin, plan, completions, man)
        #[arg(value_name = "COMMAND", value_parser = ["users", "roles", "admin", "plan", "completions", "man"])]
        command: Option<String>,
    },
}

#[derive(Debug, Args)]
struct AppArg {
    /// The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]
    #[arg(long, value_name = "APP", value_parser = crate::app::preset_names())]
    app: Option<String>,

    /// The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]
    #[arg(long, value_name = "FILE", conflicts_with = "app", value_hint = clap::ValueHint::FilePath)]
    plan: Option<PathBuf>,

    /// The users table, when no plan names it: its plan is inferred from its columns [default: an app's table, else the one table named like a users table]
    #[arg(long, value_name = "NAME", conflicts_with_all = ["app", "plan"])]
    table: Option<String>,
}

/// The file a plan is read from when none is named.
pub const PLAN_FILE: &str = "seed.toml";

impl AppArg {
    /// The plan named (`--app`, `--plan`) or found (`./seed.toml`), read
    /// and checked before anything is opened; None: read from the tables.
    fn resolve(self) -> Result<Choice, UsageError> {
        if let Some(table) = self.table {
            return Ok(Choice {
                chosen: None,
                table: Some(table),
            });
        }
        self.resolve_plan().map(|chosen| Choice {
            chosen,
            table: None,
        })
    }

    fn resolve_plan(self) -> Result<Option<Chosen>, UsageError> {
        if let Some(name) = &self.app {
            return Ok(crate::app::preset(name).map(Chosen::preset));
        }
        let (path, named) = match self.plan {
            Some(path) => (path, true),
            None => (PathBuf::from(PLAN_FILE), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if !named && err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => {
                let what = match err.kind() {
                    std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
                    _ => err.to_string(),
                };
                return Err(UsageError(format!(
                    "cannot read the plan {}: {what}",
                    path.display()
                )));
            }
        };
        // `seed plan > seed.toml` makes the file, empty, before seed reads it.
        if !named && text.trim().is_empty() {
            return Ok(None);
        }
        let spec = crate::plan::file::parse(&text)
            .map_err(|err| UsageError(format!("{}: {err}", path.display())))?;
        Ok(Some(Chosen {
            spec,
            preset: None,
            source: path.display().to_string(),
            reasons: Vec::new(),
            notes: Vec::new(),
        }))
    }
}

/// The locales by their codes, in any case (`ja_jp` is `ja_JP`).
fn locale_parser() -> impl clap::builder::TypedValueParser<Value = Locale> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Locale::ALL.map(Locale::code))
        .map(|code| Locale::from_code(&code).unwrap_or_default())
}

#[derive(Debug, Args)]
struct UsersArgs {
    #[command(flatten)]
    app: AppArg,

    /// Rows to attempt (with --exact: rows to insert)
    #[arg(short = 'n', long, value_name = "N", default_value_t = 100, allow_negative_numbers = true, value_parser = whole(0, u64::MAX))]
    count: u64,

    /// Seed for the generator: the same seed gives the same rows [default: random, and reported]
    #[arg(short, long, value_name = "S", allow_negative_numbers = true, value_parser = whole(0, u64::MAX))]
    seed: Option<u64>,

    /// Whose names the users get, in the locale's own script (stored as UTF-8); emails and logins are the names written in lowercase ASCII
    #[arg(long, value_name = "LOCALE", default_value = "en", ignore_case = true, value_parser = locale_parser())]
    locale: Locale,

    /// Role mix by role name, e.g. User=9,Administrator=1 (flask-base), user=9,admin=1 (ctfd), user=8,staff=1,superuser=1 (django); roles not named get 0 [default: flask-base: uniform over the roles in the table; ctfd: user=9,admin=1; django: user=8,staff=1,superuser=1]
    #[arg(long, value_name = "ROLE=W,...")]
    role_weights: Option<RoleWeights>,

    /// Password every seeded user logs in with (other users of the machine see it in `ps`; --password-file and SEED_PASSWORD they do not)
    #[arg(
        long,
        value_name = "P",
        env = PASSWORD_ENV,
        hide_env_values = true,
        default_value = DEFAULT_PASSWORD
    )]
    password: String,

    #[command(flatten)]
    password_file: PasswordFileArg,

    /// Insert exactly N rows, retrying duplicates (up to max(10×N, N+10000) attempts)
    #[arg(long)]
    exact: bool,

    /// Rows per transaction (SQLite: each row in its own savepoint; servers: multi-row statements, and 10000 or more a bulk load); 1 commits every row on its own
    #[arg(long, value_name = "K", default_value_t = 1, allow_negative_numbers = true, value_parser = whole(1, u64::MAX))]
    batch_size: u64,

    /// Work of the password hash for the formats that are not bcrypt: PBKDF2 iterations (flask-base, django, aspnet-identity-v3), Argon2's time cost, scrypt's log2 N (the seeded password is public, so the cost buys nothing) [default: 10000 for PBKDF2, 2 for Argon2, 15 for scrypt]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole(1, u32::MAX))]
    hash_iterations: Option<u32>,

    /// bcrypt cost of the password hash, for ctfd, laravel and devise, 4 to 31 (the seeded password is public, so the cost buys nothing; each step halves or doubles the one hash per run) [default: 12, the apps' own]
    #[arg(long, value_name = "COST", allow_negative_numbers = true, value_parser = whole(4_u32, 31))]
    bcrypt_cost: Option<u32>,

    /// Timestamps (joined, created, verified) fall in the year before this UTC instant: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS [default: 2026-01-01T00:00:00]
    #[arg(long, value_name = "TIME", value_parser = parse_now)]
    now: Option<NaiveDateTime>,

    /// Connections inserting at once (PostgreSQL, MySQL); the same --seed gives the same users, with other ids
    #[arg(short, long, value_name = "N", default_value_t = 1, allow_negative_numbers = true, value_parser = whole(1_u64, 64))]
    jobs: u64,

    /// Generate the rows and count the duplicates among them, writing nothing: no file is created and no server is connected to, except to read which plan the database needs when no --app or --plan names it. Keeps about 16 bytes a row in memory (160 MB for 10 million), and is refused before it starts if that is more than the memory available
    #[arg(long)]
    dry_run: bool,

    /// Fail (exit 1, after the run) unless the rows generated have this digest, as --json prints it: sha256:<64 hex digits>
    #[arg(long, value_name = "DIGEST", value_parser = digest::parse)]
    expect_digest: Option<String>,

    #[command(flatten)]
    db: DbArgs,

    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct AdminArgs {
    #[command(flatten)]
    app: AppArg,

    /// The administrator's email (the login, but for django)
    #[arg(long, value_name = "E")]
    email: String,

    /// The name the administrator logs in by besides the email: django's username, ctfd's name [default: the email's local part]
    #[arg(long, visible_alias = "name", value_name = "U")]
    username: Option<String>,

    /// The password (other users of the machine see it in `ps`; --password-file and SEED_PASSWORD they do not) [default: a random one, printed on stdout]
    #[arg(long, value_name = "P", env = PASSWORD_ENV, hide_env_values = true)]
    password: Option<String>,

    #[command(flatten)]
    password_file: PasswordFileArg,

    /// The administrator's first name
    #[arg(long, value_name = "F", default_value = "Admin")]
    first_name: String,

    /// The administrator's last name
    #[arg(long, value_name = "L", default_value = "Account")]
    last_name: String,

    #[command(flatten)]
    db: DbArgs,

    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct PasswordFileArg {
    /// Read the password from FILE, or from stdin with -; one trailing newline is dropped
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    password_file: Option<PathBuf>,

    /// Where a password came from besides the file: "--password", "SEED_PASSWORD"
    #[arg(skip)]
    given: Vec<&'static str>,
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
        default_value = DEFAULT_DB
    )]
    db: String,

    /// Seconds to wait for a lock held by another connection before failing
    #[arg(long, value_name = "SECONDS", default_value = "5", allow_negative_numbers = true, value_parser = parse_seconds)]
    busy_timeout: Duration,

    /// Commit with a full sync, so rows survive a power cut (not only a crash); slower
    #[arg(long)]
    durable: bool,

    /// Seconds connecting to a server may take, TLS and login included, before failing [default: the URL's connect_timeout, else 10]
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true, value_parser = parse_connect_timeout)]
    connect_timeout: Option<Duration>,
}

/// A connect timeout: more than 0 seconds (0 would wait for ever), at most
/// an hour.
fn parse_connect_timeout(text: &str) -> Result<Duration, String> {
    let wait = parse_seconds(text)?;
    if wait.is_zero() || wait > Duration::from_secs(3600) {
        return Err("must be more than 0 and at most 3600 seconds".into());
    }
    Ok(wait)
}

#[derive(Debug, Args)]
struct OutputArgs {
    /// Print the result as one JSON object on stdout
    #[arg(long)]
    json: bool,

    /// Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done
    #[arg(short, long)]
    quiet: bool,
}

/// What every seeded user logs in with unless told otherwise.
pub const DEFAULT_PASSWORD: &str = "password";

/// `YYYY-MM-DD`, or with a time, `T` or space between, and an optional `Z`.
fn parse_now(text: &str) -> Result<NaiveDateTime, String> {
    let trimmed = text.strip_suffix('Z').unwrap_or(text);
    NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%d %H:%M:%S"))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
                .map(|date| date.and_time(chrono::NaiveTime::MIN))
        })
        .ok()
        .filter(|time| (1971..=9998).contains(&chrono::Datelike::year(time)))
        .ok_or_else(|| {
            format!("expected a UTC date and time from 1971 to 9998, as 2026-01-01 or 2026-01-01T12:00:00, found '{text}'")
        })
}

/// A whole number from `min` to `max`. The message says what is wrong, as
/// the standard library's "invalid digit found in string" for `-1` does not.
fn whole<T>(min: T, max: T) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy + Send + Sync + 'static,
{
    move |text: &str| {
        text.parse::<T>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| format!("must be a whole number from {min} to {max}"))
    }
}

/// The longest --busy-timeout: SQLite takes it in milliseconds as a C int.
const MAX_BUSY_SECONDS: u32 = i32::MAX as u32 / 1000;

fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|secs| (0.0..=f64::from(MAX_BUSY_SECONDS)).contains(secs))
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .ok_or_else(|| format!("must be a number of seconds from 0 to {MAX_BUSY_SECONDS}"))
}

/// The name of the environment variable that holds a password.
const PASSWORD_ENV: &str = "SEED_PASSWORD";

impl PasswordFileArg {
    /// The password from exactly one place: `--password` or SEED_PASSWORD
    /// (`given`, None when neither was), or the file. Two places are an
    /// error: which one was meant cannot be told.
    fn resolve(&self, given: Option<String>) -> Result<Option<String>, UsageError> {
        let mut from = self.given.clone();
        if self.password_file.is_some() {
            from.push("--password-file");
        }
        if from.len() > 1 {
            return Err(UsageError(format!(
                "the password is given by both {}; give it one way",
                from.join(" and ")
            )));
        }
        let password = match &self.password_file {
            Some(path) => Some(read_password(path)?),
            None => given,
        };
        if password.as_deref() == Some("") {
            let from = from.first().copied().unwrap_or("--password");
            return Err(UsageError(format!(
                "the password from {from} is empty; apps refuse an empty password at login"
            )));
        }
        Ok(password)
    }

    /// Notes where clap took the password from, which the derived struct does
    /// not keep. SEED_PASSWORD counts even when --password hides it.
    fn note_sources(&mut self, matches: &ArgMatches) {
        if matches.value_source("password") == Some(ValueSource::CommandLine) {
            self.given.push("--password");
        }
        if std::env::var_os(PASSWORD_ENV).is_some() {
            self.given.push(PASSWORD_ENV);
        }
    }
}

/// The whole file, or stdin for `-`, less one trailing newline (`\n` or
/// `\r\n`), as `echo pw > file` and most editors leave one.
fn read_password(path: &Path) -> Result<String, UsageError> {
    let mut text = String::new();
    let read = if path == Path::new("-") {
        std::io::stdin().lock().read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|mut file| file.read_to_string(&mut text))
    };
    read.map_err(|err| {
        let what = match err.kind() {
            std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
            _ => err.to_string(),
        };
        UsageError(format!(
            "cannot read --password-file {}: {what}",
            path.display()
        ))
    })?;
    if let Some(line) = text.strip_suffix('\n') {
        let len = line.strip_suffix('\r').unwrap_or(line).len();
        text.truncate(len);
    }
    Ok(text)
}

const DEFAULT_DB: &str = "seed.db";

impl DbArgs {
    fn into_config(self) -> Result<DbConfig, UsageError> {
        // An empty DATABASE_URL (`DATABASE_URL=` in a .env file) is unset,
        // as to the apps; clap passes it on as a value.
        let db = if self.db.is_empty()
            && std::env::var_os("DATABASE_URL").is_some_and(|url| url.is_empty())
        {
            DEFAULT_DB
        } else {
            &self.db
        };
        let target = Target::parse(db)?;
        crate::db::check_url(&target).map_err(UsageError)?;
        Ok(DbConfig {
            target,
            options: Options {
                busy_timeout: self.busy_timeout,
                durable: self.durable,
                connect_timeout: self.connect_timeout,
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

/// The command line; clap's own errors, `--help` and `--version` end the
/// process here.
pub fn parse() -> Cli {
    let matches = Cli::command()
        .try_get_matches()
        .unwrap_or_else(|err| refuse(err));
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| refuse(err));
    if let Some((_, sub)) = matches.subcommand() {
        match &mut cli.command {
            Commands::Users(args) => args.password_file.note_sources(sub),
            Commands::Admin(args) => args.password_file.note_sources(sub),
            _ => {}
        }
    }
    cli
}

/// Ends the process with clap's message (and code). A usage error when
/// `--json` was asked for also prints the JSON object, as every failure does.
fn refuse(err: clap::Error) -> ! {
    let json = std::env::args_os()
        .take_while(|arg| arg != "--")
        .any(|arg| arg == "--json");
    let help = err.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
    if !err.use_stderr() || help {
        // --help, --version, or `seed` alone: clap prints the help.
        err.exit()
    }
    let line = one_line(&err.to_string());
    if json {
        let _ = report::write_error_json(line.strip_prefix("error: ").unwrap_or(&line));
    }
    report::eprint_line(&line);
    std::process::exit(err.exit_code())
}

/// clap's message as one line: the error and what it lists (the possible
/// values, a suggestion), without the usage and the pointer to --help.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("Usage:"))
        .filter(|line| !line.is_empty() && !line.starts_with("For more information"))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Cli {
    /// Whether the command prints its result as JSON.
    pub fn json(&self) -> bool {
        match &self.command {
            Commands::Users(args) => args.output.json,
            Commands::Admin(args) => args.output.json,
            Commands::Roles { output, .. } => output.json,
            Commands::Plan { json, .. } => *json,
            Commands::Describe { .. } => true,
            Commands::Completions { .. } | Commands::Man { .. } => false,
        }
    }

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
                let Choice { chosen, table } = args.app.resolve()?;
                // Told now when the plan is known; when it is detected,
                // after the database says which it is.
                if let Some(chosen) = &chosen {
                    crate::plan::check_options(
                        &chosen.spec,
                        &chosen.source,
                        args.role_weights.is_some(),
                        args.hash_iterations,
                        args.bcrypt_cost,
                    )
                    .map_err(UsageError)?;
                }
                Command::Users(UsersConfig {
                    chosen,
                    table,
                    plan: Plan {
                        count: args.count,
                        exact: args.exact,
                        batch_size: args.batch_size,
                    },
                    seed: args.seed,
                    locale: args.locale,
                    role_weights: args.role_weights,
                    password: args
                        .password_file
                        .resolve(Some(args.password))?
                        .unwrap_or_default(),
                    hash_iterations: args.hash_iterations,
                    bcrypt_cost: args.bcrypt_cost,
                    now: args.now.unwrap_or_else(reference_now),
                    jobs: usize::try_from(args.jobs).unwrap_or(1),
                    expect_digest: args.expect_digest,
                    dry_run: args.dry_run,
                    db,
                    output: args.output.into(),
                })
            }
            Commands::Plan { app, db, json } => Command::Plan(PlanConfig {
                choice: app.resolve()?,
                db: db.into_config()?,
                json,
            }),
            Commands::Roles { app, db, output } => Command::Roles(RolesConfig {
                choice: app.resolve()?,
                db: db.into_config()?,
                output: output.into(),
            }),
            Commands::Admin(args) => {
                let username = args.username.clone().unwrap_or_default();
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
                // One @ between a local part and a domain, nothing that
                // the apps' login forms would strip or refuse.
                let parts = args.email.split_once('@');
                let well_formed = parts.is_some_and(|(local, domain)| {
                    !local.is_empty() && !domain.is_empty() && !domain.contains('@')
                });
                if !well_formed
                    || args
                        .email
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control())
                {
                    return Err(UsageError(format!(
                        "--email '{}' is not an email address{}",
                        args.email,
                        if args.email.chars().any(char::is_whitespace) {
                            " (it has a space)"
                        } else {
                            ""
                        }
                    )));
                }
                if args.username.is_some()
                    && (username.trim().is_empty() || username.chars().count() > 150)
                {
                    return Err(UsageError(
                        "--username/--name must be 1 to 150 characters (django's auth_user.username; the table's column may be shorter)"
                            .into(),
                    ));
                }
                // The apps strip what a user types at the login form.
                if args.username.is_some() && username.trim() != username {
                    return Err(UsageError(format!(
                        "--username/--name '{username}' begins or ends with a space, which the app's login form would strip"
                    )));
                }
                let Choice { chosen, table } = args.app.resolve()?;
                if let Some(chosen) = &chosen
                    && args.username.is_some()
                    && chosen.spec.login_column().is_none()
                {
                    return Err(UsageError(format!(
                        "{} has no login name besides the email, so --username/--name does not apply",
                        chosen.source
                    )));
                }
                Command::Admin(AdminConfig {
                    chosen,
                    table,
                    email: args.email,
                    username: args.username,
                    password: args.password_file.resolve(args.password)?,
                    first_name: args.first_name,
                    last_name: args.last_name,
                    db: args.db.into_config()?,
                    output: args.output.into(),
                })
            }
            Commands::Describe { db, table } => Command::Describe(db.into_config()?, table),
            Commands::Completions { shell } => Command::Completions(shell),
            Commands::Man { command } => Command::Man(command),
        };
        Ok(Config { command })
    }
}

pub fn write_completions(shell: Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut Cli::command(), "seed", out);
}

/// seed's man page, or `command`'s (`seed-users(1)`), as its synopsis names it.
pub fn write_man(command: Option<&str>, out: &mut dyn Write) -> std::io::Result<()> {
    let mut cli = Cli::command();
    cli.build();
    let page = match command.and_then(|name| cli.find_subcommand(name)) {
        Some(sub) => clap_mangen::Man::new(sub.clone())
            .title(format!("seed-{}", sub.get_name()))
            .source(format!("seed {}", env!("CARGO_PKG_VERSION"))),
        None => clap_mangen::Man::new(cli),
    };
    page.render(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_are_one_line_with_what_clap_lists() {
        let text = "error: invalid value 'x' for '--app <APP>'\n  [possible values: flask-base, ctfd]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(text),
            "error: invalid value 'x' for '--app <APP>' [possible values: flask-base, ctfd]"
        );
        let text = "error: unexpected argument '--bogus' found\n\n  tip: to pass '--bogus' as a value, use '-- --bogus'\n\nUsage: seed users --db <PATH|URL>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(text),
            "error: unexpected argument '--bogus' found tip: to pass '--bogus' as a value, use '-- --bogus'"
        );
    }

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
        assert_eq!(parse_seconds("2147483"), Ok(Duration::from_secs(2_147_483)));
        for bad in ["-1", "soon", "2147484", "1e9", "inf", "NaN"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn whole_numbers_name_their_range() {
        let jobs = whole(1_u64, 64);
        assert_eq!(jobs("64"), Ok(64));
        for bad in ["0", "65", "-1", "1.5", "", "x"] {
            assert_eq!(
                jobs(bad),
                Err("must be a whole number from 1 to 64".into()),
                "{bad}"
            );
        }
    }

    #[test]
    fn every_argument_has_help() {
        let cli = Cli::command();
        for command in std::iter::once(&cli).chain(cli.get_subcommands()) {
            for arg in command.get_arguments() {
                assert!(
                    arg.get_help().is_some(),
                    "seed {} {} has no help text",
                    command.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}
