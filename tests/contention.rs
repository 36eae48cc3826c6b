//! Other connections on the same SQLite file: a second seeder, a reader
//! holding a transaction, a writer holding the lock.

mod common;

use std::time::Duration;

use common::{
    TempDb, integrity, journal_mode, journal_record, parse_stats, spawn, users_now, wait_for_rows,
};
use rusqlite::Connection;

/// Runs two seeders on `db`, the second once the first has inserted
/// `head_start` rows, and checks both runs add up to the rows in the file.
fn two_seeders(db: &TempDb, batch_size: &str, head_start: u64) {
    let before = users_now(&db.path).unwrap_or(0);
    let start = |seed: &str| {
        spawn(&[
            "users",
            "--json",
            "--count",
            "20000",
            "--seed",
            seed,
            "--batch-size",
            batch_size,
            "--db",
            &db.arg(),
        ])
    };
    let a = start("101");
    if head_start > 0 {
        wait_for_rows(&db.path, before + head_start);
    }
    let b = start("202");
    let (a, b) = (
        a.wait_with_output().expect("wait for seed"),
        b.wait_with_output().expect("wait for seed"),
    );
    for output in [&a, &b] {
        assert_eq!(
            output.status.code(),
            Some(0),
            "stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let (a, b) = (parse_stats(&a.stdout), parse_stats(&b.stdout));
    for stats in [&a, &b] {
        assert_eq!(stats.attempted, 20000);
        assert_eq!(stats.error, None);
    }
    assert_eq!(db.count("users"), before + a.inserted + b.inserted);
    assert_eq!(db.count("roles"), 2);
    assert_eq!(integrity(&db.path), "ok");
}

#[test]
fn two_seeders_creating_the_same_file_both_finish_and_add_up() {
    two_seeders(&TempDb::new(), "1", 0);
}

#[test]
fn two_seeders_on_an_existing_file_both_finish_and_add_up() {
    let db = TempDb::new();
    db.users(&["--count", "10", "--seed", "1"]);
    two_seeders(&db, "1", 0);
    // The 10 rows from before are still there on top of both runs.
    assert_eq!(db.number("SELECT count(*) FROM users WHERE id <= 10"), 10);
}

#[test]
fn two_batched_seeders_on_an_existing_file_both_finish_and_add_up() {
    let db = TempDb::new();
    db.users(&["--count", "0"]);
    two_seeders(&db, "100", 0);
}

#[test]
fn a_seeder_started_while_another_inserts_waits_its_turn() {
    let db = TempDb::new();
    db.users(&["--count", "0"]);
    two_seeders(&db, "1", 2000);
}

#[test]
fn a_batched_seeder_started_while_another_inserts_waits_its_turn() {
    let db = TempDb::new();
    db.users(&["--count", "0"]);
    two_seeders(&db, "100", 2000);
}

#[test]
fn two_seeders_on_a_file_in_delete_mode_leave_it_in_delete_mode() {
    // At once, and the second started once the first has the file in WAL
    // mode (so the first finishes while the second still has it open).
    for (batch_size, head_start) in [("1", 0), ("1", 2000), ("100", 2000)] {
        let db = TempDb::new();
        db.users(&["--count", "10", "--seed", "1"]);
        assert_eq!(journal_mode(&db.path), "delete");
        two_seeders(&db, batch_size, head_start);
        assert_eq!(
            journal_mode(&db.path),
            "delete",
            "--batch-size {batch_size}, head start {head_start}"
        );
        assert_eq!(common::file_names(db.dir.path()), ["test.db"]);
    }
}

#[test]
fn a_file_another_program_keeps_open_is_put_back_by_the_next_run() {
    let db = TempDb::new();
    db.users(&["--count", "10", "--seed", "1"]);
    let child = spawn(&[
        "users",
        "--json",
        "--count",
        "20000",
        "--seed",
        "4",
        "--db",
        &db.arg(),
    ]);
    wait_for_rows(&db.path, 500);
    // An application that has the file open, in WAL mode by now.
    let app = Connection::open(&db.path).expect("open");
    let mode: String = app
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("read the journal mode");
    assert_eq!(mode, "wal");
    let output = child.wait_with_output().expect("wait for seed");
    assert_eq!(output.status.code(), Some(0));
    let stats = parse_stats(&output.stdout);
    assert_eq!(stats.error, None);
    // Only the last connection on a file can take it out of WAL mode.
    assert!(journal_record(&db.path).exists());
    drop(app);
    assert_eq!(journal_mode(&db.path), "wal");

    db.users(&["--count", "0"]);
    assert_eq!(journal_mode(&db.path), "delete");
    assert_eq!(common::file_names(db.dir.path()), ["test.db"]);
    assert_eq!(db.count("users"), 10 + stats.inserted);
}

/// Opens a connection that holds a read transaction on the file.
fn hold_read_transaction(db: &TempDb) -> (Connection, u64) {
    let conn = Connection::open(&db.path).expect("open");
    conn.execute_batch("BEGIN").expect("begin");
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM users", [], |row| row.get(0))
        .expect("read users");
    (conn, rows as u64)
}

#[test]
fn a_reader_holding_a_transaction_does_not_stop_the_seeder() {
    let db = TempDb::new();
    let child = spawn(&[
        "users",
        "--json",
        "--count",
        "20000",
        "--seed",
        "3",
        "--busy-timeout",
        "1",
        "--db",
        &db.arg(),
    ]);
    wait_for_rows(&db.path, 500);
    let (reader, seen) = hold_read_transaction(&db);
    let output = child.wait_with_output().expect("wait for seed");
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The reader still sees its snapshot while the seeder has finished.
    let still: i64 = reader
        .query_row("SELECT count(*) FROM users", [], |row| row.get(0))
        .expect("read users");
    assert_eq!(still as u64, seen);
    reader.execute_batch("COMMIT").expect("end the read");
    drop(reader);

    let stats = parse_stats(&output.stdout);
    assert_eq!(stats.attempted, 20000);
    assert_eq!(db.count("users"), stats.inserted);
    assert!(stats.inserted > seen);
    assert_eq!(integrity(&db.path), "ok");
}

/// A writer that keeps the lock longer than --busy-timeout: the seeder
/// stops with an error naming the lock and the flag; what it committed
/// before stays and is reported.
fn writer_holds_the_lock(batch_size: &str) {
    let db = TempDb::new();
    let child = spawn(&[
        "users",
        "--json",
        "--count",
        "100000000",
        "--busy-timeout",
        "0.5",
        "--batch-size",
        batch_size,
        "--db",
        &db.arg(),
    ]);
    wait_for_rows(&db.path, 500);
    let writer = Connection::open(&db.path).expect("open");
    writer
        .busy_timeout(Duration::from_secs(10))
        .expect("busy timeout");
    writer
        .execute_batch("BEGIN IMMEDIATE")
        .expect("take the write lock");
    let held = std::time::Instant::now();
    let output = child.wait_with_output().expect("wait for seed");
    assert!(held.elapsed() < Duration::from_secs(30));
    writer.execute_batch("ROLLBACK").expect("release the lock");
    drop(writer);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains("is locked") && stderr.contains("--busy-timeout"),
        "{stderr}"
    );
    let stats = parse_stats(&output.stdout);
    let error = stats.error.as_deref().unwrap_or_default();
    assert!(
        error.contains("is locked") && error.contains("--busy-timeout"),
        "{error}"
    );
    assert!(!stats.interrupted);
    assert!(stats.inserted >= 500);
    assert_eq!(stats.attempted, stats.inserted + stats.skipped);
    assert_eq!(db.count("users"), stats.inserted);
    assert_eq!(integrity(&db.path), "ok");
}

#[test]
fn a_writer_holding_the_lock_too_long_is_a_clear_error_and_rows_stay() {
    writer_holds_the_lock("1");
}

#[test]
fn a_writer_holding_the_lock_too_long_stops_a_batched_run_and_rows_stay() {
    writer_holds_the_lock("50");
}
