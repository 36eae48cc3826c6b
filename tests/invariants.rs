//! Whatever the count, seed, batch size and rows already there: every
//! attempt is counted once, and the rows reported inserted are the rows
//! the run added to the file.

mod common;

use common::{TempDb, integrity};
use proptest::prelude::*;

proptest! {
    // Each case runs the binary once or twice: a few dozen cases keep the
    // suite fast while still mixing duplicates, batches and --exact.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn counts_add_up_and_match_the_file(
        count in 0u64..300,
        seed in any::<u64>(),
        batch_size in 1u64..50,
        before in prop_oneof![Just(0u64), 1u64..300],
        same_seed in any::<bool>(),
        exact in any::<bool>(),
    ) {
        let db = TempDb::new();
        let (count_arg, seed_arg, batch_arg) =
            (count.to_string(), seed.to_string(), batch_size.to_string());
        let rows_before = if before > 0 {
            let earlier_seed = if same_seed { seed } else { seed.wrapping_add(1) };
            let earlier = db.users(&[
                "--count",
                &before.to_string(),
                "--seed",
                &earlier_seed.to_string(),
            ]);
            prop_assert_eq!(db.count("users"), earlier.inserted);
            earlier.inserted
        } else {
            0
        };

        let mut args = vec!["--count", &count_arg, "--seed", &seed_arg, "--batch-size", &batch_arg];
        if exact {
            args.push("--exact");
        }
        let stats = db.users(&args);

        prop_assert_eq!(stats.inserted + stats.skipped, stats.attempted);
        prop_assert_eq!(stats.skipped, stats.skipped_by_reason.values().sum::<u64>());
        if exact {
            prop_assert_eq!(stats.inserted, count);
            prop_assert!(stats.attempted >= count);
        } else {
            prop_assert_eq!(stats.attempted, count);
        }
        if same_seed && before >= count && !exact {
            // The same seed makes the same users again: all are duplicates.
            prop_assert_eq!(stats.inserted, 0);
        }
        prop_assert_eq!(db.count("users"), rows_before + stats.inserted);
        prop_assert_eq!(integrity(&db.path), "ok");
    }
}
