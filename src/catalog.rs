//! A table as its database's catalog describes it: what a plan is inferred
//! from. Each backend fills one of these ([`crate::db::Conn::describe`]); the
//! policy that turns it into a plan is written once, in `plan::infer`.

/// One table.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Described {
    pub name: String,
    /// In the table's order.
    pub columns: Vec<ColumnInfo>,
    /// The primary key's columns (empty if there is none).
    pub primary_key: Vec<String>,
    /// Each UNIQUE constraint or unique index, as its columns (the primary
    /// key is not repeated here).
    pub uniques: Vec<Vec<String>>,
    pub foreign_keys: Vec<ForeignKey>,
}

/// One column.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ColumnInfo {
    pub name: String,
    /// The type as the catalog spells it, for messages: `varchar(64)`,
    /// `timestamp without time zone`, `enum('a','b')`, `tinyint(1)`.
    pub declared: String,
    pub kind: Kind,
    pub not_null: bool,
    /// The default's expression as the catalog holds it (`now()`,
    /// `'free'::text`, `CURRENT_TIMESTAMP`, `0`), if it has one.
    pub default: Option<String>,
    /// The database fills it on its own: an identity, a serial, an
    /// auto-increment, or SQLite's INTEGER PRIMARY KEY (rowid).
    pub auto: bool,
    /// A generated (computed) column: it cannot be written.
    pub generated: bool,
    /// The values a `CHECK (c IN (...))` constraint allows, if one does.
    pub allowed: Option<Vec<String>>,
}

/// What a column holds, as far as a generator needs to know.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Kind {
    /// Text; the declared length in characters, if any.
    Text {
        max_len: Option<u32>,
    },
    /// An integer of this many bytes (2, 4, 8; SQLite's INTEGER is 8).
    Integer {
        bytes: u8,
    },
    Boolean,
    /// A date and time (with or without a time zone).
    Timestamp,
    Date,
    Uuid,
    Json,
    /// An exact or floating-point number.
    Decimal,
    /// PostgreSQL's enums and domains over them, MySQL's `ENUM`: the values.
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql")),
        allow(
            dead_code,
            reason = "SQLite has no enum type: only the servers report one"
        )
    )]
    Enum {
        values: Vec<String>,
    },
    /// Anything else (bytea, blob, arrays, geometry, …).
    Other,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ForeignKey {
    /// The columns of this table.
    pub columns: Vec<String>,
    pub table: String,
    /// The referenced columns, in the same order.
    pub references: Vec<String>,
}

/// The precision and scale of an exact number type as declared
/// (`numeric(10,2)`, `DECIMAL(8)`: scale 0); None for a float or a number
/// of no declared precision.
pub fn numeric_digits(declared: &str) -> Option<(u32, u32)> {
    let lower = declared.to_ascii_lowercase();
    if !(lower.starts_with("dec") || lower.starts_with("num")) {
        return None;
    }
    let inside = declared.split_once('(')?.1.split_once(')')?.0;
    let mut parts = inside.split(',').map(|p| p.trim().parse::<u32>().ok());
    let precision = parts.next().flatten()?;
    Some((precision, parts.next().flatten().unwrap_or(0)))
}

/// The values of `CHECK (col IN ('a', 'b'))` for `column`, found in SQL
/// text (SQLite keeps a table's `CREATE TABLE` as written). None when no
/// CHECK of that shape names the column.
pub fn check_in_list(sql: &str, column: &str) -> Option<Vec<String>> {
    let lower = sql.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("check") {
        let start = from + found + "check".len();
        from = start;
        let rest = sql[start..].trim_start();
        let Some(body) = rest.strip_prefix('(').and_then(balanced) else {
            continue;
        };
        if let Some(values) = in_list(body, column) {
            return Some(values);
        }
    }
    None
}

/// The text inside the parenthesis `text` starts after, up to the one that
/// closes it.
fn balanced(text: &str) -> Option<&str> {
    let mut depth = 1;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// `col IN ('a', 'b')`, with the column quoted or not.
fn in_list(body: &str, column: &str) -> Option<Vec<String>> {
    let body = body.trim();
    let (name, rest) = identifier(body)?;
    if !name.eq_ignore_ascii_case(column) {
        return None;
    }
    let rest = rest.trim_start();
    let (keyword, rest) = rest.split_at_checked(2)?;
    if !keyword.eq_ignore_ascii_case("in") {
        return None;
    }
    let list = balanced(rest.trim_start().strip_prefix('(')?)?;
    let mut values = Vec::new();
    let mut chars = list.trim().chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('\'') {
            return None;
        }
        let mut value = String::new();
        loop {
            match chars.next()? {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    value.push('\'');
                }
                '\'' => break,
                c => value.push(c),
            }
        }
        values.push(value);
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.next() {
            None => return Some(values),
            Some(',') => {}
            Some(_) => return None,
        }
    }
}

/// A leading identifier, bare or quoted with `"`, `` ` `` or `[]`, and what
/// follows it.
fn identifier(text: &str) -> Option<(String, &str)> {
    let close = match text.chars().next()? {
        '"' => '"',
        '`' => '`',
        '[' => ']',
        _ => {
            let end = text
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(text.len());
            return (end > 0).then(|| (text[..end].to_owned(), &text[end..]));
        }
    };
    let inner = &text[1..];
    let end = inner.find(close)?;
    Some((inner[..end].to_owned(), &inner[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_lists_are_read_with_any_quoting_and_other_columns_are_not() {
        let sql = "CREATE TABLE t (status TEXT CHECK (status IN ('active', 'banned')), \
                   \"kind\" TEXT NOT NULL, plan TEXT, CHECK(\"kind\" in ('a','it''s')), \
                   CHECK (length(plan) > 2))";
        assert_eq!(
            check_in_list(sql, "status"),
            Some(vec!["active".to_owned(), "banned".to_owned()])
        );
        assert_eq!(
            check_in_list(sql, "kind"),
            Some(vec!["a".to_owned(), "it's".to_owned()])
        );
        assert_eq!(check_in_list(sql, "plan"), None);
        assert_eq!(check_in_list(sql, "nope"), None);
    }
}
