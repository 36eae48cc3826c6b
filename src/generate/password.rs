//! Password hashes in werkzeug's format, so a flask-base app logs the
//! seeded users in with `check_password_hash`.

use pbkdf2::pbkdf2_hmac;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use sha2::Sha256;
use std::fmt::Write;

const SALT_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SALT_LEN: usize = 16;

/// `pbkdf2:sha256:<iterations>$<salt>$<hex digest>`, at most 103 characters
/// for up to 10^9 iterations, so it fits VARCHAR(128). (werkzeug's scrypt
/// format is 162 characters and would not.)
pub fn werkzeug_pbkdf2(password: &str, iterations: u32, rng: &mut ChaCha8Rng) -> String {
    let salt: String = (0..SALT_LEN)
        .map(|_| char::from(SALT_CHARS[rng.random_range(0..SALT_CHARS.len())]))
        .collect();
    let mut digest = [0u8; 32];
    pbkdf2_hmac::<Sha256>(
        password.as_bytes(),
        salt.as_bytes(),
        iterations,
        &mut digest,
    );
    let mut out = format!("pbkdf2:sha256:{iterations}${salt}$");
    for byte in digest {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng;

    #[test]
    fn digest_matches_python_hashlib() {
        // Python: hashlib.pbkdf2_hmac("sha256", b"password", b"abcdefghABCDEF12", 1000).hex(),
        // which is what werkzeug's check_password_hash computes.
        let mut digest = [0u8; 32];
        pbkdf2_hmac::<Sha256>(b"password", b"abcdefghABCDEF12", 1000, &mut digest);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, EXPECTED_HEX);
    }

    const EXPECTED_HEX: &str = "925325b4183ba84a846566366be912b2ed1615a3730a072971ebdeb2895c8652";

    #[test]
    fn format_and_length() {
        let hash = werkzeug_pbkdf2("password", 1000, &mut rng(1, 1));
        let parts: Vec<&str> = hash.split('$').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], "pbkdf2:sha256:1000");
        assert_eq!(parts[1].len(), SALT_LEN);
        assert_eq!(parts[2].len(), 64);
        let long = werkzeug_pbkdf2("password", 1, &mut rng(1, 1));
        assert!(long.len() + "999999999".len() <= 128);
    }
}
