//! Django's `django.contrib.auth` user (`auth_user`), made by its
//! migrations (`django/contrib/auth/migrations/`).

use super::{ID, Preset, Tables};
use crate::plan::password::PasswordFormat;
use crate::plan::{Admin, FixedRole, Gen, Roles, Spec, column};
use crate::value::Value;

/// No column has a database default: Django keeps them in Python.
/// last_login stays NULL: the user never logged in.
fn plan() -> Spec {
    let role = |name: &str, weight, staff, superuser| FixedRole {
        name: name.into(),
        weight,
        values: vec![
            ("is_staff".into(), Value::Bool(staff)),
            ("is_superuser".into(), Value::Bool(superuser)),
        ],
    };
    Spec {
        table: "auth_user".into(),
        identity: "username".into(),
        also_unique: Vec::new(),
        columns: vec![
            column(ID, Gen::Default),
            // check_password accepts any iteration count (and rehashes at login).
            column(
                "password",
                Gen::Password {
                    format: PasswordFormat::Django,
                    work: Some(10_000),
                    prefix: String::new(),
                },
            ),
            column("is_superuser", Gen::Role),
            column("username", Gen::Username),
            column("first_name", Gen::FirstName),
            column("last_name", Gen::LastName),
            column("email", Gen::Email),
            column("is_staff", Gen::Role),
            column("is_active", Gen::Const(Value::Bool(true))),
            column(
                "date_joined",
                Gen::Timestamp {
                    whole_seconds: false,
                },
            ),
        ],
        // createsuperuser makes a superuser staff too, so it can use the admin.
        roles: Roles::Fixed(vec![
            role("user", 8, false, false),
            role("staff", 1, true, false),
            role("superuser", 1, true, true),
        ]),
        admin: Some(Admin {
            role: Some("superuser".into()),
            values: Vec::new(),
        }),
    }
}

pub const PRESET: Preset = Preset {
    name: "django",
    spec: plan,
    signature: &["username", "is_staff", "is_superuser", "date_joined"],
    tables: Tables::Migrations("python manage.py migrate"),
};
