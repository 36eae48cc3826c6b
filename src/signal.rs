//! Ctrl-C and SIGTERM ask the seeding loop to stop after the current row.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::exit_code::ExitStatus;

/// Signals this close to the first are the same request: `timeout` sends
/// one to the process and one to its group, microseconds apart.
const SAME_REQUEST: Duration = Duration::from_millis(250);

/// The number of the first stop signal received, or 0.
#[derive(Clone, Default)]
pub struct StopSignal(Arc<AtomicUsize>);

impl StopSignal {
    /// Installs the handlers. A second signal, later than [`SAME_REQUEST`],
    /// ends the process at once (the row in flight is rolled back by SQLite
    /// or the server, never half-written).
    pub fn install() -> Result<StopSignal> {
        let received = Arc::new(AtomicUsize::new(0));
        let mut signals =
            Signals::new([SIGINT, SIGTERM]).context("cannot install the signal handler")?;
        let first = Arc::clone(&received);
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                let mut since: Option<Instant> = None;
                for signal in signals.forever() {
                    match since {
                        None => {
                            since = Some(Instant::now());
                            first.store(signal as usize, Ordering::Relaxed);
                        }
                        Some(at) if at.elapsed() < SAME_REQUEST => {}
                        Some(_) => signal_hook::low_level::exit(i32::from(status(signal).code())),
                    }
                }
            })
            .context("cannot start the signal thread")?;
        Ok(StopSignal(received))
    }

    pub fn received(&self) -> Option<ExitStatus> {
        match self.0.load(Ordering::Relaxed) {
            0 => None,
            signal => Some(status(signal as i32)),
        }
    }
}

fn status(signal: i32) -> ExitStatus {
    if signal == SIGTERM {
        ExitStatus::Terminated
    } else {
        ExitStatus::Interrupted
    }
}
