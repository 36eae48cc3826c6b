//! The end-of-run summary: human words on stderr, or JSON on stdout.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::stats::Stats;
use crate::words;

pub fn human(stats: &Stats) -> String {
    let lead = match (stats.dry_run, stats.interrupted, stats.failed) {
        (false, _, true) => "Stopped by an error after inserting",
        (false, true, false) => "Interrupted after inserting",
        (false, false, false) => "Inserted",
        (true, _, true) => "Dry run stopped by an error, nothing written: would insert",
        (true, true, false) => "Dry run interrupted, nothing written: would insert",
        (true, false, false) => "Dry run, nothing written: would insert",
    };
    let users = match stats.app {
        Some(app) => words::count(stats.inserted, &format!("{app} user")),
        None => words::count(stats.inserted, "user"),
    };
    // A plan's own table is named, and the plan it was filled by.
    let into = match (stats.app, &stats.plan, &stats.table) {
        (None, Some(plan), Some(table)) => {
            format!("{table} in {} (plan {plan})", stats.database)
        }
        _ => stats.database.clone(),
    };
    let mut out = format!("{lead} {users} into {into}");
    // "skipped 0" too: a log is then grepped the same way whatever happened.
    let _ = write!(out, ", {}", skipped(stats.skipped, &stats.skipped_in_words));
    let _ = write!(
        out,
        " in {:.2}s ({:.0} rows/s); seed {} (repeat with {})",
        stats.elapsed_seconds, stats.rows_per_second, stats.seed, stats.repeat
    );
    out
}

/// "skipped 0", or "skipped 3 (2 duplicate emails, 1 NOT NULL constraint)",
/// or "skipped 103 (100 already present, 3 duplicate emails)".
pub fn skipped(total: u64, in_words: &[String]) -> String {
    if total == 0 {
        return "skipped 0".into();
    }
    format!("skipped {total} ({})", in_words.join(", "))
}

/// One JSON object and a newline on stdout. A reader that went away (a
/// closed pipe) is not an error.
pub fn write_json(value: &impl serde::Serialize) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    let result = serde_json::to_writer(&mut stdout, value)
        .map_err(io::Error::from)
        .and_then(|()| writeln!(stdout))
        .and_then(|()| stdout.flush());
    match result {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// The JSON object of a command that failed before it could say more.
pub fn write_error_json(error: &str) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Failed<'a> {
        error: &'a str,
    }
    write_json(&Failed { error })
}

/// One line on stderr. A closed stderr (`seed users 2>&1 | head -c1`) is
/// not worth a panic: the run's outcome is in the exit code and the database.
pub fn eprint_line(line: impl std::fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{SkipReason, Uniques};
    use crate::stats::Counts;

    /// The words of these counts, in the order a run lists them.
    fn reasons(pairs: &[(SkipReason, u64)]) -> Vec<String> {
        let mut counts = Counts::default();
        for (reason, n) in pairs {
            for _ in 0..*n {
                counts.skip(*reason);
            }
        }
        counts.in_words(&Uniques::default())
    }

    #[test]
    fn rows_already_there_are_said_plainly_and_first() {
        assert_eq!(
            skipped(100, &reasons(&[(SkipReason::AlreadyPresent, 100)])),
            "skipped 100 (100 already present)"
        );
        assert_eq!(
            skipped(1, &reasons(&[(SkipReason::AlreadyPresent, 1)])),
            "skipped 1 (1 already present)"
        );
        assert_eq!(
            skipped(
                103,
                &reasons(&[
                    (SkipReason::DuplicateEmail, 3),
                    (SkipReason::AlreadyPresent, 100)
                ])
            ),
            "skipped 103 (100 already present, 3 duplicate emails)"
        );
        assert_eq!(
            skipped(
                5,
                &reasons(&[(SkipReason::DuplicateUsername, 1), (SkipReason::NotNull, 4)])
            ),
            "skipped 5 (1 duplicate username, 4 NOT NULL constraints)"
        );
        assert_eq!(skipped(0, &[]), "skipped 0");
    }

    #[test]
    fn the_human_summary_of_a_rerun_blames_no_generator() {
        let mut counts = crate::stats::Counts::default();
        for _ in 0..100 {
            counts.attempted += 1;
            counts.skip(SkipReason::AlreadyPresent);
        }
        let mut stats = Stats::new(&counts, &Uniques::default(), 100, 42, 1, 0.5);
        stats.database = "seed.db".into();
        assert_eq!(
            human(&stats),
            "Inserted 0 users into seed.db, skipped 100 (100 already present) in 0.50s (200 rows/s); seed 42 (repeat with --seed 42)"
        );
    }

    #[test]
    fn the_first_words_say_how_the_run_ended() {
        let mut counts = crate::stats::Counts::default();
        counts.attempted = 3;
        counts.inserted = 3;
        let mut stats = Stats::new(&counts, &Uniques::default(), 10, 1, 1, 1.0);
        stats.database = "seed.db".into();
        let mut leads = Vec::new();
        for (dry_run, interrupted, failed) in [
            (false, false, false),
            (false, true, false),
            (false, false, true),
            (true, false, false),
            (true, true, false),
        ] {
            (stats.dry_run, stats.interrupted, stats.failed) = (dry_run, interrupted, failed);
            let line = human(&stats);
            leads.push(line[..line.find(" 3 users").unwrap_or(0)].to_owned());
        }
        assert_eq!(
            leads,
            [
                "Inserted",
                "Interrupted after inserting",
                "Stopped by an error after inserting",
                "Dry run, nothing written: would insert",
                "Dry run interrupted, nothing written: would insert",
            ]
        );
    }
}
