//! Each app's users table on every backend: detection, the rows, reruns,
//! batches, and logins checked by the app's own code (werkzeug, passlib,
//! Django, PHP's password_verify as Laravel calls it, Ruby's bcrypt as
//! Devise calls it). The suite is written once and run per backend; the
//! server runs need SEED_TEST_POSTGRES_URL / SEED_TEST_MYSQL_URL and the
//! verifiers their packages (`.ci/run` installs them), else they say they
//! were skipped.

mod common;
mod servers;

use common::{Stats, TempDb, Verdict, seed, verifier};

/// A database of one backend, made for one test and dropped after it.
trait Backend {
    /// `sqlite`, `postgres` or `mysql`: the fixture files' suffix.
    fn kind(&self) -> &'static str;
    fn url(&self) -> String;
    /// Runs statements separated by `;` at line ends (a DDL fixture).
    fn exec(&self, sql: &str);
    /// Every row of `sql`, each value as text (NULL as None).
    fn texts(&self, sql: &str) -> Vec<Vec<Option<String>>>;
    /// The names of the tables there.
    fn tables(&self) -> Vec<String>;
    /// An integer key the database fills, in this dialect.
    fn serial(&self) -> &'static str;
    /// An expression for the bytes a text column holds, in hex: what was
    /// stored, whatever the client's character set.
    fn hex(&self, column: &str) -> String {
        format!("hex({column})")
    }
    /// Has the server end every connection seed made to this database;
    /// None where there is no server.
    fn kill_connections(&self) -> Option<usize> {
        None
    }
}

struct Sqlite(TempDb);

impl Backend for Sqlite {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn url(&self) -> String {
        self.0.arg()
    }

    fn exec(&self, sql: &str) {
        self.0.exec(sql);
    }

    fn texts(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        let conn = self.0.conn();
        let mut stmt = conn.prepare(sql).expect("prepare");
        let width = stmt.column_count();
        stmt.query_map([], |row| {
            (0..width)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => None,
                        rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                        rusqlite::types::ValueRef::Real(f) => Some(f.to_string()),
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                            Some(String::from_utf8_lossy(t).into_owned())
                        }
                    })
                })
                .collect()
        })
        .and_then(Iterator::collect)
        .expect("query")
    }

    fn serial(&self) -> &'static str {
        "INTEGER PRIMARY KEY"
    }

    fn tables(&self) -> Vec<String> {
        if !self.0.path.exists() {
            return Vec::new();
        }
        self.texts("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY 1")
            .into_iter()
            .filter_map(|row| row.into_iter().next().flatten())
            .collect()
    }
}

#[cfg(feature = "postgres")]
mod pg {
    use postgres::{Client, NoTls, SimpleQueryMessage};

    use super::servers::{server_url, unique_name};

    /// A schema of its own, dropped at the end even if the test fails.
    pub struct Postgres {
        base: String,
        name: String,
        url: String,
    }

    impl Postgres {
        pub fn new() -> Option<Postgres> {
            let base = server_url("SEED_TEST_POSTGRES_URL")?;
            let name = unique_name();
            let mut admin = Client::connect(&base, NoTls).expect("connect to the test server");
            admin
                .batch_execute(&format!("CREATE SCHEMA {name}"))
                .expect("create the test schema");
            let separator = if base.contains('?') { '&' } else { '?' };
            // Its own application_name, so a test can find seed's connections.
            let url =
                format!("{base}{separator}options=-csearch_path%3D{name}&application_name={name}");
            Some(Postgres { base, name, url })
        }

        fn client(&self) -> Client {
            Client::connect(&self.url, NoTls).expect("connect to the test schema")
        }
    }

    impl super::Backend for Postgres {
        fn kind(&self) -> &'static str {
            "postgres"
        }

        fn url(&self) -> String {
            self.url.clone()
        }

        fn serial(&self) -> &'static str {
            "SERIAL PRIMARY KEY"
        }

        fn hex(&self, column: &str) -> String {
            format!("encode(convert_to({column}, 'UTF8'), 'hex')")
        }

        fn kill_connections(&self) -> Option<usize> {
            let killed = self
                .client()
                .query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE application_name = $1 AND pid <> pg_backend_pid()",
                    &[&self.name],
                )
                .expect("terminate connections");
            Some(killed.len())
        }

        fn exec(&self, sql: &str) {
            self.client().batch_execute(sql).expect("run setup SQL");
        }

        fn texts(&self, sql: &str) -> Vec<Vec<Option<String>>> {
            self.client()
                .simple_query(sql)
                .expect("query")
                .into_iter()
                .filter_map(|message| match message {
                    SimpleQueryMessage::Row(row) => Some(
                        (0..row.len())
                            .map(|i| row.get(i).map(str::to_owned))
                            .collect(),
                    ),
                    _ => None,
                })
                .collect()
        }

        fn tables(&self) -> Vec<String> {
            self.texts(&format!(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '{}' ORDER BY 1",
                self.name
            ))
            .into_iter()
            .filter_map(|row| row.into_iter().next().flatten())
            .collect()
        }
    }

    impl Drop for Postgres {
        fn drop(&mut self) {
            if let Ok(mut admin) = Client::connect(&self.base, NoTls) {
                let _ =
                    admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
            }
        }
    }
}

#[cfg(feature = "mysql")]
mod my {
    use mysql::prelude::Queryable;
    use mysql::{Conn, Opts};

    use super::servers::{server_url, unique_name};

    /// Statements of a fixture file, for clients that take one at a time.
    fn statements(sql: &str) -> Vec<String> {
        let body: String = sql
            .lines()
            .filter(|line| !line.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        body.split(";\n")
            .chain(std::iter::once(""))
            .map(|s| s.trim().trim_end_matches(';').trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn connect(url: &str) -> Conn {
        let url = url.replacen("mariadb://", "mysql://", 1);
        Conn::new(Opts::from_url(&url).expect("valid URL")).expect("connect to the test server")
    }

    /// A database of its own, dropped at the end even if the test fails.
    pub struct Mysql {
        base: String,
        name: String,
        url: String,
    }

    impl Mysql {
        pub fn new() -> Option<Mysql> {
            let base = server_url("SEED_TEST_MYSQL_URL")?;
            let name = unique_name();
            connect(&base)
                .query_drop(format!("CREATE DATABASE {name}"))
                .expect("create the test database");
            let start = base.find("://").map_or(0, |i| i + 3);
            let authority = match base[start..].find('/') {
                Some(i) => &base[..start + i],
                None => &base,
            };
            let url = format!("{authority}/{name}");
            Some(Mysql { base, name, url })
        }
    }

    impl super::Backend for Mysql {
        fn kind(&self) -> &'static str {
            "mysql"
        }

        fn url(&self) -> String {
            self.url.clone()
        }

        fn serial(&self) -> &'static str {
            "INTEGER AUTO_INCREMENT PRIMARY KEY"
        }

        /// Kills every connection to this test's database but the caller's.
        fn kill_connections(&self) -> Option<usize> {
            let mut conn = connect(&self.url);
            let ids: Vec<u64> = conn
                .query(format!(
                    "SELECT id FROM information_schema.processlist \
                     WHERE db = '{}' AND id <> CONNECTION_ID()",
                    self.name
                ))
                .expect("list connections");
            for id in &ids {
                let _ = conn.query_drop(format!("KILL {id}"));
            }
            Some(ids.len())
        }

        fn exec(&self, sql: &str) {
            let mut conn = connect(&self.url);
            for statement in statements(sql) {
                conn.query_drop(&statement)
                    .unwrap_or_else(|err| panic!("{err}: {statement}"));
            }
        }

        fn texts(&self, sql: &str) -> Vec<Vec<Option<String>>> {
            let rows: Vec<mysql::Row> = connect(&self.url).query(sql).expect("query");
            rows.into_iter()
                .map(|row| {
                    row.unwrap()
                        .into_iter()
                        .map(|value| match value {
                            mysql::Value::NULL => None,
                            mysql::Value::Bytes(bytes) => {
                                Some(String::from_utf8_lossy(&bytes).into_owned())
                            }
                            mysql::Value::Int(n) => Some(n.to_string()),
                            mysql::Value::UInt(n) => Some(n.to_string()),
                            other => Some(other.as_sql(true)),
                        })
                        .collect()
                })
                .collect()
        }

        fn tables(&self) -> Vec<String> {
            self.texts(&format!(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '{}' ORDER BY 1",
                self.name
            ))
            .into_iter()
            .filter_map(|row| row.into_iter().next().flatten())
            .collect()
        }
    }

    impl Drop for Mysql {
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
}

/// The DDL that an app's migrations make, copied into tests/fixtures/ddl.
fn fixture(app: &str, kind: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/ddl/{app}.{kind}.sql",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

/// Checks every hash with the app's own password check.
#[track_caller]
fn logins(app: &str, password: &str, hashes: &[String]) -> Verdict {
    let input = hashes.join("\n");
    match app {
        "flask-base" => verifier("python3", &["check.py", "werkzeug", password], &input),
        "ctfd" => verifier(
            "python3",
            &["check.py", "passlib-bcrypt-sha256", password],
            &input,
        ),
        "django" => verifier("python3", &["check.py", "django-hasher", password], &input),
        "laravel" => verifier("php", &["check.php", password], &input),
        "devise" => verifier("ruby", &["check.rb", password], &input),
        other => panic!("no verifier for {other}"),
    }
}

/// Makes the app's tables as its migrations would; false when that cannot
/// be done here (Django not installed).
fn migrate(db: &dyn Backend, app: &str) -> bool {
    match (app, db.kind()) {
        ("flask-base", _) | ("ctfd", "sqlite") => true,
        ("django", _) => {
            let url = db.url();
            matches!(
                verifier("python3", &["django_login.py", "migrate", &url], ""),
                Verdict::Accepted
            )
        }
        (app, kind) => {
            db.exec(&fixture(app, kind));
            true
        }
    }
}

/// The table, identity column and password column of each app.
fn shape(app: &str) -> (&'static str, &'static str, &'static str) {
    match app {
        "flask-base" => ("users", "email", "password_hash"),
        "ctfd" => ("users", "email", "password"),
        "django" => ("auth_user", "username", "password"),
        "laravel" => ("users", "email", "password"),
        "devise" => ("users", "email", "encrypted_password"),
        other => panic!("unknown app {other}"),
    }
}

/// The cheapest hash each app's format allows: the seeded password is public.
fn cheap(app: &str) -> [&'static str; 2] {
    match app {
        "flask-base" | "django" => ["--hash-iterations", "1000"],
        _ => ["--bcrypt-cost", "4"],
    }
}

#[track_caller]
fn run_users(db: &dyn Backend, app: &str, args: &[&str]) -> Stats {
    let url = db.url();
    let output = seed()
        .args(["users", "--json", "--db", &url])
        .args(cheap(app))
        .args(args)
        .output()
        .expect("run seed");
    assert!(
        output.status.success(),
        "seed users {args:?} on {app} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    common::parse_stats(&output.stdout)
}

fn reasons(pairs: &[(&str, u64)]) -> std::collections::BTreeMap<String, u64> {
    pairs
        .iter()
        .map(|(reason, n)| ((*reason).to_owned(), *n))
        .collect()
}

fn count(db: &dyn Backend, table: &str) -> u64 {
    db.texts(&format!("SELECT count(*) FROM {table}"))[0][0]
        .as_deref()
        .and_then(|n| n.parse().ok())
        .expect("a count")
}

fn truthy(value: &Option<String>) -> bool {
    matches!(value.as_deref(), Some("1" | "t" | "true"))
}

/// The whole round for one app on one backend: seed (the app read from
/// the tables), check the rows the app needs, log every seeded user in
/// with the app's own check, rerun, batch, and make an admin.
fn round(db: &dyn Backend, app: &str) {
    if !migrate(db, app) {
        return;
    }
    let (table, identity, password_column) = shape(app);
    let password = "Seeded pass 1";
    let mut args = vec!["--count", "60", "--seed", "42", "--password", password];
    if db.kind() == "sqlite" && app == "ctfd" {
        // An empty file reads as flask-base's: CTFd's tables are made by seed.
        args.extend(["--app", "ctfd"]);
    }
    let stats = run_users(db, app, &args);
    assert_eq!(stats.app.as_deref(), Some(app), "detected app");
    assert_eq!(stats.attempted, 60);
    assert_eq!(stats.inserted + stats.skipped, 60);
    assert!(stats.inserted >= 55, "{stats:?}");
    assert_eq!(count(db, table), stats.inserted);
    check_rows(db, app);

    let hashes: Vec<String> = db
        .texts(&format!("SELECT {password_column} FROM {table}"))
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten())
        .collect();
    assert_eq!(hashes.len() as u64, stats.inserted);
    logins(app, password, &hashes);

    // The same seed again: every row is there already.
    let again = run_users(db, app, &["--count", "60", "--seed", "42"]);
    assert_eq!(again.inserted, 0);
    assert_eq!(again.skipped, 60);
    assert_eq!(
        again.skipped_by_reason,
        reasons(&[("already_present", 60)]),
        "{again:?}"
    );
    assert_eq!(count(db, table), stats.inserted);

    // Batches (and, on servers, two connections) add up as one commit per row.
    let jobs = if db.kind() == "sqlite" { "1" } else { "2" };
    let batched = run_users(
        db,
        app,
        &[
            "--count",
            "90",
            "--seed",
            "43",
            "--batch-size",
            "7",
            "--jobs",
            jobs,
        ],
    );
    assert_eq!(batched.attempted, 90);
    assert_eq!(count(db, table), stats.inserted + batched.inserted);
    let distinct = db.texts(&format!("SELECT count(DISTINCT {identity}) FROM {table}"))[0][0]
        .clone()
        .unwrap_or_default();
    assert_eq!(distinct, count(db, table).to_string());

    admin(db, app);
}

/// What each app needs of a row, beyond NOT NULL.
fn check_rows(db: &dyn Backend, app: &str) {
    match app {
        "ctfd" => {
            let rows = db
                .texts("SELECT type, verified, hidden, banned, oauth_id, created, name FROM users");
            let mut admins = 0;
            for row in &rows {
                let kind = row[0].as_deref().unwrap_or_default();
                assert!(["user", "admin"].contains(&kind), "{row:?}");
                assert!(truthy(&row[1]), "verified: {row:?}");
                assert_eq!(truthy(&row[2]), kind == "admin", "hidden: {row:?}");
                assert!(row[3].is_some() && !truthy(&row[3]), "banned: {row:?}");
                assert_eq!(row[4], None, "oauth_id");
                assert!(row[5].is_some(), "created");
                assert!(row[6].as_deref().is_some_and(|n| !n.is_empty()));
                admins += usize::from(kind == "admin");
            }
            assert!(admins > 0 && admins < rows.len() / 2, "{admins} admins");
        }
        "django" => {
            let rows = db.texts(
                "SELECT is_active, is_staff, is_superuser, last_login, date_joined, username, email FROM auth_user",
            );
            let superusers = rows.iter().filter(|row| truthy(&row[2])).count();
            assert!(superusers > 0 && superusers < rows.len() / 2);
            for row in &rows {
                assert!(truthy(&row[0]), "is_active: {row:?}");
                if truthy(&row[2]) {
                    assert!(truthy(&row[1]), "a superuser is staff: {row:?}");
                }
                assert_eq!(row[3], None, "last_login");
                assert!(row[4].as_deref().is_some_and(|t| t.starts_with("2025")));
                let username = row[5].as_deref().unwrap_or_default();
                assert!(
                    !username.is_empty()
                        && username.bytes().all(|b| b.is_ascii_lowercase()
                            || b.is_ascii_digit()
                            || b"._-".contains(&b)),
                    "{username}"
                );
            }
        }
        "laravel" => {
            for row in db.texts(
                "SELECT email_verified_at, created_at, updated_at, remember_token, name FROM users",
            ) {
                for time in &row[..3] {
                    let time = time.as_deref().unwrap_or_default();
                    assert_eq!(time.len(), 19, "whole seconds: {time}");
                }
                assert_eq!(row[3], None);
                assert!(row[4].as_deref().is_some_and(|name| name.contains(' ')));
            }
        }
        "devise" => {
            for row in db.texts("SELECT reset_password_token, created_at, updated_at FROM users") {
                assert_eq!(row[0], None);
                assert!(row[1].is_some() && row[1] == row[2], "{row:?}");
            }
        }
        _ => {}
    }
}

/// `seed admin` makes an administrator who logs in, where the app has one.
fn admin(db: &dyn Backend, app: &str) {
    let url = db.url();
    let password = "Admin pass 2";
    let output = seed()
        .args(["admin", "--json", "--db", &url])
        .args(["--email", "boss@example.com", "--password", password])
        .output()
        .expect("run seed admin");
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    match app {
        "laravel" | "devise" => {
            assert_eq!(output.status.code(), Some(1), "{text}");
            assert!(text.contains("has no admin role"), "{text}");
        }
        "django" => {
            assert!(output.status.success(), "{text}");
            if let Verdict::Accepted = verifier(
                "python3",
                &["django_login.py", "login", &url, "boss", password],
                "",
            ) {
                let row = db.texts(
                    "SELECT is_staff, is_superuser, email FROM auth_user WHERE username = 'boss'",
                );
                assert!(truthy(&row[0][0]) && truthy(&row[0][1]), "{row:?}");
            }
        }
        "ctfd" => {
            assert!(output.status.success(), "{text}");
            let row = db.texts("SELECT type, password FROM users WHERE email = 'boss@example.com'");
            assert_eq!(row[0][0].as_deref(), Some("admin"));
            logins(app, password, &[row[0][1].clone().unwrap_or_default()]);
        }
        _ => assert!(output.status.success(), "{text}"),
    }
    if !matches!(app, "django" | "ctfd") || !output.status.success() {
        return;
    }
    // Again: an administrator already, left as it is.
    let again = seed()
        .args(["admin", "--db", &url, "--email", "boss@example.com"])
        .args(["--password", password])
        .output()
        .expect("run seed admin");
    let text = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{text}");
    assert!(text.contains("already exists; left unchanged"), "{text}");
    // A seeded user is no administrator: said so, and nothing changes.
    let (table, identity, _) = shape(app);
    let user = db.texts(&format!(
        "SELECT {identity}, email FROM {table} WHERE email <> 'boss@example.com' ORDER BY id"
    ));
    let (login, email) = (
        user[0][0].clone().unwrap_or_default(),
        user[0][1].clone().unwrap_or_default(),
    );
    let before = count(db, table);
    let mut args = vec!["admin", "--db", &url, "--password", password];
    if app == "django" {
        args.extend(["--email", "new@example.com", "--username", &login]);
    } else {
        args.extend(["--email", &email]);
    }
    let text = servers::fails(&args);
    assert!(
        text.contains(&format!("{login} already exists (id "))
            && text.contains("is not an administrator (its role is user); left unchanged"),
        "{text}"
    );
    assert_eq!(count(db, table), before);
}

/// A members table no app has, in `db`'s dialect; returns its identifier
/// quote.
fn members_table(db: &dyn Backend) -> char {
    let (time, text) = match db.kind() {
        "mysql" => ("DATETIME(6)", "TEXT"),
        _ => ("TIMESTAMP", "TEXT"),
    };
    let quote = if db.kind() == "mysql" { '`' } else { '"' };
    db.exec(&format!(
        "CREATE TABLE members (id {serial}, email VARCHAR(120) NOT NULL UNIQUE, \
         handle VARCHAR(40) NOT NULL, pw_digest VARCHAR(255) NOT NULL, \
         kind VARCHAR(20) NOT NULL CHECK (kind IN ('member', 'moderator')), \
         {quote}createdAt{quote} {time} NOT NULL, plan VARCHAR(10) NOT NULL DEFAULT 'free', bio {text})",
        serial = db.serial()
    ));
    quote
}

/// An inferred plan goes through every path as a preset does: one commit
/// per row, batches, several connections and the bulk load (COPY on
/// PostgreSQL) make the same rows, counted alike.
fn inferred_plan_every_path(db: &dyn Backend) {
    members_table(db);
    let mut runs = vec![&["--batch-size", "1"][..], &["--batch-size", "100"]];
    if db.kind() != "sqlite" {
        runs.extend([
            &["--batch-size", "7", "--jobs", "3"][..],
            &["--batch-size", "20000"],
        ]);
    }
    let mut digest = None;
    let mut inserted = 0;
    for options in runs {
        let args = [&["--count", "300", "--seed", "4"][..], options].concat();
        let stats = run_users(db, "laravel", &args);
        assert_eq!(stats.plan.as_deref(), Some("inferred"));
        assert!(stats.digest.is_some());
        if digest.is_none() {
            digest.clone_from(&stats.digest);
        }
        assert_eq!(stats.digest, digest, "{} {options:?}", db.kind());
        assert_eq!(stats.attempted, 300);
        inserted += stats.inserted;
    }
    assert_eq!(count(db, "members"), inserted);
    let times = db.texts(
        "SELECT count(*) FROM members WHERE kind IN ('member', 'moderator') AND plan = 'free'",
    );
    assert_eq!(times[0][0].as_deref(), Some(inserted.to_string().as_str()));
}

/// Decimal and date columns, inferred from their types and names, written
/// alike by one commit per row and by the bulk load (COPY on PostgreSQL),
/// and read back as the numbers and days they are.
fn decimals_and_dates(db: &dyn Backend) {
    let double = if db.kind() == "mysql" {
        "DOUBLE"
    } else {
        "DOUBLE PRECISION"
    };
    db.exec(&format!(
        "CREATE TABLE accounts (id {serial}, email VARCHAR(120) NOT NULL UNIQUE, \
         password VARCHAR(255) NOT NULL, balance NUMERIC(10,2) NOT NULL, rate {double} NOT NULL, \
         joined_on DATE NOT NULL, birth_date DATE NOT NULL)",
        serial = db.serial()
    ));
    let url = db.url();
    let plan = seed()
        .args(["plan", "--db", &url])
        .output()
        .expect("run seed plan");
    let plan = String::from_utf8_lossy(&plan.stdout);
    for line in [
        "balance = { gen = \"decimal\", min = 0, max = 1000, scale = 2 }",
        "rate = { gen = \"decimal\", min = 0, max = 1000, scale = 2 }",
        "joined_on = \"date\"",
        "birth_date = { gen = \"date\", from = \"1940-01-01\", to = \"2007-12-31\" }",
    ] {
        assert!(plan.contains(line), "{} lacks {line}:\n{plan}", db.kind());
    }
    let bulk = ["--count", "6000", "--seed", "9", "--batch-size", "20000"];
    let dry = run_users(db, "laravel", &[&bulk[..], &["--dry-run"]].concat());
    let stats = run_users(db, "laravel", &bulk);
    assert_eq!(stats.digest, dry.digest, "{}", db.kind());
    let single = run_users(db, "laravel", &["--count", "200", "--seed", "10"]);
    let inserted = stats.inserted + single.inserted;
    assert!(inserted > 6000, "{stats:?} {single:?}");
    let texts = db.texts(
        "SELECT count(*), count(DISTINCT balance), min(balance), max(balance), \
         min(joined_on), max(joined_on), min(birth_date), max(birth_date) FROM accounts \
         WHERE balance BETWEEN 0 AND 1000 AND round(balance, 2) = balance \
         AND rate BETWEEN 0 AND 1000",
    );
    let row: Vec<&str> = texts[0]
        .iter()
        .map(|v| v.as_deref().unwrap_or("NULL"))
        .collect();
    assert_eq!(row[0], inserted.to_string(), "{}: {row:?}", db.kind());
    assert!(row[1].parse::<u64>().unwrap_or_default() > 3000, "{row:?}");
    assert!(
        row[4] >= "2025-01-02" && row[5] <= "2026-01-01",
        "{}: {row:?}",
        db.kind()
    );
    assert!(
        row[6] >= "1940-01-01" && row[7] <= "2007-12-31",
        "{}: {row:?}",
        db.kind()
    );
    // Some balance has cents, and the days are days, not instants.
    assert!(
        !row[2].contains(' ') && row[4].len() == 10,
        "{}: {row:?}",
        db.kind()
    );
}

/// Each UNIQUE column counts its own duplicates (`duplicate_<column>`),
/// alike on every path: one commit per row, batches, `--jobs` and the bulk
/// load.
fn duplicates_per_column(db: &dyn Backend) {
    let plan_dir = tempfile::tempdir().expect("temp dir");
    let plan = plan_dir.path().join("seed.toml");
    std::fs::write(
        &plan,
        "table = \"members\"\nidentity = \"email\"\n[columns]\nid = \"default\"\n\
         email = \"email\"\nhandle = \"username\"\ncode = { gen = \"int\", min = 1, max = 20000 }\n\
         pw = { gen = \"password\", cost = 4 }\n",
    )
    .expect("write the plan");
    let plan = plan.to_string_lossy().into_owned();
    let mut runs = vec![&["--batch-size", "1"][..], &["--batch-size", "500"]];
    if db.kind() != "sqlite" {
        runs.extend([
            &["--batch-size", "7", "--jobs", "3"][..],
            &["--batch-size", "20000"],
        ]);
    }
    let mut first: Option<Stats> = None;
    for options in runs {
        db.exec("DROP TABLE IF EXISTS members");
        db.exec(&format!(
            "CREATE TABLE members (id {serial}, email VARCHAR(120) NOT NULL UNIQUE, \
             handle VARCHAR(60) NOT NULL UNIQUE, code INTEGER NOT NULL UNIQUE, pw VARCHAR(100) NOT NULL)",
            serial = db.serial()
        ));
        let url = db.url();
        let output = seed()
            .args(["users", "--json", "--db", &url, "--plan", &plan])
            .args(["--count", "6000", "--seed", "5"])
            .args(options)
            .output()
            .expect("run seed");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stats = common::parse_stats(&output.stdout);
        assert_eq!(stats.inserted, count(db, "members"), "{options:?}");
        let code = stats
            .skipped_by_reason
            .get("duplicate_code")
            .copied()
            .unwrap_or_default();
        assert!(code > 100, "{} {options:?}: {stats:?}", db.kind());
        assert!(
            !stats.skipped_by_reason.contains_key("unique_violation"),
            "{stats:?}"
        );
        match &first {
            None => first = Some(stats),
            Some(first) => {
                assert_eq!(
                    stats.skipped_by_reason,
                    first.skipped_by_reason,
                    "{} {options:?}",
                    db.kind()
                );
                assert_eq!(stats.inserted, first.inserted);
            }
        }
    }
}

/// What a realistic table holds after a run: each row's values as text.
type Rows = Vec<Vec<Option<String>>>;

/// One realistic table of an app seed has no preset for.
struct Realistic {
    table: &'static str,
    /// The DDL (and any rows already there), `;` and a line end apart.
    ddl: String,
    /// Options for the hash's work, as the format read takes them.
    work: &'static [&'static str],
    /// What is read back, the password hash first.
    select: String,
    check: fn(&str, &[Option<String>]),
    /// The framework's own password check: program and arguments.
    checker: (&'static str, &'static [&'static str]),
}

/// Six tables of apps seed has no preset for, on every backend, each
/// filled by the plan inferred from it: every row as its columns want it,
/// and every password logging in with the framework's own check; a table
/// with a NOT NULL column nothing fills is refused before any write.
fn realistic_tables(db: &dyn Backend) {
    let kind = db.kind();
    let q = if kind == "mysql" { '`' } else { '"' };
    let (uuid, json, time, blob) = match kind {
        "postgres" => ("UUID", "JSONB", "TIMESTAMP", "BYTEA"),
        "mysql" => ("CHAR(36)", "JSON", "DATETIME(6)", "BLOB"),
        _ => ("CHAR(36)", "JSON", "DATETIME", "BLOB"),
    };
    // An enum type of the backend's own, or a CHECK list on SQLite.
    let enumerated = |column: &str, name: &str, values: &[&str]| -> (String, String) {
        let list: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
        let list = list.join(", ");
        match kind {
            "postgres" => (
                format!("CREATE TYPE {q}{name}{q} AS ENUM ({list});\n"),
                format!("{q}{name}{q}"),
            ),
            "mysql" => (String::new(), format!("ENUM({list})")),
            _ => (
                String::new(),
                format!("TEXT CHECK ({q}{column}{q} IN ({list}))"),
            ),
        }
    };
    let flag = |column: &str| format!("CASE WHEN {column} THEN 1 ELSE 0 END");
    let (role_type, role_column) = enumerated("role", "Role", &["USER", "ADMIN"]);
    let (tier_type, tier_column) = enumerated("tier", "tier", &["free", "pro"]);
    let cases = [
        // Prisma's "User": a text id without a default, camelCase, an enum.
        Realistic {
            table: "User",
            ddl: format!(
                "{role_type}CREATE TABLE {q}User{q} (id VARCHAR(36) NOT NULL PRIMARY KEY, \
                 email VARCHAR(191) NOT NULL UNIQUE, name TEXT, {q}passwordHash{q} TEXT NOT NULL, \
                 {q}createdAt{q} {time} NOT NULL DEFAULT CURRENT_TIMESTAMP, {q}updatedAt{q} {time} NOT NULL, \
                 role {role_column} NOT NULL DEFAULT 'USER')"
            ),
            work: &["--bcrypt-cost", "4"],
            select: format!(
                "SELECT {q}passwordHash{q}, id, email, name, {q}updatedAt{q}, role FROM {q}User{q}"
            ),
            check: |kind, row| {
                assert_eq!(row[1].as_deref().map(str::len), Some(36), "{kind}: {row:?}");
                assert!(row[2].as_deref().is_some_and(|e| e.contains('@')));
                // A name rule fills a nullable column too.
                assert!(
                    row[3].as_deref().is_some_and(|n| n.contains(' ')),
                    "{kind}: {row:?}"
                );
                assert!(
                    row[4].as_deref().is_some_and(|t| t.starts_with("2025-")),
                    "{row:?}"
                );
                assert!(
                    matches!(row[5].as_deref(), Some("USER" | "ADMIN")),
                    "{row:?}"
                );
            },
            checker: ("python3", &["check.py", "bcrypt"]),
        },
        // FastAPI Users: a uuid key without a default, flags, Argon2
        // (pwdlib's) read from a hash there.
        Realistic {
            table: "user",
            ddl: format!(
                "CREATE TABLE {q}user{q} (id {uuid} NOT NULL PRIMARY KEY, email VARCHAR(320) NOT NULL UNIQUE, \
                 hashed_password VARCHAR(1024) NOT NULL, is_active BOOLEAN NOT NULL, \
                 is_superuser BOOLEAN NOT NULL, is_verified BOOLEAN NOT NULL);\n\
                 INSERT INTO {q}user{q} VALUES ('00000000-0000-4000-8000-000000000000', 'first@example.com', \
                 '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA', true, false, true)"
            ),
            work: &["--hash-iterations", "1"],
            select: format!(
                "SELECT hashed_password, id, {}, {}, {} FROM {q}user{q} WHERE email <> 'first@example.com'",
                flag("is_active"),
                flag("is_superuser"),
                flag("is_verified")
            ),
            check: |kind, row| {
                assert_eq!(row[1].as_deref().map(str::len), Some(36), "{kind}: {row:?}");
                // Flags that let a user in are true, those that elevate false.
                let flags: Vec<Option<&str>> = row[2..].iter().map(Option::as_deref).collect();
                assert_eq!(flags, [Some("1"), Some("0"), Some("1")], "{kind}: {row:?}");
            },
            checker: ("python3", &["check.py", "argon2"]),
        },
        // A hand-made members table: a CHECK list, JSON, a default, a
        // column named order, a foreign key to a table with rows, and
        // Laravel's $2y$ read from a hash there.
        Realistic {
            table: "members",
            ddl: format!(
                "CREATE TABLE orgs (id {serial}, name VARCHAR(20) NOT NULL);\n\
                 INSERT INTO orgs (name) VALUES ('a'), ('b'), ('c');\n\
                 CREATE TABLE members (id {serial}, email VARCHAR(120) NOT NULL UNIQUE, \
                 handle VARCHAR(40) NOT NULL, pw_digest VARCHAR(255) NOT NULL, {q}order{q} INTEGER NOT NULL, \
                 kind VARCHAR(20) NOT NULL CHECK (kind IN ('member', 'moderator')), prefs {json} NOT NULL, \
                 org_id INTEGER NOT NULL REFERENCES orgs(id), plan VARCHAR(10) NOT NULL DEFAULT 'free', bio TEXT);\n\
                 INSERT INTO members (email, handle, pw_digest, {q}order{q}, kind, prefs, org_id) VALUES \
                 ('first@example.com', 'first', '$2y$04$abcdefghijklmnopqrstuu3P8MiIMPCSqUw8kVVqCKmF2I8d3P2DO', 1, 'member', '{{}}', 1)",
                serial = db.serial()
            ),
            work: &["--bcrypt-cost", "4"],
            select: format!(
                "SELECT pw_digest, handle, {q}order{q}, kind, prefs, org_id, plan, bio FROM members WHERE id > 1"
            ),
            check: |kind, row| {
                assert!(
                    row[1].as_deref().is_some_and(|h| !h.contains('@')),
                    "{row:?}"
                );
                assert!(row[2].as_deref().is_some_and(|n| n.parse::<i64>().is_ok()));
                assert!(matches!(row[3].as_deref(), Some("member" | "moderator")));
                assert_eq!(row[4].as_deref(), Some("{}"), "{kind}");
                assert!(
                    matches!(row[5].as_deref(), Some("1" | "2" | "3")),
                    "{row:?}"
                );
                assert_eq!(row[6].as_deref(), Some("free"));
                assert_eq!(row[7], None, "{kind}: a nullable column stays NULL");
            },
            checker: ("php", &["check.php"]),
        },
        // A Django custom user model: the username is the identity, an
        // enum, PBKDF2 read from a hash there.
        Realistic {
            table: "accounts_user",
            ddl: format!(
                "{tier_type}CREATE TABLE accounts_user (id {serial}, password VARCHAR(128) NOT NULL, \
                 last_login {time} NULL, is_superuser BOOLEAN NOT NULL, username VARCHAR(150) NOT NULL UNIQUE, \
                 email VARCHAR(254) NOT NULL, is_staff BOOLEAN NOT NULL, is_active BOOLEAN NOT NULL, \
                 date_joined {time} NOT NULL, tier {tier_column} NOT NULL);\n\
                 INSERT INTO accounts_user (password, is_superuser, username, email, is_staff, is_active, date_joined, tier) \
                 VALUES ('pbkdf2_sha256$1000$salt$aGFzaA==', true, 'root', 'root@example.com', true, true, '2025-01-01 00:00:00', 'pro')",
                serial = db.serial()
            ),
            work: &["--hash-iterations", "1000"],
            select: format!(
                "SELECT password, username, email, {}, {}, {}, tier, last_login FROM accounts_user WHERE username <> 'root'",
                flag("is_superuser"),
                flag("is_staff"),
                flag("is_active")
            ),
            check: |kind, row| {
                assert!(
                    row[1]
                        .as_deref()
                        .is_some_and(|u| !u.is_empty() && !u.contains(' '))
                );
                assert!(row[2].as_deref().is_some_and(|e| e.contains('@')));
                let flags: Vec<Option<&str>> = row[3..6].iter().map(Option::as_deref).collect();
                assert_eq!(flags, [Some("0"), Some("0"), Some("1")], "{kind}: {row:?}");
                assert!(matches!(row[6].as_deref(), Some("free" | "pro")), "{row:?}");
                assert_eq!(row[7], None);
            },
            checker: ("python3", &["check.py", "django-hasher"]),
        },
        // A Flask 3 app: werkzeug's scrypt read from a hash there, a
        // decimal, a birth date, a two-letter country, a phone.
        Realistic {
            table: "people",
            ddl: format!(
                "CREATE TABLE people (id {serial}, email VARCHAR(120) NOT NULL UNIQUE, \
                 password_hash VARCHAR(255) NOT NULL, balance NUMERIC(10,2) NOT NULL, \
                 birth_date DATE NOT NULL, country VARCHAR(2) NOT NULL, phone VARCHAR(40) NOT NULL);\n\
                 INSERT INTO people (email, password_hash, balance, birth_date, country, phone) VALUES \
                 ('first@example.com', 'scrypt:32768:8:1$abcdefghABCDEF12$00ff', 1, '1990-01-01', 'DE', '1')",
                serial = db.serial()
            ),
            work: &["--hash-iterations", "14"],
            select:
                "SELECT password_hash, balance, birth_date, country, phone FROM people WHERE id > 1"
                    .to_owned(),
            check: |kind, row| {
                let balance: f64 = row[1]
                    .as_deref()
                    .and_then(|b| b.parse().ok())
                    .unwrap_or(-1.0);
                assert!((0.0..=1000.0).contains(&balance), "{kind}: {row:?}");
                let born = row[2].as_deref().unwrap_or_default();
                assert!(
                    born.len() == 10 && ("1940".."2008").contains(&&born[..4]),
                    "{kind}: {row:?}"
                );
                assert_eq!(row[3].as_deref().map(str::len), Some(2), "{row:?}");
                assert!(
                    row[4]
                        .as_deref()
                        .is_some_and(|p| p.chars().any(|c| c.is_ascii_digit()))
                );
            },
            checker: ("python3", &["check.py", "werkzeug"]),
        },
    ];
    let password = "pass word 1";
    let url = db.url();
    for case in &cases {
        db.exec(&case.ddl);
        let output = seed()
            .args(["users", "--json", "--db", &url, "--table", case.table])
            .args(["--count", "200", "--seed", "5", "--password", password])
            .args(case.work)
            .output()
            .expect("run seed");
        assert!(
            output.status.success(),
            "{kind} {}: {}",
            case.table,
            String::from_utf8_lossy(&output.stderr)
        );
        let stats = common::parse_stats(&output.stdout);
        assert_eq!(
            stats.plan.as_deref(),
            Some("inferred"),
            "{kind} {}",
            case.table
        );
        assert_eq!(stats.inserted, 200, "{kind} {}: {stats:?}", case.table);
        let rows: Rows = db.texts(&case.select);
        assert_eq!(rows.len(), 200, "{kind} {}", case.table);
        for row in &rows {
            (case.check)(kind, row);
        }
        let hashes: Vec<String> = rows.iter().filter_map(|row| row[0].clone()).collect();
        let (program, args) = case.checker;
        let args = [args, &[password][..]].concat();
        let _ = common::verifier(program, &args, &hashes.join("\n"));
        // SQLite's names fold case: "User" and "user" are one table.
        db.exec(&format!("DROP TABLE {q}{}{q}", case.table));
    }
    // A NOT NULL column nothing fills: refused before any write, naming it.
    db.exec(&format!(
        "CREATE TABLE customers (id {serial}, email VARCHAR(120) NOT NULL UNIQUE, avatar {blob} NOT NULL)",
        serial = db.serial()
    ));
    let output = seed()
        .args([
            "users",
            "--db",
            &url,
            "--table",
            "customers",
            "--count",
            "10",
        ])
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("customers.avatar (") && stderr.contains("nothing seed writes fits it"),
        "{kind}: {stderr}"
    );
    assert_eq!(count(db, "customers"), 0);
}

/// A table no app has, filled by the plan inferred from its catalog: a
/// CHECK list, a default, a nullable column, a camelCase name, and the
/// password format read from a hash already there, which the app's own
/// check (PHP's password_verify) accepts.
fn inferred_plan(db: &dyn Backend) {
    let quote = members_table(db);
    // A row the app wrote: its hash's format is the one to write.
    db.exec(
        "INSERT INTO members (email, handle, pw_digest, kind, createdAt, plan) VALUES \
         ('first@example.com', 'first', '$2y$04$abcdefghijklmnopqrstuu3P8MiIMPCSqUw8kVVqCKmF2I8d3P2DO', 'member', '2025-01-01 00:00:00', 'pro')"
            .replace("createdAt", &format!("{quote}createdAt{quote}"))
            .as_str(),
    );
    let url = db.url();
    let output = seed()
        .args(["plan", "--db", &url])
        .output()
        .expect("run seed plan");
    let plan = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in [
        "table = \"members\"",
        "pw_digest = { gen = \"password\", format = \"bcrypt-2y\" }",
        "kind = \"role\"",
        "createdAt = \"timestamp\"",
        "plan = \"default\"",
        "bio = \"null\"",
    ] {
        assert!(plan.contains(line), "{line}: {plan}");
    }
    let stats = run_users(
        db,
        "laravel",
        &["--count", "300", "--seed", "2", "--batch-size", "50"],
    );
    assert_eq!(stats.plan.as_deref(), Some("inferred"));
    assert_eq!(stats.inserted + 1, count(db, "members"));
    assert_eq!(stats.inserted + stats.skipped, 300);
    let rows = db.texts(
        "SELECT email, handle, pw_digest, kind, plan, bio FROM members WHERE email <> 'first@example.com'",
    );
    let mut hashes = Vec::new();
    for row in &rows {
        let value = |i: usize| row[i].clone().unwrap_or_default();
        assert!(value(0).contains('@') && !value(1).is_empty(), "{row:?}");
        assert!(value(2).starts_with("$2y$04$"), "{row:?}");
        assert!(
            ["member", "moderator"].contains(&value(3).as_str()),
            "{row:?}"
        );
        assert_eq!(value(4), "free");
        assert_eq!(row[5], None);
        hashes.push(value(2));
    }
    hashes.dedup();
    logins("laravel", "password", &hashes);
}

/// CTFd logs users in by name or email and keeps names unique in its own
/// code only: no seeded row and no administrator takes a name that is
/// there, whatever the batch size and connections.
fn ctfd_names(db: &dyn Backend) {
    if !migrate(db, "ctfd") {
        return;
    }
    let url = db.url();
    // An administrator called Admin, as CTFd's /setup makes one, and the
    // first rows of the run below, there before it.
    let admin = "INSERT INTO users (name, email, password, type, verified, hidden, banned) \
                 VALUES ('Admin', 'admin@ctfd.io', 'x', 'admin', TRUE, TRUE, FALSE)";
    if db.kind() == "sqlite" {
        let made = seed()
            .args(["roles", "--app", "ctfd", "--db", &url])
            .output();
        assert!(made.is_ok_and(|output| output.status.success()));
    }
    db.exec(admin);
    let first = run_users(
        db,
        "ctfd",
        &["--count", "3000", "--seed", "1", "--batch-size", "500"],
    );
    let mut args = vec!["--count", "100000", "--seed", "1", "--batch-size", "1000"];
    if db.kind() != "sqlite" {
        args.extend(["--jobs", "4"]);
    }
    let stats = run_users(db, "ctfd", &args);
    assert_eq!(first.inserted + 1 + stats.inserted, count(db, "users"));
    let reasons = &stats.skipped_by_reason;
    // Rows 1 to 3000 were there: already present, by email or by name.
    assert!(
        reasons.get("already_present").is_some_and(|n| *n >= 3000),
        "{reasons:?}"
    );
    assert!(
        reasons.get("duplicate_name").is_some_and(|n| *n > 0),
        "{reasons:?}"
    );
    let shared = "SELECT lower(name), count(*) FROM users GROUP BY lower(name) HAVING count(*) > 1";
    assert_eq!(db.texts(shared), Vec::<Vec<Option<String>>>::new());

    // The name admin@example.com would get is taken: refused, naming who has it.
    let before = count(db, "users");
    let text = servers::fails(&[
        "admin",
        "--db",
        &url,
        "--email",
        "admin@example.com",
        "--password",
        "pw",
    ]);
    assert!(
        text.contains("the name admin is taken by another account (id ")
            && text.contains(", admin@ctfd.io)"),
        "{text}"
    );
    assert_eq!(count(db, "users"), before);
    let output = seed()
        .args(["admin", "--db", &url, "--email", "admin@example.com"])
        .args(["--name", "root", "--password", "pw"])
        .output()
        .expect("run seed admin");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let row = db.texts("SELECT name, type FROM users WHERE email = 'admin@example.com'");
    assert_eq!(row, [[Some("root".to_owned()), Some("admin".to_owned())]]);
    assert_eq!(db.texts(shared), Vec::<Vec<Option<String>>>::new());
}

macro_rules! every_app {
    ($backend:ident, $new:expr) => {
        mod $backend {
            use super::*;

            #[test]
            fn flask_base() {
                if let Some(db) = $new {
                    round(&db, "flask-base");
                }
            }

            #[test]
            fn ctfd() {
                if let Some(db) = $new {
                    round(&db, "ctfd");
                }
            }

            #[test]
            fn django() {
                if let Some(db) = $new {
                    round(&db, "django");
                }
            }

            #[test]
            fn laravel() {
                if let Some(db) = $new {
                    round(&db, "laravel");
                }
            }

            #[test]
            fn devise() {
                if let Some(db) = $new {
                    round(&db, "devise");
                }
            }

            #[test]
            fn an_inferred_plan_makes_the_same_rows_on_every_path() {
                if let Some(db) = $new {
                    inferred_plan_every_path(&db);
                }
            }

            #[test]
            fn decimal_and_date_columns_are_filled_on_every_path() {
                if let Some(db) = $new {
                    decimals_and_dates(&db);
                }
            }

            #[test]
            fn each_unique_column_counts_its_own_duplicates_on_every_path() {
                if let Some(db) = $new {
                    duplicates_per_column(&db);
                }
            }

            #[test]
            fn six_realistic_tables_are_filled_by_their_inferred_plans_and_log_in() {
                if let Some(db) = $new {
                    realistic_tables(&db);
                }
            }

            #[test]
            fn a_table_no_app_has_is_filled_by_its_inferred_plan() {
                if let Some(db) = $new {
                    inferred_plan(&db);
                }
            }

            #[test]
            fn ctfd_names_are_never_shared_after_seed_users_and_seed_admin() {
                if let Some(db) = $new {
                    ctfd_names(&db);
                }
            }

            #[test]
            fn a_connection_the_server_kills_is_one_clear_line_and_the_counts_hold() {
                for batch in ["1", "50", "20000"] {
                    let Some(db) = $new else { return };
                    if db.kind() == "sqlite" {
                        return;
                    }
                    let url = db.url();
                    let child = std::process::Command::new(env!("CARGO_BIN_EXE_seed"))
                        .args(["users", "--json", "--count", "1000000", "--db", &url])
                        .args(["--batch-size", batch])
                        .env_remove("DATABASE_URL")
                        .stdout(std::process::Stdio::piped())
                        .stderr(std::process::Stdio::piped())
                        .spawn()
                        .expect("start seed");
                    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
                    loop {
                        let tables = db.tables();
                        if tables.iter().any(|t| t == "users") && count(&db, "users") >= 200 {
                            break;
                        }
                        assert!(
                            std::time::Instant::now() < deadline,
                            "no rows within a minute"
                        );
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                    assert!(db.kill_connections().is_some_and(|n| n >= 1));
                    let output = child.wait_with_output().expect("seed ends");
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    assert_eq!(output.status.code(), Some(1), "{stderr}");
                    assert!(
                        stderr.starts_with("error: lost the connection to ")
                            && stderr.lines().count() == 1
                            && !stderr.contains("Error {"),
                        "{stderr}"
                    );
                    let stats = common::parse_stats(&output.stdout);
                    assert_eq!(
                        stats.inserted,
                        count(&db, "users"),
                        "--batch-size {batch}"
                    );
                }
            }

            #[test]
            fn a_batch_gives_each_row_the_reason_single_commits_give() {
                let (Some(one), Some(batched)) = ($new, $new) else { return };
                for db in [&one, &batched] {
                    rejecting_schema(db);
                    // Rows already there: the run's first 300 are already present.
                    run_users(db, "flask-base", &["--count", "300", "--seed", "8"]);
                }
                let before = count(&one, "users");
                assert_eq!(count(&batched, "users"), before);
                let run = ["--count", "3000", "--seed", "8"];
                let a = run_users(&one, "flask-base", &run);
                let b = run_users(&batched, "flask-base", &[&run[..], &["--batch-size", "1000"]].concat());
                assert_eq!(a.skipped_by_reason, b.skipped_by_reason);
                assert_eq!(a.inserted, b.inserted);
                let mut expected = vec!["already_present", "check", "unique_violation"];
                expected.extend(match one.kind() {
                    "postgres" => &["foreign_key", "not_null", "other_constraint"][..],
                    "mysql" => &["foreign_key", "not_null"][..],
                    _ => &["other_constraint"][..],
                });
                for reason in expected {
                    assert!(b.skipped_by_reason.get(reason).is_some_and(|n| *n > 0), "{reason}: {b:?}");
                }
                assert_eq!(count(&batched, "users"), before + b.inserted);
                assert_eq!(count(&one, "users"), before + a.inserted);
                let rows = "SELECT confirmed, first_name, last_name, email, password_hash, role_id \
                    FROM users ORDER BY id";
                assert_eq!(dump(&one, rows), dump(&batched, rows));
            }

            #[test]
            fn the_digest_is_the_rows_generated_whatever_the_batch_size_and_jobs() {
                let Some(db) = $new else { return };
                let server = db.kind() != "sqlite";
                let mut runs = vec![&["--batch-size", "1"][..], &["--batch-size", "1000"]];
                if server {
                    runs.extend([&["--batch-size", "7", "--jobs", "3"][..], &["--batch-size", "20000"]]);
                }
                // The later runs find the rows there: what they insert differs,
                // what they generate does not.
                let mut inserted = 0;
                for options in runs {
                    let args = [&["--count", "300", "--seed", "42"][..], options].concat();
                    let stats = run_users(&db, "flask-base", &args);
                    assert_eq!(
                        stats.digest.as_deref(),
                        Some(FLASK_BASE_300_CHEAP),
                        "{} {options:?}",
                        db.kind()
                    );
                    inserted += stats.inserted;
                }
                assert_eq!(count(&db, "users"), 300);
                assert_eq!(inserted, 300);
            }

            #[test]
            fn a_dry_run_reads_the_app_and_writes_nothing() {
                let Some(db) = $new else { return };
                let dry = |db: &dyn Backend| {
                    let output = seed()
                        .args(["users", "--dry-run", "--json", "--db", &db.url()])
                        .args(["--count", "300", "--seed", "42", "--hash-iterations", "1000"])
                        .output()
                        .expect("run seed");
                    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
                    common::parse_stats(&output.stdout)
                };
                // Nothing there: a real run would create flask-base's tables.
                let empty = dry(&db);
                assert!(empty.dry_run && empty.app.as_deref() == Some("flask-base"), "{empty:?}");
                assert_eq!(db.tables(), Vec::<String>::new());
                assert_eq!(empty.digest.as_deref(), Some(FLASK_BASE_300_CHEAP));
                // Rows there: read, not touched.
                run_users(&db, "flask-base", &["--count", "20"]);
                let rows = "SELECT id, email, role_id FROM users ORDER BY id";
                let (tables, before) = (db.tables(), dump(&db, rows));
                let there = dry(&db);
                assert_eq!(there.counts(), empty.counts());
                assert_eq!(there.digest, empty.digest);
                assert_eq!((db.tables(), dump(&db, rows)), (tables, before));
            }

            #[test]
            fn rows_there_before_the_run_are_already_present_and_its_own_repeats_duplicates() {
                if let Some(db) = $new {
                    rows_there_before(&db);
                }
            }

            #[test]
            fn a_bulk_load_gives_the_rows_and_reasons_of_smaller_batches() {
                for rejecting in [false, true] {
                    let (Some(small), Some(bulk)) = ($new, $new) else { return };
                    bulk_against_batches(&small, &bulk, rejecting);
                }
            }

            #[test]
            fn a_short_column_and_an_id_nothing_fills_are_refused_before_any_write() {
                let Some(db) = $new else { return };
                let columns = "email VARCHAR(24) UNIQUE, confirmed BOOLEAN, \
                    first_name VARCHAR(64), last_name VARCHAR(64), \
                    password_hash VARCHAR(128), role_id INTEGER";
                for (id, message) in [
                    (db.serial(), "column users.email holds at most 24 characters, but seed writes up to 45 there"),
                    ("id INTEGER", "has a column \"id\" that the database does not fill"),
                ] {
                    let id = if id == db.serial() { format!("id {id}") } else { id.to_owned() };
                    db.exec(&format!("CREATE TABLE users ({id}, {columns})"));
                    let url = db.url();
                    let output = seed()
                        .args(["users", "--count", "5", "--db", &url])
                        .output()
                        .expect("run seed");
                    let text = String::from_utf8_lossy(&output.stderr);
                    assert_eq!(output.status.code(), Some(1), "{text}");
                    assert!(text.contains(message), "{text}");
                    assert_eq!(count(&db, "users"), 0);
                    assert_eq!(db.tables(), ["users"], "nothing else created");
                    db.exec("DROP TABLE users");
                }
            }

            #[test]
            fn names_in_another_script_are_stored_byte_for_byte() {
                for app in ["flask-base", "laravel"] {
                    if let Some(db) = $new {
                        locale_round(&db, app);
                    }
                }
            }

            #[test]
            fn a_name_longer_than_its_column_in_characters_is_refused_before_any_write() {
                let Some(db) = $new else { return };
                short_name_columns(&db);
            }

            #[test]
            fn a_missing_table_asks_for_the_apps_migrations_and_nothing_is_created() {
                let Some(db) = $new else { return };
                for (app, command) in [
                    ("django", "python manage.py migrate"),
                    ("laravel", "php artisan migrate"),
                    ("devise", "bin/rails db:migrate"),
                    ("ctfd", "start CTFd once"),
                ] {
                    if app == "ctfd" && db.kind() == "sqlite" {
                        continue;
                    }
                    let url = db.url();
                    let output = seed()
                        .args(["users", "--app", app, "--db", &url])
                        .output()
                        .expect("run seed");
                    let text = String::from_utf8_lossy(&output.stderr);
                    assert_eq!(output.status.code(), Some(1), "{text}");
                    assert!(text.contains(command), "{app}: {text}");
                    assert_eq!(db.tables(), Vec::<String>::new(), "{app}");
                }
            }
        }
    };
}

every_app!(sqlite, Some(Sqlite(TempDb::new())));
#[cfg(feature = "postgres")]
every_app!(postgres, pg::Postgres::new());
#[cfg(feature = "mysql")]
every_app!(mysql, my::Mysql::new());

/// A rerun tells the rows that were in the table before it started
/// (`already_present`) from rows that repeat one it inserted itself
/// (`duplicate_email`), the same with one commit per row, batches, a bulk
/// load (COPY on PostgreSQL) and, on servers, two connections.
fn rows_there_before(db: &dyn Backend) {
    // tr_TR has few names: 100 rows of seed 29 give one duplicate, and 200
    // rows give two more rows of the first 99's emails and one of their own.
    let seed = ["--locale", "tr_TR", "--seed", "29"];
    let first = run_users(db, "flask-base", &[&seed[..], &["--count", "100"]].concat());
    assert_eq!(first.inserted, 99);
    assert_eq!(first.skipped_by_reason, reasons(&[("duplicate_email", 1)]));
    let last_id = db.texts("SELECT max(id) FROM users")[0][0]
        .clone()
        .expect("an id");

    // The same run again: its duplicate of run 1 is of a row that was there.
    let again = run_users(db, "flask-base", &[&seed[..], &["--count", "100"]].concat());
    assert_eq!(again.inserted, 0);
    assert_eq!(
        again.skipped_by_reason,
        reasons(&[("already_present", 100)])
    );
    assert_eq!(count(db, "users"), 99);

    let mut ways = vec![
        vec!["--batch-size", "1"],
        vec!["--batch-size", "7"],
        vec!["--batch-size", "20000"],
    ];
    if db.kind() != "sqlite" {
        // A row another connection of the run inserted is the run's.
        ways.push(vec!["--jobs", "2", "--batch-size", "7"]);
        ways.push(vec!["--jobs", "2", "--batch-size", "20000"]);
    }
    for way in ways {
        let more = run_users(
            db,
            "flask-base",
            &[&seed[..], &["--count", "200"], &way[..]].concat(),
        );
        assert_eq!(
            more.skipped_by_reason,
            reasons(&[("already_present", 101), ("duplicate_email", 1)]),
            "{way:?}"
        );
        assert_eq!(more.inserted, 98, "{way:?}");
        assert_eq!(count(db, "users"), 99 + more.inserted, "{way:?}");
        let distinct = db.texts("SELECT count(DISTINCT email) FROM users")[0][0].clone();
        assert_eq!(distinct, Some((99 + more.inserted).to_string()), "{way:?}");
        // Back to the rows of the first run for the next way.
        db.exec(&format!("DELETE FROM users WHERE id > {last_id}"));
        assert_eq!(count(db, "users"), 99);
    }
}

/// `--batch-size 20000` (a bulk load: COPY on PostgreSQL) against
/// `--batch-size 1000` (which gives what single commits give): the same
/// counts, reasons and rows, over a table with rows already there, with or
/// without constraints that reject some rows.
fn bulk_against_batches(small: &dyn Backend, bulk: &dyn Backend, rejecting: bool) {
    for db in [small, bulk] {
        if rejecting {
            rejecting_schema(db);
        }
        run_users(db, "flask-base", &["--count", "300", "--seed", "8"]);
    }
    let before = count(small, "users");
    let run = ["--count", "12000", "--seed", "8", "--batch-size"];
    let a = run_users(small, "flask-base", &[&run[..], &["1000"]].concat());
    let b = run_users(bulk, "flask-base", &[&run[..], &["20000"]].concat());
    assert_eq!(
        a.skipped_by_reason, b.skipped_by_reason,
        "rejecting: {rejecting}"
    );
    assert_eq!(a.inserted, b.inserted);
    assert!(
        b.skipped_by_reason
            .get("already_present")
            .is_some_and(|n| *n >= 200),
        "{b:?}"
    );
    assert_eq!(count(bulk, "users"), before + b.inserted);
    let rows = "SELECT confirmed, first_name, last_name, email, password_hash, role_id \
        FROM users ORDER BY id";
    assert_eq!(dump(small, rows), dump(bulk, rows));
}

/// flask-base's users table with constraints that reject some generated
/// rows for each reason the backend can give: a CHECK, a second unique
/// key, and (by a trigger) a NULL in a NOT NULL column, a role that does
/// not exist, or a refusal of the trigger's own.
fn rejecting_schema(db: &dyn Backend) {
    servers::roles(&db.url());
    db.exec("DROP TABLE users");
    db.exec(&format!(
        "CREATE TABLE users (id {}, confirmed BOOLEAN, \
         first_name VARCHAR(64) CHECK (first_name NOT LIKE 'A%'), \
         last_name VARCHAR(64) NOT NULL, email VARCHAR(64) UNIQUE, \
         password_hash VARCHAR(128), role_id INTEGER, \
         UNIQUE (first_name, last_name), \
         FOREIGN KEY (role_id) REFERENCES roles (id))",
        db.serial()
    ));
    db.exec(match db.kind() {
        "postgres" => {
            "CREATE FUNCTION mangle() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.first_name LIKE 'B%' THEN NEW.last_name := NULL; END IF; \
             IF NEW.first_name LIKE 'C%' THEN NEW.role_id := 999; END IF; \
             IF NEW.first_name LIKE 'D%' THEN RAISE EXCEPTION 'no D'; END IF; \
             RETURN NEW; END $$; \
             CREATE TRIGGER mangle BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION mangle()"
        }
        "mysql" => {
            "CREATE TRIGGER mangle BEFORE INSERT ON users FOR EACH ROW \
             SET NEW.last_name = IF(NEW.first_name LIKE 'B%', NULL, NEW.last_name), \
             NEW.role_id = IF(NEW.first_name LIKE 'C%', 999, NEW.role_id)"
        }
        _ => {
            "CREATE TRIGGER mangle BEFORE INSERT ON users WHEN NEW.first_name LIKE 'D%' \
             BEGIN SELECT RAISE(ABORT, 'no D'); END"
        }
    });
}

/// Every column of a table as one `|`-joined line per row, in id order.
fn dump(db: &dyn Backend, sql: &str) -> Vec<String> {
    db.texts(sql)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|value| value.unwrap_or_else(|| "NULL".into()))
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

/// `columns` of `table` in id order, each as the bytes the database holds,
/// which must be UTF-8.
#[track_caller]
fn stored_texts(db: &dyn Backend, table: &str, columns: &[&str]) -> Vec<Vec<String>> {
    let hexes: Vec<String> = columns.iter().map(|column| db.hex(column)).collect();
    let sql = format!("SELECT {} FROM {table} ORDER BY id", hexes.join(", "));
    db.texts(&sql)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|hex| {
                    let hex = hex.unwrap_or_default();
                    let bytes: Vec<u8> = (0..hex.len())
                        .step_by(2)
                        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digits"))
                        .collect();
                    String::from_utf8(bytes).expect("the stored bytes are UTF-8")
                })
                .collect()
        })
        .collect()
}

/// `seed users --locale ja_JP` on `db` stores exactly the names and emails
/// the same run writes to a SQLite file (whose text is the bytes seed
/// gave it), the first rows are the pinned ones, every name is from the
/// locale's lists and every email lowercase ASCII.
fn locale_round(db: &dyn Backend, app: &str) {
    use fake::locales::{Data, JA_JP};

    if !migrate(db, app) {
        return;
    }
    let args = ["--count", "200", "--seed", "42", "--locale", "ja_JP"];
    let stats = run_users(db, app, &args);
    assert_eq!(stats.locale, "ja_JP");
    assert!(stats.inserted >= 190, "{stats:?}");
    let reference = sqlite_with(app).expect("the app's tables on SQLite");
    let expected = run_users(&reference, app, &args);
    assert_eq!(stats.counts(), expected.counts());

    let (columns, golden): (&[&str], [[&str; 3]; 2]) = match app {
        "flask-base" => (
            &["first_name", "last_name", "email"],
            [
                ["美優", "小野", "meiyou.xiaoye59@example.com"],
                ["莉愛", "横山", "liaihengshan09@post.example.org"],
            ],
        ),
        _ => (
            &["name", "email"],
            [
                ["小野 美優", "meiyou.xiaoye59@example.com", ""],
                ["横山 莉愛", "liaihengshan09@post.example.org", ""],
            ],
        ),
    };
    let stored = stored_texts(db, "users", columns);
    let written = stored_texts(&reference, "users", columns);
    assert_eq!(stored.len(), written.len(), "{app}");
    assert_eq!(stored.len() as u64, stats.inserted);
    for (i, (stored, written)) in stored.iter().zip(&written).enumerate() {
        assert_eq!(stored, written, "{app}, row {}", i + 1);
    }
    for (row, golden) in stored.iter().zip(golden) {
        assert_eq!(row.as_slice(), &golden[..columns.len()], "{app}");
    }
    for row in &stored {
        let (first, last) = match app {
            "flask-base" => (row[0].as_str(), row[1].as_str()),
            // The family name first, as Japanese writes it.
            _ => {
                let (last, first) = row[0].split_once(' ').expect("two names");
                (first, last)
            }
        };
        assert!(JA_JP::NAME_FIRST_NAME.contains(&first), "{row:?}");
        assert!(JA_JP::NAME_LAST_NAME.contains(&last), "{row:?}");
        let email = &row[columns.len() - 1];
        assert!(
            email
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._@".contains(&b)),
            "{email}"
        );
    }

    if app == "flask-base" {
        // The admin's names, given in any script, are stored as given.
        let url = db.url();
        seed()
            .args(["admin", "--db", &url, "--email", "kanri@example.com"])
            .args(["--password", "Admin pass 3", "--first-name", "太郎"])
            .args(["--last-name", "山田🗻"])
            .assert()
            .success();
        let admin = stored_texts(db, "users", &["first_name", "last_name", "email"]);
        assert_eq!(
            admin.last().map(Vec::as_slice),
            Some(
                &[
                    "太郎".to_owned(),
                    "山田🗻".to_owned(),
                    "kanri@example.com".to_owned()
                ][..]
            )
        );
    }
}

/// Lengths are counted in characters: ja_JP's names of three characters
/// (nine bytes) fit VARCHAR(3), English ones do not, and nothing is
/// written when a name does not fit.
fn short_name_columns(db: &dyn Backend) {
    let create = |first: u32| {
        db.exec(&format!(
            "CREATE TABLE users (id {}, email VARCHAR(64) UNIQUE, confirmed BOOLEAN, \
             first_name VARCHAR({first}), last_name VARCHAR(3), \
             password_hash VARCHAR(128), role_id INTEGER)",
            db.serial()
        ));
    };
    let url = db.url();
    let refused = |locale: &str, message: &str| {
        let output = seed()
            .args(["users", "--count", "20", "--locale", locale, "--db", &url])
            .args(["--hash-iterations", "1000"])
            .output()
            .expect("run seed");
        let text = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{text}");
        assert!(text.contains(message), "{locale}: {text}");
        assert_eq!(count(db, "users"), 0);
        assert_eq!(db.tables(), ["users"], "nothing else created");
    };
    create(2);
    refused(
        "ja_JP",
        "column users.first_name holds at most 2 characters, but seed writes up to 3 there",
    );
    db.exec("DROP TABLE users");
    create(3);
    refused(
        "en",
        "column users.first_name holds at most 3 characters, but seed writes up to 11 there",
    );
    let stats = run_users(
        db,
        "flask-base",
        &["--count", "50", "--seed", "1", "--locale", "ja_JP"],
    );
    assert!(stats.inserted >= 45, "{stats:?}");
    assert_eq!(count(db, "users"), stats.inserted);
    let longest = stored_texts(db, "users", &["first_name", "last_name"])
        .into_iter()
        .flatten()
        .map(|name| (name.chars().count(), name.len()))
        .max();
    assert!(
        longest.is_some_and(|(chars, bytes)| chars <= 3 && bytes > 3),
        "{longest:?}"
    );
}

/// An app's users table on SQLite, made as the app makes it.
fn sqlite_with(app: &str) -> Option<Sqlite> {
    let db = Sqlite(TempDb::new());
    migrate(&db, app).then_some(db)
}

#[test]
fn seed_42_gives_these_first_users_in_every_app() {
    // Pinned on purpose, like flask-base's in tests/users.rs: fixtures made
    // with --seed rely on the same rows coming out.
    let golden: [(&str, &str, [&str; 2]); 4] = [
        (
            "ctfd",
            "SELECT name, email, password, type, verified, hidden, banned, created FROM users ORDER BY id",
            [
                "mustafa.leffler|mustafa.leffler59@example.com|$bcrypt-sha256$v=2,t=2b,r=4$iMhHhUEmd5cbLUAjyoI4Ie$ivvksvwms.6ExY39ylHnbrk8MBpGcRi|user|1|0|0|2025-09-20 11:55:03.482383",
                "reece1447|reeceoberbrunner09@post.example.org|$bcrypt-sha256$v=2,t=2b,r=4$iMhHhUEmd5cbLUAjyoI4Ie$ivvksvwms.6ExY39ylHnbrk8MBpGcRi|user|1|0|0|2025-09-14 12:39:35.771307",
            ],
        ),
        (
            "django",
            "SELECT password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined FROM auth_user ORDER BY id",
            [
                "pbkdf2_sha256$1000$ISOkeDD0feuVWhtd5nKHsk$3zMOfCmOBpbVL9F9NhFHJUIsfBtAEObQDCeOWmk1pJM=|0|mustafa.leffler|Mustafa|Leffler|mustafa.leffler59@example.com|0|1|2025-07-11 20:54:07.743248",
                "pbkdf2_sha256$1000$ISOkeDD0feuVWhtd5nKHsk$3zMOfCmOBpbVL9F9NhFHJUIsfBtAEObQDCeOWmk1pJM=|0|reece1447|Reece|Oberbrunner|reeceoberbrunner09@post.example.org|0|1|2025-09-21 20:25:26.049217",
            ],
        ),
        (
            "laravel",
            "SELECT name, email, email_verified_at, password, remember_token, created_at, updated_at FROM users ORDER BY id",
            [
                "Mustafa Leffler|mustafa.leffler59@example.com|2025-11-12 05:19:59|$2y$04$iMhHhUEmd5cbLUAjyoI4IeLdnljzL65rIazTwCnuMF7wrJxzFvvrW|NULL|2025-11-12 05:19:59|2025-11-12 05:19:59",
                "Reece Oberbrunner|reeceoberbrunner09@post.example.org|2025-12-30 00:30:56|$2y$04$iMhHhUEmd5cbLUAjyoI4IeLdnljzL65rIazTwCnuMF7wrJxzFvvrW|NULL|2025-12-30 00:30:56|2025-12-30 00:30:56",
            ],
        ),
        (
            "devise",
            "SELECT email, encrypted_password, reset_password_token, created_at, updated_at FROM users ORDER BY id",
            [
                "mustafa.leffler59@example.com|$2a$04$iMhHhUEmd5cbLUAjyoI4IeLdnljzL65rIazTwCnuMF7wrJxzFvvrW|NULL|2025-11-12 05:19:58.372674|2025-11-12 05:19:58.372674",
                "reeceoberbrunner09@post.example.org|$2a$04$iMhHhUEmd5cbLUAjyoI4IeLdnljzL65rIazTwCnuMF7wrJxzFvvrW|NULL|2025-12-30 00:30:55.583225|2025-12-30 00:30:55.583225",
            ],
        ),
    ];
    for (app, sql, rows) in golden {
        let Some(db) = sqlite_with(app) else { continue };
        run_users(
            &db,
            app,
            &[
                "--app",
                app,
                "--count",
                "2",
                "--seed",
                "42",
                "--password",
                "password",
            ],
        );
        assert_eq!(dump(&db, sql), rows, "{app}");
    }
}

/// `--app flask-base --count 300 --seed 42 --hash-iterations 1000` on any
/// backend, with any batch size and connections.
const FLASK_BASE_300_CHEAP: &str =
    "sha256:9002b1f1e8e3c25bf6789f11c09ef24c231d34df19b92aff1e7c3249f6cf7fc0";

#[test]
fn seed_42_gives_these_digests_of_a_thousand_users_with_the_default_options() {
    // Pinned on purpose, next to the golden rows: a CI that pins a fixture's
    // digest relies on it. A change here is a change of every fixture.
    let golden = [
        (
            "flask-base",
            "sha256:757ad585dd16f2605e3da69e7d322d60589ff58c4abdb36f89bae84f7a286bbb",
        ),
        (
            "ctfd",
            "sha256:efc2c066fd9e58f6f4c8cdcd43d40fa3493cd1827c1c02855364b1aebeb39a83",
        ),
        (
            "django",
            "sha256:88d154408ed93559993fe2af6d6f8e289b225fa362a341e04c39572165473dd9",
        ),
        (
            "laravel",
            "sha256:956045c2524d622f5c7a18912ef18861cdb077ff02151b62d7b64e4f2088b720",
        ),
        (
            "devise",
            "sha256:a01d0389d4522701ff01a457f2029c06b49da598b7c5d996e616cd864516e7d8",
        ),
    ];
    for (app, digest) in golden {
        let Some(db) = sqlite_with(app) else { continue };
        let output = seed()
            .args(["users", "--json", "-q", "--app", app, "--db", &db.url()])
            .args(["--count", "1000", "--seed", "42"])
            .output()
            .expect("run seed");
        let stats = common::parse_stats(&output.stdout);
        assert_eq!(stats.digest.as_deref(), Some(digest), "{app}: {stats:?}");
        // The digest is of every row tried, not only of those inserted.
        assert_eq!(stats.attempted, 1000, "{app}");
    }
}

#[test]
fn ctfd_on_sqlite_gets_the_tables_its_models_make() {
    let db = Sqlite(TempDb::new());
    run_users(&db, "ctfd", &["--app", "ctfd", "--count", "1"]);
    assert_eq!(db.tables(), ["brackets", "teams", "users"]);
    let unique = dump(
        &db,
        "SELECT group_concat(ii.name, ',') FROM pragma_index_list('users') AS il, \
         pragma_index_info(il.name) AS ii WHERE il.\"unique\" = 1 GROUP BY il.name ORDER BY 1",
    );
    assert_eq!(unique, ["email", "id,oauth_id", "oauth_id"]);
    // Later runs read the app from the tables.
    let stats = run_users(&db, "ctfd", &["--count", "1"]);
    assert_eq!(stats.app.as_deref(), Some("ctfd"));
}

#[test]
fn a_refused_run_on_a_new_file_leaves_no_file() {
    let db = TempDb::new();
    seed()
        .args(["users", "--app", "laravel", "--db", &db.arg()])
        .assert()
        .code(1);
    assert!(!db.path.exists(), "the refused run left a file");
    assert_eq!(common::file_names(db.dir.path()), Vec::<String>::new());
}

#[test]
fn a_users_table_of_no_known_app_is_filled_by_the_plan_inferred_from_it() {
    let db = TempDb::new();
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE, nickname TEXT)");
    let stats = db.users(&["--count", "50", "--seed", "3"]);
    assert_eq!(stats.app, None);
    assert_eq!(stats.plan.as_deref(), Some("inferred"));
    assert_eq!(stats.table.as_deref(), Some("users"));
    assert_eq!(stats.inserted, 50);
    let rows = db.query("SELECT email, nickname FROM users");
    assert_eq!(rows.len(), 50);
    for row in &rows {
        assert!(
            row[0].contains('@') && !row[1].is_empty() && !row[1].contains('@'),
            "{row:?}"
        );
    }

    // A NOT NULL column nothing fills: refused before any write, naming it
    // (and only it: a number gets a decimal).
    let db = TempDb::new();
    db.exec(
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
         avatar BLOB NOT NULL, score NUMERIC NOT NULL)",
    );
    let before = db.bytes();
    let output = seed()
        .args(["users", "--db", &db.arg()])
        .output()
        .expect("run seed");
    let text = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("accounts.avatar (BLOB, NOT NULL, no default): nothing seed writes fits it")
            && !text.contains("accounts.score")
            && text.contains("avatar = { gen = \"const\""),
        "{text}"
    );
    assert_eq!(db.bytes(), before, "the refused file changed");
}

#[test]
fn role_weights_name_the_apps_own_roles() {
    if let Some(db) = sqlite_with("django") {
        run_users(
            &db,
            "django",
            &["--count", "40", "--role-weights", "superuser=1"],
        );
        assert_eq!(
            dump(&db, "SELECT DISTINCT is_staff, is_superuser FROM auth_user"),
            ["1|1"]
        );
    }
    let db = Sqlite(TempDb::new());
    run_users(
        &db,
        "ctfd",
        &["--app", "ctfd", "--count", "40", "--role-weights", "user=1"],
    );
    assert_eq!(
        dump(&db, "SELECT DISTINCT type, hidden FROM users"),
        ["user|0"]
    );
    let url = db.url();
    // Matched whatever its case, as --locale is.
    run_users(
        &db,
        "ctfd",
        &["--count", "40", "--role-weights", "User=1,ADMIN=0"],
    );
    assert_eq!(
        dump(&db, "SELECT DISTINCT type, hidden FROM users"),
        ["user|0"]
    );
    seed()
        .args(["users", "--db", &url, "--role-weights", "Moderator=1"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "names role 'Moderator', which the plan does not have (roles: user, admin)",
        ));

    let db = sqlite_with("laravel").expect("fixture");
    let url = db.url();
    let before = db.0.bytes();
    seed()
        .args(["users", "--db", &url, "--role-weights", "admin=1"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "laravel has no roles, so --role-weights does not apply",
        ));
    seed()
        .args(["users", "--db", &url, "--hash-iterations", "5"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "laravel uses bcrypt (bcrypt-2y): use --bcrypt-cost",
        ));
    // Named with --app, the app is known before the database is opened:
    // the same options are usage errors.
    for (option, value, message) in [
        ("--role-weights", "admin=1", "laravel has no roles"),
        ("--hash-iterations", "5", "laravel uses bcrypt"),
    ] {
        seed()
            .args(["users", "--app", "laravel", "--db", &url, option, value])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(message));
    }
    seed()
        .args([
            "users",
            "--app",
            "django",
            "--db",
            &url,
            "--bcrypt-cost",
            "5",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("django uses PBKDF2"));
    assert_eq!(db.0.bytes(), before);
}

#[test]
fn roles_says_what_it_did_for_each_app() {
    let cases: [(&str, &str); 3] = [
        (
            "django",
            r#"{"app":"django","database":"@","roles":{"staff":"built_in","superuser":"built_in","user":"built_in"},"error":null}"#,
        ),
        (
            "ctfd",
            r#"{"app":"ctfd","database":"@","roles":{"admin":"built_in","user":"built_in"},"error":null}"#,
        ),
        (
            "devise",
            r#"{"app":"devise","database":"@","roles":{},"error":null}"#,
        ),
    ];
    for (app, json) in cases {
        let db = if app == "ctfd" {
            Sqlite(TempDb::new())
        } else {
            let Some(db) = sqlite_with(app) else { continue };
            db
        };
        let url = db.url();
        seed()
            .args(["roles", "--json", "--app", app, "--db", &url])
            .assert()
            .success()
            .stdout(format!("{}\n", json.replace('@', &url)));
    }
    let db = sqlite_with("laravel").expect("fixture");
    seed()
        .args(["roles", "--db", &db.url()])
        .assert()
        .success()
        .stderr("laravel has no roles: nothing to do\n");
}

#[test]
fn an_app_whose_migrations_have_not_made_its_users_table_is_told_so() {
    for (setup, app, command) in [
        (
            "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)",
            "django",
            "python manage.py migrate",
        ),
        (
            "CREATE TABLE migrations (id INTEGER PRIMARY KEY, migration TEXT, batch INTEGER)",
            "laravel",
            "php artisan migrate",
        ),
        (
            "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY)",
            "devise",
            "bin/rails db:migrate",
        ),
    ] {
        let db = TempDb::new();
        db.exec(setup);
        let before = db.bytes();
        let output = seed()
            .args(["users", "--db", &db.arg()])
            .output()
            .expect("run seed");
        let text = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{text}");
        assert!(
            text.contains(&format!("looks like a {app} database")) && text.contains(command),
            "{text}"
        );
        assert_eq!(db.bytes(), before, "{app}: the refused file changed");
    }
}
