//! The plan as a file: TOML read (every key checked, unknown ones refused
//! with the valid ones listed) and written back, with a comment per column
//! saying why its generator was chosen. What is written reads back as the
//! same plan.

use std::fmt::Write as _;

use chrono::NaiveDate;
use toml::{Table, Value as Toml};

use super::r#gen::{DECIMAL_MAX, DECIMAL_SCALE};
use super::{Admin, Case, Column, FixedRole, Gen, RoleTable, Roles, Spec};
use crate::plan::password::PasswordFormat;
use crate::value::{Decimal, MAX_SCALE, Value};

const TOP_KEYS: &[&str] = &[
    "table",
    "identity",
    "also_unique",
    "columns",
    "roles",
    "admin",
];

/// Reads a plan from TOML text; the error names the key or value at fault.
pub fn parse(text: &str) -> Result<Spec, String> {
    let top: Table = text.parse().map_err(|err: toml::de::Error| {
        let message = err.message().to_owned();
        match err.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].lines().count().max(1);
                format!("line {line}: {message}")
            }
            None => message,
        }
    })?;
    refuse_unknown("the plan", &top, TOP_KEYS)?;
    let table = string(&top, "table", "the plan")?.ok_or("the plan has no table = \"…\"")?;
    let identity = string(&top, "identity", "the plan")?.ok_or(
        "the plan has no identity = \"…\" (the unique column whose duplicates are counted)",
    )?;
    let also_unique = match top.get("also_unique") {
        None => Vec::new(),
        Some(Toml::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| "also_unique must be a list of column names".to_owned())
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("also_unique must be a list of column names".into()),
    };
    let Some(Toml::Table(columns)) = top.get("columns") else {
        return Err("the plan has no [columns] table".into());
    };
    let mut spec_columns = Vec::with_capacity(columns.len());
    let mut shorthand_roles: Option<(String, Vec<(String, u32)>)> = None;
    let mut role_table: Option<RoleTable> = None;
    for (name, value) in columns {
        let (r#gen, roles) = column(name, value)?;
        match roles {
            RoleForm::Plain => {}
            RoleForm::Values(weights) => {
                if shorthand_roles.is_some() {
                    return Err(format!(
                        "{name}: only one role column may list its values; the others write \"role\""
                    ));
                }
                shorthand_roles = Some((name.clone(), weights));
            }
            RoleForm::Table(table) => role_table = Some(table),
        }
        spec_columns.push(Column {
            name: name.clone(),
            r#gen,
        });
    }
    let roles = roles(&top, shorthand_roles, role_table)?;
    let admin = match top.get("admin") {
        None => None,
        Some(Toml::Table(admin)) => {
            let mut role = None;
            let mut values = Vec::new();
            for (key, value) in admin {
                if key == "role" && roles != Roles::None {
                    role = Some(
                        value
                            .as_str()
                            .ok_or("[admin] role must be a role's name, as a string")?
                            .to_owned(),
                    );
                } else {
                    values.push((key.clone(), literal(value, &format!("[admin] {key}"))?));
                }
            }
            Some(Admin { role, values })
        }
        Some(_) => return Err("admin must be a table: [admin]".into()),
    };
    let spec = Spec {
        table,
        identity,
        also_unique,
        columns: spec_columns,
        roles,
        admin,
    };
    spec.check()?;
    Ok(spec)
}

enum RoleForm {
    Plain,
    /// `values = { member = 9, moderator = 1 }`: the column holds the name.
    Values(Vec<(String, u32)>),
    Table(RoleTable),
}

fn column(name: &str, value: &Toml) -> Result<(Gen, RoleForm), String> {
    let what = format!("column {name}");
    let (kind, params) = match value {
        Toml::String(kind) => (kind.as_str(), None),
        Toml::Table(params) => {
            let kind = params
                .get("gen")
                .and_then(Toml::as_str)
                .ok_or_else(|| format!("{what}: a table needs gen = \"…\" (one of {})", names()))?;
            (kind, Some(params))
        }
        _ => {
            return Err(format!(
                "{what}: expected a generator's name or {{ gen = \"…\", … }}"
            ));
        }
    };
    let empty = Table::new();
    let params = params.unwrap_or(&empty);
    let keys: &[&str] = match kind {
        "const" => &["gen", "value"],
        "password" => &["gen", "format", "iterations", "cost", "prefix"],
        "role" => &["gen", "values", "table", "column", "label"],
        "bool" => &["gen", "p"],
        "int" => &["gen", "min", "max"],
        "decimal" => &["gen", "min", "max", "scale"],
        "timestamp" => &["gen", "precision"],
        "date" => &["gen", "from", "to"],
        "text" => &["gen", "max"],
        "choice" => &["gen", "values", "weights"],
        "same_as" => &["gen", "column", "case"],
        "ref" => &["gen", "table", "column"],
        "country" => &["gen", "code"],
        _ => &["gen"],
    };
    refuse_unknown(&what, params, keys)?;
    let int = |key: &str| -> Result<Option<i64>, String> {
        match params.get(key) {
            None => Ok(None),
            Some(Toml::Integer(n)) => Ok(Some(*n)),
            Some(_) => Err(format!("{what}: {key} must be a whole number")),
        }
    };
    let mut role = RoleForm::Plain;
    let r#gen = match kind {
        "default" => Gen::Default,
        "null" => Gen::Null,
        "const" => Gen::Const(literal(
            params
                .get("value")
                .ok_or_else(|| format!("{what}: const needs value = …"))?,
            &what,
        )?),
        "first_name" => Gen::FirstName,
        "last_name" => Gen::LastName,
        "name" => Gen::Name,
        "email" => Gen::Email,
        "username" => Gen::Username,
        "uuid" => Gen::Uuid,
        "password" => {
            let format = match params.get("format") {
                None => PasswordFormat::Bcrypt2b,
                Some(format) => {
                    let text = format.as_str().unwrap_or_default();
                    PasswordFormat::from_name(text).ok_or_else(|| {
                        format!(
                            "{what}: unknown password format {format}; the formats are {}",
                            PasswordFormat::ALL
                                .iter()
                                .map(|f| f.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })?
                }
            };
            let key = if format.is_bcrypt() {
                "cost"
            } else {
                "iterations"
            };
            let other = if format.is_bcrypt() {
                "iterations"
            } else {
                "cost"
            };
            if params.contains_key(other) {
                return Err(format!(
                    "{what}: {} takes {key}, not {other}",
                    format.name()
                ));
            }
            let work = int(key)?
                .map(|n| {
                    let (low, high) = format.work_range();
                    u32::try_from(n)
                        .ok()
                        .filter(|n| (low..=high).contains(n))
                        .ok_or_else(|| format!("{what}: {key} must be from {low} to {high}"))
                })
                .transpose()?;
            let prefix = string(params, "prefix", &what)?.unwrap_or_default();
            if prefix.chars().any(char::is_whitespace) {
                return Err(format!("{what}: prefix cannot hold spaces"));
            }
            Gen::Password {
                format,
                work,
                prefix,
            }
        }
        "role" => {
            if let Some(values) = params.get("values") {
                let Toml::Table(values) = values else {
                    return Err(format!("{what}: values must be a table of role = weight"));
                };
                let weights = values
                    .iter()
                    .map(|(role, weight)| {
                        weight
                            .as_integer()
                            .and_then(|w| u32::try_from(w).ok())
                            .map(|w| (role.clone(), w))
                            .ok_or_else(|| {
                                format!("{what}: the weight of {role} must be a whole number")
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                role = RoleForm::Values(weights);
            } else if let Some(table) = params.get("table") {
                let text = |key: &str, default: &str| -> Result<String, String> {
                    match params.get(key) {
                        None => Ok(default.to_owned()),
                        Some(Toml::String(s)) => Ok(s.clone()),
                        Some(_) => Err(format!("{what}: {key} must be a column name")),
                    }
                };
                role = RoleForm::Table(RoleTable {
                    table: table
                        .as_str()
                        .ok_or_else(|| format!("{what}: table must be a table name"))?
                        .to_owned(),
                    key: text("column", "id")?,
                    label: text("label", "name")?,
                    rows: Vec::new(),
                });
            }
            Gen::Role
        }
        "bool" => {
            let p = match params.get("p") {
                None => 0.5,
                Some(Toml::Float(p)) => *p,
                Some(Toml::Integer(p)) => *p as f64,
                Some(_) => return Err(format!("{what}: p must be a number from 0 to 1")),
            };
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{what}: p must be a number from 0 to 1"));
            }
            Gen::Bool { p }
        }
        "int" => Gen::Int {
            min: int("min")?.unwrap_or(0),
            max: int("max")?.unwrap_or(i64::from(i32::MAX)),
        },
        "decimal" => {
            let scale = match int("scale")? {
                None => DECIMAL_SCALE,
                Some(n) => u8::try_from(n)
                    .ok()
                    .filter(|n| *n <= MAX_SCALE)
                    .ok_or_else(|| format!("{what}: scale must be from 0 to {MAX_SCALE}"))?,
            };
            let bound = |key: &str, default: i64| -> Result<i64, String> {
                let wrong = || {
                    format!(
                        "{what}: {key} must be a number with at most {scale} decimals and 18 digits in all (as a string past 15 digits)"
                    )
                };
                let parsed = match params.get(key) {
                    None => return Ok(default.saturating_mul(10i64.pow(u32::from(scale)))),
                    Some(Toml::Integer(n)) => Decimal::parse(&n.to_string(), scale),
                    // The float's shortest text is the number as written.
                    Some(Toml::Float(x)) => Decimal::parse(&format!("{x:?}"), scale)
                        .or_else(|| Decimal::parse(&format!("{x}"), scale)),
                    Some(Toml::String(text)) => Decimal::parse(text.trim(), scale),
                    Some(_) => None,
                };
                parsed.map(|d| d.units).ok_or_else(wrong)
            };
            Gen::Decimal {
                min: bound("min", 0)?,
                max: bound("max", DECIMAL_MAX)?,
                scale,
            }
        }
        "date" => {
            let day = |key: &str| -> Result<Option<NaiveDate>, String> {
                match params.get(key) {
                    None => Ok(None),
                    Some(Toml::String(text)) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                        .map(Some)
                        .map_err(|_| format!("{what}: {key} must be a day as \"YYYY-MM-DD\"")),
                    Some(_) => Err(format!("{what}: {key} must be a day as \"YYYY-MM-DD\"")),
                }
            };
            let range = match (day("from")?, day("to")?) {
                (None, None) => None,
                (Some(from), Some(to)) => Some((from, to)),
                _ => return Err(format!("{what}: date takes both from and to, or neither")),
            };
            Gen::Date { range }
        }
        "timestamp" => {
            let whole_seconds = match params.get("precision").map(|p| p.as_str()) {
                None | Some(Some("us")) => false,
                Some(Some("s")) => true,
                Some(_) => return Err(format!("{what}: precision is \"us\" or \"s\"")),
            };
            Gen::Timestamp { whole_seconds }
        }
        "text" => {
            let max = int("max")?.unwrap_or(i64::from(super::r#gen::TEXT_DEFAULT_MAX));
            Gen::Text {
                max: u32::try_from(max)
                    .ok()
                    .filter(|max| *max >= 1)
                    .ok_or_else(|| format!("{what}: max must be at least 1"))?,
            }
        }
        "choice" => {
            let values = match (params.get("values"), params.get("weights")) {
                (Some(Toml::Array(values)), None) => values
                    .iter()
                    .map(|value| Ok((literal(value, &what)?, 1)))
                    .collect::<Result<Vec<_>, String>>()?,
                (None, Some(Toml::Table(weights))) => weights
                    .iter()
                    .map(|(value, weight)| {
                        let weight = weight
                            .as_integer()
                            .and_then(|w| u32::try_from(w).ok())
                            .ok_or_else(|| {
                                format!("{what}: the weight of {value} must be a whole number")
                            })?;
                        Ok((Value::Text(value.clone()), weight))
                    })
                    .collect::<Result<Vec<_>, String>>()?,
                (Some(_), Some(_)) => {
                    return Err(format!(
                        "{what}: choice takes values = [...] or weights = {{ value = weight, ... }}, not both"
                    ));
                }
                _ => {
                    return Err(format!(
                        "{what}: choice needs values = [...] or weights = {{ value = weight, ... }}"
                    ));
                }
            };
            if values.is_empty() {
                return Err(format!("{what}: choice needs at least one value"));
            }
            Gen::Choice { values }
        }
        "same_as" => Gen::SameAs {
            column: params
                .get("column")
                .and_then(Toml::as_str)
                .ok_or_else(|| format!("{what}: same_as needs column = \"…\""))?
                .to_owned(),
            case: match params.get("case").map(|c| c.as_str()) {
                None => Case::Keep,
                Some(Some("upper")) => Case::Upper,
                Some(Some("lower")) => Case::Lower,
                Some(_) => return Err(format!("{what}: case is \"upper\" or \"lower\"")),
            },
        },
        "phone" => Gen::Phone,
        "url" => Gen::Url,
        "city" => Gen::City,
        "company" => Gen::Company,
        "country" => Gen::Country {
            code: match params.get("code") {
                None => false,
                Some(Toml::Boolean(code)) => *code,
                Some(_) => {
                    return Err(format!(
                        "{what}: code is true (two letters) or false (the name)"
                    ));
                }
            },
        },
        "ref" => {
            let text = |key: &str| {
                params
                    .get(key)
                    .and_then(Toml::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{what}: ref needs {key} = \"…\""))
            };
            Gen::Ref {
                table: text("table")?,
                column: text("column").unwrap_or_else(|_| "id".into()),
            }
        }
        other => {
            return Err(format!(
                "{what}: unknown generator \"{other}\"; the generators are {}",
                names()
            ));
        }
    };
    Ok((r#gen, role))
}

fn roles(
    top: &Table,
    shorthand: Option<(String, Vec<(String, u32)>)>,
    table: Option<RoleTable>,
) -> Result<Roles, String> {
    let section = match top.get("roles") {
        None => None,
        Some(Toml::Table(section)) => Some(section),
        Some(_) => return Err("roles must be a table: [roles.NAME]".into()),
    };
    if let Some((column, weights)) = shorthand {
        if section.is_some() || table.is_some() {
            return Err(format!(
                "column {column} lists its role values, so the plan cannot also have [roles] or a roles table"
            ));
        }
        return Ok(Roles::Fixed(
            weights
                .into_iter()
                .map(|(name, weight)| FixedRole {
                    values: vec![(column.clone(), Value::Text(name.clone()))],
                    name,
                    weight,
                })
                .collect(),
        ));
    }
    let mut entries = Vec::new();
    for (name, role) in section.into_iter().flatten() {
        let Toml::Table(role) = role else {
            return Err(format!("roles.{name} must be a table: [roles.{name}]"));
        };
        let mut weight = None;
        let mut values = Vec::new();
        for (key, value) in role {
            if key == "weight" {
                weight = Some(
                    value
                        .as_integer()
                        .and_then(|w| u32::try_from(w).ok())
                        .ok_or_else(|| format!("roles.{name}.weight must be a whole number"))?,
                );
            } else {
                values.push((key.clone(), literal(value, &format!("roles.{name}.{key}"))?));
            }
        }
        entries.push((name.clone(), weight, values));
    }
    match table {
        Some(mut table) => {
            for (name, weight, values) in entries {
                if weight.is_some() {
                    return Err(format!(
                        "roles.{name}: a roles table's roles are drawn uniformly; --role-weights sets weights"
                    ));
                }
                table.rows.push((name, values));
            }
            Ok(Roles::Table(table))
        }
        None if entries.is_empty() => Ok(Roles::None),
        None => Ok(Roles::Fixed(
            entries
                .into_iter()
                .map(|(name, weight, values)| FixedRole {
                    name,
                    weight: weight.unwrap_or(1),
                    values,
                })
                .collect(),
        )),
    }
}

fn names() -> String {
    super::r#gen::NAMES.join(", ")
}

fn refuse_unknown(what: &str, table: &Table, valid: &[&str]) -> Result<(), String> {
    match table.keys().find(|key| !valid.contains(&key.as_str())) {
        Some(key) => Err(format!(
            "{what}: unknown key {key}; the keys are {}",
            valid.join(", ")
        )),
        None => Ok(()),
    }
}

fn string(table: &Table, key: &str, what: &str) -> Result<Option<String>, String> {
    match table.get(key) {
        None => Ok(None),
        Some(Toml::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(format!("{what}: {key} must be a string")),
    }
}

fn literal(value: &Toml, what: &str) -> Result<Value, String> {
    match value {
        Toml::String(text) => Ok(Value::Text(text.clone())),
        Toml::Integer(n) => Ok(Value::Int(*n)),
        Toml::Boolean(b) => Ok(Value::Bool(*b)),
        _ => Err(format!(
            "{what}: a value is a string, a whole number or a boolean"
        )),
    }
}

/// The plan as TOML. `why` gives a column's comment (None: no comments,
/// the canonical text the digest covers).
pub fn print(spec: &Spec, why: Option<&dyn Fn(&Column) -> String>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "table = {}", quoted(&spec.table));
    let _ = writeln!(out, "identity = {}", quoted(&spec.identity));
    if !spec.also_unique.is_empty() {
        let list: Vec<String> = spec.also_unique.iter().map(|c| quoted(c)).collect();
        let _ = writeln!(out, "also_unique = [{}]", list.join(", "));
    }
    out.push_str("\n[columns]\n");
    let role_table = match &spec.roles {
        Roles::Table(table) => Some(table),
        _ => None,
    };
    for column in &spec.columns {
        let line = format!(
            "{} = {}",
            key(&column.name),
            generator(&column.r#gen, role_table)
        );
        match why {
            Some(why) => {
                let _ = writeln!(out, "{line:<40} # {}", why(column));
            }
            None => {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    let roles: Vec<RoleSection<'_>> = match &spec.roles {
        Roles::None => Vec::new(),
        Roles::Fixed(roles) => roles
            .iter()
            .map(|role| {
                (
                    role.name.as_str(),
                    Some(role.weight),
                    role.values.as_slice(),
                )
            })
            .collect(),
        Roles::Table(table) => table
            .rows
            .iter()
            .map(|(name, values)| (name.as_str(), None, values.as_slice()))
            .collect(),
    };
    for (name, weight, values) in roles {
        let _ = writeln!(out, "\n[roles.{}]", key(name));
        if let Some(weight) = weight {
            let _ = writeln!(out, "weight = {weight}");
        }
        for (column, value) in values {
            let _ = writeln!(out, "{} = {}", key(column), shown(value));
        }
    }
    if let Some(admin) = &spec.admin {
        out.push_str("\n[admin]\n");
        if let Some(role) = &admin.role {
            let _ = writeln!(out, "role = {}", quoted(role));
        }
        for (column, value) in &admin.values {
            let _ = writeln!(out, "{} = {}", key(column), shown(value));
        }
    }
    out
}

/// A `[roles.NAME]` section: the name, its weight, its values.
type RoleSection<'a> = (&'a str, Option<u32>, &'a [(String, Value)]);

/// The right-hand side of a column's line.
fn generator(r#gen: &Gen, role_table: Option<&RoleTable>) -> String {
    let inline = |params: &[(&str, String)]| {
        let mut text = format!("{{ gen = \"{}\"", r#gen.name());
        for (key, value) in params {
            let _ = write!(text, ", {key} = {value}");
        }
        text.push_str(" }");
        text
    };
    match r#gen {
        Gen::Const(value) => inline(&[("value", shown(value))]),
        Gen::Password {
            format,
            work,
            prefix,
        } => {
            let mut params = vec![("format", quoted(format.name()))];
            if let Some(work) = work {
                let key = if format.is_bcrypt() {
                    "cost"
                } else {
                    "iterations"
                };
                params.push((key, work.to_string()));
            }
            if !prefix.is_empty() {
                params.push(("prefix", quoted(prefix)));
            }
            inline(&params)
        }
        Gen::Role => match role_table {
            Some(table) => inline(&[
                ("table", quoted(&table.table)),
                ("column", quoted(&table.key)),
                ("label", quoted(&table.label)),
            ]),
            None => quoted("role"),
        },
        Gen::Bool { p } => inline(&[("p", format!("{p:?}"))]),
        Gen::Int { min, max } => inline(&[("min", min.to_string()), ("max", max.to_string())]),
        Gen::Decimal { min, max, scale } => {
            let number = |units: i64| {
                let decimal = Decimal {
                    units,
                    scale: *scale,
                };
                let power = 10i64.pow(u32::from(*scale));
                // A float keeps 15 digits exactly; past that, a string.
                if units % power == 0 {
                    (units / power).to_string()
                } else if units.unsigned_abs() >= 10u64.pow(15) {
                    quoted(&decimal.to_string())
                } else {
                    decimal.to_string()
                }
            };
            inline(&[
                ("min", number(*min)),
                ("max", number(*max)),
                ("scale", scale.to_string()),
            ])
        }
        Gen::Date {
            range: Some((from, to)),
        } => inline(&[
            ("from", quoted(&from.format("%Y-%m-%d").to_string())),
            ("to", quoted(&to.format("%Y-%m-%d").to_string())),
        ]),
        Gen::Timestamp {
            whole_seconds: true,
        } => inline(&[("precision", quoted("s"))]),
        Gen::Text { max } => inline(&[("max", max.to_string())]),
        Gen::Choice { values } => {
            // Weights are keys, so text only, each once; anything else is a
            // list, a value repeated as often as its weight.
            let texts: Vec<&str> = values.iter().filter_map(|(v, _)| v.as_text()).collect();
            let distinct = texts
                .iter()
                .enumerate()
                .all(|(i, t)| !texts[..i].contains(t));
            if texts.len() == values.len() && distinct && values.iter().any(|(_, w)| *w != 1) {
                let items: Vec<String> = values
                    .iter()
                    .map(|(value, weight)| {
                        format!("{} = {weight}", key(value.as_text().unwrap_or_default()))
                    })
                    .collect();
                inline(&[("weights", format!("{{ {} }}", items.join(", ")))])
            } else {
                let items: Vec<String> = values
                    .iter()
                    .flat_map(|(value, weight)| std::iter::repeat_n(shown(value), *weight as usize))
                    .collect();
                inline(&[("values", format!("[{}]", items.join(", ")))])
            }
        }
        Gen::SameAs { column, case } => {
            let mut params = vec![("column", quoted(column))];
            match case {
                Case::Keep => {}
                Case::Upper => params.push(("case", quoted("upper"))),
                Case::Lower => params.push(("case", quoted("lower"))),
            }
            inline(&params)
        }
        Gen::Country { code: true } => inline(&[("code", "true".into())]),
        Gen::Ref { table, column } => {
            inline(&[("table", quoted(table)), ("column", quoted(column))])
        }
        other => quoted(other.name()),
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "\"\"".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Text(text) => quoted(text),
        Value::Time(time) => quoted(&time.format("%Y-%m-%dT%H:%M:%S").to_string()),
        Value::Date(day) => quoted(&day.format("%Y-%m-%d").to_string()),
        Value::Decimal(decimal) => quoted(&decimal.to_string()),
    }
}

fn quoted(text: &str) -> String {
    Toml::String(text.to_owned()).to_string()
}

/// A key, bare when TOML allows it.
fn key(text: &str) -> String {
    let bare = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { text.to_owned() } else { quoted(text) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::PRESETS;

    #[test]
    fn every_preset_reads_back_as_itself() {
        for preset in PRESETS {
            let spec = preset.plan();
            {
                let text = print(&spec, None);
                let read =
                    parse(&text).unwrap_or_else(|err| panic!("{}: {err}\n{text}", preset.name));
                assert_eq!(read, spec, "{}", preset.name);
                // The canonical text, which the digest covers, is the same.
                assert_eq!(print(&read, None), print(&spec, None));
            }
        }
    }

    #[test]
    fn the_issue_s_example_reads_as_written() {
        let text = r#"
table = "members"
identity = "email"

[columns]
id = "default"
email = "email"
display_name = "name"
handle = "username"
pw_digest = { gen = "password", format = "bcrypt-2y" }
role = { gen = "role", values = { member = 9, moderator = 1 } }
created_at = "timestamp"
bio = "null"
plan = { gen = "const", value = "free" }

[admin]
role = "moderator"
"#;
        let spec = parse(text).expect("a valid plan");
        assert_eq!(spec.table, "members");
        assert_eq!(spec.written_names().len(), 8);
        assert_eq!(spec.role_names(), ["member", "moderator"]);
        assert_eq!(spec.password(), Some((PasswordFormat::Bcrypt2y, None)));
        assert_eq!(parse(&print(&spec, None)), Ok(spec));
    }

    #[test]
    fn decimals_and_dates_read_back_exactly_and_bad_ones_are_refused() {
        let plan = |columns: &str| {
            parse(&format!(
                "table = \"t\"\nidentity = \"email\"\n[columns]\nemail = \"email\"\n{columns}"
            ))
        };
        let spec = plan(
            "a = { gen = \"decimal\", min = -5, max = 99.99 }\n\
             b = { gen = \"decimal\", max = \"9999999999999999.99\", scale = 2 }\n\
             c = { gen = \"decimal\", max = 7, scale = 0 }\n\
             d = \"date\"\n\
             e = { gen = \"date\", from = \"1950-01-01\", to = \"1950-12-31\" }",
        )
        .expect("a valid plan");
        let gens: Vec<&Gen> = spec.columns.iter().map(|c| &c.r#gen).collect();
        assert_eq!(
            gens[1..4],
            [
                &Gen::Decimal {
                    min: -500,
                    max: 9999,
                    scale: 2
                },
                &Gen::Decimal {
                    min: 0,
                    max: 999_999_999_999_999_999,
                    scale: 2
                },
                &Gen::Decimal {
                    min: 0,
                    max: 7,
                    scale: 0
                },
            ]
        );
        let printed = print(&spec, None);
        assert!(
            printed.contains("a = { gen = \"decimal\", min = -5, max = 99.99, scale = 2 }"),
            "{printed}"
        );
        assert!(
            printed.contains("max = \"9999999999999999.99\""),
            "{printed}"
        );
        assert!(
            printed.contains("from = \"1950-01-01\", to = \"1950-12-31\""),
            "{printed}"
        );
        assert_eq!(parse(&printed), Ok(spec));
        for (columns, error) in [
            (
                "x = { gen = \"decimal\", max = 1.234 }",
                "x: max must be a number with at most 2 decimals",
            ),
            (
                "x = { gen = \"decimal\", max = 1, scale = 19 }",
                "x: scale must be from 0 to 18",
            ),
            (
                "x = { gen = \"decimal\", max = \"99999999999999999999\" }",
                "x: max must be a number",
            ),
            (
                "x = { gen = \"date\", from = \"1950-01-01\" }",
                "x: date takes both from and to",
            ),
            (
                "x = { gen = \"date\", from = \"01/02/1950\", to = \"1950-12-31\" }",
                "x: from must be a day",
            ),
        ] {
            let refused = plan(columns).expect_err(columns);
            assert!(refused.contains(error), "{columns}: {refused}");
        }
    }

    #[test]
    fn unknown_keys_and_generators_are_refused_naming_the_valid_ones() {
        let plan = |columns: &str| {
            parse(&format!(
                "table = \"t\"\nidentity = \"email\"\n[columns]\nemail = \"email\"\n{columns}"
            ))
        };
        let refusals = [
            (
                plan("x = \"emial\""),
                "column x: unknown generator \"emial\"; the generators are default, null, const,",
            ),
            (
                plan("x = { gen = \"int\", mn = 1 }"),
                "column x: unknown key mn; the keys are gen, min, max",
            ),
            (
                plan("x = { gen = \"password\", format = \"md5\" }"),
                "column x: unknown password format \"md5\"; the formats are bcrypt, bcrypt-2y,",
            ),
            (
                plan("x = { gen = \"same_as\", column = \"nope\" }"),
                "x = same_as nope, which is not one of the plan's columns",
            ),
            (
                plan("x = \"role\""),
                "x is a role column, but the plan has no [roles]",
            ),
            (
                parse(
                    "table = \"t\"\nidentity = \"email\"\nidentiy = \"x\"\n[columns]\nemail = \"email\"",
                ),
                "the plan: unknown key identiy; the keys are table, identity, also_unique, columns, roles, admin",
            ),
            (
                parse("table = \"t\"\nidentity = \"bio\"\n[columns]\nbio = \"null\""),
                "the identity column bio needs a generator that makes distinct values",
            ),
            (parse("table = \"t\"\n[columns"), "line 2: "),
        ];
        for (result, wanted) in refusals {
            let err = result.err().unwrap_or_default();
            assert!(
                err.starts_with(wanted) || err.contains(wanted),
                "{err}\nwanted: {wanted}"
            );
        }
    }
}
