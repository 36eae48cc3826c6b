//! PostgreSQL, through the synchronous `postgres` driver. A table is the
//! one an unqualified name finds (the first schema of `search_path` that
//! has it); seed creates tables in the current schema.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::config::Host;
use postgres::config::SslMode;
use postgres::error::SqlState;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, Config, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

mod catalog;

use super::CONNECT_TIMEOUT;
use super::charset::{Charset, Narrow, Repertoire, Table};
use super::columns::Column;
use super::ddl::Dialect;
use super::server;
use super::tls::{self, Verify};
use super::{Conn, Insert, InsertTarget, Options, Row, SkipReason, Value, Writer};
use crate::app::TableDef;
use crate::catalog::Described;

/// SQLAlchemy's PostgreSQL DDL.
const DIALECT: Dialect = Dialect {
    quote: '"',
    serial: "SERIAL NOT NULL",
    boolean: "BOOLEAN",
    datetime: "TIMESTAMP WITHOUT TIME ZONE",
    inline_indexes: false,
    table_suffix: "",
    placeholder: |n| format!("${n}"),
};

/// The columns of table `$1` where an unqualified name finds it (the first
/// schema of the search_path that has it), as `describe` does.
const COLUMNS: &str = "SELECT column_name::text, is_nullable = 'NO', \
     column_default IS NOT NULL OR is_identity = 'YES' OR is_generated <> 'NEVER', \
     character_maximum_length \
     FROM information_schema.columns \
     WHERE table_schema::text = (SELECT n.nspname::text \
       FROM unnest(current_schemas(false)) WITH ORDINALITY AS s(name, position) \
       JOIN pg_namespace n ON n.nspname = s.name \
       JOIN pg_class c ON c.relnamespace = n.oid \
       WHERE c.relname = $1 AND c.relkind IN ('r', 'p') ORDER BY s.position LIMIT 1) \
     AND table_name = $1 ORDER BY ordinal_position";

/// Unique indexes (and so unique constraints) on exactly one column,
/// checked at insert time, over every row.
const UNIQUE_INDEXES: &str = "SELECT ic.relname::text FROM pg_index i \
     JOIN pg_class ic ON ic.oid = i.indexrelid \
     JOIN pg_class t ON t.oid = i.indrelid \
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] \
     WHERE t.oid = (SELECT c.oid \
       FROM unnest(current_schemas(false)) WITH ORDINALITY AS s(name, position) \
       JOIN pg_namespace n ON n.nspname = s.name \
       JOIN pg_class c ON c.relnamespace = n.oid \
       WHERE c.relname = $1 AND c.relkind IN ('r', 'p') ORDER BY s.position LIMIT 1) \
     AND i.indisunique AND i.indimmediate AND i.indnkeyatts = 1 \
     AND i.indpred IS NULL AND i.indexprs IS NULL AND a.attname = $2";

/// Chunks of at least this many rows (`--batch-size 10000` and up) are
/// loaded with COPY into a staging table, then inserted from it.
const COPY_ROWS: usize = 5_000;

/// The session's temporary table that COPY fills.
const STAGING: &str = "seed_staging";

/// What COPY needs: the staging table's column types, and whether the
/// table can be made at all.
struct Staging {
    usable: bool,
    types: Vec<Type>,
}

impl Default for Staging {
    fn default() -> Staging {
        Staging {
            usable: true,
            types: Vec::new(),
        }
    }
}

/// `target`'s columns, quoted and comma-separated.
fn quoted_columns(target: &InsertTarget) -> String {
    let columns: Vec<String> = target.columns.iter().map(|c| DIALECT.quote(c)).collect();
    columns.join(", ")
}

pub struct PostgresConn {
    client: Client,
    /// To look, after a lost connection, at what the server kept.
    config: Config,
    connector: MakeRustlsConnect,
    /// `host:port`, for messages; never the user or password.
    server: String,
    /// The first schema of the search_path: where the rows go.
    schema: String,
    lock_timeout: Duration,
    in_transaction: bool,
    /// A row savepoint is open in the transaction.
    savepoint: bool,
    insert: Option<(InsertTarget, Statement)>,
    /// Multi-row inserts for a transaction, by their number of rows.
    many: HashMap<usize, Statement>,
    staging: Staging,
    /// The insert returns the row's id (an integer key), so a row whose
    /// reply was lost can be looked up.
    returns_id: bool,
    /// No row this connection inserts from now on has an id at or below
    /// this: the greatest id when the insert was prepared, then the id of
    /// each row it inserted.
    last_id: i64,
    /// The id and identity of the last row the open transaction inserted.
    transaction_last: Option<(i64, Value)>,
    /// The row in flight when the connection was lost is in the table.
    lost_row_committed: bool,
}

impl PostgresConn {
    pub fn open(url: &str, options: &Options) -> Result<PostgresConn> {
        let (mut config, tls) = config_of(url)?;
        if let Some(timeout) = options.connect_timeout {
            config.connect_timeout(timeout);
        }
        let server = server_of(&config);
        let connector =
            MakeRustlsConnect::new(tls::client_config(tls.verify(), tls.root_file.as_deref())?);
        let client = config
            .connect(connector.clone())
            .map_err(|err| anyhow!("cannot connect to PostgreSQL at {server}: {}", why(&err)))?;
        let mut conn = PostgresConn {
            client,
            config: config.clone(),
            connector,
            server,
            schema: String::new(),
            lock_timeout: options.busy_timeout,
            in_transaction: false,
            savepoint: false,
            insert: None,
            many: HashMap::new(),
            staging: Staging::default(),
            returns_id: false,
            last_id: 0,
            transaction_last: None,
            lost_row_committed: false,
        };
        // lock_timeout 0 would mean "wait forever"; SQLite's 0 means "don't wait".
        let millis = options.busy_timeout.as_millis().clamp(1, i32::MAX as u128);
        // Timestamps are written as naive UTC, as the apps write them.
        let mut setup = format!("SET lock_timeout = {millis}; SET TIME ZONE 'UTC'");
        if options.durable {
            setup.push_str("; SET synchronous_commit = on");
        }
        conn.client
            .batch_execute(&setup)
            .map_err(|err| conn.explain(err))?;
        conn.schema = conn.current_schema()?;
        Ok(conn)
    }

    fn explain(&self, err: postgres::Error) -> anyhow::Error {
        explain(err, &self.server, self.lock_timeout)
    }

    fn current_schema(&mut self) -> Result<String> {
        let schema: Option<String> = self
            .client
            .query_one("SELECT current_schema()::text", &[])
            .and_then(|row| row.try_get(0))
            .map_err(|err| self.explain(err))?;
        schema.ok_or_else(|| {
            anyhow!(
                "no schema of the search_path exists on PostgreSQL at {}; create one or set search_path in the URL (options=-csearch_path%3DNAME)",
                self.server
            )
        })
    }

    fn reconnect(&self) -> Result<Client> {
        self.config
            .connect(self.connector.clone())
            .map_err(|err| anyhow!("cannot connect again: {}", why(&err)))
    }

    /// Over a new connection: is `row` in the table, with an id this
    /// connection had not seen (so not a row that was there before)?
    fn row_is_there(&mut self, row: &Row) -> Result<bool> {
        let Some((target, _)) = &self.insert else {
            return Ok(false);
        };
        if !self.returns_id {
            bail!("the table's key is not an integer");
        }
        let sql = DIALECT.newer_rows(target);
        let identity = target.identity_of(row);
        let mut client = self.reconnect()?;
        let found = client
            .query(&sql, &[&identity, &Value::Int(self.last_id)])
            .map_err(|err| anyhow!(why(&err)))?;
        for stored in &found {
            let values = (0..stored.len())
                .map(|i| read_value(stored, i))
                .collect::<Result<Vec<Value>, _>>()
                .map_err(|err| anyhow!(why(&err)))?;
            if values.len() == row.len() && values.iter().zip(row).all(|(s, o)| o.same_as(s)) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Over a new connection: is the row with this id and identity there?
    fn committed(&mut self, id: i64, identity: &Value) -> Result<bool> {
        let Some((target, _)) = &self.insert else {
            return Ok(false);
        };
        let sql = DIALECT.count_by_id(target);
        let mut client = self.reconnect()?;
        let found: i64 = client
            .query_one(&sql, &[&Value::Int(id), identity])
            .and_then(|row| row.try_get(0))
            .map_err(|err| anyhow!(why(&err)))?;
        Ok(found > 0)
    }

    fn classify(&mut self, err: postgres::Error) -> Result<Insert> {
        let Some(db) = err.as_db_error() else {
            return Err(self.explain(err));
        };
        let code = db.code().clone();
        let detail = match db.detail() {
            Some(detail) => format!("{}: {detail}", db.message()),
            None => db.message().to_owned(),
        };
        let reason = if code == SqlState::UNIQUE_VIOLATION {
            match (&self.insert, db.constraint()) {
                (Some((target, _)), Some(name)) => target.reason_of_index(name),
                _ => SkipReason::UniqueViolation,
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

    /// A failed statement aborts the whole transaction in PostgreSQL: each
    /// statement gets a savepoint to roll back to. Releasing the last one
    /// and opening this one costs one round trip.
    fn open_savepoint(&mut self) -> Result<()> {
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
        Ok(())
    }

    /// Undoes the statement since [`Self::open_savepoint`]; if even that
    /// fails, the transaction is rolled back.
    fn undo_to_savepoint(&mut self) -> Result<()> {
        if let Err(undo) = self.client.batch_execute("ROLLBACK TO SAVEPOINT row") {
            let undo = self.explain(undo);
            self.rollback();
            return Err(undo);
        }
        Ok(())
    }

    /// `RETURNING id, identity` of a multi-row insert (the id as 0 where
    /// the key is not an integer).
    fn returning(&self, target: &InsertTarget) -> String {
        let identity = DIALECT.quote(&target.identity);
        let id = if self.returns_id {
            format!("{}::bigint", DIALECT.quote(crate::app::ID))
        } else {
            "0::bigint".to_owned()
        };
        format!("RETURNING {id}, {identity}::text")
    }

    fn insert_one(&mut self, statement: &Statement, row: &Row) -> Result<Insert> {
        if self.in_transaction {
            self.open_savepoint()?;
        }
        let params: Vec<&(dyn ToSql + Sync)> = row
            .iter()
            .map(|value| value as &(dyn ToSql + Sync))
            .collect();
        let result = if self.returns_id {
            self.client.query_opt(statement, &params).and_then(|row| {
                row.map(|row| row.try_get::<_, i64>(0))
                    .transpose()
                    .map(Option::unwrap_or_default)
            })
        } else {
            self.client.execute(statement, &params).map(|_| 0)
        };
        let err = match result {
            Ok(id) => {
                if self.in_transaction {
                    let identity = self
                        .insert
                        .as_ref()
                        .map_or(Value::Null, |(target, _)| target.identity_of(row));
                    self.transaction_last = Some((id, identity));
                } else {
                    self.last_id = self.last_id.max(id);
                }
                return Ok(Insert::Inserted);
            }
            Err(err) => err,
        };
        if is_lost(&err) && !self.in_transaction {
            // The row may have been committed before the reply was lost:
            // look, so the count stays exact.
            let explained = self.explain(err);
            return match self.row_is_there(row) {
                Ok(found) => {
                    self.lost_row_committed = found;
                    Err(explained)
                }
                Err(why) => Err(explained.context(format!(
                    "whether the last row was committed could not be checked: {why:#}"
                ))),
            };
        }
        if self.in_transaction {
            self.undo_to_savepoint()?;
        }
        let outcome = self.classify(err);
        if outcome.is_err() {
            self.rollback();
        }
        outcome
    }

    /// Row by row, each in its own savepoint inside a transaction.
    fn insert_each(
        &mut self,
        statement: &Statement,
        rows: &[Row],
        out: &mut Vec<Insert>,
    ) -> Result<()> {
        for row in rows {
            match self.insert_one(statement, row) {
                Ok(outcome) => out.push(outcome),
                Err(err) => {
                    if std::mem::take(&mut self.lost_row_committed) {
                        out.push(Insert::Inserted);
                    }
                    return Err(err);
                }
            }
        }
        Ok(())
    }

    /// The multi-row insert of `rows` rows: a duplicate of the identity is
    /// skipped by the statement itself, and the rows that went in come back.
    fn many_statement(&mut self, rows: usize) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.many.get(&rows) {
            return Ok(statement.clone());
        }
        let sql = match &self.insert {
            Some((target, _)) => format!(
                "{} ON CONFLICT ({}) DO NOTHING {}",
                DIALECT.insert_rows(target, rows),
                DIALECT.quote(&target.identity),
                self.returning(target)
            ),
            // Never reached: the caller checked; an empty statement fails.
            None => String::new(),
        };
        let statement = self.client.prepare(&sql)?;
        self.many.insert(rows, statement.clone());
        Ok(statement)
    }

    /// Inserts `rows` inside the open transaction with as few statements
    /// as the server's parameter limit allows. A duplicate of the identity
    /// is skipped inside the statement (the first row generated wins, as
    /// row by row); any other failure undoes the statement, and its rows
    /// are tried again one by one, each getting its own reason.
    fn insert_many(&mut self, rows: &[Row], out: &mut Vec<Insert>) -> Result<()> {
        let Some((target, single)) = &self.insert else {
            bail!("no insert was prepared");
        };
        if target.identity_indexes.is_empty() {
            // ON CONFLICT needs a unique index to name.
            let single = single.clone();
            return self.insert_each(&single, rows, out);
        }
        let width = target.columns.len().max(1);
        let per_statement = (super::MAX_PARAMETERS / width).max(1);
        for piece in rows.chunks(per_statement) {
            self.insert_statement(piece, out)?;
        }
        Ok(())
    }

    fn insert_statement(&mut self, rows: &[Row], out: &mut Vec<Insert>) -> Result<()> {
        self.open_savepoint()?;
        let result = if rows.len() >= COPY_ROWS && self.staging_usable()? {
            match self.copy_rows(rows, false) {
                // Another connection inserted one of these identities since
                // the statement looked: load the chunk again, and let the
                // server skip what collides.
                Err(err) if err.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                    self.undo_to_savepoint()?;
                    if self.staging_usable()? {
                        self.copy_rows(rows, true)
                    } else {
                        self.values_rows(rows)
                    }
                }
                other => other,
            }
        } else {
            self.values_rows(rows)
        };
        let err = match result {
            Ok(returned) => match self.outcomes(rows, &returned, out) {
                Ok(true) => return Ok(()),
                // What came back does not match what was sent: do it again
                // row by row rather than guess.
                Ok(false) => None,
                Err(err) => Some(err),
            },
            Err(err) if is_row_error(&err) => None,
            Err(err) => Some(err),
        };
        if let Some(err) = err {
            let err = self.explain(err);
            self.rollback();
            return Err(err);
        }
        self.undo_to_savepoint()?;
        let Some((_, single)) = &self.insert else {
            bail!("no insert was prepared");
        };
        let single = single.clone();
        self.insert_each(&single, rows, out)
    }

    /// The rows as one multi-row `INSERT … VALUES`.
    fn values_rows(&mut self, rows: &[Row]) -> Result<Vec<postgres::Row>, postgres::Error> {
        let statement = self.many_statement(rows.len())?;
        let params: Vec<&(dyn ToSql + Sync)> = rows
            .iter()
            .flatten()
            .map(|value| value as &(dyn ToSql + Sync))
            .collect();
        self.client.query(&statement, &params)
    }

    /// Whether COPY can be used: the staging table is there (made on
    /// first use, inside the row savepoint, so a rollback takes it away
    /// and the next chunk makes it again). Where it cannot be made (no
    /// TEMP privilege), rows go as VALUES.
    fn staging_usable(&mut self) -> Result<bool> {
        if !self.staging.usable {
            return Ok(false);
        }
        let Some((target, _)) = &self.insert else {
            return Ok(false);
        };
        let columns = quoted_columns(target);
        let sql = format!(
            "CREATE TEMP TABLE IF NOT EXISTS {STAGING} AS \
             SELECT {columns}, 0::int4 AS seed_position FROM {} WITH NO DATA; \
             TRUNCATE {STAGING}",
            DIALECT.quote(&target.table)
        );
        let made = self.client.batch_execute(&sql).and_then(|()| {
            if self.staging.types.is_empty() {
                let probe = self
                    .client
                    .prepare(&format!("SELECT {columns}, seed_position FROM {STAGING}"))?;
                self.staging.types = probe.columns().iter().map(|c| c.type_().clone()).collect();
            }
            Ok(())
        });
        if let Err(err) = made {
            if is_lost(&err) {
                let err = self.explain(err);
                self.rollback();
                return Err(err);
            }
            self.staging.usable = false;
            self.undo_to_savepoint()?;
            return Ok(false);
        }
        Ok(true)
    }

    /// The rows through `COPY … FROM STDIN (FORMAT binary)` into the
    /// staging table, then one `INSERT … SELECT` in the order generated.
    /// A row whose identity came earlier in the chunk is not sent: if the
    /// statement succeeds, it is a duplicate whatever happened to the
    /// first. Rows whose identity is already in the table are left out by
    /// the statement; with `on_conflict`, the server also skips those that
    /// another connection inserts meanwhile (which costs it more per row).
    fn copy_rows(
        &mut self,
        rows: &[Row],
        on_conflict: bool,
    ) -> Result<Vec<postgres::Row>, postgres::Error> {
        let Some((target, _)) = &self.insert else {
            return Ok(Vec::new());
        };
        let columns = quoted_columns(target);
        let identity = DIALECT.quote(&target.identity);
        let returning = self.returning(target);
        let table = DIALECT.quote(&target.table);
        let insert = if on_conflict {
            format!(
                "INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGING} \
                 ORDER BY seed_position ON CONFLICT ({identity}) DO NOTHING {returning}"
            )
        } else {
            format!(
                "INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGING} s \
                 WHERE NOT EXISTS (SELECT FROM {table} t WHERE t.{identity} = s.{identity}) \
                 ORDER BY seed_position {returning}"
            )
        };
        let identity_position = target.key.position;
        let copy = format!("COPY {STAGING} ({columns}, seed_position) FROM STDIN (FORMAT binary)");
        let types = self.staging.types.clone();
        let sink = self.client.copy_in(&copy)?;
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        let positions: Vec<i32> = (0..rows.len())
            .map(|i| i32::try_from(i).unwrap_or(i32::MAX))
            .collect();
        let mut seen = std::collections::HashSet::with_capacity(rows.len());
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(types.len());
        for (row, position) in rows.iter().zip(&positions) {
            if let Some(Value::Text(identity)) = row.get(identity_position)
                && !seen.insert(identity.as_str())
            {
                continue;
            }
            params.clear();
            params.extend(row.iter().map(|value| value as &(dyn ToSql + Sync)));
            params.push(position);
            writer.write(&params)?;
        }
        writer.finish()?;
        self.client.query(&insert, &[])
    }

    /// One outcome per row from the (id, identity) of each row inserted;
    /// false, with nothing pushed, if they do not match the rows sent.
    fn outcomes(
        &mut self,
        rows: &[Row],
        returned: &[postgres::Row],
        out: &mut Vec<Insert>,
    ) -> Result<bool, postgres::Error> {
        let Some((target, _)) = &self.insert else {
            return Ok(false);
        };
        let mut inserted: HashMap<&str, i64> = HashMap::with_capacity(returned.len());
        for row in returned {
            inserted.insert(row.try_get(1)?, row.try_get(0)?);
        }
        let start = out.len();
        let mut last = None;
        for row in rows {
            let id = match row.get(target.key.position) {
                Some(Value::Text(identity)) => inserted.remove(identity.as_str()),
                _ => None,
            };
            out.push(match id {
                Some(id) => {
                    if last.as_ref().is_none_or(|(last, _)| id > *last) {
                        last = Some((id, target.identity_of(row)));
                    }
                    Insert::Inserted
                }
                None => Insert::Skipped {
                    reason: target.key.duplicate,
                    detail: format!("{} is already in the table", target.identity),
                },
            });
        }
        if !inserted.is_empty() {
            out.truncate(start);
            return Ok(false);
        }
        if self.returns_id && last.is_some() {
            self.transaction_last = last;
        }
        Ok(true)
    }
}

impl Writer for PostgresConn {
    fn begin(&mut self) -> Result<()> {
        self.transaction_last = None;
        self.client
            .batch_execute("BEGIN")
            .map_err(|err| self.explain(err))?;
        self.in_transaction = true;
        self.savepoint = false;
        Ok(())
    }

    fn insert(&mut self, rows: &[Row], out: &mut Vec<Insert>) -> Result<()> {
        let Some((_, statement)) = &self.insert else {
            bail!("no insert was prepared");
        };
        let statement = statement.clone();
        if self.in_transaction && rows.len() > 1 {
            return self.insert_many(rows, out);
        }
        self.insert_each(&statement, rows, out)
    }

    fn commit(&mut self) -> Result<()> {
        let last = self.transaction_last.take();
        if let Err(err) = self.client.batch_execute("COMMIT") {
            let lost = is_lost(&err);
            let err = self.explain(err);
            self.rollback();
            // A COMMIT whose reply was lost may have gone through: if the
            // last row it inserted is there, all of them are.
            if let (true, true, Some((id, identity))) = (lost, self.returns_id, last) {
                return match self.committed(id, &identity) {
                    Ok(true) => Ok(()),
                    Ok(false) => Err(err),
                    Err(why) => Err(err.context(format!(
                        "whether the last batch was committed could not be checked: {why:#}"
                    ))),
                };
            }
            return Err(err);
        }
        if let Some((id, _)) = last {
            self.last_id = self.last_id.max(id);
        }
        self.in_transaction = false;
        self.savepoint = false;
        Ok(())
    }

    /// PostgreSQL's cancel request, on a connection of its own.
    fn interrupter(&self) -> Option<super::Interrupter> {
        let token = self.client.cancel_token();
        let connector = self.connector.clone();
        Some(Box::new(move || {
            let _ = token.cancel_query(connector.clone());
        }))
    }

    fn finish(&mut self) -> Result<()> {
        self.rollback();
        Ok(())
    }
}

impl Conn for PostgresConn {
    fn backend(&self) -> &'static str {
        "PostgreSQL"
    }

    fn schema(&self) -> Option<&str> {
        Some(&self.schema)
    }

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
                    max_len: row
                        .try_get::<_, Option<i32>>(3)?
                        .and_then(|n| u32::try_from(n).ok()),
                })
            })
            .collect::<Result<Vec<_>, postgres::Error>>()
            .map_err(|err| self.explain(err))?;
        Ok((!columns.is_empty()).then_some(columns))
    }

    fn describe(&mut self, table: &str) -> Result<Option<Described>> {
        catalog::describe(&mut self.client, table).map_err(|err| self.explain(err))
    }

    fn tables(&mut self) -> Result<Vec<String>> {
        catalog::tables(&mut self.client).map_err(|err| self.explain(err))
    }

    /// The database's encoding, for every column and every new table: the
    /// driver sends UTF-8 (client_encoding), which the server converts.
    fn charset(&mut self, _table: &str, _column: &str) -> Result<Option<Charset>> {
        let name: String = self
            .client
            .query_one("SELECT current_setting('server_encoding')", &[])
            .and_then(|row| row.try_get(0))
            .map_err(|err| self.explain(err))?;
        Ok(Some(charset(&name)))
    }

    fn unique_indexes(&mut self, table: &str, column: &str) -> Result<Vec<String>> {
        let rows = self
            .client
            .query(UNIQUE_INDEXES, &[&table, &column])
            .map_err(|err| self.explain(err))?;
        rows.iter()
            .map(|row| row.try_get(0))
            .collect::<Result<Vec<String>, _>>()
            .map_err(|err| self.explain(err))
    }

    fn create_table(&mut self, table: &TableDef) -> Result<()> {
        let sql = DIALECT.create_table(table).join(";\n");
        self.client
            .batch_execute(&sql)
            .map_err(|err| self.explain(err))
    }

    fn quote(&self, name: &str) -> String {
        DIALECT.quote(name)
    }

    fn placeholder(&self, n: usize) -> String {
        (DIALECT.placeholder)(n)
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let params: Vec<&(dyn ToSql + Sync)> = params
            .iter()
            .map(|value| value as &(dyn ToSql + Sync))
            .collect();
        self.client
            .execute(sql, &params)
            .map_err(|err| self.explain(err))
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let params: Vec<&(dyn ToSql + Sync)> = params
            .iter()
            .map(|value| value as &(dyn ToSql + Sync))
            .collect();
        let rows = self
            .client
            .query(sql, &params)
            .map_err(|err| self.explain(err))?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| read_value(row, i))
                    .collect::<Result<Row, postgres::Error>>()
            })
            .collect::<Result<Vec<Row>, _>>()
            .map_err(|err| self.explain(err))
    }

    fn prepare_insert(&mut self, target: &InsertTarget) -> Result<()> {
        let sql = DIALECT.insert(target);
        let id = DIALECT.quote(crate::app::ID);
        // An integer key comes back with each row; any other key (a uuid)
        // does not, and a lost reply is then not looked up.
        let with_id = format!("{sql} RETURNING {id}::bigint");
        let max_id = format!(
            "SELECT COALESCE(MAX({id}), 0)::bigint FROM {}",
            DIALECT.quote(&target.table)
        );
        let returning = self.client.prepare(&with_id).and_then(|statement| {
            let row = self.client.query_one(&max_id, &[])?;
            Ok((statement, row.try_get::<_, i64>(0)?))
        });
        let statement = match returning {
            Ok((statement, last_id)) => {
                self.returns_id = true;
                self.last_id = last_id;
                statement
            }
            Err(_) => {
                self.returns_id = false;
                self.client.prepare(&sql).map_err(|err| self.explain(err))?
            }
        };
        self.insert = Some((target.clone(), statement));
        self.many.clear();
        self.staging = Staging::default();
        Ok(())
    }

    fn read_only(&mut self) -> Result<()> {
        self.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", &[])
            .map(|_| ())
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

/// A column of a result row as a [`Value`], by its PostgreSQL type.
/// What a PostgreSQL server encoding holds. SJIS, BIG5, GBK, UHC, GB18030
/// and JOHAB are client encodings only: no database is in them.
fn charset(name: &str) -> Charset {
    use encoding_rs::{
        EUC_JP, EUC_KR, IBM866, ISO_8859_2, ISO_8859_3, ISO_8859_4, ISO_8859_5, ISO_8859_6,
        ISO_8859_7, ISO_8859_8, ISO_8859_10, ISO_8859_13, ISO_8859_14, ISO_8859_15, ISO_8859_16,
        KOI8_R, KOI8_U, WINDOWS_874, WINDOWS_1250, WINDOWS_1251, WINDOWS_1252, WINDOWS_1253,
        WINDOWS_1254, WINDOWS_1255, WINDOWS_1256, WINDOWS_1257, WINDOWS_1258,
    };
    let table = |encoding| Repertoire::Encoded(Table::new(encoding));
    let holds = match name.to_ascii_uppercase().as_str() {
        // SQL_ASCII stores the bytes it is given, unconverted.
        "UTF8" | "SQL_ASCII" => Repertoire::All,
        "LATIN1" => Repertoire::Latin1,
        "LATIN2" => table(ISO_8859_2),
        "LATIN3" => table(ISO_8859_3),
        "LATIN4" => table(ISO_8859_4),
        "LATIN5" => Repertoire::Encoded(Table::new(WINDOWS_1254).narrow(Narrow::NoC1)),
        "LATIN6" => table(ISO_8859_10),
        "LATIN7" => table(ISO_8859_13),
        "LATIN8" => table(ISO_8859_14),
        "LATIN9" => table(ISO_8859_15),
        "LATIN10" => table(ISO_8859_16),
        "ISO_8859_5" => table(ISO_8859_5),
        "ISO_8859_6" => table(ISO_8859_6),
        "ISO_8859_7" => table(ISO_8859_7),
        "ISO_8859_8" => table(ISO_8859_8),
        "WIN1250" => table(WINDOWS_1250),
        "WIN1251" => table(WINDOWS_1251),
        "WIN1252" => table(WINDOWS_1252),
        "WIN1253" => table(WINDOWS_1253),
        "WIN1254" => table(WINDOWS_1254),
        // Hebrew point holam haser, which PostgreSQL's table predates.
        "WIN1255" => Repertoire::Encoded(Table::new(WINDOWS_1255).lacking("\u{5BA}")),
        "WIN1256" => table(WINDOWS_1256),
        "WIN1257" => table(WINDOWS_1257),
        "WIN1258" => table(WINDOWS_1258),
        "WIN866" => table(IBM866),
        "WIN874" => table(WINDOWS_874),
        "KOI8R" => table(KOI8_R),
        // The WHATWG KOI8-U is KOI8-RU, with Belarusian.
        "KOI8U" => Repertoire::Encoded(Table::new(KOI8_U).lacking("Ўў")),
        "EUC_JP" => Repertoire::Encoded(
            Table::new(EUC_JP)
                .narrow(Narrow::EucJp)
                .with_jis0212()
                .lacking("¦"),
        ),
        // JIS X 0213, which holds JIS X 0208 but reads a few symbols
        // otherwise.
        "EUC_JIS_2004" => Repertoire::Encoded(
            Table::new(EUC_JP)
                .narrow(Narrow::EucJp)
                .lacking("―￠￡￢￣￥"),
        ),
        "EUC_CN" => Repertoire::Encoded(Table::gb2312()),
        "EUC_KR" => Repertoire::Encoded(Table::new(EUC_KR).narrow(Narrow::Euc)),
        // EUC_TW, MULE_INTERNAL.
        _ => Repertoire::Unknown,
    };
    Charset::new(
        name,
        holds,
        Some("the database's encoding"),
        "a UTF8 database",
    )
}

fn read_value(row: &postgres::Row, i: usize) -> Result<Value, postgres::Error> {
    let ty = row.columns()[i].type_().clone();
    Ok(match ty {
        Type::BOOL => row.try_get::<_, Option<bool>>(i)?.map(Value::Bool),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(i)?
            .map(|n| Value::Int(n.into())),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(i)?
            .map(|n| Value::Int(n.into())),
        Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
        Type::TIMESTAMP => row.try_get::<_, Option<NaiveDateTime>>(i)?.map(Value::Time),
        Type::TIMESTAMPTZ => row
            .try_get::<_, Option<chrono::DateTime<chrono::Utc>>>(i)?
            .map(|t| Value::Time(t.naive_utc())),
        Type::DATE => row.try_get::<_, Option<NaiveDate>>(i)?.map(Value::Date),
        Type::NUMERIC => row
            .try_get::<_, Option<rust_decimal::Decimal>>(i)?
            .map(|d| Value::Text(d.to_string())),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(i)?
            .map(|x| Value::Text(x.to_string())),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(i)?
            .map(|x| Value::Text(x.to_string())),
        _ => row
            .try_get::<_, Option<AnyText>>(i)?
            .map(|text| Value::Text(text.0)),
    }
    .unwrap_or(Value::Null))
}

/// Any other column read as text: a uuid in its usual form, anything
/// else in the server's text of it (enums, json, varchar…).
struct AnyText(String);

impl<'a> FromSql<'a> for AnyText {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<AnyText, Box<dyn StdError + Sync + Send>> {
        match *ty {
            Type::UUID => {
                let bytes: [u8; 16] = raw.try_into()?;
                let n = u128::from_be_bytes(bytes);
                let hex = format!("{n:032x}");
                Ok(AnyText(format!(
                    "{}-{}-{}-{}-{}",
                    &hex[..8],
                    &hex[8..12],
                    &hex[12..16],
                    &hex[16..20],
                    &hex[20..]
                )))
            }
            // jsonb's binary form is a version byte, then the text.
            Type::JSONB => Ok(AnyText(String::from_utf8(
                raw.get(1..).unwrap_or_default().to_vec(),
            )?)),
            _ => Ok(AnyText(String::from_utf8(raw.to_vec())?)),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A value is sent as whatever type the server expects for its parameter,
/// so one [`Value`] fits an `integer`, `bigint` or `smallint` column alike.
impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Bool(b) => match *ty {
                Type::INT2 => i16::from(*b).to_sql(ty, out),
                Type::INT4 => i32::from(*b).to_sql(ty, out),
                Type::INT8 => i64::from(*b).to_sql(ty, out),
                ref text if is_text(text) => b.to_string().as_str().to_sql(ty, out),
                _ => b.to_sql(ty, out),
            },
            Value::Int(n) => match *ty {
                Type::INT2 => i16::try_from(*n)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*n)?.to_sql(ty, out),
                Type::BOOL => (*n != 0).to_sql(ty, out),
                Type::NUMERIC => rust_decimal::Decimal::from(*n).to_sql(ty, out),
                Type::FLOAT4 => (*n as f32).to_sql(ty, out),
                Type::FLOAT8 => (*n as f64).to_sql(ty, out),
                ref text if is_text(text) => n.to_string().as_str().to_sql(ty, out),
                _ => n.to_sql(ty, out),
            },
            // Each type's binary form: what a plan writes as text into a
            // uuid, jsonb, integer or boolean column.
            Value::Text(text) => match *ty {
                Type::UUID => {
                    let hex: String = text.chars().filter(|c| *c != '-').collect();
                    if hex.len() != 32 {
                        return Err(format!("{text} is not a uuid").into());
                    }
                    out.extend_from_slice(&u128::from_str_radix(&hex, 16)?.to_be_bytes());
                    Ok(IsNull::No)
                }
                Type::JSONB => {
                    out.extend_from_slice(&[1]);
                    out.extend_from_slice(text.as_bytes());
                    Ok(IsNull::No)
                }
                Type::INT2 | Type::INT4 | Type::INT8 => {
                    Value::Int(text.trim().parse()?).to_sql(ty, out)
                }
                Type::BOOL => match text.as_str() {
                    "true" | "t" | "1" => true.to_sql(ty, out),
                    "false" | "f" | "0" => false.to_sql(ty, out),
                    _ => Err(format!("{text} is not a boolean").into()),
                },
                _ => text.as_str().to_sql(ty, out),
            },
            Value::Time(time) => match *ty {
                Type::TIMESTAMPTZ => time.and_utc().to_sql(ty, out),
                Type::DATE => time.date().to_sql(ty, out),
                ref text if is_text(text) => crate::db::sqlite::sqlite_time(time)
                    .as_str()
                    .to_sql(ty, out),
                _ => time.to_sql(ty, out),
            },
            Value::Date(day) => match *ty {
                Type::TIMESTAMP => day.and_time(NaiveTime::MIN).to_sql(ty, out),
                Type::TIMESTAMPTZ => day.and_time(NaiveTime::MIN).and_utc().to_sql(ty, out),
                ref text if is_text(text) => {
                    day.format("%Y-%m-%d").to_string().as_str().to_sql(ty, out)
                }
                _ => day.to_sql(ty, out),
            },
            Value::Decimal(decimal) => match *ty {
                Type::FLOAT4 => (decimal.to_f64() as f32).to_sql(ty, out),
                Type::FLOAT8 => decimal.to_f64().to_sql(ty, out),
                Type::INT2 | Type::INT4 | Type::INT8 if decimal.scale == 0 => {
                    Value::Int(decimal.units).to_sql(ty, out)
                }
                ref text if is_text(text) => decimal.to_string().as_str().to_sql(ty, out),
                _ => rust_decimal::Decimal::new(decimal.units, u32::from(decimal.scale))
                    .to_sql(ty, out),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A type that takes a value as its text.
fn is_text(ty: &Type) -> bool {
    matches!(*ty, Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME) || ty.name() == "citext"
}

const APPLICATION_NAME: &str = "seed";

const TLS_SPELLING: tls::Spelling = tls::Spelling {
    root_file: "sslrootcert=FILE",
    unverified: "sslmode=require",
};

/// libpq's `sslmode`, of which the driver knows only disable, prefer and
/// require, and `sslrootcert`, which it does not know at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SslModeParam {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

#[derive(Debug, PartialEq, Eq)]
struct TlsParams {
    mode: SslModeParam,
    root_file: Option<PathBuf>,
}

impl TlsParams {
    /// Takes the TLS parameters out of `url`, leaving the driver the rest.
    fn split(url: &str) -> Result<(String, TlsParams)> {
        let mut params = TlsParams {
            // libpq's default: TLS when the server offers it.
            mode: SslModeParam::Prefer,
            root_file: None,
        };
        let Some((base, query)) = url.split_once('?') else {
            return Ok((url.to_owned(), params));
        };
        let mut kept = Vec::new();
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => {
                    params.mode = match value {
                        "disable" => SslModeParam::Disable,
                        // allow: TLS only if the server insists; prefer is as good here.
                        "allow" | "prefer" => SslModeParam::Prefer,
                        "require" => SslModeParam::Require,
                        "verify-ca" => SslModeParam::VerifyCa,
                        "verify-full" => SslModeParam::VerifyFull,
                        _ => bail!(
                            "invalid sslmode in the PostgreSQL URL (expected disable, prefer, require, verify-ca or verify-full; a URL's values are not repeated, as one may be a secret)"
                        ),
                    }
                }
                "sslrootcert" => {
                    params.root_file = Some(PathBuf::from(server::percent_decode(value)))
                }
                "sslcert" | "sslkey" | "sslpassword" | "sslcrl" | "sslcrldir" => bail!(
                    "the PostgreSQL URL parameter {key} is not supported (client certificates and CRLs); use sslmode and sslrootcert"
                ),
                _ => kept.push(pair),
            }
        }
        let url = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        Ok((url, params))
    }

    fn driver_mode(&self) -> SslMode {
        match self.mode {
            SslModeParam::Disable => SslMode::Disable,
            SslModeParam::Prefer => SslMode::Prefer,
            SslModeParam::Require | SslModeParam::VerifyCa | SslModeParam::VerifyFull => {
                SslMode::Require
            }
        }
    }

    /// As libpq: a root certificate file makes prefer and require check
    /// the chain too.
    fn verify(&self) -> Verify {
        match self.mode {
            SslModeParam::VerifyFull => Verify::ChainAndName,
            SslModeParam::VerifyCa => Verify::Chain,
            _ if self.root_file.is_some() => Verify::Chain,
            _ => Verify::Nothing,
        }
    }
}

/// The driver's configuration for `url`, and the TLS it asks for.
pub fn check_url(url: &str) -> Result<()> {
    config_of(url).map(|_| ())
}

fn config_of(url: &str) -> Result<(Config, TlsParams)> {
    server::check_authority(url, "PostgreSQL").map_err(anyhow::Error::msg)?;
    let (url, tls) = TlsParams::split(url)?;
    let mut config: Config = url
        .parse()
        .map_err(|err| anyhow!("invalid PostgreSQL URL: {err}"))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    // So a DBA can tell seed's sessions from the app's (pg_stat_activity).
    if config.get_application_name().is_none() {
        config.application_name(APPLICATION_NAME);
    }
    config.ssl_mode(tls.driver_mode());
    Ok((config, tls))
}

/// The URL's own `connect_timeout`, if it has one.
pub fn url_timeout(url: &str) -> Option<Duration> {
    let (url, _) = TlsParams::split(url).ok()?;
    let config: Config = url.parse().ok()?;
    config.get_connect_timeout().copied()
}

/// `host:port` of the first server of `url`, for messages.
pub fn server(url: &str) -> String {
    config_of(url).map_or_else(
        |_| "the URL's server".into(),
        |(config, _)| server_of(&config),
    )
}

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
    if let Some(tls) = tls::describe(err, &TLS_SPELLING) {
        return tls;
    }
    // The driver says so only in words, in the error's source.
    if err
        .source()
        .is_some_and(|cause| cause.to_string() == "server does not support TLS")
    {
        return "the server does not offer TLS, which the URL's sslmode requires (sslmode=prefer falls back to plain)".into();
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

/// The connection itself failed or the server ended it: a statement sent
/// may or may not have run.
/// The statement failed on one of its rows (a constraint or a trigger),
/// not on the connection or the transaction.
fn is_row_error(err: &postgres::Error) -> bool {
    err.as_db_error().is_some_and(|db| {
        db.code().code().starts_with("23") || *db.code() == SqlState::RAISE_EXCEPTION
    })
}

fn is_lost(err: &postgres::Error) -> bool {
    if err.is_closed() {
        return true;
    }
    if let Some(db) = err.as_db_error() {
        return matches!(
            db.code(),
            &SqlState::ADMIN_SHUTDOWN | &SqlState::CRASH_SHUTDOWN | &SqlState::CANNOT_CONNECT_NOW
        );
    }
    let mut source: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(cause) = source {
        if cause.is::<std::io::Error>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Plain words for the errors a user can do something about.
fn explain(err: postgres::Error, server: &str, lock_timeout: Duration) -> anyhow::Error {
    if err.is_closed() {
        return anyhow!("lost the connection to PostgreSQL at {server}");
    }
    if is_lost(&err) {
        return anyhow!(
            "lost the connection to PostgreSQL at {server}: {}",
            why(&err)
        );
    }
    let Some(db) = err.as_db_error() else {
        return anyhow!("PostgreSQL at {server}: {}", why(&err));
    };
    match db.code() {
        // The run's cancel request (a server's own statement_timeout too,
        // which seed does not set).
        &SqlState::QUERY_CANCELED => anyhow::Error::new(super::Interrupted(format!(
            "a statement on PostgreSQL at {server}"
        ))),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_parameters_are_taken_out_of_the_url() {
        let (url, tls) = TlsParams::split("postgres://h/db").expect("valid");
        assert_eq!(url, "postgres://h/db");
        assert_eq!(tls.mode, SslModeParam::Prefer, "libpq's default");
        assert_eq!(tls.verify(), Verify::Nothing);

        let (url, tls) = TlsParams::split(
            "postgres://h/db?options=-csearch_path%3Dx&sslmode=verify-ca&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=3",
        )
        .expect("valid");
        assert_eq!(
            url,
            "postgres://h/db?options=-csearch_path%3Dx&connect_timeout=3"
        );
        assert_eq!(tls.mode, SslModeParam::VerifyCa);
        assert_eq!(tls.root_file, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(tls.driver_mode(), SslMode::Require);
        assert_eq!(tls.verify(), Verify::Chain);

        let (url, tls) = TlsParams::split("postgres://h/db?sslmode=disable").expect("valid");
        assert_eq!(url, "postgres://h/db");
        assert_eq!(tls.driver_mode(), SslMode::Disable);
    }

    #[test]
    fn sessions_are_named_seed_unless_the_url_names_them() {
        let name = |url: &str| {
            let (config, _) = config_of(url).expect("valid");
            config.get_application_name().map(str::to_owned)
        };
        assert_eq!(name("postgres://h/db").as_deref(), Some("seed"));
        assert_eq!(
            name("postgres://h/db?application_name=ops").as_deref(),
            Some("ops")
        );
    }

    #[test]
    fn modes_verify_as_in_libpq() {
        let verify = |url: &str| TlsParams::split(url).expect("valid").1.verify();
        assert_eq!(verify("postgres://h/db?sslmode=require"), Verify::Nothing);
        assert_eq!(
            verify("postgres://h/db?sslmode=require&sslrootcert=ca.pem"),
            Verify::Chain,
            "a root file makes require check the chain"
        );
        assert_eq!(
            verify("postgres://h/db?sslmode=verify-full"),
            Verify::ChainAndName
        );
        assert!(TlsParams::split("postgres://h/db?sslmode=verify").is_err());
        assert!(TlsParams::split("postgres://h/db?sslcert=c.pem").is_err());
    }

    #[test]
    fn encodings_hold_what_the_server_stores() {
        let holds = |name: &str, text: &str| super::charset(name).holds(text);
        assert!(holds("UTF8", "山田🗻") && holds("SQL_ASCII", "山田🗻"));
        // LATIN1 is ISO-8859-1, without cp1252's š.
        assert!(holds("LATIN1", "Émile") && !holds("LATIN1", "Tomáš"));
        assert!(holds("WIN1252", "Tomáš") && !holds("LATIN1", "大智"));
        assert!(holds("LATIN5", "Ayşe") && !holds("LATIN5", "Tomáš"));
        // EUC_JP has JIS X 0212's Latin letters, EUC_JIS_2004 (as read
        // here) only JIS X 0208's.
        assert!(holds("EUC_JP", "大智") && holds("EUC_JP", "Émile"));
        assert!(holds("EUC_JIS_2004", "大智") && !holds("EUC_JIS_2004", "Émile"));
        // 畑 is a Japanese character.
        assert!(holds("EUC_CN", "王文辉") && !holds("EUC_CN", "田畑"));
        assert!(holds("WIN1256", "محمد") && !holds("ISO_8859_5", "محمد"));
        let tw = super::charset("EUC_TW");
        assert!(!tw.is_known() && tw.holds("Ann") && !tw.holds("王"));
        assert_eq!(tw.of, Some("the database's encoding"));
    }
}
