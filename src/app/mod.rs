//! The five apps' presets: each one's plan (its users table, as the app's
//! own code fills it), how to tell its tables and which tables seed may
//! create for it. Plain data: no I/O, no SQL dialect.

mod ctfd;
mod devise;
mod django;
pub mod flask_base;
mod laravel;

use crate::plan::Spec;

/// The plan a command runs with, and where it came from.
#[derive(Clone, Debug)]
pub struct Chosen {
    pub spec: Spec,
    /// The preset it is, if it is one: the tables seed may create for it.
    pub preset: Option<&'static Preset>,
    /// What the summary and the JSON call it: the app's name, the file's
    /// path, or `inferred`.
    pub source: String,
    /// An inferred plan's reason for each column's generator.
    pub reasons: Vec<(String, String)>,
    /// What a person should know before the run: a choice seed made that
    /// they may want to make otherwise.
    pub notes: Vec<String>,
}

impl Chosen {
    pub fn preset(preset: &'static Preset) -> Chosen {
        Chosen {
            spec: preset.plan(),
            preset: Some(preset),
            source: preset.name.to_owned(),
            reasons: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// What the command line chose: a plan, or a table to infer one from;
/// neither: read from the tables.
#[derive(Clone, Debug, Default)]
pub struct Choice {
    pub chosen: Option<Chosen>,
    /// `--table`.
    pub table: Option<String>,
}

/// The column the database fills with the row's key.
pub const ID: &str = "id";

/// A built-in plan: an app's users table as the app's own code fills it,
/// and what seed knows of the app besides (how to tell its tables, which
/// tables it may create, its administrator's work factor).
pub struct Preset {
    /// As given to `--app` and printed in JSON.
    pub name: &'static str,
    /// The plan.
    pub spec: fn() -> Spec,
    /// Columns a table must have to be taken for this app's (detection).
    pub signature: &'static [&'static str],
    pub tables: Tables,
}

impl Preset {
    /// The preset's plan.
    pub fn plan(&self) -> Spec {
        (self.spec)()
    }
}

impl std::fmt::Debug for Preset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// The five apps, in the order `--app` lists them.
pub const PRESETS: [&Preset; 5] = [
    &flask_base::PRESET,
    &ctfd::PRESET,
    &django::PRESET,
    &laravel::PRESET,
    &devise::PRESET,
];

/// The order in which tables are matched: most specific first, since
/// flask-base's signature is the loosest.
pub const DETECTION_ORDER: [&Preset; 5] = [
    &django::PRESET,
    &devise::PRESET,
    &laravel::PRESET,
    &ctfd::PRESET,
    &flask_base::PRESET,
];

/// The preset named `name`, as `--app` spells it.
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.into_iter().find(|preset| preset.name == name)
}

/// The preset names, for messages and `--app`'s values.
pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|preset| preset.name).collect()
}

/// Which tables seed may create when they are missing.
pub enum Tables {
    /// Created on every backend (flask-base's models have no migrations).
    Create(&'static [&'static TableDef]),
    /// Created on SQLite only; on servers the app's migrations make them.
    CreateOnSqlite(&'static [&'static TableDef], &'static str),
    /// Never created: the app's migrations make them (the command to run).
    Migrations(&'static str),
}

/// A table as the app's models declare it, for `CREATE TABLE`.
pub struct TableDef {
    pub name: &'static str,
    pub columns: &'static [ColumnDef],
    /// UNIQUE constraints over several columns.
    pub unique: &'static [&'static [&'static str]],
    pub indexes: &'static [IndexDef],
}

pub struct ColumnDef {
    pub name: &'static str,
    pub kind: Kind,
    /// An auto-filled integer primary key.
    pub primary_key: bool,
    pub not_null: bool,
    pub unique: bool,
    /// (table, column) this column references.
    pub references: Option<(&'static str, &'static str)>,
    /// The reference is `ON DELETE SET NULL`.
    pub set_null_on_delete: bool,
}

impl ColumnDef {
    pub const fn new(name: &'static str, kind: Kind) -> ColumnDef {
        ColumnDef {
            name,
            kind,
            primary_key: false,
            not_null: false,
            unique: false,
            references: None,
            set_null_on_delete: false,
        }
    }

    pub const fn id() -> ColumnDef {
        ColumnDef {
            primary_key: true,
            not_null: true,
            ..ColumnDef::new("id", Kind::Integer)
        }
    }

    pub const fn unique(self) -> ColumnDef {
        ColumnDef {
            unique: true,
            ..self
        }
    }

    pub const fn references(self, table: &'static str, column: &'static str) -> ColumnDef {
        ColumnDef {
            references: Some((table, column)),
            ..self
        }
    }

    pub const fn set_null_on_delete(self) -> ColumnDef {
        ColumnDef {
            set_null_on_delete: true,
            ..self
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Integer,
    String(u32),
    Text,
    Boolean,
    DateTime,
}

pub struct IndexDef {
    pub name: &'static str,
    pub column: &'static str,
    pub unique: bool,
}
