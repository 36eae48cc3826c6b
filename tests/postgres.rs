//! `seed` against a real PostgreSQL server, named by SEED_TEST_POSTGRES_URL
//! (e.g. postgres://postgres@127.0.0.1:5432/test). Without it, each test
//! says it was skipped and passes.

#![cfg(feature = "postgres")]

mod common;
mod servers;

use std::collections::BTreeSet;

use postgres::{Client, NoTls};

use servers::{fails, roles, server_url, unique_name, users};

/// A schema of its own for one test, dropped at the end even if the test
/// fails.
struct Schema {
    base: String,
    name: String,
    /// The server URL with this schema as the search_path.
    url: String,
}

impl Schema {
    fn new() -> Option<Schema> {
        let base = server_url("SEED_TEST_POSTGRES_URL")?;
        let name = unique_name();
        let mut admin = Client::connect(&base, NoTls).expect("connect to the test server");
        admin
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .expect("create the test schema");
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-csearch_path%3D{name}");
        Some(Schema { base, name, url })
    }

    fn client(&self) -> Client {
        Client::connect(&self.url, NoTls).expect("connect to the test schema")
    }

    fn count(&self, sql: &str) -> i64 {
        self.client()
            .query_one(sql, &[])
            .expect("query runs")
            .get(0)
    }

    fn emails(&self) -> BTreeSet<String> {
        self.client()
            .query("SELECT email FROM users", &[])
            .expect("query runs")
            .iter()
            .map(|row| row.get(0))
            .collect()
    }

    /// Every row of users but its id, in id order.
    fn rows(&self) -> Vec<(bool, String, String, String, i32)> {
        self.client()
            .query(
                "SELECT confirmed, first_name, last_name, email, role_id FROM users ORDER BY id",
                &[],
            )
            .expect("query runs")
            .iter()
            .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)))
            .collect()
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut admin) = Client::connect(&self.base, NoTls) {
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

#[test]
fn seeds_users_and_roles() {
    let Some(db) = Schema::new() else { return };
    let stats = users(&db.url, &["-n", "500", "--seed", "7"]);
    assert_eq!(stats.attempted, 500);
    // No user, password or options in the report.
    assert!(
        stats.database.starts_with("postgres") && !stats.database.contains(['@', '?']),
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
    // flask-base's index names, and the hash werkzeug checks.
    assert_eq!(
        db.count(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() \
             AND indexname IN ('ix_users_email', 'ix_roles_default', 'ix_users_first_name', 'ix_users_last_name')"
        ),
        4
    );
    assert_eq!(
        db.count("SELECT count(*) FROM users WHERE password_hash LIKE 'pbkdf2:sha256:1$%'"),
        stats.inserted as i64
    );
    for change in roles(&db.url).values() {
        assert_eq!(change, "unchanged");
    }
}

#[test]
fn roles_are_created_updated_and_left_alone() {
    let Some(db) = Schema::new() else { return };
    let first = roles(&db.url);
    assert!(
        first.values().all(|change| change == "created"),
        "{first:?}"
    );
    db.client()
        .batch_execute("UPDATE roles SET permissions = 3 WHERE name = 'User'")
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
    let Some(db) = Schema::new() else { return };
    let first = users(&db.url, &["-n", "300", "--seed", "11"]);
    let second = users(&db.url, &["-n", "300", "--seed", "11"]);
    assert_eq!(second.inserted, 0);
    assert_eq!(second.skipped, 300);
    assert_eq!(second.skipped_by_reason.get("already_present"), Some(&300));
    assert_eq!(
        db.count("SELECT count(*) FROM users"),
        first.inserted as i64
    );
    // Batched, the rows already there roll back to their savepoints, not the batch.
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
    let (Some(single), Some(batched)) = (Schema::new(), Schema::new()) else {
        return;
    };
    let a = users(&single.url, &["-n", "1000", "--seed", "5"]);
    let b = users(
        &batched.url,
        &["-n", "1000", "--seed", "5", "--batch-size", "100"],
    );
    assert_eq!(a.counts(), b.counts());
    assert_eq!(b.batch_size, 100);
    assert_eq!(single.rows(), batched.rows());
}

#[test]
fn a_table_of_another_shape_is_refused_and_left_alone() {
    let Some(db) = Schema::new() else { return };
    db.client()
        .batch_execute(
            "CREATE TABLE users (id SERIAL PRIMARY KEY, first_name VARCHAR(64), name TEXT); \
             INSERT INTO users (name) VALUES ('kept')",
        )
        .expect("create a foreign table");
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
        db.count(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        ),
        1,
        "no roles table was created"
    );
}

#[test]
fn unfilled_not_null_columns_and_non_unique_emails_are_refused() {
    let Some(db) = Schema::new() else { return };
    db.client()
        .batch_execute(
            "CREATE TABLE users (id SERIAL PRIMARY KEY, confirmed BOOLEAN, first_name VARCHAR(64), \
             last_name VARCHAR(64), email VARCHAR(64), password_hash VARCHAR(128), role_id INTEGER, \
             tenant INTEGER NOT NULL)",
        )
        .expect("create table");
    let out = fails(&["users", "-n", "10", "--db", &db.url]);
    assert!(out.contains("\"tenant\""), "{out}");
    db.client()
        .batch_execute("ALTER TABLE users DROP COLUMN tenant")
        .expect("alter");
    let out = fails(&["users", "-n", "10", "--db", &db.url]);
    assert!(out.contains("users.email has no UNIQUE"), "{out}");
    assert_eq!(db.count("SELECT count(*) FROM users"), 0);
}

#[test]
fn other_constraints_are_told_apart_from_duplicates() {
    let Some(db) = Schema::new() else { return };
    roles(&db.url);
    // Rejects every row whose first name starts with A, by CHECK.
    db.client()
        .batch_execute("ALTER TABLE users ADD CONSTRAINT no_a CHECK (first_name NOT LIKE 'A%')")
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
    let (Some(one), Some(four)) = (Schema::new(), Schema::new()) else {
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
    // Needs no server: nothing listens on this port.
    let out = fails(&[
        "users",
        "-n",
        "1",
        "--db",
        "postgres://alice:hunter2@127.0.0.1:59999/test",
    ]);
    assert!(
        out.contains("cannot connect to PostgreSQL at 127.0.0.1:59999: connection refused"),
        "{out}"
    );
    assert!(!out.contains("hunter2") && !out.contains("alice"), "{out}");
}

/// The server's `ssl` setting, or None (after saying so) if it is off.
fn server_with_tls(schema: &Schema) -> Option<()> {
    let ssl: String = schema
        .client()
        .query_one("SHOW ssl", &[])
        .expect("SHOW ssl")
        .get(0);
    if ssl != "on" {
        eprintln!("skipped: the test server has ssl = off");
        return None;
    }
    Some(())
}

#[test]
fn sslmode_require_encrypts_without_checking_the_certificate() {
    let Some(schema) = Schema::new() else { return };
    let Some(()) = server_with_tls(&schema) else {
        return;
    };
    let stats = users(&format!("{}&sslmode=require", schema.url), &["-n", "5"]);
    assert_eq!(stats.inserted, 5);
    assert_eq!(schema.count("SELECT count(*) FROM users"), 5);
}

#[test]
fn sslmode_verify_full_refuses_a_certificate_nobody_vouches_for() {
    let Some(schema) = Schema::new() else { return };
    let Some(()) = server_with_tls(&schema) else {
        return;
    };
    // The test server's certificate is self-signed (or signed by a
    // private authority): not one of the roots built in.
    for mode in ["verify-full", "verify-ca"] {
        let out = fails(&[
            "users",
            "-n",
            "5",
            "--db",
            &format!("{}&sslmode={mode}", schema.url),
        ]);
        assert!(
            out.starts_with("error: cannot connect to PostgreSQL at ")
                && out.contains("the server's certificate is not signed by a trusted authority"),
            "{out}"
        );
        assert_eq!(out.lines().count(), 1, "{out}");
    }
    assert_eq!(
        schema.count("SELECT count(*) FROM pg_tables WHERE tablename = 'users' AND schemaname = current_schema()"),
        0
    );
}

#[test]
fn sslrootcert_names_the_authority_to_trust() {
    let Some(schema) = Schema::new() else { return };
    let Some(()) = server_with_tls(&schema) else {
        return;
    };
    // A server on this machine: its own certificate file, if readable.
    let file: String = schema
        .client()
        .query_one("SHOW ssl_cert_file", &[])
        .expect("SHOW ssl_cert_file")
        .get(0);
    if std::fs::read(&file).is_err() {
        eprintln!("skipped: the server's certificate {file} is not readable here");
        return;
    }
    let stats = users(
        &format!("{}&sslmode=verify-ca&sslrootcert={file}", schema.url),
        &["-n", "3"],
    );
    assert_eq!(stats.inserted, 3);
    assert_eq!(schema.count("SELECT count(*) FROM users"), 3);
}

#[test]
fn the_schema_that_got_the_rows_is_named() {
    let Some(schema) = Schema::new() else { return };
    let shown = format!(" (schema {})", schema.name);
    let stats = users(&schema.url, &["-n", "2"]);
    assert!(stats.database.ends_with(&shown), "{}", stats.database);
    assert!(
        stats.database.starts_with("postgres://"),
        "{}",
        stats.database
    );

    let output = servers::seed()
        .args([
            "users",
            "-n",
            "2",
            "--hash-iterations",
            "1",
            "--db",
            &schema.url,
        ])
        .output()
        .expect("seed runs");
    assert!(output.status.success());
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(
        summary.contains(&format!("{shown}, skipped 0 in ")),
        "{summary}"
    );
}

/// A DBA sees seed's sessions as `seed` in pg_stat_activity: seen here
/// while one waits for a lock the test holds.
#[test]
fn sessions_are_named_seed_in_pg_stat_activity() {
    let Some(schema) = Schema::new() else { return };
    users(&schema.url, &["-n", "1"]);
    let mut holder = schema.client();
    let mut lock = holder.transaction().expect("begin");
    lock.batch_execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .expect("lock users");
    let child = common::spawn(&[
        "users",
        "-n",
        "1",
        "--hash-iterations",
        "1",
        "--busy-timeout",
        "20",
        "--db",
        &schema.url,
    ]);
    let waiting = format!(
        "SELECT a.application_name FROM pg_locks l \
         JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.relation = '{}.users'::regclass AND NOT l.granted",
        schema.name
    );
    let mut observer = schema.client();
    let mut names = Vec::new();
    for _ in 0..200 {
        names = observer
            .query(&waiting, &[])
            .expect("query pg_locks")
            .iter()
            .map(|row| row.get::<_, String>(0))
            .collect();
        if !names.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    lock.rollback().expect("release the lock");
    let output = child.wait_with_output().expect("seed finishes");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(names, vec!["seed".to_owned()]);
}

/// Ctrl-C while a statement waits on a lock another session holds ends
/// the wait at once (PostgreSQL's cancel request), not at --busy-timeout:
/// exit 130, `"interrupted": true`, nothing written.
#[test]
fn ctrl_c_ends_a_lock_wait_at_once() {
    let Some(schema) = Schema::new() else { return };
    users(&schema.url, &["-n", "1"]);
    let mut holder = schema.client();
    let mut lock = holder.transaction().expect("begin");
    lock.batch_execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
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
        &schema.url,
    ]);
    let waiting = format!(
        "SELECT count(*) FROM pg_locks WHERE relation = '{}.users'::regclass AND NOT granted",
        schema.name
    );
    let mut observer = schema.client();
    let mut seen = false;
    for _ in 0..400 {
        let n: i64 = observer
            .query_one(&waiting, &[])
            .expect("query pg_locks")
            .get(0);
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
    lock.rollback().expect("release the lock");
    assert_eq!(schema.count("SELECT count(*) FROM users"), 1);
}

/// A server on a free port that answers the TLS request with "no", then
/// refuses the plain login with `message`. Needs no real server.
fn server_without_tls(message: &'static str) -> (u16, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let server = std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut request = [0u8; 8];
        if stream.read_exact(&mut request).is_err() || request[4..] != [4, 210, 22, 47] {
            return; // not an SSLRequest: sslmode=disable, or no connection
        }
        let _ = stream.write_all(b"N");
        let mut length = [0u8; 4];
        if stream.read_exact(&mut length).is_err() {
            return; // sslmode=require hung up
        }
        let mut startup = vec![0u8; (u32::from_be_bytes(length) as usize).saturating_sub(4)];
        let _ = stream.read_exact(&mut startup);
        let mut fields = Vec::new();
        for field in ["SFATAL", "VFATAL", "C08004", &format!("M{message}")] {
            fields.extend_from_slice(field.as_bytes());
            fields.push(0);
        }
        fields.push(0);
        let mut reply = vec![b'E'];
        reply.extend_from_slice(&(fields.len() as u32 + 4).to_be_bytes());
        reply.extend_from_slice(&fields);
        let _ = stream.write_all(&reply);
    });
    (port, server)
}

#[test]
fn sslmode_prefer_goes_on_in_plain_text_and_require_stops() {
    let (port, server) = server_without_tls("plain text reached the login");
    let out = fails(&[
        "users",
        "--db",
        &format!("postgres://u@127.0.0.1:{port}/db?sslmode=prefer"),
    ]);
    assert!(out.contains("plain text reached the login"), "{out}");
    server.join().expect("fake server");

    let (port, server) = server_without_tls("plain text reached the login");
    let out = fails(&[
        "users",
        "--db",
        &format!("postgres://u@127.0.0.1:{port}/db?sslmode=require"),
    ]);
    assert_eq!(
        out,
        format!(
            "error: cannot connect to PostgreSQL at 127.0.0.1:{port}: the server does not offer TLS, which the URL's sslmode requires (sslmode=prefer falls back to plain)\n"
        )
    );
    server.join().expect("fake server");
}

/// A database of its own in one encoding, dropped at the end even if the
/// test fails.
struct Database {
    base: String,
    name: String,
    url: String,
}

impl Database {
    fn new(encoding: &str) -> Option<Database> {
        let base = server_url("SEED_TEST_POSTGRES_URL")?;
        let name = unique_name();
        let mut admin = Client::connect(&base, NoTls).expect("connect to the test server");
        // The C locale goes with any encoding.
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {name} ENCODING '{encoding}' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
            ))
            .expect("create the test database");
        let start = base.find("://").map_or(0, |i| i + 3);
        let path = base[start..].find('/').map_or(base.len(), |i| start + i);
        let query = base[path..].find('?').map_or("", |i| &base[path + i..]);
        let url = format!("{}/{name}{query}", &base[..path]);
        Some(Database { base, name, url })
    }

    fn client(&self) -> Client {
        Client::connect(&self.url, NoTls).expect("connect to the test database")
    }

    /// Every table with its rows, and the roles, to show nothing changed.
    fn contents(&self) -> Contents {
        let mut client = self.client();
        let tables: Vec<String> = client
            .query(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'public' ORDER BY 1",
                &[],
            )
            .expect("list tables")
            .iter()
            .map(|row| row.get(0))
            .collect();
        let roles = if tables.iter().any(|t| t == "roles") {
            client
                .query("SELECT name, permissions FROM roles ORDER BY id", &[])
                .expect("read roles")
                .iter()
                .map(|row| (row.get(0), row.get(1)))
                .collect()
        } else {
            Vec::new()
        };
        let tables = tables
            .into_iter()
            .map(|table| {
                let sql = format!("SELECT count(*) FROM \"{table}\"");
                let rows: i64 = client.query_one(&sql, &[]).expect("count").get(0);
                (table, rows)
            })
            .collect();
        Contents { tables, roles }
    }
}

#[derive(Debug, Default, PartialEq)]
struct Contents {
    /// Each table and its number of rows.
    tables: Vec<(String, i64)>,
    /// Each role's name and permissions.
    roles: Vec<(String, i32)>,
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut admin) = Client::connect(&self.base, NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

#[test]
fn a_latin1_database_refuses_names_it_cannot_store_before_any_write() {
    use fake::locales::{Data, FR_FR};

    let Some(db) = Database::new("LATIN1") else {
        return;
    };
    let encoding: String = db
        .client()
        .query_one("SHOW server_encoding", &[])
        .expect("encoding")
        .get(0);
    assert_eq!(encoding, "LATIN1");
    // The tables seed would make are in the database's encoding too.
    let out = fails(&["users", "-n", "10", "--locale", "ja_JP", "--db", &db.url]);
    assert_eq!(
        out.trim(),
        "error: users.first_name would be LATIN1 on PostgreSQL (the database's encoding), which cannot store the ja_JP names (e.g. あかり); use --locale en or a UTF8 database"
    );
    assert_eq!(db.contents(), Contents::default(), "nothing created");

    users(&db.url, &["-n", "20", "--seed", "1", "--locale", "en"]);
    // A role a real run would repair.
    db.client()
        .batch_execute("UPDATE roles SET permissions = 0 WHERE name = 'User'")
        .expect("update a role");
    let before = db.contents();
    for run in [&["users"][..], &["users", "--dry-run"]] {
        let out = fails(&[run, &["-n", "10", "--locale", "zh_CN", "--db", &db.url]].concat());
        assert!(
            out.contains("users.first_name is LATIN1 on PostgreSQL (the database's encoding), which cannot store the zh_CN names (e.g. "),
            "{run:?}: {out}"
        );
        assert_eq!(out.trim().lines().count(), 1, "{out}");
        assert_eq!(db.contents(), before, "{run:?}: no role repaired, no row");
    }

    let last: i32 = db
        .client()
        .query_one("SELECT max(id) FROM users", &[])
        .expect("last id")
        .get(0);
    let stats = users(&db.url, &["-n", "300", "--seed", "4", "--locale", "fr_FR"]);
    assert!(stats.inserted >= 290, "{stats:?}");
    let names: Vec<(String, String)> = db
        .client()
        .query(
            "SELECT first_name, last_name FROM users WHERE id > $1 ORDER BY id",
            &[&last],
        )
        .expect("read names")
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
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
}

/// EUC_JP holds Japanese names, and French ones through JIS X 0212; not
/// Arabic.
#[test]
fn an_euc_jp_database_takes_the_names_it_holds() {
    let Some(db) = Database::new("EUC_JP") else {
        return;
    };
    for locale in ["ja_JP", "fr_FR"] {
        let stats = users(&db.url, &["-n", "100", "--seed", "6", "--locale", locale]);
        assert!(stats.inserted >= 90, "{locale}: {stats:?}");
    }
    let before = db.contents();
    let out = fails(&["users", "-n", "10", "--locale", "ar_SA", "--db", &db.url]);
    assert!(
        out.contains("users.first_name is EUC_JP on PostgreSQL (the database's encoding), which cannot store the ar_SA names"),
        "{out}"
    );
    assert_eq!(db.contents(), before);
}

#[test]
fn a_utf8_database_takes_every_locale() {
    let Some(schema) = Schema::new() else { return };
    let encoding: String = schema
        .client()
        .query_one("SHOW server_encoding", &[])
        .expect("encoding")
        .get(0);
    assert_eq!(encoding, "UTF8");
    for locale in [
        "en", "fr_FR", "de_DE", "it_IT", "pt_BR", "pt_PT", "nl_NL", "cy_GB", "tr_TR", "ja_JP",
        "zh_CN", "zh_TW", "ar_SA", "fa_IR",
    ] {
        let stats = users(
            &schema.url,
            &["-n", "20", "--seed", "8", "--locale", locale],
        );
        assert!(stats.inserted > 0, "{locale}: {stats:?}");
    }
}

/// `seed describe --table TABLE` against `url`, which must succeed.
#[track_caller]
fn describe(url: &str, table: &str) -> serde_json::Value {
    let output = servers::seed()
        .args(["describe", "--db", url, "--table", table])
        .output()
        .expect("seed runs");
    assert!(
        output.status.success(),
        "seed describe --table {table} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object on stdout")
}

/// The column so named in a described table.
#[track_caller]
fn column<'a>(table: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    table["columns"]
        .as_array()
        .expect("columns is a list")
        .iter()
        .find(|column| column["name"] == name)
        .unwrap_or_else(|| panic!("no column {name} in {table}"))
}

#[track_caller]
fn column_names(table: &serde_json::Value) -> Vec<&str> {
    table["columns"]
        .as_array()
        .expect("columns is a list")
        .iter()
        .map(|column| column["name"].as_str().expect("a name"))
        .collect()
}

#[test]
fn describe_reads_types_keys_and_constraints_from_the_catalog() {
    use serde_json::json;
    let Some(db) = Schema::new() else { return };
    let out = fails(&["describe", "--db", &db.url, "--table", "accounts"]);
    assert!(
        out.contains("there is no table accounts on PostgreSQL; the tables are: none"),
        "{out}"
    );
    db.client()
        .batch_execute(
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); \
             ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok'; \
             CREATE DOMAIN mood_d AS mood; \
             CREATE DOMAIN plan_name AS text NOT NULL CHECK (VALUE IN ('free', 'pro')); \
             CREATE TABLE teams (id SERIAL PRIMARY KEY, name TEXT NOT NULL); \
             CREATE TABLE accounts ( \
               id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, \
               team_id INTEGER NOT NULL REFERENCES teams (id), \
               email VARCHAR(64) NOT NULL UNIQUE, \
               \"order\" SMALLINT, \
               status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'banned')), \
               role VARCHAR(16) CHECK (role IN ('admin', 'member')), \
               level TEXT CHECK (level = 'low' OR level = 'high'), \
               nickname TEXT CHECK (length(nickname) > 2), \
               plan plan_name DEFAULT 'free', \
               mood mood, \
               feeling mood_d, \
               settings JSON, \
               profile JSONB NOT NULL DEFAULT '{}', \
               balance NUMERIC(10, 2), \
               score DOUBLE PRECISION, \
               active BOOLEAN NOT NULL DEFAULT true, \
               born DATE, \
               created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT now(), \
               avatar BYTEA NOT NULL, \
               tags TEXT[], \
               email_lower TEXT GENERATED ALWAYS AS (lower(email)) STORED, \
               first_name VARCHAR(40), \
               last_name VARCHAR(40), \
               UNIQUE (first_name, last_name)); \
             CREATE UNIQUE INDEX accounts_order ON accounts (\"order\"); \
             CREATE UNIQUE INDEX accounts_one_admin ON accounts (role) WHERE role = 'admin'; \
             CREATE UNIQUE INDEX accounts_lower_first ON accounts (lower(first_name)); \
             CREATE TABLE tokens (id UUID PRIMARY KEY, account_id BIGINT REFERENCES accounts, \
               last TEXT, first TEXT, \
               FOREIGN KEY (last, first) REFERENCES accounts (last_name, first_name)); \
             CREATE DOMAIN short_label AS VARCHAR(8); \
             CREATE TABLE codes (code TEXT PRIMARY KEY, label short_label); \
             CREATE TABLE \"User\" (id SERIAL PRIMARY KEY, \
               \"createdAt\" TIMESTAMPTZ NOT NULL DEFAULT now(), \"firstName\" VARCHAR(40))",
        )
        .expect("create the tables");

    let teams = describe(&db.url, "teams");
    assert_eq!(
        column(&teams, "id"),
        &json!({
            "name": "id", "declared": "integer", "kind": {"type": "integer", "bytes": 4},
            "not_null": true, "default": "nextval('teams_id_seq'::regclass)",
            "auto": true, "generated": false, "allowed": null,
        })
    );
    assert_eq!(teams["primary_key"], json!(["id"]));

    let accounts = describe(&db.url, "accounts");
    assert_eq!(accounts["name"], "accounts");
    assert_eq!(
        column_names(&accounts),
        [
            "id",
            "team_id",
            "email",
            "order",
            "status",
            "role",
            "level",
            "nickname",
            "plan",
            "mood",
            "feeling",
            "settings",
            "profile",
            "balance",
            "score",
            "active",
            "born",
            "created_at",
            "avatar",
            "tags",
            "email_lower",
            "first_name",
            "last_name",
        ]
    );
    let id = column(&accounts, "id");
    assert_eq!(id["kind"], json!({"type": "integer", "bytes": 8}));
    assert_eq!((&id["auto"], &id["default"]), (&json!(true), &json!(null)));
    let email = column(&accounts, "email");
    assert_eq!(email["declared"], "character varying(64)");
    assert_eq!(email["kind"], json!({"type": "text", "max_len": 64}));
    assert_eq!(email["not_null"], true);
    assert_eq!(
        column(&accounts, "order")["kind"],
        json!({"type": "integer", "bytes": 2})
    );
    let status = column(&accounts, "status");
    assert_eq!(status["allowed"], json!(["active", "banned"]));
    assert_eq!(status["default"], "'active'::text");
    let role = column(&accounts, "role");
    assert_eq!(role["allowed"], json!(["admin", "member"]));
    assert_eq!(role["kind"], json!({"type": "text", "max_len": 16}));
    assert_eq!(
        column(&accounts, "level")["allowed"],
        json!(["low", "high"])
    );
    assert_eq!(column(&accounts, "nickname")["allowed"], json!(null));
    // The domain's NOT NULL, CHECK and base type; the column's default.
    assert_eq!(
        column(&accounts, "plan"),
        &json!({
            "name": "plan", "declared": "plan_name", "kind": {"type": "text", "max_len": null},
            "not_null": true, "default": "'free'::text",
            "auto": false, "generated": false, "allowed": ["free", "pro"],
        })
    );
    let moods = json!({"type": "enum", "values": ["sad", "meh", "ok", "happy"]});
    assert_eq!(column(&accounts, "mood")["kind"], moods);
    assert_eq!(column(&accounts, "mood")["declared"], "mood");
    assert_eq!(column(&accounts, "feeling")["kind"], moods);
    assert_eq!(column(&accounts, "feeling")["declared"], "mood_d");
    assert_eq!(
        column(&accounts, "settings")["kind"],
        json!({"type": "json"})
    );
    let profile = column(&accounts, "profile");
    assert_eq!(profile["kind"], json!({"type": "json"}));
    assert_eq!(profile["default"], "'{}'::jsonb");
    for (name, declared) in [("balance", "numeric(10,2)"), ("score", "double precision")] {
        assert_eq!(column(&accounts, name)["declared"], declared);
        assert_eq!(column(&accounts, name)["kind"], json!({"type": "decimal"}));
    }
    let active = column(&accounts, "active");
    assert_eq!(active["kind"], json!({"type": "boolean"}));
    assert_eq!(active["default"], "true");
    assert_eq!(column(&accounts, "born")["kind"], json!({"type": "date"}));
    let created = column(&accounts, "created_at");
    assert_eq!(created["declared"], "timestamp without time zone");
    assert_eq!(created["kind"], json!({"type": "timestamp"}));
    assert_eq!(created["default"], "now()");
    let avatar = column(&accounts, "avatar");
    assert_eq!(avatar["kind"], json!({"type": "other"}));
    assert_eq!(avatar["not_null"], true);
    assert_eq!(column(&accounts, "tags")["declared"], "text[]");
    assert_eq!(column(&accounts, "tags")["kind"], json!({"type": "other"}));
    // Its expression is no default, and it is not filled like a serial.
    assert_eq!(
        column(&accounts, "email_lower"),
        &json!({
            "name": "email_lower", "declared": "text", "kind": {"type": "text", "max_len": null},
            "not_null": false, "default": null,
            "auto": false, "generated": true, "allowed": null,
        })
    );
    assert_eq!(accounts["primary_key"], json!(["id"]));
    // Neither the partial index nor the one on an expression.
    assert_eq!(
        accounts["uniques"],
        json!([["email"], ["first_name", "last_name"], ["order"]])
    );
    assert_eq!(
        accounts["foreign_keys"],
        json!([{"columns": ["team_id"], "table": "teams", "references": ["id"]}])
    );

    let tokens = describe(&db.url, "tokens");
    let id = column(&tokens, "id");
    assert_eq!(id["kind"], json!({"type": "uuid"}));
    assert_eq!(
        (&id["auto"], &id["default"], &id["not_null"]),
        (&json!(false), &json!(null), &json!(true))
    );
    assert_eq!(tokens["primary_key"], json!(["id"]));
    assert_eq!(tokens["uniques"], json!([]));
    assert_eq!(
        tokens["foreign_keys"],
        json!([
            {"columns": ["account_id"], "table": "accounts", "references": ["id"]},
            {"columns": ["last", "first"], "table": "accounts", "references": ["last_name", "first_name"]},
        ])
    );

    let codes = describe(&db.url, "codes");
    assert_eq!(codes["primary_key"], json!(["code"]));
    assert_eq!(column(&codes, "code")["auto"], false);
    // The length is the domain's.
    let label = column(&codes, "label");
    assert_eq!(label["declared"], "short_label");
    assert_eq!(label["kind"], json!({"type": "text", "max_len": 8}));

    // As spelled: the quoted, mixed-case names are found and kept.
    let user = describe(&db.url, "User");
    assert_eq!(user["name"], "User");
    assert_eq!(column_names(&user), ["id", "createdAt", "firstName"]);
    let created = column(&user, "createdAt");
    assert_eq!(created["declared"], "timestamp with time zone");
    assert_eq!(created["kind"], json!({"type": "timestamp"}));
    assert_eq!(
        column(&user, "firstName")["kind"],
        json!({"type": "text", "max_len": 40})
    );
    assert_eq!(column(&user, "id")["auto"], true);

    let out = fails(&["describe", "--db", &db.url, "--table", "user"]);
    assert!(
        out.contains(
            "there is no table user on PostgreSQL; the tables are: User, accounts, codes, teams, tokens"
        ),
        "{out}"
    );
}

#[test]
fn describe_finds_the_table_in_the_first_schema_of_the_search_path_that_has_it() {
    let (Some(first), Some(second)) = (Schema::new(), Schema::new()) else {
        return;
    };
    first
        .client()
        .batch_execute("CREATE TABLE items (id BIGINT, name TEXT)")
        .expect("create the first schema's tables");
    second
        .client()
        .batch_execute(
            "CREATE TABLE items (id INTEGER); CREATE TABLE codes (code TEXT PRIMARY KEY)",
        )
        .expect("create the second schema's tables");
    let separator = if first.base.contains('?') { '&' } else { '?' };
    let url = format!(
        "{}{separator}options=-csearch_path%3D{}%2C{}",
        first.base, first.name, second.name
    );
    let items = describe(&url, "items");
    assert_eq!(column_names(&items), ["id", "name"]);
    assert_eq!(
        column(&items, "id")["kind"],
        serde_json::json!({"type": "integer", "bytes": 8})
    );
    assert_eq!(column_names(&describe(&url, "codes")), ["code"]);
    let out = fails(&["describe", "--db", &url, "--table", "nope"]);
    assert!(
        out.contains("there is no table nope on PostgreSQL; the tables are: codes, items"),
        "{out}"
    );
    // A run finds the table where the plan was read from: its columns,
    // its unique key, and the rows go there, as an unqualified name does.
    second
        .client()
        .batch_execute(
            "CREATE TABLE members (id SERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
             handle VARCHAR(40) NOT NULL UNIQUE)",
        )
        .expect("create the second schema's members");
    for _ in 0..2 {
        let output = servers::seed()
            .args(["users", "--json", "--db", &url, "--table", "members"])
            .args(["--count", "50", "--seed", "3"])
            .output()
            .expect("run seed");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(second.count("SELECT count(*) FROM members"), 50);
}

/// PostgreSQL's own types, written as the server takes them: a uuid key, a
/// jsonb document, a date, a smallint CHECK list, one commit per row and in
/// a bulk load (COPY), inferred from the table.
#[test]
fn an_inferred_plan_writes_uuid_jsonb_date_and_integer_lists() {
    let Some(db) = Schema::new() else { return };
    db.client()
        .batch_execute(
            "CREATE TABLE \"user\" (id UUID PRIMARY KEY, email VARCHAR(320) NOT NULL UNIQUE, \
             hashed_password VARCHAR(1024) NOT NULL, is_active BOOLEAN NOT NULL, \
             settings JSONB NOT NULL, born_on DATE NOT NULL, \
             tier SMALLINT NOT NULL CHECK (tier IN (0, 1, 2)))",
        )
        .expect("create the table");
    for batch in ["1", "20000"] {
        let output = servers::seed()
            .args([
                "users",
                "--json",
                "--db",
                &db.url,
                "--count",
                "100",
                "--bcrypt-cost",
                "4",
            ])
            .args(["--batch-size", batch, "--seed", batch])
            .output()
            .expect("run seed");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stats: servers::Stats =
            serde_json::from_slice(&output.stdout).expect("one JSON object");
        assert_eq!(stats.plan.as_deref(), Some("inferred"));
        assert_eq!(stats.inserted, 100, "--batch-size {batch}: {stats:?}");
    }
    assert_eq!(db.count("SELECT count(*) FROM \"user\""), 200);
    assert_eq!(
        db.count(
            "SELECT count(*) FROM \"user\" WHERE settings = '{}'::jsonb AND tier IN (0, 1, 2) \
             AND born_on < DATE '2026-01-01' AND is_active"
        ),
        200
    );
    assert_eq!(db.count("SELECT count(DISTINCT id) FROM \"user\""), 200);
}
