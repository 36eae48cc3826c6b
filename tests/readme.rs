//! Every `console` example in the README prints what the README shows:
//! each `$ ` line runs in a fresh folder shared by its block, and its
//! output (stdout and stderr) is compared with the lines under it, times
//! and rates aside.

use std::path::Path;
use std::process::Command;

use regex::Regex;

struct Example {
    commands: Vec<(String, Vec<String>)>,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut examples = Vec::new();
    let mut current: Option<Example> = None;
    for line in readme.lines() {
        match (&mut current, line) {
            (None, "```console") => {
                current = Some(Example {
                    commands: Vec::new(),
                })
            }
            (Some(_), "```") => examples.extend(current.take()),
            (Some(example), line) => match line.strip_prefix("$ ") {
                Some(command) => example.commands.push((command.to_owned(), Vec::new())),
                None => {
                    if let Some((_, output)) = example.commands.last_mut() {
                        output.push(line.to_owned());
                    }
                }
            },
            (None, _) => {}
        }
    }
    examples
}

/// Times and rates differ from run to run; nothing else may.
fn normalize(text: &str) -> String {
    let rules = [
        (r"in [0-9.]+s \([0-9]+ rows/s\)", "in Ts (R rows/s)"),
        (r#""elapsed_seconds":[0-9.e-]+"#, r#""elapsed_seconds":T"#),
        (r#""rows_per_second":[0-9.e+-]+"#, r#""rows_per_second":R"#),
    ];
    let mut text = text.trim_end().to_owned();
    for (pattern, with) in rules {
        let pattern = Regex::new(pattern).expect("a valid pattern");
        text = pattern.replace_all(&text, with).into_owned();
    }
    text
}

/// Makes what an example needs before it runs (`block`: its commands, one
/// a line); false to skip it.
fn prepare(block: &str, dir: &Path) -> bool {
    if block.lines().any(|command| command.starts_with("sqlite3 ")) {
        let sqlite3 = Command::new("sqlite3").arg("--version").output();
        if !sqlite3.is_ok_and(|out| out.status.success()) {
            eprintln!("skipped: an example reads the database with the sqlite3 CLI, not installed");
            return false;
        }
    }
    if block.contains("| jq ") {
        let jq = Command::new("jq").arg("--version").output();
        if !jq.is_ok_and(|out| out.status.success()) {
            eprintln!("skipped: an example reads the JSON with jq, not installed");
            return false;
        }
    }
    if block.contains("db.sqlite3") {
        // The Django example: Django's own migrate makes auth_user.
        let verifiers = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/verifiers");
        let db = dir.join("db.sqlite3");
        let migrated = Command::new("python3")
            .arg(format!("{verifiers}/django_login.py"))
            .args(["migrate", &db.display().to_string()])
            .output();
        if !migrated.is_ok_and(|out| out.status.success()) {
            eprintln!("skipped: the Django example needs Django (.ci/install-verifiers)");
            return false;
        }
    }
    true
}

#[test]
fn every_console_example_prints_what_the_readme_shows() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("read README.md");
    let examples = examples(&readme);
    assert!(examples.len() >= 3, "found {} examples", examples.len());
    let bin = Path::new(env!("CARGO_BIN_EXE_seed"))
        .parent()
        .expect("the binary's folder")
        .to_owned();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for example in examples {
        let block = example
            .commands
            .iter()
            .map(|(command, _)| command.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let dir = tempfile::tempdir().expect("temp dir");
        if !prepare(&block, dir.path()) {
            continue;
        }
        for (command, expected) in &example.commands {
            let output = Command::new("sh")
                .args(["-c", command])
                .current_dir(dir.path())
                .env("PATH", &path)
                .env_remove("DATABASE_URL")
                .env_remove("SEED_PASSWORD")
                .env("NO_COLOR", "1")
                .output()
                .expect("run the example");
            let printed = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            assert_eq!(
                normalize(&printed),
                normalize(&expected.join("\n")),
                "$ {command}"
            );
        }
    }
}
