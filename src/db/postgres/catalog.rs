//! A table as PostgreSQL's catalog describes it, for [`Conn::describe`]
//! and [`Conn::tables`].
//!
//! [`Conn::describe`]: crate::db::Conn::describe
//! [`Conn::tables`]: crate::db::Conn::tables

use postgres::Client;
use postgres::types::Oid;

use crate::catalog::{ColumnInfo, Described, ForeignKey, Kind};

/// The table an unqualified name resolves to: in the first schema of
/// search_path that has one so named. `current_schemas(false)` leaves out
/// pg_catalog and pg_temp, which a name finds without their being listed:
/// a user's table is never there.
const TABLE: &str = "SELECT c.oid, c.relname::text \
     FROM unnest(current_schemas(false)) WITH ORDINALITY AS s(name, position) \
     JOIN pg_namespace n ON n.nspname = s.name \
     JOIN pg_class c ON c.relnamespace = n.oid \
     WHERE c.relname = $1 AND c.relkind IN ('r', 'p') \
     ORDER BY s.position LIMIT 1";

/// Partitions are left out: rows go to their parent.
const TABLES: &str = "SELECT c.relname::text FROM pg_class c \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = ANY (current_schemas(false)) \
     AND c.relkind IN ('r', 'p') AND NOT c.relispartition";

/// Every column of table `$1`, its type looked through its domains (a
/// domain over a domain too): the base type decides the kind and its
/// length, while the domains add NOT NULL, a default and CHECKs. The
/// expression in pg_attrdef of a generated column is no default.
const COLUMNS: &str = "WITH RECURSIVE chain(attnum, type, typmod, domain, depth) AS ( \
       SELECT a.attnum, a.atttypid, a.atttypmod, NULL::oid, 0 FROM pg_attribute a \
       WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped \
       UNION ALL \
       SELECT c.attnum, t.typbasetype, t.typtypmod, t.oid, c.depth + 1 FROM chain c \
       JOIN pg_type t ON t.oid = c.type WHERE t.typtype = 'd' \
     ), \
     domains AS (SELECT c.attnum, c.depth, t.* FROM chain c JOIN pg_type t ON t.oid = c.domain) \
     SELECT a.attname::text, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), \
       CASE WHEN bt.typnamespace = 'pg_catalog'::regnamespace OR bt.typname = 'citext' \
         THEN bt.typname::text END, \
       base.typmod, \
       bt.typtype = 'e', \
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = bt.oid \
         ORDER BY e.enumsortorder), \
       a.attnotnull OR EXISTS (SELECT FROM domains d WHERE d.attnum = a.attnum AND d.typnotnull), \
       CASE WHEN a.attgenerated = '' THEN COALESCE(pg_get_expr(def.adbin, def.adrelid), \
         (SELECT pg_get_expr(d.typdefaultbin, 0) FROM domains d \
          WHERE d.attnum = a.attnum AND d.typdefaultbin IS NOT NULL ORDER BY d.depth LIMIT 1)) END, \
       a.attidentity IN ('a', 'd'), \
       a.attgenerated = 's', \
       ARRAY(SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k \
         WHERE k.conrelid = a.attrelid AND k.contype = 'c' AND k.conkey = ARRAY[a.attnum]), \
       ARRAY(SELECT pg_get_constraintdef(k.oid) FROM domains d \
         JOIN pg_constraint k ON k.contypid = d.oid \
         WHERE d.attnum = a.attnum AND k.contype = 'c') \
     FROM pg_attribute a \
     JOIN chain base ON base.attnum = a.attnum \
     JOIN pg_type bt ON bt.oid = base.type AND bt.typtype <> 'd' \
     LEFT JOIN pg_attrdef def ON def.adrelid = a.attrelid AND def.adnum = a.attnum \
     WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY a.attnum";

/// The unique indexes of table `$1` that hold for every row on plain
/// columns (not partial, not on expressions), the primary key's first.
/// Every UNIQUE constraint has one. INCLUDE columns are not part of the key.
const UNIQUES: &str = "SELECT i.indisprimary, ARRAY( \
       SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS u(attnum, position) \
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.attnum \
       WHERE u.position <= i.indnkeyatts ORDER BY u.position) \
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
     WHERE i.indrelid = $1 AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL \
     ORDER BY i.indisprimary DESC, c.relname";

const FOREIGN_KEYS: &str = "SELECT ARRAY( \
       SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, position) \
       JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum \
       ORDER BY u.position), \
     f.relname::text, \
     ARRAY( \
       SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, position) \
       JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum \
       ORDER BY u.position) \
     FROM pg_constraint k JOIN pg_class f ON f.oid = k.confrelid \
     WHERE k.conrelid = $1 AND k.contype = 'f' \
     ORDER BY k.conname";

pub fn tables(client: &mut Client) -> Result<Vec<String>, postgres::Error> {
    let mut names = client
        .query(TABLES, &[])?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<Vec<String>, _>>()?;
    // In Rust's order rather than the database's collation, so every
    // backend sorts alike; a name in two schemas is one table to the user.
    names.sort();
    names.dedup();
    Ok(names)
}

pub fn describe(client: &mut Client, table: &str) -> Result<Option<Described>, postgres::Error> {
    let Some(found) = client.query_opt(TABLE, &[&table])? else {
        return Ok(None);
    };
    let oid: Oid = found.try_get(0)?;
    let columns = client
        .query(COLUMNS, &[&oid])?
        .iter()
        .map(column)
        .collect::<Result<Vec<_>, _>>()?;

    let mut primary_key = Vec::new();
    let mut uniques: Vec<Vec<String>> = Vec::new();
    for row in client.query(UNIQUES, &[&oid])? {
        let columns: Vec<String> = row.try_get(1)?;
        if row.try_get(0)? {
            primary_key = columns;
        } else if columns != primary_key && !uniques.contains(&columns) {
            uniques.push(columns);
        }
    }

    let foreign_keys = client
        .query(FOREIGN_KEYS, &[&oid])?
        .iter()
        .map(|row| {
            Ok(ForeignKey {
                columns: row.try_get(0)?,
                table: row.try_get(1)?,
                references: row.try_get(2)?,
            })
        })
        .collect::<Result<Vec<_>, postgres::Error>>()?;

    Ok(Some(Described {
        name: found.try_get(1)?,
        columns,
        primary_key,
        uniques,
        foreign_keys,
    }))
}

/// One row of [`COLUMNS`].
fn column(row: &postgres::Row) -> Result<ColumnInfo, postgres::Error> {
    let quoted: String = row.try_get(1)?;
    let base: Option<String> = row.try_get(3)?;
    let is_enum: bool = row.try_get(5)?;
    let kind = if is_enum {
        Kind::Enum {
            values: row.try_get(6)?,
        }
    } else {
        kind(base.as_deref(), row.try_get(4)?)
    };
    let default: Option<String> = row.try_get(8)?;
    let identity: bool = row.try_get(9)?;
    // A serial is a default that takes the next value of a sequence.
    let serial = default
        .as_deref()
        .is_some_and(|default| default.starts_with("nextval("));
    let checks: Vec<String> = row.try_get(11)?;
    let domain_checks: Vec<String> = row.try_get(12)?;
    let lists = checks
        .iter()
        .filter_map(|check| check_values(check, &quoted))
        .chain(
            domain_checks
                .iter()
                .filter_map(|check| check_values(check, "VALUE")),
        );
    Ok(ColumnInfo {
        name: row.try_get(0)?,
        declared: row.try_get(2)?,
        kind,
        not_null: row.try_get(7)?,
        default,
        auto: identity || serial,
        generated: row.try_get(10)?,
        allowed: intersection(lists),
    })
}

/// The kind of a built-in type (or citext), by its name in pg_type; None
/// for any other type. `typmod` is the length of a varchar or char, plus 4.
fn kind(base: Option<&str>, typmod: i32) -> Kind {
    match base {
        Some("varchar" | "bpchar") => Kind::Text {
            max_len: typmod
                .checked_sub(4)
                .and_then(|len| u32::try_from(len).ok()),
        },
        Some("text" | "citext" | "name") => Kind::Text { max_len: None },
        Some("int2") => Kind::Integer { bytes: 2 },
        Some("int4") => Kind::Integer { bytes: 4 },
        Some("int8") => Kind::Integer { bytes: 8 },
        Some("bool") => Kind::Boolean,
        Some("timestamp" | "timestamptz") => Kind::Timestamp,
        Some("date") => Kind::Date,
        Some("uuid") => Kind::Uuid,
        Some("json" | "jsonb") => Kind::Json,
        Some("numeric" | "float4" | "float8") => Kind::Decimal,
        _ => Kind::Other,
    }
}

/// The values every list allows, in the first list's order; None if there
/// is no list. A column's CHECK and its domain's must both pass.
fn intersection(lists: impl Iterator<Item = Vec<String>>) -> Option<Vec<String>> {
    lists.reduce(|kept, list| kept.into_iter().filter(|v| list.contains(v)).collect())
}

/// The values a CHECK constraint allows, if all it does is list them for
/// one column: `CHECK (c IN ('a', 'b'))` or `CHECK (c = 'a' OR c = 'b')`,
/// as pg_get_constraintdef spells them back:
///
/// ```text
/// CHECK (((c)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])))
/// CHECK ((c = ANY (ARRAY['a'::text, 'b'::text])))
/// CHECK (((c = 'a'::text) OR (c = 'b'::text)))
/// ```
///
/// `column` is the column as the catalog quotes it (`"order"`), or `VALUE`
/// in a domain's constraint. The values come without quotes or casts.
fn check_values(def: &str, column: &str) -> Option<Vec<String>> {
    let body = def.strip_prefix("CHECK ")?;
    let body = body.strip_suffix(" NOT VALID").unwrap_or(body);
    let mut parser = Parser { rest: body, column };
    let values = parser.alternatives()?;
    parser.rest.is_empty().then_some(values)
}

/// A recursive descent over the few shapes [`check_values`] reads; any
/// other text makes it give up (None), never guess.
struct Parser<'a> {
    rest: &'a str,
    column: &'a str,
}

/// The words a type's name may go on with: `character varying`,
/// `double precision`, `timestamp without time zone`.
const TYPE_WORDS: [&str; 6] = ["varying", "precision", "with", "without", "time", "zone"];

fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

impl Parser<'_> {
    fn eat(&mut self, token: &str) -> bool {
        match self.rest.strip_prefix(token) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    /// Runs `parse`, giving the input back if it fails.
    fn attempt<T>(&mut self, parse: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.rest;
        let parsed = parse(self);
        if parsed.is_none() {
            self.rest = start;
        }
        parsed
    }

    /// `term OR term …`: the values any of them allows.
    fn alternatives(&mut self) -> Option<Vec<String>> {
        let mut values = self.term()?;
        while self.eat(" OR ") {
            for value in self.term()? {
                if !values.contains(&value) {
                    values.push(value);
                }
            }
        }
        Some(values)
    }

    fn term(&mut self) -> Option<Vec<String>> {
        // `(c)::text = …` opens with a parenthesis too: it is the
        // comparison's, not a group's, if the group does not parse.
        self.attempt(|p| {
            p.eat("(").then_some(())?;
            let values = p.alternatives()?;
            p.eat(")").then_some(values)
        })
        .or_else(|| self.attempt(Self::comparison))
    }

    /// `c = ANY (ARRAY[…])` or `c = 'a'`.
    fn comparison(&mut self) -> Option<Vec<String>> {
        self.value(Self::column)?;
        self.eat(" = ").then_some(())?;
        if self.eat("ANY ") {
            self.value(Self::array)
        } else {
            self.value(Self::literal).map(|value| vec![value])
        }
    }

    /// What `base` reads, maybe in parentheses, maybe cast: `x`, `x::t`,
    /// `(x)::t`, `((x)::t)::u`.
    fn value<T>(&mut self, base: fn(&mut Self) -> Option<T>) -> Option<T> {
        let parsed = self.attempt(base).or_else(|| {
            self.attempt(|p| {
                p.eat("(").then_some(())?;
                let inner = p.value(base)?;
                p.eat(")").then_some(inner)
            })
        })?;
        while self.eat("::") {
            self.type_name()?;
        }
        Some(parsed)
    }

    fn column(&mut self) -> Option<()> {
        let column = self.column;
        self.eat(column).then_some(())?;
        // `c` is not the start of `cc`.
        (!self.rest.starts_with(is_identifier_char)).then_some(())
    }

    fn array(&mut self) -> Option<Vec<String>> {
        self.eat("ARRAY[").then_some(())?;
        let mut values = Vec::new();
        loop {
            values.push(self.value(Self::literal)?);
            if self.eat("]") {
                return Some(values);
            }
            self.eat(", ").then_some(())?;
        }
    }

    /// A quoted string (`'it''s'` is `it's`) or a number.
    fn literal(&mut self) -> Option<String> {
        if let Some(quoted) = self.rest.strip_prefix('\'') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            while let Some((i, c)) = chars.next() {
                if c != '\'' {
                    value.push(c);
                } else if quoted[i + 1..].starts_with('\'') {
                    value.push('\'');
                    chars.next();
                } else {
                    self.rest = &quoted[i + 1..];
                    return Some(value);
                }
            }
            return None;
        }
        let unsigned = self.rest.strip_prefix('-').unwrap_or(self.rest);
        let digits = unsigned
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(unsigned.len());
        if !unsigned[..digits].contains(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let len = self.rest.len() - unsigned.len() + digits;
        let (number, rest) = self.rest.split_at(len);
        self.rest = rest;
        Some(number.to_owned())
    }

    /// A type's name as format_type writes it: `text`, `character
    /// varying(64)`, `public."Mood"`, `text[]`.
    fn type_name(&mut self) -> Option<()> {
        loop {
            self.type_word()?;
            if let Some(args) = self.rest.strip_prefix('(') {
                let end = args.find(')')?;
                args[..end]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ',')
                    .then_some(())?;
                self.rest = &args[end + 1..];
            }
            let Some(next) = self.rest.strip_prefix(' ') else {
                break;
            };
            let word_end = next.find(|c: char| !is_identifier_char(c));
            let word = &next[..word_end.unwrap_or(next.len())];
            if !TYPE_WORDS.contains(&word) {
                break;
            }
            self.rest = next;
        }
        while self.eat("[]") {}
        Some(())
    }

    /// One word of a type's name, maybe quoted, maybe schema-qualified.
    fn type_word(&mut self) -> Option<()> {
        loop {
            if let Some(quoted) = self.rest.strip_prefix('"') {
                let mut end = None;
                let mut chars = quoted.char_indices();
                while let Some((i, c)) = chars.next() {
                    if c == '"' {
                        if quoted[i + 1..].starts_with('"') {
                            chars.next();
                        } else {
                            end = Some(i);
                            break;
                        }
                    }
                }
                self.rest = &quoted[end? + 1..];
            } else {
                let len = self
                    .rest
                    .find(|c: char| !is_identifier_char(c))
                    .unwrap_or(self.rest.len());
                if len == 0 {
                    return None;
                }
                self.rest = &self.rest[len..];
            }
            if !self.eat(".") {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(def: &str, column: &str) -> Option<Vec<String>> {
        check_values(def, column)
    }

    fn list(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn in_lists_read_back_from_the_catalog() {
        assert_eq!(
            values(
                "CHECK (((status)::text = ANY ((ARRAY['active'::character varying, 'banned'::character varying])::text[])))",
                "status"
            ),
            Some(list(&["active", "banned"]))
        );
        assert_eq!(
            values("CHECK ((b = ANY (ARRAY['x'::text, 'y'::text])))", "b"),
            Some(list(&["x", "y"]))
        );
        assert_eq!(
            values(
                "CHECK ((d = ANY (ARRAY['abc'::bpchar, 'd''e'::bpchar])))",
                "d"
            ),
            Some(list(&["abc", "d'e"]))
        );
        assert_eq!(
            values("CHECK ((e = ANY (ARRAY[1, '-2'::integer, 3.5])))", "e"),
            Some(list(&["1", "-2", "3.5"]))
        );
        assert_eq!(
            values(
                "CHECK (((\"Mixed\")::text = ANY ((ARRAY['a b'::character varying, 'c,d'::character varying])::text[])))",
                "\"Mixed\""
            ),
            Some(list(&["a b", "c,d"]))
        );
        assert_eq!(
            values("CHECK ((k = 'only'::text))", "k"),
            Some(list(&["only"]))
        );
        assert_eq!(
            values(
                "CHECK ((m = ANY (ARRAY['ok'::public.\"Mood\", 'sad'::public.\"Mood\"]))) NOT VALID",
                "m"
            ),
            Some(list(&["ok", "sad"]))
        );
    }

    #[test]
    fn disjunctions_read_back_from_the_catalog() {
        assert_eq!(
            values("CHECK (((c = 'p'::text) OR (c = 'q'::text)))", "c"),
            Some(list(&["p", "q"]))
        );
        assert_eq!(
            values(
                "CHECK ((((VALUE)::text = 'a'::text) OR ((VALUE)::text = 'b'::text) OR ((VALUE)::text = 'a'::text)))",
                "VALUE"
            ),
            Some(list(&["a", "b"]))
        );
        assert_eq!(
            values(
                "CHECK (((t = '2024-01-01 00:00:00'::timestamp without time zone) OR (t = '2025-01-01 00:00:00'::timestamp(3) without time zone)))",
                "t"
            ),
            Some(list(&["2024-01-01 00:00:00", "2025-01-01 00:00:00"]))
        );
    }

    #[test]
    fn other_checks_are_not_lists() {
        for def in [
            "CHECK ((length(b) > 2))",
            "CHECK ((b <> ALL (ARRAY['x'::text, 'y'::text])))",
            "CHECK (((b = 'p'::text) AND (d = 'q'::text)))",
            "CHECK (((b = 'p'::text) OR (d = 'q'::text)))",
            "CHECK ((b = ANY (ARRAY['x'::text, NULL::text])))",
            "CHECK ((b = lower(b)))",
            "CHECK ((bb = ANY (ARRAY['x'::text])))",
            "CHECK ((b = 'unterminated))",
            "CHECK (((((b + 1) + 2) + 3) > 0))",
        ] {
            assert_eq!(values(def, "b"), None, "{def}");
        }
        assert_eq!(
            values("CHECK ((\"order\" = 'x'::text))", "order"),
            None,
            "the catalog quotes a keyword"
        );
    }

    #[test]
    fn lists_of_a_column_and_its_domain_meet() {
        assert_eq!(
            intersection([list(&["a", "b", "c"]), list(&["c", "a"])].into_iter()),
            Some(list(&["a", "c"]))
        );
        assert_eq!(intersection(std::iter::empty()), None);
    }

    #[test]
    fn lengths_come_from_the_typmod() {
        assert_eq!(kind(Some("varchar"), 68), Kind::Text { max_len: Some(64) });
        assert_eq!(kind(Some("varchar"), -1), Kind::Text { max_len: None });
        assert_eq!(kind(Some("bpchar"), 5), Kind::Text { max_len: Some(1) });
        assert_eq!(kind(Some("int8"), -1), Kind::Integer { bytes: 8 });
        assert_eq!(kind(None, -1), Kind::Other);
        assert_eq!(kind(Some("bytea"), -1), Kind::Other);
    }
}
