//! Runs one command from a validated [`Config`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, NaiveDateTime};
use rand::rngs::SysRng;
use rand::{SeedableRng, TryRng};
use serde::Serialize;

use crate::app::Chosen;
use crate::config::{AdminConfig, Command, Config, DbConfig, RolesConfig, UsersConfig};
use crate::db::schema::{self, RoleChange};
use crate::db::{self, Conn, IdentityKey, Insert, Row, SqliteMode, Target, Writer};
use crate::exit_code::ExitStatus;
use crate::generate::{
    self, NameOrder, Names, Person, RolePicker, UserGenerator, hash_password, hash_password_unless,
    stream,
};
use crate::plan::{Gen, Roles, Spec};
use crate::report::{self, Progress};
use crate::signal::StopSignal;
use crate::stats::{Counts, Stats};
use crate::{cli, run};

pub fn run(config: Config) -> Result<ExitStatus> {
    match config.command {
        Command::Users(users_config) => users(users_config),
        Command::Roles(roles_config) => roles(&roles_config),
        Command::Admin(admin_config) => admin(admin_config),
        Command::Plan(plan_config) => plan(&plan_config),
        Command::Describe(db, table) => describe(&db, &table),
        Command::Completions(shell) => {
            let mut out = Vec::new();
            cli::write_completions(shell, &mut out);
            print(&out)
        }
        Command::Man(page) => {
            let mut out = Vec::new();
            cli::write_man(page.as_deref(), &mut out).context("cannot render the man page")?;
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

/// A random seed below 2^53: JSON readers that hold numbers as doubles
/// (jq, JavaScript) read it back exactly, so any reported seed repeats the
/// run.
fn random_seed() -> Result<u64> {
    Ok(random_u64()? & ((1 << 53) - 1))
}

fn users(config: UsersConfig) -> Result<ExitStatus> {
    let seed = match config.seed {
        Some(seed) => seed,
        None => random_seed()?,
    };
    let plan = config.plan;
    let mut detected = config.chosen.clone();
    let mut database = config.db.target.redacted();
    let started = Instant::now();
    let ran = match StopSignal::install() {
        Err(err) => Ran::refused(err),
        Ok(stop) if config.dry_run => {
            dry_run(&config, seed, started, &stop, &mut detected, &mut database)
        }
        Ok(stop) => seed_users(&config, seed, started, &stop, &mut detected, &mut database),
    };
    let elapsed = started.elapsed().as_secs_f64();

    let mut stats = Stats::new(
        &ran.counts,
        &ran.uniques,
        plan.count,
        seed,
        plan.batch_size,
        elapsed,
    );
    stats.locale = config.locale.code();
    stats.app = detected
        .as_ref()
        .and_then(|chosen| chosen.preset)
        .map(|preset| preset.name);
    stats.plan = detected.as_ref().map(|chosen| chosen.source.clone());
    stats.table = detected.as_ref().map(|chosen| chosen.spec.table.clone());
    stats.interrupted = ran.signal.is_some();
    stats.dry_run = config.dry_run;
    stats.database = database;
    stats.digest = ran.digest;
    stats.failed = ran.error.is_some();
    stats.repeat = repeat_options(&config, seed);
    let mut error = ran.error;
    if let (None, Some(expected), Some(digest)) = (&error, &config.expect_digest, &stats.digest)
        && digest != expected
    {
        // The rows are in: the run happened, but not with the rows the
        // fixture was pinned to.
        error = Some(anyhow!(
            "the rows generated have digest {digest}, not {expected} (--expect-digest): this version of seed, the app or the options make other rows"
        ));
    }
    stats.error = error.as_ref().map(|err| format!("{err:#}"));
    // With --json, a pipe gets its one object whatever happened; a person
    // gets a summary of a run that started, and otherwise only the error.
    if config.output.json {
        report::write_json(&stats).context("cannot write to stdout")?;
    } else if !config.output.quiet && ran.started {
        report::eprint_line(report::human(&stats));
    }
    match (error, ran.signal) {
        (Some(err), _) => Err(err),
        (None, Some(signal)) => Ok(signal),
        (None, None) => Ok(ExitStatus::Success),
    }
}

/// The options that make this run's rows again, for the summary: pasted
/// after `seed users` (with the database), they make the same rows.
fn repeat_options(config: &UsersConfig, seed: u64) -> String {
    let mut out = format!("--seed {seed} --count {}", config.plan.count);
    if config.plan.exact {
        out.push_str(" --exact");
    }
    match config.chosen.as_ref() {
        Some(Chosen {
            preset: Some(preset),
            ..
        }) => {
            let _ = write!(out, " --app {}", preset.name);
        }
        Some(chosen) => {
            let _ = write!(out, " --plan {}", shell_word(&chosen.source));
        }
        None => {}
    }
    if config.locale != generate::Locale::default() {
        let _ = write!(out, " --locale {}", config.locale.code());
    }
    if let Some(weights) = &config.role_weights {
        let list: Vec<String> = weights
            .0
            .iter()
            .map(|(name, weight)| format!("{name}={weight}"))
            .collect();
        let _ = write!(out, " --role-weights {}", shell_word(&list.join(",")));
    }
    if config.now != generate::reference_now() {
        let _ = write!(out, " --now {}", config.now.format("%Y-%m-%dT%H:%M:%S"));
    }
    if let Some(iterations) = config.hash_iterations {
        let _ = write!(out, " --hash-iterations {iterations}");
    }
    if let Some(cost) = config.bcrypt_cost {
        let _ = write!(out, " --bcrypt-cost {cost}");
    }
    // The hash is part of the rows; the password is not shown.
    if config.password != cli::DEFAULT_PASSWORD {
        out.push_str(" and the same password");
    }
    out
}

/// `text` as one shell word: quoted unless it is plain.
fn shell_word(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "=,._-:/".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// What a `seed users` run did.
struct Ran {
    /// Committed rows.
    counts: Counts,
    error: Option<anyhow::Error>,
    /// The stop signal received, if one was.
    signal: Option<ExitStatus>,
    /// Every check passed and rows were (or were about to be) inserted.
    started: bool,
    /// Of the rows generated, if the run finished.
    digest: Option<String>,
    /// The columns whose duplicates were counted each on its own.
    uniques: db::Uniques,
}

impl Ran {
    /// Stopped by `signal` before the first row: nothing inserted.
    fn stopped(signal: Option<ExitStatus>, error: Option<anyhow::Error>) -> Ran {
        Ran {
            counts: Counts::default(),
            error,
            signal,
            started: true,
            digest: None,
            uniques: db::Uniques::default(),
        }
    }

    fn refused(err: anyhow::Error) -> Ran {
        Ran {
            counts: Counts::default(),
            error: Some(err),
            signal: None,
            started: false,
            digest: None,
            uniques: db::Uniques::default(),
        }
    }
}

/// Seeds; `detected` and `database` are filled in as they become known.
fn seed_users(
    config: &UsersConfig,
    seed: u64,
    started: Instant,
    stop: &StopSignal,
    detected: &mut Option<Chosen>,
    database: &mut String,
) -> Ran {
    let stopped = || stop.received().is_some();
    let mut conn = match db::open_unless(&config.db.target, &config.db.options, &stopped) {
        Ok(Some(conn)) => conn,
        // Stopped while connecting: nothing written.
        Ok(None) => return Ran::stopped(stop.received(), None),
        Err(err) => return Ran::refused(err),
    };
    *database = db::describe(&config.db.target, conn.as_ref());
    // Ctrl-C ends a lock wait or a statement in progress at once.
    let watch = Watch::start(stop);
    watch.add(conn.interrupter());
    let (mut generator, target, present, names) =
        match prepare_users(conn.as_mut(), config, seed, &stopped, detected) {
            Ok(Some(ready)) => ready,
            Ok(None) => {
                // Stopped before the first write: nothing to undo, nothing inserted.
                return Ran::stopped(stop.received(), conn.finish().err());
            }
            // What was waited on was cancelled by Ctrl-C: no row was
            // written (tables and roles, if it got that far, were).
            Err(err) if stop.received().is_some() && db::is_interrupted(&err) => {
                let _ = conn.finish();
                return Ran::stopped(stop.received(), None);
            }
            Err(err) => {
                // A refused run leaves the database as it found it.
                let _ = conn.finish();
                return Ran::refused(err);
            }
        };
    watch.rows_started();
    let open = || -> Result<Box<dyn Writer>> {
        let mut more = db::open(&config.db.target, &config.db.options)?;
        more.prepare_insert(&target)?;
        watch.add(more.interrupter());
        Ok(more)
    };
    insert_all(
        config,
        config.jobs,
        started,
        stop,
        conn.as_mut(),
        &open,
        &mut generator,
        present,
        names,
        target.uniques.clone(),
    )
}

/// Calls each connection's interrupter once a stop signal has come, so
/// that a lock wait or a statement in progress ends at once instead of at
/// its timeout; a connection added later is interrupted as it is added.
struct Watch {
    interrupters: Arc<Mutex<Vec<db::Interrupter>>>,
    fired: Arc<AtomicBool>,
    /// Cancel again every 20 ms after a stop (before the first row).
    repeat: Arc<AtomicBool>,
    done: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watch {
    fn start(stop: &StopSignal) -> Watch {
        let interrupters: Arc<Mutex<Vec<db::Interrupter>>> = Arc::default();
        let fired = Arc::new(AtomicBool::new(false));
        let (done, finished) = mpsc::channel::<()>();
        let repeat = Arc::new(AtomicBool::new(true));
        let (list, flag, again, stop) = (
            Arc::clone(&interrupters),
            Arc::clone(&fired),
            Arc::clone(&repeat),
            stop.clone(),
        );
        let thread = std::thread::Builder::new()
            .name("interrupt".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) =
                    finished.recv_timeout(Duration::from_millis(20))
                {
                    if stop.received().is_some() {
                        flag.store(true, Ordering::SeqCst);
                        if let Ok(list) = list.lock() {
                            for interrupt in list.iter() {
                                interrupt();
                            }
                        }
                        // Before the first row, the checks go on to their
                        // next query: cancel each one, until they give up.
                        if !again.load(Ordering::SeqCst) {
                            return;
                        }
                    }
                }
            })
            .ok();
        Watch {
            interrupters,
            fired,
            repeat,
            done: Some(done),
            thread,
        }
    }

    /// The rows have started: a stop ends what is in progress once, and
    /// the run then commits what it has and stops by itself.
    fn rows_started(&self) {
        self.repeat.store(false, Ordering::SeqCst);
    }

    fn add(&self, interrupter: Option<db::Interrupter>) {
        let Some(interrupter) = interrupter else {
            return;
        };
        let Ok(mut list) = self.interrupters.lock() else {
            return;
        };
        let fired = self.fired.load(Ordering::SeqCst);
        list.push(interrupter);
        if fired && let Some(last) = list.last() {
            // The stop came first: this one too, at once (the lock is held
            // for as long as the thread's own round would hold it).
            last();
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `--dry-run`: the run's rows, into memory. Nothing is created or written;
/// a database is only read, to tell its app when `--app` does not name it.
fn dry_run(
    config: &UsersConfig,
    seed: u64,
    started: Instant,
    stop: &StopSignal,
    detected: &mut Option<Chosen>,
    database: &mut String,
) -> Ran {
    let stopped = || stop.received().is_some();
    let (mut generator, mut writer, names, uniques) =
        match prepare_dry_run(config, seed, &stopped, detected, database) {
            Ok(Some(ready)) => ready,
            Ok(None) => return Ran::stopped(stop.received(), None),
            // Stopped while connecting to read the tables.
            Err(err) if stop.received().is_some() && db::is_interrupted(&err) => {
                return Ran::stopped(stop.received(), None);
            }
            Err(err) => return Ran::refused(err),
        };
    let one_writer = || -> Result<Box<dyn Writer>> { bail!("a dry run has one writer") };
    // --jobs makes the same rows: one writer counts them.
    insert_all(
        config,
        1,
        started,
        stop,
        &mut writer,
        &one_writer,
        &mut generator,
        None,
        names,
        uniques,
    )
}

/// The seeding loop and what follows it, once every check has passed.
#[expect(
    clippy::too_many_arguments,
    reason = "what differs between a run and a dry run, and the run's own options"
)]
fn insert_all(
    config: &UsersConfig,
    jobs: usize,
    started: Instant,
    stop: &StopSignal,
    first: &mut dyn Writer,
    open: &run::Open<'_>,
    generator: &mut UserGenerator,
    present: Option<IdentityKey>,
    names: Vec<run::LoginName>,
    uniques: db::Uniques,
) -> Ran {
    let stopped = || stop.received().is_some();
    let plan = config.plan;
    let mut progress = Progress::new(
        plan.count,
        plan.exact,
        config.output.quiet,
        config.dry_run,
        started,
        uniques.clone(),
    );
    let outcome = run::run(
        &plan,
        present,
        names,
        jobs,
        first,
        open,
        generator,
        &stopped,
        &mut progress,
    );
    progress.finish();
    let finished = first.finish();
    let signal = stop.received();
    // A statement Ctrl-C cancelled is no failure: the run was interrupted,
    // its committed rows counted. Anything else is told.
    let run_error = outcome
        .error
        .filter(|err| !(signal.is_some() && db::is_interrupted(err)));
    let error = run_error.or(finished.err());
    // A stopped or failed run did not try every row it would have.
    let digest = (error.is_none() && signal.is_none()).then(|| generator.digest());
    Ran {
        counts: outcome.counts,
        error,
        signal,
        started: true,
        digest,
        uniques,
    }
}

/// The plan named (`--app`, `--plan`, `./seed.toml`), or the preset whose
/// tables are there.
fn plan_of(conn: &mut dyn Conn, given: Option<&Chosen>, table: Option<&str>) -> Result<Chosen> {
    match (given, table) {
        (Some(chosen), _) => Ok(chosen.clone()),
        (None, Some(table)) => schema::infer(conn, table),
        (None, None) => schema::choose(conn),
    }
}

/// Says what the plan's notes say, to a person: not with --json or --quiet.
fn tell_notes(config: &UsersConfig, chosen: &Chosen) {
    if !config.output.json && !config.output.quiet {
        for note in &chosen.notes {
            report::eprint_line(note);
        }
    }
}

/// A run ready for its first row: the generator, where rows go, the
/// identity when the table held rows, and the login names the run keeps
/// unique itself.
type Prepared = (
    UserGenerator,
    db::InsertTarget,
    Option<IdentityKey>,
    Vec<run::LoginName>,
);

/// What the real run and the dry run share before their first row: the
/// plan's notes told, the password hashed, and, where there is a database
/// to read, its tables checked (refusing before any write), the names and
/// the parents' keys read. None if `stop()` said so while it hashed.
fn plan_run(
    conn: Option<&mut dyn Conn>,
    chosen: &Chosen,
    config: &UsersConfig,
    seed: u64,
    stop: &dyn Fn() -> bool,
) -> Result<Option<Planned>> {
    tell_notes(config, chosen);
    let spec = &chosen.spec;
    let Some(hash) = hash_for(config, seed, chosen, stop)? else {
        return Ok(None);
    };
    let names = Names::new(config.locale);
    let (checked, pools, unique_columns) = match conn {
        Some(conn) => {
            let lengths = generate::longest_values(spec, hash.chars().count(), &names);
            let checked = schema::check(conn, chosen, &lengths)?;
            schema::check_capacity(conn, spec, config.plan.count, checked.role_names.len())?;
            let pools = schema::ref_pools(conn, spec)?;
            let uniques = schema::unique_columns(conn, spec)?;
            (Some(checked), pools, uniques)
        }
        None => (None, Vec::new(), Vec::new()),
    };
    let role_names = match &checked {
        Some(checked) => checked.role_names.clone(),
        None => spec.role_names(),
    };
    if let Some(weights) = &config.role_weights {
        weights.check(&role_names)?;
    }
    Ok(Some(Planned {
        hash,
        names,
        checked,
        role_names,
        pools,
        unique_columns,
    }))
}

/// The result of [`plan_run`].
struct Planned {
    hash: String,
    names: Names,
    /// The database's checks, if one was read.
    checked: Option<schema::Checked>,
    /// The roles the run draws from.
    role_names: Vec<String>,
    /// The other columns with a UNIQUE constraint, if a database was read.
    unique_columns: Vec<String>,
    /// Each `ref` column's parent keys.
    pools: Vec<(String, Vec<db::Value>)>,
}

/// Everything before the first row: the shared preparation, then the
/// login names already there, the missing tables created, the roles
/// upserted and the generator readied, with how to tell rows that were
/// there before. None if `stop()` said so before the first write.
fn prepare_users(
    conn: &mut dyn Conn,
    config: &UsersConfig,
    seed: u64,
    stop: &dyn Fn() -> bool,
    detected: &mut Option<Chosen>,
) -> Result<Option<Prepared>> {
    let chosen = plan_of(conn, config.chosen.as_ref(), config.table.as_deref())?;
    *detected = Some(chosen.clone());
    let Some(planned) = plan_run(Some(&mut *conn), &chosen, config, seed, stop)? else {
        return Ok(None);
    };
    let spec = &chosen.spec;
    let Some(checked) = planned.checked else {
        bail!("the tables were not checked");
    };
    if !config.output.json && !config.output.quiet {
        for warning in &checked.warnings {
            report::eprint_line(warning);
        }
    }
    // Read before the first write, so that a failure cannot refuse a run
    // that wrote.
    let logins = schema::login_names(checked.had_rows.then_some(&mut *conn), spec)?;
    let applied = schema::apply(conn, spec, &checked)?;
    let generator = generator_for(
        config,
        seed,
        spec,
        planned.names,
        &applied.roles,
        planned.hash,
    )?
    .with_pools(spec, planned.pools);
    let target = applied.target;
    // Only a table with rows at the start can hold a row a duplicate is of;
    // an empty one spares the run the set of identities it inserted.
    let present = checked.had_rows.then_some(target.key);
    Ok(Some((generator, target, present, logins)))
}

/// A dry run ready for its first row: the generator, the rows' memory, the
/// login names it keeps unique and the columns it counts duplicates of.
type DryRunReady = (
    UserGenerator,
    db::MemoryWriter,
    Vec<run::LoginName>,
    db::Uniques,
);

/// Everything a dry run needs before its first row: the plan (read from
/// the database when none is named, and only then), the shared
/// preparation and the generator. None if `stop()` said so.
fn prepare_dry_run(
    config: &UsersConfig,
    seed: u64,
    stop: &dyn Fn() -> bool,
    detected: &mut Option<Chosen>,
    database: &mut String,
) -> Result<Option<DryRunReady>> {
    // Before the database is read and the password hashed: a count that
    // cannot fit is refused at once.
    db::check_room(config.plan.count)?;
    // A named plan without refs needs no database; anything else reads it.
    let needs = config
        .chosen
        .as_ref()
        .is_none_or(|chosen| !chosen.spec.refs().is_empty());
    let mut conn = if needs {
        open_to_read(&config.db, stop)?
    } else {
        None
    };
    if let Some(conn) = &conn {
        *database = db::describe(&config.db.target, conn.as_ref());
    }
    let chosen = match (&config.chosen, &mut conn) {
        (Some(chosen), _) => chosen.clone(),
        (None, Some(conn)) => plan_of(conn.as_mut(), None, config.table.as_deref())?,
        (None, None) if config.table.is_some() => {
            bail!(
                "there is no database at {} to read a table from",
                config.db.target.redacted()
            )
        }
        // A new SQLite file gets flask-base's tables.
        (None, None) => Chosen::preset(&crate::app::flask_base::PRESET),
    };
    *detected = Some(chosen.clone());
    let planned = plan_run(
        conn.as_mut().map(|conn| conn.as_mut() as &mut dyn Conn),
        &chosen,
        config,
        seed,
        stop,
    );
    // Only read: closed before the rows are made.
    let finished = conn.as_mut().map(|conn| conn.finish());
    let Some(planned) = planned? else {
        return Ok(None);
    };
    finished.transpose()?;
    let spec = &chosen.spec;
    // Ids as a new roles table numbers them; the rows' digest names roles.
    let roles: Vec<(i64, String)> = (1..).zip(planned.role_names).collect();
    let generator = generator_for(config, seed, spec, planned.names, &roles, planned.hash)?
        .with_pools(spec, planned.pools);
    // The other UNIQUE columns of a table that was read count their own
    // repeats, as the constraints would.
    let mut uniques = schema::uniques_of(spec);
    let mut others = Vec::new();
    for column in &planned.unique_columns {
        uniques.add(column);
        if let Some(position) = spec.position(column) {
            others.push((position, uniques.reason(column)));
        }
    }
    // It keeps only the rows that go in: with --exact, the count.
    let writer =
        db::MemoryWriter::new(schema::identity_key(spec)?, config.plan.count)?.with_uniques(others);
    // A dry run counts into an empty table: only the run's own repeats.
    let logins = schema::login_names(None, spec)?;
    Ok(Some((generator, writer, logins, uniques)))
}

/// A database opened only to read: a SQLite file read-only (None if there
/// is no file: a real run would make one), a server session whose writes
/// fail.
fn open_to_read(db: &DbConfig, stop: &dyn Fn() -> bool) -> Result<Option<Box<dyn Conn>>> {
    let target = match &db.target {
        Target::Sqlite { path, mode } if !path.exists() => {
            // Refused as the run would refuse it (a folder that is not
            // there, ?mode=rw); otherwise the run would create it.
            db::check_sqlite_path(path, *mode)?;
            return Ok(None);
        }
        Target::Sqlite { path, .. } => Target::Sqlite {
            path: path.clone(),
            mode: SqliteMode::Inspect,
        },
        server => server.clone(),
    };
    let Some(mut conn) = db::open_unless(&target, &db.options, stop)? else {
        bail!("stopped while connecting");
    };
    conn.read_only()?;
    Ok(Some(conn))
}

/// Refuses options the plan does not take, then hashes the password for
/// its users. None if `stop()` said so while it hashed.
fn hash_for(
    config: &UsersConfig,
    seed: u64,
    chosen: &Chosen,
    stop: &dyn Fn() -> bool,
) -> Result<Option<String>> {
    let spec = &chosen.spec;
    crate::plan::check_options(
        spec,
        &chosen.source,
        config.role_weights.is_some(),
        config.hash_iterations,
        config.bcrypt_cost,
    )
    .map_err(|message| anyhow!(message))?;
    let Some((format, work)) = spec.password() else {
        return Ok(Some(String::new()).filter(|_| !stop()));
    };
    // The check leaves at most the option of the plan's own format.
    let work = config
        .hash_iterations
        .or(config.bcrypt_cost)
        .or(work)
        .unwrap_or_else(|| format.default_work());
    let hash = hash_password_unless(
        format,
        &config.password,
        work,
        generate::rng(seed, stream::SALT),
        stop,
    )?;
    let prefix = spec.password_prefix();
    Ok(hash
        .filter(|_| !stop())
        .map(|hash| format!("{prefix}{hash}")))
}

/// The generator of `spec`'s users, drawing from `roles` ((key, label), as
/// the database holds them).
fn generator_for(
    config: &UsersConfig,
    seed: u64,
    spec: &Spec,
    names: Names,
    roles: &[(i64, String)],
    hash: String,
) -> Result<UserGenerator> {
    let picker = match &spec.roles {
        Roles::None => None,
        Roles::Table(_) => Some(RolePicker::new(roles, config.role_weights.as_ref(), None)?),
        Roles::Fixed(fixed) => {
            let defaults: Vec<u32> = fixed.iter().map(|role| role.weight).collect();
            Some(RolePicker::new(
                roles,
                config.role_weights.as_ref(),
                Some(&defaults),
            )?)
        }
    };
    let labels = matches!(spec.roles, Roles::Table(_));
    Ok(UserGenerator::new(
        seed, spec, names, picker, roles, labels, hash, config.now,
    ))
}

/// `seed describe`: the table as the catalog describes it, as JSON. Only
/// reads.
fn describe(db: &DbConfig, table: &str) -> Result<ExitStatus> {
    let Some(mut conn) = open_to_read(db, &|| false)? else {
        bail!("there is no database at {}", db.target.redacted());
    };
    let described = conn.describe(table);
    // A mistyped or miscased name is told by the names that are there;
    // a backend that cannot list them says only what is missing.
    let others = match &described {
        Ok(None) => conn.tables().ok(),
        _ => None,
    };
    let finished = conn.finish();
    let Some(described) = described? else {
        let Some(tables) = others else {
            bail!("there is no table {table}");
        };
        let listed = if tables.is_empty() {
            "none".to_owned()
        } else {
            tables.join(", ")
        };
        bail!(
            "there is no table {table} on {}; the tables are: {listed}",
            conn.backend()
        );
    };
    finished?;
    let mut json = serde_json::to_string(&described).context("cannot write JSON")?;
    json.push('\n');
    print(json.as_bytes())
}

/// `seed plan`: the plan seed would use, as TOML or JSON on stdout.
fn plan(config: &crate::config::PlanConfig) -> Result<ExitStatus> {
    let chosen = match &config.choice.chosen {
        Some(chosen) => chosen.clone(),
        None => {
            let conn = open_to_read(&config.db, &|| false)?;
            match conn {
                Some(mut conn) => {
                    let found = plan_of(conn.as_mut(), None, config.choice.table.as_deref());
                    let finished = conn.finish();
                    let chosen = found?;
                    finished?;
                    chosen
                }
                None if config.choice.table.is_some() => bail!(
                    "there is no database at {} to read a table from",
                    config.db.target.redacted()
                ),
                None => Chosen::preset(&crate::app::flask_base::PRESET),
            }
        }
    };
    let text = if config.json {
        let mut json = serde_json::to_string(&report::to_json(&chosen))
            .context("cannot write the plan as JSON")?;
        json.push('\n');
        json
    } else {
        report::print_with_header(&chosen)
    };
    print(text.as_bytes())
}

#[derive(Serialize)]
struct RolesReport {
    /// None until the app is known.
    app: Option<String>,
    database: String,
    roles: BTreeMap<String, RoleChange>,
    /// Why the command failed, if it did.
    error: Option<String>,
}

fn roles(config: &RolesConfig) -> Result<ExitStatus> {
    let mut report = RolesReport {
        app: config
            .choice
            .chosen
            .as_ref()
            .map(|chosen| chosen.source.clone()),
        database: config.db.target.redacted(),
        roles: BTreeMap::new(),
        error: None,
    };
    let result = db::open(&config.db.target, &config.db.options).and_then(|mut conn| {
        report.database = db::describe(&config.db.target, conn.as_ref());
        let applied = apply_roles(conn.as_mut(), &config.choice, &mut report);
        let finished = conn.finish();
        applied.and(finished)
    });
    report.error = result.as_ref().err().map(|err| format!("{err:#}"));
    if config.output.json {
        report::write_json(&report).context("cannot write to stdout")?;
    } else if let (Ok(()), false, Some(app)) = (&result, config.output.quiet, &report.app) {
        if report.roles.is_empty() {
            report::eprint_line(format_args!("{app} has no roles: nothing to do"));
        }
        for (name, change) in &report.roles {
            let what = match change {
                RoleChange::Created => "created".into(),
                RoleChange::Updated => "updated".into(),
                RoleChange::Unchanged => "already up to date".into(),
                RoleChange::BuiltIn => format!("built into {app}'s users table, nothing to create"),
            };
            report::eprint_line(format_args!("Role {name}: {what}"));
        }
    }
    result.map(|()| ExitStatus::Success)
}

/// Creates or updates the app's roles, noting in `report` what is known as
/// it goes.
fn apply_roles(
    conn: &mut dyn Conn,
    given: &crate::app::Choice,
    report: &mut RolesReport,
) -> Result<()> {
    let chosen = plan_of(conn, given.chosen.as_ref(), given.table.as_deref())?;
    report.app = Some(chosen.source.clone());
    let checked = schema::check(conn, &chosen, &[])?;
    let applied = schema::apply(conn, &chosen.spec, &checked)?;
    report.roles.extend(applied.changes);
    if let Roles::Fixed(fixed) = &chosen.spec.roles {
        report.roles.extend(
            fixed
                .iter()
                .map(|role| (role.name.clone(), RoleChange::BuiltIn)),
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct AdminReport {
    /// None until the app is known.
    app: Option<String>,
    database: String,
    email: String,
    /// Django's login.
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    /// CTFd's: users log in by name or email.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    created: bool,
    /// Only when seed chose it (no password given) and the account was
    /// created.
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    /// Why the command failed, if it did.
    error: Option<String>,
}

fn admin(config: AdminConfig) -> Result<ExitStatus> {
    let mut report = AdminReport {
        app: config.chosen.as_ref().map(|chosen| chosen.source.clone()),
        database: config.db.target.redacted(),
        email: config.email.clone(),
        username: None,
        name: None,
        created: false,
        password: None,
        error: None,
    };
    if config.password.is_none() && !stdout_is_open() {
        bail!(
            "stdout is closed or /dev/null, so the password seed would choose would be lost; give one with --password, --password-file or SEED_PASSWORD"
        );
    }
    let mut shown = false;
    let result = db::open(&config.db.target, &config.db.options).and_then(|mut conn| {
        report.database = db::describe(&config.db.target, conn.as_ref());
        let mut created = create_admin(conn.as_mut(), &config, &mut report);
        if created.is_ok() && report.password.is_some() {
            // The account with a password seed chose is committed only once
            // the password is out: it is the only copy, and a rerun finds
            // the account and leaves it as it is.
            created = match show_admin(&config, &report) {
                Ok(()) => {
                    shown = true;
                    conn.commit().context("the administrator was not created")
                }
                Err(err) => {
                    conn.rollback();
                    report.created = false;
                    report.password = None;
                    Err(err.context("the administrator was not created"))
                }
            };
        }
        let finished = conn.finish();
        created.and(finished)
    });
    report.error = result.as_ref().err().map(|err| format!("{err:#}"));
    let login = report.username.as_deref().unwrap_or(&report.email);
    if shown {
        // Already on stdout.
    } else if config.output.json {
        report::write_json(&report).context("cannot write to stdout")?;
    } else if result.is_ok() && !config.output.quiet {
        if report.created {
            report::eprint_line(format_args!("Created administrator {login}"));
        } else {
            report::eprint_line(format_args!("{login} already exists; left unchanged"));
        }
    }
    result.map(|()| ExitStatus::Success)
}

/// Shows the account created with a password seed chose: the JSON report,
/// or the password on stdout. Any failure to write (a reader that went
/// away included) is an error: the password would be lost.
fn show_admin(config: &AdminConfig, report: &AdminReport) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    let written = if config.output.json {
        serde_json::to_writer(&mut stdout, report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(stdout))
    } else {
        use std::io::IsTerminal;
        let login = report.username.as_deref().unwrap_or(&report.email);
        // On a terminal the words go above the password. Anywhere else
        // they come once it is written: a write that fails (a full disk)
        // undoes the account, and nothing says it was made.
        let terminal = stdout.is_terminal();
        if !config.output.quiet && terminal {
            report::eprint_line(format_args!(
                "Created administrator {login}, with this password:"
            ));
        }
        let written = writeln!(stdout, "{}", report.password.as_deref().unwrap_or_default())
            .and_then(|()| stdout.flush());
        if written.is_ok() && !config.output.quiet && !terminal {
            report::eprint_line(format_args!(
                "Created administrator {login}; its password is on stdout"
            ));
        }
        written
    };
    written
        .and_then(|()| stdout.flush())
        .context("cannot write the password seed chose to stdout")
}

/// Whether what is written to stdout can reach anyone: not when it is
/// closed (the runtime then points it at /dev/null) or is /dev/null.
#[cfg(target_os = "linux")]
fn stdout_is_open() -> bool {
    use std::os::unix::fs::MetadataExt;
    match (
        std::fs::metadata("/proc/self/fd/1"),
        std::fs::metadata("/dev/null"),
    ) {
        (Ok(out), Ok(null)) => (out.dev(), out.ino()) != (null.dev(), null.ino()),
        (Err(_), _) => false,
        (Ok(_), Err(_)) => true,
    }
}

#[cfg(not(target_os = "linux"))]
fn stdout_is_open() -> bool {
    true
}

/// Creates the account unless it exists, noting in `report` what is known
/// as it goes: the app, whether the account was created, its username
/// (django) and the password seed chose, if it did.
fn create_admin(conn: &mut dyn Conn, config: &AdminConfig, report: &mut AdminReport) -> Result<()> {
    let chosen = plan_of(conn, config.chosen.as_ref(), config.table.as_deref())?;
    report.app = Some(chosen.source.clone());
    let spec = &chosen.spec;
    let name = &chosen.source;
    let Some(admin) = &spec.admin else {
        let hint = if chosen.preset.is_some() {
            "create its users with seed users"
        } else {
            "add an [admin] section to the plan (role = \"…\", or the columns that make one)"
        };
        bail!("{name} has no admin role, so seed admin does not apply; {hint}");
    };
    let Some((format, _)) = spec.password() else {
        bail!("{name} has no password column, so an administrator could not log in");
    };
    let mut rng = generate::rng(random_u64()?, stream::SALT);
    let generated = config.password.is_none().then(|| random_password(&mut rng));
    let password = config
        .password
        .as_deref()
        .or(generated.as_deref())
        .unwrap_or_default();
    let hash = format!(
        "{}{}",
        spec.password_prefix(),
        hash_password(format, password, format.admin_work(), &mut rng)?
    );
    let username = config.username.clone().unwrap_or_else(|| {
        config
            .email
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned()
    });
    let person = Person {
        first: &config.first_name,
        last: &config.last_name,
        order: NameOrder::GIVEN_FIRST,
        email: &config.email,
        username: &username,
        joined: utc_now(),
    };
    let mut draws = rand_xoshiro::SplitMix64::seed_from_u64(random_u64()?);
    // seed admin takes no --locale: columns made of lists use English's.
    let names = Names::new(generate::Locale::En);
    let admin_row = |roles: &[(i64, String)], draws: &mut rand_xoshiro::SplitMix64| {
        let values = generate::role_values(spec, roles);
        let role = admin
            .role
            .as_ref()
            .and_then(|role| roles.iter().position(|(_, name)| name == role));
        let mut row = Row::new();
        generate::fill(
            spec,
            &names,
            &person,
            role.and_then(|role| values.get(role)).map(Vec::as_slice),
            &hash,
            draws,
            &mut row,
        );
        for (column, value) in &admin.values {
            if let Some(slot) = spec.position(column).and_then(|i| row.get_mut(i)) {
                slot.clone_from(value);
            }
        }
        row
    };
    // The role's values as the plan has them, for the lengths: a roles
    // table's keys are the database's.
    let planned: Vec<(i64, String)> = (0..).zip(spec.role_names()).collect();
    let planned_row = admin_row(&planned, &mut draws.clone());
    let lengths = generate::value_lengths(spec, &planned_row);
    let checked = schema::check(conn, &chosen, &lengths)?;
    let login_column = spec.login_column();
    match login_column {
        Some("username") => report.username = Some(username.clone()),
        Some(_) => report.name = Some(username.clone()),
        None => {}
    }
    if config.username.is_some() && login_column.is_none() {
        bail!("{name} has no login name besides the email, so --username/--name does not apply");
    }
    if checked.had_rows && !account_is_free(conn, &chosen, &person)? {
        // An administrator already: a rerun leaves it as it is.
        return Ok(());
    }
    // Foreign keys point at a parent's row, as a seeded user's do.
    let pools = schema::ref_pools(conn, spec)?;
    let applied = schema::apply(conn, spec, &checked)?;
    if let Some(role) = &admin.role
        && !applied.roles.iter().any(|(_, name)| name == role)
    {
        bail!("the {role} role is missing");
    }
    let mut row = admin_row(&applied.roles, &mut draws);
    for (column, values) in &pools {
        let slot = spec.position(column).and_then(|i| row.get_mut(i));
        if let (Some(slot), false) = (slot, values.is_empty()) {
            use rand::RngExt;
            slot.clone_from(&values[draws.random_range(0..values.len())]);
        }
    }
    let mut outcomes = Vec::with_capacity(1);
    if generated.is_some() {
        conn.begin()?;
    }
    conn.insert(std::slice::from_ref(&row), &mut outcomes)?;
    match outcomes.pop() {
        Some(Insert::Inserted) => {
            report.created = true;
            report.password = generated;
            Ok(())
        }
        Some(Insert::Skipped { reason, .. }) if reason.is_duplicate() => Ok(()),
        Some(Insert::Skipped { detail, .. }) => {
            bail!("cannot create administrator {}: {detail}", config.email)
        }
        None => bail!("cannot create administrator {}", config.email),
    }
}

/// Whether `person`'s account can be created: false if it exists and is an
/// administrator. Refused, naming the account, if it exists and is not, or
/// if another account holds a name `person` would log in by. Only reads.
fn account_is_free(conn: &mut dyn Conn, chosen: &Chosen, person: &Person<'_>) -> Result<bool> {
    let spec = &chosen.spec;
    let value_of = |column: &str| match spec.column(column).map(|c| &c.r#gen) {
        Some(Gen::Username) => person.username,
        _ => person.email,
    };
    let identity = spec.identity.as_str();
    let login = value_of(identity);
    if let Some(account) = schema::account(conn, spec, identity, login, false)? {
        if account.admin {
            return Ok(false);
        }
        let role = account
            .role
            .as_deref()
            .unwrap_or("a role seed does not know");
        // The email is shown when it is not the login itself (Django).
        let email = Some(&account.email)
            .filter(|email| email.as_str() != login)
            .map(|email| format!(", {email}"))
            .unwrap_or_default();
        bail!(
            "{login} already exists (id {}{email}) and is not an administrator (its role is {role}); left unchanged",
            account.id
        );
    }
    for column in &spec.also_unique {
        let name = value_of(column);
        if let Some(account) = schema::account(conn, spec, column, name, true)? {
            bail!(
                "the {column} {name} is taken by another account (id {}, {}), which {} would log in instead; pick another with --name",
                account.id,
                account.email,
                chosen.source
            );
        }
    }
    Ok(true)
}

/// The current time, naive UTC, to the microsecond.
fn utc_now() -> NaiveDateTime {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = i64::try_from(since.as_secs()).unwrap_or_default();
    DateTime::from_timestamp(secs, since.subsec_micros() * 1000)
        .map(|time| time.naive_utc())
        .unwrap_or_default()
}

fn random_password(rng: &mut rand::rngs::ChaCha8Rng) -> String {
    use rand::RngExt;
    const CHARS: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..20)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}
