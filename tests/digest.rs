//! `"digest"` and `--expect-digest`: the run's data pinned by its hash.

mod common;

use common::{TempDb, parse_stats, seed};

/// `--count 1000 --seed 42`, flask-base, default options (as in the README).
const FLASK_BASE_1000: &str =
    "sha256:757ad585dd16f2605e3da69e7d322d60589ff58c4abdb36f89bae84f7a286bbb";

#[test]
fn the_digest_follows_the_data_options_and_nothing_else() {
    // Each option given once: a change replaces the base's value.
    let base = [
        ("--count", "200"),
        ("--seed", "3"),
        ("--hash-iterations", "1000"),
    ];
    let digest = |changes: &[(&str, &str)]| {
        let mut args: Vec<&str> = Vec::new();
        for (option, value) in base
            .iter()
            .filter(|(o, _)| changes.iter().all(|(c, _)| c != o))
        {
            args.extend([*option, *value]);
        }
        for (option, value) in changes {
            args.extend([*option, *value]);
        }
        let db = TempDb::new();
        db.users(&args).digest.expect("a finished run has a digest")
    };
    let first = digest(&[]);
    assert_eq!(digest(&[("--batch-size", "64")]), first);
    assert_eq!(digest(&[("--busy-timeout", "9")]), first);
    // flask-base's users have no timestamp: --now changes none of its values.
    assert_eq!(digest(&[("--now", "2030-01-01")]), first);
    for other in [
        ("--seed", "4"),
        ("--count", "201"),
        ("--locale", "de_DE"),
        ("--password", "other"),
        ("--hash-iterations", "1001"),
        ("--role-weights", "User=1"),
    ] {
        assert_ne!(digest(&[other]), first, "{other:?}");
    }
}

#[test]
fn the_digest_is_of_the_rows_tried_inserted_or_not() {
    let db = TempDb::new();
    let first = db.users(&["--count", "1000", "--seed", "42"]);
    let again = db.users(&["--count", "1000", "--seed", "42"]);
    assert_eq!((first.inserted, again.inserted), (1000, 0));
    assert_eq!(first.digest.as_deref(), Some(FLASK_BASE_1000));
    assert_eq!(again.digest, first.digest);
}

#[test]
fn the_expected_digest_passes_and_another_fails_after_the_run_keeping_its_rows() {
    let db = TempDb::new();
    let ok = seed()
        .args([
            "users",
            "-q",
            "--count",
            "1000",
            "--seed",
            "42",
            "--db",
            &db.arg(),
        ])
        .args([
            "--expect-digest",
            &FLASK_BASE_1000.to_uppercase().replace("SHA256:", "sha256:"),
        ])
        .output()
        .expect("run seed");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(db.count("users"), 1000);

    let other = TempDb::new();
    let failed = seed()
        .args([
            "users",
            "--json",
            "--count",
            "999",
            "--seed",
            "42",
            "--db",
            &other.arg(),
        ])
        .args(["--expect-digest", FLASK_BASE_1000])
        .output()
        .expect("run seed");
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    let stats = parse_stats(&failed.stdout);
    let actual = stats.digest.clone().expect("the run finished");
    assert_ne!(actual, FLASK_BASE_1000);
    assert!(
        stderr.starts_with("error: ")
            && stderr.lines().count() == 1
            && stderr.contains(&actual)
            && stderr.contains(FLASK_BASE_1000),
        "{stderr}"
    );
    let error = stats.error.clone().unwrap_or_default();
    assert!(
        error.contains(&actual) && error.contains(FLASK_BASE_1000),
        "{stats:?}"
    );
    // The run happened: its rows stay, as counted.
    assert_eq!(stats.inserted, 999);
    assert_eq!(other.count("users"), 999);
}

#[test]
fn a_malformed_expected_digest_is_a_usage_error_before_any_file_is_made() {
    for bad in [
        "f4a4",
        "sha1:f4a4",
        "sha256:xyz",
        &format!("{FLASK_BASE_1000}0"),
    ] {
        let db = TempDb::new();
        let output = seed()
            .args([
                "users",
                "--count",
                "3",
                "--db",
                &db.arg(),
                "--expect-digest",
                bad,
            ])
            .output()
            .expect("run seed");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad}: {stderr}");
        assert!(
            stderr.contains("--expect-digest") && stderr.contains("64 hex digits"),
            "{stderr}"
        );
        assert!(!db.path.exists(), "{bad}");
    }
}

#[test]
fn a_failed_run_has_no_digest() {
    let db = TempDb::new();
    db.users(&["--count", "1"]);
    // Every row is rejected: the run gives up.
    db.exec("CREATE TRIGGER no BEFORE INSERT ON users BEGIN SELECT RAISE(ABORT, 'no'); END;");
    let output = seed()
        .args(["users", "--json", "--count", "500", "--db", &db.arg()])
        .args(["--expect-digest", FLASK_BASE_1000])
        .output()
        .expect("run seed");
    assert_eq!(output.status.code(), Some(1));
    let stats = parse_stats(&output.stdout);
    assert!(stats.error.is_some() && stats.digest.is_none(), "{stats:?}");
    // The run's own failure is what is told, not a digest mismatch.
    assert!(!String::from_utf8_lossy(&output.stderr).contains("--expect-digest"));
    // A person reads that the run stopped, not that it inserted.
    let output = seed()
        .args(["users", "--count", "500", "--db", &db.arg()])
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.starts_with("Stopped by an error after inserting 0 flask-base users into ")
            && stderr
                .lines()
                .nth(1)
                .is_some_and(|line| line.starts_with("error: ")),
        "{stderr}"
    );
}

/// The summary's "repeat with" names every option that changes the rows:
/// pasted back, it makes the rows again, digest for digest.
#[test]
fn the_summary_s_repeat_hint_makes_the_same_rows() {
    let db = TempDb::new();
    let options = [
        "--count",
        "40",
        "--seed",
        "5",
        "--exact",
        "--app",
        "django",
        "--locale",
        "fr_fr",
        "--role-weights",
        "user=1,staff=2,superuser=3",
        "--now",
        "2024-02-29 12:00:00",
        "--hash-iterations",
        "2",
        "--password",
        "s3cret",
    ];
    let run = |args: &[&str], json: bool| {
        let output = seed()
            .args(["users", "--dry-run", "--db", &db.arg()])
            .args(json.then_some("--json"))
            .args(args)
            .output()
            .expect("run seed");
        assert!(output.status.success(), "{output:?}");
        output
    };
    let stderr = String::from_utf8_lossy(&run(&options, false).stderr).into_owned();
    let hint = stderr
        .trim_end()
        .split_once("(repeat with ")
        .and_then(|(_, hint)| hint.strip_suffix(')'))
        .expect("a repeat hint")
        .to_owned();
    assert_eq!(
        hint,
        "--seed 5 --count 40 --exact --app django --locale fr_FR --role-weights user=1,staff=2,superuser=3 \
         --now 2024-02-29T12:00:00 --hash-iterations 2 and the same password"
    );
    let pasted: Vec<&str> = hint
        .trim_end_matches(" and the same password")
        .split_whitespace()
        .chain(["--password", "s3cret"])
        .collect();
    let digest = |args: &[&str]| parse_stats(&run(args, true).stdout).digest;
    assert!(digest(&pasted).is_some());
    assert_eq!(digest(&pasted), digest(&options));
    // Without the password, other rows: the hint had to say it.
    assert_ne!(digest(&pasted[..pasted.len() - 2]), digest(&options));
}
