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
    /// A `postgres://` URL, kept whole for the driver.
    Postgres {
        url: String,
    },
    /// A `mysql://` or `mariadb://` URL, kept whole for the driver.
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
}

impl Target {
    /// Accepts a file path, `sqlite:path`, `sqlite://path` (`sqlite:///abs/path`),
    /// with an optional `?mode=ro|rw|rwc`, or a server URL.
    pub fn parse(text: &str) -> Result<Target, UsageError> {
        if text.is_empty() {
            return Err(UsageError("the database path is empty".into()));
        }
        if let Some(rest) = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
        {
            return parse_sqlite(rest);
        }
        let scheme = text.split_once("://").map(|(scheme, _)| scheme);
        match scheme {
            Some("postgres" | "postgresql") => Ok(Target::Postgres { url: text.into() }),
            Some("mysql" | "mariadb") => Ok(Target::Mysql { url: text.into() }),
            Some(other) if is_scheme(other) => Err(UsageError(format!(
                "unsupported database URL scheme '{other}://' (use a file path, sqlite:, postgres://, or mysql://)"
            ))),
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

fn is_scheme(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn parse_sqlite(rest: &str) -> Result<Target, UsageError> {
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    if path.is_empty() {
        return Err(UsageError("the sqlite: URL has no file path".into()));
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

    fn sqlite(path: &str, mode: SqliteMode) -> Target {
        Target::Sqlite {
            path: PathBuf::from(path),
            mode,
        }
    }

    #[test]
    fn parses_paths_and_sqlite_urls() {
        let rwc = SqliteMode::ReadWriteCreate;
        assert_eq!(Target::parse("seed.db").ok(), Some(sqlite("seed.db", rwc)));
        assert_eq!(Target::parse("sqlite:a.db").ok(), Some(sqlite("a.db", rwc)));
        assert_eq!(
            Target::parse("sqlite://a.db").ok(),
            Some(sqlite("a.db", rwc))
        );
        assert_eq!(
            Target::parse("sqlite:///tmp/a.db").ok(),
            Some(sqlite("/tmp/a.db", rwc))
        );
        assert_eq!(
            Target::parse("sqlite:a.db?mode=ro").ok(),
            Some(sqlite("a.db", SqliteMode::ReadOnly))
        );
        assert!(Target::parse("sqlite:a.db?cache=shared").is_err());
        assert!(Target::parse("sqlite:").is_err());
        assert!(Target::parse("").is_err());
    }

    #[test]
    fn recognises_servers_and_rejects_unknown_schemes() {
        assert!(matches!(
            Target::parse("postgresql://u:p@h/db"),
            Ok(Target::Postgres { .. })
        ));
        assert!(matches!(
            Target::parse("mariadb://h/db"),
            Ok(Target::Mysql { .. })
        ));
        assert!(Target::parse("redis://h").is_err());
    }

    #[test]
    fn redaction_drops_credentials_and_query() {
        let target = Target::parse("postgres://alice:s3cret@db.local:5432/app?password=x")
            .expect("valid URL");
        assert_eq!(target.redacted(), "postgres://db.local:5432/app");
        let target = Target::parse("mysql://root:p@ss@h/db").expect("valid URL");
        assert_eq!(target.redacted(), "mysql://h/db");
    }
}
