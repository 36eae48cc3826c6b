//! Runs one command from a validated [`Config`].

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use rand::TryRng;
use rand::rngs::SysRng;
use serde::Serialize;

use crate::config::{AdminConfig, Command, Config, DbConfig, Output, UsersConfig};
use crate::db::{self, ADMINISTRATOR, Insert, RoleChange, SkipReason};
use crate::exit_code::ExitStatus;
use crate::generate::{self, RolePicker, User, UserGenerator, stream, werkzeug_pbkdf2};
use crate::report::{self, Progress};
use crate::signal::StopSignal;
use crate::stats::{Counts, Stats};
use crate::{cli, parallel, seed};

pub fn run(config: Config) -> Result<ExitStatus> {
    match config.command {
        Command::Users(users_config) => users(users_config),
        Command::Roles(db, output) => roles(&db, output),
        Command::Admin(admin_config) => admin(admin_config),
        Command::Completions(shell) => {
            let mut out = Vec::new();
            cli::write_completions(shell, &mut out);
            print(&out)
        }
        Command::Man => {
            let mut out = Vec::new();
            cli::write_man(&mut out).context("cannot render the man page")?;
            print(&out)
        }
    }
}

/// Writes to stdout; a reader that went away is not an error.
fn print(bytes: &[u8]) -> Result<ExitStatus> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(err).context("cannot write to stdout"))
        }
        _ => Ok(ExitStatus::Success),
    }
}

fn random_u64() -> Result<u64> {
    SysRng
        .try_next_u64()
        .map_err(|err| anyhow!("cannot get random bytes from the system: {err}"))
}

fn users(config: UsersConfig) -> Result<ExitStatus> {
    let stop = StopSignal::install()?;
    let seed = match config.seed {
        Some(seed) => seed,
        None => random_u64()?,
    };
    let plan = config.plan;
    let (mut sink, mut generator) = match prepare_users(&config, seed) {
        Ok(ready) => ready,
        Err(err) => {
            // With --json, a pipe still gets its one object, naming the error.
            if config.output.json {
                let mut stats =
                    Stats::new(&Counts::default(), plan.count, seed, plan.batch_size, 0.0);
                stats.database = config.db.target.redacted();
                stats.error = Some(format!("{err:#}"));
                report::write_json(&stats).context("cannot write to stdout")?;
            }
            return Err(err);
        }
    };
    let mut progress = Progress::new(plan.count, plan.exact, config.output.quiet);

    let started = Instant::now();
    let stopped = || stop.received().is_some();
    let outcome = if config.jobs > 1 {
        let open = || db::open(&config.db.target, &config.db.options);
        parallel::run(
            &plan,
            config.jobs,
            sink.as_mut(),
            &open,
            &mut generator,
            &stopped,
            &mut progress,
        )
    } else {
        seed::run(
            &plan,
            sink.as_mut(),
            &mut generator,
            &stopped,
            &mut progress,
        )
    };
    let elapsed = started.elapsed().as_secs_f64();
    progress.finish();
    let finished = sink.finish();
    drop(sink);

    let mut stats = Stats::new(&outcome.counts, plan.count, seed, plan.batch_size, elapsed);
    stats.interrupted = stop.received().is_some();
    stats.database = config.db.target.redacted();
    let error = outcome.error.or(finished.err());
    stats.error = error.as_ref().map(|err| format!("{err:#}"));
    if config.output.json {
        report::write_json(&stats).context("cannot write to stdout")?;
    } else if !config.output.quiet {
        report::eprint_line(report::human(&stats));
    }
    match (error, stop.received()) {
        (Some(err), _) => Err(err),
        (None, Some(signal)) => Ok(signal),
        (None, None) => Ok(ExitStatus::Success),
    }
}

/// Opens the database, checks and creates the schema, and readies the
/// generator: everything before the first row.
fn prepare_users(config: &UsersConfig, seed: u64) -> Result<(Box<dyn db::Sink>, UserGenerator)> {
    let mut sink = db::open(&config.db.target, &config.db.options)?;
    sink.prepare()?;
    let roles = sink.roles()?;
    let picker = RolePicker::new(&roles, config.role_weights.as_ref())?;
    let hash = werkzeug_pbkdf2(
        &config.password,
        config.hash_iterations,
        &mut generate::rng(seed, stream::SALT),
    );
    Ok((sink, UserGenerator::new(seed, picker, hash)))
}

#[derive(Serialize)]
struct RolesReport {
    database: String,
    roles: BTreeMap<&'static str, RoleChange>,
}

fn roles(db: &DbConfig, output: Output) -> Result<ExitStatus> {
    let mut sink = db::open(&db.target, &db.options)?;
    let changes = sink.prepare()?;
    sink.finish()?;
    let report = RolesReport {
        database: db.target.redacted(),
        roles: changes.into_iter().collect(),
    };
    if output.json {
        report::write_json(&report).context("cannot write to stdout")?;
    } else if !output.quiet {
        for (name, change) in &report.roles {
            let what = match change {
                RoleChange::Created => "created",
                RoleChange::Updated => "updated",
                RoleChange::Unchanged => "already up to date",
            };
            report::eprint_line(format_args!("Role {name}: {what}"));
        }
    }
    Ok(ExitStatus::Success)
}

#[derive(Serialize)]
struct AdminReport {
    database: String,
    email: String,
    created: bool,
    /// Only when seed chose it (no --password) and the account was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
}

fn admin(config: AdminConfig) -> Result<ExitStatus> {
    let mut sink = db::open(&config.db.target, &config.db.options)?;
    sink.prepare()?;
    let role_id = sink
        .roles()?
        .into_iter()
        .find(|(_, name)| name == ADMINISTRATOR)
        .map(|(id, _)| id)
        .context("the Administrator role is missing")?;
    let mut rng = generate::rng(random_u64()?, stream::SALT);
    let generated = config.password.is_none().then(|| random_password(&mut rng));
    let password = config
        .password
        .as_deref()
        .or(generated.as_deref())
        .unwrap_or_default();
    let user = User {
        first_name: config.first_name,
        last_name: config.last_name,
        email: config.email,
        password_hash: werkzeug_pbkdf2(password, ADMIN_HASH_ITERATIONS, &mut rng),
        confirmed: true,
        role_id,
    };
    let created = match sink.insert(&user)? {
        Insert::Inserted => true,
        Insert::Skipped {
            reason: SkipReason::DuplicateEmail,
            ..
        } => false,
        Insert::Skipped { detail, .. } => {
            bail!("cannot create administrator {}: {detail}", user.email)
        }
    };
    sink.finish()?;
    let report = AdminReport {
        database: config.db.target.redacted(),
        email: user.email,
        created,
        password: generated.filter(|_| created),
    };
    if config.output.json {
        report::write_json(&report).context("cannot write to stdout")?;
    } else if !config.output.quiet {
        match (created, &report.password) {
            (false, _) => report::eprint_line(format_args!(
                "{} already exists; left unchanged",
                report.email
            )),
            (true, Some(password)) => report::eprint_line(format_args!(
                "Created administrator {} with password {password}",
                report.email
            )),
            (true, None) => {
                report::eprint_line(format_args!("Created administrator {}", report.email))
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// werkzeug's own default: the admin's password is a real secret.
const ADMIN_HASH_ITERATIONS: u32 = 1_000_000;

fn random_password(rng: &mut rand::rngs::ChaCha8Rng) -> String {
    use rand::RngExt;
    const CHARS: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..20)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}
