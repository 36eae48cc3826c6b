//! Why a row was skipped, and the columns whose repeats are counted each
//! on its own (`duplicate_<column>`).

use crate::words;

/// Why a row was rolled back and skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// The identity (email or username), or a name the app keeps unique,
    /// was in the table before the run started: the run did not make that
    /// row, so its duplicate is no collision of the generator. Told apart
    /// from the ones below by the seeding loop, not by the database.
    AlreadyPresent,
    /// The email is already in the table, put there by this run (SQLite
    /// 2067, SQLSTATE 23505, MySQL 1062).
    DuplicateEmail,
    /// The username is already in the table, put there by this run
    /// (Django's identity).
    DuplicateUsername,
    /// A name the app logs users in by (CTFd's `users.name`, kept unique by
    /// the app's code and not by a constraint): an earlier row of this run
    /// had it.
    DuplicateName,
    /// Another column kept unique (a single-column UNIQUE constraint or
    /// index, the identity, or a column of `also_unique`), by its place in
    /// the run's [`Uniques`].
    Duplicate(u8),
    /// Another UNIQUE or PRIMARY KEY constraint (of several columns, or
    /// past the columns counted on their own).
    UniqueViolation,
    NotNull,
    Check,
    ForeignKey,
    /// A constraint of a kind not listed above (e.g. raised by a trigger).
    OtherConstraint,
}

/// How many columns are counted each on its own; the rest count as
/// `unique_violation`.
pub const MAX_COLUMNS: usize = 16;

const BEFORE: [SkipReason; 4] = [
    SkipReason::AlreadyPresent,
    SkipReason::DuplicateEmail,
    SkipReason::DuplicateUsername,
    SkipReason::DuplicateName,
];
const AFTER: [SkipReason; 5] = [
    SkipReason::UniqueViolation,
    SkipReason::NotNull,
    SkipReason::Check,
    SkipReason::ForeignKey,
    SkipReason::OtherConstraint,
];

impl SkipReason {
    /// How many reasons there are: a counter for each.
    pub const COUNT: usize = BEFORE.len() + MAX_COLUMNS + AFTER.len();

    /// Every reason, in the order summaries list them.
    pub fn all() -> impl Iterator<Item = SkipReason> {
        BEFORE
            .into_iter()
            .chain((0..MAX_COLUMNS as u8).map(SkipReason::Duplicate))
            .chain(AFTER)
    }

    /// Its place among [`SkipReason::all`], below [`SkipReason::COUNT`].
    pub fn index(self) -> usize {
        match self {
            SkipReason::Duplicate(slot) => BEFORE.len() + usize::from(slot).min(MAX_COLUMNS - 1),
            fixed => match BEFORE.iter().position(|r| *r == fixed) {
                Some(i) => i,
                None => {
                    BEFORE.len()
                        + MAX_COLUMNS
                        + AFTER.iter().position(|r| *r == fixed).unwrap_or_default()
                }
            },
        }
    }

    /// The identity or another unique value was taken, by a row already
    /// there or one of this run's.
    pub fn is_duplicate(self) -> bool {
        matches!(
            self,
            SkipReason::AlreadyPresent
                | SkipReason::DuplicateEmail
                | SkipReason::DuplicateUsername
                | SkipReason::DuplicateName
                | SkipReason::Duplicate(_)
        )
    }
}

/// The columns whose repeats are counted each on its own, besides `email`,
/// `username` and `name`, which have reasons of their own: the i-th is
/// [`SkipReason::Duplicate`]`(i)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Uniques {
    columns: Vec<String>,
}

impl Uniques {
    /// Counts `column`'s repeats on its own from now on.
    pub fn add(&mut self, column: &str) {
        if Self::fixed(column).is_none() && !self.columns.iter().any(|c| c == column) {
            self.columns.push(column.to_owned());
        }
    }

    fn fixed(column: &str) -> Option<SkipReason> {
        match column {
            "email" => Some(SkipReason::DuplicateEmail),
            "username" => Some(SkipReason::DuplicateUsername),
            "name" => Some(SkipReason::DuplicateName),
            _ => None,
        }
    }

    /// What a repeat of `column` is counted as.
    pub fn reason(&self, column: &str) -> SkipReason {
        if let Some(fixed) = Self::fixed(column) {
            return fixed;
        }
        match self.columns.iter().position(|c| c == column) {
            Some(slot) if slot < MAX_COLUMNS => SkipReason::Duplicate(slot as u8),
            _ => SkipReason::UniqueViolation,
        }
    }

    fn column(&self, slot: u8) -> &str {
        self.columns
            .get(usize::from(slot))
            .map_or("column", String::as_str)
    }

    /// The reason's key in the JSON: `duplicate_email`, `duplicate_handle`.
    pub fn key(&self, reason: SkipReason) -> String {
        match reason {
            SkipReason::AlreadyPresent => "already_present".into(),
            SkipReason::DuplicateEmail => "duplicate_email".into(),
            SkipReason::DuplicateUsername => "duplicate_username".into(),
            SkipReason::DuplicateName => "duplicate_name".into(),
            SkipReason::Duplicate(slot) => format!("duplicate_{}", self.column(slot)),
            SkipReason::UniqueViolation => "unique_violation".into(),
            SkipReason::NotNull => "not_null".into(),
            SkipReason::Check => "check".into(),
            SkipReason::ForeignKey => "foreign_key".into(),
            SkipReason::OtherConstraint => "other_constraint".into(),
        }
    }

    /// The reason in words: "duplicate email", "duplicate handle".
    pub fn describe(&self, reason: SkipReason) -> String {
        match reason {
            SkipReason::AlreadyPresent => "already present".into(),
            SkipReason::DuplicateEmail => "duplicate email".into(),
            SkipReason::DuplicateUsername => "duplicate username".into(),
            SkipReason::DuplicateName => "duplicate name".into(),
            SkipReason::Duplicate(slot) => format!("duplicate {}", self.column(slot)),
            SkipReason::UniqueViolation => "other unique constraint".into(),
            SkipReason::NotNull => "NOT NULL constraint".into(),
            SkipReason::Check => "CHECK constraint".into(),
            SkipReason::ForeignKey => "foreign key constraint".into(),
            SkipReason::OtherConstraint => "other constraint".into(),
        }
    }

    /// `n` rows skipped for `reason`, in words: "3 duplicate emails",
    /// "100 already present".
    pub fn counted(&self, reason: SkipReason, n: u64) -> String {
        match reason {
            // An adjective: no plural.
            SkipReason::AlreadyPresent => format!("{n} {}", self.describe(reason)),
            _ => words::count(n, &self.describe(reason)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_its_own_counter_in_order() {
        let all: Vec<SkipReason> = SkipReason::all().collect();
        assert_eq!(all.len(), SkipReason::COUNT);
        for (i, reason) in all.iter().enumerate() {
            assert_eq!(reason.index(), i, "{reason:?}");
        }
    }

    #[test]
    fn a_column_is_named_in_its_reason() {
        let mut uniques = Uniques::default();
        uniques.add("handle");
        uniques.add("email");
        uniques.add("handle");
        assert_eq!(uniques.reason("email"), SkipReason::DuplicateEmail);
        let handle = uniques.reason("handle");
        assert_eq!(handle, SkipReason::Duplicate(0));
        assert_eq!(uniques.key(handle), "duplicate_handle");
        assert_eq!(uniques.counted(handle, 2), "2 duplicate handles");
        assert_eq!(uniques.reason("other"), SkipReason::UniqueViolation);
    }
}
