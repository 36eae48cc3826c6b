//! The loop: generate a user, insert it, count what happened.

use anyhow::{Error, Result, anyhow};

use crate::db::{Insert, Sink, SkipReason};
use crate::generate::{User, UserGenerator};
use crate::stats::Counts;

/// After this many attempts in a row with nothing inserted and no
/// duplicate, the schema is rejecting every row: stop and say why.
const HOPELESS_AFTER: u64 = 100;

#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub count: u64,
    /// `count` is rows inserted, not attempts.
    pub exact: bool,
    /// Rows per transaction; 1 commits each row on its own.
    pub batch_size: u64,
}

impl Plan {
    /// With `--exact`, how many attempts before giving up on the email space.
    pub fn max_attempts(&self) -> u64 {
        if self.exact {
            self.count
                .saturating_mul(10)
                .max(self.count.saturating_add(10_000))
        } else {
            self.count
        }
    }

    fn done(&self, counts: &Counts) -> bool {
        if self.exact {
            counts.inserted >= self.count || counts.attempted >= self.max_attempts()
        } else {
            counts.attempted >= self.count
        }
    }
}

/// Sees the totals as rows go in: the progress bar, or nothing in tests.
pub trait Observer {
    /// Called after every row; `counts` includes rows of an open batch.
    fn row(&mut self, counts: &Counts);
}

impl Observer for () {
    fn row(&mut self, _: &Counts) {}
}

pub struct Outcome {
    /// Committed rows only.
    pub counts: Counts,
    /// Why the loop stopped early, if it did.
    pub error: Option<Error>,
}

/// Runs until the plan is met, `stop()` says so, or an error. Whatever
/// happens, `counts` are the rows that were committed.
pub fn run(
    plan: &Plan,
    sink: &mut dyn Sink,
    generator: &mut UserGenerator,
    stop: &dyn Fn() -> bool,
    observer: &mut dyn Observer,
) -> Outcome {
    let mut committed = Counts::default();
    let mut batch = Counts::default();
    let mut user = User::default();
    let mut failure_detail = String::new();
    // Committed rows plus those of the open batch.
    let mut now = Counts::default();
    let error = loop {
        if plan.done(&now) || stop() {
            break flush(plan, sink, &mut committed, &mut batch).err();
        }
        if let Err(err) = step(
            plan,
            sink,
            generator,
            &mut user,
            &mut batch,
            &mut failure_detail,
        ) {
            break Some(err);
        }
        if batch.attempted >= plan.batch_size
            && let Err(err) = flush(plan, sink, &mut committed, &mut batch)
        {
            break Some(err);
        }
        now = committed;
        now.add(&batch);
        observer.row(&now);
        if let Some(err) = hopeless(plan, &now, &failure_detail) {
            break flush(plan, sink, &mut committed, &mut batch)
                .err()
                .or(Some(err));
        }
    };
    let error = error.or_else(|| {
        (plan.exact && committed.inserted < plan.count && !stop()).then(|| {
            anyhow!(
                "gave up after {} attempts with {} of {} users inserted: the email space is exhausted ({} duplicate emails)",
                committed.attempted,
                committed.inserted,
                plan.count,
                committed.skipped_for(SkipReason::DuplicateEmail)
            )
        })
    });
    Outcome {
        counts: committed,
        error,
    }
}

fn step(
    plan: &Plan,
    sink: &mut dyn Sink,
    generator: &mut UserGenerator,
    user: &mut User,
    batch: &mut Counts,
    failure_detail: &mut String,
) -> Result<()> {
    if plan.batch_size > 1 && batch.attempted == 0 {
        sink.begin()?;
    }
    generator.next_into(user);
    match sink.insert(user) {
        Ok(Insert::Inserted) => batch.inserted += 1,
        Ok(Insert::Skipped { reason, detail }) => {
            batch.skip(reason);
            if reason != SkipReason::DuplicateEmail {
                *failure_detail = detail;
            }
        }
        Err(err) => {
            // The sink rolled the open batch back: none of it counts.
            *batch = Counts::default();
            return Err(err);
        }
    }
    batch.attempted += 1;
    Ok(())
}

/// Commits an open batch and moves its rows to the committed totals; if
/// the commit fails, its rows were rolled back and are not counted.
fn flush(
    plan: &Plan,
    sink: &mut dyn Sink,
    committed: &mut Counts,
    batch: &mut Counts,
) -> Result<()> {
    let pending = std::mem::take(batch);
    if pending.attempted == 0 {
        return Ok(());
    }
    if plan.batch_size > 1 {
        sink.commit()?;
    }
    committed.add(&pending);
    Ok(())
}

/// Every attempt so far failed on something other than a duplicate.
pub fn hopeless(plan: &Plan, counts: &Counts, detail: &str) -> Option<Error> {
    let failed_otherwise = counts.skipped() - counts.skipped_for(SkipReason::DuplicateEmail);
    let all_failed = counts.inserted == 0 && failed_otherwise == counts.attempted;
    let enough = counts.attempted >= HOPELESS_AFTER.min(plan.count);
    (all_failed && enough && counts.attempted > 0).then(|| {
        anyhow!(
            "every one of {} attempts failed: {detail}",
            counts.attempted
        )
    })
}
