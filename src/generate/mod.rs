//! Fake users from a seeded RNG. No I/O: the same seed gives the same users.

mod email;
mod password;
mod roles;

pub use password::werkzeug_pbkdf2;
pub use roles::{RolePicker, RoleWeights};

use fake::locales::{Data, EN};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// One row of `users`. Buffers are reused from row to row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct User {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub password_hash: String,
    pub confirmed: bool,
    pub role_id: i64,
}

/// The RNG behind every seeded value. ChaCha8 is portable and its output
/// is fixed by its algorithm, unlike `StdRng`, which may change between
/// releases of rand.
pub fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// RNG streams, so that each use of the seed is independent of the others.
pub mod stream {
    pub const USERS: u64 = 0;
    pub const SALT: u64 = 1;
}

pub struct UserGenerator {
    rng: ChaCha8Rng,
    roles: RolePicker,
    password_hash: String,
}

impl UserGenerator {
    pub fn new(seed: u64, roles: RolePicker, password_hash: String) -> UserGenerator {
        UserGenerator {
            rng: rng(seed, stream::USERS),
            roles,
            password_hash,
        }
    }

    /// Overwrites `user` with the next user, allocating only while its
    /// buffers grow.
    pub fn next_into(&mut self, user: &mut User) {
        let first = pick(&mut self.rng, EN::NAME_FIRST_NAME);
        let last = pick(&mut self.rng, EN::NAME_LAST_NAME);
        user.first_name.clear();
        user.first_name.push_str(first);
        user.last_name.clear();
        user.last_name.push_str(last);
        email::write(&mut self.rng, first, last, &mut user.email);
        user.role_id = self.roles.pick(&mut self.rng);
        user.confirmed = true;
        if user.password_hash != self.password_hash {
            user.password_hash.clone_from(&self.password_hash);
        }
    }
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generator(seed: u64) -> UserGenerator {
        let roles = RolePicker::new(&[(1, "User".into()), (2, "Administrator".into())], None)
            .expect("valid roles");
        UserGenerator::new(seed, roles, "hash".into())
    }

    #[test]
    fn same_seed_same_users_other_seed_other_users() {
        let (mut a, mut b, mut c) = (generator(7), generator(7), generator(8));
        let (mut ua, mut ub, mut uc) = (User::default(), User::default(), User::default());
        let mut differs = false;
        for _ in 0..100 {
            a.next_into(&mut ua);
            b.next_into(&mut ub);
            c.next_into(&mut uc);
            assert_eq!(ua, ub);
            differs |= ua != uc;
        }
        assert!(differs);
    }

    #[test]
    fn names_come_from_fake_and_roles_from_the_list() {
        let mut generator = generator(1);
        let mut user = User::default();
        for _ in 0..1000 {
            generator.next_into(&mut user);
            assert!(EN::NAME_FIRST_NAME.contains(&user.first_name.as_str()));
            assert!(EN::NAME_LAST_NAME.contains(&user.last_name.as_str()));
            assert!([1, 2].contains(&user.role_id));
            assert!(user.confirmed);
            assert_eq!(user.password_hash, "hash");
        }
    }
}
