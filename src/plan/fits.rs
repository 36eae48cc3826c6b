//! Whether each generator of a plan writes what its column holds, checked
//! against the table as its catalog describes it, before any write: an
//! email into an integer column, NULL into a NOT NULL one, or a number past
//! the type's range is refused up front, one line per column, instead of
//! failing at the first row.

use super::{Gen, Roles, Spec};
use crate::catalog::{ColumnInfo, Described, Kind, numeric_digits};
use crate::value::Value;

/// What a generator writes, as far as a column's type cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// Made-up text (names, emails, lorem words, phone numbers…).
    Text,
    Uuid,
    Int,
    Bool,
    Decimal,
    Time,
    Date,
}

/// Every column of `spec` that its generator cannot fill, one line each;
/// Ok when all fit. `fold`: column names match whatever their case (all
/// but PostgreSQL).
pub fn check(spec: &Spec, table: &Described, fold: bool) -> Result<(), String> {
    let mut refused = Vec::new();
    for column in &spec.columns {
        let Some(info) = table.columns.iter().find(|info| {
            info.name == column.name || fold && info.name.eq_ignore_ascii_case(&column.name)
        }) else {
            // A missing column is refused elsewhere, naming the ones there.
            continue;
        };
        if let Err(why) = fits(spec, &column.r#gen, info) {
            refused.push(format!(
                "{}.{} ({}{}): {why}",
                spec.table,
                info.name,
                info.declared,
                if info.not_null { ", NOT NULL" } else { "" }
            ));
        }
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(refused.join("\n"))
    }
}

fn fits(spec: &Spec, r#gen: &Gen, info: &ColumnInfo) -> Result<(), String> {
    let name = &info.name;
    if info.generated && r#gen.is_written() {
        return Err(format!(
            "a generated column, which the database computes and cannot be written; write {name} = \"default\""
        ));
    }
    match r#gen {
        Gen::Default => {
            if info.not_null && info.default.is_none() && !info.auto && !info.generated {
                return Err(format!(
                    "\"default\" leaves it out, but it has no default to fill it; write e.g. {name} = {}",
                    suggestion(info)
                ));
            }
            return Ok(());
        }
        Gen::Null if info.not_null => {
            return Err(format!(
                "\"null\" writes NULL, which it refuses; write e.g. {name} = {}",
                suggestion(info)
            ));
        }
        Gen::Null | Gen::Ref { .. } => return Ok(()),
        _ => {}
    }
    // Literals: each value the column may get.
    let literals: Vec<&Value> = match r#gen {
        Gen::Const(value) => vec![value],
        Gen::Choice { values } => values
            .iter()
            .filter(|(_, weight)| *weight > 0)
            .map(|(value, _)| value)
            .collect(),
        Gen::Role => role_values(spec, name),
        _ => Vec::new(),
    };
    if matches!(r#gen, Gen::Const(_) | Gen::Choice { .. } | Gen::Role) {
        for value in literals {
            literal_fits(value, info)?;
        }
        return Ok(());
    }
    let shape = shape_of(spec, r#gen);
    let Some(shape) = shape else { return Ok(()) };
    let fits = matches!(
        (&info.kind, shape),
        (Kind::Text { .. } | Kind::Other, _)
            | (
                Kind::Integer { .. } | Kind::Boolean,
                Shape::Int | Shape::Bool
            )
            | (Kind::Decimal, Shape::Decimal | Shape::Int)
            | (Kind::Timestamp, Shape::Time | Shape::Date)
            | (Kind::Date, Shape::Date)
            | (Kind::Uuid, Shape::Uuid)
    );
    if !fits {
        return Err(format!(
            "{} writes {}, which {} column cannot hold; write e.g. {name} = {}",
            r#gen.name(),
            shape.what(),
            info.kind.what(),
            suggestion(info)
        ));
    }
    match (&info.kind, r#gen) {
        (Kind::Integer { bytes }, Gen::Int { min, max }) => {
            let (low, high) = integer_range(*bytes);
            if *min < low || *max > high {
                return Err(format!(
                    "int from {min} to {max}, but a {}-byte integer holds {low} to {high}",
                    bytes
                ));
            }
        }
        (Kind::Decimal, Gen::Int { min, max }) => {
            if let Some(largest) = decimal_largest(&info.declared, 0)
                && max.unsigned_abs().max(min.unsigned_abs()) > largest.unsigned_abs()
            {
                return Err(format!(
                    "int from {min} to {max}, but {} holds at most {largest} in whole numbers",
                    info.declared
                ));
            }
        }
        (Kind::Boolean, Gen::Int { min, max }) if *min < 0 || *max > 1 => {
            return Err(format!(
                "int from {min} to {max}, but a boolean column holds 0 and 1; write e.g. {name} = {{ gen = \"bool\", p = 0.5 }}"
            ));
        }
        (Kind::Decimal, Gen::Decimal { min, max, scale }) => {
            if let Some(column_scale) = decimal_scale(&info.declared)
                && *scale > column_scale
            {
                return Err(format!(
                    "decimal with {scale} decimals, but {} keeps {column_scale}: the database would round what the digest holds; write scale = {column_scale}",
                    info.declared
                ));
            }
            if let Some(largest) = decimal_largest(&info.declared, *scale) {
                let shown = |units: i64| crate::value::Decimal {
                    units,
                    scale: *scale,
                };
                if max.unsigned_abs().max(min.unsigned_abs()) > largest.unsigned_abs() {
                    return Err(format!(
                        "decimal from {} to {}, but {} holds at most {}",
                        shown(*min),
                        shown(*max),
                        info.declared,
                        shown(largest)
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The values a role column gets, one per role.
fn role_values<'a>(spec: &'a Spec, column: &str) -> Vec<&'a Value> {
    match &spec.roles {
        Roles::Fixed(roles) => roles
            .iter()
            .flat_map(|role| role.values.iter())
            .filter(|(name, _)| name == column)
            .map(|(_, value)| value)
            .collect(),
        // A roles table's key, read when the run starts.
        Roles::Table(_) | Roles::None => Vec::new(),
    }
}

fn literal_fits(value: &Value, info: &ColumnInfo) -> Result<(), String> {
    let name = &info.name;
    let text = match value {
        Value::Null if info.not_null => {
            return Err(format!(
                "a NULL value, which it refuses; write e.g. {name} = {}",
                suggestion(info)
            ));
        }
        Value::Text(text) => text,
        _ => return Ok(()),
    };
    let ok = match &info.kind {
        Kind::Integer { .. } => text.trim().parse::<i64>().is_ok(),
        Kind::Decimal => text.trim().parse::<f64>().is_ok(),
        Kind::Boolean => ["true", "false", "0", "1", "t", "f"].contains(&text.as_str()),
        Kind::Uuid => {
            let hex: String = text.chars().filter(|c| *c != '-').collect();
            hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
        }
        Kind::Json => serde_json::from_str::<serde_json::Value>(text).is_ok(),
        Kind::Enum { values } => values.contains(text),
        Kind::Text { .. } | Kind::Timestamp | Kind::Date | Kind::Other => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "the value {text:?} does not fit {} column; write e.g. {name} = {}",
            info.kind.what(),
            suggestion(info)
        ))
    }
}

/// What a generator writes; None for one whose values are checked one by
/// one (literals) or come from the database (`ref`).
fn shape_of(spec: &Spec, r#gen: &Gen) -> Option<Shape> {
    Some(match r#gen {
        Gen::Default
        | Gen::Null
        | Gen::Const(_)
        | Gen::Choice { .. }
        | Gen::Role
        | Gen::Ref { .. } => return None,
        Gen::FirstName
        | Gen::LastName
        | Gen::Name
        | Gen::Email
        | Gen::Username
        | Gen::Password { .. }
        | Gen::Text { .. }
        | Gen::Phone
        | Gen::Url
        | Gen::City
        | Gen::Country { .. }
        | Gen::Company => Shape::Text,
        Gen::Uuid => Shape::Uuid,
        Gen::Bool { .. } => Shape::Bool,
        Gen::Int { .. } => Shape::Int,
        Gen::Decimal { .. } => Shape::Decimal,
        Gen::Timestamp { .. } => Shape::Time,
        Gen::Date { .. } => Shape::Date,
        Gen::SameAs { column, case } => {
            let target = spec.column(column)?;
            match (shape_of(spec, &target.r#gen)?, case) {
                (shape, super::Case::Keep) => shape,
                (_, _) => Shape::Text,
            }
        }
    })
}

impl Shape {
    fn what(self) -> &'static str {
        match self {
            Shape::Text => "text",
            Shape::Uuid => "uuids",
            Shape::Int => "integers",
            Shape::Bool => "booleans",
            Shape::Decimal => "numbers",
            Shape::Time => "instants",
            Shape::Date => "days",
        }
    }
}

impl Kind {
    /// The type's kind in a message, before "column": "an integer".
    fn what(&self) -> &'static str {
        match self {
            Kind::Text { .. } => "a text",
            Kind::Integer { .. } => "an integer",
            Kind::Boolean => "a boolean",
            Kind::Timestamp => "a timestamp",
            Kind::Date => "a date",
            Kind::Uuid => "a uuid",
            Kind::Json => "a JSON",
            Kind::Decimal => "a number",
            Kind::Enum { .. } => "an enum",
            Kind::Other => "this",
        }
    }
}

/// A plan line's right-hand side that fills a column of this type.
fn suggestion(info: &ColumnInfo) -> String {
    match &info.kind {
        Kind::Text { .. } => "\"text\"".into(),
        Kind::Integer { .. } => "{ gen = \"int\", min = 0, max = 100 }".into(),
        Kind::Boolean => "{ gen = \"const\", value = false }".into(),
        Kind::Timestamp => "\"timestamp\"".into(),
        Kind::Date => "\"date\"".into(),
        Kind::Uuid => "\"uuid\"".into(),
        Kind::Json => "{ gen = \"const\", value = \"{}\" }".into(),
        Kind::Decimal => match super::infer::decimal_of(&info.declared) {
            Gen::Decimal { scale, .. } => format!("{{ gen = \"decimal\", scale = {scale} }}"),
            _ => "\"decimal\"".into(),
        },
        Kind::Enum { values } => format!(
            "{{ gen = \"choice\", values = [{}] }}",
            values
                .iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Kind::Other => "{ gen = \"const\", value = … }".into(),
    }
}

fn integer_range(bytes: u8) -> (i64, i64) {
    match bytes {
        1 => (i8::MIN.into(), i8::MAX.into()),
        2 => (i16::MIN.into(), i16::MAX.into()),
        3 => (-8_388_608, 8_388_607),
        4 => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

/// The decimals a `decimal(p, s)` column keeps, if its type says.
fn decimal_scale(declared: &str) -> Option<u8> {
    let (_, scale) = numeric_digits(declared)?;
    u8::try_from(scale).ok()
}

/// The largest value of a `decimal(p, s)` column in units of `scale`, if
/// its type says; None for a float or a number of no declared precision.
fn decimal_largest(declared: &str, scale: u8) -> Option<i64> {
    let (precision, column_scale) = numeric_digits(declared)?;
    // Whole digits the column holds, then as units of the plan's scale.
    let whole = precision.checked_sub(column_scale)?;
    10i64.checked_pow(whole + u32::from(scale)).map(|p| p - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Column;

    fn info(name: &str, declared: &str, kind: Kind, not_null: bool) -> ColumnInfo {
        ColumnInfo {
            name: name.into(),
            declared: declared.into(),
            kind,
            not_null,
            default: None,
            auto: false,
            generated: false,
            allowed: None,
        }
    }

    fn spec(columns: Vec<(&str, Gen)>) -> Spec {
        Spec {
            table: "t".into(),
            identity: "email".into(),
            also_unique: Vec::new(),
            columns: columns
                .into_iter()
                .map(|(name, r#gen)| Column {
                    name: name.into(),
                    r#gen,
                })
                .collect(),
            roles: Roles::None,
            admin: None,
        }
    }

    #[test]
    fn a_generator_that_cannot_write_its_column_is_refused_naming_both() {
        let table = Described {
            name: "t".into(),
            columns: vec![
                info(
                    "email",
                    "varchar(100)",
                    Kind::Text { max_len: Some(100) },
                    true,
                ),
                info("age", "smallint", Kind::Integer { bytes: 2 }, true),
                info("born", "date", Kind::Date, true),
                info("settings", "jsonb", Kind::Json, true),
                info("price", "numeric(5,2)", Kind::Decimal, true),
                info("nick", "text", Kind::Text { max_len: None }, true),
            ],
            ..Described::default()
        };
        let good = spec(vec![
            ("email", Gen::Email),
            ("age", Gen::Int { min: 0, max: 120 }),
            ("born", Gen::Date { range: None }),
            ("settings", Gen::Const(Value::Text("{\"a\": 1}".into()))),
            (
                "price",
                Gen::Decimal {
                    min: 0,
                    max: 99_999,
                    scale: 2,
                },
            ),
            ("nick", Gen::Int { min: 0, max: 9 }),
        ]);
        assert_eq!(check(&good, &table, true), Ok(()));
        let bad = spec(vec![
            ("email", Gen::Email),
            ("age", Gen::Email),
            (
                "born",
                Gen::Timestamp {
                    whole_seconds: false,
                },
            ),
            ("settings", Gen::Text { max: 20 }),
            (
                "price",
                Gen::Decimal {
                    min: 0,
                    max: 100_000,
                    scale: 2,
                },
            ),
            ("nick", Gen::Null),
        ]);
        let refused = check(&bad, &table, true).expect_err("refused");
        let lines: Vec<&str> = refused.lines().collect();
        assert_eq!(lines.len(), 5, "{refused}");
        assert!(
            lines[0].starts_with(
                "t.age (smallint, NOT NULL): email writes text, which an integer column cannot hold; write e.g. age = { gen = \"int\""
            ),
            "{}",
            lines[0]
        );
        assert!(lines[1].contains("timestamp writes instants, which a date column cannot hold; write e.g. born = \"date\""), "{}", lines[1]);
        assert!(
            lines[2].contains("settings = { gen = \"const\", value = \"{}\" }"),
            "{}",
            lines[2]
        );
        assert!(
            lines[3].contains("numeric(5,2) holds at most 999.99"),
            "{}",
            lines[3]
        );
        assert!(
            lines[4].contains("\"null\" writes NULL, which it refuses"),
            "{}",
            lines[4]
        );
        let literal = spec(vec![("age", Gen::Const(Value::Text("old".into())))]);
        let refused = check(&literal, &table, true).expect_err("refused");
        assert!(
            refused.contains("the value \"old\" does not fit an integer column"),
            "{refused}"
        );
        let scaled = spec(vec![(
            "price",
            Gen::Decimal {
                min: 0,
                max: 9_999,
                scale: 3,
            },
        )]);
        let refused = check(&scaled, &table, true).expect_err("refused");
        assert!(
            refused.contains("decimal with 3 decimals, but numeric(5,2) keeps 2"),
            "{refused}"
        );
        let whole = spec(vec![("price", Gen::Int { min: 0, max: 1000 })]);
        let refused = check(&whole, &table, true).expect_err("refused");
        assert!(
            refused.contains("numeric(5,2) holds at most 999 in whole numbers"),
            "{refused}"
        );
        let range = spec(vec![(
            "age",
            Gen::Int {
                min: 0,
                max: 40_000,
            },
        )]);
        let refused = check(&range, &table, true).expect_err("refused");
        assert!(
            refused.contains("a 2-byte integer holds -32768 to 32767"),
            "{refused}"
        );
    }
}
