//! Django's `django.contrib.auth` user (`auth_user`), made by its
//! migrations (`django/contrib/auth/migrations/`).

use super::{AppSpec, Fill, FixedRole, Identity, Literal, Roles, Tables, Work};
use crate::generate::PasswordFormat;

pub const SPEC: AppSpec = AppSpec {
    name: "django",
    table: "auth_user",
    identity: Identity::Username,
    also_unique: &[],
    // No column has a database default: Django keeps them in Python.
    // last_login stays NULL: the user never logged in.
    columns: &[
        ("password", Fill::PasswordHash),
        ("is_superuser", Fill::Role),
        ("username", Fill::Username),
        ("first_name", Fill::FirstName),
        ("last_name", Fill::LastName),
        ("email", Fill::Email),
        ("is_staff", Fill::Role),
        ("is_active", Fill::Bool(true)),
        ("date_joined", Fill::Joined),
    ],
    signature: &["username", "is_staff", "is_superuser", "date_joined"],
    roles: Roles::Fixed(&[
        FixedRole {
            name: "user",
            weight: 8,
            admin: false,
            values: &[
                ("is_staff", Literal::Bool(false)),
                ("is_superuser", Literal::Bool(false)),
            ],
        },
        FixedRole {
            name: "staff",
            weight: 1,
            admin: false,
            values: &[
                ("is_staff", Literal::Bool(true)),
                ("is_superuser", Literal::Bool(false)),
            ],
        },
        // createsuperuser makes a superuser staff too, so it can use the admin.
        FixedRole {
            name: "superuser",
            weight: 1,
            admin: true,
            values: &[
                ("is_staff", Literal::Bool(true)),
                ("is_superuser", Literal::Bool(true)),
            ],
        },
    ]),
    // check_password accepts any iteration count (and rehashes at login).
    password: PasswordFormat::Django,
    work: Work {
        users: 10_000,
        admin: 1_000_000,
    },
    tables: Tables::Migrations("python manage.py migrate"),
    microseconds: true,
};
