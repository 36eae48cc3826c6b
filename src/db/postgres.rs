//! PostgreSQL, through the synchronous `postgres` driver. The tables are
//! those SQLAlchemy creates for flask-base's models, in the connection's
//! current schema (the first schema of `search_path`).

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use postgres::config::Host;
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls, Statement};

use super::columns::{self, Column};
use super::server;
use super::{Insert, Options, ROLES, RoleChange, RoleSpec, Sink, SkipReason};
use crate::generate::User;

const CREATE_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS roles (
    id SERIAL NOT NULL,
    name VARCHAR(64),
    "index" VARCHAR(64),
    "default" BOOLEAN,
    permissions INTEGER,
    PRIMARY KEY (id),
    UNIQUE (name)
);
CREATE INDEX IF NOT EXISTS ix_roles_default ON roles ("default");
CREATE TABLE IF NOT EXISTS users (
    id SERIAL NOT NULL,
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

/// The casts let the server convert to whatever integer or text type an
/// existing table uses.
const INSERT_USER: &str = "INSERT INTO users (confirmed, first_name, last_name, email, password_hash, role_id) \
     VALUES ($1::boolean, $2::text, $3::text, $4::text, $5::text, $6::bigint)";

const COLUMNS: &str = "SELECT column_name::text, is_nullable = 'NO', \
     column_default IS NOT NULL OR is_identity = 'YES' OR is_generated <> 'NEVER' \
     FROM information_schema.columns \
     WHERE table_schema = current_schema() AND table_name = $1";

/// Unique indexes (and so unique constraints) on exactly `users.email`,
/// checked at insert time, over every row.
const EMAIL_INDEXES: &str = "SELECT ic.relname::text FROM pg_index i \
     JOIN pg_class ic ON ic.oid = i.indexrelid \
     JOIN pg_class t ON t.oid = i.indrelid \
     JOIN pg_namespace n ON n.oid = t.relnamespace \
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] \
     WHERE n.nspname = current_schema() AND t.relname = 'users' \
     AND i.indisunique AND i.indimmediate AND i.indnkeyatts = 1 \
     AND i.indpred IS NULL AND i.indexprs IS NULL AND a.attname = 'email'";

pub struct PostgresSink {
    client: Client,
    /// `host:port`, for messages; never the user or password.
    server: String,
    lock_timeout: Duration,
    in_transaction: bool,
    /// A row savepoint is open in the transaction.
    savepoint: bool,
    insert: Option<Statement>,
    /// Names of the unique indexes on `users(email)`, read when first needed.
    email_indexes: Option<Vec<String>>,
}

impl PostgresSink {
    pub fn open(url: &str, options: &Options) -> Result<PostgresSink> {
        let mut config: Config = url
            .parse()
            .map_err(|err| anyhow!("invalid PostgreSQL URL: {err}"))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let server = server_of(&config);
        let client = config
            .connect(NoTls)
            .map_err(|err| anyhow!("cannot connect to PostgreSQL at {server}: {}", why(&err)))?;
        let mut sink = PostgresSink {
            client,
            server,
            lock_timeout: options.busy_timeout,
            in_transaction: false,
            savepoint: false,
            insert: None,
            email_indexes: None,
        };
        // lock_timeout 0 would mean "wait forever"; SQLite's 0 means "don't wait".
        let millis = options.busy_timeout.as_millis().clamp(1, i32::MAX as u128);
        let mut setup = format!("SET lock_timeout = {millis}");
        if options.durable {
            setup.push_str("; SET synchronous_commit = on");
        }
        sink.client
            .batch_execute(&setup)
            .map_err(|err| sink.explain(err))?;
        Ok(sink)
    }

    fn explain(&self, err: postgres::Error) -> anyhow::Error {
        explain(err, &self.server, self.lock_timeout)
    }

    /// Each column of `table`, or None if the table does not exist.
    fn columns(&mut self, table: &str) -> Result<Option<Vec<Column>>> {
        let rows = self
            .client
            .query(COLUMNS, &[&table])
            .map_err(|err| self.explain(err))?;
        let columns = rows
            .iter()
            .map(|row| {
                Ok(Column {
                    name: row.try_get(0)?,
                    not_null: row.try_get(1)?,
                    has_default: row.try_get(2)?,
                })
            })
            .collect::<Result<Vec<_>, postgres::Error>>()
            .map_err(|err| self.explain(err))?;
        Ok((!columns.is_empty()).then_some(columns))
    }

    /// Refuses a schema seed cannot fill or cannot detect duplicates in.
    /// Only reads: a refused database is left exactly as it was.
    fn check_schema(&mut self) -> Result<()> {
        let schema: Option<String> = self
            .client
            .query_one("SELECT current_schema()::text", &[])
            .and_then(|row| row.try_get(0))
            .map_err(|err| self.explain(err))?;
        if schema.is_none() {
            bail!(
                "no schema of the search_path exists on PostgreSQL at {}; create one or set search_path in the URL (options=-csearch_path%3DNAME)",
                self.server
            );
        }
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
            let rows = self
                .client
                .query(EMAIL_INDEXES, &[])
                .map_err(|err| self.explain(err))?;
            let names = rows
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<Vec<String>, _>>()
                .map_err(|err| self.explain(err))?;
            self.email_indexes = Some(names);
        }
        Ok(self.email_indexes.as_deref().unwrap_or_default())
    }

    fn upsert_role(&mut self, role: &RoleSpec) -> Result<RoleChange, postgres::Error> {
        let permissions = i32::try_from(role.permissions).unwrap_or(i32::MAX);
        let values: [&(dyn postgres::types::ToSql + Sync); 4] =
            [&role.name, &permissions, &role.index, &role.default];
        let updated = self.client.execute(
            "UPDATE roles SET permissions = $2::integer, \"index\" = $3::text, \"default\" = $4::boolean \
             WHERE name = $1::text AND (permissions IS DISTINCT FROM $2::integer \
             OR \"index\" IS DISTINCT FROM $3::text OR \"default\" IS DISTINCT FROM $4::boolean)",
            &values,
        )?;
        if updated > 0 {
            return Ok(RoleChange::Updated);
        }
        let created = self.client.execute(
            "INSERT INTO roles (name, permissions, \"index\", \"default\") \
             SELECT $1::text, $2::integer, $3::text, $4::boolean \
             WHERE NOT EXISTS (SELECT 1 FROM roles WHERE name = $1::text)",
            &values,
        )?;
        Ok(if created > 0 {
            RoleChange::Created
        } else {
            RoleChange::Unchanged
        })
    }

    fn insert_statement(&mut self) -> Result<Statement> {
        if let Some(statement) = &self.insert {
            return Ok(statement.clone());
        }
        let statement = self
            .client
            .prepare(INSERT_USER)
            .map_err(|err| self.explain(err))?;
        self.insert = Some(statement.clone());
        Ok(statement)
    }

    fn classify(&mut self, err: postgres::Error) -> Result<Insert> {
        let Some(db) = err.as_db_error() else {
            return Err(self.explain(err));
        };
        let code = db.code().clone();
        let constraint = db.constraint().map(str::to_owned);
        let detail = match db.detail() {
            Some(detail) => format!("{}: {detail}", db.message()),
            None => db.message().to_owned(),
        };
        let reason = if code == SqlState::UNIQUE_VIOLATION {
            let is_email = match &constraint {
                Some(name) => self.email_indexes()?.contains(name),
                None => false,
            };
            if is_email {
                SkipReason::DuplicateEmail
            } else {
                SkipReason::UniqueViolation
            }
        } else if code == SqlState::NOT_NULL_VIOLATION {
            SkipReason::NotNull
        } else if code == SqlState::CHECK_VIOLATION {
            SkipReason::Check
        } else if code == SqlState::FOREIGN_KEY_VIOLATION {
            SkipReason::ForeignKey
        } else if code.code().starts_with("23") || code == SqlState::RAISE_EXCEPTION {
            // Class 23 (e.g. an exclusion constraint), or a trigger's RAISE.
            SkipReason::OtherConstraint
        } else {
            return Err(self.explain(err));
        };
        Ok(Insert::Skipped { reason, detail })
    }

    fn rollback(&mut self) {
        if self.in_transaction {
            self.in_transaction = false;
            self.savepoint = false;
            // Nothing more to do if it fails: the server rolls back when
            // the connection closes.
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }
}

impl Sink for PostgresSink {
    fn prepare(&mut self) -> Result<Vec<(&'static str, RoleChange)>> {
        self.check_schema()?;
        self.client
            .batch_execute("BEGIN")
            .map_err(|err| self.explain(err))?;
        self.in_transaction = true;
        let result = (|| {
            self.client
                .batch_execute(CREATE_SCHEMA)
                .map_err(|err| self.explain(err))?;
            let mut changes = Vec::with_capacity(ROLES.len());
            for role in ROLES {
                let change = self
                    .upsert_role(role)
                    .map_err(|err| self.explain(err))
                    .with_context(|| format!("cannot write role {}", role.name))?;
                changes.push((role.name, change));
            }
            self.commit()?;
            Ok(changes)
        })();
        if result.is_err() {
            self.rollback();
        }
        // The index list read before creating the tables may be stale.
        self.email_indexes = None;
        result
    }

    fn roles(&mut self) -> Result<Vec<(i64, String)>> {
        let rows = self
            .client
            .query(
                "SELECT id::bigint, name::text FROM roles WHERE name IS NOT NULL ORDER BY id",
                &[],
            )
            .map_err(|err| self.explain(err))?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<Vec<_>, postgres::Error>>()
            .map_err(|err| self.explain(err))
    }

    fn begin(&mut self) -> Result<()> {
        self.client
            .batch_execute("BEGIN")
            .map_err(|err| self.explain(err))?;
        self.in_transaction = true;
        self.savepoint = false;
        Ok(())
    }

    fn insert(&mut self, user: &User) -> Result<Insert> {
        let statement = match self.insert_statement() {
            Ok(statement) => statement,
            Err(err) => {
                self.rollback();
                return Err(err);
            }
        };
        if self.in_transaction {
            // A failed statement aborts the whole transaction in PostgreSQL:
            // each row gets a savepoint to roll back to. Releasing the last
            // row's savepoint and opening this one costs one round trip.
            let sql = if self.savepoint {
                "RELEASE SAVEPOINT row; SAVEPOINT row"
            } else {
                "SAVEPOINT row"
            };
            if let Err(err) = self.client.batch_execute(sql) {
                let err = self.explain(err);
                self.rollback();
                return Err(err);
            }
            self.savepoint = true;
        }
        let result = self.client.execute(
            &statement,
            &[
                &user.confirmed,
                &user.first_name,
                &user.last_name,
                &user.email,
                &user.password_hash,
                &user.role_id,
            ],
        );
        let Err(err) = result else {
            return Ok(Insert::Inserted);
        };
        if self.in_transaction
            && let Err(undo) = self.client.batch_execute("ROLLBACK TO SAVEPOINT row")
        {
            let undo = self.explain(undo);
            self.rollback();
            return Err(undo);
        }
        let outcome = self.classify(err);
        if outcome.is_err() {
            self.rollback();
        }
        outcome
    }

    fn commit(&mut self) -> Result<()> {
        if let Err(err) = self.client.batch_execute("COMMIT") {
            let err = self.explain(err);
            self.rollback();
            return Err(err);
        }
        self.in_transaction = false;
        self.savepoint = false;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.rollback();
        Ok(())
    }
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// `host:port` of the first server in the URL.
fn server_of(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        Some(Host::Unix(path)) => path.display().to_string(),
        None => match config.get_hostaddrs().first() {
            Some(addr) => addr.to_string(),
            None => "localhost".into(),
        },
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}")
}

/// Why a connection failed, in a few words that name neither user nor
/// password (the server's own message for a bad login names the user).
fn why(err: &postgres::Error) -> String {
    if let Some(db) = err.as_db_error() {
        return match db.code().code() {
            "28P01" | "28000" => "the server refused the user name or password".into(),
            _ => db.message().to_owned(),
        };
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return server::describe_io(io);
        }
        source = cause.source();
    }
    err.to_string()
}

/// Plain words for the errors a user can do something about.
fn explain(err: postgres::Error, server: &str, lock_timeout: Duration) -> anyhow::Error {
    if err.is_closed() {
        return anyhow!("lost the connection to PostgreSQL at {server}");
    }
    let Some(db) = err.as_db_error() else {
        return anyhow!("PostgreSQL at {server}: {}", why(&err));
    };
    match db.code() {
        &SqlState::T_R_DEADLOCK_DETECTED | &SqlState::T_R_SERIALIZATION_FAILURE => {
            anyhow::Error::new(super::Deadlock {
                server: format!("PostgreSQL at {server}"),
            })
        }
        &SqlState::LOCK_NOT_AVAILABLE => anyhow!(
            "a table is locked by another connection on PostgreSQL at {server} (waited {:.1}s; wait longer with --busy-timeout SECONDS)",
            lock_timeout.as_secs_f64()
        ),
        &SqlState::INSUFFICIENT_PRIVILEGE | &SqlState::READ_ONLY_SQL_TRANSACTION => {
            anyhow!("PostgreSQL at {server} refused the write: {}", db.message())
        }
        code => {
            let mut message = format!(
                "PostgreSQL at {server}: {} (SQLSTATE {})",
                db.message(),
                code.code()
            );
            if let Some(detail) = db.detail() {
                message.push_str(": ");
                message.push_str(detail);
            }
            anyhow!(message)
        }
    }
}
