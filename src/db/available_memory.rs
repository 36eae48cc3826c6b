//! How much more memory this process may take, as Linux tells it in
//! /proc: a dry run refuses a count whose set would not fit, instead of
//! being aborted by the allocator halfway.

/// The smaller of what is left under the address-space limit and what the
/// machine has free, and which one it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Available {
    pub bytes: u64,
    /// How the user would see or change it.
    pub source: &'static str,
}

/// None where neither is known (not Linux, no /proc).
pub fn available() -> Option<Available> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let under_limit = read("/proc/self/limits")
        .as_deref()
        .and_then(address_space_limit)
        .map(|limit| {
            // The limit counts the address space already mapped: the
            // binary, the libraries, the threads' stacks.
            let used = read("/proc/self/status")
                .as_deref()
                .and_then(address_space_used)
                .unwrap_or(0);
            Available {
                bytes: limit.saturating_sub(used),
                source: "ulimit -v",
            }
        });
    let free = read("/proc/meminfo")
        .as_deref()
        .and_then(mem_available)
        .map(|bytes| Available {
            bytes,
            source: "MemAvailable in /proc/meminfo",
        });
    match (under_limit, free) {
        (Some(a), Some(b)) => Some(if a.bytes <= b.bytes { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// The soft "Max address space" of /proc/self/limits, in bytes; None if
/// it is unlimited.
fn address_space_limit(limits: &str) -> Option<u64> {
    let soft = limits
        .lines()
        .find_map(|line| line.strip_prefix("Max address space"))?
        .split_whitespace()
        .next()?;
    soft.parse().ok()
}

/// VmSize of /proc/self/status, in bytes.
fn address_space_used(status: &str) -> Option<u64> {
    kib_field(status, "VmSize:")
}

/// MemAvailable of /proc/meminfo, in bytes: what can be had without
/// swapping.
fn mem_available(meminfo: &str) -> Option<u64> {
    kib_field(meminfo, "MemAvailable:")
}

/// The value of a `Name:   1234 kB` line, in bytes.
fn kib_field(text: &str, name: &str) -> Option<u64> {
    let mut words = text
        .lines()
        .find_map(|line| line.strip_prefix(name))?
        .split_whitespace();
    let kib: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") => kib.checked_mul(1024),
        _ => None,
    }
}

/// `1.6 GB`, `385 MB`, `900 kB` (decimal units, as the help's `160 MB for
/// 10 million` reads), with `extra` more digits after the point.
pub fn human_bytes(bytes: u64, extra: usize) -> String {
    let bytes = bytes as f64;
    if bytes >= 1e9 {
        format!("{:.*} GB", 1 + extra, bytes / 1e9)
    } else if bytes >= 1e6 {
        format!("{:.*} MB", extra, bytes / 1e6)
    } else {
        format!("{:.*} kB", extra, bytes / 1e3)
    }
}

/// Two sizes written with as many digits as it takes to tell them apart
/// (up to three more), so that one is not said to be more than itself.
pub fn two_sizes(a: u64, b: u64) -> (String, String) {
    let mut written = (human_bytes(a, 0), human_bytes(b, 0));
    for extra in 1..=3 {
        if written.0 != written.1 {
            break;
        }
        written = (human_bytes(a, extra), human_bytes(b, extra));
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: &str = "\
Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max file size             unlimited            unlimited            bytes
Max address space         409600000            unlimited            bytes
Max file locks            unlimited            unlimited            locks
";

    #[test]
    fn the_soft_address_space_limit_is_read_and_unlimited_is_none() {
        assert_eq!(address_space_limit(LIMITS), Some(409_600_000));
        let unlimited = LIMITS.replace("409600000", "unlimited");
        assert_eq!(address_space_limit(&unlimited), None);
        assert_eq!(address_space_limit(""), None);
    }

    #[test]
    fn kib_fields_are_read_in_bytes() {
        let meminfo = "MemTotal:        8000000 kB\nMemFree:          100000 kB\nMemAvailable:    2000000 kB\n";
        assert_eq!(mem_available(meminfo), Some(2_048_000_000));
        let status = "Name:\tseed\nVmPeak:\t  200000 kB\nVmSize:\t  150000 kB\n";
        assert_eq!(address_space_used(status), Some(153_600_000));
        assert_eq!(mem_available("MemAvailable: lots\n"), None);
        assert_eq!(mem_available(""), None);
    }

    #[test]
    fn sizes_read_as_the_help_text_writes_them() {
        assert_eq!(human_bytes(1_600_000_000, 0), "1.6 GB");
        assert_eq!(human_bytes(160_000_000, 0), "160 MB");
        assert_eq!(human_bytes(16_000, 0), "16 kB");
        assert_eq!(
            two_sizes(1_600_000_000, 1_024_000_000),
            ("1.6 GB".into(), "1.0 GB".into())
        );
        assert_eq!(
            two_sizes(1_040_000_000, 1_020_000_000),
            ("1.04 GB".into(), "1.02 GB".into())
        );
        assert_eq!(
            two_sizes(385_200_000, 384_900_000),
            ("385.2 MB".into(), "384.9 MB".into())
        );
    }
}
