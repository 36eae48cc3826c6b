//! Password hashes in the formats that each target app's own login code
//! checks, so the seeded users can log in with the password they were given.
//!
//! Every salt comes from the caller's RNG, so the same seed gives the same
//! hashes.

use anyhow::{Context, Result, anyhow, bail, ensure};
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params};
use base64::Engine;
use base64::alphabet::BCRYPT;
use base64::engine::general_purpose::{GeneralPurpose, NO_PAD, STANDARD};
use bcrypt::Version;
use hmac::{Hmac, Mac};
use pbkdf2::pbkdf2_hmac;
use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt};
use sha2::Sha256;
use std::fmt::Write;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use crate::plan::password::PasswordFormat;
use crate::plan::password::{ARGON2_MAX_T_COST, SCRYPT_MAX_LOG_N};

const SALT_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SALT_LEN: usize = 16;
/// Django's `get_random_string` salt: 22 of 62 characters carry the 128 bits
/// of entropy its `salt_entropy` asks for.
const DJANGO_SALT_LEN: usize = 22;
/// bcrypt's own salt alphabet, unpadded; the 16 salt bytes become 22
/// characters.
const BCRYPT_B64: GeneralPurpose = GeneralPurpose::new(&BCRYPT, NO_PAD);
/// The checksum is the last 31 characters of a bcrypt hash (23 bytes).
const BCRYPT_CHECKSUM_LEN: usize = 31;

/// Argon2 memory cost in KiB and lanes, for every Argon2 hash: the argon2
/// crate's defaults, OWASP's minimum for Argon2id (19 MiB, 2 passes, 1
/// lane). Only the time cost (`iterations`) is set by the plan.
const ARGON2_M_COST: u32 = Params::DEFAULT_M_COST;
const ARGON2_P_COST: u32 = Params::DEFAULT_P_COST;
/// werkzeug's scrypt `r` and `p`; `N` is `2^log_n`.
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;
const SCRYPT_KEY_LEN: usize = 64;

/// Hashes `password` as `format` stores it. `work` is the PBKDF2 iteration
/// count for Werkzeug and Django, the bcrypt cost (4..=31) for the
/// bcrypt formats, the time cost (passes) for Argon2 and log2(N) for scrypt.
///
/// Errors, rather than writing a hash the app would not accept, when `work`
/// is out of range (0 iterations: Python's `hashlib` refuses them), or when a
/// plain bcrypt password contains a NUL byte (PHP and Ruby hash only up to
/// it). Plain bcrypt passwords over 72 bytes are not an error: PHP's
/// `password_verify` and Ruby's bcrypt ignore everything after byte 72, so
/// the hash is of the first 72 bytes and the full password logs in.
pub fn hash_password(
    format: PasswordFormat,
    password: &str,
    work: u32,
    rng: &mut ChaCha8Rng,
) -> Result<String> {
    match format {
        PasswordFormat::Werkzeug => {
            ensure!(work > 0, "PBKDF2 needs at least 1 iteration");
            Ok(werkzeug_pbkdf2(password, work, rng))
        }
        PasswordFormat::Django => {
            ensure!(work > 0, "PBKDF2 needs at least 1 iteration");
            let salt = random_alphanumeric(rng, DJANGO_SALT_LEN);
            Ok(django_with_salt(password, work, &salt))
        }
        PasswordFormat::BcryptSha256 => bcrypt_sha256_with_salt(password, work, random_salt(rng)),
        PasswordFormat::Bcrypt2y => {
            bcrypt_with_salt(password, work, random_salt(rng), Version::TwoY)
        }
        PasswordFormat::Bcrypt2b => {
            bcrypt_with_salt(password, work, random_salt(rng), Version::TwoB)
        }
        PasswordFormat::Bcrypt2a => {
            bcrypt_with_salt(password, work, random_salt(rng), Version::TwoA)
        }
        PasswordFormat::Argon2id => argon2id_with_salt(password, work, &random_salt(rng)),
        PasswordFormat::DjangoArgon2 => {
            let salt = random_alphanumeric(rng, DJANGO_SALT_LEN);
            let phc = argon2id_with_salt(password, work, salt.as_bytes())?;
            Ok(format!("argon2{phc}"))
        }
        PasswordFormat::WerkzeugScrypt => {
            let salt = random_alphanumeric(rng, SALT_LEN);
            werkzeug_scrypt_with_salt(password, work, &salt)
        }
        PasswordFormat::AspNetIdentityV3 => {
            ensure!(work > 0, "PBKDF2 needs at least 1 iteration");
            Ok(aspnet_v3_with_salt(
                password,
                AspNetPrf::Sha512,
                work,
                &random_salt(rng),
            ))
        }
    }
}

/// The PRF an ASP.NET Core Identity v3 hash names (`KeyDerivationPrf`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AspNetPrf {
    #[cfg(test)]
    Sha256,
    Sha512,
}

/// `PasswordHasher<TUser>.HashPasswordV3`'s bytes, in base64 with padding.
fn aspnet_v3_with_salt(password: &str, prf: AspNetPrf, iterations: u32, salt: &[u8]) -> String {
    let mut subkey = [0u8; 32];
    let code: u32 = match prf {
        #[cfg(test)]
        AspNetPrf::Sha256 => {
            pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut subkey);
            1
        }
        AspNetPrf::Sha512 => {
            pbkdf2_hmac::<sha2::Sha512>(password.as_bytes(), salt, iterations, &mut subkey);
            2
        }
    };
    let mut bytes = Vec::with_capacity(13 + salt.len() + subkey.len());
    bytes.push(0x01);
    bytes.extend(code.to_be_bytes());
    bytes.extend(iterations.to_be_bytes());
    bytes.extend((salt.len() as u32).to_be_bytes());
    bytes.extend(salt);
    bytes.extend(subkey);
    STANDARD.encode(bytes)
}

/// The PHC string of Argon2id (version 0x13) at the crate's default memory
/// and lanes and `t_cost` passes, with a 32-byte hash (the crate's, and
/// argon2-cffi's and PHP's).
fn argon2id_with_salt(password: &str, t_cost: u32, salt: &[u8]) -> Result<String> {
    ensure!(
        (1..=ARGON2_MAX_T_COST).contains(&t_cost),
        "the Argon2 time cost must be from 1 to {ARGON2_MAX_T_COST}"
    );
    let params = Params::new(ARGON2_M_COST, t_cost, ARGON2_P_COST, None)
        .map_err(|e| anyhow!("Argon2 parameters: {e}"))?;
    let salt = SaltString::encode_b64(salt).map_err(|e| anyhow!("Argon2 salt: {e}"))?;
    let hash = Argon2::new(Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow!("Argon2: {e}"))?;
    Ok(hash.to_string())
}

/// `scrypt:N:8:1$salt$hex`, as werkzeug's `_hash_internal` writes it: the
/// salt's text is the scrypt salt, the 64-byte key is in lower-case hex.
fn werkzeug_scrypt_with_salt(password: &str, log_n: u32, salt: &str) -> Result<String> {
    ensure!(
        (1..=SCRYPT_MAX_LOG_N).contains(&log_n),
        "log2 of the scrypt N must be from 1 to {SCRYPT_MAX_LOG_N}"
    );
    let log_n_u8 = u8::try_from(log_n).context("scrypt log2(N)")?;
    let params = scrypt::Params::new(log_n_u8, SCRYPT_R, SCRYPT_P, SCRYPT_KEY_LEN)
        .map_err(|e| anyhow!("scrypt parameters: {e}"))?;
    let mut key = [0u8; SCRYPT_KEY_LEN];
    scrypt::scrypt(password.as_bytes(), salt.as_bytes(), &params, &mut key)
        .map_err(|e| anyhow!("scrypt: {e}"))?;
    let n = 1u64 << log_n;
    let mut out = format!("scrypt:{n}:{SCRYPT_R}:{SCRYPT_P}${salt}$");
    for byte in key {
        let _ = write!(out, "{byte:02x}");
    }
    Ok(out)
}

/// [`hash_password`], unless `stop()` says so first: then None, at once. At
/// a high work factor the hash takes minutes, and neither the PBKDF2 nor
/// the bcrypt crate can be stopped between rounds, so the hash runs on a
/// thread of its own; once stopped, nothing waits for it and it ends with
/// the process.
pub fn hash_password_unless(
    format: PasswordFormat,
    password: &str,
    work: u32,
    mut rng: ChaCha8Rng,
    stop: &dyn Fn() -> bool,
) -> Result<Option<String>> {
    let (done, result) = mpsc::channel();
    let password = password.to_owned();
    std::thread::Builder::new()
        .name("password hash".into())
        .spawn(move || {
            // The receiver is gone only if the run was stopped.
            let _ = done.send(hash_password(format, &password, work, &mut rng));
        })
        .context("cannot start a thread for the password hash")?;
    loop {
        if stop() {
            return Ok(None);
        }
        match result.recv_timeout(STOP_POLL) {
            Ok(hash) => return hash.map(Some),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => bail!("the password hash failed"),
        }
    }
}

/// How often a stop is looked for while the hash runs.
const STOP_POLL: Duration = Duration::from_millis(20);

/// `pbkdf2:sha256:<iterations>$<salt>$<hex digest>`, at most 103 characters
/// for up to 10^9 iterations, so it fits VARCHAR(128). (werkzeug's scrypt
/// format is 162 characters and would not.)
pub fn werkzeug_pbkdf2(password: &str, iterations: u32, rng: &mut ChaCha8Rng) -> String {
    let salt = random_alphanumeric(rng, SALT_LEN);
    let mut out = format!("pbkdf2:sha256:{iterations}${salt}$");
    for byte in pbkdf2_sha256(password, &salt, iterations) {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// PBKDF2-HMAC-SHA256 with a 32-byte result, as werkzeug and Django use it.
fn pbkdf2_sha256(password: &str, salt: &str, iterations: u32) -> [u8; 32] {
    let mut digest = [0u8; 32];
    pbkdf2_hmac::<Sha256>(
        password.as_bytes(),
        salt.as_bytes(),
        iterations,
        &mut digest,
    );
    digest
}

/// One `random_range` draw per character: werkzeug hashes already seeded
/// with this sequence must come out the same.
fn random_alphanumeric(rng: &mut ChaCha8Rng, len: usize) -> String {
    (0..len)
        .map(|_| char::from(SALT_CHARS[rng.random_range(0..SALT_CHARS.len())]))
        .collect()
}

fn random_salt(rng: &mut ChaCha8Rng) -> [u8; 16] {
    let mut salt = [0u8; 16];
    rng.fill_bytes(&mut salt);
    salt
}

/// At most 92 characters, within Django's 128-character password column.
/// `salt` must not contain `$`, which Django splits on.
fn django_with_salt(password: &str, iterations: u32, salt: &str) -> String {
    let digest = STANDARD.encode(pbkdf2_sha256(password, salt, iterations));
    format!("pbkdf2_sha256${iterations}${salt}${digest}")
}

/// passlib feeds bcrypt `base64(HMAC-SHA256(key = salt text, msg =
/// password))`: 44 bytes, so no password is cut at 72 bytes and NUL bytes
/// are harmless. The HMAC key is the salt as written in the hash, not the raw
/// bytes. Encoding all 16 bytes leaves the last salt character's 4 padding
/// bits zero, which passlib insists on (`final_salt_chars`).
fn bcrypt_sha256_with_salt(password: &str, cost: u32, salt: [u8; 16]) -> Result<String> {
    let salt_text = BCRYPT_B64.encode(salt);
    let mut mac = Hmac::<Sha256>::new_from_slice(salt_text.as_bytes())
        .context("HMAC-SHA256 takes a key of any length")?;
    mac.update(password.as_bytes());
    let key = STANDARD.encode(mac.finalize().into_bytes());
    let full = bcrypt::hash_with_salt(key, cost, salt)
        .context("bcrypt_sha256")?
        .format_for_version(Version::TwoB);
    let checksum = full
        .len()
        .checked_sub(BCRYPT_CHECKSUM_LEN)
        .and_then(|start| full.get(start..))
        .context("bcrypt returned a short hash")?;
    // passlib rejects a zero-padded `r=04`.
    Ok(format!(
        "$bcrypt-sha256$v=2,t=2b,r={cost}${salt_text}${checksum}"
    ))
}

/// The crate's truncating `hash_with_salt` is the one that matches PHP and
/// Ruby for passwords over 72 bytes; its `non_truncating_*` variants would
/// refuse them. PHP and Ruby pass the password as a C string, so a NUL byte
/// would end it there but not here: refuse it. ($2a$ also differs from
/// crypt_blowfish for a few rare non-ASCII byte patterns that its $2a$
/// countermeasure alters; $2y$ does not.)
fn bcrypt_with_salt(password: &str, cost: u32, salt: [u8; 16], version: Version) -> Result<String> {
    if password.contains('\0') {
        bail!("a bcrypt password cannot contain a NUL byte");
    }
    let parts = bcrypt::hash_with_salt(password, cost, salt).context("bcrypt")?;
    Ok(parts.format_for_version(version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The same RNG as `crate::generate::rng`, so the golden values below
    /// match the app's.
    fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        rng
    }

    /// The salt `bytes(range(16))`; Python:
    /// `passlib.utils.binary.bcrypt64.encode_bytes(bytes(range(16)))`.
    const SALT_BYTES: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    const SALT_TEXT: &str = "..CA.uOD/eaGAOmJB.yMBu";

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

    #[test]
    fn werkzeug_output_is_unchanged() {
        // The output of the previous implementation for the same RNG.
        assert_eq!(
            werkzeug_pbkdf2("password", 1000, &mut rng(1, 1)),
            "pbkdf2:sha256:1000$304dnIIg073vQ3hQ$\
             80f10c3deab9a818f0e9c0a2678e5e9a132fc48ac69061f44b87d69b696ba5ba"
        );
        let via_hash = hash_password(PasswordFormat::Werkzeug, "password", 1000, &mut rng(1, 1));
        assert_eq!(
            via_hash.ok(),
            Some(werkzeug_pbkdf2("password", 1000, &mut rng(1, 1)))
        );
    }

    #[test]
    fn django_matches_django() {
        // Python (Django 5.2): PBKDF2PasswordHasher().encode('password', 'abcdefghijklmnopqrstuv', 1000)
        assert_eq!(
            django_with_salt("password", 1000, "abcdefghijklmnopqrstuv"),
            "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$3stk8nYcOvbsUUIWDNMdepEt7hXHqFbJCF4eT8gFor4="
        );
        // Python: PBKDF2PasswordHasher().encode('pässword', 'abcdefghijklmnopqrstuv', 1000)
        assert_eq!(
            django_with_salt("pässword", 1000, "abcdefghijklmnopqrstuv"),
            "pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$flhTZtra4zPdZNZFVqws6U6XIYxq0GjaTXkrfL1+eKo="
        );
    }

    #[test]
    fn django_format_and_length() {
        let hash =
            hash_password(PasswordFormat::Django, "password", 1000, &mut rng(1, 1)).expect("hash");
        let parts: Vec<&str> = hash.split('$').collect();
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0..2], ["pbkdf2_sha256", "1000"]);
        assert_eq!(parts[2].len(), DJANGO_SALT_LEN);
        assert!(parts[2].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(parts[3].len(), 44);
        assert!(hash.len() - "1000".len() + u32::MAX.to_string().len() <= 128);
    }

    #[test]
    fn salt_text_is_bcrypt_base64() {
        assert_eq!(BCRYPT_B64.encode(SALT_BYTES), SALT_TEXT);
    }

    #[test]
    fn bcrypt_sha256_matches_passlib() {
        // Python (passlib 1.7.4, bcrypt 4.0.1):
        // bcrypt_sha256.using(salt='..CA.uOD/eaGAOmJB.yMBu', rounds=4).hash('password')
        assert_eq!(
            bcrypt_sha256_with_salt("password", 4, SALT_BYTES).expect("hash"),
            "$bcrypt-sha256$v=2,t=2b,r=4$..CA.uOD/eaGAOmJB.yMBu$j5kA5x3qXO1HVDHCsvAhQ14v31VvVzm"
        );
        // bcrypt_sha256.using(salt='..CA.uOD/eaGAOmJB.yMBu', rounds=5).hash('pässword')
        assert_eq!(
            bcrypt_sha256_with_salt("pässword", 5, SALT_BYTES).expect("hash"),
            "$bcrypt-sha256$v=2,t=2b,r=5$..CA.uOD/eaGAOmJB.yMBu$XJRrMFaAzaRsCcoLoGujyJktUq1C7T6"
        );
        // bcrypt_sha256.using(salt='..CA.uOD/eaGAOmJB.yMBu', rounds=4).hash('x' * 100)
        assert_eq!(
            bcrypt_sha256_with_salt(&"x".repeat(100), 4, SALT_BYTES).expect("hash"),
            "$bcrypt-sha256$v=2,t=2b,r=4$..CA.uOD/eaGAOmJB.yMBu$pjYyS640wnVaz2dNABTIoeqLdcwo9R."
        );
    }

    #[test]
    fn bcrypt_sha256_format_and_length() {
        let hash = hash_password(PasswordFormat::BcryptSha256, "password", 4, &mut rng(1, 1))
            .expect("hash");
        let parts: Vec<&str> = hash.split('$').collect();
        assert_eq!(parts.len(), 5);
        assert_eq!(parts[0..3], ["", "bcrypt-sha256", "v=2,t=2b,r=4"]);
        assert_eq!(parts[3].len(), 22);
        assert!(parts[3].ends_with(['.', 'O', 'e', 'u']));
        assert_eq!(parts[4].len(), BCRYPT_CHECKSUM_LEN);
        assert_eq!(hash.len(), 82);
        let two_digits = bcrypt_sha256_with_salt("password", 10, SALT_BYTES).expect("hash");
        assert!(two_digits.starts_with("$bcrypt-sha256$v=2,t=2b,r=10$"));
    }

    #[test]
    fn bcrypt_matches_php_and_ruby() {
        // PHP 8.2: crypt('password', '$2y$04$..CA.uOD/eaGAOmJB.yMBu')
        assert_eq!(
            bcrypt_with_salt("password", 4, SALT_BYTES, Version::TwoY).expect("hash"),
            "$2y$04$..CA.uOD/eaGAOmJB.yMBubqEtzdkvfegxfotQ8UAMQWLlq7JbHJW"
        );
        // Ruby: BCrypt::Engine.hash_secret('password', '$2a$04$..CA.uOD/eaGAOmJB.yMBu')
        assert_eq!(
            bcrypt_with_salt("password", 4, SALT_BYTES, Version::TwoA).expect("hash"),
            "$2a$04$..CA.uOD/eaGAOmJB.yMBubqEtzdkvfegxfotQ8UAMQWLlq7JbHJW"
        );
    }

    #[test]
    fn long_bcrypt_password_is_cut_at_72_bytes_like_php_and_ruby() {
        // PHP: crypt(str_repeat('x', 100), '$2y$04$..CA.uOD/eaGAOmJB.yMBu'), and the same
        // checksum from Ruby's BCrypt::Engine.hash_secret('x' * 100, '$2a$04$...').
        let expected_checksum = "24DYAHplShSVc53t1oiXS/HC99GyeTi";
        let long = bcrypt_with_salt(&"x".repeat(100), 4, SALT_BYTES, Version::TwoY).expect("hash");
        assert_eq!(long, format!("$2y$04${SALT_TEXT}{expected_checksum}"));
        let exact = bcrypt_with_salt(&"x".repeat(72), 4, SALT_BYTES, Version::TwoA).expect("hash");
        assert_eq!(exact, format!("$2a$04${SALT_TEXT}{expected_checksum}"));
    }

    #[test]
    fn bcrypt_format_and_length() {
        for (format, prefix) in [
            (PasswordFormat::Bcrypt2y, "$2y$05$"),
            (PasswordFormat::Bcrypt2a, "$2a$05$"),
        ] {
            let hash = hash_password(format, "password", 5, &mut rng(1, 1)).expect("hash");
            assert!(hash.starts_with(prefix), "{hash}");
            assert_eq!(hash.len(), 60);
        }
    }

    #[test]
    fn out_of_range_work_is_an_error() {
        for format in [
            PasswordFormat::BcryptSha256,
            PasswordFormat::Bcrypt2y,
            PasswordFormat::Bcrypt2a,
        ] {
            for cost in [0, 3, 32, u32::MAX] {
                assert!(hash_password(format, "password", cost, &mut rng(1, 1)).is_err());
            }
        }
        for format in [PasswordFormat::Werkzeug, PasswordFormat::Django] {
            assert!(hash_password(format, "password", 0, &mut rng(1, 1)).is_err());
        }
    }

    #[test]
    fn nul_byte_is_refused_only_where_the_app_would_cut_at_it() {
        assert!(hash_password(PasswordFormat::Bcrypt2y, "pass\0word", 4, &mut rng(1, 1)).is_err());
        assert!(hash_password(PasswordFormat::Bcrypt2a, "pass\0word", 4, &mut rng(1, 1)).is_err());
        assert!(
            hash_password(
                PasswordFormat::BcryptSha256,
                "pass\0word",
                4,
                &mut rng(1, 1)
            )
            .is_ok()
        );
        assert!(hash_password(PasswordFormat::Django, "pass\0word", 1, &mut rng(1, 1)).is_ok());
    }

    #[test]
    fn deterministic_and_salted_by_the_rng() {
        let formats = [
            (PasswordFormat::Werkzeug, 1),
            (PasswordFormat::Django, 1),
            (PasswordFormat::BcryptSha256, 4),
            (PasswordFormat::Bcrypt2y, 4),
            (PasswordFormat::Bcrypt2a, 4),
        ];
        for (format, work) in formats {
            let a = hash_password(format, "password", work, &mut rng(7, 2)).expect("hash");
            let b = hash_password(format, "password", work, &mut rng(7, 2)).expect("hash");
            let c = hash_password(format, "password", work, &mut rng(8, 2)).expect("hash");
            assert_eq!(a, b, "{format:?}");
            assert_ne!(a, c, "{format:?}");
        }
    }

    #[test]
    fn hash_unless_stopped_is_the_same_hash_and_stops_at_once() {
        let direct =
            hash_password(PasswordFormat::Django, "password", 10, &mut rng(3, 1)).expect("hash");
        let threaded =
            hash_password_unless(PasswordFormat::Django, "password", 10, rng(3, 1), &|| false)
                .expect("hash");
        assert_eq!(threaded, Some(direct));

        let started = std::time::Instant::now();
        let stopped = hash_password_unless(
            PasswordFormat::Werkzeug,
            "password",
            u32::MAX,
            rng(3, 1),
            &|| started.elapsed() > Duration::from_millis(50),
        );
        assert_eq!(stopped.ok(), Some(None));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn argon2id_matches_argon2_cffi() {
        // Python (argon2-cffi 25.1): argon2.low_level.hash_secret(b'password', bytes(range(16)),
        // time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, type=Type.ID)
        assert_eq!(
            argon2id_with_salt("password", 2, &SALT_BYTES).expect("hash"),
            "$argon2id$v=19$m=19456,t=2,p=1$AAECAwQFBgcICQoLDA0ODw$\
             OZA6NM05OHZDbmcc1pDf6Kuc57E0WafgTsDk8GlN2w0"
        );
        // the same with 'pässword'.encode(), time_cost=1
        assert_eq!(
            argon2id_with_salt("pässword", 1, &SALT_BYTES).expect("hash"),
            "$argon2id$v=19$m=19456,t=1,p=1$AAECAwQFBgcICQoLDA0ODw$\
             GuAnYTG0tTTltCdH9ngCwvrcXdfjqRmYCi9T6/APZ8w"
        );
    }

    #[test]
    fn argon2_formats_and_lengths() {
        let hash =
            hash_password(PasswordFormat::Argon2id, "password", 2, &mut rng(1, 1)).expect("hash");
        let parts: Vec<&str> = hash.split('$').collect();
        assert_eq!(parts.len(), 6, "{hash}");
        assert_eq!(parts[0..4], ["", "argon2id", "v=19", "m=19456,t=2,p=1"]);
        assert_eq!(parts[4].len(), 22, "16 salt bytes, unpadded base64");
        assert_eq!(parts[5].len(), 43, "32 hash bytes, unpadded base64");

        let django = hash_password(PasswordFormat::DjangoArgon2, "password", 3, &mut rng(1, 1))
            .expect("hash");
        let parts: Vec<&str> = django.split('$').collect();
        assert_eq!(parts.len(), 6, "{django}");
        assert_eq!(
            parts[0..4],
            ["argon2", "argon2id", "v=19", "m=19456,t=3,p=1"]
        );
        let salt = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(parts[4])
            .expect("base64 salt");
        assert_eq!(salt.len(), DJANGO_SALT_LEN);
        assert!(salt.iter().all(u8::is_ascii_alphanumeric));
        assert_eq!(parts[5].len(), 43);
        assert!(django.len() <= 128, "Django's password column");
    }

    #[test]
    fn django_argon2_matches_django() {
        // Python (Django 5.2, argon2-cffi 25.1): an Argon2PasswordHasher with memory_cost=19456,
        // parallelism=1, time_cost=2: .encode('password', 'abcdefghijklmnopqrstuv')
        let phc = argon2id_with_salt("password", 2, b"abcdefghijklmnopqrstuv").expect("hash");
        assert_eq!(
            format!("argon2{phc}"),
            "argon2$argon2id$v=19$m=19456,t=2,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$\
             JriGDdbxsTctSZqRDYIq0ftplTvvQ4VW2HhM/v9QWlc"
        );
    }

    #[test]
    fn werkzeug_scrypt_matches_werkzeug() {
        // Python (werkzeug 3.1): werkzeug.security._hash_internal('scrypt:1024:8:1',
        // 'abcdefghABCDEF12', 'password')
        assert_eq!(
            werkzeug_scrypt_with_salt("password", 10, "abcdefghABCDEF12").expect("hash"),
            "scrypt:1024:8:1$abcdefghABCDEF12$\
             809eee0b37f645e1a9b28b47b114c05acdcc7a31b4a5475c7b15f8bed4da50a6\
             3d6720872b64cf0451d39fb113fe16fbf3be190d149aa98e92c607daf74fbd2b"
        );
        // _hash_internal('scrypt', 'abcdefghABCDEF12', 'pässword'): werkzeug's default N
        assert_eq!(
            werkzeug_scrypt_with_salt("pässword", 15, "abcdefghABCDEF12").expect("hash"),
            "scrypt:32768:8:1$abcdefghABCDEF12$\
             406fcaaab25bf565ba6ee61ea47073b70cef08561460d27139d68de54f2d40c2\
             b9cabdbe74c858c6f1606afd60d9f1343a9ac7cb30c0ab0517e8eb773a709fab"
        );
    }

    #[test]
    fn werkzeug_scrypt_format_and_length() {
        let format = PasswordFormat::WerkzeugScrypt;
        let hash =
            hash_password(format, "password", format.default_work(), &mut rng(1, 1)).expect("hash");
        let parts: Vec<&str> = hash.split('$').collect();
        assert_eq!(parts.len(), 3, "{hash}");
        assert_eq!(parts[0], "scrypt:32768:8:1");
        assert_eq!(parts[1].len(), SALT_LEN);
        assert!(parts[1].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(parts[2].len(), 128);
        assert!(
            parts[2]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(hash.len(), 162);
    }

    #[test]
    fn new_formats_refuse_work_out_of_range_and_are_named() {
        for format in [
            PasswordFormat::Argon2id,
            PasswordFormat::DjangoArgon2,
            PasswordFormat::WerkzeugScrypt,
        ] {
            let (low, high) = format.work_range();
            for work in [0, high + 1, u32::MAX] {
                assert!(
                    hash_password(format, "password", work, &mut rng(1, 1)).is_err(),
                    "{format:?} {work}"
                );
            }
            assert!(hash_password(format, "password", low, &mut rng(1, 1)).is_ok());
            assert!(!format.is_bcrypt());
            assert_eq!(PasswordFormat::from_name(format.name()), Some(format));
            assert!((low..=high).contains(&format.default_work()));
            assert!((low..=high).contains(&format.admin_work()));
            let a = hash_password(format, "password", low, &mut rng(7, 2)).expect("hash");
            let b = hash_password(format, "password", low, &mut rng(7, 2)).expect("hash");
            let c = hash_password(format, "password", low, &mut rng(8, 2)).expect("hash");
            assert_eq!(a, b, "{format:?}");
            assert_ne!(a, c, "{format:?}");
        }
        let names: Vec<&str> = PasswordFormat::ALL.iter().map(|f| f.name()).collect();
        for name in ["argon2id", "django-argon2", "werkzeug-scrypt"] {
            assert!(names.contains(&name), "{name}");
        }
    }

    /// ASP.NET Core's own test vectors (`PasswordHasherTest.cs`: "my
    /// password", a salt of bytes 0 to 15 from its sequential generator),
    /// and a hash made by an app's `PasswordHasher` for `Test123$`.
    #[test]
    fn aspnet_identity_v3_matches_aspnet_core() {
        let salt: Vec<u8> = (0..16).collect();
        assert_eq!(
            aspnet_v3_with_salt("my password", AspNetPrf::Sha256, 10_000, &salt),
            "AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg+yWU7rLgUwPZb1Itsmra7cbxw2EFpwpVFIEtP+JIuUEw=="
        );
        // Salt and iterations read from the hash, as VerifyHashedPasswordV3 does.
        let made =
            "AQAAAAIAAYagAAAAENoVftXbReMcFkOwzlfLFgFkx1tZ2PVoFwKaz/7UP6r5rlrymlHMFjMgowJCZl+6YA==";
        let bytes = STANDARD.decode(made).expect("base64");
        assert_eq!(&bytes[..13], [1, 0, 0, 0, 2, 0, 1, 0x86, 0xa0, 0, 0, 0, 16]);
        assert_eq!(
            aspnet_v3_with_salt("Test123$", AspNetPrf::Sha512, 100_000, &bytes[13..29]),
            made
        );
        let hash = hash_password(PasswordFormat::AspNetIdentityV3, "pw", 1000, &mut rng(1, 2))
            .expect("hash");
        assert_eq!(hash.len(), 84);
        assert!(hash.starts_with("AQAAAAIAAAPoAAAAE"), "{hash}");
        assert!(hash_password(PasswordFormat::AspNetIdentityV3, "pw", 0, &mut rng(1, 2)).is_err());
    }

    #[test]
    fn the_plan_s_argon2_default_is_the_crate_s() {
        assert_eq!(
            crate::plan::password::ARGON2_DEFAULT_T_COST,
            Params::DEFAULT_T_COST
        );
    }

    #[test]
    fn is_bcrypt() {
        assert!(!PasswordFormat::Werkzeug.is_bcrypt());
        assert!(!PasswordFormat::Django.is_bcrypt());
        assert!(PasswordFormat::BcryptSha256.is_bcrypt());
        assert!(PasswordFormat::Bcrypt2y.is_bcrypt());
        assert!(PasswordFormat::Bcrypt2a.is_bcrypt());
    }
}
