//! The schema policy, written once over a [`Conn`]: find the app, check its
//! tables before anything is written, then create what is missing, upsert
//! the roles and ready the insert.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use serde::Serialize;

use super::columns::{check_columns, check_lengths};
use super::{Conn, Identities, IdentityKey, InsertTarget, UniqueColumn, Uniques, Value};
use crate::app::Chosen;
use crate::app::{DETECTION_ORDER, Preset, TableDef, Tables};
use crate::generate::ColumnText;
use crate::plan::{Roles, Spec};

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
const MIGRATION_TABLES: [(&str, &str, &str); 3] = [
    ("django_migrations", "app", "django"),
    ("schema_migrations", "version", "devise"),
    ("migrations", "batch", "laravel"),
];

/// The preset whose tables are in the database. Only reads.
pub fn detect(conn: &mut dyn Conn) -> Result<&'static Preset> {
    let mut missing = Vec::new();
    let mut any_table = false;
    for preset in DETECTION_ORDER {
        let table = preset.plan().table;
        let Some(columns) = conn.columns(&table)? else {
            missing.push(format!("no {table} table ({})", preset.name));
            continue;
        };
        any_table |= table == "users";
        let lacks: Vec<&str> = preset
            .signature
            .iter()
            .copied()
            .filter(|name| !columns.iter().any(|column| column.name == *name))
            .collect();
        if lacks.is_empty() {
            return Ok(preset);
        }
        missing.push(format!(
            "{table} has no {} ({})",
            lacks.join("/"),
            preset.name
        ));
    }
    if !any_table {
        // An app whose migrations have not made its users table yet would
        // otherwise get flask-base's tables.
        for (marker, column, name) in MIGRATION_TABLES {
            let found = conn.columns(marker)?;
            let Some(preset) = crate::app::preset(name) else {
                continue;
            };
            if found.is_some_and(|columns| columns.iter().any(|c| c.name == column)) {
                let (Tables::Migrations(command) | Tables::CreateOnSqlite(_, command)) =
                    preset.tables
                else {
                    continue;
                };
                bail!(
                    "this looks like a {name} database ({marker}) without its {} table: run {name}'s migrations first ({command}), or name another app with --app",
                    preset.plan().table
                );
            }
        }
        return Ok(&crate::app::flask_base::PRESET);
    }
    bail!(
        "cannot tell which app this users table belongs to: {}; pick one with --app",
        missing.join(", ")
    )
}

/// The plan of `table`, inferred from what the catalog says of it. Only
/// reads.
pub fn infer(conn: &mut dyn Conn, table: &str) -> Result<Chosen> {
    let Some(described) = conn.describe(table)? else {
        let tables = conn.tables()?;
        bail!(
            "there is no table {table} on {}; the tables are: {}",
            conn.backend(),
            listed(&tables)
        );
    };
    // A hash already there says which format the app checks.
    let password = described
        .columns
        .iter()
        .find(|c| {
            crate::plan::infer::PASSWORD.contains(&crate::plan::infer::normalised(&c.name).as_str())
        })
        .map(|c| c.name.clone());
    let sample = match &password {
        Some(column) => {
            let sql = format!(
                "SELECT {column} FROM {table} WHERE {column} IS NOT NULL LIMIT 1",
                column = conn.quote(column),
                table = conn.quote(&described.name)
            );
            conn.query(&sql, &[])?
                .into_iter()
                .next()
                .and_then(|row| row.into_iter().next())
                .and_then(|value| value.as_text().map(str::to_owned))
        }
        None => None,
    };
    // A roles table's label: the column that names a role.
    let mut labels: Vec<(String, Option<String>)> = Vec::new();
    for key in &described.foreign_keys {
        let parent = conn.describe(&key.table)?;
        let label = parent.and_then(|parent| {
            let texts = parent
                .columns
                .iter()
                .filter(|c| matches!(c.kind, crate::catalog::Kind::Text { .. }));
            let named = |c: &&crate::catalog::ColumnInfo| {
                ["name", "title", "label", "slug", "code"]
                    .contains(&crate::plan::infer::normalised(&c.name).as_str())
            };
            texts
                .clone()
                .find(named)
                .or(texts.clone().next())
                .map(|c| c.name.clone())
        });
        labels.push((key.table.clone(), label));
    }
    let label_of = |table: &str| {
        labels
            .iter()
            .find(|(t, _)| t == table)
            .and_then(|(_, label)| label.clone())
    };
    let hints = crate::plan::infer::Hints {
        sample_hash: sample.as_deref(),
        label_of: &label_of,
    };
    let inferred = crate::plan::infer::infer(&described, &hints).map_err(anyhow::Error::msg)?;
    let mut notes = Vec::new();
    if let (Some(column), None) = (&password, &sample) {
        notes.push(format!(
            "note: {}.{column} gets bcrypt ($2b$) hashes, as no hash in the table says which format the app checks; to pick another, write seed plan > seed.toml and set format = \"…\" on {column}",
            described.name
        ));
    }
    Ok(Chosen {
        spec: inferred.spec,
        preset: None,
        source: "inferred".into(),
        reasons: inferred.reasons,
        notes,
    })
}

/// Names, or "none".
fn listed(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// The plan for a database no plan names: an app's preset when its tables
/// are there, else the plan inferred from the one table named like a
/// users table; flask-base's, to create, when there are no tables. Only
/// reads.
pub fn choose(conn: &mut dyn Conn) -> Result<Chosen> {
    let detected = detect(conn);
    let candidates: Vec<String> = conn
        .tables()?
        .into_iter()
        .filter(|t| {
            crate::plan::infer::USERS_TABLES.contains(&crate::plan::infer::normalised(t).as_str())
        })
        .collect();
    let fallback = match detected {
        // detect gives flask-base when no app's table is there, to create:
        // a table named like a users table is then the one to fill.
        Ok(preset) if conn.columns(&preset.plan().table)?.is_some() || candidates.is_empty() => {
            return Ok(Chosen::preset(preset));
        }
        Ok(_) => None,
        Err(err) => Some(err),
    };
    match (candidates.as_slice(), fallback) {
        ([one], _) => infer(conn, one),
        ([], Some(err)) => Err(err),
        ([], None) => Ok(Chosen::preset(&crate::app::flask_base::PRESET)),
        (many, _) => bail!(
            "several tables are named like a users table ({}); name one with --table",
            many.join(", ")
        ),
    }
}

/// What the checks found: the tables to create. Nothing written yet.
pub struct Checked {
    create: Vec<&'static TableDef>,
    /// Role names the run can draw from: those in the table and those seed
    /// will upsert.
    pub role_names: Vec<String>,
    /// The users table held a row: a duplicate may be of a row that was
    /// there before the run.
    pub had_rows: bool,
    /// What a person should read before tables are created: another app's
    /// users table is there.
    pub warnings: Vec<String>,
}

/// Refuses a schema seed cannot fill or cannot detect duplicates in, before
/// any write: a refused database is left exactly as it was. `values` are
/// what seed writes into the users table's text columns.
pub fn check(conn: &mut dyn Conn, chosen: &Chosen, values: &[ColumnText<'_>]) -> Result<Checked> {
    let spec = &chosen.spec;
    let (defs, migrations): (&[&TableDef], Option<&str>) = match chosen.preset.map(|p| &p.tables) {
        None => (&[], None),
        Some(Tables::Create(defs)) => (defs, None),
        Some(Tables::CreateOnSqlite(defs, _)) if conn.is_sqlite() => (defs, None),
        Some(Tables::CreateOnSqlite(_, command) | Tables::Migrations(command)) => {
            (&[], Some(command))
        }
    };
    let def_of = |name: &str| defs.iter().copied().find(|def| def.name == name);
    // Quoted names are case-sensitive on PostgreSQL only.
    let fold = conn.backend() != "PostgreSQL";
    let mut create = Vec::new();
    let mut role_names: Vec<String> = Vec::new();
    if let Roles::Table(roles) = &spec.roles {
        if let Some(columns) = conn.columns(&roles.table)? {
            let mut required = vec![roles.key.as_str(), roles.label.as_str()];
            for (_, values) in &roles.rows {
                for (column, _) in values {
                    if !required.contains(&column.as_str()) {
                        required.push(column);
                    }
                }
            }
            check_columns(
                &roles.table,
                &required,
                &[roles.key.as_str()],
                &columns,
                fold,
            )?;
            let sql = format!(
                "SELECT {label}, {key} FROM {} WHERE {label} IS NOT NULL ORDER BY {key}",
                conn.quote(&roles.table),
                key = conn.quote(&roles.key),
                label = conn.quote(&roles.label),
            );
            for row in conn.query(&sql, &[])? {
                // The users row holds the key: seed writes integer keys only.
                if !matches!(row.get(1), Some(Value::Int(_))) {
                    bail!(
                        "{}.{} is not an integer key, which seed cannot write into {}'s role column yet; write the role column as {{ gen = \"ref\", table = \"{}\" }} or a const in the plan",
                        roles.table,
                        roles.key,
                        spec.table,
                        roles.table
                    );
                }
                if let Some(name) = row.first().and_then(Value::as_text) {
                    role_names.push(name.to_owned());
                }
            }
        } else if let Some(def) = def_of(&roles.table) {
            create.push(def);
        } else {
            bail!(
                "there is no {} table on {}, which the plan's roles are rows of",
                roles.table,
                conn.backend()
            );
        }
    }
    // Then the plan's own: those seed upserts, or its built-in ones.
    for name in spec.role_names() {
        if !role_names.contains(&name) {
            role_names.push(name);
        }
    }
    let mut had_rows = false;
    let users = conn.columns(&spec.table)?;
    match &users {
        Some(columns) => {
            let required: Vec<&str> = spec.columns.iter().map(|c| c.name.as_str()).collect();
            let left: Vec<&str> = spec
                .columns
                .iter()
                .filter(|c| !c.r#gen.is_written())
                .map(|c| c.name.as_str())
                .collect();
            check_columns(&spec.table, &required, &left, columns, fold)?;
            if let Some(described) = conn.describe(&spec.table)? {
                crate::plan::fits::check(spec, &described, fold).map_err(anyhow::Error::msg)?;
            }
            check_lengths(&spec.table, values, columns)?;
            let identity = &spec.identity;
            if conn.unique_indexes(&spec.table, identity)?.is_empty() {
                bail!(
                    "{}.{identity} has no UNIQUE constraint or unique index, so duplicate {identity}s could not be detected; refusing to seed",
                    spec.table
                );
            }
            had_rows = has_rows(conn, &spec.table)?;
        }
        None => match (chosen.preset, migrations) {
            (Some(preset), Some(command)) => bail!(
                "there is no {} table on {}: {} makes it with its migrations; run them first ({command}), then seed",
                spec.table,
                conn.backend(),
                preset.name
            ),
            (None, _) => bail!(
                "there is no {} table on {}: a plan fills a table that is there; create it first",
                spec.table,
                conn.backend()
            ),
            (Some(_), None) => {}
        },
    }
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    check_charsets(conn, &spec.table, users.is_some(), values)?;
    // Tables named by foreign keys and the users table, as the app's
    // models order them.
    for def in defs {
        if !create.iter().any(|c| c.name == def.name) && conn.columns(def.name)?.is_none() {
            create.push(def);
        }
    }
    let mut warnings = Vec::new();
    if let (Some(preset), false) = (chosen.preset, create.is_empty()) {
        for other in DETECTION_ORDER
            .iter()
            .filter(|other| other.name != preset.name)
        {
            let table = other.plan().table;
            let Some(columns) = conn.columns(&table)? else {
                continue;
            };
            if other
                .signature
                .iter()
                .all(|name| columns.iter().any(|column| column.name == *name))
            {
                let made: Vec<&str> = create.iter().map(|def| def.name).collect();
                warnings.push(format!(
                    "warning: this database holds {}'s users table ({table}); seed is creating {}'s {} beside it (for {}'s users, give --app {})",
                    other.name,
                    preset.name,
                    made.join(" and "),
                    other.name,
                    other.name
                ));
            }
        }
    }
    Ok(Checked {
        create,
        role_names,
        had_rows,
        warnings,
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
        let Some(charset) = conn.charset(table, &value.column)? else {
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
    /// (key, label) for a roles table, in key order; (position, name) for
    /// fixed roles.
    pub roles: Vec<(i64, String)>,
    pub target: InsertTarget,
}

/// Creates the missing tables, upserts the roles and prepares the insert.
pub fn apply(conn: &mut dyn Conn, spec: &Spec, checked: &Checked) -> Result<Applied> {
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
                "SELECT {key}, {label} FROM {table} WHERE {label} IS NOT NULL ORDER BY {key}",
                key = conn.quote(&roles.key),
                label = conn.quote(&roles.label),
                table = conn.quote(&roles.table)
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
            .map(|(i, role)| (i, role.name.clone()))
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

/// The insert for `spec`'s table, once the table exists: with each
/// single-column UNIQUE constraint of the columns written, so that each
/// counts its own duplicates.
pub fn insert_target(conn: &mut dyn Conn, spec: &Spec) -> Result<InsertTarget> {
    let key = identity_key(spec)?;
    let mut uniques = uniques_of(spec);
    let mut unique_columns = Vec::new();
    for (column, indexes) in unique_columns_of(conn, spec)? {
        uniques.add(&column);
        unique_columns.push(UniqueColumn {
            reason: uniques.reason(&column),
            column,
            indexes,
        });
    }
    Ok(InsertTarget {
        table: spec.table.clone(),
        identity_indexes: conn.unique_indexes(&spec.table, &spec.identity)?,
        columns: spec
            .written_names()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        identity: spec.identity.clone(),
        key,
        uniques,
        unique_columns,
    })
}

/// The columns the insert writes, other than the identity, with a UNIQUE
/// constraint or index of their own. Only reads.
pub fn unique_columns(conn: &mut dyn Conn, spec: &Spec) -> Result<Vec<String>> {
    Ok(unique_columns_of(conn, spec)?
        .into_iter()
        .map(|(column, _)| column)
        .collect())
}

/// [`unique_columns`], each with its constraints' or indexes' names.
fn unique_columns_of(conn: &mut dyn Conn, spec: &Spec) -> Result<Vec<(String, Vec<String>)>> {
    let mut columns = Vec::new();
    for column in spec.written_names() {
        if column == spec.identity {
            continue;
        }
        let indexes = conn.unique_indexes(&spec.table, column)?;
        if !indexes.is_empty() {
            columns.push((column.to_owned(), indexes));
        }
    }
    Ok(columns)
}

/// The columns of `spec` counted each on its own before the database is
/// read: the identity, then the names kept unique by the app.
pub fn uniques_of(spec: &Spec) -> Uniques {
    let mut uniques = Uniques::default();
    uniques.add(&spec.identity);
    for column in &spec.also_unique {
        uniques.add(column);
    }
    uniques
}

/// Where the identity is in `spec`'s rows, and what a duplicate of it is
/// counted as.
pub fn identity_key(spec: &Spec) -> Result<IdentityKey> {
    let identity = &spec.identity;
    let Some(position) = spec.position(identity) else {
        bail!("the plan does not fill its identity column {identity}");
    };
    Ok(IdentityKey {
        position,
        duplicate: uniques_of(spec).reason(identity),
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

/// Refuses a UNIQUE column whose generator has fewer distinct values than
/// the run needs (`country` into a unique column of 1,000 rows): every row
/// past them would be a duplicate. Only reads.
pub fn check_capacity(conn: &mut dyn Conn, spec: &Spec, rows: u64, roles: usize) -> Result<()> {
    if rows <= 1 {
        return Ok(());
    }
    for column in spec.written() {
        // NULLs never collide in a UNIQUE column.
        if column.r#gen == crate::plan::Gen::Null {
            continue;
        }
        let Some(capacity) = column.r#gen.capacity(roles) else {
            continue;
        };
        if capacity < rows && !conn.unique_indexes(&spec.table, &column.name)?.is_empty() {
            bail!(
                "{}.{} is UNIQUE, but its generator ({}) has {} distinct {}, fewer than the {rows} rows asked for; give it a generator with as many distinct values in the plan, or ask for fewer rows",
                spec.table,
                column.name,
                column.r#gen.name(),
                capacity,
                if capacity == 1 { "value" } else { "values" }
            );
        }
    }
    Ok(())
}

/// The values of each `ref` column's parent, to draw from. Refused, naming
/// the parent, when it has no rows. Only reads.
pub fn ref_pools(conn: &mut dyn Conn, spec: &Spec) -> Result<Vec<(String, Vec<Value>)>> {
    let mut pools = Vec::new();
    let refs = spec.refs();
    let child = if refs.is_empty() {
        None
    } else {
        conn.describe(&spec.table)?
    };
    for (column, table, parent) in refs {
        check_ref(conn, spec, child.as_ref(), column, table, parent)?;
        let sql = format!(
            "SELECT {parent} FROM {table} WHERE {parent} IS NOT NULL ORDER BY 1 LIMIT 1000000",
            parent = conn.quote(parent),
            table = conn.quote(table)
        );
        let mut values: Vec<Value> = conn
            .query(&sql, &[])?
            .into_iter()
            .filter_map(|row| row.into_iter().next())
            .collect();
        // The same order on every backend and collation, so that the same
        // seed picks the same parents.
        values.sort_by(|a, b| match (a, b) {
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Text(a), Value::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
            // A key is all of one type: this is for completeness.
            _ => format!("{a:?}").cmp(&format!("{b:?}")),
        });
        if values.is_empty() {
            bail!(
                "{}.{column} references {table}.{parent}, and {table} has no rows to reference; add some first (or write {column} = \"null\" in the plan if it may be NULL)",
                spec.table
            );
        }
        pools.push((column.to_owned(), values));
    }
    Ok(pools)
}

/// Refuses a `ref` whose parent table or column is not there, or whose
/// values the column cannot hold (text keys into an integer column).
fn check_ref(
    conn: &mut dyn Conn,
    spec: &Spec,
    child: Option<&crate::catalog::Described>,
    column: &str,
    table: &str,
    parent: &str,
) -> Result<()> {
    use crate::catalog::Kind;

    let line = format!(
        "{}.{column} = {{ gen = \"ref\", table = \"{table}\", column = \"{parent}\" }}",
        spec.table
    );
    let Some(described) = conn.describe(table)? else {
        let tables = conn.tables()?;
        bail!(
            "{line}: there is no table {table} on {}; the tables are: {}",
            conn.backend(),
            listed(&tables)
        );
    };
    let fold = conn.backend() != "PostgreSQL";
    let named = |name: &str, want: &str| name == want || fold && name.eq_ignore_ascii_case(want);
    let Some(key) = described.columns.iter().find(|c| named(&c.name, parent)) else {
        let names: Vec<String> = described.columns.iter().map(|c| c.name.clone()).collect();
        bail!(
            "{line}: {table} has no column {parent}; its columns are: {}",
            names.join(", ")
        );
    };
    let Some(info) = child.and_then(|child| child.columns.iter().find(|c| named(&c.name, column)))
    else {
        return Ok(());
    };
    let number = |kind: &Kind| matches!(kind, Kind::Integer { .. } | Kind::Decimal);
    let fits = match (&info.kind, &key.kind) {
        (Kind::Integer { .. } | Kind::Decimal, parent) => number(parent),
        (Kind::Uuid, parent) => matches!(parent, Kind::Uuid | Kind::Text { .. }),
        _ => true,
    };
    if !fits {
        bail!(
            "{line}: {table}.{parent} is {}, which {}.{column} ({}) cannot hold; reference a column of its type",
            key.declared,
            spec.table,
            info.declared
        );
    }
    Ok(())
}

/// The first account whose `column` is `value` (case folded: a login name
/// the app keeps unique itself, matched as [`login_names`] matches it), if
/// there is one. Only reads.
pub fn account(
    conn: &mut dyn Conn,
    spec: &Spec,
    column: &str,
    value: &str,
    fold: bool,
) -> Result<Option<Account>> {
    let role_columns = spec.role_columns();
    let shown_column = if spec.column("email").is_some() {
        "email"
    } else {
        spec.identity.as_str()
    };
    // The row's key as the table has it (AspNetUsers' Id, a uuid); a table
    // with no single-column primary key is shown by its identity.
    let key = conn
        .describe(&spec.table)?
        .and_then(|table| match table.primary_key.as_slice() {
            [key] => Some(key.clone()),
            _ => None,
        })
        .unwrap_or_else(|| spec.identity.clone());
    let mut select = format!("SELECT {}, {}", conn.quote(&key), conn.quote(shown_column));
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
        conn.quote(&spec.table),
        conn.quote(&key)
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
    let admin_role = spec.admin.as_ref().and_then(|admin| admin.role.as_ref());
    let (role, admin) = match &spec.roles {
        Roles::None => (None, false),
        Roles::Fixed(roles) => {
            let role = roles.iter().find(|role| {
                role_columns.iter().zip(values).all(|(column, have)| {
                    role.values
                        .iter()
                        .find(|(c, _)| c == column)
                        .is_some_and(|(_, want)| have.same_as(want))
                })
            });
            (
                role.map(|role| role.name.clone()),
                role.is_some_and(|role| Some(&role.name) == admin_role),
            )
        }
        Roles::Table(table) => {
            let sql = format!(
                "SELECT {} FROM {} WHERE {} = {}",
                conn.quote(&table.label),
                conn.quote(&table.table),
                conn.quote(&table.key),
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
            let admin = name.is_some() && name.as_ref() == admin_role;
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
    spec: &Spec,
) -> Result<Vec<crate::run::LoginName>> {
    let mut names = Vec::with_capacity(spec.also_unique.len());
    for column in &spec.also_unique {
        let Some(position) = spec.position(column) else {
            bail!("the plan does not fill its login column {column}");
        };
        let mut before = Identities::default();
        if let Some(conn) = conn.as_deref_mut() {
            let sql = format!(
                "SELECT {column} FROM {table} WHERE {column} IS NOT NULL",
                column = conn.quote(column),
                table = conn.quote(&spec.table)
            );
            for row in conn.query(&sql, &[])? {
                if let Some(text) = row.first().and_then(Value::as_text) {
                    before.insert_folded(text);
                }
            }
        }
        let duplicate = uniques_of(spec).reason(column);
        names.push(crate::run::LoginName::new(position, before, duplicate));
    }
    Ok(names)
}

/// Makes the roles table hold the plan's roles: inserts missing ones and
/// repairs changed ones, by label. Runs in the caller's transaction.
fn upsert_roles(conn: &mut dyn Conn, roles: &Roles) -> Result<Vec<(String, RoleChange)>> {
    let Roles::Table(roles) = roles else {
        return Ok(Vec::new());
    };
    let table = conn.quote(&roles.table);
    let label = conn.quote(&roles.label);
    let key = conn.quote(&roles.key);
    let mut changes = Vec::with_capacity(roles.rows.len());
    for (name, values) in &roles.rows {
        let mut select = format!("SELECT {key}");
        for (column, _) in values {
            let _ = write!(select, ", {}", conn.quote(column));
        }
        let _ = write!(
            select,
            " FROM {table} WHERE {label} = {}",
            conn.placeholder(1)
        );
        let name_value = Value::Text(name.clone());
        let found = conn.query(&select, std::slice::from_ref(&name_value))?;
        let wanted: Vec<Value> = values.iter().map(|(_, v)| v.clone()).collect();
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
                    for (i, (column, _)) in values.iter().enumerate() {
                        let comma = if i == 0 { "" } else { ", " };
                        let _ = write!(
                            sql,
                            "{comma}{} = {}",
                            conn.quote(column),
                            conn.placeholder(i + 1)
                        );
                    }
                    let _ = write!(sql, " WHERE {key} = {}", conn.placeholder(wanted.len() + 1));
                    let mut params = wanted;
                    params.push(existing.first().cloned().unwrap_or(Value::Null));
                    conn.execute(&sql, &params)?;
                    RoleChange::Updated
                }
            }
            None => {
                let mut columns = label.clone();
                let mut marks = conn.placeholder(1);
                for (i, (column, _)) in values.iter().enumerate() {
                    let _ = write!(columns, ", {}", conn.quote(column));
                    let _ = write!(marks, ", {}", conn.placeholder(i + 2));
                }
                let mut params = vec![name_value];
                params.extend(wanted);
                conn.execute(
                    &format!("INSERT INTO {table} ({columns}) VALUES ({marks})"),
                    &params,
                )?;
                RoleChange::Created
            }
        };
        changes.push((name.clone(), change));
    }
    Ok(changes)
}
