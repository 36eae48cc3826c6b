//! Database backends. Each one is a [`Conn`]: connecting, its dialect and
//! its error classes. What to check, create and upsert is decided once, in
//! [`schema`], over these primitives.

mod available_memory;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod charset;
mod columns;
mod ddl;

mod memory;
#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
mod reason;
pub mod schema;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod server;
mod sqlite;
mod target;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod tls;

#[cfg(any(feature = "postgres", feature = "mysql"))]
pub use charset::Charset;
pub use columns::Column;
pub use memory::{Identities, MemoryWriter, check_room};
pub use reason::{SkipReason, Uniques};
pub use target::{SqliteMode, Target};

use std::time::Duration;

use anyhow::Result;

use crate::app::TableDef;
pub use crate::value::{Row, Value};

/// The most parameters one statement may have (PostgreSQL and MySQL
/// count them in 16 bits).
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub const MAX_PARAMETERS: usize = 65_535;

#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// `--connect-timeout`: how long connecting to a server may take, its
    /// TLS and login included; None: the URL's `connect_timeout`, else
    /// [`CONNECT_TIMEOUT`].
    pub connect_timeout: Option<Duration>,
}

/// How long connecting to a server may take when neither the command line
/// nor the URL says.
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a row's identity is and what a duplicate of it counts as: all a
/// writer, the run and a dry run need to know of the identity column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdentityKey {
    /// Position of the identity column in a row.
    pub position: usize,
    /// The reason a duplicate identity is counted under.
    pub duplicate: SkipReason,
}

/// Where inserted rows go, and how a duplicate of the identity is told
/// apart from other failures.
#[derive(Clone, Debug)]
pub struct InsertTarget {
    pub table: String,
    pub columns: Vec<String>,
    pub identity: String,
    pub key: IdentityKey,
    /// Unique indexes (or constraints) on exactly the identity column.
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql")),
        allow(dead_code, reason = "SQLite names the column, not the index")
    )]
    pub identity_indexes: Vec<String>,
    /// The columns counted each on its own (`duplicate_<column>`).
    pub uniques: Uniques,
    /// The other columns of the insert with a UNIQUE constraint of their own.
    pub unique_columns: Vec<UniqueColumn>,
}

/// A column of the insert, other than the identity, with a single-column
/// UNIQUE constraint or index: a row that repeats it is counted under
/// `reason`.
#[derive(Clone, Debug)]
pub struct UniqueColumn {
    pub column: String,
    pub reason: SkipReason,
    /// Its constraints' or indexes' names, as the server's errors give them.
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql")),
        allow(dead_code, reason = "SQLite names the column, not the index")
    )]
    pub indexes: Vec<String>,
}

impl InsertTarget {
    /// What a violation of the constraint or index `name` counts as.
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    pub fn reason_of_index(&self, name: &str) -> SkipReason {
        if self.identity_indexes.iter().any(|index| index == name) {
            return self.key.duplicate;
        }
        self.unique_columns
            .iter()
            .find(|unique| unique.indexes.iter().any(|index| index == name))
            .map_or(SkipReason::UniqueViolation, |unique| unique.reason)
    }

    /// What a violation of the UNIQUE constraint on `column` counts as.
    pub fn reason_of_column(&self, column: &str) -> SkipReason {
        self.unique_columns
            .iter()
            .find(|unique| unique.column.eq_ignore_ascii_case(column))
            .map_or(SkipReason::UniqueViolation, |unique| unique.reason)
    }
}

impl InsertTarget {
    /// The value of the identity column in `row`.
    pub fn identity_of(&self, row: &Row) -> Value {
        row.get(self.key.position).cloned().unwrap_or(Value::Null)
    }
}

/// What the seeding loop needs of a connection.
pub trait Writer: Send {
    /// Opens a transaction: rows inserted until [`Writer::commit`] each get
    /// a savepoint in it. Without one, each row commits on its own.
    fn begin(&mut self) -> Result<()>;

    /// Inserts `rows`, pushing one outcome per row onto `out`. A constraint
    /// failure rolls that row back and is an outcome; anything else is an
    /// error, which rolls back an open transaction.
    fn insert(&mut self, rows: &[Row], out: &mut Vec<Insert>) -> Result<()>;

    fn commit(&mut self) -> Result<()>;

    /// Leaves the database as a user expects to find it (for SQLite: one
    /// self-contained file in its original journal mode).
    fn finish(&mut self) -> Result<()>;

    /// What ends this connection's statement or lock wait from another
    /// thread (Ctrl-C): it then fails, and its rows are rolled back.
    fn interrupter(&self) -> Option<Interrupter> {
        None
    }
}

/// Cancels what a connection is waiting on (see [`Writer::interrupter`]).
pub type Interrupter = Box<dyn Fn() + Send + Sync>;

/// A statement or lock wait an [`Interrupter`] ended: the run was stopped,
/// it did not fail.
#[derive(Debug)]
pub struct Interrupted(pub String);

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} was interrupted", self.0)
    }
}

impl std::error::Error for Interrupted {}

/// Whether `err` is (or wraps) an [`Interrupted`].
pub fn is_interrupted(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| cause.is::<Interrupted>())
}

/// The primitives the schema policy is written over.
pub trait Conn: Writer {
    /// "SQLite", "PostgreSQL", "MySQL": for messages.
    fn backend(&self) -> &'static str;

    fn is_sqlite(&self) -> bool {
        false
    }

    /// The schema the rows go to, where the URL need not name it
    /// (PostgreSQL's search_path).
    fn schema(&self) -> Option<&str> {
        None
    }

    /// Each column of `table`, or None if there is no such table.
    fn columns(&mut self, table: &str) -> Result<Option<Vec<Column>>>;

    /// `table` as the catalog describes it (columns, types, nullability,
    /// defaults, keys, uniques, foreign keys, enum and CHECK values), or
    /// None if there is no such table. Only reads.
    fn describe(&mut self, table: &str) -> Result<Option<crate::catalog::Described>> {
        let _ = table;
        anyhow::bail!("{} cannot describe a table yet", self.backend())
    }

    /// The tables of the schema the rows go to, by name.
    fn tables(&mut self) -> Result<Vec<String>> {
        anyhow::bail!("{} cannot list its tables yet", self.backend())
    }

    /// The character set `table.column` stores its text in or, for a table
    /// not there yet, the one `create_table` gives its text columns. None
    /// where any text is stored (SQLite's UTF-8, the utf8mb4 tables seed
    /// makes on MySQL, a binary column).
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    fn charset(&mut self, _table: &str, _column: &str) -> Result<Option<Charset>> {
        Ok(None)
    }

    /// Names of the unique indexes or constraints on exactly `table.column`,
    /// checked for every row.
    fn unique_indexes(&mut self, table: &str, column: &str) -> Result<Vec<String>>;

    /// Creates `table` and its indexes if missing.
    fn create_table(&mut self, table: &TableDef) -> Result<()>;

    /// `name` quoted as an identifier.
    fn quote(&self, name: &str) -> String;

    /// The `n`th (from 1) parameter placeholder.
    fn placeholder(&self, n: usize) -> String;

    /// Runs one statement; returns the rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64>;

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>>;

    /// Readies the connection for many writes (SQLite: WAL mode). Called
    /// after every check has passed, before the first write.
    fn start_writing(&mut self) -> Result<()> {
        Ok(())
    }

    /// Makes every later write of this session fail (a dry run reads the
    /// database to tell its app, never more). SQLite is opened read-only
    /// instead.
    fn read_only(&mut self) -> Result<()> {
        Ok(())
    }

    /// Prepares the insert statement for `target`.
    fn prepare_insert(&mut self, target: &InsertTarget) -> Result<()>;

    fn rollback(&mut self);
}

/// The database as shown to the user: the URL without credentials, and
/// the schema if the URL may not say which.
pub fn describe(target: &Target, conn: &dyn Conn) -> String {
    match conn.schema() {
        Some(schema) => format!("{} (schema {schema})", target.redacted()),
        None => target.redacted(),
    }
}

/// Checks a server URL (its syntax and its TLS parameters) without
/// connecting, so that a malformed one is a usage error, told before any
/// connection is tried.
pub fn check_url(target: &Target) -> Result<(), String> {
    match target {
        Target::Sqlite { .. } => Ok(()),
        #[cfg(feature = "postgres")]
        Target::Postgres { url } => postgres::check_url(url).map_err(|err| format!("{err:#}")),
        #[cfg(feature = "mysql")]
        Target::Mysql { url } => mysql::check_url(url).map_err(|err| format!("{err:#}")),
        #[cfg(not(all(feature = "postgres", feature = "mysql")))]
        _ => Ok(()),
    }
}

/// What opening a SQLite file at `path` in `mode` would refuse (a folder
/// that is not there, a directory, a device), without opening it.
pub fn check_sqlite_path(path: &std::path::Path, mode: SqliteMode) -> Result<()> {
    sqlite::check_path(path, mode)
}

pub fn open(target: &Target, options: &Options) -> Result<Box<dyn Conn>> {
    open_unless(target, options, &|| false)?
        .ok_or_else(|| anyhow::anyhow!("stopped while connecting"))
}

/// [`open`], giving up on a server that has not let seed in (connected,
/// TLS, login) within the connect timeout, and returning None as soon as
/// `stop()` says so: a server that accepts and never answers is one
/// line, and Ctrl-C while connecting stops the run.
pub fn open_unless(
    target: &Target,
    options: &Options,
    stop: &dyn Fn() -> bool,
) -> Result<Option<Box<dyn Conn>>> {
    let server: Option<(Duration, String)> = match target {
        Target::Sqlite { .. } => None,
        #[cfg(feature = "postgres")]
        Target::Postgres { url } => Some((
            options
                .connect_timeout
                .or(postgres::url_timeout(url))
                .unwrap_or(CONNECT_TIMEOUT),
            format!("PostgreSQL at {}", postgres::server(url)),
        )),
        #[cfg(feature = "mysql")]
        Target::Mysql { url } => Some((
            options
                .connect_timeout
                .or(mysql::url_timeout(url))
                .unwrap_or(CONNECT_TIMEOUT),
            format!("MySQL at {}", mysql::server(url)),
        )),
        #[allow(unreachable_patterns, reason = "a backend that was not compiled in")]
        _ => None,
    };
    let Some((timeout, server)) = server else {
        return open_now(target, options).map(Some);
    };
    let (done, result) = std::sync::mpsc::channel();
    let (target, mut options) = (target.clone(), options.clone());
    options.connect_timeout = Some(timeout);
    std::thread::Builder::new()
        .name("connect".into())
        .spawn(move || {
            // Nobody waits once the run stopped or gave up: the thread ends
            // with the process.
            let _ = done.send(open_now(&target, &options));
        })
        .map_err(|err| anyhow::anyhow!("cannot start a thread to connect: {err}"))?;
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if stop() {
            return Ok(None);
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            anyhow::bail!(
                "cannot connect to {server}: no answer within {} s (the server accepted the connection but did not let seed in; --connect-timeout or connect_timeout in the URL sets the wait)",
                timeout.as_secs_f64()
            );
        }
        match result.recv_timeout(left.min(Duration::from_millis(20))) {
            Ok(opened) => return opened.map(Some),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                anyhow::bail!("cannot connect to {server}: the connection attempt failed")
            }
        }
    }
}

fn open_now(target: &Target, options: &Options) -> Result<Box<dyn Conn>> {
    match target {
        Target::Sqlite { path, mode } => {
            Ok(Box::new(sqlite::SqliteConn::open(path, *mode, options)?))
        }
        #[cfg(feature = "postgres")]
        Target::Postgres { url } => Ok(Box::new(postgres::PostgresConn::open(url, options)?)),
        #[cfg(not(feature = "postgres"))]
        Target::Postgres { .. } => anyhow::bail!(
            "PostgreSQL support was not compiled in; rebuild with --features postgres"
        ),
        #[cfg(feature = "mysql")]
        Target::Mysql { url } => Ok(Box::new(mysql::MysqlConn::open(url, options)?)),
        #[cfg(not(feature = "mysql"))]
        Target::Mysql { .. } => anyhow::bail!(
            "MySQL/MariaDB support was not compiled in; rebuild with --features mysql"
        ),
    }
}
