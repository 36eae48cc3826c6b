//! MySQL and MariaDB, through the synchronous `mysql` driver. The tables
//! are those SQLAlchemy creates for flask-base's models, in the database
//! the URL names.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder, UrlError};

use super::columns::{self, Column};
use super::server;
use super::{Insert, Options, ROLES, RoleChange, RoleSpec, Sink, SkipReason};
use crate::generate::User;

/// InnoDB, for transactions and foreign keys whatever the server's default
/// engine. The indexes are declared inline: MySQL has no CREATE INDEX IF NOT EXISTS.
const CREATE_ROLES: &str = "CREATE TABLE IF NOT EXISTS roles (
    id INTEGER NOT NULL AUTO_INCREMENT,
    name VARCHAR(64),
    `index` VARCHAR(64),
    `default` BOOL,
    permissions INTEGER,
    PRIMARY KEY (id),
    UNIQUE (name),
    INDEX ix_roles_default (`default`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

const CREATE_USERS: &str = "CREATE TABLE IF NOT EXISTS users (
    id INTEGER NOT NULL AUTO_INCREMENT,
    confirmed BOOL,
    first_name VARCHAR(64),
    last_name VARCHAR(64),
    email VARCHAR(64),
    password_hash VARCHAR(128),
    role_id INTEGER,
    PRIMARY KEY (id),
    INDEX ix_users_first_name (first_name),
    INDEX ix_users_last_name (last_name),
    UNIQUE INDEX ix_users_email (email),
    FOREIGN KEY(role_id) REFERENCES roles (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

const INSERT_USER: &str = "INSERT INTO users (confirmed, first_name, last_name, email, password_hash, role_id) \
     VALUES (?, ?, ?, ?, ?, ?)";

const COLUMNS: &str = "SELECT LOWER(column_name), is_nullable = 'NO', \
     column_default IS NOT NULL OR extra LIKE '%auto_increment%' OR extra LIKE '%generated%' \
     FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?";

/// Unique indexes on exactly `users.email` (no prefix index).
const EMAIL_INDEXES: &str = "SELECT index_name FROM information_schema.statistics \
     WHERE table_schema = DATABASE() AND table_name = 'users' AND non_unique = 0 \
     GROUP BY index_name \
     HAVING COUNT(*) = 1 AND MAX(LOWER(column_name)) = 'email' AND MAX(sub_part) IS NULL";

// Server error numbers (the same in MySQL and MariaDB unless noted).
const ER_DUP_ENTRY: u16 = 1062;
const ER_DUP_ENTRY_WITH_KEY_NAME: u16 = 1586;
const ER_BAD_NULL_ERROR: u16 = 1048;
const ER_NO_DEFAULT_FOR_FIELD: u16 = 1364;
const ER_NO_REFERENCED_ROW: u16 = 1216;
const ER_NO_REFERENCED_ROW_2: u16 = 1452;
/// MySQL 8's CHECK constraint.
const ER_CHECK_CONSTRAINT_VIOLATED: u16 = 3819;
/// MariaDB's CHECK constraint.
const ER_CONSTRAINT_FAILED: u16 = 4025;
/// A trigger's SIGNAL.
const ER_SIGNAL_EXCEPTION: u16 = 1644;
const ER_LOCK_WAIT_TIMEOUT: u16 = 1205;
const ER_LOCK_DEADLOCK: u16 = 1213;
const ER_ACCESS_DENIED: u16 = 1045;
const ER_DBACCESS_DENIED: u16 = 1044;

pub struct MysqlSink {
    conn: Conn,
    /// `host:port`, for messages; never the user or password.
    server: String,
    lock_timeout: Duration,
    in_transaction: bool,
    /// Names of the unique indexes on `users(email)`, read when first needed.
    email_indexes: Option<Vec<String>>,
}

impl MysqlSink {
    pub fn open(url: &str, options: &Options) -> Result<MysqlSink> {
        // The driver knows only the mysql:// scheme.
        let (what, url) = match url.strip_prefix("mariadb://") {
            Some(rest) => ("MariaDB", format!("mysql://{rest}")),
            None => ("MySQL", url.to_owned()),
        };
        let opts =
            Opts::from_url(&url).map_err(|err| anyhow!("invalid MySQL URL: {}", why_url(&err)))?;
        let server = match opts.get_socket() {
            Some(socket) if opts.get_ip_or_hostname() == "localhost" => socket.to_owned(),
            _ => format!("{}:{}", opts.get_ip_or_hostname(), opts.get_tcp_port()),
        };
        let timeout = opts.get_tcp_connect_timeout().or(Some(CONNECT_TIMEOUT));
        let builder = OptsBuilder::from_opts(opts).tcp_connect_timeout(timeout);
        let conn = Conn::new(builder)
            .map_err(|err| anyhow!("cannot connect to {what} at {server}: {}", why(&err)))?;
        let mut sink = MysqlSink {
            conn,
            server,
            lock_timeout: options.busy_timeout,
            in_transaction: false,
            email_indexes: None,
        };
        sink.setup(options)?;
        Ok(sink)
    }

    fn setup(&mut self, options: &Options) -> Result<()> {
        let database: Option<String> = self
            .conn
            .query_first("SELECT DATABASE()")
            .map_err(|err| self.explain(err))?
            .flatten();
        if database.is_none() {
            bail!(
                "the URL names no database on {}; add one, as in mysql://HOST/DATABASE",
                self.server
            );
        }
        // InnoDB waits whole seconds, at least one.
        let seconds = options.busy_timeout.as_secs_f64().ceil().clamp(1.0, 1e9) as u64;
        // Strict mode makes a value that does not fit an error, never a
        // silently truncated row.
        self.conn
            .query_drop(format!(
                "SET SESSION innodb_lock_wait_timeout = {seconds}, \
                 SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, 'STRICT_ALL_TABLES')"
            ))
            .map_err(|err| self.explain(err))?;
        if options.durable {
            let flush: Option<u64> = self
                .conn
                .query_first("SELECT @@GLOBAL.innodb_flush_log_at_trx_commit")
                .map_err(|err| self.explain(err))?;
            if flush != Some(1) {
                bail!(
                    "--durable: the server at {} has innodb_flush_log_at_trx_commit = {}, so a commit may not reach the disk; it is a global setting only the server's administrator can change to 1",
                    self.server,
                    flush.map_or_else(|| "unknown".into(), |v| v.to_string())
                );
            }
        }
        Ok(())
    }

    fn explain(&self, err: mysql::Error) -> anyhow::Error {
        explain(err, &self.server, self.lock_timeout)
    }

    /// Each column of `table`, or None if the table does not exist.
    fn columns(&mut self, table: &str) -> Result<Option<Vec<Column>>> {
        let rows: Vec<(String, bool, bool)> = self
            .conn
            .exec(COLUMNS, (table,))
            .map_err(|err| self.explain(err))?;
        let columns: Vec<Column> = rows
            .into_iter()
            .map(|(name, not_null, has_default)| Column {
                name,
                not_null,
                has_default,
            })
            .collect();
        Ok((!columns.is_empty()).then_some(columns))
    }

    /// Refuses a schema seed cannot fill or cannot detect duplicates in.
    /// Only reads: a refused database is left exactly as it was.
    fn check_schema(&mut self) -> Result<()> {
        for (table, required) in [
            ("roles", columns::ROLES_COLUMNS),
            ("users", columns::USERS_COLUMNS),
        ] {
            let Some(columns) = self.columns(table)? else {
                continue;
            };
            columns::check_columns(table, required, &columns)?;
            if table == "users" && self.email_indexes()?.is_empty() {
                bail!(
                    "users.email has no UNIQUE constraint or unique index, so duplicate emails could not be detected; refusing to seed"
                );
            }
        }
        Ok(())
    }

    fn email_indexes(&mut self) -> Result<&[String]> {
        if self.email_indexes.is_none() {
            let names: Vec<String> = self
                .conn
                .query(EMAIL_INDEXES)
                .map_err(|err| self.explain(err))?;
            self.email_indexes = Some(names);
        }
        Ok(self.email_indexes.as_deref().unwrap_or_default())
    }

    fn upsert_role(&mut self, role: &RoleSpec) -> Result<RoleChange, mysql::Error> {
        let (name, permissions, index, default) =
            (role.name, role.permissions, role.index, role.default);
        self.conn.exec_drop(
            "UPDATE roles SET permissions = ?, `index` = ?, `default` = ? WHERE name = ? \
             AND NOT (permissions <=> ? AND BINARY `index` <=> BINARY ? AND `default` <=> ?)",
            (
                permissions,
                index,
                default,
                name,
                permissions,
                index,
                default,
            ),
        )?;
        if self.conn.affected_rows() > 0 {
            return Ok(RoleChange::Updated);
        }
        self.conn.exec_drop(
            "INSERT INTO roles (name, permissions, `index`, `default`) SELECT ?, ?, ?, ? FROM DUAL \
             WHERE NOT EXISTS (SELECT 1 FROM roles WHERE name = ?)",
            (name, permissions, index, default, name),
        )?;
        Ok(if self.conn.affected_rows() > 0 {
            RoleChange::Created
        } else {
            RoleChange::Unchanged
        })
    }

    fn classify(&mut self, err: mysql::Error) -> Result<Insert> {
        let mysql::Error::MySqlError(server_err) = &err else {
            return Err(self.explain(err));
        };
        let reason = match server_err.code {
            ER_DUP_ENTRY | ER_DUP_ENTRY_WITH_KEY_NAME => {
                let key = duplicate_key(&server_err.message).unwrap_or_default();
                if self.email_indexes()?.iter().any(|name| name == key) {
                    SkipReason::DuplicateEmail
                } else {
                    SkipReason::UniqueViolation
                }
            }
            ER_BAD_NULL_ERROR | ER_NO_DEFAULT_FOR_FIELD => SkipReason::NotNull,
            ER_NO_REFERENCED_ROW | ER_NO_REFERENCED_ROW_2 => SkipReason::ForeignKey,
            ER_CHECK_CONSTRAINT_VIOLATED | ER_CONSTRAINT_FAILED => SkipReason::Check,
            ER_SIGNAL_EXCEPTION => SkipReason::OtherConstraint,
            _ => return Err(self.explain(err)),
        };
        Ok(Insert::Skipped {
            reason,
            detail: server_err.message.clone(),
        })
    }

    fn rollback(&mut self) {
        if self.in_transaction {
            self.in_transaction = false;
            // Nothing more to do if it fails: the server rolls back when
            // the connection closes.
            let _ = self.conn.query_drop("ROLLBACK");
        }
    }
}

impl Sink for MysqlSink {
    fn prepare(&mut self) -> Result<Vec<(&'static str, RoleChange)>> {
        self.check_schema()?;
        // DDL commits on its own in MySQL: the tables come first, then the
        // roles in one transaction.
        for sql in [CREATE_ROLES, CREATE_USERS] {
            self.conn.query_drop(sql).map_err(|err| self.explain(err))?;
        }
        self.email_indexes = None;
        self.begin()?;
        let mut changes = Vec::with_capacity(ROLES.len());
        for role in ROLES {
            let change = match self.upsert_role(role) {
                Ok(change) => change,
                Err(err) => {
                    let err = self.explain(err);
                    self.rollback();
                    return Err(err).with_context(|| format!("cannot write role {}", role.name));
                }
            };
            changes.push((role.name, change));
        }
        self.commit()?;
        Ok(changes)
    }

    fn roles(&mut self) -> Result<Vec<(i64, String)>> {
        self.conn
            .query("SELECT CAST(id AS SIGNED), name FROM roles WHERE name IS NOT NULL ORDER BY id")
            .map_err(|err| self.explain(err))
    }

    fn begin(&mut self) -> Result<()> {
        self.conn
            .query_drop("START TRANSACTION")
            .map_err(|err| self.explain(err))?;
        self.in_transaction = true;
        Ok(())
    }

    fn insert(&mut self, user: &User) -> Result<Insert> {
        // A failed INSERT is rolled back as a whole statement (trigger
        // writes included) and leaves the transaction usable, so a row
        // needs no savepoint of its own, unlike in PostgreSQL.
        let result = self.conn.exec_drop(
            INSERT_USER,
            (
                user.confirmed,
                &user.first_name,
                &user.last_name,
                &user.email,
                &user.password_hash,
                user.role_id,
            ),
        );
        let outcome = match result {
            Ok(()) => Ok(Insert::Inserted),
            Err(err) => self.classify(err),
        };
        if outcome.is_err() {
            self.rollback();
        }
        outcome
    }

    fn commit(&mut self) -> Result<()> {
        if let Err(err) = self.conn.query_drop("COMMIT") {
            let err = self.explain(err);
            self.rollback();
            return Err(err);
        }
        self.in_transaction = false;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.rollback();
        Ok(())
    }
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The key in "Duplicate entry 'x' for key 'ix_users_email'" (MySQL 8
/// writes 'users.ix_users_email').
fn duplicate_key(message: &str) -> Option<&str> {
    let (_, key) = message.rsplit_once(" for key '")?;
    let key = key.strip_suffix('\'')?;
    Some(key.rsplit_once('.').map_or(key, |(_, name)| name))
}

/// A URL error without the URL's values, which may be secrets.
fn why_url(err: &UrlError) -> String {
    match err {
        UrlError::ParseError(err) => err.to_string(),
        UrlError::UnknownParameter(name) => format!("unknown parameter '{name}'"),
        UrlError::InvalidValue(name, _) => format!("invalid value for parameter '{name}'"),
        UrlError::UnsupportedScheme(scheme) => format!("unsupported scheme '{scheme}'"),
        other => format!("{other:?}")
            .split('(')
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}

/// Why a connection failed, in a few words that name neither user nor
/// password (the server's own message for a bad login names the user).
fn why(err: &mysql::Error) -> String {
    match err {
        mysql::Error::MySqlError(e) if e.code == ER_ACCESS_DENIED => {
            "the server refused the user name or password".into()
        }
        mysql::Error::MySqlError(e) if e.code == ER_DBACCESS_DENIED => {
            "the server refused access to the database".into()
        }
        mysql::Error::MySqlError(e) => e.message.clone(),
        mysql::Error::IoError(io) => server::describe_io(io),
        mysql::Error::DriverError(mysql::DriverError::CouldNotConnect(Some((_, desc, kind)))) => {
            server::describe_io(&std::io::Error::new(*kind, desc.clone()))
        }
        other => other.to_string(),
    }
}

/// Plain words for the errors a user can do something about.
fn explain(err: mysql::Error, server: &str, lock_timeout: Duration) -> anyhow::Error {
    match &err {
        mysql::Error::MySqlError(e) if e.code == ER_LOCK_DEADLOCK => {
            anyhow::Error::new(super::Deadlock {
                server: format!("MySQL at {server}"),
            })
        }
        mysql::Error::MySqlError(e) if e.code == ER_LOCK_WAIT_TIMEOUT => anyhow!(
            "a row is locked by another connection on MySQL at {server} (waited {:.0}s; wait longer with --busy-timeout SECONDS)",
            lock_timeout.as_secs_f64().ceil().max(1.0)
        ),
        mysql::Error::MySqlError(e) => {
            anyhow!("MySQL at {server}: {} (error {})", e.message, e.code)
        }
        _ => anyhow!("MySQL at {server}: {}", why(&err)),
    }
}
