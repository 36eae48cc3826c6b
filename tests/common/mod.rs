//! Helpers for running the real `seed` binary on temporary databases.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use rusqlite::Connection;
use serde::Deserialize;
use tempfile::TempDir;

/// `seed users --json` output; unknown fields fail the parse, pinning the schema.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Stats {
    pub app: Option<String>,
    pub plan: Option<String>,
    pub table: Option<String>,
    pub requested: u64,
    pub attempted: u64,
    pub inserted: u64,
    pub skipped: u64,
    pub skipped_by_reason: BTreeMap<String, u64>,
    pub seed: u64,
    pub locale: String,
    pub digest: Option<String>,
    pub batch_size: u64,
    pub elapsed_seconds: f64,
    pub rows_per_second: f64,
    pub interrupted: bool,
    pub dry_run: bool,
    pub database: String,
    pub error: Option<String>,
}

impl Stats {
    /// The fields that must not depend on timing or on the database name.
    pub fn counts(&self) -> (u64, u64, u64, u64, &BTreeMap<String, u64>) {
        (
            self.requested,
            self.attempted,
            self.inserted,
            self.skipped,
            &self.skipped_by_reason,
        )
    }
}

/// The binary, with no DATABASE_URL, SEED_PASSWORD or NO_COLOR leaking in
/// from outside.
pub fn seed() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seed"));
    cmd.env_remove("DATABASE_URL")
        .env_remove("SEED_PASSWORD")
        .env_remove("NO_COLOR");
    cmd
}

/// Whether werkzeug's `check_password_hash` would accept `password` for a
/// `pbkdf2:sha256:N$salt$hex` hash.
pub fn werkzeug_accepts(hash: &str, password: &str) -> bool {
    let mut parts = hash.split('$');
    let (Some(method), Some(salt), Some(hex)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Some(iterations) = method
        .strip_prefix("pbkdf2:sha256:")
        .and_then(|n| n.parse().ok())
    else {
        return false;
    };
    let mut digest = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
        password.as_bytes(),
        salt.as_bytes(),
        iterations,
        &mut digest,
    );
    let computed: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    computed == hex
}

/// A fresh folder with a database path in it (the file is not created).
pub struct TempDb {
    pub dir: TempDir,
    pub path: PathBuf,
}

impl TempDb {
    pub fn new() -> TempDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("test.db");
        TempDb { dir, path }
    }

    pub fn arg(&self) -> String {
        self.path.display().to_string()
    }

    pub fn conn(&self) -> Connection {
        Connection::open(&self.path).expect("open test database")
    }

    /// Runs `seed users --json --db <this> <args>`, expecting success.
    pub fn users(&self, args: &[&str]) -> Stats {
        let output = seed()
            .args(["users", "--json", "--db", &self.arg()])
            .args(args)
            .output()
            .expect("run seed");
        assert!(
            output.status.success(),
            "seed users {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        parse_stats(&output.stdout)
    }

    pub fn count(&self, table: &str) -> u64 {
        self.conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .expect("count rows")
    }

    /// Every users row, as text, in id order: equal dumps mean identical rows.
    pub fn dump_users(&self) -> Vec<String> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT quote(id) || '|' || quote(confirmed) || '|' || quote(first_name) || '|' || \
                 quote(last_name) || '|' || quote(email) || '|' || quote(password_hash) || '|' || \
                 quote(role_id) FROM users ORDER BY id",
            )
            .expect("prepare dump");
        stmt.query_map([], |row| row.get(0))
            .expect("dump users")
            .collect::<Result<_, _>>()
            .expect("read users")
    }

    /// The single number a query returns.
    pub fn number(&self, sql: &str) -> u64 {
        self.conn()
            .query_row(sql, [], |row| row.get::<_, i64>(0))
            .map(|n| n as u64)
            .expect("query number")
    }

    pub fn exec(&self, sql: &str) {
        self.conn().execute_batch(sql).expect("run setup SQL");
    }

    /// Every row of `sql`, each value as text (NULL as "").
    pub fn query(&self, sql: &str) -> Vec<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(sql).expect("prepare query");
        let width = stmt.column_count();
        stmt.query_map([], |row| {
            (0..width)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => String::new(),
                        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                        rusqlite::types::ValueRef::Real(f) => f.to_string(),
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                            String::from_utf8_lossy(t).into_owned()
                        }
                    })
                })
                .collect()
        })
        .expect("run query")
        .collect::<Result<_, _>>()
        .expect("read rows")
    }

    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.path).expect("read database file")
    }
}

pub fn parse_stats(stdout: &[u8]) -> Stats {
    let text = String::from_utf8_lossy(stdout);
    assert_eq!(
        text.lines().count(),
        1,
        "expected one JSON line, got: {text}"
    );
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("bad JSON ({err}): {text}"))
}

pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// `PRAGMA integrity_check` of a database file: "ok" when it is sound.
pub fn integrity(path: &Path) -> String {
    Connection::open(path)
        .and_then(|conn| conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)))
        .expect("run integrity_check")
}

/// Rows in `users`, read without creating the file; None until seed has
/// created the table.
pub fn users_now(path: &Path) -> Option<u64> {
    let conn =
        Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    conn.query_row("SELECT count(*) FROM users", [], |row| row.get::<_, i64>(0))
        .ok()
        .map(|n| n as u64)
}

/// Waits until `users` holds at least `rows` rows, or fails the test.
pub fn wait_for_rows(path: &Path, rows: u64) -> u64 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Some(n) = users_now(path).filter(|n| *n >= rows) {
            return n;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "seed did not insert {rows} rows within a minute"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Starts the binary with stdout and stderr captured, without waiting.
pub fn spawn(args: &[&str]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_seed"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("SEED_PASSWORD")
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start seed")
}

/// Sends `signal` (a name such as INT, TERM) to a child with kill(1).
pub fn send_signal(child: &std::process::Child, signal: &str) {
    let status = std::process::Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -s {signal} failed");
}

/// The journal mode the file is in (`delete`, `wal`, …), as a new
/// connection finds it.
pub fn journal_mode(path: &Path) -> String {
    Connection::open(path)
        .and_then(|conn| conn.query_row("PRAGMA journal_mode", [], |row| row.get(0)))
        .expect("read the journal mode")
}

/// Where seed writes down the journal mode a file had while it holds it
/// in WAL mode.
pub fn journal_record(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}-seed-journal-mode", path.display()))
}

/// What a verifier said.
pub enum Verdict {
    Accepted,
    Skipped,
}

/// Runs a verifier script with `args`, feeding it `input`; a missing
/// interpreter or library (exit 3) is a skip, any other failure fails the
/// test.
#[track_caller]
pub fn verifier(program: &str, args: &[&str], input: &str) -> Verdict {
    let scripts = format!("{}/tests/verifiers", env!("CARGO_MANIFEST_DIR"));
    let mut child = match std::process::Command::new(program)
        .current_dir(&scripts)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(err) => {
            eprintln!("skipped: cannot run {program} ({err}); .ci/run installs it");
            return Verdict::Skipped;
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        std::io::Write::write_all(&mut stdin, input.as_bytes()).expect("write to verifier");
    }
    let output = child.wait_with_output().expect("verifier runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    match output.status.code() {
        Some(0) => Verdict::Accepted,
        Some(3) => {
            eprintln!("{}", text.trim());
            Verdict::Skipped
        }
        _ => panic!("{program} {args:?} refused: {text}"),
    }
}
