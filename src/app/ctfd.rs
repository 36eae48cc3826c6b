//! CTFd 3.x (CTFd/CTFd): `CTFd/models/__init__.py`. On SQLite CTFd makes
//! its tables with `db.create_all()`, so seed may too; on PostgreSQL and
//! MySQL its migrations make them.

use super::{ColumnDef, ID, Kind, Preset, TableDef, Tables};
use crate::plan::password::PasswordFormat;
use crate::plan::{Admin, FixedRole, Gen, Roles, Spec, column};
use crate::value::Value;

const USERS: TableDef = TableDef {
    name: "users",
    columns: &[
        ColumnDef::id(),
        ColumnDef::new("oauth_id", Kind::Integer).unique(),
        ColumnDef::new("name", Kind::String(128)),
        ColumnDef::new("password", Kind::String(128)),
        ColumnDef::new("email", Kind::String(128)).unique(),
        ColumnDef::new("type", Kind::String(80)),
        ColumnDef::new("secret", Kind::String(128)),
        ColumnDef::new("website", Kind::String(128)),
        ColumnDef::new("affiliation", Kind::String(128)),
        ColumnDef::new("country", Kind::String(32)),
        ColumnDef::new("bracket_id", Kind::Integer)
            .references("brackets", "id")
            .set_null_on_delete(),
        ColumnDef::new("hidden", Kind::Boolean),
        ColumnDef::new("banned", Kind::Boolean),
        ColumnDef::new("verified", Kind::Boolean),
        ColumnDef::new("language", Kind::String(32)),
        ColumnDef::new("change_password", Kind::Boolean),
        ColumnDef::new("team_id", Kind::Integer).references("teams", "id"),
        ColumnDef::new("created", Kind::DateTime),
    ],
    unique: &[&["id", "oauth_id"]],
    indexes: &[],
};

const TEAMS: TableDef = TableDef {
    name: "teams",
    columns: &[
        ColumnDef::id(),
        ColumnDef::new("oauth_id", Kind::Integer).unique(),
        ColumnDef::new("name", Kind::String(128)),
        ColumnDef::new("email", Kind::String(128)).unique(),
        ColumnDef::new("password", Kind::String(128)),
        ColumnDef::new("secret", Kind::String(128)),
        ColumnDef::new("website", Kind::String(128)),
        ColumnDef::new("affiliation", Kind::String(128)),
        ColumnDef::new("country", Kind::String(32)),
        ColumnDef::new("bracket_id", Kind::Integer)
            .references("brackets", "id")
            .set_null_on_delete(),
        ColumnDef::new("hidden", Kind::Boolean),
        ColumnDef::new("banned", Kind::Boolean),
        ColumnDef::new("captain_id", Kind::Integer)
            .references("users", "id")
            .set_null_on_delete(),
        ColumnDef::new("created", Kind::DateTime),
    ],
    unique: &[&["id", "oauth_id"]],
    indexes: &[],
};

const BRACKETS: TableDef = TableDef {
    name: "brackets",
    columns: &[
        ColumnDef::id(),
        ColumnDef::new("name", Kind::String(255)),
        ColumnDef::new("description", Kind::Text),
        ColumnDef::new("type", Kind::String(80)),
    ],
    unique: &[],
    indexes: &[],
};

/// CTFd's users, as its `/register` makes them. hidden, banned and
/// verified have defaults in Python only: a row without them holds NULL,
/// which CTFd's filter_by(banned=False, hidden=False) leaves out.
fn plan() -> Spec {
    let role = |name: &str, weight, hidden| FixedRole {
        name: name.into(),
        weight,
        values: vec![
            ("type".into(), Value::Text(name.into())),
            ("hidden".into(), Value::Bool(hidden)),
        ],
    };
    Spec {
        table: "users".into(),
        identity: "email".into(),
        // Its login takes the first user of a name (`filter_by(name=…).first()`),
        // and /register refuses a name that is taken; the table has no UNIQUE.
        also_unique: vec!["name".into()],
        columns: vec![
            column(ID, Gen::Default),
            // Users log in by name or email: a handle, so names rarely collide.
            column("name", Gen::Username),
            column("email", Gen::Email),
            // passlib's bcrypt_sha256 default, which CTFd uses.
            column(
                "password",
                Gen::Password {
                    format: PasswordFormat::BcryptSha256,
                    work: Some(12),
                    prefix: String::new(),
                },
            ),
            column("type", Gen::Role),
            column("verified", Gen::Const(Value::Bool(true))),
            column("hidden", Gen::Role),
            column("banned", Gen::Const(Value::Bool(false))),
            column(
                "created",
                Gen::Timestamp {
                    whole_seconds: false,
                },
            ),
        ],
        // The setup wizard makes its admin hidden from the scoreboard.
        roles: Roles::Fixed(vec![role("user", 9, false), role("admin", 1, true)]),
        admin: Some(Admin {
            role: Some("admin".into()),
            values: Vec::new(),
        }),
    }
}

pub const PRESET: Preset = Preset {
    name: "ctfd",
    spec: plan,
    signature: &["type", "verified", "hidden", "banned", "oauth_id"],
    tables: Tables::CreateOnSqlite(
        &[&USERS, &TEAMS, &BRACKETS],
        "start CTFd once with this database: its create_app() runs the migrations",
    ),
};
