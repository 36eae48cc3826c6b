//! Stopping a run from outside: Ctrl-C, SIGTERM and SIGKILL. Whatever
//! stops it, the file stays sound and the rows reported are the rows in it.

mod common;

use common::{
    TempDb, integrity, journal_mode, journal_record, parse_stats, send_signal, spawn, users_now,
    wait_for_rows,
};

/// Enough rows that a run only ends when it is stopped.
const FOREVER: &str = "100000000";

/// Starts a long run, waits for rows, sends `signal`; returns the output.
fn stop_with(db: &TempDb, signal: &str, batch_size: &str) -> std::process::Output {
    let child = spawn(&[
        "users",
        "--json",
        "--count",
        FOREVER,
        "--seed",
        "11",
        "--batch-size",
        batch_size,
        "--db",
        &db.arg(),
    ]);
    wait_for_rows(&db.path, 1000);
    send_signal(&child, signal);
    child.wait_with_output().expect("wait for seed")
}

fn check_stopped(db: &TempDb, signal: &str, code: i32, batch_size: &str) {
    let output = stop_with(db, signal, batch_size);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let stats = parse_stats(&output.stdout);
    assert!(stats.interrupted, "{stats:?}");
    assert_eq!(stats.error, None);
    // Not every row was tried: there is no digest of the run's data.
    assert_eq!(stats.digest, None);
    assert!(stats.inserted >= 1000, "{stats:?}");
    assert_eq!(stats.attempted, stats.inserted + stats.skipped);
    assert_eq!(
        stats.skipped,
        stats.skipped_by_reason.values().sum::<u64>(),
        "{stats:?}"
    );
    assert_eq!(
        db.count("users"),
        stats.inserted,
        "reported rows are the rows in the file"
    );
    assert_eq!(integrity(&db.path), "ok");
}

#[test]
fn two_signals_at_once_are_one_stop_as_timeout_sends_them() {
    // timeout(1) signals the process, then its group: two signals
    // microseconds apart. They ask for one stop, with its summary and JSON,
    // not for the immediate exit a second Ctrl-C asks for.
    for signal in ["TERM", "INT"] {
        let db = TempDb::new();
        let child = spawn(&["users", "--json", "--count", FOREVER, "--db", &db.arg()]);
        wait_for_rows(&db.path, 1000);
        let status = std::process::Command::new("kill")
            .args([
                "-s",
                signal,
                &child.id().to_string(),
                &child.id().to_string(),
            ])
            .status()
            .expect("run kill");
        assert!(status.success());
        let output = child.wait_with_output().expect("wait for seed");
        let code = if signal == "TERM" { 143 } else { 130 };
        assert_eq!(output.status.code(), Some(code), "{signal}");
        let stats = parse_stats(&output.stdout);
        assert!(stats.interrupted, "{stats:?}");
        assert_eq!(db.count("users"), stats.inserted);
        assert_eq!(
            common::file_names(db.dir.path()),
            ["test.db"],
            "back out of WAL"
        );
    }
}

#[test]
fn ctrl_c_commits_the_current_row_reports_it_and_exits_130() {
    check_stopped(&TempDb::new(), "INT", 130, "1");
}

#[test]
fn ctrl_c_commits_the_open_batch_and_exits_130() {
    check_stopped(&TempDb::new(), "INT", 130, "500");
}

#[test]
fn sigterm_commits_the_current_row_reports_it_and_exits_143() {
    check_stopped(&TempDb::new(), "TERM", 143, "1");
}

#[test]
fn sigterm_commits_the_open_batch_and_exits_143() {
    check_stopped(&TempDb::new(), "TERM", 143, "500");
}

#[test]
fn ctrl_c_prints_the_human_summary_with_the_rows_in_the_file() {
    let db = TempDb::new();
    let child = spawn(&[
        "users",
        "--count",
        FOREVER,
        "--seed",
        "5",
        "--db",
        &db.arg(),
    ]);
    wait_for_rows(&db.path, 500);
    send_signal(&child, "INT");
    let output = child.wait_with_output().expect("wait for seed");
    assert_eq!(output.status.code(), Some(130));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected = format!(
        "Interrupted after inserting {} flask-base users into {}",
        db.count("users"),
        db.arg()
    );
    assert!(
        stderr.starts_with(&expected),
        "expected {expected:?}, got {stderr:?}"
    );
    assert!(output.stdout.is_empty());
    assert_eq!(integrity(&db.path), "ok");
}

/// SIGKILL cannot be caught: the rows committed before it stay, the file
/// passes integrity_check, and the next run carries on in it.
fn check_killed(batch_size: &str) {
    let db = TempDb::new();
    let mut child = spawn(&[
        "users",
        "--json",
        "--count",
        FOREVER,
        "--seed",
        "21",
        "--batch-size",
        batch_size,
        "--db",
        &db.arg(),
    ]);
    let seen = wait_for_rows(&db.path, 1000);
    child.kill().expect("SIGKILL seed");
    let output = child.wait_with_output().expect("wait for seed");
    assert_eq!(output.status.code(), None, "ended by a signal");
    assert!(output.stdout.is_empty(), "no summary after SIGKILL");

    assert_eq!(integrity(&db.path), "ok");
    let before = db.count("users");
    assert!(
        before >= seen,
        "{before} rows after the kill, {seen} seen before it"
    );

    let stats = db.users(&["--count", "300", "--seed", "22", "--batch-size", batch_size]);
    assert_eq!(stats.attempted, 300);
    assert!(stats.inserted > 0);
    assert_eq!(db.count("users"), before + stats.inserted);
    assert_eq!(integrity(&db.path), "ok");
    assert_eq!(users_now(&db.path), Some(before + stats.inserted));
}

#[test]
fn sigkill_keeps_committed_rows_and_the_next_run_carries_on() {
    check_killed("1");
}

#[test]
fn sigkill_mid_batch_keeps_committed_batches_and_the_next_run_carries_on() {
    check_killed("500");
}

/// SIGKILLs a run on `db` once it has committed rows in WAL mode; returns
/// the rows in the file after the kill.
fn kill_in_wal_mode(db: &TempDb) -> Vec<String> {
    let mut child = spawn(&[
        "users",
        "--json",
        "--count",
        "1000000",
        "--seed",
        "31",
        "--db",
        &db.arg(),
    ]);
    wait_for_rows(&db.path, 1000);
    assert_eq!(journal_mode(&db.path), "wal", "seed runs in WAL mode");
    child.kill().expect("SIGKILL seed");
    let output = child.wait_with_output().expect("wait for seed");
    assert_eq!(output.status.code(), None, "ended by a signal");
    assert_eq!(integrity(&db.path), "ok");
    db.dump_users()
}

/// A file in the default rollback-journal mode, with rows in it.
fn file_in_delete_mode() -> TempDb {
    let db = TempDb::new();
    db.users(&["--count", "10", "--seed", "30"]);
    assert_eq!(journal_mode(&db.path), "delete");
    db
}

#[test]
fn a_file_killed_in_wal_mode_is_put_back_in_delete_mode_by_the_next_run() {
    let db = file_in_delete_mode();
    let committed = kill_in_wal_mode(&db);
    assert!(committed.len() >= 1010, "{} rows", committed.len());
    // What the kill leaves: the file in WAL mode, and the mode it had
    // written down beside it.
    assert_eq!(journal_mode(&db.path), "wal");
    assert_eq!(
        std::fs::read_to_string(journal_record(&db.path)).expect("the record is there"),
        "delete\n"
    );

    let stats = db.users(&["--count", "300", "--seed", "32"]);
    assert!(stats.inserted > 0, "{stats:?}");
    assert_eq!(journal_mode(&db.path), "delete");
    assert_eq!(common::file_names(db.dir.path()), ["test.db"]);
    let rows = db.dump_users();
    assert_eq!(rows.len() as u64, committed.len() as u64 + stats.inserted);
    assert_eq!(
        rows[..committed.len()],
        committed[..],
        "every committed row stays"
    );
    assert_eq!(integrity(&db.path), "ok");
}

#[test]
fn a_next_run_that_inserts_nothing_puts_the_journal_mode_back_too() {
    let db = file_in_delete_mode();
    let committed = kill_in_wal_mode(&db);
    let stats = db.users(&["--count", "0"]);
    assert_eq!(stats.inserted, 0);
    assert_eq!(journal_mode(&db.path), "delete");
    assert_eq!(common::file_names(db.dir.path()), ["test.db"]);
    assert_eq!(db.dump_users(), committed);
}

#[test]
fn a_file_in_wal_mode_stays_in_wal_mode_and_gets_no_record() {
    // Rails 8 makes its SQLite databases in WAL mode: that is theirs to keep.
    let db = TempDb::new();
    db.users(&["--count", "10"]);
    db.exec("PRAGMA journal_mode = WAL");
    db.users(&["--count", "100", "--seed", "33"]);
    assert_eq!(journal_mode(&db.path), "wal");
    assert_eq!(common::file_names(db.dir.path()), ["test.db"]);

    kill_in_wal_mode(&db);
    assert!(!journal_record(&db.path).exists());
    db.users(&["--count", "100", "--seed", "34"]);
    assert_eq!(journal_mode(&db.path), "wal");
    assert_eq!(common::file_names(db.dir.path()), ["test.db"]);
}

/// Waits for the child to end, failing the test if it takes `limit`.
fn wait_within(mut child: std::process::Child, limit: std::time::Duration) -> std::process::Output {
    let deadline = std::time::Instant::now() + limit;
    while child.try_wait().expect("poll seed").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("seed did not stop within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("wait for seed")
}

/// The password hash takes minutes at these work factors. Ctrl-C during it
/// stops the run at once, before anything is written: exit 130, the file
/// byte for byte as it was, and a summary whose time includes the hash.
#[test]
fn ctrl_c_during_the_password_hash_stops_at_once_and_writes_nothing() {
    let runs: [(&[&str], &[&str]); 2] = [
        (
            &["--hash-iterations", "1"],
            &["--hash-iterations", "4294967295"],
        ),
        (
            &["--app", "ctfd", "--bcrypt-cost", "4"],
            &["--app", "ctfd", "--bcrypt-cost", "31"],
        ),
    ];
    for (cheap, slow) in runs {
        let db = TempDb::new();
        db.users(&[&["--count", "3", "--seed", "1"], cheap].concat());
        let before = db.bytes();
        let path = db.arg();
        let args = [
            &["users", "--json", "--count", "10", "--seed", "2"][..],
            slow,
            &["--db", &path],
        ]
        .concat();
        let child = spawn(&args);
        let waited = std::time::Duration::from_millis(1500);
        std::thread::sleep(waited);
        send_signal(&child, "INT");
        let output = wait_within(child, std::time::Duration::from_secs(20));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "{slow:?}: {stderr}");
        let stats = parse_stats(&output.stdout);
        assert!(stats.interrupted && stats.error.is_none(), "{stats:?}");
        assert_eq!((stats.attempted, stats.inserted), (0, 0));
        assert!(
            stats.elapsed_seconds >= waited.as_secs_f64(),
            "the time includes the hash: {stats:?}"
        );
        assert_eq!(db.count("users"), 3);
        assert!(db.bytes() == before, "{slow:?}: the file is unchanged");
        assert_eq!(integrity(&db.path), "ok");
    }
}

/// A loopback port that accepts connections and never answers, for as long
/// as the listener lives.
#[cfg(all(feature = "postgres", feature = "mysql"))]
fn silent_server() -> (std::net::TcpListener, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("its address").port();
    let held = listener.try_clone().expect("clone the listener");
    std::thread::spawn(move || {
        let mut connections = Vec::new();
        for connection in held.incoming().flatten() {
            connections.push(connection);
        }
    });
    (listener, port)
}

/// A server that accepts and never answers is one line naming it once the
/// connect timeout (`--connect-timeout`, the URL's `connect_timeout`) has
/// passed, on PostgreSQL and MySQL alike, with the JSON saying so.
#[test]
#[cfg(all(feature = "postgres", feature = "mysql"))]
fn a_server_that_never_answers_is_given_up_on_after_the_connect_timeout() {
    let (_listener, port) = silent_server();
    for (url, option) in [
        (format!("postgres://a:b@127.0.0.1:{port}/app"), Some("1")),
        (
            format!("postgres://a:b@127.0.0.1:{port}/app?connect_timeout=1"),
            None,
        ),
        (format!("mysql://a:b@127.0.0.1:{port}/app"), Some("1")),
        (
            format!("mysql://a:b@127.0.0.1:{port}/app?connect_timeout=1"),
            None,
        ),
    ] {
        let started = std::time::Instant::now();
        let mut args = vec!["users", "--json", "--count", "5", "--db", url.as_str()];
        if let Some(seconds) = option {
            args.extend(["--connect-timeout", seconds]);
        }
        let output = wait_within(spawn(&args), std::time::Duration::from_secs(20));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{url}: {stderr}");
        assert!(started.elapsed() >= std::time::Duration::from_secs(1));
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&format!("at 127.0.0.1:{port}: no answer within 1 s")),
            "{url}: {stderr}"
        );
        let stats = parse_stats(&output.stdout);
        assert!(!stats.interrupted && stats.error.is_some(), "{stats:?}");
        assert_eq!(stats.inserted, 0);
    }
}

/// Ctrl-C while connecting to a server that never answers stops the run at
/// once: exit 130, `"interrupted": true`, nothing written.
#[test]
#[cfg(all(feature = "postgres", feature = "mysql"))]
fn ctrl_c_while_connecting_stops_at_once() {
    let (_listener, port) = silent_server();
    for url in [
        format!("postgres://a:b@127.0.0.1:{port}/app"),
        format!("mysql://a:b@127.0.0.1:{port}/app"),
    ] {
        let child = spawn(&["users", "--json", "--count", "5", "--db", &url]);
        std::thread::sleep(std::time::Duration::from_millis(700));
        let sent = std::time::Instant::now();
        send_signal(&child, "INT");
        let output = wait_within(child, std::time::Duration::from_secs(20));
        assert!(sent.elapsed() < std::time::Duration::from_secs(3), "{url}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "{url}: {stderr}");
        let stats = parse_stats(&output.stdout);
        assert!(stats.interrupted && stats.error.is_none(), "{stats:?}");
        assert_eq!(stats.inserted, 0);
    }
}

/// Ctrl-C while another connection holds the write lock ends the wait at
/// once (not at --busy-timeout): exit 130, `"interrupted": true`, nothing
/// written.
#[test]
fn ctrl_c_during_a_lock_wait_stops_at_once() {
    let db = TempDb::new();
    db.users(&["--count", "3", "--seed", "1"]);
    let holder = rusqlite::Connection::open(&db.path).expect("open");
    holder
        .execute_batch("BEGIN IMMEDIATE")
        .expect("take the write lock");
    let path = db.arg();
    let child = spawn(&[
        "users",
        "--json",
        "--count",
        "10",
        "--seed",
        "2",
        "--busy-timeout",
        "30",
        "--db",
        &path,
    ]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let sent = std::time::Instant::now();
    send_signal(&child, "INT");
    let output = wait_within(child, std::time::Duration::from_secs(30));
    assert!(sent.elapsed() < std::time::Duration::from_secs(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    let stats = parse_stats(&output.stdout);
    assert!(stats.interrupted && stats.error.is_none(), "{stats:?}");
    assert_eq!(stats.inserted, 0);
    holder.execute_batch("ROLLBACK").expect("let go");
    drop(holder);
    assert_eq!(db.count("users"), 3);
}
