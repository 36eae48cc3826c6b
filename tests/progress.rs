//! Where stderr is not a terminal (a CI log), a run says where it is with
//! a plain line every ten seconds, and a short run prints none. The
//! interval is shortened here through SEED_PROGRESS_INTERVAL_MS, which
//! exists for tests only.

mod common;

use common::{Stats, TempDb, parse_stats, seed};
use regex::Regex;

const INTERVAL_MS: u64 = 50;

/// What a run with stderr piped printed there, and its stats.
struct Piped {
    lines: Vec<String>,
    stderr: Vec<u8>,
    stats: Stats,
}

#[track_caller]
fn run(db: &TempDb, args: &[&str], interval: Option<u64>) -> Piped {
    let mut cmd = seed();
    cmd.args(["users", "--json", "--db", &db.arg()]).args(args);
    if let Some(ms) = interval {
        cmd.env("SEED_PROGRESS_INTERVAL_MS", ms.to_string());
    }
    let output = cmd.output().expect("run seed");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8");
    Piped {
        lines: text.lines().map(str::to_owned).collect(),
        stderr: output.stderr,
        stats: parse_stats(&output.stdout),
    }
}

/// What a real run's lines start with.
const RUN: &str = "inserted";
/// What a dry run's lines start with: nothing was inserted.
const DRY_RUN: &str = "dry run: would insert";

/// The counts of a progress line that starts with `label`, checking its
/// whole shape.
#[track_caller]
fn parse(line: &str, label: &str) -> (u64, u64) {
    let shape = Regex::new(&format!(
        r"^{} (\d+), skipped (\d+)(?: \(([^)]*)\))?, \d+ rows/s, \d\d:[0-5]\d:[0-5]\d elapsed$",
        regex::escape(label)
    ))
    .expect("a valid pattern");
    let reason =
        Regex::new(r"^(\d+) (?:already present|duplicate emails?)$").expect("a valid pattern");
    let caps = shape
        .captures(line)
        .unwrap_or_else(|| panic!("not a progress line: {line:?}"));
    let number = |i: usize| {
        caps.get(i)
            .map_or(0, |m| m.as_str().parse().expect("a number"))
    };
    let (inserted, skipped) = (number(1), number(2));
    if skipped > 0 {
        let reasons = caps.get(3).map_or("", |m| m.as_str());
        let sum: u64 = reasons
            .split(", ")
            .map(|part| {
                let caps = reason
                    .captures(part)
                    .unwrap_or_else(|| panic!("not a reason: {part:?} in {line:?}"));
                caps[1].parse::<u64>().expect("a number")
            })
            .sum();
        assert_eq!(sum, skipped, "the reasons add up: {line}");
    }
    (inserted, skipped)
}

#[track_caller]
fn check_lines(piped: &Piped, label: &str) -> Vec<(u64, u64)> {
    assert!(
        !piped.stderr.contains(&0x1b),
        "an escape byte on stderr: {:?}",
        String::from_utf8_lossy(&piped.stderr)
    );
    let counts: Vec<(u64, u64)> = piped.lines.iter().map(|line| parse(line, label)).collect();
    // Lines fall at multiples of the interval from the run's start, so no
    // more of them than the run lasted intervals.
    let most = (piped.stats.elapsed_seconds * 1000.0 / INTERVAL_MS as f64).floor() as usize;
    assert!(
        !counts.is_empty() && counts.len() <= most,
        "{} lines in {}s: {:?}",
        counts.len(),
        piped.stats.elapsed_seconds,
        piped.lines
    );
    for pair in counts.windows(2) {
        assert!(pair[0].0 <= pair[1].0 && pair[0].1 <= pair[1].1, "{pair:?}");
    }
    let (inserted, skipped) = counts[counts.len() - 1];
    assert!(inserted <= piped.stats.inserted && skipped <= piped.stats.skipped);
    counts
}

#[test]
fn a_run_longer_than_the_interval_prints_plain_lines_on_a_piped_stderr() {
    let db = TempDb::new();
    // One commit per row: well over the interval on any machine.
    let args = ["--count", "20000", "--seed", "3"];
    let first = run(&db, &args, Some(INTERVAL_MS));
    assert!(first.stats.inserted > 19_000, "{:?}", first.stats);
    let counts = check_lines(&first, RUN);
    assert!(
        counts.iter().any(|(inserted, _)| *inserted > 0),
        "{counts:?}"
    );

    // The same rows again: every one is skipped, and the lines say so.
    let again = run(&db, &args, Some(INTERVAL_MS));
    assert_eq!(again.stats.skipped, 20_000);
    let counts = check_lines(&again, RUN);
    assert!(
        again
            .lines
            .iter()
            .any(|line| line.contains(" already present")),
        "{:?}",
        again.lines
    );
    assert!(counts.iter().all(|(inserted, _)| *inserted == 0));
    assert!(counts.iter().any(|(_, skipped)| *skipped > 0), "{counts:?}");
}

#[test]
fn the_progress_lines_of_a_dry_run_say_it_is_one() {
    let db = TempDb::new();
    // Over a million rows a second into memory: a second or so.
    let dry = run(
        &db,
        &["--dry-run", "--count", "2000000", "--seed", "3"],
        Some(INTERVAL_MS),
    );
    assert!(dry.stats.dry_run && dry.stats.inserted > 1_900_000);
    let counts = check_lines(&dry, DRY_RUN);
    assert!(
        counts.iter().any(|(inserted, _)| *inserted > 0),
        "{counts:?}"
    );
    assert!(!db.path.exists(), "a dry run creates no file");
}

#[test]
fn a_short_run_and_a_quiet_run_print_no_progress_line() {
    let db = TempDb::new();
    // The ten-second default: a run of ten rows ends long before.
    let short = run(&db, &["--count", "10", "--seed", "3"], None);
    assert_eq!(
        short.lines,
        Vec::<String>::new(),
        "--json alone: no summary"
    );
    let mut cmd = seed();
    let output = cmd
        .args(["users", "--count", "10", "--seed", "4", "--db", &db.arg()])
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("Inserted 10 flask-base users into "),
        "{stderr}"
    );

    let quiet = run(
        &db,
        &["--count", "20000", "--seed", "5", "--quiet"],
        Some(INTERVAL_MS),
    );
    assert!(quiet.stats.elapsed_seconds * 1000.0 > 2.0 * INTERVAL_MS as f64);
    assert_eq!(quiet.lines, Vec::<String>::new());
}

#[test]
fn the_summary_names_skipped_even_when_none_were() {
    let db = TempDb::new();
    let output = seed()
        .args(["users", "--count", "50", "--seed", "42", "--db", &db.arg()])
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let shape = Regex::new(
        r"^Inserted 50 flask-base users into \S+, skipped 0 in [0-9.]+s \([0-9]+ rows/s\); seed 42 \(repeat with --seed 42 --count 50\)\n$",
    )
    .expect("a valid pattern");
    assert!(shape.is_match(&stderr), "{stderr}");
}
