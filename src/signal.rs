//! Ctrl-C and SIGTERM ask the seeding loop to stop after the current row.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGINT, SIGTERM};

use crate::exit_code::ExitStatus;

/// The number of the first stop signal received, or 0.
#[derive(Clone, Default)]
pub struct StopSignal(Arc<AtomicUsize>);

impl StopSignal {
    /// Installs the handlers. A second signal ends the process at once (the
    /// row in flight is rolled back by SQLite or the server, never half-written).
    pub fn install() -> Result<StopSignal> {
        let received = Arc::new(AtomicUsize::new(0));
        for (signal, status) in [
            (SIGINT, ExitStatus::Interrupted),
            (SIGTERM, ExitStatus::Terminated),
        ] {
            let flag = Arc::new(std::sync::atomic::AtomicBool::new(false));
            signal_hook::flag::register_conditional_shutdown(
                signal,
                i32::from(status.code()),
                Arc::clone(&flag),
            )
            .context("cannot install the signal handler")?;
            signal_hook::flag::register(signal, flag)
                .context("cannot install the signal handler")?;
            signal_hook::flag::register_usize(signal, Arc::clone(&received), signal as usize)
                .context("cannot install the signal handler")?;
        }
        Ok(StopSignal(received))
    }

    pub fn received(&self) -> Option<ExitStatus> {
        match self.0.load(Ordering::Relaxed) {
            0 => None,
            s if s == SIGTERM as usize => Some(ExitStatus::Terminated),
            _ => Some(ExitStatus::Interrupted),
        }
    }
}
