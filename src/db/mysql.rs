//! MySQL and MariaDB, through the synchronous `mysql` driver, in the
//! database the URL names.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

mod catalog;

use anyhow::{Result, anyhow, bail};
use chrono::{Datelike, NaiveDate, Timelike};
use mysql::prelude::Queryable;
use mysql::{DriverError, Opts, OptsBuilder, Params, SslOpts, UrlError};

use super::CONNECT_TIMEOUT;
use super::charset::{Charset, Narrow, Repertoire, Table};
use super::columns::Column;
use super::ddl::Dialect;
use super::server;
use super::tls;
use super::{Conn, Insert, InsertTarget, Options, Row, SkipReason, Value, Writer};
use crate::app::TableDef;
use crate::catalog::Described;

/// SQLAlchemy's MySQL DDL, on InnoDB for transactions and foreign keys
/// whatever the server's default engine. Indexes are declared inline:
/// MySQL has no CREATE INDEX IF NOT EXISTS.
const DIALECT: Dialect = Dialect {
    quote: '`',
    serial: "INTEGER NOT NULL AUTO_INCREMENT",
    boolean: "BOOL",
    datetime: "DATETIME",
    inline_indexes: true,
    table_suffix: " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    placeholder: |_| "?".into(),
};

/// MariaDB reports a nullable column without a default as the default
/// `NULL` (a string literal default is quoted: `'NULL'`).
const COLUMNS: &str = "SELECT LOWER(column_name), is_nullable = 'NO', \
     (column_default IS NOT NULL AND column_default <> 'NULL') OR extra LIKE '%auto_increment%' OR extra LIKE '%generated%', \
     character_maximum_length \
     FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?";

/// NULL for a column that is not text, or is binary.
const CHARSET: &str = "SELECT character_set_name FROM information_schema.columns \
     WHERE table_schema = DATABASE() AND table_name = ? AND LOWER(column_name) = LOWER(?)";

/// Unique indexes on exactly one column (no prefix index).
const UNIQUE_INDEXES: &str = "SELECT index_name FROM information_schema.statistics \
     WHERE table_schema = DATABASE() AND table_name = ? AND non_unique = 0 \
     GROUP BY index_name \
     HAVING COUNT(*) = 1 AND MAX(LOWER(column_name)) = LOWER(?) AND MAX(sub_part) IS NULL";

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
/// "Subquery returns more than 1 row": how the multi-row insert refuses a
/// row that collides on a unique key other than the identity.
const ER_SUBQUERY_NO_1_ROW: u16 = 1242;

/// Rows per multi-row statement at most. The driver keeps a description
/// of every parameter of a prepared statement and copies every value into
/// the packet: at 10,000 rows a bulk load peaked at 36 MiB, at 5,000 at 27.
const STATEMENT_ROWS: usize = 5_000;

pub struct MysqlConn {
    conn: mysql::Conn,
    /// To look, after a lost connection, at what the server kept.
    reconnect: Opts,
    /// `host:port`, for messages; never the user or password.
    server: String,
    lock_timeout: Duration,
    in_transaction: bool,
    insert: Option<(InsertTarget, String)>,
    /// No row this connection inserts from now on has an id at or below
    /// this: the greatest id when the insert was prepared, then the id of
    /// each row it inserted.
    last_id: u64,
    /// The id and identity of the last row the open transaction inserted.
    transaction_last: Option<(u64, Value)>,
    /// The server can tell, in one statement, which of many rows went in:
    /// MariaDB's `INSERT … RETURNING`, with ids handed out in one block per
    /// statement (`innodb_autoinc_lock_mode` 0 or 1).
    returning: bool,
    /// The multi-row insert can be used for the prepared target: the
    /// server returns rows, and the table's id is AUTO_INCREMENT.
    many_rows: bool,
    /// Multi-row inserts by their number of rows.
    many: HashMap<usize, String>,
    /// LAST_INSERT_ID() as this connection last saw it.
    generated: u64,
    /// MariaDB, not MySQL: the two spell their catalog differently
    /// (defaults, CHECK clauses).
    mariadb: bool,
}

impl MysqlConn {
    pub fn open(url: &str, options: &Options) -> Result<MysqlConn> {
        // The driver knows only the mysql:// scheme.
        let (what, url) = match url.strip_prefix("mariadb://") {
            Some(rest) => ("MariaDB", format!("mysql://{rest}")),
            None => ("MySQL", url.to_owned()),
        };
        let (mut builder, tls, server) = options_of(&url)?;
        if let Some(timeout) = options.connect_timeout {
            builder = builder.tcp_connect_timeout(Some(timeout));
        }
        let (conn, reconnect) = match mysql::Conn::new(builder.clone()) {
            // PREFERRED: the server said, before any credential was sent,
            // that it has no TLS; connect again without.
            Err(mysql::Error::DriverError(DriverError::TlsNotSupported))
                if tls.mode == Some(SslMode::Preferred) =>
            {
                let plain = builder.ssl_opts(None::<SslOpts>);
                (mysql::Conn::new(plain.clone()), Opts::from(plain))
            }
            other => (other, Opts::from(builder)),
        };
        let conn =
            conn.map_err(|err| anyhow!("cannot connect to {what} at {server}: {}", why(&err)))?;
        let mut this = MysqlConn {
            conn,
            reconnect,
            server,
            lock_timeout: options.busy_timeout,
            in_transaction: false,
            insert: None,
            last_id: 0,
            transaction_last: None,
            returning: false,
            many_rows: false,
            many: HashMap::new(),
            generated: 0,
            mariadb: false,
        };
        this.setup(options)?;
        Ok(this)
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
                 SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, 'STRICT_ALL_TABLES'), \
                 SESSION time_zone = '+00:00'"
            ))
            .map_err(|err| self.explain(err))?;
        let (version, lock_mode): (String, u64) = self
            .conn
            .query_first("SELECT VERSION(), @@innodb_autoinc_lock_mode")
            .map_err(|err| self.explain(err))?
            .unwrap_or_default();
        self.returning = lock_mode <= 1 && returns_rows(&version);
        self.mariadb = version.contains("MariaDB");
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

    /// Over a new connection: is `row` in the table, with an id this
    /// connection had not seen (so not a row that was there before)?
    fn row_is_there(&mut self, row: &Row) -> Result<bool> {
        let Some((target, _)) = &self.insert else {
            return Ok(false);
        };
        let sql = DIALECT.newer_rows(target);
        let identity = target.identity_of(row);
        let params = Params::Positional(vec![
            write_value(&identity),
            mysql::Value::UInt(self.last_id),
        ]);
        let mut conn =
            mysql::Conn::new(self.reconnect.clone()).map_err(|err| anyhow!(why(&err)))?;
        let found: Vec<mysql::Row> = conn.exec(sql, params).map_err(|err| anyhow!(why(&err)))?;
        Ok(found.into_iter().any(|stored| {
            let stored: Vec<Value> = stored.unwrap().into_iter().map(read_value).collect();
            stored.len() == row.len() && stored.iter().zip(row).all(|(s, o)| o.same_as(s))
        }))
    }

    /// Over a new connection: is the row with this id and identity there?
    fn committed(&mut self, id: u64, identity: &Value) -> Result<bool> {
        let Some((target, _)) = &self.insert else {
            return Ok(false);
        };
        let sql = DIALECT.count_by_id(target);
        let params = Params::Positional(vec![mysql::Value::UInt(id), write_value(identity)]);
        let mut conn =
            mysql::Conn::new(self.reconnect.clone()).map_err(|err| anyhow!(why(&err)))?;
        let found: Option<u64> = conn
            .exec_first(sql, params)
            .map_err(|err| anyhow!(why(&err)))?;
        Ok(found.unwrap_or(0) > 0)
    }

    fn classify(&mut self, err: mysql::Error) -> Result<Insert> {
        let mysql::Error::MySqlError(server_err) = &err else {
            return Err(self.explain(err));
        };
        let reason = match server_err.code {
            ER_DUP_ENTRY | ER_DUP_ENTRY_WITH_KEY_NAME => {
                let key = duplicate_key(&server_err.message).unwrap_or_default();
                self.insert
                    .as_ref()
                    .map_or(SkipReason::UniqueViolation, |(target, _)| {
                        target.reason_of_index(key)
                    })
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

    /// Row by row: a failed INSERT is rolled back as a whole statement
    /// (trigger writes included) and leaves the transaction usable, so a
    /// row needs no savepoint of its own, unlike in PostgreSQL.
    fn insert_each(&mut self, rows: &[Row], out: &mut Vec<Insert>) -> Result<()> {
        let Some((_, sql)) = &self.insert else {
            bail!("no insert was prepared");
        };
        let sql = sql.clone();
        for row in rows {
            let result = self.conn.exec_drop(&sql, params(row));
            let outcome = match result {
                Ok(()) => {
                    let id = self.conn.last_insert_id();
                    self.generated = id;
                    if self.in_transaction {
                        let identity = self
                            .insert
                            .as_ref()
                            .map_or(Value::Null, |(target, _)| target.identity_of(row));
                        self.transaction_last = Some((id, identity));
                    } else {
                        self.last_id = self.last_id.max(id);
                    }
                    Ok(Insert::Inserted)
                }
                Err(err) if is_lost(&err) && !self.in_transaction => {
                    // The row may have been committed before the reply was
                    // lost: look, so the count stays exact.
                    let err = self.explain(err);
                    return match self.row_is_there(row) {
                        Ok(true) => {
                            out.push(Insert::Inserted);
                            Err(err)
                        }
                        Ok(false) => Err(err),
                        Err(why) => Err(err.context(format!(
                            "whether the last row was committed could not be checked: {why:#}"
                        ))),
                    };
                }
                Err(err) => self.classify(err),
            };
            match outcome {
                Ok(outcome) => out.push(outcome),
                Err(err) => {
                    self.rollback();
                    return Err(err);
                }
            }
        }
        Ok(())
    }

    /// The multi-row insert of `rows` rows. A duplicate of the identity
    /// leaves the row there as it was; a collision on any other unique key
    /// makes the statement fail, so that its rows are tried one by one.
    fn many_sql(&mut self, rows: usize) -> Result<String> {
        if let Some(sql) = self.many.get(&rows) {
            return Ok(sql.clone());
        }
        let Some((target, _)) = &self.insert else {
            bail!("no insert was prepared");
        };
        let id = DIALECT.quote(crate::app::ID);
        let identity = DIALECT.quote(&target.identity);
        let sql = format!(
            "{} ON DUPLICATE KEY UPDATE {id} = IF({identity} <=> VALUES({identity}), {id}, \
             (SELECT 1 UNION SELECT 2)) RETURNING {id}",
            DIALECT.insert_rows(target, rows)
        );
        self.many.insert(rows, sql.clone());
        Ok(sql)
    }

    /// Inserts `rows` with one statement in the open transaction. MariaDB
    /// returns one id per row sent: the new row's, or for a duplicate the
    /// id of the row already there. The rows this statement inserted got
    /// one block of ids from LAST_INSERT_ID() up, in order, and any other
    /// row's id is outside it; what does not fit that is done again row by
    /// row, as is a statement a row made fail.
    fn insert_statement(&mut self, rows: &[Row], out: &mut Vec<Insert>) -> Result<()> {
        let sql = self.many_sql(rows.len())?;
        let params = Params::Positional(rows.iter().flatten().map(write_value).collect());
        let result = self
            .conn
            .query_drop("SAVEPOINT chunk")
            .and_then(|()| self.conn.exec::<u64, _, _>(&sql, params))
            .and_then(|ids| {
                let first: Option<u64> = self.conn.query_first("SELECT LAST_INSERT_ID()")?;
                Ok((ids, first.unwrap_or(0)))
            });
        match result {
            Ok((ids, first)) => {
                if self.outcomes(rows, &ids, first, out) {
                    return Ok(());
                }
                self.generated = first;
                if let Err(err) = self.conn.query_drop("ROLLBACK TO SAVEPOINT chunk") {
                    let err = self.explain(err);
                    self.rollback();
                    return Err(err);
                }
            }
            Err(mysql::Error::MySqlError(err)) if is_row_error(err.code) => {
                // Whether a failed statement moved LAST_INSERT_ID() is not
                // promised: read it again.
                match self.conn.query_first::<u64, _>("SELECT LAST_INSERT_ID()") {
                    Ok(first) => self.generated = first.unwrap_or(0),
                    Err(err) => {
                        let err = self.explain(err);
                        self.rollback();
                        return Err(err);
                    }
                }
            }
            Err(err) => {
                let err = self.explain(err);
                self.rollback();
                return Err(err);
            }
        }
        self.insert_each(rows, out)
    }

    /// One outcome per row from the ids returned; false, with nothing
    /// pushed, if they do not fit the block the statement was given.
    fn outcomes(&mut self, rows: &[Row], ids: &[u64], first: u64, out: &mut Vec<Insert>) -> bool {
        let Some((target, _)) = &self.insert else {
            return false;
        };
        if ids.len() != rows.len() {
            return false;
        }
        let fresh = first != self.generated && first != 0;
        let mut seen = std::collections::HashSet::with_capacity(ids.len());
        let mut next = first;
        let mut last = None;
        let start = out.len();
        for (row, &id) in rows.iter().zip(ids) {
            let new = seen.insert(id) && fresh && id >= first;
            if new {
                if id != next {
                    out.truncate(start);
                    return false;
                }
                next += 1;
                last = Some((id, target.identity_of(row)));
                out.push(Insert::Inserted);
            } else {
                out.push(Insert::Skipped {
                    reason: target.key.duplicate,
                    detail: format!("{} is already in the table", target.identity),
                });
            }
        }
        if fresh {
            self.generated = first;
        }
        if last.is_some() {
            self.transaction_last = last;
        }
        true
    }
}

impl Writer for MysqlConn {
    fn begin(&mut self) -> Result<()> {
        self.transaction_last = None;
        self.conn
            .query_drop("START TRANSACTION")
            .map_err(|err| self.explain(err))?;
        self.in_transaction = true;
        Ok(())
    }

    fn insert(&mut self, rows: &[Row], out: &mut Vec<Insert>) -> Result<()> {
        if self.in_transaction && self.many_rows && rows.len() > 1 {
            let width = self
                .insert
                .as_ref()
                .map_or(1, |(t, _)| t.columns.len().max(1));
            let per_statement = (super::MAX_PARAMETERS / width).clamp(1, STATEMENT_ROWS);
            for piece in rows.chunks(per_statement) {
                self.insert_statement(piece, out)?;
            }
            return Ok(());
        }
        self.insert_each(rows, out)
    }

    fn commit(&mut self) -> Result<()> {
        let last = self.transaction_last.take();
        if let Err(err) = self.conn.query_drop("COMMIT") {
            let lost = is_lost(&err);
            let err = self.explain(err);
            self.in_transaction = false;
            // A COMMIT whose reply was lost may have gone through: if the
            // last row it inserted is there, all of them are.
            if let (true, Some((id, identity))) = (lost, last) {
                return match self.committed(id, &identity) {
                    Ok(true) => {
                        self.last_id = self.last_id.max(id);
                        Ok(())
                    }
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
        Ok(())
    }

    /// `KILL QUERY` for this connection's statement, from a connection of
    /// its own.
    fn interrupter(&self) -> Option<super::Interrupter> {
        let id = self.conn.connection_id();
        let opts = self.reconnect.clone();
        Some(Box::new(move || {
            if let Ok(mut killer) = mysql::Conn::new(opts.clone()) {
                let _ = killer.query_drop(format!("KILL QUERY {id}"));
            }
        }))
    }

    fn finish(&mut self) -> Result<()> {
        self.rollback();
        Ok(())
    }
}

impl Conn for MysqlConn {
    fn backend(&self) -> &'static str {
        "MySQL"
    }

    fn columns(&mut self, table: &str) -> Result<Option<Vec<Column>>> {
        let rows: Vec<(String, bool, bool, Option<u64>)> = self
            .conn
            .exec(COLUMNS, (table,))
            .map_err(|err| self.explain(err))?;
        let columns: Vec<Column> = rows
            .into_iter()
            .map(|(name, not_null, has_default, max_len)| Column {
                name,
                not_null,
                has_default,
                max_len: max_len.and_then(|n| u32::try_from(n).ok()),
            })
            .collect();
        Ok((!columns.is_empty()).then_some(columns))
    }

    fn describe(&mut self, table: &str) -> Result<Option<Described>> {
        catalog::describe(&mut self.conn, table, self.mariadb).map_err(|err| self.explain(err))
    }

    fn tables(&mut self) -> Result<Vec<String>> {
        catalog::tables(&mut self.conn).map_err(|err| self.explain(err))
    }

    fn charset(&mut self, table: &str, column: &str) -> Result<Option<Charset>> {
        let name: Option<Option<String>> = self
            .conn
            .exec_first(CHARSET, (table, column))
            .map_err(|err| self.explain(err))?;
        // No row: the table is not there, and seed makes it in utf8mb4.
        Ok(name.flatten().map(|name| charset(&name)))
    }

    fn unique_indexes(&mut self, table: &str, column: &str) -> Result<Vec<String>> {
        self.conn
            .exec(UNIQUE_INDEXES, (table, column))
            .map_err(|err| self.explain(err))
    }

    fn create_table(&mut self, table: &TableDef) -> Result<()> {
        for sql in DIALECT.create_table(table) {
            self.conn.query_drop(sql).map_err(|err| self.explain(err))?;
        }
        Ok(())
    }

    fn quote(&self, name: &str) -> String {
        DIALECT.quote(name)
    }

    fn placeholder(&self, n: usize) -> String {
        (DIALECT.placeholder)(n)
    }

    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64> {
        self.conn
            .exec_drop(sql, params(values))
            .map_err(|err| self.explain(err))?;
        Ok(self.conn.affected_rows())
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>> {
        let rows: Vec<mysql::Row> = self
            .conn
            .exec(sql, params(values))
            .map_err(|err| self.explain(err))?;
        Ok(rows
            .into_iter()
            .map(|row| row.unwrap().into_iter().map(read_value).collect())
            .collect())
    }

    fn prepare_insert(&mut self, target: &InsertTarget) -> Result<()> {
        let sql = DIALECT.insert(target);
        let max_id: Option<u64> = self
            .conn
            .query_first(format!(
                "SELECT CAST(COALESCE(MAX({}), 0) AS UNSIGNED) FROM {}",
                DIALECT.quote(crate::app::ID),
                DIALECT.quote(&target.table)
            ))
            .map_err(|err| self.explain(err))?;
        self.last_id = max_id.unwrap_or(0);
        let auto_increment: Option<bool> = if self.returning {
            self.conn
                .exec_first(
                    "SELECT extra LIKE '%auto_increment%' FROM information_schema.columns \
                     WHERE table_schema = DATABASE() AND table_name = ? AND LOWER(column_name) = ?",
                    (target.table.as_str(), crate::app::ID),
                )
                .map_err(|err| self.explain(err))?
        } else {
            None
        };
        self.many_rows = auto_increment == Some(true) && !target.identity_indexes.is_empty();
        self.many.clear();
        self.insert = Some((target.clone(), sql));
        Ok(())
    }

    fn read_only(&mut self) -> Result<()> {
        self.execute("SET SESSION TRANSACTION READ ONLY", &[])
            .map(|_| ())
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

/// Windows-31J's readings of JIS X 0208 cells that MySQL's sjis and ujis
/// read as JIS does (`‖` for `∥`, `〜` for `～`).
const JIS_SYMBOLS: &str = "∥－＼～￠￡￢";

/// What a MySQL or MariaDB character set holds (SHOW CHARACTER SET), its
/// text sent in utf8mb4 (SET NAMES).
fn charset(name: &str) -> Charset {
    use encoding_rs::{
        BIG5, EUC_JP, EUC_KR, GBK, IBM866, ISO_8859_2, ISO_8859_7, ISO_8859_8, ISO_8859_13, KOI8_R,
        KOI8_U, MACINTOSH, SHIFT_JIS, WINDOWS_874, WINDOWS_1250, WINDOWS_1251, WINDOWS_1252,
        WINDOWS_1254, WINDOWS_1256, WINDOWS_1257,
    };
    let table = |encoding| Repertoire::Encoded(Table::new(encoding));
    let holds = match name.to_ascii_lowercase().as_str() {
        "utf8mb4" | "utf16" | "utf16le" | "utf32" | "gb18030" | "binary" => Repertoire::All,
        // MySQL's `utf8` (`utf8mb3` since 8.0 and MariaDB 10.6) is three
        // bytes at most.
        "utf8" | "utf8mb3" | "ucs2" => Repertoire::Bmp,
        "ascii" => Repertoire::Ascii,
        // MySQL's latin1 is cp1252, not ISO-8859-1.
        "latin1" => table(WINDOWS_1252),
        "latin2" => table(ISO_8859_2),
        "latin7" => table(ISO_8859_13),
        "cp1250" => table(WINDOWS_1250),
        "cp1251" => table(WINDOWS_1251),
        "cp1257" => table(WINDOWS_1257),
        "koi8r" => table(KOI8_R),
        "macroman" => table(MACINTOSH),
        "cp932" => table(SHIFT_JIS),
        // Where MySQL's tables differ from the WHATWG ones: its greek and
        // hebrew are the ISO-8859 of 1987, its cp1256 the one before
        // Urdu, its koi8u without Belarusian, its Japanese sets map a few
        // symbols as JIS does, not as Windows does.
        "latin5" => Repertoire::Encoded(Table::new(WINDOWS_1254).narrow(Narrow::NoC1)),
        "greek" => Repertoire::Encoded(Table::new(ISO_8859_7).lacking("ͺ‘’€₯")),
        "hebrew" => Repertoire::Encoded(Table::new(ISO_8859_8).lacking("¯")),
        "cp1256" => Repertoire::Encoded(Table::new(WINDOWS_1256).lacking("ٹڈڑکںھہے")),
        "cp866" => Repertoire::Encoded(Table::new(IBM866).lacking("¤№")),
        "koi8u" => Repertoire::Encoded(Table::new(KOI8_U).lacking("Ўў∙")),
        "tis620" => Repertoire::Encoded(
            Table::new(WINDOWS_874)
                .narrow(Narrow::NoC1)
                .lacking("\u{A0}"),
        ),
        "sjis" => Repertoire::Encoded(
            Table::new(SHIFT_JIS)
                .narrow(Narrow::Sjis)
                .lacking(JIS_SYMBOLS),
        ),
        "ujis" => Repertoire::Encoded(
            Table::new(EUC_JP)
                .narrow(Narrow::EucJp)
                .with_jis0212()
                .lacking(JIS_SYMBOLS),
        ),
        "eucjpms" => Repertoire::Encoded(Table::new(EUC_JP).with_jis0212().lacking("¦")),
        "euckr" => Repertoire::Encoded(Table::new(EUC_KR).narrow(Narrow::Euc)),
        "gb2312" => Repertoire::Encoded(Table::gb2312()),
        // GB18030's additions to the GBK of Windows (code page 936).
        "gbk" => Repertoire::Encoded(Table::new(GBK).lacking(
            "ǹḿ€⺁⺄⺈⺋⺌⺗⺧⺪⺮⺳⺶⺷⺻⻊⿰⿱⿲⿳⿴⿵⿶⿷⿸⿹⿺⿻〾㑇㑳㖞㘎㘚㤘㥮㧏㧐㧟㩳㭎㱮㳠䁖䅟䌷䎬䎱䏝䓖䙌䙡䜣䜩䝼䞍䥇䥺䥽䦂䦃䦅䦆䦛䦟䦶䦷䱷䲟䲠䲡䲢䲣䴓䴔䴕䴖䴗䴘䴙䶮龴龵龶龷龸龹龺龻︐︑︒︓︔︕︖︗︘︙",
        )),
        "big5" => Repertoire::Encoded(
            Table::new(BIG5)
                .narrow(Narrow::Big5)
                .lacking("¯ˍ‧∕⊕⊙╴﹑﹨～￠￡￣￥"),
        ),
        // armscii8, cp850, cp852, dec8, geostd8, hp8, keybcs2, macce, swe7.
        _ => Repertoire::Unknown,
    };
    Charset::new(name, holds, None, "a utf8mb4 column")
}

/// The statement failed on one of its rows (a constraint or a trigger).
fn is_row_error(code: u16) -> bool {
    matches!(
        code,
        ER_DUP_ENTRY
            | ER_DUP_ENTRY_WITH_KEY_NAME
            | ER_SUBQUERY_NO_1_ROW
            | ER_BAD_NULL_ERROR
            | ER_NO_DEFAULT_FOR_FIELD
            | ER_NO_REFERENCED_ROW
            | ER_NO_REFERENCED_ROW_2
            | ER_CHECK_CONSTRAINT_VIOLATED
            | ER_CONSTRAINT_FAILED
            | ER_SIGNAL_EXCEPTION
    )
}

/// MariaDB from 10.5 has `INSERT … RETURNING`; MySQL has not.
fn returns_rows(version: &str) -> bool {
    let Some(prefix) = version
        .split("-MariaDB")
        .next()
        .filter(|_| version.contains("MariaDB"))
    else {
        return false;
    };
    let mut parts = prefix
        .split('.')
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (10, 5)
}

/// The connection itself failed: a statement sent may or may not have run.
fn is_lost(err: &mysql::Error) -> bool {
    matches!(err, mysql::Error::IoError(_) | mysql::Error::CodecError(_))
}

fn params(values: &[Value]) -> Params {
    if values.is_empty() {
        return Params::Empty;
    }
    Params::Positional(values.iter().map(write_value).collect())
}

fn write_value(value: &Value) -> mysql::Value {
    match value {
        Value::Null => mysql::Value::NULL,
        Value::Bool(b) => mysql::Value::Int(i64::from(*b)),
        Value::Int(n) => mysql::Value::Int(*n),
        Value::Text(text) => mysql::Value::Bytes(text.as_bytes().to_vec()),
        Value::Time(time) => mysql::Value::Date(
            u16::try_from(time.year()).unwrap_or_default(),
            time.month() as u8,
            time.day() as u8,
            time.hour() as u8,
            time.minute() as u8,
            time.second() as u8,
            time.nanosecond() / 1000,
        ),
        Value::Date(day) => mysql::Value::Date(
            u16::try_from(day.year()).unwrap_or_default(),
            day.month() as u8,
            day.day() as u8,
            0,
            0,
            0,
            0,
        ),
        // The server reads a DECIMAL exactly from its text.
        Value::Decimal(decimal) => mysql::Value::Bytes(decimal.to_string().into_bytes()),
    }
}

fn read_value(value: mysql::Value) -> Value {
    match value {
        mysql::Value::NULL => Value::Null,
        mysql::Value::Int(n) => Value::Int(n),
        mysql::Value::UInt(n) => Value::Int(i64::try_from(n).unwrap_or(i64::MAX)),
        mysql::Value::Bytes(bytes) => Value::Text(String::from_utf8_lossy(&bytes).into_owned()),
        mysql::Value::Date(y, mo, d, h, mi, s, us) => {
            NaiveDate::from_ymd_opt(y.into(), mo.into(), d.into())
                .and_then(|date| date.and_hms_micro_opt(h.into(), mi.into(), s.into(), us))
                .map_or(Value::Null, Value::Time)
        }
        other => Value::Text(other.as_sql(true)),
    }
}

pub fn check_url(url: &str) -> Result<()> {
    let url = match url.strip_prefix("mariadb://") {
        Some(rest) => format!("mysql://{rest}"),
        None => url.to_owned(),
    };
    options_of(&url).map(|_| ())
}

/// The URL's own connect timeout (`connect_timeout` in seconds, or the
/// driver's `tcp_connect_timeout_ms`), if it has one.
pub fn url_timeout(url: &str) -> Option<Duration> {
    let url = url.replacen("mariadb://", "mysql://", 1);
    let (url, _) = TlsParams::split(&url).ok()?;
    Opts::from_url(&url).ok()?.get_tcp_connect_timeout()
}

/// `host:port` (or the socket) of `url`, for messages.
pub fn server(url: &str) -> String {
    let url = url.replacen("mariadb://", "mysql://", 1);
    options_of(&url).map_or_else(|_| "the URL's server".into(), |(_, _, server)| server)
}

/// The driver's options for a `mysql://` URL, the TLS it asks for, and
/// the server's `host:port` (or socket) for messages.
fn options_of(url: &str) -> Result<(OptsBuilder, TlsParams, String)> {
    server::check_authority(url, "MySQL").map_err(anyhow::Error::msg)?;
    let (url, tls) = TlsParams::split(url)?;
    let opts =
        Opts::from_url(&url).map_err(|err| anyhow!("invalid MySQL URL: {}", why_url(&err)))?;
    let server = match opts.get_socket() {
        Some(socket) if opts.get_ip_or_hostname() == "localhost" => socket.to_owned(),
        _ => format!("{}:{}", opts.get_ip_or_hostname(), opts.get_tcp_port()),
    };
    let timeout = opts.get_tcp_connect_timeout().or(Some(CONNECT_TIMEOUT));
    // So a DBA can tell seed's sessions from the app's
    // (performance_schema.session_connect_attrs); the driver's default is argv[0].
    let attributes = HashMap::from([("program_name", "seed")]);
    // The handshake asks for utf8mb4, but a server started with
    // skip-character-set-client-handshake ignores that and talks its own
    // character set: names in other scripts would be mangled or refused.
    // SET NAMES on every connection (lookups after a lost reply too).
    let mut builder = OptsBuilder::from_opts(opts)
        .tcp_connect_timeout(timeout)
        .connect_attrs(Some(attributes))
        .init(vec!["SET NAMES utf8mb4"]);
    if let Some(mode) = tls.mode {
        builder = builder.ssl_opts(tls.ssl_opts(mode));
    }
    Ok((builder, tls, server))
}

const TLS_SPELLING: tls::Spelling = tls::Spelling {
    root_file: "ssl-ca=FILE",
    unverified: "ssl-mode=REQUIRED",
};

/// The MySQL clients' `--ssl-mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SslMode {
    Disabled,
    Preferred,
    Required,
    VerifyCa,
    VerifyIdentity,
}

/// `ssl-mode` and `ssl-ca` as the MySQL clients spell them (or with `_`,
/// as SQLAlchemy's PyMySQL URLs do), which the driver does not know.
#[derive(Debug, PartialEq, Eq)]
struct TlsParams {
    /// None: as the driver's own URL parameters say (no TLS by default).
    mode: Option<SslMode>,
    ca_file: Option<PathBuf>,
}

impl TlsParams {
    /// Takes the TLS parameters out of `url`, leaving the driver the rest.
    fn split(url: &str) -> Result<(String, TlsParams)> {
        let mut params = TlsParams {
            mode: None,
            ca_file: None,
        };
        let Some((base, query)) = url.split_once('?') else {
            return Ok((url.to_owned(), params));
        };
        let mut kept = Vec::new();
        let mut timeout_pair = None;
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key.replace('_', "-").to_ascii_lowercase().as_str() {
                "ssl-mode" | "sslmode" => {
                    params.mode = Some(match value.to_ascii_uppercase().as_str() {
                        "DISABLED" => SslMode::Disabled,
                        "PREFERRED" => SslMode::Preferred,
                        "REQUIRED" => SslMode::Required,
                        "VERIFY-CA" | "VERIFY_CA" => SslMode::VerifyCa,
                        "VERIFY-IDENTITY" | "VERIFY_IDENTITY" => SslMode::VerifyIdentity,
                        _ => bail!(
                            "invalid {key} in the MySQL URL (expected DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY)"
                        ),
                    })
                }
                "ssl-ca" => params.ca_file = Some(PathBuf::from(server::percent_decode(value))),
                // The MySQL client's option, in seconds, as the driver's own.
                "connect-timeout" => {
                    let seconds: u64 = value.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        anyhow!("invalid connect_timeout in the MySQL URL (expected whole seconds, at least 1)")
                    })?;
                    timeout_pair = Some(format!(
                        "tcp_connect_timeout_ms={}",
                        seconds.saturating_mul(1000)
                    ));
                }
                // SQLAlchemy's MySQL URLs name the character set; seed writes utf8mb4.
                "charset"
                    if matches!(
                        value.to_ascii_lowercase().as_str(),
                        "utf8mb4" | "utf8" | "utf8mb3"
                    ) => {}
                "charset" => bail!(
                    "the MySQL URL's charset is not supported: seed talks utf8mb4 to the server (names in every script); drop charset, or write charset=utf8mb4"
                ),
                _ => kept.push(pair),
            }
        }
        // As the MySQL client: a CA file with no stronger mode checks the chain.
        if params.ca_file.is_some()
            && matches!(
                params.mode,
                None | Some(SslMode::Preferred | SslMode::Required)
            )
        {
            params.mode = Some(SslMode::VerifyCa);
        }
        let mut kept: Vec<String> = kept.into_iter().map(str::to_owned).collect();
        kept.extend(timeout_pair);
        let url = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        Ok((url, params))
    }

    fn ssl_opts(&self, mode: SslMode) -> Option<SslOpts> {
        let opts = SslOpts::default().with_root_cert_path(self.ca_file.clone());
        match mode {
            SslMode::Disabled => None,
            SslMode::Preferred | SslMode::Required => Some(
                opts.with_danger_accept_invalid_certs(true)
                    .with_danger_skip_domain_validation(true),
            ),
            SslMode::VerifyCa => Some(opts.with_danger_skip_domain_validation(true)),
            SslMode::VerifyIdentity => Some(opts),
        }
    }
}

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
        // rustls reports a refused certificate on the first read, as an I/O error.
        mysql::Error::IoError(io) => {
            tls::describe(io, &TLS_SPELLING).unwrap_or_else(|| server::describe_io(io))
        }
        mysql::Error::CodecError(codec) => {
            // The codec error wraps the socket's own error, if any.
            match std::error::Error::source(codec)
                .and_then(|cause| cause.downcast_ref::<std::io::Error>())
            {
                Some(io) => server::describe_io(io),
                None => "the server's reply could not be read".into(),
            }
        }
        mysql::Error::DriverError(mysql::DriverError::CouldNotConnect(Some((_, desc, kind)))) => {
            server::describe_io(&std::io::Error::new(*kind, desc.clone()))
        }
        mysql::Error::DriverError(DriverError::TlsNotSupported) => {
            "the server does not offer TLS, which the URL's ssl-mode requires (ssl-mode=PREFERRED falls back to plain)".into()
        }
        other => tls::describe(other, &TLS_SPELLING).unwrap_or_else(|| other.to_string()),
    }
}

/// Plain words for the errors a user can do something about.
/// The server's "Query execution was interrupted".
const ER_QUERY_INTERRUPTED: u16 = 1317;

fn explain(err: mysql::Error, server: &str, lock_timeout: Duration) -> anyhow::Error {
    match &err {
        mysql::Error::MySqlError(e) if e.code == ER_LOCK_DEADLOCK => {
            anyhow::Error::new(super::Deadlock {
                server: format!("MySQL at {server}"),
            })
        }
        // KILL QUERY from the run's interrupter.
        mysql::Error::MySqlError(e) if e.code == ER_QUERY_INTERRUPTED => anyhow::Error::new(
            super::Interrupted(format!("a statement on MySQL at {server}")),
        ),
        mysql::Error::MySqlError(e) if e.code == ER_LOCK_WAIT_TIMEOUT => anyhow!(
            "a row is locked by another connection on MySQL at {server} (waited {:.0}s; wait longer with --busy-timeout SECONDS)",
            lock_timeout.as_secs_f64().ceil().max(1.0)
        ),
        mysql::Error::MySqlError(e) => {
            anyhow!("MySQL at {server}: {} (error {})", e.message, e.code)
        }
        mysql::Error::CodecError(_) | mysql::Error::IoError(_) => {
            anyhow!("lost the connection to MySQL at {server}: {}", why(&err))
        }
        _ => anyhow!("MySQL at {server}: {}", why(&err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Locale, Names};

    #[test]
    fn tls_parameters_are_taken_out_of_the_url() {
        let (url, tls) = TlsParams::split("mysql://h/db").expect("valid");
        assert_eq!((url.as_str(), tls.mode), ("mysql://h/db", None));

        let (url, tls) = TlsParams::split(
            "mysql://h/db?charset=utf8mb4&ssl-mode=verify_identity&tcp_nodelay=true&ssl-ca=%2Fca.pem",
        )
        .expect("valid");
        assert_eq!(url, "mysql://h/db?tcp_nodelay=true");
        assert_eq!(tls.mode, Some(SslMode::VerifyIdentity));
        assert_eq!(tls.ca_file, Some(PathBuf::from("/ca.pem")));

        // PyMySQL's spelling; a CA file alone checks the chain.
        let (_, tls) = TlsParams::split("mysql://h/db?ssl_ca=ca.pem").expect("valid");
        assert_eq!(tls.mode, Some(SslMode::VerifyCa));

        assert!(TlsParams::split("mysql://h/db?ssl-mode=ON").is_err());
    }

    #[test]
    fn sessions_are_named_seed() {
        let (builder, _, server) = options_of("mysql://u:p@h:3307/db").expect("valid");
        let opts = Opts::from(builder);
        let name = opts
            .get_connect_attrs()
            .and_then(|attributes| attributes.get("program_name"));
        assert_eq!(name.map(String::as_str), Some("seed"));
        assert_eq!(server, "h:3307");
    }

    #[test]
    fn a_refused_certificate_is_told_in_words() {
        let refused = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let err = mysql::Error::IoError(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            refused,
        ));
        let text = why(&err);
        assert!(text.contains("not signed by a trusted authority"), "{text}");
        assert!(text.contains("ssl-ca=FILE"), "{text}");
    }

    #[test]
    fn modes_check_what_they_say() {
        let tls = TlsParams {
            mode: None,
            ca_file: None,
        };
        assert_eq!(tls.ssl_opts(SslMode::Disabled), None);
        let required = tls.ssl_opts(SslMode::Required).expect("TLS");
        assert!(required.accept_invalid_certs());
        let ca = tls.ssl_opts(SslMode::VerifyCa).expect("TLS");
        assert!(!ca.accept_invalid_certs() && ca.skip_domain_validation());
        let identity = tls.ssl_opts(SslMode::VerifyIdentity).expect("TLS");
        assert!(!identity.accept_invalid_certs() && !identity.skip_domain_validation());
    }

    /// The locales all of whose names `charset` holds.
    fn locales_held(charset: &str) -> Vec<&'static str> {
        let charset = super::charset(charset);
        Locale::ALL
            .into_iter()
            .filter(|locale| {
                let names = Names::new(*locale);
                names
                    .first
                    .iter()
                    .chain(names.last)
                    .all(|name| charset.holds(name))
            })
            .map(Locale::code)
            .collect()
    }

    #[test]
    fn character_sets_hold_what_the_server_stores() {
        let holds = |name: &str, text: &str| super::charset(name).holds(text);
        // latin1 is cp1252, with š at 0x9A.
        assert!(holds("latin1", "Émile") && holds("latin1", "Tomáš"));
        assert!(!holds("latin1", "大智") && !holds("latin1", "Ayşe"));
        assert!(holds("LATIN5", "Ayşe") && !holds("latin5", "Tomáš"));
        assert!(holds("utf8mb3", "大智") && holds("utf8", "大智"));
        assert!(!holds("utf8mb3", "山田🗻") && holds("utf8mb4", "山田🗻"));
        assert!(holds("binary", "山田🗻") && holds("ascii", "Ann") && !holds("ascii", "Émile"));
        // ujis has JIS X 0212's Latin letters, sjis only JIS X 0208.
        assert!(holds("ujis", "大智") && holds("ujis", "Émile"));
        assert!(holds("sjis", "大智") && !holds("sjis", "Émile"));
        // Where MySQL's tables are not the WHATWG ones.
        assert!(holds("cp932", "～") && !holds("sjis", "～"));
        assert!(holds("cp1256", "محمد") && !holds("cp1256", "ک"));
        assert!(!holds("koi8u", "ў") && holds("koi8u", "Київ"));
        let swe7 = super::charset("swe7");
        assert!(!swe7.is_known() && swe7.holds("Ann") && !swe7.holds("Émile"));
    }

    #[test]
    fn locales_held_by_a_legacy_character_set() {
        assert_eq!(
            locales_held("latin1"),
            ["en", "fr_FR", "it_IT", "pt_BR", "pt_PT", "nl_NL", "cy_GB"]
        );
        assert_eq!(locales_held("utf8mb3").len(), Locale::ALL.len());
        assert_eq!(
            locales_held("sjis"),
            ["en", "it_IT", "nl_NL", "cy_GB", "ja_JP"]
        );
        assert_eq!(
            locales_held("gbk"),
            ["en", "it_IT", "nl_NL", "cy_GB", "ja_JP", "zh_CN", "zh_TW"]
        );
    }
}
