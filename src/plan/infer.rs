//! A plan inferred from a table as its catalog describes it: the one
//! policy, over what any backend's `describe` gives. Each column gets a
//! generator and the reason it was chosen; a column nothing can fill is
//! refused, with the line a plan would need.

use chrono::NaiveDate;

use super::{Case, Column, FixedRole, Gen, RoleTable, Roles, Spec};
use crate::catalog::{ColumnInfo, Described, Kind};
use crate::plan::password::PasswordFormat;
use crate::value::Value;

/// A plan and, for each column, why its generator was chosen.
pub struct Inferred {
    pub spec: Spec,
    pub reasons: Vec<(String, String)>,
}

/// What inference needs to know besides the table.
pub struct Hints<'a> {
    /// A password hash already in the table, to write the same format.
    pub sample_hash: Option<&'a str>,
    /// For a foreign key to a roles table: the parent's label column.
    pub label_of: &'a dyn Fn(&str) -> Option<String>,
}

/// The words of a column's name: `createdAt`, `created_at` and `CreatedAt`
/// are `["created", "at"]`.
pub fn words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == ' ' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The whole name, normalised: `created_at` and `CreatedAt` are `createdat`.
pub fn normalised(name: &str) -> String {
    words(name).concat()
}

/// Tables named like a users table, normalised.
pub const USERS_TABLES: &[&str] = &[
    "users",
    "user",
    "accounts",
    "account",
    "members",
    "member",
    "people",
    "person",
    "customers",
    "customer",
    "aspnetusers",
    "authuser",
    "appusers",
    "appuser",
];

/// A number a `decimal(p, s)` or `numeric(p, s)` column holds: from 0 to
/// 1,000 where the type allows, else to its largest value, with its
/// scale; a float, or a number of no declared precision, gets two
/// decimals.
pub fn decimal_of(declared: &str) -> Gen {
    match crate::catalog::numeric_digits(declared) {
        Some((precision, scale)) if scale <= precision && scale <= 15 => {
            let largest = 10i64.checked_pow(precision).map_or(i64::MAX, |p| p - 1);
            let thousand = super::r#gen::DECIMAL_MAX * 10i64.pow(scale);
            Gen::Decimal {
                min: 0,
                max: largest.min(thousand),
                scale: scale as u8,
            }
        }
        _ => Gen::Decimal {
            min: 0,
            max: super::r#gen::DECIMAL_MAX * 10i64.pow(u32::from(super::r#gen::DECIMAL_SCALE)),
            scale: super::r#gen::DECIMAL_SCALE,
        },
    }
}

/// Tables named like a roles table, normalised.
const ROLES_TABLES: &[&str] = &["roles", "role", "userroles", "aspnetroles", "groups"];

const FIRST: &[&str] = &["firstname", "givenname", "fname", "forename"];
const LAST: &[&str] = &["lastname", "surname", "familyname", "lname"];
const FULL: &[&str] = &["name", "fullname", "displayname", "realname"];
const EMAIL: &[&str] = &["email", "emailaddress", "mail", "useremail"];
const LOGIN: &[&str] = &[
    "username",
    "login",
    "handle",
    "nickname",
    "nick",
    "screenname",
    "userlogin",
];
/// Names of a password column, normalised.
pub const PASSWORD: &[&str] = &[
    "password",
    "passwordhash",
    "passworddigest",
    "hashedpassword",
    "encryptedpassword",
    "pwhash",
    "pwdigest",
    "passwd",
    "pwd",
    "pw",
    "pass",
];
const ROLE: &[&str] = &[
    "role",
    "type",
    "kind",
    "usertype",
    "accounttype",
    "rolename",
];
const PHONE: &[&str] = &[
    "phone",
    "phonenumber",
    "mobile",
    "mobilephone",
    "telephone",
    "tel",
    "cellphone",
];
const BIRTH: &[&str] = &["birthdate", "dateofbirth", "dob", "birthday", "bornon"];
const URL: &[&str] = &["url", "website", "homepage", "web", "blog", "siteurl"];
const CITY: &[&str] = &["city", "town"];
const COUNTRY: &[&str] = &["country", "countrycode", "countryname"];
const COMPANY: &[&str] = &[
    "company",
    "companyname",
    "organization",
    "organisation",
    "employer",
];
/// Flags that let a user in: true.
const ALLOW: &[&str] = &[
    "active",
    "isactive",
    "enabled",
    "isenabled",
    "confirmed",
    "isconfirmed",
    "verified",
    "isverified",
    "approved",
    "isapproved",
    "emailverified",
    "emailconfirmed",
];
/// Flags that block or elevate a user: false unless the role says so.
const DENY: &[&str] = &[
    "banned",
    "isbanned",
    "locked",
    "islocked",
    "disabled",
    "isdisabled",
    "deleted",
    "isdeleted",
    "suspended",
    "issuspended",
    "isadmin",
    "admin",
    "isstaff",
    "staff",
    "issuperuser",
    "superuser",
    "lockoutenabled",
    "twofactorenabled",
    "phonenumberconfirmed",
];

/// Infers the plan of `table`, or the refusal: one line per column nothing
/// fills, with its type and the plan line that would fill it.
pub fn infer(table: &Described, hints: &Hints<'_>) -> Result<Inferred, String> {
    let mut columns = Vec::new();
    let mut reasons = Vec::new();
    let mut roles = Roles::None;
    let mut refused = Vec::new();
    let single_fk = |column: &str| {
        table
            .foreign_keys
            .iter()
            .find(|key| key.columns.len() == 1 && key.columns[0] == column)
    };
    let is_key = |column: &str| table.primary_key.len() == 1 && table.primary_key[0] == column;
    for info in &table.columns {
        let name = info.name.as_str();
        let normal = normalised(name);
        let words = words(name);
        let not_null = info.not_null || is_key(name);
        let text = matches!(info.kind, Kind::Text { .. });
        let values = choices(info);
        let mut chosen = |r#gen: Gen, why: String| {
            columns.push(Column {
                name: name.to_owned(),
                r#gen,
            });
            reasons.push((name.to_owned(), why));
        };
        // 1. What the database fills.
        if info.generated {
            chosen(
                Gen::Default,
                "generated column: the database computes it".into(),
            );
            continue;
        }
        if info.auto {
            chosen(
                Gen::Default,
                "filled by the database (identity, serial or auto-increment)".into(),
            );
            continue;
        }
        // 2. Foreign keys.
        if let Some(key) = single_fk(name) {
            let parent = normalised(&key.table);
            if ROLES_TABLES.contains(&parent.as_str()) && roles == Roles::None {
                let label = (hints.label_of)(&key.table).unwrap_or_else(|| "name".into());
                roles = Roles::Table(RoleTable {
                    table: key.table.clone(),
                    key: key
                        .references
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "id".into()),
                    label,
                    rows: Vec::new(),
                });
                chosen(Gen::Role, format!("foreign key to {}: the role", key.table));
            } else {
                chosen(
                    Gen::Ref {
                        table: key.table.clone(),
                        column: key
                            .references
                            .first()
                            .cloned()
                            .unwrap_or_else(|| "id".into()),
                    },
                    format!("foreign key to {}: a random row of it", key.table),
                );
            }
            continue;
        }
        // 3. Name rules, on the whole normalised name.
        let rule: Option<(Gen, String)> = if FIRST.contains(&normal.as_str()) && text {
            Some((Gen::FirstName, "name rule".into()))
        } else if LAST.contains(&normal.as_str()) && text {
            Some((Gen::LastName, "name rule".into()))
        } else if FULL.contains(&normal.as_str()) && text {
            Some((Gen::Name, "name rule".into()))
        } else if EMAIL.contains(&normal.as_str()) && text {
            Some((Gen::Email, "name rule".into()))
        } else if LOGIN.contains(&normal.as_str()) && text {
            Some((Gen::Username, "name rule".into()))
        } else if PASSWORD.contains(&normal.as_str()) && text {
            let (format, prefix, why) = match hints.sample_hash.and_then(format_of) {
                Some((format, prefix)) => {
                    let shown = if prefix.is_empty() {
                        String::new()
                    } else {
                        format!(", prefix {prefix}")
                    };
                    (format, prefix.to_owned(), format!("name rule; format read from a hash in the table ({}{shown})", format.name()))
                }
                None if hints.sample_hash.is_some() => (
                    PasswordFormat::Bcrypt2b,
                    String::new(),
                    "name rule; bcrypt (the hash in the table is of no format seed writes: set format = …)".into(),
                ),
                None => (
                    PasswordFormat::Bcrypt2b,
                    String::new(),
                    "name rule; bcrypt (no hash in the table to read the format from: set format = …)".into(),
                ),
            };
            Some((
                Gen::Password {
                    format,
                    work: None,
                    prefix,
                },
                why,
            ))
        } else if BIRTH.contains(&normal.as_str()) && info.kind == Kind::Date {
            Some((
                Gen::Date {
                    range: NaiveDate::from_ymd_opt(1940, 1, 1)
                        .zip(NaiveDate::from_ymd_opt(2007, 12, 31)),
                },
                "name rule: a birth date, of an adult".into(),
            ))
        } else if PHONE.contains(&normal.as_str()) && text {
            Some((Gen::Phone, "name rule".into()))
        } else if URL.contains(&normal.as_str()) && text {
            Some((Gen::Url, "name rule".into()))
        } else if CITY.contains(&normal.as_str()) && text {
            Some((Gen::City, "name rule".into()))
        } else if COUNTRY.contains(&normal.as_str()) && text {
            match info.kind {
                Kind::Text { max_len: Some(2) } => Some((
                    Gen::Country { code: true },
                    "name rule: two letters, an ISO code".into(),
                )),
                Kind::Text { max_len: Some(n) } if n < 2 => None,
                _ if normal == "countrycode" => {
                    Some((Gen::Country { code: true }, "name rule: an ISO code".into()))
                }
                _ => Some((Gen::Country { code: false }, "name rule".into())),
            }
        } else if COMPANY.contains(&normal.as_str()) && text {
            Some((Gen::Company, "name rule".into()))
        } else if normal == "normalizedemail" && text {
            Some((
                Gen::SameAs {
                    column: find(table, EMAIL).unwrap_or_else(|| "email".into()),
                    case: Case::Upper,
                },
                "name rule: the email, upper-cased".into(),
            ))
        } else if normal == "normalizedusername" && text {
            Some((
                Gen::SameAs {
                    column: find(table, LOGIN).unwrap_or_else(|| "username".into()),
                    case: Case::Upper,
                },
                "name rule: the username, upper-cased".into(),
            ))
        } else if ROLE.contains(&normal.as_str()) && values.is_some() && roles == Roles::None {
            let values = values.clone().unwrap_or_default();
            roles = Roles::Fixed(
                values
                    .iter()
                    .map(|value| FixedRole {
                        name: value.clone(),
                        weight: 1,
                        values: vec![(name.to_owned(), typed(info, value))],
                    })
                    .collect(),
            );
            Some((Gen::Role, "name rule: the role, one of its values".into()))
        } else if ALLOW.contains(&normal.as_str()) && flag(info) {
            keep_default(
                info,
                Gen::Const(Value::Bool(true)),
                "flag that lets a user in: true",
            )
        } else if DENY.contains(&normal.as_str()) && flag(info) {
            keep_default(
                info,
                Gen::Const(Value::Bool(false)),
                "flag that blocks or elevates: false",
            )
        } else if matches!(words.last().map(String::as_str), Some("at" | "on"))
            && matches!(info.kind, Kind::Timestamp | Kind::Date | Kind::Text { .. })
        {
            if info.default.is_some() {
                Some((Gen::Default, format!("default {}", shown_default(info))))
            } else if info.kind == Kind::Date {
                Some((Gen::Date { range: None }, "*_at/*_on day".into()))
            } else {
                Some((
                    Gen::Timestamp {
                        whole_seconds: false,
                    },
                    "*_at/*_on timestamp".into(),
                ))
            }
        } else {
            None
        };
        if let Some((r#gen, why)) = rule {
            chosen(r#gen, why);
            continue;
        }
        // ASP.NET Identity and others refuse a sign-in without a stamp.
        if matches!(normal.as_str(), "securitystamp" | "concurrencystamp") && text {
            chosen(Gen::Uuid, "name rule: a stamp, a new uuid".into());
            continue;
        }
        // A counter starts at zero (AccessFailedCount, sign_in_count).
        if matches!(words.last().map(String::as_str), Some("count"))
            && matches!(info.kind, Kind::Integer { .. })
            && info.default.is_none()
            && not_null
        {
            chosen(
                Gen::Const(Value::Int(0)),
                "name rule: a counter, from 0".into(),
            );
            continue;
        }
        // 4. Nullable, or a default.
        if !not_null {
            chosen(Gen::Null, "nullable".into());
            continue;
        }
        if info.default.is_some() {
            chosen(Gen::Default, format!("default {}", shown_default(info)));
            continue;
        }
        // 5. NOT NULL, no rule, no default: by type.
        let by_type = match (&info.kind, &values) {
            (_, Some(values)) => Some(Gen::Choice {
                values: values.iter().map(|v| (typed(info, v), 1)).collect(),
            }),
            (Kind::Uuid, _) => Some(Gen::Uuid),
            (Kind::Text { max_len }, _) if is_key(name) && max_len.is_none_or(|n| n >= 36) => {
                Some(Gen::Uuid)
            }
            (Kind::Text { max_len: Some(0) }, _) => Some(Gen::Const(Value::Text(String::new()))),
            (Kind::Text { max_len }, _) => Some(Gen::Text {
                max: max_len
                    .unwrap_or(super::r#gen::TEXT_DEFAULT_MAX)
                    .min(super::r#gen::TEXT_DEFAULT_MAX),
            }),
            (Kind::Integer { bytes }, _) => Some(Gen::Int {
                min: if is_key(name) { 1 } else { 0 },
                max: match bytes {
                    1 => i64::from(i8::MAX),
                    2 => i64::from(i16::MAX),
                    3 => 8_388_607,
                    4 => i64::from(i32::MAX),
                    _ => i64::MAX,
                },
            }),
            (Kind::Boolean, _) => Some(Gen::Const(Value::Bool(false))),
            (Kind::Timestamp, _) => Some(Gen::Timestamp {
                whole_seconds: false,
            }),
            (Kind::Json, _) => Some(Gen::Const(Value::Text("{}".into()))),
            (Kind::Date, _) => Some(Gen::Date { range: None }),
            (Kind::Decimal, _) => Some(decimal_of(&info.declared)),
            (Kind::Enum { .. } | Kind::Other, _) => None,
        };
        match by_type {
            Some(r#gen) => {
                let why = if is_key(name) {
                    format!("primary key of type {}, without a default", info.declared)
                } else {
                    format!("type {}, NOT NULL", info.declared)
                };
                chosen(r#gen, why);
            }
            None => refused.push(format!(
                "{}.{name} ({}, NOT NULL, no default): nothing seed writes fits it; give it a default, or write e.g. {name} = {{ gen = \"const\", value = … }} in seed.toml",
                table.name, info.declared
            )),
        }
    }
    if !refused.is_empty() {
        return Err(refused.join("\n"));
    }
    let identity = identity(table, &columns).ok_or_else(|| {
        format!(
            "{} has no UNIQUE column seed fills with distinct values (an email, a username, a uuid): the run could not count duplicates; add one, or write a plan with identity = \"…\"",
            table.name
        )
    })?;
    let spec = Spec {
        table: table.name.clone(),
        identity,
        also_unique: Vec::new(),
        columns,
        roles,
        admin: None,
    };
    spec.check()?;
    Ok(Inferred { spec, reasons })
}

/// The unique column whose duplicates are counted: the email, else the
/// username, else another unique column with distinct values.
fn identity(table: &Described, columns: &[Column]) -> Option<String> {
    let unique = |name: &str| {
        table.uniques.iter().any(|u| u.len() == 1 && u[0] == name)
            || (table.primary_key.len() == 1 && table.primary_key[0] == name)
    };
    let of = |wanted: &Gen| {
        columns
            .iter()
            .find(|c| &c.r#gen == wanted && unique(&c.name))
            .map(|c| c.name.clone())
    };
    of(&Gen::Email).or_else(|| of(&Gen::Username)).or_else(|| {
        columns
            .iter()
            .find(|c| c.r#gen.is_written() && c.r#gen.capacity(0).is_none() && unique(&c.name))
            .map(|c| c.name.clone())
    })
}

/// A CHECK list's value as the column holds it: a number in an integer
/// column, text elsewhere.
fn typed(info: &ColumnInfo, value: &str) -> Value {
    match (&info.kind, value.trim().parse::<i64>()) {
        (Kind::Integer { .. }, Ok(n)) => Value::Int(n),
        _ => Value::Text(value.to_owned()),
    }
}

/// The values an enum type or a CHECK list allows.
fn choices(info: &ColumnInfo) -> Option<Vec<String>> {
    match (&info.kind, &info.allowed) {
        (_, Some(values)) if !values.is_empty() => Some(values.clone()),
        (Kind::Enum { values }, _) if !values.is_empty() => Some(values.clone()),
        _ => None,
    }
}

/// A column a true/false fits.
fn flag(info: &ColumnInfo) -> bool {
    matches!(info.kind, Kind::Boolean | Kind::Integer { .. })
}

/// A flag or constant rule keeps the column's default when it has one.
fn keep_default(info: &ColumnInfo, r#gen: Gen, why: &str) -> Option<(Gen, String)> {
    match &info.default {
        Some(_) => Some((Gen::Default, format!("default {}", shown_default(info)))),
        None => {
            let r#gen = match (&info.kind, r#gen) {
                // An integer flag gets 1 or 0.
                (Kind::Integer { .. }, Gen::Const(Value::Bool(b))) => {
                    Gen::Const(Value::Int(i64::from(b)))
                }
                (_, r#gen) => r#gen,
            };
            Some((r#gen, why.to_owned()))
        }
    }
}

fn shown_default(info: &ColumnInfo) -> String {
    info.default.clone().unwrap_or_default()
}

/// The first column of `table` whose normalised name is one of `names`.
fn find(table: &Described, names: &[&str]) -> Option<String> {
    table
        .columns
        .iter()
        .find(|c| names.contains(&normalised(&c.name).as_str()))
        .map(|c| c.name.clone())
}

/// The format of a hash as stored, by its prefix.
pub fn format_of(hash: &str) -> Option<(PasswordFormat, &str)> {
    // Spring Security's DelegatingPasswordEncoder names the encoder first:
    // `{bcrypt}$2a$10$…`.
    let (prefix, hash) = match hash.strip_prefix('{').and_then(|rest| rest.split_once('}')) {
        Some((id, rest))
            if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            (&hash[..id.len() + 2], rest)
        }
        _ => ("", hash),
    };
    let formats = [
        ("$bcrypt-sha256$", PasswordFormat::BcryptSha256),
        ("$2b$", PasswordFormat::Bcrypt2b),
        ("$2y$", PasswordFormat::Bcrypt2y),
        ("$2a$", PasswordFormat::Bcrypt2a),
        ("pbkdf2:sha256", PasswordFormat::Werkzeug),
        ("pbkdf2_sha256$", PasswordFormat::Django),
        ("$argon2id$", PasswordFormat::Argon2id),
        ("argon2$argon2id$", PasswordFormat::DjangoArgon2),
        ("scrypt:", PasswordFormat::WerkzeugScrypt),
        // 0x01 (version 3), then the PRF as a big-endian u32.
        ("AQAAAA", PasswordFormat::AspNetIdentityV3),
    ];
    formats
        .into_iter()
        .find(|(start, _)| hash.starts_with(start))
        .map(|(_, format)| (format, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ForeignKey;

    fn column(name: &str, kind: Kind, not_null: bool) -> ColumnInfo {
        ColumnInfo {
            name: name.into(),
            declared: format!("{kind:?}"),
            kind,
            not_null,
            default: None,
            auto: false,
            generated: false,
            allowed: None,
        }
    }

    fn text(max: Option<u32>) -> Kind {
        Kind::Text { max_len: max }
    }

    fn no_hints() -> Hints<'static> {
        Hints {
            sample_hash: None,
            label_of: &|_| None,
        }
    }

    #[test]
    fn names_are_words_whatever_their_case_and_separators() {
        for name in [
            "createdAt",
            "created_at",
            "CreatedAt",
            "created-at",
            "CREATED_AT",
        ] {
            assert_eq!(words(name), ["created", "at"], "{name}");
        }
        assert_eq!(normalised("NormalizedEmail"), "normalizedemail");
        assert_eq!(normalised("isActive"), "isactive");
    }

    #[test]
    fn a_members_table_gets_a_generator_per_column_and_the_reason() {
        let mut id = column("id", Kind::Integer { bytes: 8 }, true);
        id.auto = true;
        let mut plan = column("plan", text(Some(10)), true);
        plan.default = Some("'free'".into());
        let mut status = column("status", text(None), true);
        status.allowed = Some(vec!["active".into(), "banned".into()]);
        let table = Described {
            name: "members".into(),
            columns: vec![
                id,
                column("email", text(Some(120)), true),
                column("displayName", text(Some(80)), false),
                column("handle", text(Some(40)), true),
                column("pw_digest", text(None), true),
                column("createdAt", Kind::Timestamp, true),
                column("is_active", Kind::Boolean, true),
                column("org_id", Kind::Integer { bytes: 4 }, true),
                plan,
                status,
                column("bio", text(None), false),
                column("score", Kind::Integer { bytes: 2 }, true),
            ],
            primary_key: vec!["id".into()],
            uniques: vec![vec!["email".into()], vec!["handle".into()]],
            foreign_keys: vec![ForeignKey {
                columns: vec!["org_id".into()],
                table: "orgs".into(),
                references: vec!["id".into()],
            }],
        };
        let inferred = infer(&table, &no_hints()).expect("a plan");
        let gens: Vec<(&str, &Gen)> = inferred
            .spec
            .columns
            .iter()
            .map(|c| (c.name.as_str(), &c.r#gen))
            .collect();
        assert_eq!(
            gens,
            [
                ("id", &Gen::Default),
                ("email", &Gen::Email),
                ("displayName", &Gen::Name),
                ("handle", &Gen::Username),
                (
                    "pw_digest",
                    &Gen::Password {
                        format: PasswordFormat::Bcrypt2b,
                        work: None,
                        prefix: String::new(),
                    }
                ),
                (
                    "createdAt",
                    &Gen::Timestamp {
                        whole_seconds: false
                    }
                ),
                ("is_active", &Gen::Const(Value::Bool(true))),
                (
                    "org_id",
                    &Gen::Ref {
                        table: "orgs".into(),
                        column: "id".into()
                    }
                ),
                ("plan", &Gen::Default),
                (
                    "status",
                    &Gen::Choice {
                        values: vec![
                            (Value::Text("active".into()), 1),
                            (Value::Text("banned".into()), 1)
                        ]
                    }
                ),
                ("bio", &Gen::Null),
                ("score", &Gen::Int { min: 0, max: 32767 }),
            ]
        );
        assert_eq!(inferred.spec.identity, "email");
        assert_eq!(inferred.reasons[1].1, "name rule");
        assert_eq!(inferred.reasons[8].1, "default 'free'");
        assert_eq!(inferred.reasons[10].1, "nullable");
        assert_eq!(
            inferred.reasons[11].1,
            "type Integer { bytes: 2 }, NOT NULL"
        );
    }

    #[test]
    fn a_column_nothing_fills_is_refused_with_its_type_and_the_line_to_write() {
        let table = Described {
            name: "users".into(),
            columns: vec![
                column("email", text(None), true),
                column("avatar", Kind::Other, true),
            ],
            primary_key: Vec::new(),
            uniques: vec![vec!["email".into()]],
            foreign_keys: Vec::new(),
        };
        let err = infer(&table, &no_hints()).err().unwrap_or_default();
        assert!(
            err.starts_with("users.avatar (Other, NOT NULL, no default)"),
            "{err}"
        );
        assert!(err.contains("avatar = { gen = \"const\""), "{err}");
    }

    #[test]
    fn a_hash_in_the_table_names_the_format() {
        assert_eq!(
            format_of("$2y$12$abc"),
            Some((PasswordFormat::Bcrypt2y, ""))
        );
        assert_eq!(
            format_of("pbkdf2_sha256$1000$x$y"),
            Some((PasswordFormat::Django, ""))
        );
        assert_eq!(format_of("plain"), None);
        assert_eq!(
            format_of("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
            Some((PasswordFormat::Argon2id, ""))
        );
        assert_eq!(
            format_of("argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA"),
            Some((PasswordFormat::DjangoArgon2, ""))
        );
        assert_eq!(
            format_of("scrypt:32768:8:1$abcdefghABCDEF12$00ff"),
            Some((PasswordFormat::WerkzeugScrypt, ""))
        );
        // Argon2i and Argon2d, and Django's scrypt hasher: not formats seed writes.
        assert_eq!(
            format_of("$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA"),
            None
        );
        assert_eq!(
            format_of("argon2$argon2i$v=19$m=512,t=2,p=2$c2FsdA$aGFzaA"),
            None
        );
        assert_eq!(format_of("scrypt$16384$salt$8$1$aGFzaA=="), None);
        // Spring Security's encoder id, and ASP.NET Core Identity's v3.
        assert_eq!(
            format_of("{bcrypt}$2a$10$abc"),
            Some((PasswordFormat::Bcrypt2a, "{bcrypt}"))
        );
        assert_eq!(format_of("{noop}secret"), None);
        assert_eq!(
            format_of(
                "AQAAAAIAAYagAAAAENoVftXbReMcFkOwzlfLFgFkx1tZ2PVoFwKaz/7UP6r5rlrymlHMFjMgowJCZl+6YA=="
            ),
            Some((PasswordFormat::AspNetIdentityV3, ""))
        );
    }
}
