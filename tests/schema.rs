//! Databases seed must refuse, leaving them exactly as they were.

mod common;

use common::{TempDb, seed};
use predicates::prelude::*;

/// Runs `seed users` on `db`, expects exit 1 and `message`, and checks the
/// file did not change by a byte.
fn refused(db: &TempDb, message: &str) {
    refused_with(db, &[], message);
}

/// [`refused`], with more arguments for `seed users`.
#[track_caller]
fn refused_with(db: &TempDb, args: &[&str], message: &str) {
    let before = db.bytes();
    seed()
        .args(["users", "--count", "10", "--db", &db.arg()])
        .args(args)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(message).and(predicate::str::contains("panicked").not()));
    assert_eq!(db.bytes(), before, "the refused file changed");
}

#[test]
fn creates_flask_base_tables_and_indexes() {
    let db = TempDb::new();
    db.users(&["--count", "1"]);
    let conn = db.conn();
    let indexes: Vec<(String, bool)> = conn
        .prepare(
            "SELECT name, \"unique\" FROM pragma_index_list('users') WHERE origin = 'c' \
             UNION ALL SELECT name, \"unique\" FROM pragma_index_list('roles') WHERE origin = 'c' ORDER BY 1",
        )
        .and_then(|mut stmt| stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("list indexes");
    assert_eq!(
        indexes,
        vec![
            ("ix_roles_default".into(), false),
            ("ix_users_email".into(), true),
            ("ix_users_first_name".into(), false),
            ("ix_users_last_name".into(), false),
        ]
    );
    let foreign_keys: String = conn
        .query_row(
            "SELECT \"table\" || '.' || \"to\" FROM pragma_foreign_key_list('users')",
            [],
            |r| r.get(0),
        )
        .expect("foreign key");
    assert_eq!(foreign_keys, "roles.id");
}

#[test]
fn a_users_table_without_a_needed_column_is_refused() {
    let db = TempDb::new();
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT UNIQUE); INSERT INTO users VALUES (1, 'x', 'x@y');");
    // Without --app, the plan inferred from it fills it (tests/plans.rs).
    refused_with(
        &db,
        &["--app", "flask-base"],
        "table users has no columns \"confirmed\", \"first_name\", \"last_name\", \"password_hash\", \"role_id\";",
    );
}

#[test]
fn a_roles_table_without_a_needed_column_is_refused() {
    let db = TempDb::new();
    db.exec("CREATE TABLE roles (id INTEGER PRIMARY KEY, name TEXT UNIQUE);");
    refused(
        &db,
        "table roles has no columns \"permissions\", \"index\", \"default\";",
    );
}

#[test]
fn an_email_without_a_unique_constraint_is_refused() {
    let db = TempDb::new();
    db.exec(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, confirmed BOOLEAN, first_name TEXT, last_name TEXT,
         email TEXT, password_hash TEXT, role_id INTEGER);
         CREATE INDEX ix_users_email ON users (email);
         CREATE UNIQUE INDEX ix_pair ON users (email, last_name);",
    );
    refused(&db, "users.email has no UNIQUE constraint");
}

#[test]
fn a_not_null_column_seed_cannot_fill_is_refused() {
    let db = TempDb::new();
    db.exec(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, confirmed BOOLEAN, first_name TEXT, last_name TEXT,
         email TEXT UNIQUE, password_hash TEXT, role_id INTEGER, tenant_id INTEGER NOT NULL);",
    );
    refused(&db, "NOT NULL column \"tenant_id\"");
}

#[test]
fn an_id_sqlite_does_not_fill_is_refused_and_an_integer_key_is_not() {
    // A TEXT primary key is not the rowid: NOT NULL and nothing fills it.
    let db = TempDb::new();
    db.exec(
        "CREATE TABLE users (id TEXT NOT NULL PRIMARY KEY, confirmed BOOLEAN, first_name TEXT,
         last_name TEXT, email TEXT UNIQUE, password_hash TEXT, role_id INTEGER);",
    );
    refused(&db, "column \"id\" that the database does not fill");
    // INTEGER PRIMARY KEY NOT NULL is the rowid, which SQLite fills.
    let db = TempDb::new();
    db.exec(
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, confirmed BOOLEAN, first_name TEXT,
         last_name TEXT, email TEXT UNIQUE, password_hash TEXT, role_id INTEGER);",
    );
    db.users(&["--count", "5", "--seed", "1"]);
    let rows: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .expect("count");
    assert_eq!(rows, 5);
}

#[test]
fn a_file_that_is_not_sqlite_is_untouched() {
    let db = TempDb::new();
    std::fs::write(&db.path, b"name,email\nann,ann@example.com\n".repeat(100)).expect("write");
    refused(&db, "is not a SQLite database");
}

#[test]
fn a_missing_folder_and_a_directory_are_clear_errors() {
    let db = TempDb::new();
    let missing = db.dir.path().join("nope").join("x.db");
    seed()
        .args(["users", "--db", &missing.display().to_string()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("folder").and(predicate::str::contains("does not exist")));
    assert!(!missing.exists());
    seed()
        .args(["users", "--db", &db.dir.path().display().to_string()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is a directory"));
}

#[test]
fn a_read_only_database_is_refused_without_changes() {
    let db = TempDb::new();
    db.users(&["--count", "5"]);
    let before = db.bytes();
    seed()
        .args(["users", "--db", &format!("sqlite:{}?mode=ro", db.arg())])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("read-only"));
    assert_eq!(db.bytes(), before);
    assert_eq!(db.count("users"), 5);
}

#[test]
fn unsupported_urls_are_usage_errors_without_credentials() {
    seed()
        .args(["users", "--db", "redis://alice:s3cret@localhost/0"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unsupported database URL scheme")
                .and(predicate::str::contains("s3cret").not()),
        );
}

#[test]
fn with_json_a_refusal_still_prints_one_object_naming_the_error() {
    let db = TempDb::new();
    std::fs::write(&db.path, b"not a database at all, just some text").expect("write");
    let before = db.bytes();
    let output = seed()
        .args(["users", "--json", "--seed", "3", "--db", &db.arg()])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stats = common::parse_stats(&output.stdout);
    assert_eq!((stats.attempted, stats.inserted, stats.seed), (0, 0, 3));
    let error = stats.error.expect("the error is in the JSON");
    assert!(error.contains("is not a SQLite database"), "{error}");
    assert_eq!(db.bytes(), before);
}

#[test]
fn a_run_refused_for_its_options_leaves_an_existing_file_byte_identical() {
    let db = TempDb::new();
    db.users(&["--count", "20", "--seed", "3"]);
    refused_with(&db, &["--role-weights", "Nobody=1"], "names role 'Nobody'");
    refused_with(&db, &["--bcrypt-cost", "4"], "flask-base uses PBKDF2");
    refused_with(&db, &["--app", "django"], "python manage.py migrate");
    assert_eq!(
        db.conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
            .expect("journal mode"),
        "delete"
    );
}

#[test]
fn a_device_or_a_pipe_as_the_database_is_named_for_what_it_is() {
    seed()
        .args(["users", "--count", "2", "--db", "/dev/null"])
        .assert()
        .code(1)
        .stderr("error: /dev/null is a device, not a database file: seed writes a SQLite file\n");
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    seed()
        .args(["users", "--count", "2", "--db", &fifo.display().to_string()])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "is a named pipe, not a database file",
        ));
}

/// `--app flask-base` on a file holding another app's users table says so
/// before it creates flask-base's tables beside it, and only then.
#[test]
fn another_app_s_users_table_is_named_before_tables_are_created_beside_it() {
    let db = TempDb::new();
    db.exec(
        "CREATE TABLE auth_user (id integer PRIMARY KEY AUTOINCREMENT, password varchar(128) NOT NULL, \
         last_login datetime, is_superuser bool NOT NULL, username varchar(150) NOT NULL UNIQUE, \
         first_name varchar(150) NOT NULL, last_name varchar(150) NOT NULL, email varchar(254) NOT NULL, \
         is_staff bool NOT NULL, is_active bool NOT NULL, date_joined datetime NOT NULL)",
    );
    let run = [
        "users",
        "--app",
        "flask-base",
        "--count",
        "3",
        "--hash-iterations",
        "1",
    ];
    seed()
        .args(run)
        .args(["--db", &db.arg()])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: this database holds django's users table (auth_user); seed is creating flask-base's roles and users beside it (for django's users, give --app django)",
        ));
    seed()
        .args(run)
        .args(["--db", &db.arg()])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
}
