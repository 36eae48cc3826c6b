//! `--jobs N`: N connections insert at once, drawing users from one shared
//! generator, so the same seed gives the same set of users (in another
//! order, so with other ids).

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Error, Result, anyhow};

use crate::db::{Deadlock, Insert, Sink, SkipReason};
use crate::generate::{User, UserGenerator};
use crate::seed::{self, Observer, Outcome, Plan};
use crate::stats::Counts;

/// What the workers share. One lock per row to draw a user and one to
/// count it: nothing next to a round trip to the server.
struct Shared<'a> {
    state: Mutex<State<'a>>,
    /// With `--exact`, a worker waits here while rows in flight may still
    /// make up the count.
    settled: Condvar,
}

struct State<'a> {
    generator: &'a mut UserGenerator,
    observer: &'a mut (dyn Observer + Send),
    /// Users handed out so far.
    issued: u64,
    /// Users handed out whose insert has not returned.
    in_flight: u64,
    /// Every row tried, open batches included: what the progress bar shows.
    live: Counts,
    failure_detail: String,
    /// The first error of any worker; it stops them all.
    error: Option<Error>,
}

impl<'a> Shared<'a> {
    fn lock(&self) -> MutexGuard<'_, State<'a>> {
        // A worker that panicked cannot have left the counts half-updated.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes the next user into `user`, or returns false when the plan is
    /// met, a stop was asked for, or a worker failed.
    fn claim(&self, plan: &Plan, stop: &(dyn Fn() -> bool + Sync), user: &mut User) -> bool {
        let mut state = self.lock();
        loop {
            if state.error.is_some() || stop() {
                return false;
            }
            if !plan.exact {
                if state.issued >= plan.count {
                    return false;
                }
                break;
            }
            if state.live.inserted >= plan.count || state.issued >= plan.max_attempts() {
                return false;
            }
            if state.live.inserted + state.in_flight < plan.count {
                break;
            }
            // Rows in flight may make up the count; wait for them (and
            // look at `stop` now and then).
            state = self
                .settled
                .wait_timeout(state, Duration::from_millis(50))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        state.issued += 1;
        state.in_flight += 1;
        state.generator.next_into(user);
        true
    }

    fn record(&self, plan: &Plan, outcome: &Insert) {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        state.live.attempted += 1;
        match outcome {
            Insert::Inserted => state.live.inserted += 1,
            Insert::Skipped { reason, detail } => {
                state.live.skip(*reason);
                if *reason != SkipReason::DuplicateEmail {
                    state.failure_detail.clone_from(detail);
                }
            }
        }
        let live = state.live;
        state.observer.row(&live);
        if state.error.is_none() {
            state.error = seed::hopeless(plan, &live, &state.failure_detail);
        }
        drop(state);
        if plan.exact {
            self.settled.notify_all();
        }
    }

    /// Takes rows a deadlock rolled back off the totals; they are in
    /// flight again until inserted anew.
    fn retract(&self, rows: &Counts) {
        let mut state = self.lock();
        state.live.sub(rows);
        state.in_flight += rows.attempted;
    }

    /// Stops every worker; the run reports `err` (the first one).
    fn fail(&self, err: Error) {
        let mut state = self.lock();
        state.error.get_or_insert(err);
        drop(state);
        self.settled.notify_all();
    }
}

/// Like [`seed::run`], with `jobs` connections: `first` (already prepared)
/// and `jobs - 1` more from `open`. Whatever happens, `counts` are the rows
/// that were committed; on a stop or an error, each worker commits its
/// open batch.
pub fn run(
    plan: &Plan,
    jobs: usize,
    first: &mut dyn Sink,
    open: &(dyn Fn() -> Result<Box<dyn Sink>> + Sync),
    generator: &mut UserGenerator,
    stop: &(dyn Fn() -> bool + Sync),
    observer: &mut (dyn Observer + Send),
) -> Outcome {
    let shared = Shared {
        state: Mutex::new(State {
            generator,
            observer,
            issued: 0,
            in_flight: 0,
            live: Counts::default(),
            failure_detail: String::new(),
            error: None,
        }),
        settled: Condvar::new(),
    };
    let mut counts = Counts::default();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (1..jobs)
            .map(|_| {
                let shared = &shared;
                scope.spawn(move || match open() {
                    Ok(mut sink) => {
                        let counts = work(plan, shared, sink.as_mut(), stop);
                        if let Err(err) = sink.finish() {
                            shared.fail(err);
                        }
                        counts
                    }
                    Err(err) => {
                        shared.fail(err);
                        Counts::default()
                    }
                })
            })
            .collect();
        counts = work(plan, &shared, first, stop);
        for worker in workers {
            match worker.join() {
                Ok(committed) => counts.add(&committed),
                Err(_) => shared.fail(anyhow!("a worker thread panicked")),
            }
        }
    });
    let state = shared
        .state
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let error = state.error.or_else(|| {
        (plan.exact && counts.inserted < plan.count && !stop()).then(|| {
            anyhow!(
                "gave up after {} attempts with {} of {} users inserted: the email space is exhausted ({} duplicate emails)",
                counts.attempted,
                counts.inserted,
                plan.count,
                counts.skipped_for(SkipReason::DuplicateEmail)
            )
        })
    });
    Outcome { counts, error }
}

/// How often a batch that lost a deadlock is tried again before giving up.
const DEADLOCK_RETRIES: u32 = 20;

/// A worker's open transaction: its rows, kept to try again after a deadlock.
#[derive(Default)]
struct Batch {
    counts: Counts,
    users: Vec<User>,
}

/// One connection's loop; returns the rows it committed.
fn work(
    plan: &Plan,
    shared: &Shared<'_>,
    sink: &mut dyn Sink,
    stop: &(dyn Fn() -> bool + Sync),
) -> Counts {
    let mut committed = Counts::default();
    let mut batch = Batch::default();
    let mut user = User::default();
    while shared.claim(plan, stop, &mut user) {
        let mut result = add(plan, shared, sink, &mut batch, &user);
        let mut retries = 0;
        while let Err(err) = &result
            && err.is::<Deadlock>()
            && retries < DEADLOCK_RETRIES
        {
            // The server rolled the batch back: take its rows off the
            // totals, wait for the other transaction, and insert them again.
            retries += 1;
            shared.retract(&batch.counts);
            batch.counts = Counts::default();
            std::thread::sleep(Duration::from_millis(u64::from(retries) * 5));
            result = replay(plan, shared, sink, &mut batch, &user);
        }
        if let Err(err) = result {
            shared.fail(err);
            return committed;
        }
        if batch.counts.attempted >= plan.batch_size
            && let Err(err) = flush(plan, sink, &mut committed, &mut batch)
        {
            shared.fail(err);
            return committed;
        }
    }
    if let Err(err) = flush(plan, sink, &mut committed, &mut batch) {
        shared.fail(err);
    }
    committed
}

/// Inserts `user`, opening a transaction first if a batch starts.
fn add(
    plan: &Plan,
    shared: &Shared<'_>,
    sink: &mut dyn Sink,
    batch: &mut Batch,
    user: &User,
) -> Result<()> {
    if plan.batch_size > 1 && batch.counts.attempted == 0 {
        sink.begin()?;
    }
    let outcome = sink.insert(user)?;
    match &outcome {
        Insert::Inserted => batch.counts.inserted += 1,
        Insert::Skipped { reason, .. } => batch.counts.skip(*reason),
    }
    batch.counts.attempted += 1;
    shared.record(plan, &outcome);
    if plan.batch_size > 1 {
        batch.users.push(user.clone());
    }
    Ok(())
}

/// Inserts the rolled-back rows of `batch` again, then `user`.
fn replay(
    plan: &Plan,
    shared: &Shared<'_>,
    sink: &mut dyn Sink,
    batch: &mut Batch,
    user: &User,
) -> Result<()> {
    let earlier = std::mem::take(&mut batch.users);
    for row in &earlier {
        if let Err(err) = add(plan, shared, sink, batch, row) {
            // All of them again on the next try.
            batch.users = earlier;
            return Err(err);
        }
    }
    add(plan, shared, sink, batch, user)
}

/// Commits an open batch and moves its rows to the committed totals.
fn flush(
    plan: &Plan,
    sink: &mut dyn Sink,
    committed: &mut Counts,
    batch: &mut Batch,
) -> Result<()> {
    batch.users.clear();
    let pending = std::mem::take(&mut batch.counts);
    if pending.attempted == 0 {
        return Ok(());
    }
    if plan.batch_size > 1 {
        sink.commit()?;
    }
    committed.add(&pending);
    Ok(())
}
