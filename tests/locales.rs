//! `--locale`: names from the `fake` crate's lists of that locale, in its
//! own script; emails in lowercase ASCII; the same seed and locale give
//! the same rows. Each server backend's byte-for-byte check is in
//! tests/apps.rs.

mod common;

use common::{TempDb, seed};
use fake::locales::{
    AR_SA, CY_GB, DE_DE, Data, EN, FA_IR, FR_FR, IT_IT, JA_JP, NL_NL, PT_BR, PT_PT, TR_TR, ZH_CN,
    ZH_TW,
};

type Lists = (&'static [&'static str], &'static [&'static str]);

fn lists<L: Data>() -> Lists {
    (L::NAME_FIRST_NAME, L::NAME_LAST_NAME)
}

/// A locale's name lists, from its code's row.
type ListsOf = fn() -> Lists;

const LOCALES: [(&str, ListsOf); 14] = [
    ("en", lists::<EN>),
    ("fr_FR", lists::<FR_FR>),
    ("de_DE", lists::<DE_DE>),
    ("it_IT", lists::<IT_IT>),
    ("pt_BR", lists::<PT_BR>),
    ("pt_PT", lists::<PT_PT>),
    ("nl_NL", lists::<NL_NL>),
    ("cy_GB", lists::<CY_GB>),
    ("tr_TR", lists::<TR_TR>),
    ("ja_JP", lists::<JA_JP>),
    ("zh_CN", lists::<ZH_CN>),
    ("zh_TW", lists::<ZH_TW>),
    ("ar_SA", lists::<AR_SA>),
    ("fa_IR", lists::<FA_IR>),
];

/// (first_name, last_name, email) of every user, in id order.
fn people(db: &TempDb) -> Vec<(String, String, String)> {
    let conn = db.conn();
    let mut stmt = conn
        .prepare("SELECT first_name, last_name, email FROM users ORDER BY id")
        .expect("prepare");
    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .and_then(Iterator::collect)
        .expect("read users")
}

#[test]
fn every_locale_gives_its_own_names_and_ascii_emails() {
    for (code, lists) in LOCALES {
        let (first_names, last_names) = lists();
        let db = TempDb::new();
        let stats = db.users(&["--count", "300", "--seed", "7", "--locale", code]);
        assert_eq!(stats.locale, code);
        let people = people(&db);
        assert_eq!(people.len() as u64, stats.inserted, "{code}");
        for (first, last, email) in &people {
            assert!(first_names.contains(&first.as_str()), "{code}: {first}");
            assert!(last_names.contains(&last.as_str()), "{code}: {last}");
            let (local, domain) = email.split_once('@').expect("an @");
            let ascii = local
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._".contains(&b));
            let reserved = ["example.com", "example.net", "example.org"]
                .iter()
                .any(|reserved| domain.ends_with(reserved));
            assert!(!local.is_empty() && ascii && reserved, "{code}: {email}");
        }
        if code != "en" {
            let other_script = people
                .iter()
                .filter(|(first, last, _)| !first.is_ascii() || !last.is_ascii())
                .count();
            let expected_ascii = ["it_IT", "nl_NL", "cy_GB"].contains(&code);
            assert_eq!(other_script == 0, expected_ascii, "{code}: {other_script}");
        }
    }
}

#[test]
fn the_same_seed_and_locale_give_the_same_rows_and_the_summary_says_how_to_repeat() {
    let (a, b, en) = (TempDb::new(), TempDb::new(), TempDb::new());
    let args = ["users", "--count", "50", "--seed", "9"];
    // Any case is the same locale.
    let output = seed()
        .args(args)
        .args(["--locale", "zh_cn", "--db", &a.arg()])
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr
            .trim_end()
            .ends_with("seed 9 (repeat with --seed 9 --count 50 --locale zh_CN)"),
        "{stderr}"
    );
    b.users(&["--count", "50", "--seed", "9", "--locale", "zh_CN"]);
    assert_eq!(a.dump_users(), b.dump_users());
    let stats = en.users(&["--count", "50", "--seed", "9"]);
    assert_eq!(stats.locale, "en");
    let (chinese, english) = (people(&a), people(&en));
    assert_eq!(chinese.len(), english.len());
    assert!(chinese.iter().zip(&english).all(|(c, e)| c.0 != e.0));
    let output = seed()
        .args(args)
        .args(["--locale", "en", "--db", &en.arg()])
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .trim_end()
            .ends_with("seed 9 (repeat with --seed 9 --count 50)"),
        "en is the default, not named: {stderr}"
    );
}

#[test]
fn an_unknown_locale_is_a_usage_error_naming_the_valid_ones() {
    let db = TempDb::new();
    for bad in ["xx", "ja", "ja-JP", "de_AT"] {
        let output = seed()
            .args(["users", "--locale", bad, "--db", &db.arg()])
            .output()
            .expect("run seed");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with(&format!("error: invalid value '{bad}' for '--locale <LOCALE>'"))
                && stderr.contains("[possible values: en, fr_FR, de_DE, it_IT, pt_BR, pt_PT, nl_NL, cy_GB, tr_TR, ja_JP, zh_CN, zh_TW, ar_SA, fa_IR]"),
            "{stderr}"
        );
    }
    let output = seed()
        .args(["users", "--json", "--locale", "xx", "--db", &db.arg()])
        .output()
        .expect("run seed");
    assert_eq!(output.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert!(
        json["error"]
            .as_str()
            .is_some_and(|e| e.contains("--locale"))
    );
    assert!(!db.path.exists(), "nothing was created");

    let help = seed().args(["users", "--help"]).output().expect("run seed");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--locale <LOCALE>"), "{help}");
    for (code, _) in LOCALES {
        assert!(help.contains(code), "{code} is not in --help");
    }
}
