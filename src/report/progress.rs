//! The progress bar on stderr, or where stderr is not a terminal (a CI
//! log), a plain line every ten seconds.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use console::Term;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle, TermLike};

use super::summary::{eprint_line, skipped};
use crate::db::Uniques;
use crate::run::Observer;
use crate::stats::Counts;

pub struct Progress {
    bar: ProgressBar,
    /// Read by the template when it draws, so a row costs a few stores and
    /// never formats a message.
    counters: Arc<Counters>,
    /// `--exact`: the bar counts inserted rows, not attempts.
    exact: bool,
    /// Kept here: asking the bar takes its lock, on every row.
    total: u64,
    /// The position at which the bar is next moved: its lock is not taken
    /// per row.
    next_update: u64,
    visible: bool,
    color: bool,
    wording: Wording,
    /// The terminal's width the style was made for, and when it was last
    /// asked (at most once a second).
    width: u16,
    width_checked: Instant,
    /// Plain lines where stderr is not a terminal.
    ticker: Option<Ticker>,
}

#[derive(Default)]
struct Counters {
    attempted: AtomicU64,
    inserted: AtomicU64,
    skipped: AtomicU64,
    /// Every count, skip reasons included, for the plain lines.
    snapshot: Mutex<Counts>,
}

const ROWS_PER_UPDATE: u64 = 256;

/// What the rows that went in are called: a dry run inserts none, and a
/// line in a log read later must not pass for a real run's.
#[derive(Clone, Copy)]
enum Wording {
    Run,
    DryRun,
}

impl Wording {
    /// Before the count of rows in, on a plain line.
    fn plain(self) -> &'static str {
        match self {
            Wording::Run => "inserted",
            Wording::DryRun => "dry run: would insert",
        }
    }

    /// Before the count of rows in, on the bar, where columns are few.
    fn bar(self) -> &'static str {
        match self {
            Wording::Run => "inserted",
            Wording::DryRun => "would insert",
        }
    }
}

/// Columns left free at the end of the line. indicatif pads the line to
/// the terminal's width, and a terminal echoes Ctrl-C as `^C`: on a full
/// line that wraps, and the bar's last frame would stay on screen above
/// the summary.
const MARGIN: u16 = 3;

/// stderr, a few columns narrower than it is.
#[derive(Debug)]
struct Narrowed(Term);

impl TermLike for Narrowed {
    fn width(&self) -> u16 {
        terminal_width()
    }
    fn height(&self) -> u16 {
        self.0.size().0
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_up(n)
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_down(n)
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_right(n)
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_left(n)
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.write_line(s)
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.write_str(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.0.clear_line()
    }
    fn flush(&self) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl Progress {
    /// A bar drawn on stderr if it is a terminal and `quiet` is off;
    /// otherwise a hidden one that costs nothing, and unless `quiet`, a
    /// plain line every ten seconds counted from `started`, the start of
    /// the run (as the summary's time and rate are). A `dry_run`'s counts
    /// say that the rows would be inserted.
    pub fn new(
        total: u64,
        exact: bool,
        quiet: bool,
        dry_run: bool,
        started: Instant,
        uniques: Uniques,
    ) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let visible = !quiet && terminal;
        let target = if visible {
            ProgressDrawTarget::term_like_with_hz(Box::new(Narrowed(Term::stderr())), 10)
        } else {
            ProgressDrawTarget::hidden()
        };
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let counters = Arc::new(Counters::default());
        let wording = if dry_run {
            Wording::DryRun
        } else {
            Wording::Run
        };
        let width = terminal_width();
        let bar = ProgressBar::with_draw_target(Some(total), target)
            .with_style(style(width, total, color, wording, &counters));
        if visible {
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        let ticker = (!quiet && !terminal)
            .then(|| {
                Ticker::start(
                    Arc::clone(&counters),
                    wording,
                    started,
                    plain_interval(),
                    uniques,
                )
            })
            .flatten();
        Progress {
            bar,
            counters,
            exact,
            total,
            next_update: 0,
            visible,
            color,
            wording,
            width,
            width_checked: Instant::now(),
            ticker,
        }
    }

    pub fn finish(&mut self) {
        self.ticker.take();
        self.bar.finish_and_clear();
    }

    /// Fits the line to a terminal that was resized.
    fn refit(&mut self) {
        if !self.visible || self.width_checked.elapsed() < Duration::from_secs(1) {
            return;
        }
        self.width_checked = Instant::now();
        let width = terminal_width();
        if width != self.width {
            self.width = width;
            self.bar.set_style(style(
                width,
                self.total,
                self.color,
                self.wording,
                &self.counters,
            ));
        }
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
        // Paced by attempts, which always grow: with --exact a run of
        // duplicates leaves the position where it is, not the counts.
        if counts.attempted >= self.next_update || position == self.total {
            self.next_update = counts.attempted + ROWS_PER_UPDATE;
            self.counters
                .attempted
                .store(counts.attempted, Ordering::Relaxed);
            self.counters
                .inserted
                .store(counts.inserted, Ordering::Relaxed);
            self.counters
                .skipped
                .store(counts.skipped(), Ordering::Relaxed);
            if self.ticker.is_some()
                && let Ok(mut snapshot) = self.counters.snapshot.lock()
            {
                *snapshot = *counts;
            }
            self.bar.set_position(position);
            self.refit();
        }
    }
}

/// How often a plain line is printed: every ten seconds, or as a test
/// asks (SEED_PROGRESS_INTERVAL_MS, deliberately undocumented).
fn plain_interval() -> Duration {
    std::env::var("SEED_PROGRESS_INTERVAL_MS")
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map_or(PLAIN_INTERVAL, Duration::from_millis)
}

const PLAIN_INTERVAL: Duration = Duration::from_secs(10);

/// A thread that prints a plain line at each multiple of the interval
/// since the run started, until it is dropped. A thread, not the row
/// callback: a run waiting for a lock still says where it is.
struct Ticker {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    /// None if no thread could be started: the run goes on without lines.
    fn start(
        counters: Arc<Counters>,
        wording: Wording,
        started: Instant,
        every: Duration,
        uniques: Uniques,
    ) -> Option<Ticker> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || {
                loop {
                    let elapsed = started.elapsed();
                    let wait = next_multiple(elapsed, every).saturating_sub(elapsed);
                    match stopped.recv_timeout(wait) {
                        Err(RecvTimeoutError::Timeout) => {
                            let counts = counters
                                .snapshot
                                .lock()
                                .map(|counts| *counts)
                                .unwrap_or_default();
                            eprint_line(plain_line(&counts, wording, started.elapsed(), &uniques));
                        }
                        // Stopped, or the progress is gone.
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .ok()?;
        Some(Ticker {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The first multiple of `every` after `elapsed`.
fn next_multiple(elapsed: Duration, every: Duration) -> Duration {
    let every_ns = every.as_nanos().max(1);
    let next = (elapsed.as_nanos() / every_ns + 1) * every_ns;
    Duration::from_nanos(u64::try_from(next).unwrap_or(u64::MAX))
}

/// `inserted 52000, skipped 3 (3 duplicate emails), 5200 rows/s, 00:00:10
/// elapsed` (a dry run's: `dry run: would insert 52000, …`): no escape
/// codes, the rate as the bar's and the summary's (rows tried per second).
fn plain_line(counts: &Counts, wording: Wording, elapsed: Duration, uniques: &Uniques) -> String {
    let seconds = elapsed.as_secs_f64();
    let rate = if seconds > 0.0 {
        counts.attempted as f64 / seconds
    } else {
        0.0
    };
    let whole = elapsed.as_secs();
    format!(
        "{} {}, {}, {rate:.0} rows/s, {:02}:{:02}:{:02} elapsed",
        wording.plain(),
        counts.inserted,
        skipped(counts.skipped(), &counts.in_words(uniques)),
        whole / 3600,
        whole / 60 % 60,
        whole % 60
    )
}

/// The width the line may take: the terminal's, less [`MARGIN`].
fn terminal_width() -> u16 {
    Term::stderr()
        .size_checked()
        .map_or(80, |(_, columns)| columns)
        .saturating_sub(MARGIN)
}

/// The line for a terminal `width` columns wide: the counts go first when
/// it is narrow, then the rate and the time left; the bar goes last.
fn style(
    width: u16,
    total: u64,
    color: bool,
    wording: Wording,
    counters: &Arc<Counters>,
) -> ProgressStyle {
    let digits = total.to_string().len();
    let width = usize::from(width);
    let label = wording.bar();
    // Each part's widest text: "00:00:00", " [", "] ", "N/N", and so on.
    let clock = 8 + 2 + 2;
    let position = 2 * digits + 1;
    let counts = 1 + label.len() + 1 + digits + ", skipped ".len() + digits;
    let speed = ", ".len() + 9 + " rows/s, ETA ".len() + 6;
    let (fixed, show_counts, show_speed) = if width >= clock + position + counts + speed + 10 {
        (clock + position + counts + speed, true, true)
    } else if width >= clock + position + speed + 10 {
        (clock + position + speed, false, true)
    } else {
        (clock + position, false, false)
    };
    let bar_width = width.saturating_sub(fixed).max(5);
    let (bar, rate) = if color {
        (format!("{{bar:{bar_width}.cyan/blue}}"), "{rate:.dim}")
    } else {
        (format!("{{bar:{bar_width}}}"), "{rate}")
    };
    let mut template = format!("{{elapsed_precise}} [{bar}] {{pos}}/{{len}}");
    if show_counts {
        template.push_str(&format!(" {label} {{inserted}}, skipped {{skipped}}"));
    }
    if show_speed {
        template.push_str(&format!(", {rate} rows/s, ETA {{eta}}"));
    }
    let started = Instant::now();
    let attempted = Arc::clone(counters);
    ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        // Rows tried per second, as in the summary, whether or not the bar
        // counts inserted rows (--exact).
        .with_key(
            "rate",
            move |_: &ProgressState, out: &mut dyn std::fmt::Write| {
                // Over less than a second the rate means little and can
                // be too wide for the line.
                let seconds = started.elapsed().as_secs_f64();
                let tried = attempted.attempted.load(Ordering::Relaxed) as f64;
                let rate = (tried / seconds).min(999_999_999.0);
                if seconds < 1.0 {
                    let _ = out.write_str("-");
                } else {
                    let _ = write!(out, "{rate:.0}");
                }
            },
        )
        .with_key("inserted", counter(counters, |c| &c.inserted))
        .with_key("skipped", counter(counters, |c| &c.skipped))
        .progress_chars("=> ")
}

/// A template key that prints a counter's value when the bar is drawn.
fn counter(
    counters: &Arc<Counters>,
    which: fn(&Counters) -> &AtomicU64,
) -> impl Fn(&ProgressState, &mut dyn std::fmt::Write) + Send + Sync + Clone + 'static {
    let counters = Arc::clone(counters);
    move |_: &ProgressState, out: &mut dyn std::fmt::Write| {
        let _ = write!(out, "{}", which(&counters).load(Ordering::Relaxed));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use indicatif::TermLike;

    use super::*;

    /// A terminal `width` columns wide that keeps the longest line drawn.
    #[derive(Debug)]
    struct Screen {
        width: u16,
        line: Mutex<String>,
        longest: Arc<Mutex<String>>,
    }

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            self.width
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)?;
            self.clear_line()
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            let mut line = self.line.lock().map_err(|_| std::io::ErrorKind::Other)?;
            line.push_str(s);
            let mut longest = self.longest.lock().map_err(|_| std::io::ErrorKind::Other)?;
            if line.chars().count() > longest.chars().count() {
                longest.clone_from(&line);
            }
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            self.line
                .lock()
                .map_err(|_| std::io::ErrorKind::Other)?
                .clear();
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The longest line the bar draws on a terminal `width` wide, with
    /// every number at its widest.
    fn longest_line(width: u16, total: u64, wording: Wording) -> String {
        let longest = Arc::new(Mutex::new(String::new()));
        let screen = Screen {
            width,
            line: Mutex::new(String::new()),
            longest: Arc::clone(&longest),
        };
        let counters = Arc::new(Counters::default());
        for counter in [&counters.attempted, &counters.inserted, &counters.skipped] {
            counter.store(total, Ordering::Relaxed);
        }
        let bar = ProgressBar::with_draw_target(
            Some(total),
            ProgressDrawTarget::term_like(Box::new(screen)),
        )
        .with_style(style(width, total, false, wording, &counters));
        bar.set_position(total);
        bar.tick();
        longest.lock().expect("not poisoned").clone()
    }

    #[test]
    fn a_plain_line_names_the_counts_the_rate_and_the_time() {
        let mut counts = Counts::default();
        counts.attempted = 52_003;
        counts.inserted = 52_000;
        for _ in 0..3 {
            counts.skip(crate::db::SkipReason::DuplicateEmail);
        }
        assert_eq!(
            plain_line(
                &counts,
                Wording::Run,
                Duration::from_secs(10),
                &Uniques::default()
            ),
            "inserted 52000, skipped 3 (3 duplicate emails), 5200 rows/s, 00:00:10 elapsed"
        );
        for _ in 0..100 {
            counts.attempted += 1;
            counts.skip(crate::db::SkipReason::AlreadyPresent);
        }
        assert_eq!(
            plain_line(
                &counts,
                Wording::Run,
                Duration::from_secs(10),
                &Uniques::default()
            ),
            "inserted 52000, skipped 103 (100 already present, 3 duplicate emails), 5210 rows/s, 00:00:10 elapsed"
        );
        assert_eq!(
            plain_line(
                &Counts::default(),
                Wording::Run,
                Duration::from_secs(3725),
                &Uniques::default()
            ),
            "inserted 0, skipped 0, 0 rows/s, 01:02:05 elapsed"
        );
    }

    #[test]
    fn in_a_dry_run_a_plain_line_says_the_rows_would_be_inserted() {
        let mut counts = Counts::default();
        counts.attempted = 211_600;
        counts.inserted = 211_372;
        for _ in 0..228 {
            counts.skip(crate::db::SkipReason::DuplicateEmail);
        }
        assert_eq!(
            plain_line(
                &counts,
                Wording::DryRun,
                Duration::from_secs(10),
                &Uniques::default()
            ),
            "dry run: would insert 211372, skipped 228 (228 duplicate emails), 21160 rows/s, 00:00:10 elapsed"
        );
    }

    #[test]
    fn in_a_dry_run_the_bar_says_the_rows_would_be_inserted() {
        let line = longest_line(120, 1_000_000, Wording::DryRun);
        assert!(
            line.contains(" would insert 1000000, skipped 1000000"),
            "{line:?}"
        );
        let line = longest_line(120, 1_000_000, Wording::Run);
        assert!(
            line.contains(" inserted 1000000, skipped 1000000") && !line.contains("would"),
            "{line:?}"
        );
    }

    #[test]
    fn lines_fall_on_multiples_of_the_interval() {
        let ten = Duration::from_secs(10);
        assert_eq!(next_multiple(Duration::ZERO, ten), ten);
        assert_eq!(next_multiple(Duration::from_millis(9_999), ten), ten);
        assert_eq!(next_multiple(ten, ten), 2 * ten);
        assert_eq!(next_multiple(Duration::from_secs(25), ten), 3 * ten);
    }

    #[test]
    fn the_line_fits_from_40_columns_up() {
        // The width indicatif is given: the terminal's, less the margin.
        for width in [40 - MARGIN, 50, 60, 80, 100, 120, 200] {
            for total in [100, 1_000_000, 100_000_000] {
                for wording in [Wording::Run, Wording::DryRun] {
                    let longest = longest_line(width, total, wording).chars().count();
                    assert!(longest > 20, "nothing drawn at {width} columns");
                    assert!(
                        longest <= usize::from(width),
                        "{width} columns, --count {total}: a line of {longest}"
                    );
                }
            }
        }
    }
}
