//! A table as MySQL's and MariaDB's information_schema describe it, in
//! the database the URL names. The two servers spell the same catalog
//! differently: MariaDB quotes literal defaults and says `NULL` for none,
//! MySQL 8 escapes every quote of a CHECK clause once more and keeps its
//! CHECKs apart from their tables.

use mysql::prelude::Queryable;

use crate::catalog::{ColumnInfo, Described, ForeignKey, Kind};

/// Views are left out: nothing is seeded into one.
const COLUMNS: &str = "SELECT c.table_name, c.column_name, c.column_type, c.data_type, \
     c.character_maximum_length, c.is_nullable = 'NO', c.column_default, c.extra \
     FROM information_schema.columns c JOIN information_schema.tables t \
     ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
     WHERE c.table_schema = DATABASE() AND c.table_name = ? \
     AND t.table_type IN ('BASE TABLE', 'SYSTEM VERSIONED') \
     ORDER BY c.ordinal_position";

/// The primary key first, then each unique index by name. A functional
/// index (MySQL 8) has a part with no column.
const UNIQUE_INDEXES: &str = "SELECT index_name, column_name FROM information_schema.statistics \
     WHERE table_schema = DATABASE() AND table_name = ? AND non_unique = 0 \
     ORDER BY index_name <> 'PRIMARY', index_name, seq_in_index";

const FOREIGN_KEYS: &str = "SELECT constraint_name, column_name, referenced_table_name, \
     referenced_column_name FROM information_schema.key_column_usage \
     WHERE table_schema = DATABASE() AND table_name = ? AND referenced_table_name IS NOT NULL \
     ORDER BY constraint_name, ordinal_position";

/// MariaDB names a column's CHECK after the column, so names repeat across
/// tables: its CHECK_CONSTRAINTS says which table each is on.
const MARIADB_CHECKS: &str = "SELECT check_clause FROM information_schema.check_constraints \
     WHERE constraint_schema = DATABASE() AND table_name = ?";

/// MySQL's CHECK_CONSTRAINTS names no table; a CHECK's name is unique in
/// its schema.
const MYSQL_CHECKS: &str = "SELECT cc.check_clause FROM information_schema.table_constraints tc \
     JOIN information_schema.check_constraints cc \
     ON cc.constraint_schema = tc.constraint_schema AND cc.constraint_name = tc.constraint_name \
     WHERE tc.table_schema = DATABASE() AND tc.table_name = ? AND tc.constraint_type = 'CHECK'";

/// Servers from before CHECK constraints (MySQL 5.7, MariaDB 10.1) have no
/// CHECK_CONSTRAINTS table.
const ER_UNKNOWN_TABLE: u16 = 1109;

/// One row of [`COLUMNS`].
type ColumnRow = (
    String,
    String,
    String,
    String,
    Option<u64>,
    bool,
    Option<String>,
    String,
);

/// `table` in the current database, or None if it has no such base table.
pub fn describe(
    conn: &mut mysql::Conn,
    table: &str,
    mariadb: bool,
) -> Result<Option<Described>, mysql::Error> {
    let rows: Vec<ColumnRow> = conn.exec(COLUMNS, (table,))?;
    // Names are matched as the server matches them (by lower_case_table_names);
    // the one stored is the one reported.
    let Some(name) = rows.first().map(|row| row.0.clone()) else {
        return Ok(None);
    };
    let mut columns: Vec<ColumnInfo> = rows
        .into_iter()
        .map(
            |(_, name, declared, data_type, max_len, not_null, default, extra)| {
                let extra = extra.to_ascii_uppercase();
                let words: Vec<&str> = extra.split_whitespace().collect();
                ColumnInfo {
                    kind: kind(&data_type, &declared, max_len),
                    default: column_default(default, &data_type, &extra, mariadb),
                    auto: words.contains(&"AUTO_INCREMENT"),
                    // Not "GENERATED" alone: MySQL says DEFAULT_GENERATED of
                    // a default that is an expression.
                    generated: words
                        .iter()
                        .any(|word| matches!(*word, "VIRTUAL" | "STORED" | "PERSISTENT")),
                    allowed: None,
                    name,
                    declared,
                    not_null,
                }
            },
        )
        .collect();

    let checks: Vec<String> = match conn.exec(
        if mariadb {
            MARIADB_CHECKS
        } else {
            MYSQL_CHECKS
        },
        (name.as_str(),),
    ) {
        Ok(checks) => checks,
        Err(mysql::Error::MySqlError(err)) if err.code == ER_UNKNOWN_TABLE => Vec::new(),
        Err(err) => return Err(err),
    };
    for clause in checks {
        let clause = if mariadb { clause } else { unescape(&clause) };
        apply_check(&mut columns, &clause);
    }

    let parts: Vec<(String, Option<String>)> = conn.exec(UNIQUE_INDEXES, (name.as_str(),))?;
    let (primary_key, uniques) = unique_indexes(parts);

    let parts: Vec<(String, String, String, String)> = conn.exec(FOREIGN_KEYS, (name.as_str(),))?;
    let mut foreign_keys: Vec<ForeignKey> = Vec::new();
    let mut last: Option<String> = None;
    for (constraint, column, parent, referenced) in parts {
        if last.as_deref() != Some(constraint.as_str()) {
            foreign_keys.push(ForeignKey {
                columns: Vec::new(),
                table: parent,
                references: Vec::new(),
            });
            last = Some(constraint);
        }
        if let Some(key) = foreign_keys.last_mut() {
            key.columns.push(column);
            key.references.push(referenced);
        }
    }

    Ok(Some(Described {
        name,
        columns,
        primary_key,
        uniques,
        foreign_keys,
    }))
}

/// The base tables of the current database, sorted by name as spelled.
pub fn tables(conn: &mut mysql::Conn) -> Result<Vec<String>, mysql::Error> {
    let mut names: Vec<String> = conn.query(
        "SELECT table_name FROM information_schema.tables \
         WHERE table_schema = DATABASE() AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED')",
    )?;
    // The catalog's collation sorts without case; other backends sort by bytes.
    names.sort();
    Ok(names)
}

/// The primary key and the other unique indexes from rows of
/// [`UNIQUE_INDEXES`]. An index on an expression names no column, and is
/// no set of columns a generator could keep unique.
fn unique_indexes(parts: Vec<(String, Option<String>)>) -> (Vec<String>, Vec<Vec<String>>) {
    let mut indexes: Vec<(String, Option<Vec<String>>)> = Vec::new();
    for (index, column) in parts {
        if indexes.last().is_none_or(|(name, _)| *name != index) {
            indexes.push((index, Some(Vec::new())));
        }
        if let Some((_, columns)) = indexes.last_mut() {
            match (columns.as_mut(), column) {
                (Some(columns), Some(column)) => columns.push(column),
                _ => *columns = None,
            }
        }
    }
    let mut primary_key = Vec::new();
    let mut uniques: Vec<Vec<String>> = Vec::new();
    for (index, columns) in indexes {
        let Some(columns) = columns else { continue };
        if index == "PRIMARY" {
            primary_key = columns;
        } else if columns != primary_key && !uniques.contains(&columns) {
            uniques.push(columns);
        }
    }
    (primary_key, uniques)
}

/// What `data_type` (`varchar`) and `column_type` (`varchar(64)`,
/// `tinyint(1)`, `enum('a','b')`) hold. The text types (`text`,
/// `tinytext`…) get no length: their limit is in bytes, not characters.
fn kind(data_type: &str, column_type: &str, max_len: Option<u64>) -> Kind {
    match data_type.to_ascii_lowercase().as_str() {
        "char" | "varchar" => Kind::Text {
            max_len: max_len.and_then(|n| u32::try_from(n).ok()),
        },
        "tinytext" | "text" | "mediumtext" | "longtext" => Kind::Text { max_len: None },
        // MySQL stores BOOLEAN as tinyint(1).
        "tinyint" if column_type.eq_ignore_ascii_case("tinyint(1)") => Kind::Boolean,
        "bool" | "boolean" => Kind::Boolean,
        "tinyint" => Kind::Integer { bytes: 1 },
        "smallint" => Kind::Integer { bytes: 2 },
        "mediumint" => Kind::Integer { bytes: 3 },
        "int" | "integer" => Kind::Integer { bytes: 4 },
        "bigint" => Kind::Integer { bytes: 8 },
        "datetime" | "timestamp" => Kind::Timestamp,
        "date" => Kind::Date,
        "json" => Kind::Json,
        // MariaDB 10.7's own type.
        "uuid" => Kind::Uuid,
        "decimal" | "numeric" | "float" | "double" | "real" => Kind::Decimal,
        "enum" => enum_values(column_type).map_or(Kind::Other, |values| Kind::Enum { values }),
        _ => Kind::Other,
    }
}

/// The values of `enum('a','it''s')`.
fn enum_values(column_type: &str) -> Option<Vec<String>> {
    let (head, list) = column_type.split_at_checked("enum(".len())?;
    if !head.eq_ignore_ascii_case("enum(") {
        return None;
    }
    let list = list.strip_suffix(')')?;
    let (values, rest) = literals(list)?;
    rest.trim().is_empty().then_some(values)
}

/// The default as a DDL would write it: a literal quoted, an expression
/// as it is, None for none. MariaDB already quotes literals and writes
/// `NULL` (unquoted) for no default; MySQL writes a literal unquoted and
/// marks an expression DEFAULT_GENERATED.
fn column_default(
    raw: Option<String>,
    data_type: &str,
    extra: &str,
    mariadb: bool,
) -> Option<String> {
    let raw = raw?;
    if mariadb {
        return (raw != "NULL").then_some(raw);
    }
    if extra.contains("DEFAULT_GENERATED") {
        return Some(unescape(&raw));
    }
    let data_type = data_type.to_ascii_lowercase();
    let quoted = matches!(
        data_type.as_str(),
        "char"
            | "varchar"
            | "tinytext"
            | "text"
            | "mediumtext"
            | "longtext"
            | "enum"
            | "set"
            | "date"
            | "datetime"
            | "timestamp"
            | "time"
    );
    // MySQL 5.7 has no DEFAULT_GENERATED and writes CURRENT_TIMESTAMP bare.
    let now = matches!(data_type.as_str(), "datetime" | "timestamp")
        && raw.to_ascii_uppercase().starts_with("CURRENT_TIMESTAMP");
    if quoted && !now {
        Some(format!("'{}'", raw.replace('\'', "''")))
    } else {
        Some(raw)
    }
}

/// Applies one CHECK clause to the column it is on: `col IN (…)` or
/// `col = '…'` (how MariaDB reads back a one-value IN) gives the values
/// allowed, intersected with any other CHECK's; MariaDB's JSON is longtext
/// under `json_valid(col)`.
fn apply_check(columns: &mut [ColumnInfo], clause: &str) {
    if let Some(name) = json_valid(clause) {
        if let Some(column) = find(columns, &name)
            && matches!(column.kind, Kind::Text { max_len: None })
        {
            column.kind = Kind::Json;
        }
        return;
    }
    let Some((name, values)) = in_list(clause) else {
        return;
    };
    let Some(column) = find(columns, &name) else {
        return;
    };
    column.allowed = Some(match column.allowed.take() {
        Some(before) => before.into_iter().filter(|v| values.contains(v)).collect(),
        None => values,
    });
}

/// Column names are not case-sensitive in MySQL.
fn find<'a>(columns: &'a mut [ColumnInfo], name: &str) -> Option<&'a mut ColumnInfo> {
    columns
        .iter_mut()
        .find(|column| column.name.eq_ignore_ascii_case(name))
}

/// The column of `json_valid(col)`.
fn json_valid(clause: &str) -> Option<String> {
    let clause = unwrap_parens(clause);
    let head = clause.get(.."json_valid(".len())?;
    if !head.eq_ignore_ascii_case("json_valid(") {
        return None;
    }
    let (name, rest) = identifier(clause.get(head.len()..)?.trim_start())?;
    (rest.trim() == ")").then_some(name)
}

/// The column and values of `col IN ('a', 'b')` or `col = 'a'`, with
/// MySQL's `_utf8mb4'a'` introducers; None for any other shape.
fn in_list(clause: &str) -> Option<(String, Vec<String>)> {
    let clause = unwrap_parens(clause);
    let (name, rest) = identifier(clause)?;
    let rest = rest.trim_start();
    let (values, rest) = if let Some(rest) = rest.strip_prefix('=') {
        let (value, rest) = literal(rest.trim_start())?;
        (vec![value], rest)
    } else {
        let keyword = rest.get(..2)?;
        if !keyword.eq_ignore_ascii_case("in") {
            return None;
        }
        let list = rest.get(2..)?.trim_start().strip_prefix('(')?;
        let (values, rest) = literals(list)?;
        (values, rest.trim_start().strip_prefix(')')?)
    };
    rest.trim().is_empty().then_some((name, values))
}

/// `text` without parentheses around all of it.
fn unwrap_parens(text: &str) -> &str {
    let mut text = text.trim();
    while let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        if !balanced(inner) {
            break;
        }
        text = inner.trim();
    }
    text
}

/// Every parenthesis outside quotes in `text` is closed, none before it
/// opens: `a) AND (b` is not.
fn balanced(text: &str) -> bool {
    let mut depth = 0u32;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0 && quote.is_none()
}

/// A leading identifier, bare or in backquotes (`` `` `` for one), and
/// what follows it.
fn identifier(text: &str) -> Option<(String, &str)> {
    let Some(quoted) = text.strip_prefix('`') else {
        let end = text
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(text.len());
        return (end > 0).then(|| (text[..end].to_owned(), &text[end..]));
    };
    let mut name = String::new();
    let mut chars = quoted.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '`' && chars.next_if(|(_, c)| *c == '`').is_none() {
            return Some((name, &quoted[i + 1..]));
        }
        name.push(c);
    }
    None
}

/// Literals separated by commas, and what follows the last.
fn literals(text: &str) -> Option<(Vec<String>, &str)> {
    let mut values = Vec::new();
    let mut rest = text;
    loop {
        let (value, after) = literal(rest.trim_start())?;
        values.push(value);
        match after.trim_start().strip_prefix(',') {
            Some(after) => rest = after,
            None => return Some((values, after)),
        }
    }
}

/// A leading string literal (with `''` or a backslash escape for a quote,
/// after an optional `_charset` introducer) or number, and what follows.
fn literal(text: &str) -> Option<(String, &str)> {
    let text = match text.strip_prefix('_') {
        Some(introduced) => {
            introduced.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
        }
        None => text,
    };
    let Some(quoted) = text.strip_prefix('\'') else {
        let end = text
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.')))
            .unwrap_or(text.len());
        return (end > 0).then(|| (text[..end].to_owned(), &text[end..]));
    };
    let mut value = String::new();
    let mut chars = quoted.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' if chars.next_if(|(_, c)| *c == '\'').is_some() => value.push('\''),
            '\'' => return Some((value, &quoted[i + 1..])),
            '\\' => {
                let (_, escaped) = chars.next()?;
                match escaped {
                    '0' => value.push('\0'),
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    'b' => value.push('\u{8}'),
                    'Z' => value.push('\u{1A}'),
                    // Kept for LIKE, as the server keeps them.
                    '%' | '_' => {
                        value.push('\\');
                        value.push(escaped);
                    }
                    other => value.push(other),
                }
            }
            c => value.push(c),
        }
    }
    None
}

/// MySQL's catalog text with its extra level of backslashes taken off:
/// `_utf8mb4\'it\\\'s\'` is `_utf8mb4'it\'s'`.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn enum_values_are_read_with_their_escapes() {
        assert_eq!(
            kind("enum", "enum('member','Moderator')", Some(9)),
            Kind::Enum {
                values: strings(&["member", "Moderator"])
            }
        );
        // As MariaDB and MySQL write `'it''s'`, `'a\b'`, `'x,y'` and `''`.
        assert_eq!(
            enum_values(r"enum('it''s','a\\b','x,y','')"),
            Some(strings(&["it's", r"a\b", "x,y", ""]))
        );
        assert_eq!(enum_values("enum('a'"), None);
    }

    #[test]
    fn types_are_told_by_data_type_and_column_type() {
        assert_eq!(kind("tinyint", "tinyint(1)", None), Kind::Boolean);
        assert_eq!(
            kind("tinyint", "tinyint(4)", None),
            Kind::Integer { bytes: 1 }
        );
        assert_eq!(
            kind("int", "int(10) unsigned", None),
            Kind::Integer { bytes: 4 }
        );
        assert_eq!(
            kind("mediumint", "mediumint", None),
            Kind::Integer { bytes: 3 }
        );
        assert_eq!(
            kind("char", "char(36)", Some(36)),
            Kind::Text { max_len: Some(36) }
        );
        assert_eq!(
            kind("text", "text", Some(65_535)),
            Kind::Text { max_len: None }
        );
        assert_eq!(kind("binary", "binary(16)", Some(16)), Kind::Other);
        assert_eq!(kind("uuid", "uuid", None), Kind::Uuid);
        assert_eq!(kind("set", "set('a','b')", Some(3)), Kind::Other);
        assert_eq!(kind("double", "double", None), Kind::Decimal);
        assert_eq!(kind("datetime", "datetime(6)", None), Kind::Timestamp);
    }

    #[test]
    fn check_clauses_of_both_servers_give_their_values() {
        // MariaDB.
        assert_eq!(
            in_list(r"`status` in ('active','it\'s','a\\b')"),
            Some(("status".to_owned(), strings(&["active", "it's", r"a\b"])))
        );
        assert_eq!(
            in_list("`t` = 'a'"),
            Some(("t".to_owned(), strings(&["a"])))
        );
        assert_eq!(
            in_list("`n` in (1,2)"),
            Some(("n".to_owned(), strings(&["1", "2"])))
        );
        // MySQL 8, once its extra escaping is off.
        let clause = unescape(r"(`status` in (_utf8mb4\'active\',_utf8mb4\'it\\\'s\'))");
        assert_eq!(
            in_list(&clause),
            Some(("status".to_owned(), strings(&["active", "it's"])))
        );
        assert_eq!(in_list("`w` is null or `w` = 'a'"), None);
        assert_eq!(in_list("(`a` in ('x')) and (`b` in ('y'))"), None);
        assert_eq!(in_list("`a` < `c`"), None);
        assert_eq!(
            in_list("`we``ird` IN ('x')"),
            Some(("we`ird".to_owned(), strings(&["x"])))
        );
    }

    #[test]
    fn json_valid_names_its_column() {
        assert_eq!(json_valid("json_valid(`meta`)"), Some("meta".to_owned()));
        assert_eq!(json_valid("(JSON_VALID(meta))"), Some("meta".to_owned()));
        assert_eq!(json_valid("json_valid(`a`) or `b` > 0"), None);
    }

    #[test]
    fn defaults_are_written_as_a_ddl_would() {
        // MariaDB.
        assert_eq!(column_default(None, "varchar", "", true), None);
        assert_eq!(
            column_default(Some("NULL".into()), "varchar", "", true),
            None
        );
        assert_eq!(
            column_default(Some("'NULL'".into()), "varchar", "", true).as_deref(),
            Some("'NULL'")
        );
        assert_eq!(
            column_default(Some("current_timestamp(6)".into()), "datetime", "", true).as_deref(),
            Some("current_timestamp(6)")
        );
        // MySQL.
        assert_eq!(
            column_default(Some("it's".into()), "varchar", "", false).as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            column_default(Some("0".into()), "tinyint", "", false).as_deref(),
            Some("0")
        );
        assert_eq!(
            column_default(
                Some("CURRENT_TIMESTAMP".into()),
                "timestamp",
                "DEFAULT_GENERATED",
                false
            )
            .as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            column_default(Some("CURRENT_TIMESTAMP".into()), "datetime", "", false).as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            column_default(
                Some(r"_utf8mb4\'[]\'".into()),
                "json",
                "DEFAULT_GENERATED",
                false
            )
            .as_deref(),
            Some("_utf8mb4'[]'")
        );
    }

    #[test]
    fn functional_and_repeated_unique_indexes_are_left_out() {
        let part =
            |index: &str, column: Option<&str>| (index.to_owned(), column.map(str::to_owned));
        let (primary_key, uniques) = unique_indexes(vec![
            part("PRIMARY", Some("id")),
            part("email", Some("email")),
            part("email_again", Some("email")),
            part("functional", None),
            part("pair", Some("b")),
            part("pair", Some("a")),
            part("same_as_key", Some("id")),
        ]);
        assert_eq!(primary_key, ["id"]);
        assert_eq!(uniques, [strings(&["email"]), strings(&["b", "a"])]);
    }
}
