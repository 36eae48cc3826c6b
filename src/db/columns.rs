//! The columns seed writes, and the check every backend makes on a table
//! that already exists.

use anyhow::{Result, bail};

use crate::generate::ColumnText;

/// One column of an existing table, as the database's catalog describes it.
pub struct Column {
    pub name: String,
    pub not_null: bool,
    /// A default, an identity, auto-increment, or a generated value.
    pub has_default: bool,
    /// The declared length of a text column, in characters.
    pub max_len: Option<u32>,
}

/// Refuses a table that lacks a column of the plan (`required`), whose
/// columns the plan leaves to the database (`left`) have no default, or
/// that has a NOT NULL column without a default, which seed would leave
/// empty. Names are compared exactly unless `fold`: quoted names are
/// case-sensitive on PostgreSQL, not on SQLite and MySQL.
pub fn check_columns(
    table: &str,
    required: &[&str],
    left: &[&str],
    columns: &[Column],
    fold: bool,
) -> Result<()> {
    let same = |a: &str, b: &str| {
        if fold {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    let missing: Vec<String> = required
        .iter()
        .filter(|name| !columns.iter().any(|column| same(&column.name, name)))
        .map(|name| format!("\"{name}\""))
        .collect();
    if !missing.is_empty() {
        let noun = if missing.len() == 1 {
            "column"
        } else {
            "columns"
        };
        bail!(
            "table {table} has no {noun} {}; refusing to seed a table of another shape",
            missing.join(", ")
        );
    }
    for column in columns {
        let is = |names: &[&str]| names.iter().any(|name| same(name, &column.name));
        let id = column.name.eq_ignore_ascii_case(crate::app::ID);
        if is(left) && !column.has_default && (column.not_null || id) {
            let what = if id { "id" } else { "value" };
            bail!(
                "table {table} has a column \"{}\" that the database does not fill (no default, identity or auto-increment), so every row would get a NULL or missing {what}; refusing to seed",
                column.name
            );
        }
        let filled = is(required) && !is(left);
        if column.not_null && !column.has_default && !filled {
            bail!(
                "table {table} has a NOT NULL column \"{}\" without a default, which seed does not fill",
                column.name
            );
        }
    }
    Ok(())
}

/// Refuses a text column too short for what seed writes into it.
pub fn check_lengths(table: &str, needs: &[ColumnText<'_>], columns: &[Column]) -> Result<()> {
    for need in needs {
        let (name, longest) = (need.column.as_str(), need.longest);
        let declared = columns
            .iter()
            .find(|column| column.name.eq_ignore_ascii_case(name))
            .and_then(|column| column.max_len);
        if let Some(declared) = declared
            && (declared as usize) < longest
        {
            bail!(
                "column {table}.{name} holds at most {declared} characters, but seed writes up to {longest} there; widen the column, or give it a shorter generator in the plan"
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLES_COLUMNS: &[&str] = &["id", "name", "index", "default", "permissions"];

    fn column(name: &str, not_null: bool, has_default: bool) -> Column {
        Column {
            name: name.into(),
            not_null,
            has_default,
            max_len: None,
        }
    }

    #[test]
    fn refuses_missing_and_unfilled_columns() {
        let mut roles: Vec<Column> = ROLES_COLUMNS
            .iter()
            .map(|name| column(name, *name == "id", *name == "id"))
            .collect();
        assert!(check_columns("roles", ROLES_COLUMNS, &["id"], &roles, true).is_ok());
        roles.push(column("created_at", true, false));
        let err =
            check_columns("roles", ROLES_COLUMNS, &["id"], &roles, true).map_err(|e| e.to_string());
        assert!(err.is_err_and(|e| e.contains("\"created_at\"")));
        roles.pop();
        roles[0].has_default = false;
        let err =
            check_columns("roles", ROLES_COLUMNS, &["id"], &roles, true).map_err(|e| e.to_string());
        assert!(err.is_err_and(|e| e.contains("\"id\"")));
        roles.remove(1);
        let err =
            check_columns("roles", ROLES_COLUMNS, &["id"], &roles, true).map_err(|e| e.to_string());
        assert!(err.is_err_and(|e| e.contains("no column \"name\";")));
        roles.remove(1);
        let err =
            check_columns("roles", ROLES_COLUMNS, &["id"], &roles, true).map_err(|e| e.to_string());
        assert!(err.is_err_and(|e| e.contains("no columns \"name\", \"index\";")));
    }
}
