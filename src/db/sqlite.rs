//! The embedded default: one SQLite file, schema compatible with flask-base.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior, ffi, params};

use super::columns::{self, Column, ROLES_COLUMNS, USERS_COLUMNS};
use super::{Insert, Options, ROLES, RoleChange, Sink, SkipReason, SqliteMode};
use crate::generate::User;

/// The tables as SQLAlchemy creates them for flask-base's models.
const CREATE_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS roles (
    id INTEGER NOT NULL,
    name VARCHAR(64),
    "index" VARCHAR(64),
    "default" BOOLEAN,
    permissions INTEGER,
    PRIMARY KEY (id),
    UNIQUE (name)
);
CREATE INDEX IF NOT EXISTS ix_roles_default ON roles ("default");
CREATE TABLE IF NOT EXISTS users (
    id INTEGER NOT NULL,
    confirmed BOOLEAN,
    first_name VARCHAR(64),
    last_name VARCHAR(64),
    email VARCHAR(64),
    password_hash VARCHAR(128),
    role_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(role_id) REFERENCES roles (id)
);
CREATE INDEX IF NOT EXISTS ix_users_first_name ON users (first_name);
CREATE INDEX IF NOT EXISTS ix_users_last_name ON users (last_name);
CREATE UNIQUE INDEX IF NOT EXISTS ix_users_email ON users (email);
"#;

const INSERT_USER: &str = "INSERT INTO users (confirmed, first_name, last_name, email, password_hash, role_id) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

pub struct SqliteSink {
    conn: Connection,
    path: PathBuf,
    busy_timeout: Duration,
    durable: bool,
    in_transaction: bool,
    /// The journal mode to restore when done, if seeding switched to WAL.
    restore_journal_mode: Option<String>,
}

impl SqliteSink {
    pub fn open(path: &Path, mode: SqliteMode, options: &Options) -> Result<SqliteSink> {
        check_path(path, mode)?;
        let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX
            | match mode {
                SqliteMode::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
                SqliteMode::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
                SqliteMode::ReadWriteCreate => {
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
                }
            };
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|err| explain(err, path, options.busy_timeout))?;
        let sink = SqliteSink {
            conn,
            path: path.to_owned(),
            busy_timeout: options.busy_timeout,
            durable: options.durable,
            in_transaction: false,
            restore_journal_mode: None,
        };
        sink.conn
            .busy_timeout(options.busy_timeout)
            .map_err(|err| sink.explain(err))?;
        sink.conn
            .pragma_update(None, "foreign_keys", true)
            .map_err(|err| sink.explain(err))?;
        // The first read of the file: fails here if it is not SQLite.
        sink.conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| {
                row.get::<_, i64>(0)
            })
            .map_err(|err| sink.explain(err))?;
        Ok(sink)
    }

    fn explain(&self, err: rusqlite::Error) -> anyhow::Error {
        explain(err, &self.path, self.busy_timeout)
    }

    /// Each column of `table`, or None if the table does not exist. An
    /// INTEGER PRIMARY KEY is the rowid, which SQLite fills: a default.
    fn columns(&self, table: &str) -> Result<Option<Vec<Column>>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT name, \"notnull\", dflt_value IS NOT NULL \
                 OR (pk = 1 AND upper(type) = 'INTEGER' \
                     AND (SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0) = 1) \
                 FROM pragma_table_info(?1)",
            )
            .map_err(|err| self.explain(err))?;
        let columns = stmt
            .query_map([table], |row| {
                Ok(Column {
                    name: row.get::<_, String>(0)?.to_ascii_lowercase(),
                    not_null: row.get(1)?,
                    has_default: row.get(2)?,
                })
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|err| self.explain(err))?;
        Ok((!columns.is_empty()).then_some(columns))
    }

    /// Refuses a schema seed cannot fill or cannot detect duplicates in.
    /// Only reads: a refused file is left exactly as it was.
    fn check_schema(&self) -> Result<()> {
        for (table, required) in [("roles", ROLES_COLUMNS), ("users", USERS_COLUMNS)] {
            let Some(columns) = self.columns(table)? else {
                continue;
            };
            columns::check_columns(table, required, &columns)
                .map_err(|err| anyhow!("{err} ({})", self.path.display()))?;
            if table == "users" && !self.email_is_unique()? {
                bail!(
                    "users.email has no UNIQUE constraint or unique index, so duplicate emails could not be detected; refusing to seed {}",
                    self.path.display()
                );
            }
        }
        Ok(())
    }

    fn email_is_unique(&self) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM pragma_index_list('users') AS l \
                 WHERE l.\"unique\" = 1 \
                 AND (SELECT count(*) FROM pragma_index_info(l.name)) = 1 \
                 AND (SELECT lower(name) FROM pragma_index_info(l.name)) = 'email')",
                [],
                |row| row.get(0),
            )
            .map_err(|err| self.explain(err))
    }

    /// WAL lets each commit append to one log instead of rewriting the
    /// database and a rollback journal; `finish` switches back.
    fn use_wal(&mut self) -> Result<()> {
        let current: String = self
            .conn
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .map_err(|err| self.explain(err))?;
        let current = current.to_ascii_lowercase();
        if current != "wal" && current != "memory" {
            let now: String = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
                .map_err(|err| self.explain(err))?;
            if now.eq_ignore_ascii_case("wal") {
                self.restore_journal_mode = Some(current);
            }
        }
        let synchronous = if self.durable { "FULL" } else { "NORMAL" };
        self.conn
            .pragma_update(None, "synchronous", synchronous)
            .map_err(|err| self.explain(err))?;
        // A checkpoint costs two fsyncs and rewrites every page the log
        // holds. At SQLite's default (every 1,000 pages: every ~250 one-row
        // commits here) checkpoints took most of the time; every 100,000
        // pages (the log may reach ~400 MiB during a large run, and is
        // folded back at the end) lets pages changed many times be written
        // once (bench/sqlite.sh, one commit per row: ~8,800 rows/s at 10,000
        // pages, ~12,000 at 100,000).
        // A bigger page cache keeps more of the index pages a row touches in
        // memory, so fewer are read back from the file: at 1,000,000 users
        // in batches of 1,000, system time fell from 12.4 s with 8 MiB to
        // 8.7 s with 12 MiB, and peak RSS stays near 22 MiB, under the
        // 30 MiB budget. The per-row savepoints of a batch keep their
        // journal in memory.
        self.conn
            .execute_batch(
                "PRAGMA wal_autocheckpoint = 100000; PRAGMA cache_size = -12288; PRAGMA temp_store = MEMORY;",
            )
            .map_err(|err| self.explain(err))
    }

    fn upsert_role(&self, role: &super::RoleSpec) -> rusqlite::Result<RoleChange> {
        let values = params![role.name, role.permissions, role.index, role.default];
        let updated = self.conn.execute(
            "UPDATE roles SET permissions = ?2, \"index\" = ?3, \"default\" = ?4 WHERE name = ?1 \
             AND (permissions IS NOT ?2 OR \"index\" IS NOT ?3 OR \"default\" IS NOT ?4)",
            values,
        )?;
        if updated > 0 {
            return Ok(RoleChange::Updated);
        }
        let created = self.conn.execute(
            "INSERT INTO roles (name, permissions, \"index\", \"default\") SELECT ?1, ?2, ?3, ?4 \
             WHERE NOT EXISTS (SELECT 1 FROM roles WHERE name = ?1)",
            values,
        )?;
        Ok(if created > 0 {
            RoleChange::Created
        } else {
            RoleChange::Unchanged
        })
    }

    fn run_cached(&self, sql: &str) -> rusqlite::Result<()> {
        self.conn.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    fn classify(&self, err: rusqlite::Error, user: &User) -> Result<Insert> {
        let rusqlite::Error::SqliteFailure(code, message) = &err else {
            return Err(self.explain(err));
        };
        if code.code != ErrorCode::ConstraintViolation {
            return Err(self.explain(err));
        }
        let reason = match code.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE if self.email_exists(&user.email)? => {
                SkipReason::DuplicateEmail
            }
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                SkipReason::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_NOTNULL => SkipReason::NotNull,
            ffi::SQLITE_CONSTRAINT_CHECK => SkipReason::Check,
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => SkipReason::ForeignKey,
            _ => SkipReason::OtherConstraint,
        };
        let detail = message.clone().unwrap_or_else(|| err.to_string());
        Ok(Insert::Skipped { reason, detail })
    }

    fn email_exists(&self, email: &str) -> Result<bool> {
        self.conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM users WHERE email = ?1)")
            .and_then(|mut stmt| stmt.query_row([email], |row| row.get(0)))
            .map_err(|err| self.explain(err))
    }

    fn rollback(&mut self) {
        if self.in_transaction {
            self.in_transaction = false;
            // Nothing more to do if it fails: SQLite rolls back on close.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl Sink for SqliteSink {
    fn prepare(&mut self) -> Result<Vec<(&'static str, RoleChange)>> {
        self.check_schema()?;
        // Switching to WAL takes the write lock without waiting for it (a
        // second seeder starting at the same moment would fail at once):
        // wait here as SQLite waits for any other lock.
        let deadline = Instant::now() + self.busy_timeout;
        loop {
            match self.use_wal() {
                Err(err) if err.is::<Locked>() && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                other => break other?,
            }
        }
        // IMMEDIATE: a deferred transaction would read the schema first and
        // then fail at once, without waiting, when another seeder writes.
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|err| self.explain(err))?;
        self.conn
            .execute_batch(CREATE_SCHEMA)
            .map_err(|err| self.explain(err))?;
        let mut changes = Vec::with_capacity(ROLES.len());
        for role in ROLES {
            let change = self
                .upsert_role(role)
                .map_err(|err| self.explain(err))
                .with_context(|| format!("cannot write role {}", role.name))?;
            changes.push((role.name, change));
        }
        tx.commit().map_err(|err| self.explain(err))?;
        Ok(changes)
    }

    fn roles(&mut self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name FROM roles WHERE name IS NOT NULL ORDER BY id")
            .map_err(|err| self.explain(err))?;
        stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(Iterator::collect)
            .map_err(|err| self.explain(err))
    }

    fn begin(&mut self) -> Result<()> {
        // IMMEDIATE takes the write lock now, waiting out other writers
        // with the busy timeout instead of failing at the first write.
        self.run_cached("BEGIN IMMEDIATE")
            .map_err(|err| self.explain(err))?;
        self.in_transaction = true;
        Ok(())
    }

    fn insert(&mut self, user: &User) -> Result<Insert> {
        if self.in_transaction
            && let Err(err) = self.run_cached("SAVEPOINT row")
        {
            self.rollback();
            return Err(self.explain(err));
        }
        let result = self.conn.prepare_cached(INSERT_USER).and_then(|mut stmt| {
            stmt.execute(params![
                user.confirmed,
                user.first_name,
                user.last_name,
                user.email,
                user.password_hash,
                user.role_id
            ])
        });
        let outcome = match result {
            Ok(_) => Ok(Insert::Inserted),
            Err(err) => self.classify(err, user),
        };
        if self.in_transaction {
            let end = match outcome {
                Ok(Insert::Inserted) => self.run_cached("RELEASE row"),
                _ => self
                    .run_cached("ROLLBACK TO row")
                    .and_then(|()| self.run_cached("RELEASE row")),
            };
            if let Err(err) = end {
                self.rollback();
                return Err(self.explain(err));
            }
            if outcome.is_err() {
                self.rollback();
            }
        }
        outcome
    }

    fn commit(&mut self) -> Result<()> {
        if let Err(err) = self.run_cached("COMMIT") {
            self.rollback();
            return Err(self.explain(err));
        }
        self.in_transaction = false;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.rollback();
        let Some(mode) = self.restore_journal_mode.take() else {
            return Ok(());
        };
        // Another connection (say, a second seeder) keeps the file in WAL
        // mode; the last one to close folds the log back in. Don't wait for it.
        self.conn
            .busy_timeout(Duration::ZERO)
            .map_err(|err| self.explain(err))?;
        let restored = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .and_then(|()| {
                let sql = match mode.as_str() {
                    "truncate" => "PRAGMA journal_mode = TRUNCATE",
                    "persist" => "PRAGMA journal_mode = PERSIST",
                    "off" => "PRAGMA journal_mode = OFF",
                    _ => "PRAGMA journal_mode = DELETE",
                };
                self.conn.query_row(sql, [], |_| Ok(()))
            });
        match restored {
            Err(err) if !is_busy(&err) => Err(self.explain(err)),
            _ => Ok(()),
        }
    }
}

fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Another connection held a lock longer than the busy timeout.
#[derive(Debug)]
struct Locked {
    path: String,
    busy_timeout: Duration,
}

impl std::fmt::Display for Locked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "database {} is locked by another connection (waited {:.1}s; wait longer with --busy-timeout SECONDS)",
            self.path,
            self.busy_timeout.as_secs_f64()
        )
    }
}

impl std::error::Error for Locked {}

/// Plain words for the errors a user can do something about.
fn explain(err: rusqlite::Error, path: &Path, busy_timeout: Duration) -> anyhow::Error {
    let path = path.display();
    match err.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => anyhow::Error::new(Locked {
            path: path.to_string(),
            busy_timeout,
        }),
        Some(ErrorCode::DiskFull) => anyhow!("disk is full: cannot write to {path}"),
        Some(ErrorCode::ReadOnly) => anyhow!("database {path} is read-only"),
        Some(ErrorCode::NotADatabase) => anyhow!("{path} is not a SQLite database"),
        Some(ErrorCode::CannotOpen) => anyhow!("cannot open database {path}"),
        _ => anyhow::Error::new(err).context(format!("database {path}")),
    }
}

/// Errors SQLite would report vaguely ("unable to open database file").
fn check_path(path: &Path, mode: SqliteMode) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            bail!("{} is a directory, not a database file", path.display())
        }
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            if mode != SqliteMode::ReadWriteCreate {
                bail!("database {} does not exist", path.display());
            }
            match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() && !parent.is_dir() => bail!(
                    "cannot create database {}: folder {} does not exist",
                    path.display(),
                    parent.display()
                ),
                _ => Ok(()),
            }
        }
        Err(err) => {
            Err(anyhow::Error::new(err).context(format!("cannot open database {}", path.display())))
        }
    }
}
