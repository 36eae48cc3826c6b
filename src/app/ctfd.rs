//! CTFd 3.x (CTFd/CTFd): `CTFd/models/__init__.py`. On SQLite CTFd makes
//! its tables with `db.create_all()`, so seed may too; on PostgreSQL and
//! MySQL its migrations make them.

use super::{
    AppSpec, ColumnDef, Fill, FixedRole, Identity, Kind, Literal, Roles, TableDef, Tables, Work,
};
use crate::generate::PasswordFormat;

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

pub const SPEC: AppSpec = AppSpec {
    name: "ctfd",
    table: "users",
    identity: Identity::Email,
    // Its login takes the first user of a name (`filter_by(name=…).first()`),
    // and /register refuses a name that is taken; the table has no UNIQUE.
    also_unique: &["name"],
    // hidden, banned and verified have defaults in Python only: a row
    // without them holds NULL, which CTFd's filter_by(banned=False,
    // hidden=False) leaves out.
    columns: &[
        // Users log in by name or email: a handle, so names rarely collide.
        ("name", Fill::Username),
        ("email", Fill::Email),
        ("password", Fill::PasswordHash),
        ("type", Fill::Role),
        ("verified", Fill::Bool(true)),
        ("hidden", Fill::Role),
        ("banned", Fill::Bool(false)),
        ("created", Fill::Joined),
    ],
    signature: &["type", "verified", "hidden", "banned", "oauth_id"],
    // The setup wizard makes its admin hidden from the scoreboard.
    roles: Roles::Fixed(&[
        FixedRole {
            name: "user",
            weight: 9,
            admin: false,
            values: &[
                ("type", Literal::Text("user")),
                ("hidden", Literal::Bool(false)),
            ],
        },
        FixedRole {
            name: "admin",
            weight: 1,
            admin: true,
            values: &[
                ("type", Literal::Text("admin")),
                ("hidden", Literal::Bool(true)),
            ],
        },
    ]),
    // passlib's bcrypt_sha256 default, which CTFd uses.
    password: PasswordFormat::BcryptSha256,
    work: Work {
        users: 12,
        admin: 12,
    },
    tables: Tables::CreateOnSqlite(
        &[&USERS, &TEAMS, &BRACKETS],
        "start CTFd once with this database: its create_app() runs the migrations",
    ),
    microseconds: true,
};
