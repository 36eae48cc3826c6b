//! The schema policy, written once over a [`Conn`]: find the app, check its
//! tables before anything is written, then create what is missing, upsert
//! the roles and ready the insert.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use serde::Serialize;

use super::columns::{check_columns, check_lengths};
use super::{Conn, Identities, IdentityKey, InsertTarget, SkipReason, Value};
use crate::app::{App, AppSpec, Fill, Identity, Roles, TableDef, Tables};
use crate::generate::ColumnText;

/// What `seed roles` did to one role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleChange {
    Created,
    Updated,
    Unchanged,
    /// The app's roles are values of its users table: nothing to create.
    BuiltIn,
}

/// Tables an app's migrations make first, which tell its database apart
/// before its users table is there.
const MIGRATION_TABLES: [(&str, &str, App); 3] = [
    ("django_migrations", "app", App::Django),
    ("schema_migrations", "version", App::Devise),
    ("migrations", "batch", App::Laravel),
];

/// The app whose tables are in the database. Only reads.
pub fn detect(conn: &mut dyn Conn) -> Result<App> {
    let mut missing = Vec::new();
    let mut any_table = false;
    for app in App::DETECTION_ORDER {
        let spec = app.spec();
        let Some(columns) = conn.columns(spec.table)? else {
            missing.push(format!("no {} table ({app})", spec.table));
            continue;
        };
        any_table |= spec.table == "users";
        let lacks: Vec<&str> = spec
            .signature
            .iter()
            .copied()
            .filter(|name| !columns.iter().any(|column| column.name == *name))
            .collect();
        if lacks.is_empty() {
            return Ok(app);
        }
        missing.push(format!("{} has no {} ({app})", spec.table, lacks.join("/")));
    }
    if !any_table {
        // An app whose migrations have not made its users table yet would
        // otherwise get flask-base's tables.
        for (marker, column, app) in MIGRATION_TABLES {
            let found = conn.columns(marker)?;
            if found.is_some_and(|columns| columns.iter().any(|c| c.name == column)) {
                let (Tables::Migrations(command) | Tables::CreateOnSqlite(_, command)) =
                    app.spec().tables
                else {
                    continue;
                };
                bail!(
                    "this looks like a {app} database ({marker}) without its {} table: run {app}'s migrations first ({command}), or name another app with --app",
                    app.spec().table
                );
            }
        }
        return Ok(App::FlaskBase);
    }
    bail!(
        "cannot tell which app this users table belongs to: {}; pick one with --app",
        missing.join(", ")
    )
}

/// What the checks found: the tables to create. Nothing written yet.
pub struct Checked {
    app: App,
    create: Vec<&'static TableDef>,
    /// Role names the run can draw from: those in the table and those seed
    /// will upsert.
    pub role_names: Vec<String>,
    /// The users table held a row: a duplicate may be of a row that was
    /// there before the run.
    pub had_rows: bool,
}

/// Refuses a schema seed cannot fill or cannot detect duplicates in, before
/// any write: a refused database is left exactly as it was. `values` are
/// what seed writes into the users table's text columns.
pub fn check(conn: &mut dyn Conn, app: App, values: &[ColumnText<'_>]) -> Result<Checked> {
    let spec = app.spec();
    let (defs, migrations): (&[&TableDef], Option<&str>) = match &spec.tables {
        Tables::Create(defs) => (defs, None),
        Tables::CreateOnSqlite(defs, _) if conn.is_sqlite() => (defs, None),
        Tables::CreateOnSqlite(_, command) | Tables::Migrations(command) => (&[], Some(command)),
    };
    let mut create = Vec::new();
    let mut role_names: Vec<String> = Vec::new();
    if let Roles::Table(roles) = &spec.roles {
        let table = roles.table;
        if let Some(columns) = conn.columns(table.name)? {
            let required: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
            check_columns(table.name, &required, &columns)?;
            let sql = format!(
                "SELECT {} FROM {} WHERE {} IS NOT NULL ORDER BY {}",
                conn.quote("name"),
                conn.quote(table.name),
                conn.quote("name"),
                conn.quote(AppSpec::ID)
            );
            for row in conn.query(&sql, &[])? {
                if let Some(name) = row.first().and_then(Value::as_text) {
                    role_names.push(name.to_owned());
                }
            }
        } else {
            create.push(table);
        }
    }
    // Then the app's own: those seed upserts, or its built-in ones.
    for name in default_role_names(spec) {
        if !role_names.contains(&name) {
            role_names.push(name);
        }
    }
    let mut had_rows = false;
    let users = conn.columns(spec.table)?;
    match &users {
        Some(columns) => {
            let mut required = vec![AppSpec::ID];
            required.extend(spec.column_names());
            check_columns(spec.table, &required, columns)?;
            check_lengths(spec.table, values, columns)?;
            let identity = spec.identity_column();
            if conn.unique_indexes(spec.table, identity)?.is_empty() {
                bail!(
                    "{}.{identity} has no UNIQUE constraint or unique index, so duplicate {identity}s could not be detected; refusing to seed",
                    spec.table
                );
            }
            had_rows = has_rows(conn, spec.table)?;
        }
        None => {
            if let Some(command) = migrations {
                bail!(
                    "there is no {} table on {}: {app} makes it with its migrations; run them first ({command}), then seed",
                    spec.table,
                    conn.backend()
                );
            }
        }
    }
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    check_charsets(conn, spec.table, users.is_some(), values)?;
    // Tables named by foreign keys and the users table, as the app's
    // models order them.
    for def in defs {
        if !create.iter().any(|c| c.name == def.name) && conn.columns(def.name)?.is_none() {
            create.push(def);
        }
    }
    Ok(Checked {
        app,
        create,
        role_names,
        had_rows,
    })
}

/// Refuses a column whose character set cannot store a name seed may write
/// there, which the server would refuse at its row or keep as `?`. All
/// else seed writes is ASCII, which every character set holds. `exists`:
/// the table is there already (else seed makes it).
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn check_charsets(
    conn: &mut dyn Conn,
    table: &str,
    exists: bool,
    values: &[ColumnText<'_>],
) -> Result<()> {
    use crate::generate::Source;

    for value in values {
        if value.texts.iter().all(|text| text.is_ascii()) {
            continue;
        }
        let Some(charset) = conn.charset(table, value.column)? else {
            continue;
        };
        let Some(example) = value.texts.iter().find(|text| !charset.holds(text)) else {
            continue;
        };
        let (what, instead) = match value.source {
            Source::Locale(code) => (
                format!("the {code} names (e.g. {example})"),
                format!("--locale en or {}", charset.instead),
            ),
            Source::Given => (format!("{example}, as given"), charset.instead.to_owned()),
        };
        let column = format!(
            "{table}.{} {} {} on {}{}",
            value.column,
            if exists { "is" } else { "would be" },
            charset.name,
            conn.backend(),
            charset.of.map(|of| format!(" ({of})")).unwrap_or_default()
        );
        if charset.is_known() {
            bail!("{column}, which cannot store {what}; use {instead}");
        }
        bail!(
            "{column}, a character set seed cannot check {what} against (it writes only ASCII names there); use {instead}"
        );
    }
    Ok(())
}

/// The result of [`apply`]: the roles to draw from and the insert, ready.
pub struct Applied {
    pub changes: Vec<(String, RoleChange)>,
    /// (id, name) for a roles table, in id order; (position, name) for
    /// fixed roles.
    pub roles: Vec<(i64, String)>,
    pub target: InsertTarget,
}

/// Creates the missing tables, upserts the roles and prepares the insert.
pub fn apply(conn: &mut dyn Conn, checked: &Checked) -> Result<Applied> {
    let spec = checked.app.spec();
    conn.start_writing()?;
    conn.begin()?;
    let result = (|| {
        for def in &checked.create {
            conn.create_table(def)?;
        }
        let changes = upsert_roles(conn, &spec.roles)?;
        conn.commit()?;
        Ok(changes)
    })();
    let changes = match result {
        Ok(changes) => changes,
        Err(err) => {
            conn.rollback();
            return Err(err);
        }
    };
    let roles = match &spec.roles {
        Roles::Table(roles) => {
            let sql = format!(
                "SELECT {id}, {name} FROM {table} WHERE {name} IS NOT NULL ORDER BY {id}",
                id = conn.quote(AppSpec::ID),
                name = conn.quote("name"),
                table = conn.quote(roles.table.name)
            );
            conn.query(&sql, &[])?
                .into_iter()
                .filter_map(|row| match (row.first(), row.get(1)) {
                    (Some(Value::Int(id)), Some(Value::Text(name))) => Some((*id, name.clone())),
                    _ => None,
                })
                .collect()
        }
        Roles::Fixed(roles) => (0..)
            .zip(roles.iter())
            .map(|(i, role)| (i, role.name.to_owned()))
            .collect(),
        Roles::None => Vec::new(),
    };
    let target = insert_target(conn, spec)?;
    conn.prepare_insert(&target)?;
    Ok(Applied {
        changes,
        roles,
        target,
    })
}

/// Whether `table` holds a row.
fn has_rows(conn: &mut dyn Conn, table: &str) -> Result<bool> {
    let sql = format!("SELECT 1 FROM {} LIMIT 1", conn.quote(table));
    Ok(!conn.query(&sql, &[])?.is_empty())
}

/// The insert for `spec`'s table, once the table exists.
pub fn insert_target(conn: &mut dyn Conn, spec: &AppSpec) -> Result<InsertTarget> {
    let key = identity_key(spec)?;
    let identity = spec.identity_column();
    Ok(InsertTarget {
        table: spec.table,
        identity_indexes: conn.unique_indexes(spec.table, identity)?,
        columns: spec.column_names().collect(),
        identity,
        key,
    })
}

/// Where the identity is in `spec`'s rows, and what a duplicate of it is
/// counted as.
pub fn identity_key(spec: &AppSpec) -> Result<IdentityKey> {
    let identity = spec.identity_column();
    let Some(position) = spec.column_names().position(|c| c == identity) else {
        bail!("{} does not fill its identity column {identity}", spec.name);
    };
    let duplicate = match spec.identity {
        Identity::Email => SkipReason::DuplicateEmail,
        Identity::Username => SkipReason::DuplicateUsername,
    };
    Ok(IdentityKey {
        position,
        duplicate,
    })
}

/// An account already in the users table, as `seed admin` reports it.
pub struct Account {
    /// Its id, as text.
    pub id: String,
    pub email: String,
    /// Its role's name, if its values are one of the app's roles.
    pub role: Option<String>,
    pub admin: bool,
}

/// The first account whose `column` is `value` (case folded: a login name
/// the app keeps unique itself, matched as [`login_names`] matches it), if
/// there is one. Only reads.
pub fn account(
    conn: &mut dyn Conn,
    spec: &AppSpec,
    column: &str,
    value: &str,
    fold: bool,
) -> Result<Option<Account>> {
    let role_columns: Vec<&str> = spec
        .columns
        .iter()
        .filter(|(_, how)| *how == Fill::Role)
        .map(|(name, _)| *name)
        .collect();
    let mut select = format!(
        "SELECT {}, {}",
        conn.quote(AppSpec::ID),
        conn.quote("email")
    );
    for column in &role_columns {
        let _ = write!(select, ", {}", conn.quote(column));
    }
    let (left, right) = if fold {
        (
            format!("LOWER({})", conn.quote(column)),
            format!("LOWER({})", conn.placeholder(1)),
        )
    } else {
        (conn.quote(column), conn.placeholder(1))
    };
    let _ = write!(
        select,
        " FROM {} WHERE {left} = {right} ORDER BY {}",
        conn.quote(spec.table),
        conn.quote(AppSpec::ID)
    );
    let found = conn.query(&select, &[Value::Text(value.to_owned())])?;
    let Some(row) = found.into_iter().next() else {
        return Ok(None);
    };
    let shown = |value: Option<&Value>| match value {
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Text(text)) => text.clone(),
        _ => "NULL".into(),
    };
    let values = row.get(2..).unwrap_or_default();
    let (role, admin) = match &spec.roles {
        Roles::None => (None, false),
        Roles::Fixed(roles) => {
            let role = roles.iter().find(|role| {
                role_columns.iter().zip(values).all(|(column, have)| {
                    role.values
                        .iter()
                        .find(|(c, _)| c == column)
                        .is_some_and(|(_, want)| have.same_as(&Value::from(*want)))
                })
            });
            (
                role.map(|role| role.name.to_owned()),
                role.is_some_and(|role| role.admin),
            )
        }
        Roles::Table(table) => {
            let sql = format!(
                "SELECT {} FROM {} WHERE {} = {}",
                conn.quote("name"),
                conn.quote(table.table.name),
                conn.quote(AppSpec::ID),
                conn.placeholder(1)
            );
            let id = values.first().cloned().unwrap_or(Value::Null);
            let name = match id {
                Value::Null => None,
                id => conn
                    .query(&sql, &[id])?
                    .into_iter()
                    .next()
                    .and_then(|row| row.into_iter().next())
                    .and_then(|name| name.as_text().map(str::to_owned)),
            };
            let admin = name.as_deref() == Some(table.admin);
            (name, admin)
        }
    };
    Ok(Some(Account {
        id: shown(row.first()),
        email: shown(row.get(1)),
        role,
        admin,
    }))
}

/// The login names `spec` keeps unique without a constraint, each with the
/// values already in its table, read over `conn` (None: a table that was
/// empty when checked, or a dry run, which counts into an empty table).
pub fn login_names(
    mut conn: Option<&mut dyn Conn>,
    spec: &AppSpec,
) -> Result<Vec<crate::run::LoginName>> {
    let mut names = Vec::with_capacity(spec.also_unique.len());
    for column in spec.also_unique {
        let Some(position) = spec.column_names().position(|c| c == *column) else {
            bail!("{} does not fill its login column {column}", spec.name);
        };
        let mut before = Identities::default();
        if let Some(conn) = conn.as_deref_mut() {
            let sql = format!(
                "SELECT {column} FROM {table} WHERE {column} IS NOT NULL",
                column = conn.quote(column),
                table = conn.quote(spec.table)
            );
            for row in conn.query(&sql, &[])? {
                if let Some(text) = row.first().and_then(Value::as_text) {
                    before.insert_folded(text);
                }
            }
        }
        names.push(crate::run::LoginName::new(position, before));
    }
    Ok(names)
}

/// The roles a run draws from in a database that has none of its own yet:
/// those `seed roles` makes, or the app's built-in ones.
pub fn default_role_names(spec: &AppSpec) -> Vec<String> {
    match &spec.roles {
        Roles::None => Vec::new(),
        Roles::Table(roles) => roles.rows.iter().map(|row| row.name.to_owned()).collect(),
        Roles::Fixed(roles) => roles.iter().map(|role| role.name.to_owned()).collect(),
    }
}

/// Makes the roles table hold the app's roles: inserts missing ones and
/// repairs changed ones, by name. Runs in the caller's transaction.
fn upsert_roles(conn: &mut dyn Conn, roles: &Roles) -> Result<Vec<(String, RoleChange)>> {
    let Roles::Table(roles) = roles else {
        return Ok(Vec::new());
    };
    let table = conn.quote(roles.table.name);
    let mut changes = Vec::with_capacity(roles.rows.len());
    for row in roles.rows {
        let mut select = format!("SELECT {}", conn.quote(AppSpec::ID));
        for (column, _) in row.values {
            let _ = write!(select, ", {}", conn.quote(column));
        }
        let _ = write!(
            select,
            " FROM {table} WHERE {} = {}",
            conn.quote("name"),
            conn.placeholder(1)
        );
        let name = Value::Text(row.name.to_owned());
        let found = conn.query(&select, std::slice::from_ref(&name))?;
        let wanted: Vec<Value> = row.values.iter().map(|(_, v)| Value::from(*v)).collect();
        let change = match found.first() {
            Some(existing) => {
                let same = existing
                    .iter()
                    .skip(1)
                    .zip(&wanted)
                    .all(|(have, want)| have.same_as(want));
                if same {
                    RoleChange::Unchanged
                } else {
                    let mut sql = format!("UPDATE {table} SET ");
                    for (i, (column, _)) in row.values.iter().enumerate() {
                        let comma = if i == 0 { "" } else { ", " };
                        let _ = write!(
                            sql,
                            "{comma}{} = {}",
                            conn.quote(column),
                            conn.placeholder(i + 1)
                        );
                    }
                    let _ = write!(
                        sql,
                        " WHERE {} = {}",
                        conn.quote(AppSpec::ID),
                        conn.placeholder(wanted.len() + 1)
                    );
                    let mut params = wanted;
                    params.push(existing.first().cloned().unwrap_or(Value::Null));
                    conn.execute(&sql, &params)?;
                    RoleChange::Updated
                }
            }
            None => {
                let mut columns = conn.quote("name");
                let mut marks = conn.placeholder(1);
                for (i, (column, _)) in row.values.iter().enumerate() {
                    let _ = write!(columns, ", {}", conn.quote(column));
                    let _ = write!(marks, ", {}", conn.placeholder(i + 2));
                }
                let mut params = vec![name];
                params.extend(wanted);
                conn.execute(
                    &format!("INSERT INTO {table} ({columns}) VALUES ({marks})"),
                    &params,
                )?;
                RoleChange::Created
            }
        };
        changes.push((row.name.to_owned(), change));
    }
    Ok(changes)
}
