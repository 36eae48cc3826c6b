//! Which database to seed, parsed from `--db` / `DATABASE_URL`.

use std::fmt;
use std::path::PathBuf;

use crate::exit_code::UsageError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Sqlite {
        path: PathBuf,
        mode: SqliteMode,
    },
    /// A PostgreSQL URL for the driver: its scheme (`postgresql+psycopg2`,
    /// `pgsql`, …) written `postgres`, the rest as given.
    Postgres {
        url: String,
    },
    /// A MySQL URL for the driver: its scheme written `mysql` (or
    /// `mariadb`, for messages), the rest as given.
    Mysql {
        url: String,
    },
}

/// SQLite's `mode=` URI parameter.
#[allow(clippy::enum_variant_names)] // named after SQLite's own modes
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqliteMode {
    /// Read and write, creating the file if needed (the default).
    ReadWriteCreate,
    /// Read and write an existing file.
    ReadWrite,
    /// Read only: every write fails.
    ReadOnly,
    /// Read only, leaving no file behind (`--dry-run`): a database whose
    /// log is not there is opened immutable, so that SQLite makes no
    /// shared-memory file for a file in WAL mode.
    Inspect,
}

impl Target {
    /// Accepts a file path, a SQLite URL as SQLAlchemy (`sqlite:///rel`,
    /// `sqlite:////abs`), sqlx (`sqlite:path`, `sqlite://path`) or Rails
    /// (`sqlite3:path`, `sqlite3:///abs`) write it, with an optional
    /// `?mode=ro|rw|rwc`, or a server URL, with any `+driver` suffix.
    pub fn parse(text: &str) -> Result<Target, UsageError> {
        if text.is_empty() {
            return Err(UsageError("the database path is empty".into()));
        }
        let Some((scheme, rest)) = text.split_once(':').filter(|(s, _)| is_scheme(s)) else {
            return Ok(Target::Sqlite {
                path: PathBuf::from(text),
                mode: SqliteMode::ReadWriteCreate,
            });
        };
        // SQLAlchemy names the driver after a '+': postgresql+psycopg2.
        let base = scheme.split_once('+').map_or(scheme, |(base, _)| base);
        match base.to_ascii_lowercase().as_str() {
            "sqlite" => parse_sqlite(sqlalchemy_path(rest)?),
            "sqlite3" => parse_sqlite(rails_path(rest)),
            "postgres" | "postgresql" | "pgsql" => Ok(Target::Postgres {
                url: format!("postgres:{}", server_rest(scheme, rest)?),
            }),
            "mariadb" => Ok(Target::Mysql {
                url: format!("mariadb:{}", server_rest(scheme, rest)?),
            }),
            // Rails names its MySQL adapters mysql2 and trilogy.
            "mysql" | "mysql2" | "trilogy" => Ok(Target::Mysql {
                url: format!("mysql:{}", server_rest(scheme, rest)?),
            }),
            _ if rest.starts_with("//") => Err(UsageError(format!(
                "unsupported database URL scheme '{scheme}://' (use a file path, sqlite:, postgres://, or mysql://)"
            ))),
            // `C:file.db`, or a name with a colon: a file path.
            _ => Ok(Target::Sqlite {
                path: PathBuf::from(text),
                mode: SqliteMode::ReadWriteCreate,
            }),
        }
    }

    /// The database as shown to the user: server URLs lose their user,
    /// password and query string, which may carry credentials too.
    pub fn redacted(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Sqlite { path, .. } => write!(f, "{}", path.display()),
            Target::Postgres { url } | Target::Mysql { url } => f.write_str(&redact_url(url)),
        }
    }
}

fn server_rest<'a>(scheme: &str, rest: &'a str) -> Result<&'a str, UsageError> {
    if rest.starts_with("//") {
        Ok(rest)
    } else {
        Err(UsageError(format!(
            "a {scheme}: URL starts with {scheme}://, as in {scheme}://USER@HOST/DATABASE"
        )))
    }
}

fn is_scheme(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// What follows `sqlite:`. As in SQLAlchemy (and so flask-base, CTFd,
/// dj-database-url, Laravel), `sqlite:///` starts a relative path and
/// `sqlite:////` an absolute one; `sqlite:path` and `sqlite://path`, which
/// SQLAlchemy has no use for, are the path as written (as in sqlx).
fn sqlalchemy_path(rest: &str) -> Result<&str, UsageError> {
    match rest.strip_prefix("//") {
        Some("") => Err(UsageError(
            "the sqlite:// URL has no file path (to SQLAlchemy it is a database in memory, which seed cannot fill for anyone); write sqlite:///FILE for a file in the current folder".into(),
        )),
        Some(authority_and_path) => Ok(authority_and_path
            .strip_prefix('/')
            .unwrap_or(authority_and_path)),
        None => Ok(rest),
    }
}

/// What follows `sqlite3:`. As in Rails: `sqlite3:db/dev.sqlite3` is
/// relative, `sqlite3:/abs` and `sqlite3:///abs` absolute.
fn rails_path(rest: &str) -> &str {
    rest.strip_prefix("//").unwrap_or(rest)
}

fn parse_sqlite(rest: &str) -> Result<Target, UsageError> {
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    if path.is_empty() {
        return Err(UsageError("the sqlite: URL has no file path".into()));
    }
    if path == ":memory:" {
        return Err(UsageError(
            "a database in memory is gone when seed exits; name a file".into(),
        ));
    }
    let mut mode = SqliteMode::ReadWriteCreate;
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        mode = match pair {
            "mode=ro" => SqliteMode::ReadOnly,
            "mode=rw" => SqliteMode::ReadWrite,
            "mode=rwc" => SqliteMode::ReadWriteCreate,
            other => {
                return Err(UsageError(format!(
                    "unsupported sqlite: URL parameter '{other}' (only mode=ro, mode=rw, mode=rwc)"
                )));
            }
        };
    }
    Ok(Target::Sqlite {
        path: PathBuf::from(path),
        mode,
    })
}

/// `scheme://user:password@host:port/db?opts` → `scheme://host:port/db`.
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<database URL>".into();
    };
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(path: &str, mode: SqliteMode) -> Option<Target> {
        Some(Target::Sqlite {
            path: PathBuf::from(path),
            mode,
        })
    }

    fn file(path: &str) -> Option<Target> {
        sqlite(path, SqliteMode::ReadWriteCreate)
    }

    #[test]
    fn sqlite_urls_mean_what_they_mean_to_the_apps() {
        let parse = |text| Target::parse(text).ok();
        assert_eq!(parse("seed.db"), file("seed.db"));
        assert_eq!(parse("/tmp/seed.db"), file("/tmp/seed.db"));
        assert_eq!(parse("a:b.db"), file("a:b.db"));
        // sqlx, and seed before SQLAlchemy's forms.
        assert_eq!(parse("sqlite:a.db"), file("a.db"));
        assert_eq!(parse("sqlite:/tmp/a.db"), file("/tmp/a.db"));
        assert_eq!(parse("sqlite://a.db"), file("a.db"));
        // SQLAlchemy (flask-base, CTFd), dj-database-url, Laravel.
        assert_eq!(parse("sqlite:///data-dev.sqlite"), file("data-dev.sqlite"));
        assert_eq!(parse("sqlite:///db/a.db"), file("db/a.db"));
        assert_eq!(parse("sqlite:////tmp/a.db"), file("/tmp/a.db"));
        assert_eq!(parse("sqlite+pysqlite:///a.db"), file("a.db"));
        // Rails.
        assert_eq!(
            parse("sqlite3:db/development.sqlite3"),
            file("db/development.sqlite3")
        );
        assert_eq!(parse("sqlite3:/tmp/a.db"), file("/tmp/a.db"));
        assert_eq!(parse("sqlite3:///tmp/a.db"), file("/tmp/a.db"));
        assert_eq!(
            parse("sqlite:///a.db?mode=ro"),
            sqlite("a.db", SqliteMode::ReadOnly)
        );
        assert_eq!(
            parse("sqlite:a.db?mode=rw"),
            sqlite("a.db", SqliteMode::ReadWrite)
        );
    }

    #[test]
    fn sqlite_urls_seed_cannot_use_are_refused() {
        for text in [
            "",
            "sqlite:",
            "sqlite://",
            "sqlite:///",
            "sqlite3:",
            "sqlite::memory:",
            "sqlite3::memory:",
            "sqlite:a.db?cache=shared",
        ] {
            assert!(Target::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn server_urls_take_any_driver_suffix() {
        for (text, url) in [
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("postgresql://u:p@h/db", "postgres://u:p@h/db"),
            (
                "postgresql+psycopg2://u@h:5433/db",
                "postgres://u@h:5433/db",
            ),
            ("postgresql+asyncpg://h/db", "postgres://h/db"),
            ("pgsql://h/db", "postgres://h/db"),
        ] {
            assert_eq!(
                Target::parse(text).ok(),
                Some(Target::Postgres { url: url.into() }),
                "{text}"
            );
        }
        for (text, url) in [
            ("mysql://u@h/db", "mysql://u@h/db"),
            (
                "mysql+pymysql://u:p@h/db?charset=utf8mb4",
                "mysql://u:p@h/db?charset=utf8mb4",
            ),
            ("mysql2://h/db", "mysql://h/db"),
            ("trilogy://h/db", "mysql://h/db"),
            ("mariadb://h/db", "mariadb://h/db"),
            ("mariadb+mariadbconnector://h/db", "mariadb://h/db"),
        ] {
            assert_eq!(
                Target::parse(text).ok(),
                Some(Target::Mysql { url: url.into() }),
                "{text}"
            );
        }
        assert!(Target::parse("redis://h").is_err());
        assert!(Target::parse("postgres:h/db").is_err());
    }

    #[test]
    fn redaction_drops_credentials_and_query() {
        let target = Target::parse("postgres://alice:s3cret@db.local:5432/app?password=x")
            .expect("valid URL");
        assert_eq!(target.redacted(), "postgres://db.local:5432/app");
        let target = Target::parse("mysql+pymysql://root:p@ss@h/db").expect("valid URL");
        assert_eq!(target.redacted(), "mysql://h/db");
    }
}
