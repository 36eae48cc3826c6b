//! The Laravel 11–13 skeleton's users table
//! (`database/migrations/0001_01_01_000000_create_users_table.php`).

use super::{ID, Preset, Tables};
use crate::plan::password::PasswordFormat;
use crate::plan::{Case, Gen, Roles, Spec, column};

/// As the skeleton's UserFactory: verified; remember_token stays NULL.
/// Eloquent writes 'Y-m-d H:i:s': whole seconds.
fn plan() -> Spec {
    let same = || Gen::SameAs {
        column: "created_at".into(),
        case: Case::Keep,
    };
    Spec {
        table: "users".into(),
        identity: "email".into(),
        also_unique: Vec::new(),
        columns: vec![
            column(ID, Gen::Default),
            column("name", Gen::Name),
            column("email", Gen::Email),
            column("email_verified_at", same()),
            // Hash::check refuses $2a$/$2b$ unless told otherwise; BCRYPT_ROUNDS=12.
            column(
                "password",
                Gen::Password {
                    format: PasswordFormat::Bcrypt2y,
                    work: Some(12),
                    prefix: String::new(),
                },
            ),
            column(
                "created_at",
                Gen::Timestamp {
                    whole_seconds: true,
                },
            ),
            column("updated_at", same()),
        ],
        roles: Roles::None,
        admin: None,
    }
}

pub const PRESET: Preset = Preset {
    name: "laravel",
    spec: plan,
    signature: &["remember_token", "email_verified_at"],
    tables: Tables::Migrations("php artisan migrate"),
};
