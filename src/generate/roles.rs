//! Which role each user gets: uniform over the roles in the database, like
//! flask-base's `choice(roles)`, or weighted by `--role-weights`.

use anyhow::{Result, bail};
use rand::RngExt;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::rngs::ChaCha8Rng;

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
            if weights.iter().any(|(seen, _)| seen == name) {
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

pub enum RolePicker {
    Uniform(Vec<i64>),
    Weighted(Vec<i64>, WeightedIndex<u64>),
}

impl RolePicker {
    /// `roles` are (id, name) as found in the database, in id order.
    pub fn new(roles: &[(i64, String)], weights: Option<&RoleWeights>) -> Result<RolePicker> {
        if roles.is_empty() {
            bail!("the roles table is empty");
        }
        let Some(RoleWeights(weights)) = weights else {
            return Ok(RolePicker::Uniform(
                roles.iter().map(|(id, _)| *id).collect(),
            ));
        };
        for (name, _) in weights {
            if !roles.iter().any(|(_, role)| role == name) {
                let known: Vec<&str> = roles.iter().map(|(_, name)| name.as_str()).collect();
                bail!(
                    "--role-weights names role '{name}', which is not in the roles table (roles: {})",
                    known.join(", ")
                );
            }
        }
        let (ids, per_role): (Vec<i64>, Vec<u64>) = roles
            .iter()
            .map(|(id, name)| {
                let weight = weights
                    .iter()
                    .find(|(role, _)| role == name)
                    .map_or(0, |(_, weight)| u64::from(*weight));
                (*id, weight)
            })
            .unzip();
        let index = WeightedIndex::new(per_role)?;
        Ok(RolePicker::Weighted(ids, index))
    }

    pub fn pick(&self, rng: &mut ChaCha8Rng) -> i64 {
        match self {
            RolePicker::Uniform(ids) => ids[rng.random_range(0..ids.len())],
            RolePicker::Weighted(ids, index) => ids[index.sample(rng)],
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
        let picker = RolePicker::new(&roles(), Some(&weights)).expect("known roles");
        let mut rng = rng(5, 0);
        let admins = (0..40_000).filter(|_| picker.pick(&mut rng) == 2).count();
        assert!((9_000..11_000).contains(&admins), "{admins}");

        let only_users: RoleWeights = "User=1".parse().expect("valid");
        let picker = RolePicker::new(&roles(), Some(&only_users)).expect("known roles");
        assert!((0..1000).all(|_| picker.pick(&mut rng) == 1));

        let unknown: RoleWeights = "Moderator=1".parse().expect("valid syntax");
        let err = RolePicker::new(&roles(), Some(&unknown))
            .err()
            .expect("unknown role");
        assert!(err.to_string().contains("Moderator"));
    }
}
