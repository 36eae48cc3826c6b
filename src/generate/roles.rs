//! Which role each user gets: uniform over the roles in the database, like
//! flask-base's `choice(roles)`, or weighted by `--role-weights`.

use anyhow::{Result, bail};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::{Rng, RngExt};

/// `--role-weights User=9,Administrator=1`, as parsed (roles not checked yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleWeights(pub Vec<(String, u32)>);

impl std::str::FromStr for RoleWeights {
    type Err = String;

    fn from_str(text: &str) -> Result<RoleWeights, String> {
        let mut weights: Vec<(String, u32)> = Vec::new();
        for item in text.split(',') {
            let Some((name, weight)) = item.split_once('=') else {
                return Err(format!("expected NAME=WEIGHT, found '{item}'"));
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(format!("missing role name in '{item}'"));
            }
            let weight: u32 = weight.trim().parse().map_err(|_| {
                format!(
                    "weight of '{name}' must be a whole number from 0 to 4294967295, found '{}'",
                    weight.trim()
                )
            })?;
            if weights
                .iter()
                .any(|(seen, _)| seen.to_lowercase() == name.to_lowercase())
            {
                return Err(format!("role '{name}' is given twice"));
            }
            weights.push((name.to_owned(), weight));
        }
        if weights.iter().all(|(_, weight)| *weight == 0) {
            return Err("at least one role needs a weight above 0".into());
        }
        Ok(RoleWeights(weights))
    }
}

/// Draws a role: its position in the list the picker was built over.
pub enum RolePicker {
    Uniform(usize),
    Weighted(WeightedIndex<u64>),
}

impl RoleWeights {
    /// Refuses a weight for a role that is not among `names`.
    pub fn check(&self, names: &[String]) -> Result<()> {
        for (name, _) in &self.0 {
            let folded: Vec<&String> = names
                .iter()
                .filter(|role| role.to_lowercase() == name.to_lowercase())
                .collect();
            if names.iter().any(|role| role == name) || folded.len() == 1 {
                continue;
            }
            if folded.len() > 1 {
                bail!(
                    "--role-weights names role '{name}', which could be any of {}; write it as the roles table does",
                    folded
                        .iter()
                        .map(|role| format!("'{role}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            bail!(
                "--role-weights names role '{name}', which the plan does not have (roles: {})",
                names.join(", ")
            );
        }
        Ok(())
    }

    /// The weight given for `role`, one of `names`: by its name as
    /// written, else by its name in any case (as `--locale` is matched).
    fn weight_of(&self, role: &str, names: &[String]) -> Option<u32> {
        if let Some((_, weight)) = self.0.iter().find(|(given, _)| given == role) {
            return Some(*weight);
        }
        let folded = role.to_lowercase();
        let alike = names.iter().filter(|n| n.to_lowercase() == folded).count();
        self.0
            .iter()
            .find(|(given, _)| {
                alike == 1 && given.to_lowercase() == folded && !names.contains(given)
            })
            .map(|(_, weight)| *weight)
    }
}

impl RolePicker {
    /// `roles` are (id, name), in id order. Without `weights`, `defaults`
    /// gives each role's weight, or else roles are drawn uniformly.
    pub fn new(
        roles: &[(i64, String)],
        weights: Option<&RoleWeights>,
        defaults: Option<&[u32]>,
    ) -> Result<RolePicker> {
        if roles.is_empty() {
            bail!("the roles table is empty");
        }
        let per_role: Vec<u64> = match (weights, defaults) {
            (Some(weights), _) => {
                let names: Vec<String> = roles.iter().map(|(_, name)| name.clone()).collect();
                weights.check(&names)?;
                roles
                    .iter()
                    .map(|(_, name)| weights.weight_of(name, &names).map_or(0, u64::from))
                    .collect()
            }
            (None, Some(defaults)) => defaults.iter().map(|w| u64::from(*w)).collect(),
            (None, None) => return Ok(RolePicker::Uniform(roles.len())),
        };
        Ok(RolePicker::Weighted(WeightedIndex::new(per_role)?))
    }

    pub fn pick(&self, rng: &mut impl Rng) -> usize {
        match self {
            RolePicker::Uniform(n) => rng.random_range(0..*n),
            RolePicker::Weighted(index) => index.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng;

    fn roles() -> Vec<(i64, String)> {
        vec![(1, "User".into()), (2, "Administrator".into())]
    }

    #[test]
    fn parses_weights_and_rejects_bad_ones() {
        let weights: RoleWeights = "User=9, Administrator=1".parse().expect("valid");
        assert_eq!(
            weights.0,
            vec![("User".into(), 9), ("Administrator".into(), 1)]
        );
        for bad in [
            "User",
            "User=x",
            "=3",
            "User=-1",
            "User=0",
            "User=1,User=2",
            "",
        ] {
            assert!(bad.parse::<RoleWeights>().is_err(), "{bad}");
        }
    }

    #[test]
    fn weights_shape_the_mix_and_unknown_roles_are_refused() {
        let weights: RoleWeights = "User=3,Administrator=1".parse().expect("valid");
        let picker = RolePicker::new(&roles(), Some(&weights), None).expect("known roles");
        let mut rng = rng(5, 0);
        let admins = (0..40_000).filter(|_| picker.pick(&mut rng) == 1).count();
        assert!((9_000..11_000).contains(&admins), "{admins}");

        let only_users: RoleWeights = "User=1".parse().expect("valid");
        let picker = RolePicker::new(&roles(), Some(&only_users), None).expect("known roles");
        assert!((0..1000).all(|_| picker.pick(&mut rng) == 0));

        let unknown: RoleWeights = "Moderator=1".parse().expect("valid syntax");
        let err = RolePicker::new(&roles(), Some(&unknown), None)
            .err()
            .expect("unknown role");
        assert!(err.to_string().contains("Moderator"));
    }
}
