//! Counts in words, for what a person reads.

/// `n` and a regular noun, plural unless `n` is 1: "1 user", "0 users",
/// "2 duplicate emails".
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_number_plural() {
        assert_eq!(count(1, "user"), "1 user");
        assert_eq!(count(0, "user"), "0 users");
        assert_eq!(count(1875, "duplicate email"), "1875 duplicate emails");
    }
}
