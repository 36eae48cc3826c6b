//! The Laravel 11–13 skeleton's users table
//! (`database/migrations/0001_01_01_000000_create_users_table.php`).

use super::{AppSpec, Fill, Identity, Roles, Tables, Work};
use crate::generate::PasswordFormat;

pub const SPEC: AppSpec = AppSpec {
    name: "laravel",
    table: "users",
    identity: Identity::Email,
    also_unique: &[],
    // As the skeleton's UserFactory: verified; remember_token stays NULL.
    columns: &[
        ("name", Fill::FullName),
        ("email", Fill::Email),
        ("email_verified_at", Fill::Joined),
        ("password", Fill::PasswordHash),
        ("created_at", Fill::Joined),
        ("updated_at", Fill::Joined),
    ],
    signature: &["remember_token", "email_verified_at"],
    roles: Roles::None,
    // Hash::check refuses $2a$/$2b$ unless told otherwise; BCRYPT_ROUNDS=12.
    password: PasswordFormat::Bcrypt2y,
    work: Work {
        users: 12,
        admin: 12,
    },
    tables: Tables::Migrations("php artisan migrate"),
    // Eloquent writes 'Y-m-d H:i:s'.
    microseconds: false,
};
