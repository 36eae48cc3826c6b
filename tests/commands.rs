//! `seed roles`, `seed admin`, completions and the man page.

mod common;

use clap_complete::Shell;
use common::{TempDb, seed};
use predicates::prelude::*;

#[test]
fn roles_are_created_once_and_repaired_when_changed() {
    let db = TempDb::new();
    seed()
        .args(["roles", "--db", &db.arg()])
        .assert()
        .success()
        .stderr(predicate::str::contains("Role User: created"));
    seed()
        .args(["roles", "--json", "--db", &db.arg()])
        .assert()
        .success()
        .stdout(format!(
            "{{\"app\":\"flask-base\",\"database\":\"{}\",\"roles\":{{\"Administrator\":\"unchanged\",\"User\":\"unchanged\"}},\"error\":null}}\n",
            db.arg()
        ));
    db.exec("UPDATE roles SET permissions = 3 WHERE name = 'User'");
    seed()
        .args(["roles", "--db", &db.arg()])
        .assert()
        .success()
        .stderr(predicate::str::contains("Role User: updated"));
    assert_eq!(db.count("roles"), 2);
    assert_eq!(
        db.number("SELECT permissions FROM roles WHERE name = 'User'"),
        1
    );
}

#[test]
fn admin_is_created_once_as_a_confirmed_administrator() {
    let db = TempDb::new();
    seed()
        .args([
            "admin",
            "--email",
            "root@example.com",
            "--password",
            "pw",
            "--db",
            &db.arg(),
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "Created administrator root@example.com",
        ));
    let row: (String, String, bool, String, String) = db
        .conn()
        .query_row(
            "SELECT first_name, last_name, confirmed, roles.name, password_hash FROM users JOIN roles ON roles.id = role_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .expect("admin row");
    assert_eq!(
        (&row.0[..], &row.1[..], row.2, &row.3[..]),
        ("Admin", "Account", true, "Administrator")
    );
    assert!(row.4.starts_with("pbkdf2:sha256:1000000$"));

    seed()
        .args([
            "admin",
            "--email",
            "root@example.com",
            "--password",
            "other",
            "--json",
            "--db",
            &db.arg(),
        ])
        .assert()
        .success()
        .stdout(format!(
            "{{\"app\":\"flask-base\",\"database\":\"{}\",\"email\":\"root@example.com\",\"created\":false,\"error\":null}}\n",
            db.arg()
        ));
    let hash: String = db
        .conn()
        .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
        .expect("hash");
    assert_eq!(hash, row.4, "an existing admin is left unchanged");
    assert_eq!(db.count("users"), 1);
}

#[test]
fn admin_without_password_gets_a_random_one_once() {
    let db = TempDb::new();
    let output = seed()
        .args([
            "admin",
            "--email",
            "a@example.com",
            "--json",
            "--db",
            &db.arg(),
        ])
        .output()
        .expect("run");
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let password = json["password"].as_str().expect("generated password");
    assert!(password.len() >= 16);
}

#[test]
fn admin_arguments_are_checked() {
    let db = TempDb::new();
    seed()
        .args(["admin", "--email", "not-an-email", "--db", &db.arg()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an email address"));
    let long = format!("{}@example.com", "a".repeat(60));
    seed()
        .args(["admin", "--email", &long, "--db", &db.arg()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("VARCHAR(64)"));
    assert!(!db.path.exists());
}

#[test]
fn committed_completions_match_the_cli() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("SEED_UPDATE_COMPLETIONS").is_some();
    for (shell, file) in [
        (Shell::Bash, "seed.bash"),
        (Shell::Zsh, "_seed"),
        (Shell::Fish, "seed.fish"),
        (Shell::PowerShell, "_seed.ps1"),
        (Shell::Elvish, "seed.elv"),
    ] {
        let output = seed()
            .args(["completions", &shell.to_string()])
            .output()
            .expect("run");
        assert!(output.status.success());
        assert!(!output.stdout.is_empty());
        let path = dir.join(file);
        if update {
            std::fs::write(&path, &output.stdout).expect("write completions");
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == output.stdout,
            "completions/{file} is out of date: run `SEED_UPDATE_COMPLETIONS=1 cargo test --test commands`"
        );
    }
}

#[test]
fn man_pages_are_roff_for_seed_and_each_command() {
    seed().arg("man").assert().success().stdout(
        predicate::str::starts_with(".ie")
            .and(predicate::str::contains(".TH seed"))
            .and(predicate::str::contains("DATABASE_URL"))
            .and(predicate::str::contains("143")),
    );
    for (page, option) in [
        ("users", "\\-\\-batch\\-size"),
        ("roles", "\\-\\-app"),
        ("admin", "\\-\\-username"),
        ("completions", "elvish"),
    ] {
        seed().args(["man", page]).assert().success().stdout(
            predicate::str::contains(format!(".TH seed-{page} 1"))
                .and(predicate::str::contains(option)),
        );
    }
    seed().args(["man", "nothing"]).assert().code(2);
}

#[test]
fn usage_errors_exit_with_2() {
    seed()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage: seed <COMMAND>"));
    seed()
        .args(["users", "--frobnicate"])
        .assert()
        .code(2)
        .stderr("error: unexpected argument '--frobnicate' found\n");
    seed()
        .args(["users", "--app", "nope"])
        .assert()
        .code(2)
        .stderr("error: invalid value 'nope' for '--app <APP>' [possible values: flask-base, ctfd, django, laravel, devise]\n");
    seed().args(["users", "--batch-size", "0"]).assert().code(2);
    for app in ["flask-base", "laravel", "devise"] {
        seed()
            .args(["admin", "--app", app, "--email", "a@example.com", "--name", "a"])
            .assert()
            .code(2)
            .stderr(format!(
                "error: {app} has no login name besides the email, so --username/--name does not apply\n"
            ));
    }
    seed().args(["completions", "tcsh"]).assert().code(2);
    for email in ["a b@example.com", "@example.com", "a@", "a@b@c", "ab"] {
        seed()
            .args(["admin", "--email", email, "--password", "x"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "error: --email '{email}' is not an email address"
            )));
    }
    for url in [
        "postgres://u:p@h:99999/app",
        "mysql://u:p@h:0/app",
        "postgres://u:p@/app",
        "postgres://u@h/app?sslmode=bogus",
        "mysql://u@h/app?charset=latin1",
    ] {
        seed()
            .args(["users", "--db", url])
            .assert()
            .code(2)
            .stderr(predicate::function(|err: &str| {
                err.lines().count() == 1
                    && [
                        "port 99999",
                        "port 0",
                        "no host",
                        "invalid sslmode",
                        "charset is not supported",
                    ]
                    .iter()
                    .any(|named| err.contains(named))
            }));
    }
    for wait in ["0", "-1", "3601", "soon"] {
        seed()
            .args(["users", "--connect-timeout", wait])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--connect-timeout"));
    }
    // A work factor past the plan's format's range, before any file is made.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("seed.toml"),
        "table = \"members\"\nidentity = \"email\"\n[columns]\nemail = \"email\"\n\
         pw = { gen = \"password\", format = \"argon2id\" }\n",
    )
    .expect("write the plan");
    seed()
        .current_dir(dir.path())
        .args(["users", "--hash-iterations", "5000"])
        .assert()
        .code(2)
        .stderr("error: --hash-iterations 5000 is out of range for argon2id: Argon2 (its time cost) takes 1 to 1000\n");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        1,
        "only the plan is there"
    );
}

#[test]
#[cfg(all(feature = "postgres", feature = "mysql"))]
fn a_malformed_server_url_is_a_usage_error_before_any_connection() {
    // Port 9 (discard) is never a database: a connection attempt would be
    // a runtime error, exit 1.
    for (url, message) in [
        (
            "postgres://127.0.0.1:9/db?sslmode=bogus",
            "error: invalid sslmode in the PostgreSQL URL",
        ),
        (
            "postgres://127.0.0.1:99999/db",
            "error: invalid PostgreSQL URL: port 99999 is not a port (1 to 65535)",
        ),
        (
            "mysql://127.0.0.1:9/db?ssl-mode=bogus",
            "error: invalid ssl-mode in the MySQL URL",
        ),
        ("mariadb://127.0.0.1:x/db", "error: invalid MySQL URL"),
    ] {
        for command in ["users", "roles", "admin"] {
            let mut cmd = seed();
            cmd.args([command, "--db", url]);
            if command == "admin" {
                cmd.args(["--email", "a@example.com", "--password", "pw"]);
            }
            let output = cmd.output().expect("run seed");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{command} {url}: {stderr}");
            assert!(
                stderr.starts_with(message) && stderr.lines().count() == 1,
                "{stderr}"
            );
        }
    }
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    let db = TempDb::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_seed"))
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    assert_eq!(output.status.code(), Some(0));
    drop(db);
}

/// Every numeric option is checked as it is parsed: exit 2 and one line
/// naming the option and its range, before the database is touched.
#[test]
fn numeric_options_are_range_checked() {
    let db = TempDb::new();
    let any_u64 = "must be a whole number from 0 to 18446744073709551615";
    let seconds = "'--busy-timeout <SECONDS>': must be a number of seconds from 0 to 2147483";
    let cases: &[(&[&str], &str)] = &[
        (&["users", "-n", "3", "--busy-timeout", "2147484"], seconds),
        (&["users", "--busy-timeout", "1e9"], seconds),
        (&["users", "--busy-timeout", "-1"], seconds),
        (&["users", "--busy-timeout", "NaN"], seconds),
        (
            &["admin", "--email", "a@example.com", "--busy-timeout", "1e9"],
            seconds,
        ),
        (&["roles", "--busy-timeout", "inf"], seconds),
        (&["users", "--count", "-1"], any_u64),
        (&["users", "--count", "18446744073709551616"], any_u64),
        (&["users", "--seed", "-5"], any_u64),
        (
            &["users", "--batch-size", "0"],
            "'--batch-size <K>': must be a whole number from 1 to 18446744073709551615",
        ),
        (
            &["users", "--hash-iterations", "4294967296"],
            "'--hash-iterations <N>': must be a whole number from 1 to 4294967295",
        ),
        (
            &["users", "--bcrypt-cost", "32"],
            "'--bcrypt-cost <COST>': must be a whole number from 4 to 31",
        ),
        (
            &["users", "--jobs", "65"],
            "'--jobs <N>': must be a whole number from 1 to 64",
        ),
        (
            &["users", "--now", "10000-01-01"],
            "'--now <TIME>': expected",
        ),
    ];
    for (args, expected) in cases {
        let output = seed()
            .args(*args)
            .args(["--db", &db.arg()])
            .output()
            .expect("run seed");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        let first = stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("error: invalid value") && first.contains(expected),
            "{args:?}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    assert!(!db.path.exists(), "a refused option touches no file");

    seed()
        .args([
            "users",
            "-n",
            "3",
            "--busy-timeout",
            "2147483",
            "--db",
            &db.arg(),
        ])
        .assert()
        .success();
    assert_eq!(db.count("users"), 3);
}

#[test]
fn version_is_the_top_command_s() {
    seed()
        .arg("--version")
        .assert()
        .success()
        .stdout("seed 0.1.0\n");
    seed()
        .args(["users", "--version"])
        .assert()
        .code(2)
        .stdout("");
}

/// Runs seed with `args`, expecting `code` and one JSON object on stdout.
#[track_caller]
fn json_failure(args: &[&str], code: i32) -> serde_json::Value {
    let output = seed().args(args).output().expect("run seed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
    assert_eq!(
        stdout.lines().count(),
        1,
        "{args:?}: one JSON line, got {stdout:?}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let error = json["error"].as_str().expect("an error field");
    assert!(
        stderr.starts_with(&format!("error: {error}")),
        "the same error on stderr: {stderr}"
    );
    json
}

/// With --json, every failure still prints one JSON object with an `error`
/// field and what was known when it failed.
#[test]
fn every_command_prints_one_json_object_when_it_fails() {
    let db = TempDb::new();
    let missing = db.dir.path().join("no/such/x.db").display().to_string();
    for command in [
        &["roles"][..],
        &["admin", "--email", "a@example.com"],
        &["users"],
    ] {
        let args = [command, &["--json", "--db", &missing]].concat();
        let json = json_failure(&args, 1);
        assert_eq!(json["database"], missing.as_str(), "{json}");
        assert!(json["app"].is_null(), "{json}");
        let error = json["error"].as_str().unwrap_or_default();
        assert!(error.contains("does not exist"), "{json}");
    }

    let json = json_failure(
        &[
            "admin",
            "--email",
            "a@example.com",
            "--app",
            "laravel",
            "--json",
            "--db",
            &db.arg(),
        ],
        1,
    );
    assert_eq!(json["app"], "laravel");
    assert_eq!(json["created"], false);
    assert!(json.get("password").is_none());

    // A users table of another shape: roles refuses it and leaves it alone.
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, nick TEXT)");
    let json = json_failure(&["roles", "--json", "--db", &db.arg()], 1);
    assert_eq!(json["roles"], serde_json::json!({}));
    assert_eq!(
        db.number("SELECT count(*) FROM sqlite_master WHERE type = 'table'"),
        1
    );

    // Usage errors, found by clap or after it.
    let json = json_failure(&["users", "--json", "--jobs", "2", "--db", &db.arg()], 2);
    assert_eq!(
        json,
        serde_json::json!({"error": "--jobs is for server databases (PostgreSQL, MySQL); SQLite has one writer at a time, so use --jobs 1"})
    );
    let json = json_failure(
        &["roles", "--busy-timeout", "-1", "--json", "--db", &db.arg()],
        2,
    );
    assert_eq!(
        json,
        serde_json::json!({"error": "invalid value '-1' for '--busy-timeout <SECONDS>': must be a number of seconds from 0 to 2147483"})
    );
    assert_eq!(db.number("SELECT count(*) FROM users"), 0);
}
