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
        // No app's, and no plan can be inferred: nothing tells duplicates.
        out.contains("users has no UNIQUE column seed fills with distinct values"),
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

/// Tables with what `seed describe` must read back: names in their own
/// case, a column named by a keyword, each kind of type, CHECK lists,
/// generated columns, keys of one and two columns.
const DESCRIBED_DDL: &[&str] = &[
    "CREATE TABLE roles (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL UNIQUE)",
    "CREATE TABLE `User` (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        `createdAt` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        `firstName` VARCHAR(40),
        `order` INT,
        role ENUM('member', 'moderator', 'it''s') NOT NULL DEFAULT 'member',
        flag TINYINT(1) NOT NULL DEFAULT 0,
        level TINYINT,
        status VARCHAR(10) NOT NULL CHECK (status IN ('active', 'banned')),
        tier VARCHAR(10),
        meta JSON,
        full_name VARCHAR(81) GENERATED ALWAYS AS (CONCAT(`firstName`, ' ', status)) VIRTUAL,
        doubled INT GENERATED ALWAYS AS (`order` * 2) STORED,
        avatar BLOB NOT NULL,
        plan VARCHAR(10) NOT NULL DEFAULT 'free',
        nickname VARCHAR(20) DEFAULT NULL,
        bio TEXT,
        balance DECIMAL(10, 2),
        born DATE,
        email VARCHAR(255) NOT NULL UNIQUE,
        org INT,
        handle VARCHAR(30),
        role_id INT NOT NULL,
        UNIQUE KEY org_handle (org, handle),
        CONSTRAINT tier_values CHECK (tier IN ('gold', 'silver')),
        CONSTRAINT order_positive CHECK (`order` > 0),
        FOREIGN KEY (role_id) REFERENCES roles (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    "CREATE TABLE sessions (
        token CHAR(36) NOT NULL PRIMARY KEY,
        secret BINARY(16),
        org INT,
        handle VARCHAR(30),
        CONSTRAINT member FOREIGN KEY (org, handle) REFERENCES `User` (org, handle)
    ) ENGINE=InnoDB",
    "CREATE TABLE tags (name VARCHAR(32) NOT NULL PRIMARY KEY, note VARCHAR(10))",
];

/// A database holding [`DESCRIBED_DDL`].
fn described_database() -> Option<Database> {
    let db = Database::new()?;
    let mut conn = db.conn();
    for statement in DESCRIBED_DDL {
        conn.query_drop(statement).expect("the tables to describe");
    }
    Some(db)
}

/// `seed describe --table table`, which must succeed, as JSON.
#[track_caller]
fn describe(db: &Database, table: &str) -> serde_json::Value {
    let output = servers::seed()
        .args(["describe", "--db", &db.url, "--table", table])
        .output()
        .expect("seed runs");
    assert!(
        output.status.success(),
        "seed describe --table {table} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object on stdout")
}

/// The column `name` of a described table.
#[track_caller]
fn column<'a>(table: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    table["columns"]
        .as_array()
        .expect("a list of columns")
        .iter()
        .find(|column| column["name"] == name)
        .unwrap_or_else(|| panic!("no column {name} in {table}"))
}

#[test]
fn describe_reads_names_as_spelled_and_types_as_declared() {
    use serde_json::json;
    let Some(db) = described_database() else {
        return;
    };
    let user = describe(&db, "User");
    assert_eq!(user["name"], "User");
    let names: Vec<&str> = user["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .filter_map(|column| column["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "id",
            "createdAt",
            "firstName",
            "order",
            "role",
            "flag",
            "level",
            "status",
            "tier",
            "meta",
            "full_name",
            "doubled",
            "avatar",
            "plan",
            "nickname",
            "bio",
            "balance",
            "born",
            "email",
            "org",
            "handle",
            "role_id"
        ]
    );
    let expected = [
        (
            "id",
            "int(10) unsigned",
            json!({"type": "integer", "bytes": 4}),
        ),
        ("createdAt", "datetime(6)", json!({"type": "timestamp"})),
        (
            "firstName",
            "varchar(40)",
            json!({"type": "text", "max_len": 40}),
        ),
        ("order", "int(11)", json!({"type": "integer", "bytes": 4})),
        (
            "role",
            "enum('member','moderator','it''s')",
            json!({"type": "enum", "values": ["member", "moderator", "it's"]}),
        ),
        ("flag", "tinyint(1)", json!({"type": "boolean"})),
        (
            "level",
            "tinyint(4)",
            json!({"type": "integer", "bytes": 1}),
        ),
        ("avatar", "blob", json!({"type": "other"})),
        ("bio", "text", json!({"type": "text", "max_len": null})),
        ("balance", "decimal(10,2)", json!({"type": "decimal"})),
        ("born", "date", json!({"type": "date"})),
    ];
    for (name, declared, kind) in expected {
        let column = column(&user, name);
        // MySQL 8 writes integers without a display width.
        let spelled = column["declared"].as_str().expect("declared");
        assert!(
            spelled == declared || spelled == declared.replace("(11)", "").replace("(10)", ""),
            "{name}: {spelled}"
        );
        assert_eq!(column["kind"], kind, "{name}");
    }
    // MariaDB's JSON is longtext under a json_valid CHECK.
    assert_eq!(column(&user, "meta")["kind"], json!({"type": "json"}));

    let sessions = describe(&db, "sessions");
    assert_eq!(column(&sessions, "token")["declared"], "char(36)");
    assert_eq!(
        column(&sessions, "token")["kind"],
        json!({"type": "text", "max_len": 36})
    );
    assert_eq!(
        column(&sessions, "secret")["kind"],
        json!({"type": "other"})
    );
}

#[test]
fn describe_reads_defaults_nullability_and_what_the_server_fills() {
    let Some(db) = described_database() else {
        return;
    };
    let user = describe(&db, "User");
    let id = column(&user, "id");
    assert_eq!(
        (&id["auto"], &id["not_null"], &id["default"]),
        (&true.into(), &true.into(), &serde_json::Value::Null)
    );
    let plan = column(&user, "plan");
    assert_eq!(plan["default"], "'free'");
    assert_eq!(plan["not_null"], true);
    assert_eq!(column(&user, "role")["default"], "'member'");
    assert_eq!(column(&user, "flag")["default"], "0");
    let created = column(&user, "createdAt")["default"]
        .as_str()
        .expect("a default")
        .to_ascii_lowercase();
    assert_eq!(created, "current_timestamp(6)");
    // DEFAULT NULL and no default at all are both none.
    for name in ["nickname", "firstName", "avatar", "email"] {
        assert_eq!(
            column(&user, name)["default"],
            serde_json::Value::Null,
            "{name}"
        );
    }
    assert_eq!(column(&user, "firstName")["not_null"], false);
    assert_eq!(column(&user, "avatar")["not_null"], true);
    for name in ["full_name", "doubled"] {
        assert_eq!(column(&user, name)["generated"], true, "{name}");
        assert_eq!(column(&user, name)["auto"], false, "{name}");
    }
    for name in ["createdAt", "plan", "order", "role_id"] {
        assert_eq!(column(&user, name)["generated"], false, "{name}");
        assert_eq!(column(&user, name)["auto"], false, "{name}");
    }
    let sessions = describe(&db, "sessions");
    let token = column(&sessions, "token");
    assert_eq!(
        (&token["auto"], &token["default"]),
        (&false.into(), &serde_json::Value::Null)
    );
}

#[test]
fn describe_reads_the_values_a_check_allows() {
    let Some(db) = described_database() else {
        return;
    };
    let user = describe(&db, "User");
    assert_eq!(
        column(&user, "status")["allowed"],
        serde_json::json!(["active", "banned"])
    );
    // A table-level CHECK, named.
    assert_eq!(
        column(&user, "tier")["allowed"],
        serde_json::json!(["gold", "silver"])
    );
    // A CHECK of another shape, and an ENUM, allow no list.
    for name in ["order", "role", "plan"] {
        assert_eq!(
            column(&user, name)["allowed"],
            serde_json::Value::Null,
            "{name}"
        );
    }
}

#[test]
fn describe_reads_keys_uniques_and_foreign_keys() {
    use serde_json::json;
    let Some(db) = described_database() else {
        return;
    };
    let user = describe(&db, "User");
    assert_eq!(user["primary_key"], json!(["id"]));
    assert_eq!(user["uniques"], json!([["email"], ["org", "handle"]]));
    assert_eq!(
        user["foreign_keys"],
        json!([{"columns": ["role_id"], "table": "roles", "references": ["id"]}])
    );
    let sessions = describe(&db, "sessions");
    assert_eq!(sessions["primary_key"], json!(["token"]));
    assert_eq!(sessions["uniques"], json!([]));
    assert_eq!(
        sessions["foreign_keys"],
        json!([{"columns": ["org", "handle"], "table": "User", "references": ["org", "handle"]}])
    );
    let tags = describe(&db, "tags");
    assert_eq!(tags["primary_key"], json!(["name"]));
    assert_eq!(tags["foreign_keys"], json!([]));
    let roles = describe(&db, "roles");
    assert_eq!(roles["uniques"], json!([["name"]]));
}

#[test]
fn describe_of_a_missing_table_fails_naming_it() {
    let Some(db) = described_database() else {
        return;
    };
    let out = fails(&["describe", "--db", &db.url, "--table", "accounts"]);
    assert!(out.contains("there is no table accounts"), "{out}");
    // Table names are as the server matches them: on Linux, by case.
    let mut conn = db.conn();
    let folds: i64 = conn
        .query_first("SELECT @@lower_case_table_names")
        .expect("query runs")
        .expect("one row");
    if folds == 0 {
        let out = fails(&["describe", "--db", &db.url, "--table", "user"]);
        assert!(out.contains("there is no table user"), "{out}");
    }
}

/// Ctrl-C while a statement waits on a lock another session holds ends
/// the wait at once (`KILL QUERY`), not at --busy-timeout: exit 130,
/// `"interrupted": true`, nothing written.
#[test]
fn ctrl_c_ends_a_lock_wait_at_once() {
    let Some(db) = Database::new() else { return };
    users(&db.url, &["-n", "1"]);
    let mut holder = db.conn();
    holder
        .query_drop("LOCK TABLES users WRITE, roles WRITE")
        .expect("lock users");
    let mut child = common::spawn(&[
        "users",
        "--json",
        "-n",
        "1000",
        "--hash-iterations",
        "1",
        "--busy-timeout",
        "120",
        "--db",
        &db.url,
    ]);
    let waiting = format!(
        "SELECT count(*) FROM information_schema.processlist WHERE db = '{}' AND state LIKE 'Waiting for%lock%'",
        db.name
    );
    let mut observer = connect(&db.base);
    let mut seen = false;
    for _ in 0..400 {
        let n: i64 = observer
            .query_first(&waiting)
            .expect("query the processlist")
            .unwrap_or(0);
        if n > 0 {
            seen = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(seen, "seed never waited for the lock");
    let sent = std::time::Instant::now();
    common::send_signal(&child, "INT");
    let deadline = sent + std::time::Duration::from_secs(20);
    while child.try_wait().expect("poll seed").is_none() {
        assert!(std::time::Instant::now() < deadline, "seed did not stop");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        sent.elapsed() < std::time::Duration::from_secs(3),
        "{:?}",
        sent.elapsed()
    );
    let output = child.wait_with_output().expect("seed ends");
    assert_eq!(output.status.code(), Some(130));
    let stats: servers::Stats = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert!(stats.interrupted, "{stats:?}");
    holder
        .query_drop("UNLOCK TABLES")
        .expect("release the lock");
    assert_eq!(db.count("SELECT count(*) FROM users"), 1);
}
