//! `seed users` on SQLite: rows, roles, reproducibility, counting.

mod common;

use std::collections::HashSet;

use common::{TempDb, file_names, parse_stats, seed};
use predicates::prelude::*;

#[test]
fn inserts_users_with_roles_and_reports_what_is_in_the_file() {
    let db = TempDb::new();
    let stats = db.users(&["--count", "200", "--seed", "1"]);
    assert_eq!(stats.requested, 200);
    assert_eq!(stats.attempted, 200);
    assert_eq!(stats.inserted + stats.skipped, 200);
    assert_eq!(db.count("users"), stats.inserted);
    assert_eq!(stats.seed, 1);
    assert!(!stats.interrupted);
    assert_eq!(stats.error, None);
    assert_eq!(stats.database, db.arg());

    let conn = db.conn();
    let roles: Vec<(i64, String, String, bool, i64)> = conn
        .prepare(r#"SELECT id, name, "index", "default", permissions FROM roles ORDER BY id"#)
        .and_then(|mut stmt| {
            stmt.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect()
        })
        .expect("read roles");
    assert_eq!(
        roles,
        vec![
            (1, "User".into(), "main".into(), true, 1),
            (2, "Administrator".into(), "admin".into(), false, 255),
        ]
    );

    let mut stmt = conn
        .prepare(
            "SELECT email, confirmed, role_id, first_name, last_name, password_hash FROM users",
        )
        .expect("prepare");
    let rows: Vec<(String, bool, i64, String, String, String)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .and_then(Iterator::collect)
        .expect("read users");
    let emails: HashSet<&str> = rows.iter().map(|row| row.0.as_str()).collect();
    assert_eq!(emails.len(), rows.len(), "emails are unique");
    let mut role_ids = HashSet::new();
    for (email, confirmed, role_id, first, last, hash) in &rows {
        assert!(*confirmed);
        assert!(email.len() <= 64 && email.contains('@') && email.is_ascii());
        assert_eq!(email, &email.to_lowercase());
        assert!(!first.is_empty() && !last.is_empty());
        assert!(
            hash.starts_with("pbkdf2:sha256:") && hash.len() <= 128,
            "{hash}"
        );
        role_ids.insert(*role_id);
    }
    assert_eq!(role_ids, HashSet::from([1, 2]), "both roles drawn");
}

#[test]
fn seed_42_gives_these_first_three_users() {
    // Pinned on purpose: a dependency upgrade that changes seeded output
    // must fail here, since fixtures made with --seed rely on it.
    let db = TempDb::new();
    db.users(&["--count", "3", "--seed", "42"]);
    let hash = "'pbkdf2:sha256:10000$ISOkeDD0feuVWhtd$2a403e55b406a56155637f7c62144816e62f72501fbb4249c25b41112b48413e'";
    assert_eq!(
        db.dump_users(),
        vec![
            format!("1|1|'Mustafa'|'Leffler'|'mustafa.leffler59@example.com'|{hash}|1"),
            format!("2|1|'Reece'|'Oberbrunner'|'reeceoberbrunner09@post.example.org'|{hash}|1"),
            format!("3|1|'Amos'|'Glover'|'amos.glover98@mail.example.com'|{hash}|1"),
        ]
    );
}

#[test]
fn same_seed_same_rows_other_seed_other_rows() {
    let (a, b, c) = (TempDb::new(), TempDb::new(), TempDb::new());
    a.users(&["--count", "300", "--seed", "7"]);
    b.users(&["--count", "300", "--seed", "7"]);
    c.users(&["--count", "300", "--seed", "8"]);
    assert_eq!(a.dump_users(), b.dump_users());
    assert_ne!(a.dump_users(), c.dump_users());
}

#[test]
fn a_random_seed_is_reported_and_repeats_the_run() {
    let (a, b) = (TempDb::new(), TempDb::new());
    let first = a.users(&["--count", "50"]);
    // Below 2^53, so jq and JavaScript read it back exactly.
    assert!(first.seed < 1 << 53, "{}", first.seed);
    let again = b.users(&["--count", "50", "--seed", &first.seed.to_string()]);
    assert_eq!(first.inserted, again.inserted);
    assert_eq!(a.dump_users(), b.dump_users());
}

#[test]
fn rerunning_a_seed_skips_every_row_as_already_present() {
    let db = TempDb::new();
    let first = db.users(&["--count", "100", "--seed", "5"]);
    let before = db.dump_users();
    let second = db.users(&["--count", "100", "--seed", "5"]);
    assert_eq!(second.inserted, 0);
    assert_eq!(second.skipped, 100);
    assert_eq!(second.attempted, 100);
    assert_eq!(second.skipped_by_reason.get("already_present"), Some(&100));
    assert_eq!(second.skipped_by_reason.len(), 1);
    assert_eq!(db.dump_users(), before);
    assert_eq!(db.count("users"), first.inserted);
    assert_eq!(db.count("roles"), 2, "roles are not duplicated");
}

/// The summary agrees in number: "1 user", "1 duplicate email", "2 duplicate
/// emails", names skipped rows even when there are none, and says plainly
/// which rows were there before the run.
#[test]
fn the_summary_says_one_user_and_many_users() {
    let db = TempDb::new();
    let into = db.arg();
    let seed_42 = |count| summary(&db, &["--seed", "42", "--count", count]);
    assert_eq!(
        seed_42("1"),
        format!("Inserted 1 flask-base user into {into}, skipped 0")
    );
    assert_eq!(db.count("users"), 1);
    assert_eq!(
        seed_42("1"),
        format!("Inserted 0 flask-base users into {into}, skipped 1 (1 already present)")
    );
    assert_eq!(db.count("users"), 1);
    assert_eq!(
        seed_42("3"),
        format!("Inserted 2 flask-base users into {into}, skipped 1 (1 already present)")
    );
    assert_eq!(
        seed_42("4"),
        format!("Inserted 1 flask-base user into {into}, skipped 3 (3 already present)")
    );
    assert_eq!(db.count("users"), 4);

    // tr_TR has few names: its emails collide within a run.
    let db = TempDb::new();
    let into = db.arg();
    let tr = |seed, count| {
        summary(
            &db,
            &["--locale", "tr_TR", "--seed", seed, "--count", count],
        )
    };
    assert_eq!(
        tr("29", "100"),
        format!("Inserted 99 flask-base users into {into}, skipped 1 (1 duplicate email)")
    );
    assert_eq!(
        tr("29", "200"),
        format!(
            "Inserted 98 flask-base users into {into}, skipped 102 (101 already present, 1 duplicate email)"
        )
    );
    assert_eq!(db.count("users"), 99 + 98);
    let db = TempDb::new();
    assert_eq!(
        summary(
            &db,
            &["--locale", "tr_TR", "--seed", "1", "--count", "1000"]
        ),
        format!(
            "Inserted 983 flask-base users into {}, skipped 17 (17 duplicate emails)",
            db.arg()
        )
    );
}

/// The summary line of a run, up to its time.
#[track_caller]
fn summary(db: &TempDb, args: &[&str]) -> String {
    let output = seed()
        .args(["users", "--db", &db.arg()])
        .args(args)
        .output()
        .expect("run seed");
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    stderr.split(" in ").next().unwrap_or_default().to_owned()
}

#[test]
fn exact_inserts_n_rows_past_duplicates() {
    let db = TempDb::new();
    db.users(&["--count", "40", "--seed", "9"]);
    let stats = db.users(&["--count", "40", "--seed", "9", "--exact"]);
    assert_eq!(stats.inserted, 40);
    assert!(stats.attempted >= 80, "the first 40 are duplicates");
    assert_eq!(stats.inserted + stats.skipped, stats.attempted);
    let first_run = db.number("SELECT count(*) FROM users WHERE id <= 40");
    assert_eq!(db.count("users"), first_run + 40);
}

#[test]
fn count_zero_creates_the_schema_and_no_users() {
    let db = TempDb::new();
    let stats = db.users(&["--count", "0"]);
    assert_eq!((stats.attempted, stats.inserted), (0, 0));
    assert_eq!(db.count("users"), 0);
    assert_eq!(db.count("roles"), 2);
}

#[test]
fn batches_give_the_same_rows_and_counts_as_single_commits() {
    let (single, batched) = (TempDb::new(), TempDb::new());
    single.users(&["--count", "100", "--seed", "3"]);
    batched.users(&["--count", "100", "--seed", "3"]);
    let one = single.users(&["--count", "250", "--seed", "3"]);
    let many = batched.users(&["--count", "250", "--seed", "3", "--batch-size", "64"]);
    assert_eq!(many.batch_size, 64);
    assert_eq!((one.inserted, one.skipped), (many.inserted, many.skipped));
    assert_eq!(one.skipped_by_reason, many.skipped_by_reason);
    assert!(one.skipped >= 100, "the first 100 rows are duplicates");
    assert_eq!(single.dump_users(), batched.dump_users());
}

#[test]
fn role_weights_shape_the_roles() {
    let db = TempDb::new();
    db.users(&[
        "--count",
        "300",
        "--seed",
        "1",
        "--role-weights",
        "User=1,Administrator=0",
    ]);
    let admins = db.number("SELECT count(*) FROM users WHERE role_id = 2");
    assert_eq!(admins, 0);

    let db = TempDb::new();
    let stats = db.users(&[
        "--count",
        "2000",
        "--seed",
        "1",
        "--role-weights",
        "User=9,Administrator=1",
    ]);
    let admins = db.number("SELECT count(*) FROM users WHERE role_id = 2");
    let share = admins as f64 / stats.inserted as f64;
    assert!((0.07..0.13).contains(&share), "admin share {share}");
}

#[test]
fn bad_role_weights_are_refused() {
    let db = TempDb::new();
    for (weights, code, message) in [
        ("User9", 2, "expected NAME=WEIGHT"),
        ("User=x", 2, "whole number"),
        ("User=0,Administrator=0", 2, "above 0"),
        ("Moderator=1", 1, "Moderator"),
    ] {
        seed()
            .args(["users", "--db", &db.arg(), "--role-weights", weights])
            .assert()
            .code(code)
            .stderr(predicate::str::contains(message));
    }
    if db.path.exists() {
        // Refused before the first write: no table was created.
        assert_eq!(db.count("sqlite_schema"), 0);
    }
}

#[test]
fn non_duplicate_failures_are_counted_apart_and_a_hopeless_schema_stops() {
    let db = TempDb::new();
    db.exec(
        "CREATE TABLE roles (id INTEGER PRIMARY KEY, name VARCHAR(64) UNIQUE, \"index\" VARCHAR(64), \
         \"default\" BOOLEAN, permissions INTEGER);
         CREATE TABLE users (id INTEGER PRIMARY KEY, confirmed BOOLEAN, first_name VARCHAR(64),
         last_name VARCHAR(64), email VARCHAR(64) UNIQUE, password_hash VARCHAR(128),
         role_id INTEGER REFERENCES roles(id), CHECK (role_id = 1));",
    );
    let stats = db.users(&["--count", "200", "--seed", "2"]);
    let checks = stats.skipped_by_reason.get("check").copied().unwrap_or(0);
    assert!(checks > 50, "{:?}", stats.skipped_by_reason);
    assert_eq!(stats.inserted, db.count("users"));
    assert_eq!(stats.inserted + stats.skipped, 200);

    let db = TempDb::new();
    db.exec(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, confirmed BOOLEAN, first_name VARCHAR(64),
         last_name VARCHAR(64), email VARCHAR(64) UNIQUE, password_hash VARCHAR(128),
         role_id INTEGER, CHECK (length(first_name) > 40));",
    );
    let output = seed()
        .args(["users", "--json", "--count", "1000", "--db", &db.arg()])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CHECK constraint failed"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let stats = parse_stats(&output.stdout);
    assert_eq!(stats.attempted, 100, "stops early");
    assert_eq!(stats.skipped_by_reason.get("check"), Some(&100));
    assert_eq!(db.count("users"), 0);
}

#[test]
fn database_url_is_read_when_db_is_absent_and_sqlite_urls_work() {
    let db = TempDb::new();
    seed()
        .env("DATABASE_URL", format!("sqlite:///{}", db.arg()))
        .args(["users", "--count", "5", "--quiet"])
        .assert()
        .success();
    assert_eq!(db.count("users"), 5);

    let other = TempDb::new();
    seed()
        .env("DATABASE_URL", format!("sqlite:{}", db.arg()))
        .args([
            "users",
            "--count",
            "5",
            "--quiet",
            "--db",
            &format!("sqlite:{}", other.arg()),
        ])
        .assert()
        .success();
    assert_eq!(other.count("users"), 5);
    assert_eq!(db.count("users"), 5, "--db wins over DATABASE_URL");
}

/// Each URL as an app's config writes it, and the file it means there,
/// relative to the current folder.
#[test]
fn sqlite_urls_mean_what_they_mean_in_the_apps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let absolute = dir.path().join("abs.db");
    let cases = [
        // flask-base's and CTFd's SQLAlchemy URL: three slashes, relative.
        ("sqlite:///data-dev.sqlite".to_owned(), "data-dev.sqlite"),
        // Four slashes: absolute.
        (format!("sqlite:///{}", absolute.display()), "abs.db"),
        ("sqlite+pysqlite:///driver.db".to_owned(), "driver.db"),
        // Rails.
        (
            "sqlite3:db/development.sqlite3".to_owned(),
            "db/development.sqlite3",
        ),
        ("sqlite:plain.db".to_owned(), "plain.db"),
    ];
    std::fs::create_dir(dir.path().join("db")).expect("mkdir db");
    for (url, file) in &cases {
        seed()
            .current_dir(dir.path())
            .args(["users", "--count", "2", "--quiet", "--db", url])
            .assert()
            .success();
        let conn = rusqlite::Connection::open(dir.path().join(file)).expect("open");
        let users: i64 = conn
            .query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0))
            .expect("count");
        assert_eq!(users, 2, "{url} wrote {file}");
    }
    assert_eq!(
        file_names(dir.path()),
        vec!["abs.db", "data-dev.sqlite", "db", "driver.db", "plain.db"]
    );
}

#[test]
fn an_empty_database_url_is_unset() {
    let dir = tempfile::tempdir().expect("temp dir");
    seed()
        .current_dir(dir.path())
        .env("DATABASE_URL", "")
        .args(["users", "--count", "3", "--quiet"])
        .assert()
        .success();
    assert_eq!(file_names(dir.path()), vec!["seed.db"]);
    seed()
        .current_dir(dir.path())
        .args(["users", "--count", "3", "--quiet", "--db", ""])
        .assert()
        .code(2);
}

#[test]
fn defaults_to_seed_db_in_the_current_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    seed()
        .current_dir(dir.path())
        .args(["users", "--count", "3", "--quiet"])
        .assert()
        .success()
        .stdout("");
    assert_eq!(file_names(dir.path()), vec!["seed.db"]);
}

#[test]
fn the_file_is_self_contained_and_keeps_its_journal_mode() {
    let db = TempDb::new();
    db.users(&["--count", "50"]);
    assert_eq!(
        file_names(db.dir.path()),
        vec!["test.db"],
        "no -wal or -shm left"
    );
    let mode: String = db
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "delete");
}

#[test]
fn human_summary_goes_to_stderr_and_json_to_stdout() {
    let db = TempDb::new();
    seed()
        .args(["users", "--count", "10", "--seed", "4", "--db", &db.arg()])
        .assert()
        .success()
        .stdout("")
        .stderr(
            predicate::str::contains("Inserted 10 flask-base users")
                .and(predicate::str::contains("--seed 4")),
        );
    seed()
        .args([
            "users",
            "--count",
            "10",
            "--seed",
            "4",
            "--quiet",
            "--db",
            &db.arg(),
        ])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn count_must_be_a_non_negative_integer() {
    let db = TempDb::new();
    for bad in ["-1", "abc", "1.5", "18446744073709551616"] {
        seed()
            .args(["users", "--db", &db.arg(), "--count", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--count"));
    }
    assert!(!db.path.exists(), "no database is created on a usage error");
}

#[test]
fn negative_numbers_are_refused_naming_the_option() {
    let db = TempDb::new();
    for option in [
        "--batch-size",
        "--jobs",
        "--hash-iterations",
        "--busy-timeout",
    ] {
        seed()
            .args(["users", "--db", &db.arg(), option, "-3"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "invalid value '-3' for '{option}"
            )));
    }
    assert!(!db.path.exists(), "no database is created on a usage error");
}

#[test]
fn seeded_password_is_accepted_by_werkzeug() {
    let check = std::process::Command::new("python3")
        .args(["-c", "import werkzeug.security"])
        .output();
    if !check.is_ok_and(|out| out.status.success()) {
        eprintln!("skipped: python3 with werkzeug is not installed");
        return;
    }
    let db = TempDb::new();
    db.users(&["--count", "1", "--password", "hunter2"]);
    let hash: String = db
        .conn()
        .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
        .expect("hash");
    let script = "import sys; from werkzeug.security import check_password_hash as c; \
                  sys.exit(0 if c(sys.argv[1], 'hunter2') and not c(sys.argv[1], 'password') else 1)";
    let status = std::process::Command::new("python3")
        .args(["-c", script, &hash])
        .status()
        .expect("run python3");
    assert!(status.success(), "werkzeug rejected {hash}");
}

#[test]
fn a_rerun_that_inserts_nothing_leaves_the_file_byte_identical() {
    let db = TempDb::new();
    db.users(&["--count", "100", "--seed", "5"]);
    let before = db.bytes();
    for batch in ["1", "10"] {
        let again = db.users(&["--count", "100", "--seed", "5", "--batch-size", batch]);
        assert_eq!(again.inserted, 0);
        assert_eq!(db.bytes(), before, "--batch-size {batch}");
    }
    assert_eq!(common::file_names(db.dir.path()), ["test.db"]);
}

#[test]
fn a_journal_record_left_on_a_file_not_in_wal_mode_is_removed_and_the_file_left_as_it_was() {
    // What a seeder killed between writing the record and switching to WAL
    // mode leaves.
    let db = TempDb::new();
    db.users(&["--count", "100", "--seed", "5"]);
    let record = common::journal_record(&db.path);
    std::fs::write(&record, "delete\n").expect("write the record");
    let before = db.bytes();
    let again = db.users(&["--count", "100", "--seed", "5"]);
    assert_eq!(again.inserted, 0);
    assert!(db.bytes() == before, "the file is unchanged");
    assert_eq!(file_names(db.dir.path()), ["test.db"]);
    assert_eq!(common::journal_mode(&db.path), "delete");
}
