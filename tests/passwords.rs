//! Passwords: given without showing in `ps` (a file, stdin or SEED_PASSWORD),
//! and one that seed chose always reaches stdout.

mod common;

use common::{TempDb, seed, werkzeug_accepts};
use predicates::prelude::*;

/// The password hashes in the users table.
fn hashes(db: &TempDb) -> Vec<String> {
    let conn = db.conn();
    let mut stmt = conn
        .prepare("SELECT password_hash FROM users ORDER BY id")
        .expect("prepare");
    stmt.query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("read hashes")
}

/// The last password hash in the users table.
fn last_hash(db: &TempDb) -> String {
    hashes(db).pop().expect("a row")
}

#[test]
fn a_chosen_admin_password_is_on_stdout_even_with_quiet() {
    let db = TempDb::new();
    let output = seed()
        .args(["admin", "--email", "q@example.com", "-q", "--db", &db.arg()])
        .output()
        .expect("run seed");
    assert!(output.status.success());
    assert!(output.stderr.is_empty(), "-q: nothing on stderr");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let password = stdout.strip_suffix('\n').expect("one line");
    assert!(password.len() >= 16 && !password.contains(char::is_whitespace));
    let hashes = hashes(&db);
    assert_eq!(hashes.len(), 1);
    assert!(werkzeug_accepts(&hashes[0], password), "{hashes:?}");

    // Without -q, stderr says so and stdout still holds only the password.
    let other = TempDb::new();
    let output = seed()
        .args(["admin", "--email", "r@example.com", "--db", &other.arg()])
        .output()
        .expect("run seed");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "Created administrator r@example.com; its password is on stdout\n"
    );
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let password = stdout.strip_suffix('\n').expect("one line");
    assert!(werkzeug_accepts(&last_hash(&other), password));

    // A password that cannot be written undoes the account, and nothing
    // says it was made.
    let full = TempDb::new();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_seed"))
        .args(["admin", "--email", "r@example.com", "--db", &full.arg()])
        .env_remove("DATABASE_URL")
        .env_remove("SEED_PASSWORD")
        .stdout(std::fs::File::create("/dev/full").expect("open /dev/full"))
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains("Created") && stderr.contains("the administrator was not created"),
        "{stderr}"
    );
    let accounts: i64 = full
        .conn()
        .query_row(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'users') \
             THEN (SELECT count(*) FROM users) ELSE 0 END",
            [],
            |row| row.get(0),
        )
        .expect("count accounts");
    assert_eq!(accounts, 0);

    // A given password is not printed.
    let given = TempDb::new();
    seed()
        .args([
            "admin",
            "--email",
            "s@example.com",
            "--password",
            "pw",
            "-q",
            "--db",
            &given.arg(),
        ])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn users_take_the_password_from_a_file_or_the_environment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("password");
    std::fs::write(&file, "from a file\n").expect("write password file");

    let db = TempDb::new();
    seed()
        .args([
            "users",
            "-n",
            "3",
            "--hash-iterations",
            "1",
            "--db",
            &db.arg(),
        ])
        .arg("--password-file")
        .arg(&file)
        .assert()
        .success();
    let hashes = hashes(&db);
    assert_eq!(hashes.len(), 3);
    assert!(hashes.iter().all(|h| werkzeug_accepts(h, "from a file")));

    let db = TempDb::new();
    seed()
        .args([
            "users",
            "-n",
            "2",
            "--hash-iterations",
            "1",
            "--db",
            &db.arg(),
        ])
        .env("SEED_PASSWORD", "from the environment")
        .assert()
        .success();
    assert!(werkzeug_accepts(&last_hash(&db), "from the environment"));

    let db = TempDb::new();
    seed()
        .args([
            "users",
            "-n",
            "2",
            "--hash-iterations",
            "1",
            "--db",
            &db.arg(),
        ])
        .args(["--password-file", "-"])
        .write_stdin("from stdin\r\n")
        .assert()
        .success();
    assert!(werkzeug_accepts(&last_hash(&db), "from stdin"));
}

#[test]
fn admin_takes_the_password_from_stdin_or_the_environment() {
    let db = TempDb::new();
    seed()
        .args(["admin", "--email", "a@example.com", "--db", &db.arg()])
        .args(["--password-file", "-", "--json"])
        .write_stdin("two\nlines\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"password\"").not());
    assert!(werkzeug_accepts(&last_hash(&db), "two\nlines"));

    let db = TempDb::new();
    seed()
        .args(["admin", "--email", "a@example.com", "-q", "--db", &db.arg()])
        .env("SEED_PASSWORD", "env pw")
        .assert()
        .success()
        .stdout("");
    assert!(werkzeug_accepts(&last_hash(&db), "env pw"));
}

#[test]
fn two_sources_of_a_password_or_an_empty_one_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("password");
    std::fs::write(&file, "pw\n").expect("write password file");
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "\n").expect("write empty file");
    let file = file.display().to_string();
    let empty = empty.display().to_string();
    let missing = dir.path().join("missing").display().to_string();

    let cases: &[(&[&str], Option<&str>, &str)] = &[
        (
            &["--password", "x", "--password-file", &file],
            None,
            "error: the password is given by both --password and --password-file; give it one way",
        ),
        (
            &["--password-file", &file],
            Some("y"),
            "error: the password is given by both SEED_PASSWORD and --password-file; give it one way",
        ),
        (
            &["--password", "x"],
            Some("y"),
            "error: the password is given by both --password and SEED_PASSWORD; give it one way",
        ),
        (
            &["--password-file", &empty],
            None,
            "error: the password from --password-file is empty",
        ),
        (
            &["--password", ""],
            None,
            "error: the password from --password is empty",
        ),
        (
            &["--password-file", &missing],
            None,
            "error: cannot read --password-file",
        ),
    ];
    for command in [&["users"][..], &["admin", "--email", "a@example.com"]] {
        for (args, env, expected) in cases {
            let db = TempDb::new();
            let mut cmd = seed();
            cmd.args(command)
                .args(*args)
                .args(["--json", "--db", &db.arg()]);
            if let Some(value) = env {
                cmd.env("SEED_PASSWORD", value);
            }
            let output = cmd.output().expect("run seed");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{command:?} {args:?}: {stderr}"
            );
            assert!(
                stderr.starts_with(expected),
                "{command:?} {args:?}: {stderr}"
            );
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(
                !db.path.exists(),
                "{command:?} {args:?}: a refused run writes nothing"
            );
        }
    }
}

#[test]
fn a_password_seed_would_choose_is_never_sent_where_nobody_reads_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("admin.db");
    let db = path.to_str().expect("UTF-8 path");
    let null = std::fs::File::create("/dev/null").expect("/dev/null");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_seed"))
        .args(["admin", "--email", "q@example.com", "--db", db])
        .stdout(null)
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("would be lost"), "{stderr}");
    assert!(!path.exists(), "nothing created");
    // A password given is not lost: the account is created.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_seed"))
        .args(["admin", "--email", "q@example.com", "--db", db])
        .env("SEED_PASSWORD", "chosen by me")
        .stdout(std::fs::File::create("/dev/null").expect("/dev/null"))
        .output()
        .expect("run seed");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(path.exists());
}
