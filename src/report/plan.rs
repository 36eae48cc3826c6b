//! `seed plan`'s output: the plan as TOML with where it comes from and a
//! comment on each column, or as JSON.

use toml::Value as Toml;

use crate::app::Chosen;
use crate::plan::file::print;
use crate::plan::{Column, Gen};

/// `seed plan`'s output: where the plan comes from, then the plan with a
/// comment on each column.
pub fn print_with_header(chosen: &Chosen) -> String {
    let mut out = match chosen.preset {
        Some(preset) => format!(
            "# The plan of {}'s users table (seed's built-in preset); keep it as\n# seed.toml and edit it: seed users then fills the table by it.\n\n",
            preset.name
        ),
        None if !chosen.reasons.is_empty() => format!(
            "# The plan seed infers from the columns of {}; keep it as seed.toml\n# and edit it: seed users then fills the table by it.\n\n",
            chosen.spec.table
        ),
        None => format!("# The plan read from {}.\n\n", chosen.source),
    };
    out.push_str(&print(
        &chosen.spec,
        Some(&|column: &Column| why(chosen, column)),
    ));
    out
}

/// Why a column's generator was chosen, for its comment.
fn why(chosen: &Chosen, column: &Column) -> String {
    if let Some((_, why)) = chosen.reasons.iter().find(|(name, _)| *name == column.name) {
        return why.clone();
    }
    match (chosen.preset, &column.r#gen) {
        (_, Gen::Default) => "left out: the database fills it".into(),
        (Some(preset), _) => format!("{} preset", preset.name),
        (None, _) => format!("as {} says", chosen.source),
    }
}

/// The plan as JSON: the table, identity and each column's generator with
/// its parameters, as the TOML has them.
pub fn to_json(chosen: &Chosen) -> serde_json::Value {
    let text = print(&chosen.spec, None);
    let plan: toml::Table = text.parse().unwrap_or_else(|_| {
        toml::Table::from_iter([("table".to_owned(), Toml::String(chosen.spec.table.clone()))])
    });
    let mut json = serde_json::to_value(plan).unwrap_or_default();
    if let Some(object) = json.as_object_mut() {
        object.insert(
            "plan".into(),
            serde_json::Value::String(chosen.source.clone()),
        );
    }
    json
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::PRESETS;

    #[test]
    fn every_preset_with_its_comments_reads_back_as_itself() {
        for preset in PRESETS {
            let text = print_with_header(&Chosen::preset(preset));
            let read = crate::plan::file::parse(&text)
                .unwrap_or_else(|err| panic!("{}: {err}\n{text}", preset.name));
            assert_eq!(read, preset.plan(), "{}", preset.name);
            assert!(
                text.contains(&format!("# {} preset", preset.name)),
                "{text}"
            );
        }
    }
}
