//! `seed users --dry-run`: the run's rows and counts, nothing written.

mod common;

use common::{TempDb, parse_stats, seed};

fn dry_run(dir: &std::path::Path, args: &[&str]) -> common::Stats {
    let output = seed()
        .current_dir(dir)
        .args(["users", "--dry-run", "--json"])
        .args(args)
        .output()
        .expect("run seed");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    parse_stats(&output.stdout)
}

#[test]
fn a_dry_run_counts_what_a_run_into_a_new_file_inserts_and_creates_nothing() {
    let db = TempDb::new();
    let args = ["--count", "10000", "--seed", "16"];
    // The default database (seed.db in the current folder) and a named one.
    let default = dry_run(db.dir.path(), &args);
    let named = dry_run(db.dir.path(), &[&args[..], &["--db", &db.arg()]].concat());
    assert!(default.dry_run && named.dry_run);
    assert_eq!(common::file_names(db.dir.path()), Vec::<String>::new());

    let real = db.users(&args);
    assert!(!real.dry_run);
    assert_eq!(real.skipped_by_reason.get("duplicate_email"), Some(&1));
    for dry in [&default, &named] {
        assert_eq!(dry.counts(), real.counts());
        assert_eq!(dry.digest, real.digest);
        assert_eq!(dry.app.as_deref(), Some("flask-base"));
    }
    assert_eq!(db.count("users"), real.inserted);
}

#[test]
fn a_dry_run_reads_the_app_of_an_existing_file_and_leaves_it_byte_identical() {
    let db = TempDb::new();
    db.users(&["--app", "ctfd", "--count", "5", "--bcrypt-cost", "4"]);
    let before = db.bytes();
    let args = ["--count", "300", "--seed", "2", "--bcrypt-cost", "4"];
    let dry = dry_run(db.dir.path(), &[&args[..], &["--db", &db.arg()]].concat());
    assert_eq!(dry.app.as_deref(), Some("ctfd"));
    // `//tmp/…` is the same file to a run, and to a dry run.
    let slashes = format!("/{}", db.arg());
    let again = dry_run(db.dir.path(), &[&args[..], &["--db", &slashes]].concat());
    assert_eq!(
        (again.app, again.digest),
        (dry.app.clone(), dry.digest.clone())
    );
    assert!(db.bytes() == before, "the file is unchanged");
    assert_eq!(
        common::file_names(db.dir.path()),
        ["test.db"],
        "no journal or WAL file left"
    );
    // The digest is that of the rows a real run of CTFd makes.
    let real = db.users(&args);
    assert_eq!(dry.digest, real.digest);
    // The dry run counted into an empty table; the real one found 5 rows.
    assert_eq!(dry.attempted, real.attempted);
}

#[test]
fn a_dry_run_refuses_what_a_run_would() {
    let db = TempDb::new();
    db.users(&["--count", "1"]);
    let before = db.bytes();
    let output = seed()
        .args([
            "users",
            "--dry-run",
            "--db",
            &db.arg(),
            "--role-weights",
            "Nobody=1",
        ])
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Nobody"), "{stderr}");
    assert!(db.bytes() == before);
}

#[test]
fn the_summary_says_nothing_was_written() {
    let db = TempDb::new();
    let output = seed()
        .current_dir(db.dir.path())
        .args(["users", "--dry-run", "--count", "3", "--seed", "1"])
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.starts_with(
            "Dry run, nothing written: would insert 3 flask-base users into seed.db, skipped 0 in "
        ),
        "{stderr}"
    );
    assert!(!db.dir.path().join("seed.db").exists());
}

#[test]
fn a_dry_run_leaves_no_log_beside_a_file_in_wal_mode() {
    // Rails 8 makes its SQLite databases in WAL mode.
    let db = TempDb::new();
    db.users(&["--count", "10"]);
    let mode: String = db
        .conn()
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .expect("switch to WAL");
    assert_eq!(mode, "wal");
    let before = db.bytes();
    let dry = dry_run(db.dir.path(), &["--count", "100", "--db", &db.arg()]);
    assert_eq!(dry.app.as_deref(), Some("flask-base"));
    assert_eq!(common::file_names(db.dir.path()), ["test.db"]);
    assert!(db.bytes() == before);
}

#[test]
fn a_path_a_run_could_not_open_is_refused_as_the_run_refuses_it() {
    let db = TempDb::new();
    for (target, message) in [
        ("nodir/x.db".to_owned(), "folder nodir does not exist"),
        (
            "sqlite:y.db?mode=rw".to_owned(),
            "database y.db does not exist",
        ),
        (db.dir.path().display().to_string(), "is a directory"),
    ] {
        let output = seed()
            .current_dir(db.dir.path())
            .args(["users", "--dry-run", "--db", &target])
            .output()
            .expect("run seed");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{target}: {stderr}");
        assert!(stderr.contains(message), "{target}: {stderr}");
    }
    assert_eq!(common::file_names(db.dir.path()), Vec::<String>::new());
}

/// The address space `ulimit -v` gives the runs below, in KiB: far less
/// than a dry run of 100,000,000 rows needs, far more than one of 1,000,000.
const ADDRESS_SPACE_KIB: u64 = 400_000;

/// `seed <args>` in `dir`, its address space limited as `ulimit -v` does.
fn run_under_ulimit_v(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_seed"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("SEED_PASSWORD")
        .env_remove("NO_COLOR")
        .output()
        .expect("run seed under ulimit -v")
}

#[test]
fn a_dry_run_too_large_for_the_memory_is_refused_before_its_first_row() {
    let db = TempDb::new();
    db.users(&["--count", "5"]);
    let before = db.bytes();
    let estimate =
        "a dry run of 100000000 rows keeps about 1.6 GB in memory (16 bytes a row), more than the ";
    let args = ["users", "--dry-run", "--count", "100000000", "--seed", "1"];

    let output = run_under_ulimit_v(
        db.dir.path(),
        &[&args[..], &["--json", "--db", &db.arg()]].concat(),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Not ended by a signal (an allocator's abort is SIGABRT).
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let stats = parse_stats(&output.stdout);
    let error = stats.error.as_deref().unwrap_or_default();
    assert!(
        error.starts_with(estimate) && error.ends_with(" available (ulimit -v); lower --count"),
        "{error}"
    );
    assert!(stats.dry_run, "{stats:?}");
    assert_eq!(
        (stats.attempted, stats.inserted, stats.digest),
        (0, 0, None)
    );
    assert_eq!(stderr, format!("error: {error}\n"));
    assert!(db.bytes() == before, "the file is unchanged");
    assert_eq!(common::file_names(db.dir.path()), ["test.db"]);

    // Without --json and without a file: the one line, nothing created.
    let empty = tempfile::tempdir().expect("temp dir");
    let output = run_under_ulimit_v(empty.path(), &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: {estimate}")),
        "{stderr}"
    );
    assert_eq!(common::file_names(empty.path()), Vec::<String>::new());
}

#[test]
fn a_dry_run_that_fits_under_the_limit_runs_as_without_it() {
    let db = TempDb::new();
    let args = ["--count", "1000000", "--seed", "7"];
    let limited = run_under_ulimit_v(
        db.dir.path(),
        &[&["users", "--dry-run", "--json"][..], &args].concat(),
    );
    assert_eq!(
        limited.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&limited.stderr)
    );
    let limited = parse_stats(&limited.stdout);
    assert_eq!(limited.error, None);
    assert!(limited.inserted > 990_000, "{limited:?}");
    let free = dry_run(db.dir.path(), &args);
    assert_eq!(limited.counts(), free.counts());
    assert_eq!(limited.digest, free.digest);
    assert_eq!(common::file_names(db.dir.path()), Vec::<String>::new());
}
