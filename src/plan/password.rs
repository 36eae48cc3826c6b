//! How an app stores a password, as a plan names it: the formats, their
//! work factors and their ranges. The hashing itself is `generate`'s.

/// How an app stores a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordFormat {
    /// werkzeug `pbkdf2:sha256:N$salt$hex` (flask-base's
    /// `check_password_hash`). Salt: 16 chars `[A-Za-z0-9]`.
    Werkzeug,
    /// Django `pbkdf2_sha256$N$salt$base64digest`
    /// (`django.contrib.auth.hashers.PBKDF2PasswordHasher`). Salt: 22 chars
    /// `[A-Za-z0-9]`, like Django's `get_random_string`.
    Django,
    /// passlib 1.7's `bcrypt_sha256` version 2, as CTFd 3.x stores it:
    /// `$bcrypt-sha256$v=2,t=2b,r=COST$<22-char salt>$<31-char checksum>`.
    BcryptSha256,
    /// bcrypt with the `$2y$` prefix, since Laravel's `Hash::check` refuses
    /// `$2a$`/`$2b$` by default.
    Bcrypt2y,
    /// bcrypt with the `$2a$` prefix, the one Ruby's bcrypt gem (Devise)
    /// writes.
    Bcrypt2a,
    /// bcrypt with the `$2b$` prefix: OpenBSD's, Python's bcrypt,
    /// Node's bcrypt.
    Bcrypt2b,
    /// The Argon2id PHC string `$argon2id$v=19$m=19456,t=T,p=1$salt$hash`
    /// (argon2-cffi's `PasswordHasher`, PHP's `password_verify`). Salt: 16
    /// random bytes; hash: 32 bytes.
    Argon2id,
    /// Django's `Argon2PasswordHasher`: `argon2` followed by the PHC string
    /// `$argon2id$v=19$m=19456,t=T,p=1$salt$hash`. Salt: 22 chars
    /// `[A-Za-z0-9]` as Django's `salt()` makes it; hash: 32 bytes
    /// (argon2-cffi's `DEFAULT_HASH_LENGTH`, which Django uses).
    DjangoArgon2,
    /// werkzeug 3's default `scrypt:N:8:1$salt$hex`: 16 salt chars
    /// `[A-Za-z0-9]`, a 64-byte key (`hashlib.scrypt`'s dklen) in hex; 162
    /// characters at N = 32768.
    WerkzeugScrypt,
    /// ASP.NET Core Identity's version 3 (`PasswordHasher<TUser>`): base64
    /// of the marker 0x01, the PRF (2: HMAC-SHA512, .NET 7's default), the
    /// iteration count and the salt's length (16) as big-endian u32s, the
    /// salt and a 32-byte PBKDF2 subkey; 84 characters.
    AspNetIdentityV3,
}

/// Argon2's time cost for a seeded user (the argon2 crate's default).
pub const ARGON2_DEFAULT_T_COST: u32 = 2;
/// Highest Argon2 time cost a plan may ask for.
pub const ARGON2_MAX_T_COST: u32 = 1000;
/// log2(N) of werkzeug's default N = 32768.
pub const SCRYPT_DEFAULT_LOG_N: u32 = 15;
/// Highest log2(N) a plan may ask for: N = 2^20 takes 1 GiB.
pub const SCRYPT_MAX_LOG_N: u32 = 20;

impl PasswordFormat {
    pub const ALL: [PasswordFormat; 10] = [
        PasswordFormat::Bcrypt2b,
        PasswordFormat::Bcrypt2y,
        PasswordFormat::Bcrypt2a,
        PasswordFormat::Werkzeug,
        PasswordFormat::Django,
        PasswordFormat::BcryptSha256,
        PasswordFormat::Argon2id,
        PasswordFormat::DjangoArgon2,
        PasswordFormat::WerkzeugScrypt,
        PasswordFormat::AspNetIdentityV3,
    ];

    /// As a plan names it.
    pub fn name(self) -> &'static str {
        match self {
            PasswordFormat::Bcrypt2b => "bcrypt",
            PasswordFormat::Bcrypt2y => "bcrypt-2y",
            PasswordFormat::Bcrypt2a => "bcrypt-2a",
            PasswordFormat::Werkzeug => "werkzeug-pbkdf2",
            PasswordFormat::Django => "django-pbkdf2",
            PasswordFormat::BcryptSha256 => "passlib-bcrypt-sha256",
            PasswordFormat::Argon2id => "argon2id",
            PasswordFormat::DjangoArgon2 => "django-argon2",
            PasswordFormat::WerkzeugScrypt => "werkzeug-scrypt",
            PasswordFormat::AspNetIdentityV3 => "aspnet-identity-v3",
        }
    }

    pub fn from_name(name: &str) -> Option<PasswordFormat> {
        PasswordFormat::ALL
            .into_iter()
            .find(|format| format.name() == name)
    }

    /// The work factor for a seeded user's public password when the plan
    /// names none: the cheapest an app's checker takes quickly, since the
    /// cost buys nothing.
    pub fn default_work(self) -> u32 {
        match self {
            Self::Argon2id | Self::DjangoArgon2 => ARGON2_DEFAULT_T_COST,
            Self::WerkzeugScrypt => SCRYPT_DEFAULT_LOG_N,
            _ if self.is_bcrypt() => 12,
            _ => 10_000,
        }
    }

    /// The work factor for `seed admin`, whose password is a secret: the
    /// apps' own defaults (werkzeug's and Django's 1,000,000 iterations),
    /// the argon2 crate's for Argon2 and werkzeug's N = 32768 for scrypt
    /// (the same as a seeded user's: they are cheap already).
    pub fn admin_work(self) -> u32 {
        match self {
            Self::Argon2id | Self::DjangoArgon2 | Self::WerkzeugScrypt => self.default_work(),
            _ if self.is_bcrypt() => 12,
            // ASP.NET Core Identity's own default since .NET 7.
            Self::AspNetIdentityV3 => 100_000,
            _ => 1_000_000,
        }
    }

    /// What the work factor is, as an error message names it.
    pub fn work_kind(self) -> &'static str {
        match self {
            Self::Argon2id | Self::DjangoArgon2 => "Argon2 (its time cost)",
            Self::WerkzeugScrypt => "scrypt (log2 of its N)",
            _ if self.is_bcrypt() => "bcrypt",
            _ => "PBKDF2",
        }
    }

    /// The work factors a plan may set (`cost` for bcrypt, `iterations`
    /// for the others).
    pub fn work_range(self) -> (u32, u32) {
        match self {
            Self::Argon2id | Self::DjangoArgon2 => (1, ARGON2_MAX_T_COST),
            Self::WerkzeugScrypt => (1, SCRYPT_MAX_LOG_N),
            _ if self.is_bcrypt() => (4, 31),
            _ => (1, 100_000_000),
        }
    }

    /// The bcrypt formats take a cost (4..=31, doubling the time per step)
    /// rather than an iteration count, so callers pick a different default.
    pub fn is_bcrypt(self) -> bool {
        matches!(
            self,
            Self::BcryptSha256 | Self::Bcrypt2y | Self::Bcrypt2a | Self::Bcrypt2b
        )
    }
}
