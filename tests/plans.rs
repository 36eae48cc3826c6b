//! Plans: inferred from a table, printed by `seed plan`, kept as a file and
//! read back, and the presets as plans of the same kind.

mod common;

use common::{TempDb, parse_stats, seed, verifier};

/// Runs seed in `dir` with `args`; it must succeed. Returns stdout.
#[track_caller]
fn run_in(dir: &std::path::Path, args: &[&str]) -> String {
    let output = seed()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run seed");
    assert!(
        output.status.success(),
        "seed {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Realistic tables of apps seed has no preset for, each filled by the
/// plan inferred from it, every row as the columns want it.
#[test]
fn realistic_tables_are_filled_by_their_inferred_plans() {
    let tables = [
        // A Prisma "User" model: a text id without a default, camelCase.
        (
            "CREATE TABLE \"User\" (\"id\" TEXT NOT NULL PRIMARY KEY, \"email\" TEXT NOT NULL, \
             \"name\" TEXT, \"passwordHash\" TEXT NOT NULL, \"createdAt\" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, \
             \"updatedAt\" DATETIME NOT NULL, \"role\" TEXT NOT NULL DEFAULT 'USER' CHECK (\"role\" IN ('USER', 'ADMIN'))); \
             CREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");",
            "User",
            "SELECT id, email, passwordHash, updatedAt, role FROM \"User\"",
        ),
        // FastAPI Users: a uuid key, flags.
        (
            "CREATE TABLE user (id CHAR(36) NOT NULL PRIMARY KEY, email VARCHAR(320) NOT NULL UNIQUE, \
             hashed_password VARCHAR(1024) NOT NULL, is_active BOOLEAN NOT NULL, \
             is_superuser BOOLEAN NOT NULL, is_verified BOOLEAN NOT NULL)",
            "user",
            "SELECT id, email, hashed_password, is_active, is_superuser, is_verified FROM user",
        ),
        // A hand-made members table: a roles CHECK list, JSON, a default,
        // a column named order, a foreign key to a table with rows.
        (
            "CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT NOT NULL); \
             INSERT INTO orgs (name) VALUES ('a'), ('b'), ('c'); \
             CREATE TABLE members (id INTEGER PRIMARY KEY, email VARCHAR(120) NOT NULL UNIQUE, \
             handle VARCHAR(40) NOT NULL, pw_digest TEXT NOT NULL, \"order\" INTEGER NOT NULL, \
             kind TEXT NOT NULL CHECK (kind IN ('member', 'moderator')), prefs JSON NOT NULL, \
             org_id INTEGER NOT NULL REFERENCES orgs(id), plan TEXT NOT NULL DEFAULT 'free', bio TEXT)",
            "members",
            "SELECT email, handle, pw_digest, \"order\", kind, prefs, org_id, plan, bio FROM members",
        ),
    ];
    for (ddl, table, sql) in tables {
        let db = TempDb::new();
        db.exec(ddl);
        let stats = db.users(&["--count", "200", "--seed", "5", "--bcrypt-cost", "4"]);
        assert_eq!(stats.plan.as_deref(), Some("inferred"), "{table}");
        assert_eq!(stats.table.as_deref(), Some(table));
        assert_eq!(stats.inserted, 200, "{table}: {stats:?}");
        let rows = db.query(sql);
        assert_eq!(rows.len(), 200);
        for row in &rows {
            match table {
                "User" => {
                    assert_eq!(row[0].len(), 36, "a uuid id: {row:?}");
                    assert!(row[1].contains('@'));
                    assert!(row[2].starts_with("$2b$04$"), "{row:?}");
                    assert!(row[3].starts_with("2025-"), "{row:?}");
                    assert!(
                        ["USER", "ADMIN"].contains(&row[4].as_str()),
                        "a role: {row:?}"
                    );
                }
                "user" => {
                    assert_eq!(row[0].len(), 36);
                    assert!(row[2].starts_with("$2b$04$"));
                    // Flags that let a user in are true, those that
                    // elevate false.
                    assert_eq!(&row[3..], ["1", "0", "1"], "{row:?}");
                }
                _ => {
                    assert!(row[0].contains('@') && !row[1].contains('@'));
                    assert!(
                        ["member", "moderator"].contains(&row[4].as_str()),
                        "{row:?}"
                    );
                    assert_eq!(row[5], "{}");
                    assert!(["1", "2", "3"].contains(&row[6].as_str()), "{row:?}");
                    assert_eq!(row[7], "free");
                    assert_eq!(row[8], "", "a nullable column stays NULL");
                }
            }
        }
    }
}

/// `seed plan > seed.toml`, then a run with the file: the same rows and
/// digest as the run without it; and a preset's plan read back is the
/// preset.
#[test]
fn a_plan_printed_and_read_back_makes_the_same_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("app.db");
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(
        "CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
         display_name TEXT, created_at TIMESTAMP NOT NULL, pw TEXT NOT NULL)",
    )
    .expect("create");
    drop(conn);
    let args = [
        "users",
        "--db",
        "app.db",
        "--count",
        "300",
        "--seed",
        "1",
        "--dry-run",
        "--json",
        "--bcrypt-cost",
        "4",
    ];
    let inferred = parse_stats(run_in(dir.path(), &args).as_bytes());
    let plan = run_in(dir.path(), &["plan", "--db", "app.db"]);
    assert!(plan.contains("table = \"members\""), "{plan}");
    assert!(plan.contains("created_at = \"timestamp\""), "{plan}");
    std::fs::write(dir.path().join("seed.toml"), &plan).expect("write seed.toml");
    let from_file = parse_stats(run_in(dir.path(), &args).as_bytes());
    assert_eq!(inferred.plan.as_deref(), Some("inferred"));
    assert_eq!(from_file.plan.as_deref(), Some("seed.toml"));
    assert!(inferred.digest.is_some());
    assert_eq!(from_file.digest, inferred.digest);

    // A preset: its plan, read back, makes its rows.
    let other = tempfile::tempdir().expect("temp dir");
    let django = run_in(other.path(), &["plan", "--app", "django"]);
    std::fs::write(other.path().join("p.toml"), &django).expect("write p.toml");
    let base = [
        "users",
        "--count",
        "300",
        "--seed",
        "1",
        "--dry-run",
        "--json",
        "--hash-iterations",
        "1",
    ];
    let preset =
        parse_stats(run_in(other.path(), &[&base[..], &["--app", "django"]].concat()).as_bytes());
    let file =
        parse_stats(run_in(other.path(), &[&base[..], &["--plan", "p.toml"]].concat()).as_bytes());
    assert_eq!(preset.app.as_deref(), Some("django"));
    assert_eq!(file.plan.as_deref(), Some("p.toml"));
    assert_eq!(file.digest, preset.digest);
    assert_eq!(file.counts(), preset.counts());
}

/// A bad plan is a usage error, told before anything is opened: no file is
/// made.
#[test]
fn a_bad_plan_is_refused_before_any_connection() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        (
            "table = \"t\"\nidentity = \"email\"\n[columns]\nemail = \"emial\"\n",
            "unknown generator \"emial\"; the generators are default, null, const,",
        ),
        (
            "table = \"t\"\nidentity = \"email\"\ncolour = 1\n[columns]\nemail = \"email\"\n",
            "unknown key colour; the keys are table, identity, also_unique, columns, roles, admin",
        ),
        (
            "table = \"t\"\nidentity = \"email\"\n[columns]\nemail = \"email\"\npw = { gen = \"password\", format = \"md5\" }\n",
            "unknown password format \"md5\"; the formats are bcrypt, bcrypt-2y, bcrypt-2a, werkzeug-pbkdf2, django-pbkdf2, passlib-bcrypt-sha256",
        ),
    ];
    for (text, wanted) in cases {
        std::fs::write(dir.path().join("bad.toml"), text).expect("write");
        let output = seed()
            .current_dir(dir.path())
            .args(["users", "--plan", "bad.toml", "--db", "x.db"])
            .output()
            .expect("run seed");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.starts_with("error: bad.toml: column email") || stderr.contains(wanted),
            "{stderr}"
        );
        assert!(stderr.contains(wanted), "{stderr}");
        assert!(!dir.path().join("x.db").exists());
    }
    let output = seed()
        .current_dir(dir.path())
        .args(["users", "--plan", "bad.toml", "--app", "django"])
        .output()
        .expect("run seed");
    assert_eq!(output.status.code(), Some(2));
}

/// Two tables named like a users table, and none: refused, naming them.
#[test]
fn the_users_table_is_the_one_named_like_one_or_the_one_named() {
    let db = TempDb::new();
    db.exec(
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE); \
         CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);",
    );
    let before = db.bytes();
    let output = seed()
        .args(["users", "--db", &db.arg()])
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "several tables are named like a users table (accounts, members); name one with --table"
        ),
        "{stderr}"
    );
    assert_eq!(db.bytes(), before);
    let stats = db.users(&["--table", "members", "--count", "10"]);
    assert_eq!(stats.table.as_deref(), Some("members"));
    assert_eq!(db.count("members"), 10);
    assert_eq!(db.count("accounts"), 0);
}

/// `seed admin` on a plan: refused without an `[admin]` section, saying
/// what to add; with one, it makes the administrator the plan describes.
#[test]
fn seed_admin_follows_the_plan_s_admin_section() {
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = rusqlite::Connection::open(dir.path().join("app.db")).expect("open");
    conn.execute_batch(
        "CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
         pw TEXT NOT NULL, role TEXT NOT NULL)",
    )
    .expect("create");
    let plan = "table = \"members\"\nidentity = \"email\"\n[columns]\nid = \"default\"\n\
                email = \"email\"\npw = { gen = \"password\", format = \"bcrypt-2y\", cost = 4 }\n\
                role = { gen = \"role\", values = { member = 9, moderator = 1 } }\n";
    std::fs::write(dir.path().join("seed.toml"), plan).expect("write");
    let output = seed()
        .current_dir(dir.path())
        .args([
            "admin",
            "--db",
            "app.db",
            "--email",
            "boss@example.com",
            "--password",
            "pw",
        ])
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "seed.toml has no admin role, so seed admin does not apply; add an [admin] section"
        ),
        "{stderr}"
    );
    std::fs::write(
        dir.path().join("seed.toml"),
        format!("{plan}[admin]\nrole = \"moderator\"\n"),
    )
    .expect("write");
    run_in(
        dir.path(),
        &[
            "admin",
            "--db",
            "app.db",
            "--email",
            "boss@example.com",
            "--password",
            "pw",
        ],
    );
    let role: String = conn
        .query_row(
            "SELECT role FROM members WHERE email = 'boss@example.com'",
            [],
            |row| row.get(0),
        )
        .expect("the admin");
    assert_eq!(role, "moderator");

    // A table keyed by a uuid of another name: the account is found by it.
    conn.execute_batch(
        "CREATE TABLE staff (staff_key TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
         pw TEXT NOT NULL, role TEXT NOT NULL)",
    )
    .expect("create");
    let staff = plan
        .replace("\"members\"", "\"staff\"")
        .replace("id = \"default\"", "staff_key = \"uuid\"");
    std::fs::write(
        dir.path().join("seed.toml"),
        format!("{staff}[admin]\nrole = \"moderator\"\n"),
    )
    .expect("write");
    let admin = [
        "admin",
        "--db",
        "app.db",
        "--email",
        "boss@example.com",
        "--password",
        "pw",
    ];
    run_in(dir.path(), &admin);
    conn.execute("UPDATE staff SET role = 'member'", [])
        .expect("demote");
    let key: String = conn
        .query_row("SELECT staff_key FROM staff", [], |row| row.get(0))
        .expect("the key");
    let output = seed()
        .current_dir(dir.path())
        .args(admin)
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "boss@example.com already exists (id {key}) and is not an administrator (its role is member)"
        )),
        "{stderr}"
    );
}

/// A UNIQUE column whose generator has fewer values than the rows asked
/// for is refused before any write, naming the column and how many values
/// the generator has.
#[test]
fn a_unique_column_the_generator_cannot_fill_distinctly_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = rusqlite::Connection::open(dir.path().join("app.db")).expect("open");
    conn.execute_batch(
        "CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
         tier TEXT NOT NULL UNIQUE)",
    )
    .expect("create");
    drop(conn);
    let plan = "table = \"members\"\nidentity = \"email\"\n[columns]\nid = \"default\"\n\
                email = \"email\"\ntier = { gen = \"choice\", values = [\"gold\", \"silver\", \"bronze\"] }\n";
    std::fs::write(dir.path().join("seed.toml"), plan).expect("write");
    let before = std::fs::read(dir.path().join("app.db")).expect("read");
    let output = seed()
        .current_dir(dir.path())
        .args(["users", "--db", "app.db", "--count", "1000"])
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("members.tier is UNIQUE, but its generator (choice) has 3 distinct values, fewer than the 1000 rows asked for"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("app.db")).expect("read"),
        before
    );
    // Three rows fit.
    run_in(dir.path(), &["users", "--db", "app.db", "--count", "3"]);
}

/// An empty table says nothing of its hash format: the run says bcrypt
/// was chosen and how to pick another; once hashes are there, the format
/// is read from them and nothing is said.
#[test]
fn a_password_format_chosen_for_an_empty_table_is_said_once() {
    let db = TempDb::new();
    db.exec("CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, password TEXT NOT NULL)");
    let run = |seed_value: &str| {
        let output = seed()
            .args([
                "users",
                "--db",
                &db.arg(),
                "--count",
                "3",
                "--bcrypt-cost",
                "4",
                "--seed",
                seed_value,
            ])
            .output()
            .expect("run seed");
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let first = run("1");
    assert!(
        first.starts_with("note: members.password gets bcrypt ($2b$) hashes, as no hash in the table says which format the app checks;"),
        "{first}"
    );
    let second = run("2");
    assert!(
        second.starts_with("Inserted 3 users into members"),
        "{second}"
    );
}

/// Columns made of the locale's lists: phone, website, city, country (two
/// letters for a two-character column) and company, inferred by name.
#[test]
fn contact_columns_get_the_locale_s_phones_cities_countries_and_companies() {
    let db = TempDb::new();
    db.exec(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
         phone_number VARCHAR(30) NOT NULL, website TEXT NOT NULL, city VARCHAR(60) NOT NULL, \
         country CHAR(2) NOT NULL, company TEXT NOT NULL)",
    );
    let stats = db.users(&["--count", "100", "--seed", "3", "--locale", "fr_FR"]);
    assert_eq!(stats.inserted, 100, "{stats:?}");
    let rows = db.query("SELECT phone_number, website, city, country, company FROM customers");
    for row in &rows {
        assert!(row[0].chars().any(|c| c.is_ascii_digit()), "{row:?}");
        assert!(
            row[1].starts_with("https://") && row[1].contains(".example."),
            "{row:?}"
        );
        assert!(
            !row[2].is_empty() && row[2].chars().count() <= 60,
            "{row:?}"
        );
        assert!(
            row[3].len() == 2 && row[3].chars().all(|c| c.is_ascii_uppercase()),
            "{row:?}"
        );
        assert!(row[4].contains(' '), "{row:?}");
    }
    let plan = seed()
        .args(["plan", "--db", &db.arg()])
        .output()
        .expect("run seed plan");
    let plan = String::from_utf8_lossy(&plan.stdout);
    assert!(
        plan.contains("country = { gen = \"country\", code = true }"),
        "{plan}"
    );
    assert!(plan.contains("phone_number = \"phone\""), "{plan}");
}

/// `--role-weights` weighs a plan's roles by name, and `--exact` reaches
/// the count past the duplicates a plan's table refuses.
#[test]
fn role_weights_and_exact_work_with_any_plan() {
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = rusqlite::Connection::open(dir.path().join("app.db")).expect("open");
    conn.execute_batch(
        "CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
         role TEXT NOT NULL CHECK (role IN ('member', 'moderator')))",
    )
    .expect("create");
    let args = ["users", "--db", "app.db", "--count", "200", "--seed", "1"];
    let stats = parse_stats(
        run_in(
            dir.path(),
            &[
                &args[..],
                &["--role-weights", "member=0,moderator=1", "--json"],
            ]
            .concat(),
        )
        .as_bytes(),
    );
    assert_eq!(stats.inserted, 200);
    let moderators: i64 = conn
        .query_row(
            "SELECT count(*) FROM members WHERE role = 'moderator'",
            [],
            |row| row.get(0),
        )
        .expect("count");
    assert_eq!(moderators, 200);
    let output = seed()
        .current_dir(dir.path())
        .args(["users", "--db", "app.db", "--role-weights", "admin=1"])
        .output()
        .expect("run seed");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--role-weights names role 'admin'"));
    // The same seed again: every row is there, and --exact goes past them.
    let exact =
        parse_stats(run_in(dir.path(), &[&args[..], &["--exact", "--json"]].concat()).as_bytes());
    assert_eq!(exact.inserted, 200);
    assert!(
        exact
            .skipped_by_reason
            .get("already_present")
            .is_some_and(|n| *n >= 200),
        "{exact:?}"
    );
}

/// A format, its `iterations`, the hash's start, and the checkers (program,
/// arguments before the password).
type Case = (&'static str, Option<u32>, &'static str, &'static [Checker]);
type Checker = (&'static str, &'static [&'static str]);

/// A plan file naming an Argon2 or scrypt format: `seed users --count 3`
/// stores hashes that the apps' own checkers accept, with the work factor
/// the plan sets (`iterations`: Argon2's time cost, scrypt's log2 N) or
/// the default.
#[test]
fn argon2_and_scrypt_hashes_from_a_plan_log_in() {
    let password = "correct hörse";
    let cases: [Case; 5] = [
        (
            "argon2id",
            None,
            "$argon2id$v=19$m=19456,t=2,p=1$",
            &[
                ("python3", &["check.py", "argon2"]),
                ("php", &["check.php", "--argon2id"]),
            ],
        ),
        (
            "argon2id",
            Some(1),
            "$argon2id$v=19$m=19456,t=1,p=1$",
            &[("python3", &["check.py", "argon2"])],
        ),
        (
            "django-argon2",
            None,
            "argon2$argon2id$v=19$m=19456,t=2,p=1$",
            &[("python3", &["check.py", "django-argon2"])],
        ),
        (
            "werkzeug-scrypt",
            None,
            "scrypt:32768:8:1$",
            &[("python3", &["check.py", "werkzeug"])],
        ),
        (
            "werkzeug-scrypt",
            Some(14),
            "scrypt:16384:8:1$",
            &[("python3", &["check.py", "werkzeug"])],
        ),
    ];
    for (format, iterations, start, checkers) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let conn = rusqlite::Connection::open(dir.path().join("app.db")).expect("open");
        conn.execute_batch(
            "CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
             pw TEXT NOT NULL)",
        )
        .expect("create");
        let work = iterations.map_or(String::new(), |n| format!(", iterations = {n}"));
        let plan = format!(
            "table = \"members\"\nidentity = \"email\"\n[columns]\nid = \"default\"\n\
             email = \"email\"\npw = {{ gen = \"password\", format = \"{format}\"{work} }}\n"
        );
        std::fs::write(dir.path().join("seed.toml"), plan).expect("write seed.toml");
        let stats = parse_stats(
            run_in(
                dir.path(),
                &[
                    "users",
                    "--json",
                    "--db",
                    "app.db",
                    "--count",
                    "3",
                    "--password",
                    password,
                ],
            )
            .as_bytes(),
        );
        assert_eq!(stats.plan.as_deref(), Some("seed.toml"));
        assert_eq!(stats.inserted, 3, "{format}: {stats:?}");
        let hashes: Vec<String> = conn
            .prepare("SELECT pw FROM members ORDER BY id")
            .expect("prepare")
            .query_map([], |row| row.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("read hashes");
        assert_eq!(hashes.len(), 3);
        for hash in &hashes {
            assert!(hash.starts_with(start), "{format}: {hash}");
        }
        let hash_file = dir.path().join("hashes.txt");
        std::fs::write(&hash_file, hashes.join("\n")).expect("write hashes");
        for (program, args) in checkers {
            let mut args = args.to_vec();
            args.push(password);
            // A refusal panics; a missing checker is a skip.
            let _ = verifier(program, &args, &hashes.join("\n"));
            *args.last_mut().expect("a password") = "wrong password";
            let wrong = std::process::Command::new(program)
                .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/verifiers"))
                .args(&args)
                .stdin(std::fs::File::open(&hash_file).expect("open hashes"))
                .output()
                .map(|output| output.status.code());
            assert!(
                matches!(wrong, Err(_) | Ok(Some(1 | 3))),
                "{format}: {program} {args:?} took a wrong password: {wrong:?}"
            );
        }
    }
}

/// A plan whose generators cannot write their columns (an email into an
/// integer, an instant into a date, NULL into NOT NULL) is refused before
/// any write, a line per column, the file unchanged.
#[test]
fn a_generator_that_cannot_write_its_column_is_refused_before_any_write() {
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = rusqlite::Connection::open(dir.path().join("app.db")).expect("open");
    conn.execute_batch(
        "CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
         age SMALLINT NOT NULL, born DATE NOT NULL, nick TEXT NOT NULL)",
    )
    .expect("create");
    drop(conn);
    let plan = "table = \"members\"\nidentity = \"email\"\n[columns]\nid = \"default\"\n\
                email = \"email\"\nage = \"email\"\nborn = \"timestamp\"\nnick = \"null\"\n";
    std::fs::write(dir.path().join("seed.toml"), plan).expect("write");
    let before = std::fs::read(dir.path().join("app.db")).expect("read");
    let output = seed()
        .current_dir(dir.path())
        .args(["users", "--db", "app.db", "--count", "10"])
        .output()
        .expect("run seed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for line in [
        "members.age (SMALLINT, NOT NULL): email writes text, which an integer column cannot hold; write e.g. age = { gen = \"int\", min = 0, max = 100 }",
        "members.born (DATE, NOT NULL): timestamp writes instants, which a date column cannot hold; write e.g. born = \"date\"",
        "members.nick (TEXT, NOT NULL): \"null\" writes NULL, which it refuses; write e.g. nick = \"text\"",
    ] {
        assert!(stderr.contains(line), "{stderr}");
    }
    assert_eq!(
        std::fs::read(dir.path().join("app.db")).expect("read"),
        before
    );
    let fixed = plan
        .replace(
            "age = \"email\"",
            "age = { gen = \"int\", min = 18, max = 99 }",
        )
        .replace("born = \"timestamp\"", "born = \"date\"")
        .replace("nick = \"null\"", "nick = \"username\"");
    std::fs::write(dir.path().join("seed.toml"), fixed).expect("write");
    run_in(dir.path(), &["users", "--db", "app.db", "--count", "10"]);
}

/// A prefix before the hash (Spring Security's `{bcrypt}`) is read from a
/// hash in the table with the format after it, and written before every
/// hash; the bcrypt hash after it logs in with Ruby's bcrypt (the `$2a$`
/// check Spring's BCryptPasswordEncoder also takes). An ASP.NET Core
/// Identity v3 hash in the table gives that format.
#[test]
fn a_hash_s_prefix_and_aspnet_identity_v3_are_read_from_the_table_and_written() {
    let password = "pass word 1";
    for (existing, plan_line, start, length) in [
        (
            "{bcrypt}$2a$10$abcdefghijklmnopqrstuu3P8MiIMPCSqUw8kVVqCKmF2I8d3P2DO",
            "password = { gen = \"password\", format = \"bcrypt-2a\", prefix = \"{bcrypt}\" }",
            "{bcrypt}$2a$12$",
            68,
        ),
        (
            "AQAAAAIAAYagAAAAENoVftXbReMcFkOwzlfLFgFkx1tZ2PVoFwKaz/7UP6r5rlrymlHMFjMgowJCZl+6YA==",
            "password = { gen = \"password\", format = \"aspnet-identity-v3\" }",
            "AQAAAAIAACcQAAAAE",
            84,
        ),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let conn = rusqlite::Connection::open(dir.path().join("app.db")).expect("open");
        conn.execute_batch(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, \
             password VARCHAR(255) NOT NULL)",
        )
        .expect("create");
        conn.execute(
            "INSERT INTO users (email, password) VALUES ('first@example.com', ?1)",
            [existing],
        )
        .expect("insert");
        let plan = run_in(dir.path(), &["plan", "--db", "app.db"]);
        assert!(plan.contains(plan_line), "{plan}");
        run_in(
            dir.path(),
            &[
                "users",
                "--db",
                "app.db",
                "--count",
                "3",
                "--password",
                password,
            ],
        );
        let hashes: Vec<String> = conn
            .prepare("SELECT password FROM users WHERE id > 1 ORDER BY id")
            .expect("prepare")
            .query_map([], |row| row.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("read hashes");
        assert_eq!(hashes.len(), 3);
        for hash in &hashes {
            assert!(hash.starts_with(start) && hash.len() == length, "{hash}");
        }
        if let Some(prefix) = start.strip_suffix("$2a$12$") {
            let bare: Vec<&str> = hashes
                .iter()
                .filter_map(|hash| hash.strip_prefix(prefix))
                .collect();
            let _ = verifier("ruby", &["check.rb", password], &bare.join("\n"));
        }
    }
}

/// What a plan's columns point at and hold is checked before any write: a
/// `ref` to a table or column that is not there, or of another type; an
/// `int` past a numeric or SQLite smallint column; a finer decimal than
/// the column keeps. A nullable UNIQUE column left NULL is no refusal, and
/// a dry run that reads the table counts the other UNIQUE columns' repeats
/// as the run does.
#[test]
fn refs_bounds_and_nullable_uniques_are_checked_before_any_write() {
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = rusqlite::Connection::open(dir.path().join("app.db")).expect("open");
    conn.execute_batch(
        "CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT NOT NULL); \
         INSERT INTO orgs (name) VALUES ('x'), ('y'); \
         CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, \
         code INTEGER UNIQUE, org_id INTEGER NOT NULL REFERENCES orgs(id), \
         score SMALLINT NOT NULL, balance NUMERIC(6,2) NOT NULL, github_id INTEGER UNIQUE)",
    )
    .expect("create");
    let plan = |lines: &str| {
        format!(
            "table = \"members\"\nidentity = \"email\"\n[columns]\nid = \"default\"\n\
             email = \"email\"\ncode = {{ gen = \"int\", min = 1, max = 500 }}\n\
             score = {{ gen = \"int\", min = 0, max = 100 }}\n\
             balance = {{ gen = \"decimal\", max = 100 }}\ngithub_id = \"null\"\n{lines}\n"
        )
    };
    let before = std::fs::read(dir.path().join("app.db")).expect("read");
    for (lines, error) in [
        (
            "org_id = { gen = \"ref\", table = \"nope\" }",
            "members.org_id = { gen = \"ref\", table = \"nope\", column = \"id\" }: there is no table nope on SQLite; the tables are: members, orgs",
        ),
        (
            "org_id = { gen = \"ref\", table = \"orgs\", column = \"nope\" }",
            "orgs has no column nope; its columns are: id, name",
        ),
        (
            "org_id = { gen = \"ref\", table = \"orgs\", column = \"name\" }",
            "orgs.name is TEXT, which members.org_id (INTEGER) cannot hold",
        ),
        (
            "org_id = { gen = \"ref\", table = \"orgs\" }\nscore = { gen = \"int\", min = 0, max = 100000 }",
            "members.score (SMALLINT, NOT NULL): int from 0 to 100000, but a 2-byte integer holds -32768 to 32767",
        ),
        (
            "org_id = { gen = \"ref\", table = \"orgs\" }\nbalance = { gen = \"int\", max = 100000 }",
            "NUMERIC(6,2) holds at most 9999 in whole numbers",
        ),
        (
            "org_id = { gen = \"ref\", table = \"orgs\" }\nbalance = { gen = \"decimal\", max = 10, scale = 3 }",
            "decimal with 3 decimals, but NUMERIC(6,2) keeps 2",
        ),
    ] {
        // A later line for a column replaces the earlier one: TOML would
        // refuse the repeat, so drop it.
        let mut text = plan(lines);
        for column in ["score", "balance"] {
            let line = format!("\n{column} = ");
            if lines.contains(&line[1..])
                && let Some(start) = text.find(&line)
            {
                let end = text[start + 1..]
                    .find('\n')
                    .map_or(text.len(), |e| start + 1 + e);
                text.replace_range(start..end, "");
            }
        }
        std::fs::write(dir.path().join("seed.toml"), &text).expect("write");
        let output = seed()
            .current_dir(dir.path())
            .args(["users", "--db", "app.db", "--count", "10"])
            .output()
            .expect("run seed");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{text}\n{stderr}");
        assert!(stderr.contains(error), "{text}\n{stderr}");
        assert_eq!(
            std::fs::read(dir.path().join("app.db")).expect("read"),
            before
        );
    }
    std::fs::write(
        dir.path().join("seed.toml"),
        plan("org_id = { gen = \"ref\", table = \"orgs\" }"),
    )
    .expect("write");
    let run = [
        "users", "--json", "--db", "app.db", "--count", "400", "--seed", "1",
    ];
    let dry = parse_stats(run_in(dir.path(), &[&run[..], &["--dry-run"]].concat()).as_bytes());
    let real = parse_stats(run_in(dir.path(), &run).as_bytes());
    assert!(
        real.skipped_by_reason
            .get("duplicate_code")
            .is_some_and(|n| *n > 50),
        "{real:?}"
    );
    assert_eq!(dry.skipped_by_reason, real.skipped_by_reason);
    assert_eq!(dry.inserted, real.inserted);
}
