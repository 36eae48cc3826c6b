//! What the server tests share: running the binary and reading its JSON.
//! Each test makes its own schema or database, so tests run in parallel.

#![allow(dead_code)] // each test file uses its own part

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use assert_cmd::Command;
use serde::Deserialize;

pub use crate::common::Stats;

/// The URL of a test server, or None (after saying so) to skip the test.
pub fn server_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            // Once per test binary, past the test harness's capture (which
            // only takes print! and eprint!), so `cargo test` shows it.
            static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
            let mut said = SAID
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !said.iter().any(|seen| seen == var) {
                said.push(var.to_owned());
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "note: {var} is not set: the server tests of this file pass without running (see the README's Testing section)"
                );
            }
            eprintln!("skipped: {var} not set");
            None
        }
    }
}

/// A name no other test (in this run or a concurrent one) uses.
pub fn unique_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "seed_test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn seed() -> Command {
    let mut cmd = Command::cargo_bin("seed").expect("the seed binary is built");
    cmd.env_remove("DATABASE_URL").env("NO_COLOR", "1");
    cmd
}

/// Runs `seed users --json` with `args` against `url`; it must succeed.
pub fn users(url: &str, args: &[&str]) -> Stats {
    let output = seed()
        .args(["users", "--json", "--hash-iterations", "1", "--db", url])
        .args(args)
        .output()
        .expect("seed runs");
    assert!(
        output.status.success(),
        "seed users {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object on stdout")
}

/// `seed roles --json`: the change reported for each role.
pub fn roles(url: &str) -> BTreeMap<String, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Report {
        #[allow(dead_code)]
        app: String,
        #[allow(dead_code)]
        database: String,
        roles: BTreeMap<String, String>,
        error: Option<String>,
    }
    let output = seed()
        .args(["roles", "--json", "--db", url])
        .output()
        .expect("seed runs");
    assert!(
        output.status.success(),
        "seed roles failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Report = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(report.error, None);
    report.roles
}

/// Runs seed with `args`; it must fail with exit code 1. Returns stdout
/// and stderr together.
pub fn fails(args: &[&str]) -> String {
    let output = seed().args(args).output().expect("seed runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
