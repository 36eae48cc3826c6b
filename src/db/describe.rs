//! A table as its database's catalog describes it: what a plan is inferred
//! from. Each backend fills one of these ([`super::Conn::describe`]); the
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
