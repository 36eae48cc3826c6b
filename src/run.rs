//! The seeding loop, one for any number of connections: each worker draws
//! rows from the one seeded generator, inserts them in batches over its own
//! connection and counts what happened. The same seed gives the same set of
//! rows whatever `--jobs` is (in another order, so with other ids).

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Error, Result, anyhow};

use crate::db::{Deadlock, Identities, IdentityKey, Insert, Row, SkipReason, Value, Writer};
use crate::generate::RowSource;
use crate::stats::Counts;
use crate::words;

/// After this many attempts in a row with nothing inserted and no
/// duplicate, the schema is rejecting every row: stop and say why.
const HOPELESS_AFTER: u64 = 100;

/// Rows handed to the connection at once. A stop (Ctrl-C) is honoured and
/// the progress bar moves between chunks.
const CHUNK: u64 = 1000;

/// Rows handed over at once in a bulk load (`--batch-size` this or more):
/// on PostgreSQL such a chunk goes through COPY.
const BULK_CHUNK: u64 = 10_000;

/// How often a batch that lost a deadlock is tried again before giving up.
const DEADLOCK_RETRIES: u32 = 20;

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
}

/// A column the app logs users in by and keeps unique in its own code,
/// with no constraint in the database (CTFd's `users.name`): nothing would
/// refuse a repeat, so the run does, before the row is sent. A name belongs
/// to the first generated row that has it (even if that row is then skipped
/// for its email), so the rows skipped are the same with any `--batch-size`
/// and `--jobs`. Case is folded: MySQL's collations would match `Ann` to
/// `ann`.
pub struct LoginName {
    /// The column's position in a row.
    pub position: usize,
    /// Its values in the table when the run started.
    pub before: Identities,
    /// The values of the rows generated so far.
    claimed: Identities,
    /// What a repeat within the run counts as (`duplicate_name`).
    duplicate: SkipReason,
}

impl LoginName {
    pub fn new(position: usize, before: Identities, duplicate: SkipReason) -> LoginName {
        LoginName {
            position,
            before,
            claimed: Identities::default(),
            duplicate,
        }
    }
}

/// Why `row` is skipped before it is sent, if it is: a login name that was
/// in the table (`already_present`) or that an earlier row had
/// (`duplicate_name`). A row that passes claims its names.
fn taken_name(names: &mut [LoginName], row: &Row) -> Option<SkipReason> {
    let text = |name: &LoginName| row.get(name.position).and_then(Value::as_text);
    for name in names.iter() {
        let Some(text) = text(name) else { continue };
        if name.before.contains_folded(text) {
            return Some(SkipReason::AlreadyPresent);
        }
        if name.claimed.contains_folded(text) {
            return Some(name.duplicate);
        }
    }
    for name in names.iter_mut() {
        if let Some(text) = row.get(name.position).and_then(Value::as_text) {
            name.claimed.insert_folded(text);
        }
    }
    None
}

/// Sees the totals as rows go in: the progress bar, or nothing in tests.
pub trait Observer: Send {
    /// Called after every chunk; `counts` includes rows of open batches.
    fn rows(&mut self, counts: &Counts);
}

impl Observer for () {
    fn rows(&mut self, _: &Counts) {}
}

pub struct Outcome {
    /// Committed rows only.
    pub counts: Counts,
    /// Why the loop stopped early, if it did.
    pub error: Option<Error>,
}

/// Opens one more connection, ready to insert.
pub type Open<'a> = dyn Fn() -> Result<Box<dyn Writer>> + Sync + 'a;

/// Runs until the plan is met, `stop()` says so, or an error, with `first`
/// and `jobs - 1` more connections from `open`. Whatever happens, `counts`
/// are the rows that were committed; on a stop or an error, each worker
/// commits its open batch.
///
/// `present` (the identity, given when the table held rows at the start)
/// tells a duplicate of a row that was there before the run
/// (`already_present`) from a duplicate of a row this run inserted. When
/// the table was empty, no duplicate can be of a row that was there
/// before, and every duplicate is counted as the writer says (a row another
/// process inserts during the run included). `names` are the login names
/// the run keeps unique itself.
#[expect(
    clippy::too_many_arguments,
    reason = "each is a different part of the run; a struct would only rename them"
)]
pub fn run(
    plan: &Plan,
    present: Option<IdentityKey>,
    names: Vec<LoginName>,
    jobs: usize,
    first: &mut dyn Writer,
    open: &Open<'_>,
    source: &mut dyn RowSource,
    stop: &(dyn Fn() -> bool + Sync),
    observer: &mut dyn Observer,
) -> Outcome {
    let shared = Shared {
        state: Mutex::new(State {
            source,
            observer,
            names,
            early: Counts::default(),
            issued: 0,
            in_flight: 0,
            live: Counts::default(),
            failure_detail: String::new(),
            error: None,
            ours: present.map(|present| Ours {
                present,
                inserted: Identities::default(),
                // One commit per row over several connections: see `Ours`.
                unsure: (jobs > 1 && plan.batch_size == 1).then(Vec::new),
            }),
        }),
        settled: Condvar::new(),
        jobs,
    };
    let mut counts = Counts::default();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (1..jobs)
            .map(|_| {
                let shared = &shared;
                scope.spawn(move || match open() {
                    Ok(mut writer) => {
                        let counts = work(plan, shared, writer.as_mut(), stop);
                        if let Err(err) = writer.finish() {
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
    counts.add(&state.early);
    if let Some(ours) = &state.ours {
        ours.settle(&mut counts);
    }
    let error = state.error.or_else(|| {
        (plan.exact && counts.inserted < plan.count && !stop()).then(|| {
            // Rows that were there before took part of the space: the
            // table's doing, not the generator's.
            let there = counts.skipped_for(SkipReason::AlreadyPresent);
            let repeated = words::count(counts.duplicates() - there, "duplicate");
            let why = if there == 0 {
                repeated
            } else {
                format!("{there} already in the table, {repeated}")
            };
            anyhow!(
                "gave up after {} with {} of {} inserted: the {} space is exhausted ({why})",
                words::count(counts.attempted, "attempt"),
                counts.inserted,
                words::count(plan.count, "user"),
                duplicate_noun(&counts, present),
            )
        })
    });
    Outcome { counts, error }
}

/// What ran out: the login whose repeats the run skipped most.
fn duplicate_noun(counts: &Counts, present: Option<IdentityKey>) -> &'static str {
    let repeated = [
        SkipReason::DuplicateEmail,
        SkipReason::DuplicateUsername,
        SkipReason::DuplicateName,
    ]
    .into_iter()
    .filter(|reason| counts.skipped_for(*reason) > 0)
    .max_by_key(|reason| counts.skipped_for(*reason));
    match repeated.or(present.map(|present| present.duplicate)) {
        Some(SkipReason::DuplicateUsername) => "username",
        Some(SkipReason::DuplicateName) => "name",
        _ => "email",
    }
}

/// The identities this run inserted, to tell which duplicates are of rows
/// that were there before.
///
/// A duplicate whose identity is not in the set collided with a row this
/// run did not insert: one that was there before. Only outcomes are read,
/// not the order rows were generated in, so every batch path and `--jobs`
/// count alike: a duplicate of a row another connection inserted waits for
/// that row's transaction, and the row is recorded before its commit.
///
/// With one commit per row and several connections, a row commits before
/// its connection records it: another connection's duplicate of it may be
/// recorded first and called `already_present`. Those are noted, and
/// [`Ours::settle`] counts them again once every row is recorded. (A row
/// that was there before cannot be inserted by this run, so an identity in
/// the set was not there before.)
struct Ours {
    present: IdentityKey,
    inserted: Identities,
    /// Fingerprints of the rows called `already_present`, when the call may
    /// have come too early.
    unsure: Option<Vec<u64>>,
}

impl Ours {
    /// Notes the identities of `rows` that went in, then calls each
    /// duplicate of an identity this run did not insert `already_present`.
    fn classify(&mut self, rows: &[Row], outcomes: &mut [Insert]) {
        let identity = self.present.position;
        // Inserted rows first: a statement may give a row of the run and
        // its duplicate in either order.
        for (row, outcome) in rows.iter().zip(outcomes.iter()) {
            if *outcome == Insert::Inserted {
                self.inserted.insert(row.get(identity));
            }
        }
        for (row, outcome) in rows.iter().zip(outcomes.iter_mut()) {
            if let Insert::Skipped { reason, .. } = outcome
                && *reason == self.present.duplicate
            {
                let fingerprint = Identities::fingerprint(row.get(identity));
                if !self.inserted.contains_fingerprint(fingerprint) {
                    *reason = SkipReason::AlreadyPresent;
                    if let Some(unsure) = &mut self.unsure {
                        unsure.push(fingerprint);
                    }
                }
            }
        }
    }

    /// Counts as this run's duplicates the rows called `already_present`
    /// before the row of this run they repeat was recorded. Only with one
    /// commit per row, where every recorded row is committed.
    fn settle(&self, counts: &mut Counts) {
        let Some(unsure) = &self.unsure else { return };
        let ours = unsure
            .iter()
            .filter(|fingerprint| self.inserted.contains_fingerprint(**fingerprint))
            .count() as u64;
        counts.recount(SkipReason::AlreadyPresent, self.present.duplicate, ours);
    }
}

/// What the workers share. One lock per chunk to draw rows and one to
/// count them: nothing next to a round trip to the database.
struct Shared<'a> {
    state: Mutex<State<'a>>,
    /// With `--exact`, a worker waits here while rows in flight may still
    /// make up the count.
    settled: Condvar,
    jobs: usize,
}

struct State<'a> {
    source: &'a mut dyn RowSource,
    observer: &'a mut dyn Observer,
    names: Vec<LoginName>,
    /// Rows skipped for a login name before they were sent: final at once.
    early: Counts,
    /// Rows generated so far.
    issued: u64,
    /// Rows handed out whose insert has not returned.
    in_flight: u64,
    /// Every row tried, open batches included: what the progress bar shows.
    live: Counts,
    failure_detail: String,
    /// The first error of any worker; it stops them all.
    error: Option<Error>,
    /// With rows in the table at the start: what this run inserted.
    ours: Option<Ours>,
}

impl<'a> Shared<'a> {
    fn lock(&self) -> MutexGuard<'_, State<'a>> {
        // A worker that panicked cannot have left the counts half-updated.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Fills `rows` with up to `room` next rows; an empty `rows` means the
    /// plan is met, a stop was asked for, or a worker failed.
    fn claim(&self, plan: &Plan, room: u64, stop: &(dyn Fn() -> bool + Sync), rows: &mut Vec<Row>) {
        let mut state = self.lock();
        let n = loop {
            if state.error.is_some() || stop() {
                return rows.clear();
            }
            let left = if plan.exact {
                let wanted = plan
                    .count
                    .saturating_sub(state.live.inserted + state.in_flight);
                let allowed = plan.max_attempts().saturating_sub(state.issued);
                if state.live.inserted >= plan.count || allowed == 0 {
                    return rows.clear();
                }
                wanted.min(allowed)
            } else {
                plan.count.saturating_sub(state.issued)
            };
            if left > 0 {
                break left.min(room);
            }
            if !plan.exact || state.in_flight == 0 {
                return rows.clear();
            }
            // Rows in flight may make up the count; wait for them (and
            // look at `stop` now and then).
            state = self
                .settled
                .wait_timeout(state, Duration::from_millis(50))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        };
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        // A row skipped for its login name still counts as generated.
        let cap = if plan.exact {
            plan.max_attempts()
        } else {
            plan.count
        };
        let state = &mut *state;
        rows.resize_with(n, Row::new);
        let mut handed = 0;
        while handed < n && state.issued < cap {
            let row = &mut rows[handed];
            state.source.next_into(row);
            state.issued += 1;
            match taken_name(&mut state.names, row) {
                Some(reason) => {
                    for counts in [&mut state.early, &mut state.live] {
                        counts.attempted += 1;
                        counts.skip(reason);
                    }
                }
                None => handed += 1,
            }
        }
        rows.truncate(handed);
        state.in_flight += handed as u64;
    }

    /// Counts the outcomes of `rows`, first telling a duplicate of a row
    /// that was there before from one of this run's.
    fn record(&self, plan: &Plan, rows: &[Row], outcomes: &mut [Insert]) {
        let mut state = self.lock();
        if let Some(ours) = &mut state.ours {
            ours.classify(rows, outcomes);
        }
        state.in_flight = state.in_flight.saturating_sub(outcomes.len() as u64);
        for outcome in outcomes {
            state.live.attempted += 1;
            match outcome {
                Insert::Inserted => state.live.inserted += 1,
                Insert::Skipped { reason, detail } => {
                    state.live.skip(*reason);
                    if !reason.is_duplicate() {
                        state.failure_detail.clone_from(detail);
                    }
                }
            }
        }
        let live = state.live;
        state.observer.rows(&live);
        if state.error.is_none() {
            state.error = hopeless(plan, &live, &state.failure_detail);
        }
        drop(state);
        if plan.exact {
            self.settled.notify_all();
        }
    }

    /// Takes rows a rollback undid off the totals; they are in flight
    /// again until inserted anew.
    fn retract(&self, rows: &Counts) {
        let mut state = self.lock();
        state.live.sub(rows);
        state.in_flight += rows.attempted;
    }

    /// Rows handed out that will never be tried.
    fn release(&self, rows: u64) {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(rows);
    }

    /// Stops every worker; the run reports `err` (the first one).
    fn fail(&self, err: Error) {
        let mut state = self.lock();
        state.error.get_or_insert(err);
        drop(state);
        self.settled.notify_all();
    }
}

/// A worker's open transaction.
#[derive(Default)]
struct Batch {
    counts: Counts,
    /// Its rows, kept with several connections to try again after a
    /// deadlock (one connection cannot deadlock with itself).
    rows: Vec<Row>,
}

/// One connection's loop; returns the rows it committed.
fn work(
    plan: &Plan,
    shared: &Shared<'_>,
    writer: &mut dyn Writer,
    stop: &(dyn Fn() -> bool + Sync),
) -> Counts {
    let mut committed = Counts::default();
    let mut batch = Batch::default();
    let mut rows: Vec<Row> = Vec::new();
    let mut outcomes: Vec<Insert> = Vec::new();
    let keep_rows = shared.jobs > 1;
    loop {
        let chunk = if plan.batch_size >= BULK_CHUNK {
            BULK_CHUNK
        } else {
            CHUNK
        };
        let room = (plan.batch_size - batch.counts.attempted).min(chunk);
        shared.claim(plan, room, stop, &mut rows);
        if rows.is_empty() {
            break;
        }
        let mut result = add(plan, shared, writer, &mut batch, &rows, &mut outcomes);
        let mut retries = 0;
        while let Err(err) = &result
            && err.is::<Deadlock>()
            && keep_rows
            && retries < DEADLOCK_RETRIES
        {
            // The server rolled the batch back: take its rows off the
            // totals, wait for the other transaction, and insert them again.
            retries += 1;
            shared.retract(&batch.counts);
            batch.counts = Counts::default();
            std::thread::sleep(Duration::from_millis(u64::from(retries) * 5));
            let earlier = std::mem::take(&mut batch.rows);
            result = add(plan, shared, writer, &mut batch, &earlier, &mut outcomes)
                .and_then(|()| add(plan, shared, writer, &mut batch, &rows, &mut outcomes));
            if result.is_err() {
                batch.rows = earlier;
            }
        }
        if let Err(err) = result {
            if plan.batch_size > 1 {
                // The connection rolled the open batch back: none of it counts.
                shared.retract(&batch.counts);
                shared.release(batch.counts.attempted + rows.len() as u64);
            } else {
                // Rows commit one by one: those counted are in the table.
                shared.release((rows.len() as u64).saturating_sub(batch.counts.attempted));
                committed.add(&batch.counts);
            }
            shared.fail(err);
            return committed;
        }
        if keep_rows {
            batch.rows.extend(rows.iter().cloned());
        }
        if batch.counts.attempted >= plan.batch_size
            && let Err(err) = flush(plan, shared, writer, &mut committed, &mut batch)
        {
            shared.fail(err);
            return committed;
        }
    }
    if let Err(err) = flush(plan, shared, writer, &mut committed, &mut batch) {
        shared.fail(err);
    }
    committed
}

/// Inserts `rows`, opening a transaction first if a batch starts.
fn add(
    plan: &Plan,
    shared: &Shared<'_>,
    writer: &mut dyn Writer,
    batch: &mut Batch,
    rows: &[Row],
    outcomes: &mut Vec<Insert>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    if plan.batch_size > 1 && batch.counts.attempted == 0 {
        writer.begin()?;
    }
    outcomes.clear();
    let result = writer.insert(rows, outcomes);
    if result.is_err() && plan.batch_size > 1 {
        // The transaction was rolled back: none of its rows count.
        return result;
    }
    // Without a transaction each row committed on its own: those with an
    // outcome are in the table (or not) even if a later one failed.
    shared.record(plan, rows, outcomes);
    for outcome in outcomes.iter() {
        batch.counts.attempted += 1;
        match outcome {
            Insert::Inserted => batch.counts.inserted += 1,
            Insert::Skipped { reason, .. } => batch.counts.skip(*reason),
        }
    }
    result
}

/// Commits an open batch and moves its rows to the committed totals; if
/// the commit fails, its rows were rolled back and are not counted.
fn flush(
    plan: &Plan,
    shared: &Shared<'_>,
    writer: &mut dyn Writer,
    committed: &mut Counts,
    batch: &mut Batch,
) -> Result<()> {
    batch.rows.clear();
    let pending = std::mem::take(&mut batch.counts);
    if pending.attempted == 0 {
        return Ok(());
    }
    if plan.batch_size > 1
        && let Err(err) = writer.commit()
    {
        shared.retract(&pending);
        shared.release(pending.attempted);
        return Err(err);
    }
    committed.add(&pending);
    Ok(())
}

/// Every attempt so far failed on something other than a duplicate.
fn hopeless(plan: &Plan, counts: &Counts, detail: &str) -> Option<Error> {
    let failed_otherwise = counts.skipped() - counts.duplicates();
    let all_failed = counts.inserted == 0 && failed_otherwise == counts.attempted;
    let enough = counts.attempted >= HOPELESS_AFTER.min(plan.count);
    (all_failed && enough && counts.attempted > 0).then(|| {
        if counts.attempted == 1 {
            anyhow!("the one attempt failed: {detail}")
        } else {
            anyhow!(
                "every one of {} attempts failed: {detail}",
                counts.attempted
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::db::Value;

    /// Rows whose identity is a number: row i is `i % modulo`, so a small
    /// modulo makes duplicates.
    struct Numbers {
        next: u64,
        modulo: u64,
    }

    impl RowSource for Numbers {
        fn next_into(&mut self, row: &mut Row) {
            row.clear();
            row.push(Value::Int((self.next % self.modulo) as i64));
            self.next += 1;
        }
    }

    /// A table with a unique column, in memory; a transaction is a list of
    /// rows not yet committed.
    #[derive(Default)]
    struct Memory {
        committed: HashSet<i64>,
        open: Option<Vec<i64>>,
        /// Fail the insert after this many rows.
        fail_after: Option<usize>,
        inserts: usize,
    }

    impl Writer for Memory {
        fn begin(&mut self) -> Result<()> {
            self.open = Some(Vec::new());
            Ok(())
        }

        fn insert(&mut self, rows: &[Row], out: &mut Vec<Insert>) -> Result<()> {
            for row in rows {
                self.inserts += 1;
                if self.fail_after.is_some_and(|n| self.inserts > n) {
                    self.open = None;
                    return Err(anyhow!("connection lost"));
                }
                let Some(key) = row[0].as_int() else {
                    return Err(anyhow!("no key"));
                };
                let taken = self.committed.contains(&key)
                    || self.open.as_ref().is_some_and(|open| open.contains(&key));
                if taken {
                    out.push(Insert::Skipped {
                        reason: SkipReason::DuplicateEmail,
                        detail: "duplicate".into(),
                    });
                } else {
                    match &mut self.open {
                        Some(open) => open.push(key),
                        None => {
                            self.committed.insert(key);
                        }
                    }
                    out.push(Insert::Inserted);
                }
            }
            Ok(())
        }

        fn commit(&mut self) -> Result<()> {
            if let Some(open) = self.open.take() {
                self.committed.extend(open);
            }
            Ok(())
        }

        fn finish(&mut self) -> Result<()> {
            self.open = None;
            Ok(())
        }
    }

    fn no_more() -> Result<Box<dyn Writer>> {
        Err(anyhow!("one connection only"))
    }

    /// Row i's identity is its first value; a duplicate is `duplicate_email`.
    const PRESENT: Option<IdentityKey> = Some(IdentityKey {
        position: 0,
        duplicate: SkipReason::DuplicateEmail,
    });

    fn seed(plan: Plan, memory: &mut Memory, modulo: u64) -> Outcome {
        seed_over(plan, memory, modulo, None)
    }

    fn seed_over(
        plan: Plan,
        memory: &mut Memory,
        modulo: u64,
        present: Option<IdentityKey>,
    ) -> Outcome {
        let mut source = Numbers { next: 0, modulo };
        run(
            &plan,
            present,
            Vec::new(),
            1,
            memory,
            &no_more,
            &mut source,
            &|| false,
            &mut (),
        )
    }

    #[test]
    fn counts_duplicates_and_agrees_with_the_table_for_any_batch_size() {
        for batch_size in [1, 2, 7, 256, 1000] {
            let mut memory = Memory::default();
            let plan = Plan {
                count: 500,
                exact: false,
                batch_size,
            };
            let outcome = seed(plan, &mut memory, 300);
            assert!(outcome.error.is_none());
            assert_eq!(outcome.counts.attempted, 500);
            assert_eq!(outcome.counts.inserted, 300);
            assert_eq!(outcome.counts.duplicates(), 200);
            assert_eq!(memory.committed.len(), 300);
        }
    }

    #[test]
    fn exact_keeps_going_past_duplicates_and_gives_up_when_the_space_is_exhausted() {
        let mut memory = Memory::default();
        let plan = Plan {
            count: 50,
            exact: true,
            batch_size: 10,
        };
        let outcome = seed(plan, &mut memory, 1_000_000);
        assert_eq!(outcome.counts.inserted, 50);
        assert!(outcome.error.is_none());

        let mut memory = Memory::default();
        let outcome = seed(plan, &mut memory, 20);
        assert_eq!(outcome.counts.inserted, 20);
        let error = outcome.error.map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("space is exhausted"), "{error}");
    }

    #[test]
    fn a_failed_batch_is_not_counted_and_earlier_ones_are() {
        let mut memory = Memory {
            fail_after: Some(25),
            ..Memory::default()
        };
        let plan = Plan {
            count: 100,
            exact: false,
            batch_size: 10,
        };
        let outcome = seed(plan, &mut memory, 1000);
        assert!(outcome.error.is_some());
        assert_eq!(outcome.counts.inserted, 20);
        assert_eq!(memory.committed.len(), 20);
    }

    #[test]
    fn with_one_commit_per_row_every_row_before_a_failure_counts() {
        let mut memory = Memory {
            fail_after: Some(25),
            ..Memory::default()
        };
        let plan = Plan {
            count: 100,
            exact: false,
            batch_size: 1,
        };
        let outcome = seed(plan, &mut memory, 1000);
        assert!(outcome.error.is_some());
        assert_eq!(outcome.counts.inserted, 25);
        assert_eq!(memory.committed.len(), 25);
    }

    #[test]
    fn a_stop_commits_the_open_batch() {
        let mut memory = Memory::default();
        let plan = Plan {
            count: 10_000,
            exact: false,
            batch_size: 1000,
        };
        let mut source = Numbers {
            next: 0,
            modulo: u64::MAX,
        };
        let calls = std::sync::atomic::AtomicU64::new(0);
        let stop = || calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= 3;
        let outcome = run(
            &plan,
            None,
            Vec::new(),
            1,
            &mut memory,
            &no_more,
            &mut source,
            &stop,
            &mut (),
        );
        assert!(outcome.error.is_none());
        assert_eq!(outcome.counts.inserted, 3 * CHUNK);
        assert_eq!(memory.committed.len() as u64, outcome.counts.inserted);
    }

    #[test]
    fn a_duplicate_of_a_row_there_before_is_already_present_and_of_this_runs_a_duplicate() {
        for batch_size in [1, 2, 7, 256, 1000] {
            // 0..100 were there; rows are 0..300 then 0..200 again.
            let mut memory = Memory {
                committed: (0..100).collect(),
                ..Memory::default()
            };
            let plan = Plan {
                count: 500,
                exact: false,
                batch_size,
            };
            let outcome = seed_over(plan, &mut memory, 300, PRESENT);
            assert!(outcome.error.is_none());
            let counts = outcome.counts;
            assert_eq!(counts.inserted, 200, "--batch-size {batch_size}");
            // Rows 0..100 and 300..400 (whose first time was there before
            // too), and not the repeats 400..500 of this run's 100..200.
            assert_eq!(counts.skipped_for(SkipReason::AlreadyPresent), 200);
            assert_eq!(counts.skipped_for(SkipReason::DuplicateEmail), 100);
            assert_eq!(counts.skipped(), 300);
            assert_eq!(memory.committed.len(), 300);
        }
    }

    #[test]
    fn without_rows_there_before_every_duplicate_is_the_writers() {
        let mut memory = Memory {
            committed: (0..100).collect(),
            ..Memory::default()
        };
        let plan = Plan {
            count: 500,
            exact: false,
            batch_size: 10,
        };
        let outcome = seed_over(plan, &mut memory, 300, None);
        assert_eq!(outcome.counts.skipped_for(SkipReason::AlreadyPresent), 0);
        assert_eq!(outcome.counts.skipped_for(SkipReason::DuplicateEmail), 300);
    }

    #[test]
    fn a_duplicate_told_before_the_row_of_this_run_it_repeats_is_still_this_runs() {
        let mut ours = Ours {
            present: IdentityKey {
                position: 0,
                duplicate: SkipReason::DuplicateUsername,
            },
            inserted: Identities::default(),
            unsure: None,
        };
        let rows = [
            vec![Value::Int(5)],
            vec![Value::Int(5)],
            vec![Value::Int(6)],
        ];
        let skipped = |reason| Insert::Skipped {
            reason,
            detail: String::new(),
        };
        let mut outcomes = [
            skipped(SkipReason::DuplicateUsername),
            Insert::Inserted,
            skipped(SkipReason::DuplicateUsername),
        ];
        ours.classify(&rows, &mut outcomes);
        assert_eq!(
            outcomes,
            [
                skipped(SkipReason::DuplicateUsername),
                Insert::Inserted,
                skipped(SkipReason::AlreadyPresent),
            ]
        );
        // Only the identity's duplicates are told apart.
        let mut outcomes = [skipped(SkipReason::UniqueViolation)];
        ours.classify(&rows[2..], &mut outcomes);
        assert_eq!(outcomes, [skipped(SkipReason::UniqueViolation)]);
    }

    /// One table for several connections, each row committed on its own.
    #[derive(Clone, Default)]
    struct SharedTable(std::sync::Arc<Mutex<HashSet<i64>>>);

    impl Writer for SharedTable {
        fn begin(&mut self) -> Result<()> {
            Err(anyhow!("one commit per row only"))
        }

        fn insert(&mut self, rows: &[Row], out: &mut Vec<Insert>) -> Result<()> {
            for row in rows {
                let key = row[0].as_int().ok_or_else(|| anyhow!("no key"))?;
                let fresh = self.0.lock().map_err(|_| anyhow!("poisoned"))?.insert(key);
                out.push(if fresh {
                    Insert::Inserted
                } else {
                    Insert::Skipped {
                        reason: SkipReason::DuplicateEmail,
                        detail: "duplicate".into(),
                    }
                });
            }
            Ok(())
        }

        fn commit(&mut self) -> Result<()> {
            Ok(())
        }

        fn finish(&mut self) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn rows_another_connection_of_the_run_inserted_are_this_runs() {
        for jobs in [1, 2, 4] {
            let table = SharedTable::default();
            table.0.lock().expect("not poisoned").extend(0..100);
            let plan = Plan {
                count: 5000,
                exact: false,
                batch_size: 1,
            };
            let mut source = Numbers {
                next: 0,
                modulo: 300,
            };
            let open = || -> Result<Box<dyn Writer>> { Ok(Box::new(table.clone())) };
            let mut first = table.clone();
            let outcome = run(
                &plan,
                PRESENT,
                Vec::new(),
                jobs,
                &mut first,
                &open,
                &mut source,
                &|| false,
                &mut (),
            );
            assert!(outcome.error.is_none());
            let counts = outcome.counts;
            assert_eq!(counts.inserted, 200, "--jobs {jobs}");
            // Every row whose identity is below 100 (a third), and the rest
            // of the 4800 rows that repeat one of this run's.
            assert_eq!(
                counts.skipped_for(SkipReason::AlreadyPresent),
                1700,
                "--jobs {jobs}"
            );
            assert_eq!(
                counts.skipped_for(SkipReason::DuplicateEmail),
                3100,
                "--jobs {jobs}"
            );
        }
    }

    #[test]
    fn exact_does_not_blame_the_generator_for_rows_already_there() {
        let mut memory = Memory {
            committed: (0..15).collect(),
            ..Memory::default()
        };
        let plan = Plan {
            count: 50,
            exact: true,
            batch_size: 10,
        };
        let outcome = seed_over(plan, &mut memory, 20, PRESENT);
        assert_eq!(outcome.counts.inserted, 5);
        let error = outcome.error.map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            error,
            "gave up after 10050 attempts with 5 of 50 users inserted: \
             the email space is exhausted (7540 already in the table, 2505 duplicates)"
        );
    }

    /// Rows `[i, "n{i % names}"]`: a unique identity and a login name that
    /// repeats every `names` rows.
    struct Named {
        next: u64,
        names: u64,
    }

    impl RowSource for Named {
        fn next_into(&mut self, row: &mut Row) {
            row.clear();
            row.push(Value::Int(self.next as i64));
            row.push(Value::Text(format!("N{}", self.next % self.names)));
            self.next += 1;
        }
    }

    #[test]
    fn a_login_name_is_never_written_twice_nor_over_one_there_before() {
        for (batch_size, jobs) in [(1, 1), (7, 1), (1000, 1), (1, 3), (100, 4)] {
            let table = SharedTable::default();
            let mut before = Identities::default();
            // Names of the table, in another case.
            for i in 0..10 {
                before.insert_folded(&format!("n{i}"));
            }
            let plan = Plan {
                count: 500,
                exact: false,
                batch_size,
            };
            let mut source = Named {
                next: 0,
                names: 100,
            };
            let open = || -> Result<Box<dyn Writer>> { Ok(Box::new(table.clone())) };
            let mut first = table.clone();
            let mut memory = Memory::default();
            let first: &mut dyn Writer = if batch_size == 1 {
                &mut first
            } else {
                &mut memory
            };
            let outcome = run(
                &plan,
                None,
                vec![LoginName::new(1, before, SkipReason::DuplicateName)],
                if batch_size == 1 { jobs } else { 1 },
                first,
                &open,
                &mut source,
                &|| false,
                &mut (),
            );
            assert!(outcome.error.is_none());
            let counts = outcome.counts;
            let what = format!("--batch-size {batch_size} --jobs {jobs}");
            assert_eq!(counts.inserted, 90, "{what}");
            assert_eq!(counts.attempted, 500, "{what}");
            assert_eq!(counts.skipped_for(SkipReason::AlreadyPresent), 50, "{what}");
            assert_eq!(counts.skipped_for(SkipReason::DuplicateName), 360, "{what}");
        }
    }

    #[test]
    fn exact_reaches_the_count_past_taken_login_names() {
        let mut memory = Memory::default();
        let plan = Plan {
            count: 50,
            exact: true,
            batch_size: 10,
        };
        let mut source = Named { next: 0, names: 60 };
        let outcome = run(
            &plan,
            None,
            vec![LoginName::new(
                1,
                Identities::default(),
                SkipReason::DuplicateName,
            )],
            1,
            &mut memory,
            &no_more,
            &mut source,
            &|| false,
            &mut (),
        );
        assert!(outcome.error.is_none());
        assert_eq!(outcome.counts.inserted, 50);
        assert_eq!(memory.committed.len(), 50);

        // 60 names for 100 rows: the name space is exhausted.
        let mut memory = Memory::default();
        let plan = Plan { count: 100, ..plan };
        let mut source = Named { next: 0, names: 60 };
        let outcome = run(
            &plan,
            None,
            vec![LoginName::new(
                1,
                Identities::default(),
                SkipReason::DuplicateName,
            )],
            1,
            &mut memory,
            &no_more,
            &mut source,
            &|| false,
            &mut (),
        );
        assert_eq!(outcome.counts.inserted, 60);
        let error = outcome.error.map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("name space is exhausted"), "{error}");
    }
}
