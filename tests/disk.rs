//! The file system says no: a disk that fills up mid-run, a read-only
//! mount. Both need a small tmpfs of their own, so root; elsewhere each
//! test says why it was skipped and passes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{integrity, parse_stats, seed};
use tempfile::TempDir;

/// A tmpfs mounted on a temporary folder, unmounted when dropped.
struct Tmpfs {
    dir: TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match output {
            Ok(output) if output.status.success() => Some(Tmpfs { dir }),
            Ok(output) => {
                eprintln!(
                    "skipped: cannot mount a tmpfs: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                );
                None
            }
            Err(err) => {
                eprintln!("skipped: cannot run mount: {err}");
                None
            }
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn remount(&self, options: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(self.dir.path())
            .status()
            .expect("run mount");
        assert!(status.success(), "remount {options}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn count(path: &Path) -> u64 {
    rusqlite::Connection::open(path)
        .and_then(|conn| {
            conn.query_row("SELECT count(*) FROM users", [], |row| row.get::<_, i64>(0))
        })
        .map(|n| n as u64)
        .expect("count users")
}

fn fills_the_disk(batch_size: &str) {
    let Some(fs) = Tmpfs::mount("2m") else {
        return;
    };
    let db = fs.path("full.db");
    let output = seed()
        .args([
            "users",
            "--json",
            "--count",
            "100000000",
            "--batch-size",
            batch_size,
        ])
        .arg("--db")
        .arg(&db)
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("disk is full"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let stats = parse_stats(&output.stdout);
    let error = stats.error.as_deref().unwrap_or_default();
    assert!(error.contains("disk is full"), "{error}");
    assert!(stats.inserted > 0, "{stats:?}");
    assert_eq!(stats.attempted, stats.inserted + stats.skipped);
    assert_eq!(count(&db), stats.inserted, "the committed rows stay");
    assert_eq!(integrity(&db), "ok");
}

#[test]
fn a_disk_that_fills_up_keeps_the_committed_rows_and_says_so() {
    fills_the_disk("1");
}

#[test]
fn a_disk_that_fills_up_mid_batch_keeps_the_committed_batches_and_says_so() {
    fills_the_disk("100");
}

#[test]
fn a_database_on_a_read_only_mount_is_refused_without_changes() {
    let Some(fs) = Tmpfs::mount("8m") else {
        return;
    };
    let db = fs.path("ro.db");
    seed()
        .args(["users", "--quiet", "--count", "10", "--seed", "4", "--db"])
        .arg(&db)
        .assert()
        .success();
    let before = std::fs::read(&db).expect("read database");
    fs.remount("ro");
    let output = seed()
        .args(["users", "--json", "--count", "10", "--db"])
        .arg(&db)
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
    assert_eq!(std::fs::read(&db).expect("read database"), before);
    fs.remount("rw");
    assert_eq!(count(&db), 10);
    assert_eq!(integrity(&db), "ok");
}
