//! The SQL seed writes, over a backend's [`Dialect`]: `CREATE TABLE` for a
//! [`TableDef`] in the shape SQLAlchemy emits it, and the row insert.

use std::fmt::Write as _;

use super::InsertTarget;
use crate::app::{Kind, TableDef};

/// What differs between backends in the DDL seed writes.
pub struct Dialect {
    /// The identifier quote: `"` or `` ` ``.
    pub quote: char,
    /// An auto-filled integer key, e.g. `INTEGER NOT NULL AUTO_INCREMENT`.
    pub serial: &'static str,
    pub boolean: &'static str,
    pub datetime: &'static str,
    /// MySQL has no `CREATE INDEX IF NOT EXISTS`: indexes go in the table.
    pub inline_indexes: bool,
    /// After the closing parenthesis, e.g. the engine and charset.
    pub table_suffix: &'static str,
    /// The `n`th (from 1) parameter placeholder.
    pub placeholder: fn(usize) -> String,
}

/// Words SQLAlchemy quotes when they name a column.
const RESERVED: &[&str] = &["index", "default", "order", "group", "key", "user"];

impl Dialect {
    pub fn quote(&self, name: &str) -> String {
        let q = self.quote;
        format!("{q}{}{q}", name.replace(q, &format!("{q}{q}")))
    }

    fn name(&self, name: &str) -> String {
        let plain =
            name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') && !RESERVED.contains(&name);
        if plain {
            name.to_owned()
        } else {
            self.quote(name)
        }
    }

    fn kind(&self, kind: Kind) -> String {
        match kind {
            Kind::Integer => "INTEGER".into(),
            Kind::String(len) => format!("VARCHAR({len})"),
            Kind::Text => "TEXT".into(),
            Kind::Boolean => self.boolean.into(),
            Kind::DateTime => self.datetime.into(),
        }
    }

    /// `INSERT INTO table (columns) VALUES (placeholders)`.
    pub fn insert(&self, target: &InsertTarget) -> String {
        self.insert_rows(target, 1)
    }

    /// `INSERT INTO table (columns) VALUES (…), (…)`: `rows` rows of
    /// parameters, numbered row by row.
    pub fn insert_rows(&self, target: &InsertTarget, rows: usize) -> String {
        let mut sql = format!("INSERT INTO {} (", self.quote(&target.table));
        for (i, column) in target.columns.iter().enumerate() {
            let comma = if i == 0 { "" } else { ", " };
            let _ = write!(sql, "{comma}{}", self.quote(column));
        }
        sql.push_str(") VALUES ");
        let width = target.columns.len();
        for row in 0..rows {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            for i in 1..=width {
                let comma = if i == 1 { "" } else { ", " };
                let _ = write!(sql, "{comma}{}", (self.placeholder)(row * width + i));
            }
            sql.push(')');
        }
        sql
    }

    /// The columns of `target`'s rows whose identity is the first parameter
    /// and whose id is above the second: after a lost reply, the row in
    /// flight if it went in (rows there before have lower ids).
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    pub fn newer_rows(&self, target: &InsertTarget) -> String {
        let columns: Vec<String> = target.columns.iter().map(|c| self.quote(c)).collect();
        format!(
            "SELECT {} FROM {} WHERE {} = {} AND {} > {}",
            columns.join(", "),
            self.quote(&target.table),
            self.quote(&target.identity),
            (self.placeholder)(1),
            self.quote(crate::app::ID),
            (self.placeholder)(2)
        )
    }

    /// How many of `target`'s rows have the id and identity given as the
    /// first and second parameters: after a lost COMMIT reply, whether the
    /// batch's last row went in.
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    pub fn count_by_id(&self, target: &InsertTarget) -> String {
        format!(
            "SELECT count(*) FROM {} WHERE {} = {} AND {} = {}",
            self.quote(&target.table),
            self.quote(crate::app::ID),
            (self.placeholder)(1),
            self.quote(&target.identity),
            (self.placeholder)(2)
        )
    }

    /// The statements that create `table` and its indexes when missing.
    pub fn create_table(&self, table: &TableDef) -> Vec<String> {
        let mut lines: Vec<String> = table
            .columns
            .iter()
            .map(|column| {
                let name = self.name(column.name);
                if column.primary_key {
                    format!("{name} {}", self.serial)
                } else if column.not_null {
                    format!("{name} {} NOT NULL", self.kind(column.kind))
                } else {
                    format!("{name} {}", self.kind(column.kind))
                }
            })
            .collect();
        for column in table.columns.iter().filter(|c| c.primary_key) {
            lines.push(format!("PRIMARY KEY ({})", self.name(column.name)));
        }
        for group in table.unique {
            let names: Vec<String> = group.iter().map(|name| self.name(name)).collect();
            lines.push(format!("UNIQUE ({})", names.join(", ")));
        }
        for column in table.columns.iter().filter(|c| c.unique) {
            lines.push(format!("UNIQUE ({})", self.name(column.name)));
        }
        if self.inline_indexes {
            for index in table.indexes {
                let unique = if index.unique { "UNIQUE " } else { "" };
                lines.push(format!(
                    "{unique}INDEX {} ({})",
                    index.name,
                    self.name(index.column)
                ));
            }
        }
        for column in table.columns {
            if let Some((other, key)) = column.references {
                let on_delete = if column.set_null_on_delete {
                    " ON DELETE SET NULL"
                } else {
                    ""
                };
                lines.push(format!(
                    "FOREIGN KEY({}) REFERENCES {other} ({}){on_delete}",
                    self.name(column.name),
                    self.name(key)
                ));
            }
        }
        let mut statements = vec![format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    {}\n){}",
            table.name,
            lines.join(",\n    "),
            self.table_suffix
        )];
        if !self.inline_indexes {
            for index in table.indexes {
                let unique = if index.unique { "UNIQUE " } else { "" };
                statements.push(format!(
                    "CREATE {unique}INDEX IF NOT EXISTS {} ON {} ({})",
                    index.name,
                    table.name,
                    self.name(index.column)
                ));
            }
        }
        statements
    }
}
