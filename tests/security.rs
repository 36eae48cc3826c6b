//! What seed never gives away or opens up: credentials from a database
//! URL, and a database file others can write.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{TempDb, seed};

/// Nothing listens on port 1: each URL fails to connect (when its backend
/// is compiled in).
const URLS: &[(&str, bool)] = &[
    (
        "postgres://alice:s3cret@127.0.0.1:1/db",
        cfg!(feature = "postgres"),
    ),
    (
        "postgresql://alice:s3cret@127.0.0.1:1/db?sslmode=disable",
        cfg!(feature = "postgres"),
    ),
    (
        "mysql://alice:s3cret@127.0.0.1:1/db",
        cfg!(feature = "mysql"),
    ),
    (
        "mariadb://alice:s3cret@127.0.0.1:1/db",
        cfg!(feature = "mysql"),
    ),
    (
        "postgresql+psycopg2://alice:s3cret@127.0.0.1:1/db",
        cfg!(feature = "postgres"),
    ),
    (
        "mysql+pymysql://alice:s3cret@127.0.0.1:1/db?charset=utf8mb4",
        cfg!(feature = "mysql"),
    ),
];

fn assert_no_credentials(output: &std::process::Output, what: &str) {
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(
            !text.contains("s3cret") && !text.contains("alice"),
            "{what} printed a credential: {text}"
        );
    }
}

#[test]
fn a_server_that_cannot_be_reached_is_an_error_without_credentials() {
    for &(url, compiled_in) in URLS {
        for command in [
            &["users", "--count", "5"][..],
            &["users", "--count", "5", "--json"],
            &["roles"],
            &["roles", "--json"],
            &["admin", "--email", "a@example.com", "--password", "pw"],
        ] {
            let what = format!("{command:?} on {url}");
            let output = seed()
                .args(command)
                .args(["--db", url])
                .output()
                .expect("run seed");
            assert_eq!(output.status.code(), Some(1), "{what}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            if compiled_in {
                assert!(
                    stderr.starts_with("error: cannot connect"),
                    "{what}: {stderr}"
                );
                assert!(stderr.contains("127.0.0.1:1"), "{what}: {stderr}");
            }
            assert_no_credentials(&output, &what);

            // The same from DATABASE_URL.
            let output = seed()
                .args(command)
                .env("DATABASE_URL", url)
                .output()
                .expect("run seed");
            assert_eq!(output.status.code(), Some(1), "{what} from DATABASE_URL");
            assert_no_credentials(&output, &what);
        }
    }
}

#[test]
fn bad_url_parameters_are_named_without_their_values() {
    for url in [
        "mysql://alice:s3cret@127.0.0.1:1/db?bogus=alice-s3cret",
        "mysql://alice:s3cret@127.0.0.1:1/db?tcp_connect_timeout_ms=s3cret",
        "postgres://alice:s3cret@127.0.0.1:1/db?connect_timeout=s3cret",
        "postgres://alice:s3cret@127.0.0.1:1/db?bogus=s3cret",
        "postgres://alice:s3cret@127.0.0.1:1/db?sslmode=s3cret",
        "mysql://alice:s3cret@127.0.0.1:1/db?ssl-mode=s3cret",
        "postgres://alice:s3cret@127.0.0.1:1/db?sslmode=require&sslkey=s3cret",
    ] {
        let output = seed()
            .args(["users", "--json", "--db", url])
            .output()
            .expect("run seed");
        // A malformed URL is a usage error, told before any connection.
        assert_eq!(output.status.code(), Some(2), "{url}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("error: "), "{url}: {stderr}");
        assert_no_credentials(&output, url);
    }
}

#[test]
fn help_does_not_show_the_database_url_from_the_environment() {
    let output = seed()
        .args(["users", "--help"])
        .env("DATABASE_URL", URLS[0].0)
        .output()
        .expect("run seed");
    assert!(output.status.success());
    assert_no_credentials(&output, "--help");
}

/// Runs seed under `umask` and returns the new file's permission bits.
fn created_mode(umask: &str) -> u32 {
    let db = TempDb::new();
    let status = std::process::Command::new("sh")
        .args(["-c", &format!("umask {umask} && exec \"$0\" \"$@\"")])
        .arg(env!("CARGO_BIN_EXE_seed"))
        .args(["users", "--quiet", "--count", "5", "--db", &db.arg()])
        .env_remove("DATABASE_URL")
        .status()
        .expect("run seed");
    assert!(status.success());
    assert_eq!(db.count("users"), 5);
    std::fs::metadata(&db.path)
        .expect("database file")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn a_new_database_file_follows_the_umask_and_is_never_world_writable() {
    assert_eq!(created_mode("022"), 0o644);
    assert_eq!(created_mode("077"), 0o600);
    assert_eq!(created_mode("000") & 0o002, 0, "not world-writable");
}
