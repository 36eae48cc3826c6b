//! A Rails app's users table as Devise 5's generator migrates it
//! (`lib/generators/active_record/templates/migration.rb`).

use super::{ID, Preset, Tables};
use crate::plan::password::PasswordFormat;
use crate::plan::{Case, Gen, Roles, Spec, column};

/// reset_password_token is unique: it stays NULL. created_at and
/// updated_at are NOT NULL without a default.
fn plan() -> Spec {
    Spec {
        table: "users".into(),
        identity: "email".into(),
        also_unique: Vec::new(),
        columns: vec![
            column(ID, Gen::Default),
            column("email", Gen::Email),
            // bcrypt-ruby writes $2a$; Devise's stretches default to 12.
            column(
                "encrypted_password",
                Gen::Password {
                    format: PasswordFormat::Bcrypt2a,
                    work: Some(12),
                    prefix: String::new(),
                },
            ),
            column(
                "created_at",
                Gen::Timestamp {
                    whole_seconds: false,
                },
            ),
            column(
                "updated_at",
                Gen::SameAs {
                    column: "created_at".into(),
                    case: Case::Keep,
                },
            ),
        ],
        roles: Roles::None,
        admin: None,
    }
}

pub const PRESET: Preset = Preset {
    name: "devise",
    spec: plan,
    signature: &["encrypted_password"],
    tables: Tables::Migrations("bin/rails db:migrate"),
};
