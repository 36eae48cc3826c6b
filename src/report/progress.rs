//! The progress bar on stderr.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::seed::Observer;
use crate::stats::Counts;

/// Redraw after this many rows: formatting the message per row would cost
/// more than inserting it.
const ROWS_PER_UPDATE: u64 = 256;

pub struct Progress {
    bar: ProgressBar,
    /// `--exact`: the bar counts inserted rows, not attempts.
    exact: bool,
    /// Kept here: asking the bar takes its lock, on every row.
    total: u64,
}

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
            "{elapsed_precise} [{wide_bar}] {pos}/{len} {msg}, {rate} rows/s, ETA {eta}"
        } else {
            "{elapsed_precise} [{wide_bar:.cyan/blue}] {pos}/{len} {msg}, {rate:.dim} rows/s, ETA {eta}"
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "rate",
                |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                    let _ = write!(out, "{:.0}", state.per_sec());
                },
            )
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(total), target).with_style(style);
        bar.set_message("inserted 0, skipped 0");
        if visible {
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        Progress { bar, exact, total }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for Progress {
    fn row(&mut self, counts: &Counts) {
        let position = if self.exact {
            counts.inserted
        } else {
            counts.attempted
        };
        if counts.attempted.is_multiple_of(ROWS_PER_UPDATE) || position == self.total {
            self.bar.set_position(position);
            self.bar.set_message(format!(
                "inserted {}, skipped {}",
                counts.inserted,
                counts.skipped()
            ));
        }
    }
}
