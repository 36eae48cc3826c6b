//! A reader that goes away (`seed users --json | head -c1`) is not an
//! error: no panic, exit 0, and the rows are all in the file.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::{TempDb, integrity};

const ARGS: [&str; 5] = ["users", "--count", "2000", "--seed", "8"];

/// The rows the same run inserts into a file of its own.
fn reference_rows() -> u64 {
    let db = TempDb::new();
    db.users(&ARGS[1..]).inserted
}

fn run_with(db: &TempDb, json: bool, stdout: Stdio, stderr: Stdio) -> std::process::Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seed"));
    cmd.args(ARGS).args(["--db", &db.arg()]);
    if json {
        cmd.arg("--json");
    }
    cmd.env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("start seed")
}

#[test]
fn json_into_a_pipe_closed_after_one_byte_is_not_an_error() {
    let expected = reference_rows();
    let db = TempDb::new();
    let mut child = run_with(&db, true, Stdio::piped(), Stdio::piped());
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).expect("read one byte");
    assert_eq!(&first, b"{");
    drop(stdout);
    let output = child.wait_with_output().expect("wait for seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(db.count("users"), expected);
    assert_eq!(integrity(&db.path), "ok");
}

#[test]
fn json_into_a_pipe_closed_before_the_end_is_not_an_error() {
    let expected = reference_rows();
    let db = TempDb::new();
    let mut child = run_with(&db, true, Stdio::piped(), Stdio::piped());
    // Closed before seed writes anything: its write fails with EPIPE.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait for seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(db.count("users"), expected);
    assert_eq!(integrity(&db.path), "ok");
}

#[test]
fn a_summary_into_a_closed_stderr_is_not_a_panic() {
    let expected = reference_rows();
    let db = TempDb::new();
    let mut child = run_with(&db, false, Stdio::null(), Stdio::piped());
    // `seed users 2>&1 | head -c1`: the human summary goes to stderr.
    drop(child.stderr.take());
    let status = child.wait().expect("wait for seed");
    assert_eq!(status.code(), Some(0), "101 is a panic");
    assert_eq!(db.count("users"), expected);
    assert_eq!(integrity(&db.path), "ok");
}

#[test]
fn an_error_into_a_closed_stderr_still_exits_1() {
    let db = TempDb::new();
    std::fs::write(&db.path, b"not a database, just text").expect("write file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_seed"))
        .args(["users", "--db", &db.arg()])
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start seed");
    drop(child.stderr.take());
    let status = child.wait().expect("wait for seed");
    assert_eq!(status.code(), Some(1), "101 is a panic");
}
