//! A Rails app's users table as Devise 5's generator migrates it
//! (`lib/generators/active_record/templates/migration.rb`).

use super::{AppSpec, Fill, Identity, Roles, Tables, Work};
use crate::generate::PasswordFormat;

pub const SPEC: AppSpec = AppSpec {
    name: "devise",
    table: "users",
    identity: Identity::Email,
    also_unique: &[],
    // reset_password_token is unique: it stays NULL. created_at and
    // updated_at are NOT NULL without a default.
    columns: &[
        ("email", Fill::Email),
        ("encrypted_password", Fill::PasswordHash),
        ("created_at", Fill::Joined),
        ("updated_at", Fill::Joined),
    ],
    signature: &["encrypted_password"],
    roles: Roles::None,
    // bcrypt-ruby writes $2a$; Devise's stretches default to 12.
    password: PasswordFormat::Bcrypt2a,
    work: Work {
        users: 12,
        admin: 12,
    },
    tables: Tables::Migrations("bin/rails db:migrate"),
    microseconds: true,
};
