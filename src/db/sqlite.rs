//! The embedded default: one SQLite file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags, ToSql, ffi, params_from_iter};

use super::columns::Column;
use super::ddl::Dialect;
use super::{
    Conn, Insert, InsertTarget, Interrupter, Options, Row, SkipReason, SqliteMode, Value, Writer,
};
use crate::app::TableDef;
use crate::catalog::{ColumnInfo, Described, ForeignKey, Kind, check_in_list};

/// SQLAlchemy's SQLite DDL.
const DIALECT: Dialect = Dialect {
    quote: '"',
    serial: "INTEGER NOT NULL",
    boolean: "BOOLEAN",
    datetime: "DATETIME",
    inline_indexes: false,
    table_suffix: "",
    placeholder: |n| format!("?{n}"),
};

pub struct SqliteConn {
    conn: Connection,
    path: PathBuf,
    busy_timeout: Duration,
    durable: bool,
    /// Opened to write: only then is the journal mode put back.
    writable: bool,
    in_transaction: bool,
    /// The journal mode to restore when done, if seeding switched to WAL.
    restore_journal_mode: Option<String>,
    /// This connection wrote the file's journal record.
    recorded: bool,
    /// The file did not exist before: a run refused before its first
    /// write removes the empty file SQLite made on opening it.
    new_file: bool,
    /// Switch to WAL when the first rows are committed.
    wal_pending: bool,
    /// The open transaction holds inserted rows.
    dirty: bool,
    /// The insert statement and the lookup that confirms a duplicate.
    target: Option<(InsertTarget, String, String)>,
}

impl SqliteConn {
    pub fn open(path: &Path, mode: SqliteMode, options: &Options) -> Result<SqliteConn> {
        check_path(path, mode)?;
        let new_file = !path.exists();
        let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX
            | match mode {
                SqliteMode::ReadOnly | SqliteMode::Inspect => OpenFlags::SQLITE_OPEN_READ_ONLY,
                SqliteMode::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
                SqliteMode::ReadWriteCreate => {
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
                }
            };
        let opened = match immutable_uri(path, mode) {
            Some(uri) => Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI),
            None => Connection::open_with_flags(path, flags),
        };
        let conn = opened.map_err(|err| explain(err, path, options.busy_timeout))?;
        let mut sink = SqliteConn {
            conn,
            path: path.to_owned(),
            busy_timeout: options.busy_timeout,
            durable: options.durable,
            writable: matches!(mode, SqliteMode::ReadWrite | SqliteMode::ReadWriteCreate),
            in_transaction: false,
            restore_journal_mode: None,
            recorded: false,
            new_file,
            wal_pending: false,
            dirty: false,
            target: None,
        };
        // SQLite's own busy wait cannot be interrupted: this one gives up
        // as soon as the run is asked to stop.
        BUSY_MILLIS.store(
            u64::try_from(options.busy_timeout.as_millis()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        sink.conn
            .busy_handler(Some(wait_while_busy))
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

    /// WAL lets each commit append to one log instead of rewriting the
    /// database and a rollback journal (one commit per row: ~20,000 rows/s
    /// instead of ~500); `finish` switches back. Switching rewrites the
    /// file's header, so it waits for the first row that goes in: a run
    /// that inserts nothing (a rerun of a seed) leaves the file's bytes as
    /// they were.
    ///
    /// WAL mode is the one journal mode a file keeps after it is closed,
    /// so the mode it had is first written down next to it (see
    /// [`journal_record`]): a seeder killed in WAL mode, or one that
    /// finished while another still had the file open, leaves the record,
    /// and whichever seeder finishes next puts the file back.
    fn use_wal(&mut self) -> Result<()> {
        let current: String = self
            .conn
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .map_err(|err| self.explain(err))?;
        let current = current.to_ascii_lowercase();
        if current != "wal" && current != "memory" {
            let record = journal_record(&self.path);
            if !self.recorded {
                // Without the record a kill would leave the file in WAL mode
                // for good: the run goes on in the file's own mode instead.
                write_journal_record(&record, &current)
                    .map_err(|err| anyhow!("cannot write {}: {err}", record.display()))?;
                self.recorded = true;
            }
            let now: String = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
                .map_err(|err| self.explain(err))?;
            if now.eq_ignore_ascii_case("wal") {
                // Another seeder that finished while the file was not yet in
                // WAL mode took a stale record away: it must be there now.
                if !record.exists() {
                    let _ = write_journal_record(&record, &current);
                }
                self.restore_journal_mode = Some(current);
            }
        }
        // NORMAL is safe in WAL mode only: until then, SQLite's FULL.
        let synchronous = if self.durable { "FULL" } else { "NORMAL" };
        self.conn
            .pragma_update(None, "synchronous", synchronous)
            .map_err(|err| self.explain(err))
    }

    /// Switches to WAL once rows have been committed. Switching takes the
    /// write lock without waiting for it (a second seeder may hold it): wait
    /// as SQLite waits for any other lock. If it cannot be had, the run goes
    /// on in the file's own journal mode, only slower: the committed rows
    /// are there either way.
    fn switch_after_first_rows(&mut self) {
        if !std::mem::take(&mut self.wal_pending) {
            return;
        }
        let deadline = Instant::now() + self.busy_timeout;
        loop {
            match self.use_wal() {
                Err(err)
                    if err.is::<Locked>()
                        && Instant::now() < deadline
                        && !STOPPING.load(Ordering::Relaxed) =>
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                _ => break,
            }
        }
    }

    fn run_cached(&self, sql: &str) -> rusqlite::Result<()> {
        self.conn.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    fn classify(&self, err: rusqlite::Error, row: &Row) -> Result<Insert> {
        let rusqlite::Error::SqliteFailure(code, message) = &err else {
            return Err(self.explain(err));
        };
        if code.code != ErrorCode::ConstraintViolation {
            return Err(self.explain(err));
        }
        let reason = match code.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE => match self.identity_exists(row)? {
                Some(duplicate) => duplicate,
                None => self.unique_reason(message.as_deref().unwrap_or_default()),
            },
            ffi::SQLITE_CONSTRAINT_PRIMARYKEY => SkipReason::UniqueViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => SkipReason::NotNull,
            ffi::SQLITE_CONSTRAINT_CHECK => SkipReason::Check,
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => SkipReason::ForeignKey,
            _ => SkipReason::OtherConstraint,
        };
        let detail = message.clone().unwrap_or_else(|| err.to_string());
        Ok(Insert::Skipped { reason, detail })
    }

    /// What a UNIQUE failure on another column counts as, from SQLite's
    /// message: `UNIQUE constraint failed: members.handle`.
    fn unique_reason(&self, message: &str) -> SkipReason {
        let Some((target, _, _)) = &self.target else {
            return SkipReason::UniqueViolation;
        };
        let columns = message.rsplit_once(": ").map_or("", |(_, columns)| columns);
        match columns.split_once('.') {
            Some((_, column)) if !columns.contains(", ") => target.reason_of_column(column),
            _ => SkipReason::UniqueViolation,
        }
    }

    /// The duplicate reason if the row's identity is already in the table.
    fn identity_exists(&self, row: &Row) -> Result<Option<SkipReason>> {
        let Some((target, _, lookup)) = &self.target else {
            return Ok(None);
        };
        let value = target.identity_of(row);
        let exists: bool = self
            .conn
            .prepare_cached(lookup)
            .and_then(|mut stmt| stmt.query_row([value], |r| r.get(0)))
            .map_err(|err| self.explain(err))?;
        Ok(exists.then_some(target.key.duplicate))
    }

    fn insert_one(&mut self, row: &Row) -> Result<Insert> {
        let Some((_, sql, _)) = &self.target else {
            bail!("no insert was prepared");
        };
        if self.in_transaction
            && let Err(err) = self.run_cached("SAVEPOINT row")
        {
            let err = self.explain(err);
            Conn::rollback(self);
            return Err(err);
        }
        let result = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut stmt| stmt.execute(params_from_iter(row.iter())));
        let outcome = match result {
            Ok(_) => Ok(Insert::Inserted),
            Err(err) => self.classify(err, row),
        };
        if matches!(outcome, Ok(Insert::Inserted)) {
            if self.in_transaction {
                self.dirty = true;
            } else {
                self.switch_after_first_rows();
            }
        }
        if self.in_transaction {
            let end = match outcome {
                Ok(Insert::Inserted) => self.run_cached("RELEASE row"),
                _ => self
                    .run_cached("ROLLBACK TO row")
                    .and_then(|()| self.run_cached("RELEASE row")),
            };
            if let Err(err) = end {
                let err = self.explain(err);
                Conn::rollback(self);
                return Err(err);
            }
            if outcome.is_err() {
                Conn::rollback(self);
            }
        }
        outcome
    }
}

impl Writer for SqliteConn {
    fn begin(&mut self) -> Result<()> {
        self.dirty = false;
        // IMMEDIATE takes the write lock now, waiting out other writers
        // with the busy timeout instead of failing at the first write.
        self.run_cached("BEGIN IMMEDIATE")
            .map_err(|err| self.explain(err))?;
        self.in_transaction = true;
        Ok(())
    }

    fn insert(&mut self, rows: &[Row], out: &mut Vec<Insert>) -> Result<()> {
        for row in rows {
            let outcome = self.insert_one(row)?;
            out.push(outcome);
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        if let Err(err) = self.run_cached("COMMIT") {
            let err = self.explain(err);
            Conn::rollback(self);
            return Err(err);
        }
        self.in_transaction = false;
        if std::mem::take(&mut self.dirty) {
            self.switch_after_first_rows();
        }
        Ok(())
    }

    fn interrupter(&self) -> Option<Interrupter> {
        let handle = self.conn.get_interrupt_handle();
        Some(Box::new(move || {
            STOPPING.store(true, Ordering::Relaxed);
            handle.interrupt();
        }))
    }

    fn finish(&mut self) -> Result<()> {
        Conn::rollback(self);
        if self.new_file
            && self.restore_journal_mode.is_none()
            && std::fs::metadata(&self.path).is_ok_and(|meta| meta.len() == 0)
        {
            // Nothing was written: leave no trace of the refused run.
            let _ = std::fs::remove_file(&self.path);
            return Ok(());
        }
        if !self.writable {
            return Ok(());
        }
        let record = journal_record(&self.path);
        let mode = match self.restore_journal_mode.take() {
            Some(mode) => mode,
            // Another seeder switched the file to WAL and is still at work,
            // or finished while this one had it open, or was killed.
            None => match std::fs::read_to_string(&record) {
                Ok(mode) => mode.trim().to_ascii_lowercase(),
                Err(_) => return Ok(()),
            },
        };
        // A file leaves WAL mode only through the one connection open on
        // it. This one is closed first: two seeders that each kept theirs
        // open while trying would each stop the other.
        if let Ok(memory) = Connection::open_in_memory() {
            let _ = std::mem::replace(&mut self.conn, memory).close();
        }
        settle(&self.path, &mode, &record).map_err(|err| self.explain(err))
    }
}

impl Conn for SqliteConn {
    fn backend(&self) -> &'static str {
        "SQLite"
    }

    fn is_sqlite(&self) -> bool {
        true
    }

    /// An INTEGER PRIMARY KEY is the rowid, which SQLite fills: a default.
    fn columns(&mut self, table: &str) -> Result<Option<Vec<Column>>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT name, \"notnull\", dflt_value IS NOT NULL OR hidden >= 2 \
                 OR (pk = 1 AND upper(type) = 'INTEGER' \
                     AND (SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0) = 1), \
                 type FROM pragma_table_xinfo(?1)",
            )
            .map_err(|err| self.explain(err))?;
        let columns = stmt
            .query_map([table], |row| {
                Ok(Column {
                    name: row.get::<_, String>(0)?.to_ascii_lowercase(),
                    not_null: row.get(1)?,
                    has_default: row.get(2)?,
                    // SQLite does not enforce it, but the app's database
                    // elsewhere may: honour what the table declares.
                    max_len: declared_length(&row.get::<_, String>(3)?),
                })
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|err| self.explain(err))?;
        Ok((!columns.is_empty()).then_some(columns))
    }

    fn describe(&mut self, table: &str) -> Result<Option<Described>> {
        let found: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
                [table],
                |row| Ok((row.get(0)?, row.get::<_, Option<String>>(1)?.unwrap_or_default())),
            )
            .map(Some)
            .or_else(|err| match err {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                err => Err(err),
            })
            .map_err(|err| self.explain(err))?;
        let Some((name, sql)) = found else {
            return Ok(None);
        };
        let read = |conn: &Connection| -> rusqlite::Result<Described> {
            let mut columns = Vec::new();
            let mut keyed: Vec<(i64, String)> = Vec::new();
            let mut stmt = conn.prepare(
                "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1)",
            )?;
            let mut rows = stmt.query([&name])?;
            while let Some(row) = rows.next()? {
                let column: String = row.get(0)?;
                let declared: String = row.get(1)?;
                let pk: i64 = row.get(4)?;
                let hidden: i64 = row.get(5)?;
                if pk > 0 {
                    keyed.push((pk, column.clone()));
                }
                columns.push(ColumnInfo {
                    allowed: check_in_list(&sql, &column),
                    kind: sqlite_kind(&declared),
                    name: column,
                    declared,
                    not_null: row.get(2)?,
                    default: row.get(3)?,
                    auto: false,
                    // 2: virtual, 3: stored.
                    generated: hidden >= 2,
                });
            }
            keyed.sort();
            let primary_key: Vec<String> = keyed.into_iter().map(|(_, name)| name).collect();
            // A lone INTEGER PRIMARY KEY is the rowid: SQLite fills it.
            if let [only] = primary_key.as_slice()
                && let Some(column) = columns.iter_mut().find(|c| c.name == *only)
                && column.declared.eq_ignore_ascii_case("integer")
            {
                column.auto = true;
            }
            let mut uniques = Vec::new();
            let mut stmt = conn.prepare(
                "SELECT name FROM pragma_index_list(?1) WHERE \"unique\" = 1 AND partial = 0 AND origin <> 'pk'",
            )?;
            let indexes: Vec<String> = stmt
                .query_map([&name], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut stmt =
                conn.prepare("SELECT cid, name FROM pragma_index_info(?1) ORDER BY seqno")?;
            for index in indexes {
                let parts: Vec<(i64, Option<String>)> = stmt
                    .query_map([&index], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                // An index on an expression names no column.
                if parts.iter().all(|(cid, name)| *cid >= 0 && name.is_some()) {
                    let names: Vec<String> =
                        parts.into_iter().filter_map(|(_, name)| name).collect();
                    if names != primary_key && !uniques.contains(&names) {
                        uniques.push(names);
                    }
                }
            }
            let mut foreign_keys: Vec<ForeignKey> = Vec::new();
            let mut stmt = conn.prepare(
                "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
            )?;
            let mut rows = stmt.query([&name])?;
            let mut last = None;
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                let parent: String = row.get(1)?;
                let from: String = row.get(2)?;
                // A key to the parent's primary key names no column.
                let to: Option<String> = row.get(3)?;
                if last != Some(id) {
                    foreign_keys.push(ForeignKey {
                        columns: Vec::new(),
                        table: parent,
                        references: Vec::new(),
                    });
                    last = Some(id);
                }
                if let Some(key) = foreign_keys.last_mut() {
                    key.columns.push(from);
                    key.references.push(to.unwrap_or_default());
                }
            }
            Ok(Described {
                name: name.clone(),
                columns,
                primary_key,
                uniques,
                foreign_keys,
            })
        };
        let mut described = read(&self.conn).map_err(|err| self.explain(err))?;
        // A key to the parent's primary key: the parent's key column.
        for key in &mut described.foreign_keys {
            if key.references.iter().any(String::is_empty) {
                let parent: Vec<String> = self
                    .conn
                    .prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")
                    .and_then(|mut stmt| {
                        stmt.query_map([&key.table], |row| row.get(0))?
                            .collect::<rusqlite::Result<_>>()
                    })
                    .map_err(|err| self.explain(err))?;
                key.references = parent;
            }
        }
        Ok(Some(described))
    }

    fn tables(&mut self) -> Result<Vec<String>> {
        self.conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .and_then(|mut stmt| stmt.query_map([], |row| row.get(0))?.collect())
            .map_err(|err| self.explain(err))
    }

    fn unique_indexes(&mut self, table: &str, column: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT l.name FROM pragma_index_list(?1) AS l \
                 WHERE l.\"unique\" = 1 AND l.partial = 0 \
                 AND (SELECT count(*) FROM pragma_index_info(l.name)) = 1 \
                 AND (SELECT lower(name) FROM pragma_index_info(l.name)) = lower(?2)",
            )
            .map_err(|err| self.explain(err))?;
        stmt.query_map([table, column], |row| row.get(0))
            .and_then(Iterator::collect)
            .map_err(|err| self.explain(err))
    }

    fn create_table(&mut self, table: &TableDef) -> Result<()> {
        for sql in DIALECT.create_table(table) {
            self.conn
                .execute_batch(&sql)
                .map_err(|err| self.explain(err))?;
        }
        Ok(())
    }

    fn quote(&self, name: &str) -> String {
        DIALECT.quote(name)
    }

    fn placeholder(&self, n: usize) -> String {
        (DIALECT.placeholder)(n)
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let changed = self
            .conn
            .execute(sql, params_from_iter(params.iter()))
            .map_err(|err| self.explain(err))?;
        Ok(changed as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let mut stmt = self.conn.prepare(sql).map_err(|err| self.explain(err))?;
        let width = stmt.column_count();
        stmt.query_map(params_from_iter(params.iter()), |row| {
            (0..width)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(i) => Value::Int(i),
                        ValueRef::Real(f) => Value::Text(f.to_string()),
                        ValueRef::Text(t) | ValueRef::Blob(t) => {
                            Value::Text(String::from_utf8_lossy(t).into_owned())
                        }
                    })
                })
                .collect()
        })
        .and_then(Iterator::collect)
        .map_err(|err| self.explain(err))
    }

    fn start_writing(&mut self) -> Result<()> {
        self.wal_pending = true;
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

    fn prepare_insert(&mut self, target: &InsertTarget) -> Result<()> {
        let sql = DIALECT.insert(target);
        let lookup = format!(
            "SELECT EXISTS (SELECT 1 FROM {} WHERE {} = ?1)",
            DIALECT.quote(&target.table),
            DIALECT.quote(&target.identity)
        );
        self.target = Some((target.clone(), sql, lookup));
        Ok(())
    }

    fn rollback(&mut self) {
        self.dirty = false;
        if self.in_transaction {
            self.in_transaction = false;
            // Nothing more to do if it fails: SQLite rolls back on close.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Bool(b) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*b))),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            // As SQLAlchemy, Django and Rails write them: text, naive UTC.
            Value::Time(time) => ToSqlOutput::from(sqlite_time(time)),
            Value::Date(day) => ToSqlOutput::from(day.format("%Y-%m-%d").to_string()),
            // As text: the column's affinity makes it a number, exactly as
            // written for a decimal kept as text.
            Value::Decimal(decimal) => ToSqlOutput::from(decimal.to_string()),
        })
    }
}

/// `YYYY-MM-DD HH:MM:SS`, with `.ffffff` when there are microseconds.
pub fn sqlite_time(time: &chrono::NaiveDateTime) -> String {
    use chrono::Timelike;
    if time.nanosecond() == 0 {
        time.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        time.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
    }
}

/// The n of a declared `VARCHAR(n)`, `CHARACTER VARYING(n)`, `CHAR(n)`.
/// What a declared type holds, by SQLite's affinity rules and the names
/// ORMs give types (`BOOLEAN`, `DATETIME`, `UUID`, `JSON`).
fn sqlite_kind(declared: &str) -> Kind {
    let lower = declared.to_ascii_lowercase();
    let has = |word: &str| lower.contains(word);
    if has("bool") {
        Kind::Boolean
    } else if has("int") {
        // SQLite keeps any integer in 8 bytes; the app's ORM reads the
        // width the type was declared with.
        let bytes = if has("tinyint") {
            1
        } else if has("smallint") || has("int2") {
            2
        } else if has("mediumint") {
            3
        } else if has("bigint") || has("int8") || lower.trim() == "integer" {
            8
        } else if has("int4") || lower.trim() == "int" || lower.starts_with("int(") {
            4
        } else {
            8
        };
        Kind::Integer { bytes }
    } else if has("timestamp") || has("datetime") {
        Kind::Timestamp
    } else if has("date") {
        Kind::Date
    } else if has("uuid") || has("guid") {
        Kind::Uuid
    } else if has("json") {
        Kind::Json
    } else if has("char") || has("clob") || has("text") || lower.is_empty() {
        Kind::Text {
            max_len: declared_length(declared),
        }
    } else if has("real") || has("floa") || has("doub") || has("num") || has("dec") {
        Kind::Decimal
    } else {
        Kind::Other
    }
}

fn declared_length(declared: &str) -> Option<u32> {
    let upper = declared.to_ascii_uppercase();
    if !upper.contains("CHAR") {
        return None;
    }
    let (_, rest) = upper.split_once('(')?;
    let (number, _) = rest.split_once(')')?;
    number.trim().parse().ok()
}

/// `<db>-seed-journal-mode`, beside the database: the journal mode the
/// file had before seed switched it to WAL (`delete`, most often), there
/// from just before the switch until the mode is put back.
fn journal_record(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-seed-journal-mode");
    PathBuf::from(name)
}

/// Writes the record and syncs it, with its folder: it must outlast a
/// power cut as the switch to WAL mode does.
fn write_journal_record(record: &Path, mode: &str) -> std::io::Result<()> {
    let mut file = std::fs::File::create(record)?;
    file.write_all(format!("{mode}\n").as_bytes())?;
    file.sync_all()?;
    let folder = match record.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // Some file systems cannot sync a folder; the record is written.
    let _ = std::fs::File::open(folder).and_then(|folder| folder.sync_all());
    Ok(())
}

/// How long a seeder that finishes tries to put the journal mode back
/// while another connection has the file open: long enough for a second
/// seeder finishing at the same moment to close, not to wait for one
/// still at work (it puts the mode back itself when it finishes).
const SETTLE_TIME: Duration = Duration::from_millis(250);

/// Set once the run is asked to stop: no busy wait goes on after it.
static STOPPING: AtomicBool = AtomicBool::new(false);
/// `--busy-timeout`, in milliseconds, for [`wait_while_busy`] (a plain
/// function, as SQLite calls it): the same for every connection of a run.
static BUSY_MILLIS: AtomicU64 = AtomicU64::new(5000);
/// How long one busy wait sleeps before SQLite tries the lock again.
const BUSY_STEP: Duration = Duration::from_millis(5);

/// SQLite's busy handler: true to try the lock again after a short sleep,
/// until the busy timeout has passed or the run is asked to stop.
fn wait_while_busy(retries: i32) -> bool {
    let waited = u64::try_from(retries).unwrap_or(0) * BUSY_STEP.as_millis() as u64;
    if STOPPING.load(Ordering::Relaxed) || waited >= BUSY_MILLIS.load(Ordering::Relaxed) {
        return false;
    }
    std::thread::sleep(BUSY_STEP);
    true
}

/// Puts the file at `path` back in journal `mode` from WAL and removes
/// `record`; a record left by a switch that never came is removed. If
/// another connection keeps the file open for [`SETTLE_TIME`], both stay
/// for the seeder that finishes next.
fn settle(path: &Path, mode: &str, record: &Path) -> rusqlite::Result<()> {
    let deadline = Instant::now() + SETTLE_TIME;
    loop {
        match settle_once(path, mode, record) {
            Err(err) if is_busy(&err) => {
                if Instant::now() >= deadline {
                    return Ok(());
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            settled => return settled,
        }
    }
}

fn settle_once(path: &Path, mode: &str, record: &Path) -> rusqlite::Result<()> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::ZERO)?;
    if !in_wal_mode(&conn)? {
        // Under the write lock: a seeder that wrote the record cannot
        // switch meanwhile, and writes it again once it has switched.
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let stale = !in_wal_mode(&conn)?;
        conn.execute_batch("COMMIT")?;
        if stale {
            remove_journal_record(record);
        }
        return close(conn);
    }
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let sql = match mode {
        "truncate" => "PRAGMA journal_mode = TRUNCATE",
        "persist" => "PRAGMA journal_mode = PERSIST",
        "off" => "PRAGMA journal_mode = OFF",
        _ => "PRAGMA journal_mode = DELETE",
    };
    let now: String = conn.query_row(sql, [], |row| row.get(0))?;
    if now.eq_ignore_ascii_case("wal") {
        // Another connection still has the file open.
        return Err(rusqlite::Error::SqliteFailure(
            ffi::Error::new(ffi::SQLITE_BUSY),
            None,
        ));
    }
    remove_journal_record(record);
    close(conn)
}

/// Whether the file is in WAL mode, as its header says: read once the
/// schema is, a fresh connection's mode is the file's.
fn in_wal_mode(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |row| row.get(0))?;
    Ok(mode.eq_ignore_ascii_case("wal"))
}

fn remove_journal_record(record: &Path) {
    // One that cannot be removed is removed by a later run, as stale.
    let _ = std::fs::remove_file(record);
}

fn close(conn: Connection) -> rusqlite::Result<()> {
    conn.close().map_err(|(_, err)| err)
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
        // Ended by the run's interrupter, or a busy wait given up on a stop.
        Some(ErrorCode::OperationInterrupted) => {
            anyhow::Error::new(super::Interrupted(format!("a statement on {path}")))
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
            if STOPPING.load(Ordering::Relaxed) =>
        {
            anyhow::Error::new(super::Interrupted(format!("a lock wait on {path}")))
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => anyhow::Error::new(Locked {
            path: path.to_string(),
            busy_timeout,
        }),
        Some(ErrorCode::DiskFull) => anyhow!("disk is full: cannot write to {path}"),
        Some(ErrorCode::ReadOnly) => anyhow!("database {path} is read-only"),
        Some(ErrorCode::NotADatabase) => anyhow!("{path} is not a SQLite database"),
        Some(ErrorCode::CannotOpen) => match why_cannot_open(Path::new(&path.to_string())) {
            Some(cause) => anyhow!("cannot open database {path}: {cause}"),
            None => anyhow!("cannot open database {path}"),
        },
        Some(ErrorCode::SystemIoFailure) => {
            anyhow!("disk I/O error on {path}: {}", io_failure(&err))
        }
        _ => anyhow::Error::new(err).context(format!("database {path}")),
    }
}

/// What the operating system says when the file (or, for a new one, its
/// folder) is opened as SQLite would: SQLite itself only says it cannot.
fn why_cannot_open(path: &Path) -> Option<String> {
    let probe = if path.exists() {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
    } else {
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path);
        if created.is_ok() {
            // It could be made after all: take it away again.
            let _ = std::fs::remove_file(path);
        }
        created
    };
    let err = probe.err()?;
    Some(match err.kind() {
        std::io::ErrorKind::PermissionDenied if path.exists() => "permission denied".into(),
        std::io::ErrorKind::PermissionDenied => match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => {
                format!("permission denied to create a file in {}", parent.display())
            }
            _ => "permission denied to create a file in the current folder".into(),
        },
        std::io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".into(),
        _ => err.to_string(),
    })
}

/// Which I/O operation SQLite saw fail, in words.
fn io_failure(err: &rusqlite::Error) -> &'static str {
    let rusqlite::Error::SqliteFailure(code, _) = err else {
        return "an I/O operation failed";
    };
    match code.extended_code {
        ffi::SQLITE_IOERR_READ | ffi::SQLITE_IOERR_SHORT_READ => "a read failed",
        ffi::SQLITE_IOERR_WRITE => "a write failed",
        ffi::SQLITE_IOERR_FSYNC | ffi::SQLITE_IOERR_DIR_FSYNC => "flushing to the disk failed",
        ffi::SQLITE_IOERR_TRUNCATE => "truncating the file failed",
        ffi::SQLITE_IOERR_LOCK
        | ffi::SQLITE_IOERR_RDLOCK
        | ffi::SQLITE_IOERR_UNLOCK
        | ffi::SQLITE_IOERR_CHECKRESERVEDLOCK => "locking the file failed",
        ffi::SQLITE_IOERR_NOMEM => "out of memory",
        _ => "an I/O operation failed",
    }
}

/// For [`SqliteMode::Inspect`], the URI that opens `path` immutable, when
/// nothing but the file holds its data: no write-ahead log and no rollback
/// journal next to it (a connection writing in WAL mode keeps a log, so
/// none is at work). None to open it as usual.
fn immutable_uri(path: &Path, mode: SqliteMode) -> Option<String> {
    if mode != SqliteMode::Inspect {
        return None;
    }
    let text = path.to_str()?;
    let beside = |suffix: &str| Path::new(&format!("{text}{suffix}")).exists();
    if beside("-wal") || beside("-journal") {
        return None;
    }
    // The characters a URI's path cannot hold as they are. An absolute
    // path gets an empty authority: `file:` and `//tmp/a.db` would read
    // `tmp` as a host.
    let mut uri = String::from(if text.starts_with('/') {
        "file://"
    } else {
        "file:"
    });
    for c in text.chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    Some(uri)
}

/// Refuses what cannot be a SQLite file at `path`, and a missing file that
/// `mode` would not create, as opening it would: errors SQLite would report
/// vaguely ("unable to open database file", "disk I/O error").
pub fn check_path(path: &Path, mode: SqliteMode) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            bail!("{} is a directory, not a database file", path.display())
        }
        Ok(meta) if !meta.is_file() => {
            use std::os::unix::fs::FileTypeExt;
            let kind = meta.file_type();
            let what = if kind.is_char_device() || kind.is_block_device() {
                "a device"
            } else if kind.is_fifo() {
                "a named pipe"
            } else if kind.is_socket() {
                "a socket"
            } else {
                "not a regular file"
            };
            bail!(
                "{} is {what}, not a database file: seed writes a SQLite file",
                path.display()
            )
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
