//! flask-base (hack4impact/flask-base): `app/models/user.py`. Its models
//! have no migrations, so seed creates the tables as SQLAlchemy does.

use super::{ColumnDef, ID, IndexDef, Kind, Preset, TableDef, Tables};
use crate::plan::password::PasswordFormat;
use crate::plan::{Admin, Gen, RoleTable, Roles, Spec, column};
use crate::value::Value;

const ROLES_TABLE: TableDef = TableDef {
    name: "roles",
    columns: &[
        ColumnDef::id(),
        ColumnDef::new("name", Kind::String(64)).unique(),
        ColumnDef::new("index", Kind::String(64)),
        ColumnDef::new("default", Kind::Boolean),
        ColumnDef::new("permissions", Kind::Integer),
    ],
    unique: &[],
    indexes: &[IndexDef {
        name: "ix_roles_default",
        column: "default",
        unique: false,
    }],
};

const USERS_TABLE: TableDef = TableDef {
    name: "users",
    columns: &[
        ColumnDef::id(),
        ColumnDef::new("confirmed", Kind::Boolean),
        ColumnDef::new("first_name", Kind::String(64)),
        ColumnDef::new("last_name", Kind::String(64)),
        ColumnDef::new("email", Kind::String(64)),
        ColumnDef::new("password_hash", Kind::String(128)),
        ColumnDef::new("role_id", Kind::Integer).references("roles", "id"),
    ],
    unique: &[],
    indexes: &[
        IndexDef {
            name: "ix_users_first_name",
            column: "first_name",
            unique: false,
        },
        IndexDef {
            name: "ix_users_last_name",
            column: "last_name",
            unique: false,
        },
        IndexDef {
            name: "ix_users_email",
            column: "email",
            unique: true,
        },
    ],
};

/// flask-base's users, as `User.generate_fake` makes them; the roles as
/// `Role.insert_roles()` makes them (permissions, index, default).
fn plan() -> Spec {
    Spec {
        table: "users".into(),
        identity: "email".into(),
        also_unique: Vec::new(),
        columns: vec![
            column(ID, Gen::Default),
            column("confirmed", Gen::Const(Value::Bool(true))),
            column("first_name", Gen::FirstName),
            column("last_name", Gen::LastName),
            column("email", Gen::Email),
            // werkzeug's default is 1,000,000; the seeded password is public.
            column(
                "password_hash",
                Gen::Password {
                    format: PasswordFormat::Werkzeug,
                    work: Some(10_000),
                    prefix: String::new(),
                },
            ),
            // `User.generate_fake` draws `choice(roles)`: uniform, as seed does.
            column("role_id", Gen::Role),
        ],
        roles: Roles::Table(RoleTable {
            table: "roles".into(),
            key: ID.into(),
            label: "name".into(),
            rows: vec![
                (
                    "User".into(),
                    vec![
                        ("permissions".into(), Value::Int(0x01)),
                        ("index".into(), Value::Text("main".into())),
                        ("default".into(), Value::Bool(true)),
                    ],
                ),
                (
                    "Administrator".into(),
                    vec![
                        ("permissions".into(), Value::Int(0xff)),
                        ("index".into(), Value::Text("admin".into())),
                        ("default".into(), Value::Bool(false)),
                    ],
                ),
            ],
        }),
        admin: Some(Admin {
            role: Some("Administrator".into()),
            values: Vec::new(),
        }),
    }
}

pub const PRESET: Preset = Preset {
    name: "flask-base",
    spec: plan,
    signature: &["role_id", "first_name"],
    tables: Tables::Create(&[&ROLES_TABLE, &USERS_TABLE]),
};
