//! `seed` against a real MySQL or MariaDB server, named by
//! SEED_TEST_MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/test). Without it,
//! each test says it was skipped and passes.

#![cfg(feature = "mysql")]

mod common;
mod servers;

use std::collections::BTreeSet;

use mysql::prelude::Queryable;
use mysql::{Conn, Opts};

use servers::{fails, roles, server_url, unique_name, users};

fn connect(url: &str) -> Conn {
    let url = url.replacen("mariadb://", "mysql://", 1);
    Conn::new(Opts::from_url(&url).expect("valid URL")).expect("connect to the test server")
}

/// `scheme://authority` and the rest of a URL.
fn split_url(url: &str) -> (&str, &str) {
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].find('/') {
        Some(i) => url.split_at(start + i),
        None => (url, ""),
    }
}

/// A database of its own for one test, dropped at the end even if the
/// test fails.
struct Database {
    base: String,
    name: String,
    url: String,
}

impl Database {
    fn new() -> Option<Database> {
        let base = server_url("SEED_TEST_MYSQL_URL")?;
        let name = unique_name();
        connect(&base)
            .query_drop(format!("CREATE DATABASE {name}"))
            .expect("create the test database");
        let url = format!("{}/{name}", split_url(&base).0);
        Some(Database { base, name, url })
    }

    fn conn(&self) -> Conn {
        connect(&self.url)
    }

    fn count(&self, sql: &str) -> i64 {
        self.conn()
            .query_first(sql)
            .expect("query runs")
            .expect("one row")
    }

    fn emails(&self) -> BTreeSet<String> {
        self.conn()
            .query("SELECT email FROM users")
            .expect("query runs")
            .into_iter()
            .collect()
    }

    /// Every row of users but its id, in id order.
    fn rows(&self) -> Vec<(bool, String, String, String, i64)> {
        self.conn()
            .query("SELECT confirmed, first_name, last_name, email, role_id FROM users ORDER BY id")
            .expect("query runs")
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let url = self.base.replacen("mariadb://", "mysql://", 1);
        if let Ok(mut conn) = Opts::from_url(&url)
            .map_err(drop)
            .and_then(|o| Conn::new(o).map_err(drop))
        {
            let _ = conn.query_drop(format!("DROP DATABASE IF EXISTS {}", self.name));
        }
    }
}

#[test]
fn seeds_users_and_roles() {
    let Some(db) = Database::new() else { return };
    let stats = users(&db.url, &["-n", "500", "--seed", "7"]);
    assert_eq!(stats.attempted, 500);
    assert!(
        stats.database.starts_with("mysql") && !stats.database.contains(['@', '?']),
        "{}",
        stats.database
    );
    assert_eq!(
        db.count("SELECT count(*) FROM users"),
        stats.inserted as i64
    );
    assert_eq!(
        db.count("SELECT count(DISTINCT email) FROM users"),
        stats.inserted as i64
    );
    assert_eq!(
        db.count("SELECT count(*) FROM roles WHERE name IN ('User', 'Administrator')"),
        2
    );
    assert_eq!(
        db.count("SELECT count(*) FROM users u JOIN roles r ON r.id = u.role_id"),
        stats.inserted as i64
    );
    assert_eq!(
        db.count(
            "SELECT count(DISTINCT index_name) FROM information_schema.statistics \
             WHERE table_schema = DATABASE() AND index_name IN \
             ('ix_users_email', 'ix_roles_default', 'ix_users_first_name', 'ix_users_last_name')"
        ),
        4
    );
    for change in roles(&db.url).values() {
        assert_eq!(change, "unchanged");
    }
}

#[test]
fn roles_are_created_updated_and_left_alone() {
    let Some(db) = Database::new() else { return };
    let first = roles(&db.url);
    assert!(
        first.values().all(|change| change == "created"),
        "{first:?}"
    );
    db.conn()
        .query_drop("UPDATE roles SET permissions = 3 WHERE name = 'User'")
        .expect("update");
    let second = roles(&db.url);
    assert_eq!(second.get("User").map(String::as_str), Some("updated"));
    assert_eq!(
        second.get("Administrator").map(String::as_str),
        Some("unchanged")
    );
    assert_eq!(db.count("SELECT count(*) FROM roles"), 2);
}

#[test]
fn a_rerun_with_the_same_seed_inserts_nothing() {
    let Some(db) = Database::new() else { return };
    let first = users(&db.url, &["-n", "300", "--seed", "11"]);
    let second = users(&db.url, &["-n", "300", "--seed", "11"]);
    assert_eq!(second.inserted, 0);
    assert_eq!(second.skipped, 300);
    assert_eq!(second.skipped_by_reason.get("already_present"), Some(&300));
    assert_eq!(
        db.count("SELECT count(*) FROM users"),
        first.inserted as i64
    );
    let third = users(
        &db.url,
        &["-n", "350", "--seed", "11", "--batch-size", "40"],
    );
    assert_eq!(third.skipped_by_reason.get("already_present"), Some(&300));
    assert_eq!(
        db.count("SELECT count(*) FROM users"),
        (first.inserted + third.inserted) as i64
    );
}

#[test]
fn batches_give_the_same_rows_as_single_commits() {
    let (Some(single), Some(batched)) = (Database::new(), Database::new()) else {
        return;
    };
    let a = users(&single.url, &["-n", "1000", "--seed", "5"]);
    let b = users(
        &batched.url,
        &["-n", "1000", "--seed", "5", "--batch-size", "100"],
    );
    assert_eq!(a.counts(), b.counts());
    assert_eq!(single.rows(), batched.rows());
}

#[test]
fn a_table_of_another_shape_is_refused_and_left_alone() {
    let Some(db) = Database::new() else { return };
    db.conn()
        .query_drop(
            "CREATE TABLE users (id INTEGER AUTO_INCREMENT PRIMARY KEY, first_name VARCHAR(64), name TEXT)",
        )
        .expect("create a foreign table");
    db.conn()
        .query_drop("INSERT INTO users (name) VALUES ('kept')")
        .expect("insert");
    let out = fails(&["users", "-n", "10", "--db", &db.url]);
    assert!(
        out.contains("users has no role_id (flask-base)") && out.contains("--app"),
        "{out}"
    );
    let out = fails(&["users", "--app", "flask-base", "-n", "10", "--db", &db.url]);
    assert!(out.contains("users") && out.contains("\"email\""), "{out}");
    assert_eq!(db.count("SELECT count(*) FROM users"), 1);
    assert_eq!(
        db.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE()"),
        1,
        "no roles table was created"
    );
}

#[test]
fn unfilled_not_null_columns_and_non_unique_emails_are_refused() {
    let Some(db) = Database::new() else { return };
    db.conn()
        .query_drop(
            "CREATE TABLE users (id INTEGER AUTO_INCREMENT PRIMARY KEY, confirmed BOOL, \
             first_name VARCHAR(64), last_name VARCHAR(64), email VARCHAR(64), \
             password_hash VARCHAR(128), role_id INTEGER, tenant INTEGER NOT NULL)",
        )
        .expect("create table");
    let out = fails(&["users", "-n", "10", "--db", &db.url]);
    assert!(out.contains("\"tenant\""), "{out}");
    db.conn()
        .query_drop("ALTER TABLE users DROP COLUMN tenant")
        .expect("alter");
    let out = fails(&["users", "-n", "10", "--db", &db.url]);
    assert!(out.contains("users.email has no UNIQUE"), "{out}");
    assert_eq!(db.count("SELECT count(*) FROM users"), 0);
}

#[test]
fn other_constraints_are_told_apart_from_duplicates() {
    let Some(db) = Database::new() else { return };
    roles(&db.url);
    db.conn()
        .query_drop("ALTER TABLE users ADD CONSTRAINT no_a CHECK (first_name NOT LIKE 'A%')")
        .expect("alter");
    let stats = users(&db.url, &["-n", "400", "--seed", "9", "--batch-size", "50"]);
    let checks = stats.skipped_by_reason.get("check").copied().unwrap_or(0);
    assert!(checks > 0, "{stats:?}");
    assert_eq!(
        db.count("SELECT count(*) FROM users"),
        stats.inserted as i64
    );
    assert_eq!(
        db.count("SELECT count(*) FROM users WHERE first_name LIKE 'A%'"),
        0
    );
}

#[test]
fn jobs_insert_the_same_users_as_one_connection() {
    let (Some(one), Some(four)) = (Database::new(), Database::new()) else {
        return;
    };
    let a = users(&one.url, &["-n", "2000", "--seed", "3"]);
    let b = users(&four.url, &["-n", "2000", "--seed", "3", "--jobs", "4"]);
    assert_eq!(b.attempted, 2000);
    assert_eq!(four.count("SELECT count(*) FROM users"), b.inserted as i64);
    assert_eq!(a.inserted, b.inserted);
    assert_eq!(one.emails(), four.emails());
    let c = users(
        &four.url,
        &[
            "-n",
            "300",
            "--seed",
            "4",
            "--jobs",
            "3",
            "--exact",
            "--batch-size",
            "7",
        ],
    );
    assert_eq!(c.inserted, 300);
    assert_eq!(
        four.count("SELECT count(*) FROM users"),
        (b.inserted + 300) as i64
    );
}

#[test]
fn a_server_that_is_down_is_named_without_credentials() {
    let out = fails(&[
        "users",
        "-n",
        "1",
        "--db",
        "mysql://alice:hunter2@127.0.0.1:59999/test",
    ]);
    assert!(
        out.contains("cannot connect to MySQL at 127.0.0.1:59999: connection refused"),
        "{out}"
    );
    assert!(!out.contains("hunter2") && !out.contains("alice"), "{out}");
}

#[test]
fn a_refused_password_is_not_printed() {
    let Some(base) = server_url("SEED_TEST_MYSQL_URL") else {
        return;
    };
    let user = unique_name();
    let mut admin = connect(&base);
    admin
        .query_drop(format!(
            "CREATE USER '{user}'@'%' IDENTIFIED BY 'right-password'"
        ))
        .expect("create a user");
    struct DropUser(Conn, String);
    impl Drop for DropUser {
        fn drop(&mut self) {
            let _ = self
                .0
                .query_drop(format!("DROP USER IF EXISTS '{}'@'%'", self.1));
        }
    }
    let _guard = DropUser(admin, user.clone());
    let (authority, path) = split_url(&base);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = host.rsplit_once("//").map_or(host, |(_, host)| host);
    let url = format!("mariadb://{user}:wrong-password@{host}{path}");
    let out = fails(&["roles", "--db", &url]);
    assert!(
        out.contains(&format!(
            "cannot connect to MariaDB at {host}: the server refused the user name or password"
        )),
        "{out}"
    );
    assert!(
        !out.contains("wrong-password") && !out.contains(&user),
        "{out}"
    );
}

/// Whether the server offers TLS: MariaDB and MySQL before 8.4 say so in
/// have_ssl; MySQL 8.4 has no such variable and always has TLS.
fn offers_tls(db: &Database) -> bool {
    let have_ssl: Option<(String, String)> = db
        .conn()
        .query_first("SHOW VARIABLES LIKE 'have_ssl'")
        .expect("SHOW VARIABLES");
    have_ssl.is_none_or(|(_, value)| value == "YES")
}

#[test]
fn ssl_mode_preferred_falls_back_to_plain_and_required_does_not() {
    let Some(db) = Database::new() else { return };
    let stats = users(&format!("{}?ssl-mode=PREFERRED", db.url), &["-n", "4"]);
    assert_eq!(stats.inserted, 4);
    assert_eq!(db.count("SELECT count(*) FROM users"), 4);

    let required = format!("{}?ssl-mode=REQUIRED", db.url);
    if offers_tls(&db) {
        let stats = users(&required, &["-n", "4"]);
        assert_eq!(stats.inserted, 4);
        assert_eq!(db.count("SELECT count(*) FROM users"), 8);
    } else {
        let out = fails(&["users", "-n", "4", "--db", &required]);
        assert!(
            out.starts_with("error: cannot connect to MySQL at ")
                && out.contains("the server does not offer TLS"),
            "{out}"
        );
        assert_eq!(out.lines().count(), 1, "{out}");
        assert_eq!(db.count("SELECT count(*) FROM users"), 4);
    }
}

#[test]
fn ssl_mode_verify_identity_refuses_a_certificate_nobody_vouches_for() {
    let Some(db) = Database::new() else { return };
    if !offers_tls(&db) {
        eprintln!("skipped: the test server has no TLS");
        return;
    }
    let out = fails(&[
        "users",
        "-n",
        "4",
        "--db",
        &format!("{}?ssl-mode=VERIFY_IDENTITY", db.url),
    ]);
    assert!(
        out.contains("the server's certificate is not signed by a trusted authority"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
}

/// Every table of the database with its rows, to show nothing changed.
fn contents(db: &Database) -> Vec<(String, i64)> {
    let tables: Vec<String> = db
        .conn()
        .query(
            "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = DATABASE() ORDER BY 1",
        )
        .expect("list tables");
    tables
        .into_iter()
        .map(|table| {
            let rows = db.count(&format!("SELECT count(*) FROM `{table}`"));
            (table, rows)
        })
        .collect()
}

/// flask-base's tables as seed makes them, then converted to `charset`,
/// with no role in them yet.
fn flask_base_in(db: &Database, charset: &str) {
    roles(&db.url);
    let mut conn = db.conn();
    conn.query_drop("DELETE FROM roles").expect("empty roles");
    conn.query_drop(format!(
        "ALTER TABLE users CONVERT TO CHARACTER SET {charset}"
    ))
    .expect("convert users");
}

#[test]
fn a_latin1_table_refuses_names_it_cannot_store_before_any_write() {
    use fake::locales::{Data, FR_FR};

    let Some(db) = Database::new() else { return };
    flask_base_in(&db, "latin1");
    let before = contents(&db);
    assert_eq!(before, [("roles".to_owned(), 0), ("users".to_owned(), 0)]);
    for run in [&["users"][..], &["users", "--dry-run"]] {
        let out = fails(&[run, &["-n", "10", "--locale", "ja_JP", "--db", &db.url]].concat());
        assert_eq!(
            out.trim(),
            "error: users.first_name is latin1 on MySQL, which cannot store the ja_JP names (e.g. あかり); use --locale en or a utf8mb4 column"
        );
        assert_eq!(contents(&db), before, "{run:?}: no role upserted, no row");
    }
    // de_DE has names beyond cp1252 (Ağça), though most would fit.
    let out = fails(&["users", "-n", "10", "--locale", "de_DE", "--db", &db.url]);
    assert!(out.contains("the de_DE names (e.g. Ağça)"), "{out}");
    assert_eq!(contents(&db), before);
    let (code, out) = admin(&db, "太郎", "Account");
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("users.first_name is latin1 on MySQL, which cannot store 太郎, as given; use a utf8mb4 column"),
        "{out}"
    );
    assert_eq!(contents(&db), before);

    // Names latin1 holds go in, and read back as written.
    let stats = users(&db.url, &["-n", "300", "--seed", "4", "--locale", "fr_FR"]);
    assert!(stats.inserted >= 290, "{stats:?}");
    let names: Vec<(String, String)> = db
        .conn()
        .query("SELECT first_name, last_name FROM users")
        .expect("read names");
    assert_eq!(names.len() as u64, stats.inserted);
    for (first, last) in &names {
        assert!(FR_FR::NAME_FIRST_NAME.contains(&first.as_str()), "{first}");
        assert!(FR_FR::NAME_LAST_NAME.contains(&last.as_str()), "{last}");
    }
    assert!(
        names
            .iter()
            .any(|(first, last)| !first.is_ascii() || !last.is_ascii())
    );
    let en = users(&db.url, &["-n", "20", "--seed", "4", "--locale", "en"]);
    assert_eq!(
        db.count("SELECT count(*) FROM users"),
        (stats.inserted + en.inserted) as i64
    );
    let (code, out) = admin(&db, "Émile", "Zoëlle");
    assert_eq!(code, Some(0), "{out}");
    let admin: Option<(String, String)> = db
        .conn()
        .query_first("SELECT first_name, last_name FROM users WHERE email = 'kanri@example.com'")
        .expect("read the admin");
    assert_eq!(admin, Some(("Émile".to_owned(), "Zoëlle".to_owned())));
}

/// `seed admin` with these names: its exit code and what it printed.
fn admin(db: &Database, first_name: &str, last_name: &str) -> (Option<i32>, String) {
    let output = servers::seed()
        .args(["admin", "--email", "kanri@example.com"])
        .args(["--password", "Admin pass 1", "--first-name", first_name])
        .args(["--last-name", last_name, "--db", &db.url])
        .output()
        .expect("seed runs");
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), text)
}

#[test]
fn a_utf8mb3_table_holds_every_locale_but_not_a_name_beyond_u_ffff() {
    let Some(db) = Database::new() else { return };
    flask_base_in(&db, "utf8mb3");
    let before = contents(&db);
    let (code, out) = admin(&db, "太郎", "山田🗻");
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        out.trim(),
        "error: users.last_name is utf8mb3 on MySQL, which cannot store 山田🗻, as given; use a utf8mb4 column"
    );
    assert_eq!(contents(&db), before);
    for locale in ["ja_JP", "zh_TW", "ar_SA", "fa_IR"] {
        let stats = users(&db.url, &["-n", "50", "--seed", "2", "--locale", locale]);
        assert!(stats.inserted > 0, "{locale}: {stats:?}");
    }
}

/// Every locale's names, first and last, by its code.
fn locale_names() -> Vec<(&'static str, Vec<&'static str>)> {
    use fake::locales::{
        AR_SA, CY_GB, DE_DE, Data, EN, FA_IR, FR_FR, IT_IT, JA_JP, NL_NL, PT_BR, PT_PT, TR_TR,
        ZH_CN, ZH_TW,
    };
    fn names<L: Data>() -> Vec<&'static str> {
        [L::NAME_FIRST_NAME, L::NAME_LAST_NAME].concat()
    }
    vec![
        ("en", names::<EN>()),
        ("fr_FR", names::<FR_FR>()),
        ("de_DE", names::<DE_DE>()),
        ("it_IT", names::<IT_IT>()),
        ("pt_BR", names::<PT_BR>()),
        ("pt_PT", names::<PT_PT>()),
        ("nl_NL", names::<NL_NL>()),
        ("cy_GB", names::<CY_GB>()),
        ("tr_TR", names::<TR_TR>()),
        ("ja_JP", names::<JA_JP>()),
        ("zh_CN", names::<ZH_CN>()),
        ("zh_TW", names::<ZH_TW>()),
        ("ar_SA", names::<AR_SA>()),
        ("fa_IR", names::<FA_IR>()),
    ]
}

/// For each character set of the server and each locale: seed refuses
/// the locale exactly when the server would not store one of its names
/// as it is (it converts from utf8mb4 and back), or, for a character set
/// seed has no table for, whenever a name is not ASCII.
#[test]
fn every_character_set_refuses_the_locales_it_cannot_store() {
    let Some(db) = Database::new() else { return };
    let mut conn = db.conn();
    let charsets: Vec<String> = conn
        .query("SELECT character_set_name FROM information_schema.character_sets ORDER BY 1")
        .expect("list character sets");
    assert!(charsets.len() > 20 && charsets.iter().any(|c| c == "latin1"));
    // Names all in ASCII are never asked about, but English stands for them.
    let locales: Vec<_> = locale_names()
        .into_iter()
        .filter(|(locale, names)| *locale == "en" || !names.iter().all(|n| n.is_ascii()))
        .collect();
    let mut refused = 0;
    for charset in &charsets {
        conn.query_drop("DROP TABLE IF EXISTS users").expect("drop");
        conn.query_drop(format!(
            "CREATE TABLE users (id INTEGER AUTO_INCREMENT PRIMARY KEY, email VARCHAR(64) UNIQUE, \
             confirmed BOOL, first_name VARCHAR(64), last_name VARCHAR(64), \
             password_hash VARCHAR(128), role_id INTEGER) CHARACTER SET {charset}"
        ))
        .expect("create users");
        for (locale, names) in &locales {
            let all = names.join(" ");
            let back: Option<Vec<u8>> = conn
                .exec_first(
                    format!("SELECT CONVERT(CONVERT(? USING {charset}) USING utf8mb4)"),
                    (&all,),
                )
                .expect("convert");
            let stored = back.as_deref() == Some(all.as_bytes());
            let output = servers::seed()
                .args(["users", "--dry-run", "-n", "1", "--hash-iterations", "1"])
                .args(["--locale", locale, "--db", &db.url])
                .output()
                .expect("seed runs");
            let text = String::from_utf8_lossy(&output.stderr);
            match output.status.code() {
                Some(0) => assert!(stored, "{charset} {locale}: accepted, not stored"),
                Some(1) => {
                    refused += 1;
                    assert!(
                        text.contains(&format!("users.first_name is {charset} on MySQL"))
                            || text.contains(&format!("users.last_name is {charset} on MySQL")),
                        "{charset} {locale}: {text}"
                    );
                    let unknown = text.contains("a character set seed cannot check");
                    assert!(
                        !stored || (unknown && !names.iter().all(|n| n.is_ascii())),
                        "{charset} {locale}: refused, stored: {text}"
                    );
                }
                other => panic!("{charset} {locale}: {other:?} {text}"),
            }
        }
    }
    assert!(refused > charsets.len(), "{refused}");
}

/// Laravel's one `name` column gets both names, each checked.
#[test]
fn a_latin1_name_column_of_laravel_is_refused_for_japanese_names() {
    let Some(db) = Database::new() else { return };
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ddl/laravel.mysql.sql"
    );
    let fixture = std::fs::read_to_string(path).expect("the Laravel fixture");
    let mut conn = db.conn();
    for statement in fixture
        .lines()
        .filter(|line| !line.starts_with("--") && !line.trim().is_empty())
    {
        conn.query_drop(statement).expect("Laravel's DDL");
    }
    conn.query_drop("ALTER TABLE users MODIFY name VARCHAR(255) CHARACTER SET latin1 NOT NULL")
        .expect("a latin1 name");
    let out = fails(&["users", "-n", "10", "--locale", "ja_JP", "--db", &db.url]);
    assert!(
        out.contains(
            "users.name is latin1 on MySQL, which cannot store the ja_JP names (e.g. あかり)"
        ),
        "{out}"
    );
    assert_eq!(contents(&db), [("users".to_owned(), 0)]);
    servers::seed()
        .args(["users", "-n", "50", "--seed", "3", "--locale", "pt_BR"])
        .args(["--bcrypt-cost", "4", "--db", &db.url])
        .assert()
        .success();
    let names: Vec<String> = db
        .conn()
        .query("SELECT name FROM users")
        .expect("read names");
    assert!(names.len() >= 45 && names.iter().any(|name| !name.is_ascii()));
}
