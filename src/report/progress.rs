//! The progress bar on stderr.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::run::Observer;
use crate::stats::Counts;

pub struct Progress {
    bar: ProgressBar,
    /// Read by the template when it draws, so a row costs two stores and
    /// never formats a message.
    inserted: Arc<AtomicU64>,
    skipped: Arc<AtomicU64>,
    /// `--exact`: the bar counts inserted rows, not attempts.
    exact: bool,
    /// Kept here: asking the bar takes its lock, on every row.
    total: u64,
    /// The position at which the bar is next moved: its lock is not taken
    /// per row.
    next_update: u64,
}

const ROWS_PER_UPDATE: u64 = 256;

impl Progress {
    /// A bar drawn on stderr if it is a terminal and `quiet` is off;
    /// otherwise a hidden one that costs nothing.
    pub fn new(total: u64, exact: bool, quiet: bool) -> Progress {
        let visible = !quiet && std::io::stderr().is_terminal();
        let target = if visible {
            ProgressDrawTarget::stderr_with_hz(10)
        } else {
            ProgressDrawTarget::hidden()
        };
        let template = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            "{elapsed_precise} [{wide_bar}] {pos}/{len} inserted {inserted}, skipped {skipped}, {rate} rows/s, ETA {eta}"
        } else {
            "{elapsed_precise} [{wide_bar:.cyan/blue}] {pos}/{len} inserted {inserted}, skipped {skipped}, {rate:.dim} rows/s, ETA {eta}"
        };
        let inserted = Arc::new(AtomicU64::new(0));
        let skipped = Arc::new(AtomicU64::new(0));
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "rate",
                |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                    let _ = write!(out, "{:.0}", state.per_sec());
                },
            )
            .with_key("inserted", counter(&inserted))
            .with_key("skipped", counter(&skipped))
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(total), target).with_style(style);
        if visible {
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        Progress {
            bar,
            inserted,
            skipped,
            exact,
            total,
            next_update: 0,
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for Progress {
    /// Called per chunk of rows (up to 256), or per row with one commit
    /// per row; the bar redraws at most 10 times a second whatever the rate.
    fn rows(&mut self, counts: &Counts) {
        let position = if self.exact {
            counts.inserted
        } else {
            counts.attempted
        };
        self.inserted.store(counts.inserted, Ordering::Relaxed);
        self.skipped.store(counts.skipped(), Ordering::Relaxed);
        if position >= self.next_update || position == self.total {
            self.next_update = position + ROWS_PER_UPDATE;
            self.bar.set_position(position);
        }
    }
}

/// A template key that prints a counter's value when the bar is drawn.
fn counter(
    value: &Arc<AtomicU64>,
) -> impl Fn(&ProgressState, &mut dyn std::fmt::Write) + Send + Sync + Clone + 'static {
    let value = Arc::clone(value);
    move |_: &ProgressState, out: &mut dyn std::fmt::Write| {
        let _ = write!(out, "{}", value.load(Ordering::Relaxed));
    }
}
