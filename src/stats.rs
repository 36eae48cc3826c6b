//! The one record of a run: every output format is made from it.

use serde::Serialize;

use crate::db::{SkipReason, Uniques};
use crate::generate::Locale;

/// Running totals, cheap to copy and to update per row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub attempted: u64,
    pub inserted: u64,
    skipped: [u64; SkipReason::COUNT],
}

impl Counts {
    pub fn skip(&mut self, reason: SkipReason) {
        self.skipped[reason.index()] += 1;
    }

    /// Moves `n` skipped rows from `from` to `to` (at most those of `from`).
    pub fn recount(&mut self, from: SkipReason, to: SkipReason, n: u64) {
        let n = n.min(self.skipped[from.index()]);
        self.skipped[from.index()] -= n;
        self.skipped[to.index()] += n;
    }

    pub fn skipped(&self) -> u64 {
        self.skipped.iter().sum()
    }

    pub fn skipped_for(&self, reason: SkipReason) -> u64 {
        self.skipped[reason.index()]
    }

    /// Rows skipped because their email or username was taken.
    pub fn duplicates(&self) -> u64 {
        SkipReason::all()
            .filter(|reason| reason.is_duplicate())
            .map(|reason| self.skipped_for(reason))
            .sum()
    }

    /// Skipped rows by reason, only the reasons that occurred, in the
    /// order summaries list them.
    pub fn by_reason(&self) -> Vec<(SkipReason, u64)> {
        SkipReason::all()
            .filter(|reason| self.skipped_for(*reason) > 0)
            .map(|reason| (reason, self.skipped_for(reason)))
            .collect()
    }

    /// The skipped rows by reason, in words: `["3 duplicate emails", "1
    /// duplicate handle"]`.
    pub fn in_words(&self, uniques: &Uniques) -> Vec<String> {
        self.by_reason()
            .into_iter()
            .map(|(reason, n)| uniques.counted(reason, n))
            .collect()
    }

    pub fn add(&mut self, other: &Counts) {
        self.attempted += other.attempted;
        self.inserted += other.inserted;
        for (total, more) in self.skipped.iter_mut().zip(other.skipped) {
            *total += more;
        }
    }

    pub fn sub(&mut self, other: &Counts) {
        self.attempted -= other.attempted;
        self.inserted -= other.inserted;
        for (total, less) in self.skipped.iter_mut().zip(other.skipped) {
            *total -= less;
        }
    }
}

/// `seed users --json` prints exactly this object (schema in the README).
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    /// The app whose users table was seeded, when the plan is its preset.
    pub app: Option<&'static str>,
    /// The plan: the app's name, the plan file's path, or `inferred`.
    pub plan: Option<String>,
    /// The table the users went to.
    pub table: Option<String>,
    /// `--count`.
    pub requested: u64,
    /// Rows tried: `inserted + skipped`.
    pub attempted: u64,
    /// Rows committed: exactly the rows this run added to the database.
    pub inserted: u64,
    pub skipped: u64,
    /// Skipped rows by reason (`duplicate_email`, `duplicate_handle`…);
    /// reasons with no rows are left out.
    pub skipped_by_reason: serde_json::Map<String, serde_json::Value>,
    /// The same, in words, for the summary.
    #[serde(skip)]
    pub skipped_in_words: Vec<String>,
    pub seed: u64,
    /// `--locale`: with the seed, it fixes the rows.
    pub locale: &'static str,
    /// `sha256:<hex>` of every row tried, in generation order (README,
    /// "Digest"); None unless the run finished.
    pub digest: Option<String>,
    pub batch_size: u64,
    pub elapsed_seconds: f64,
    pub rows_per_second: f64,
    /// Stopped by Ctrl-C or SIGTERM.
    pub interrupted: bool,
    /// `--dry-run`: counted in memory, nothing written.
    pub dry_run: bool,
    /// The database, without credentials.
    pub database: String,
    /// Why the run stopped early, if it did; rows counted above stay.
    pub error: Option<String>,
    /// The options that make the same rows, `--seed` first, for the
    /// summary's "repeat with".
    #[serde(skip)]
    pub repeat: String,
    /// The run itself failed (not only a digest that was not the one
    /// expected): the summary says it stopped.
    #[serde(skip)]
    pub failed: bool,
}

impl Stats {
    pub fn new(
        counts: &Counts,
        uniques: &Uniques,
        requested: u64,
        seed: u64,
        batch_size: u64,
        elapsed_seconds: f64,
    ) -> Stats {
        let rows_per_second = if elapsed_seconds > 0.0 {
            counts.attempted as f64 / elapsed_seconds
        } else {
            0.0
        };
        Stats {
            app: None,
            plan: None,
            table: None,
            requested,
            attempted: counts.attempted,
            inserted: counts.inserted,
            skipped: counts.skipped(),
            skipped_by_reason: counts
                .by_reason()
                .into_iter()
                .map(|(reason, n)| (uniques.key(reason), n.into()))
                .collect(),
            skipped_in_words: counts.in_words(uniques),
            seed,
            locale: Locale::default().code(),
            digest: None,
            batch_size,
            elapsed_seconds,
            rows_per_second,
            interrupted: false,
            dry_run: false,
            database: String::new(),
            error: None,
            repeat: format!("--seed {seed}"),
            failed: false,
        }
    }
}
