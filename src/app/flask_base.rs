//! flask-base (hack4impact/flask-base): `app/models/user.py`. Its models
//! have no migrations, so seed creates the tables as SQLAlchemy does.

use super::{
    AppSpec, ColumnDef, Fill, Identity, IndexDef, Kind, Literal, RoleRow, RoleTable, Roles,
    TableDef, Tables, Work,
};
use crate::generate::PasswordFormat;

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

/// `Role.insert_roles()`: permissions, index, default.
const ROLES: RoleTable = RoleTable {
    table: &ROLES_TABLE,
    rows: &[
        RoleRow {
            name: "User",
            values: &[
                ("permissions", Literal::Int(0x01)),
                ("index", Literal::Text("main")),
                ("default", Literal::Bool(true)),
            ],
        },
        RoleRow {
            name: "Administrator",
            values: &[
                ("permissions", Literal::Int(0xff)),
                ("index", Literal::Text("admin")),
                ("default", Literal::Bool(false)),
            ],
        },
    ],
    // `User.generate_fake` draws `choice(roles)`: uniform, as seed does.
    admin: "Administrator",
};

pub const SPEC: AppSpec = AppSpec {
    name: "flask-base",
    table: "users",
    identity: Identity::Email,
    also_unique: &[],
    columns: &[
        ("confirmed", Fill::Bool(true)),
        ("first_name", Fill::FirstName),
        ("last_name", Fill::LastName),
        ("email", Fill::Email),
        ("password_hash", Fill::PasswordHash),
        ("role_id", Fill::Role),
    ],
    signature: &["role_id", "first_name"],
    roles: Roles::Table(&ROLES),
    password: PasswordFormat::Werkzeug,
    // werkzeug's default is 1,000,000; the seeded password is public.
    work: Work {
        users: 10_000,
        admin: 1_000_000,
    },
    tables: Tables::Create(&[&ROLES_TABLE, &USERS_TABLE]),
    microseconds: true,
};
