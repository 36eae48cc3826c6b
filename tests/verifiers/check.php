<?php
// Check bcrypt hashes the way Laravel logs in: Hash::check with the default
// bcrypt driver ('verify' => true in config/hashing.php), copied from
// laravel/framework src/Illuminate/Hashing/BcryptHasher.php + AbstractHasher.php:
//
//   check():  false for a null/'' hash; with verifyAlgorithm, throws
//             RuntimeException unless password_get_info($hash)['algoName'] === 'bcrypt'
//             (PHP says 'bcrypt' only for a 60-character "$2y$" hash);
//             then password_verify($value, $hash).
//   verifyConfiguration(): algoName is 'bcrypt' and the cost is an int <= the
//             configured rounds (BCRYPT_ROUNDS, default 12); Eloquent's
//             'hashed' cast refuses a pre-hashed value that fails it.
//
// usage: php tests/verifiers/check.php [--argon2id] PASSWORD < hashes.txt
// With --argon2id, each hash must be an Argon2id hash that password_verify
// accepts (PHP's own PASSWORD_ARGON2ID check), instead of Laravel's bcrypt.
// Prints "ok N" and exits 0 when every hash passes; prints the first failing
// hash with the reason and exits 1 (also when no hash was read); exits 3
// with "skipped: ..." when PHP lacks password hashing, 2 on usage error.

if (!function_exists('password_verify') || !function_exists('password_get_info')) {
    echo "skipped: PHP password_* functions not available (apt-get install php-cli)\n";
    exit(3);
}
$argon2id = $argc === 3 && $argv[1] === '--argon2id';
if ($argc !== 2 && !$argon2id) {
    fwrite(STDERR, "usage: php {$argv[0]} [--argon2id] PASSWORD < hashes.txt\n");
    exit(2);
}
if ($argon2id && !defined('PASSWORD_ARGON2ID')) {
    echo "skipped: this PHP is built without Argon2 (PASSWORD_ARGON2ID)\n";
    exit(3);
}
$password = $argv[$argc - 1];
$rounds = (int) (getenv('BCRYPT_ROUNDS') ?: 12); // Laravel's env('BCRYPT_ROUNDS', 12)

// BcryptHasher::check with verifyAlgorithm = true; null when it would pass,
// else why it fails.
function laravel_check_fails(string $value, string $hashed): ?string
{
    if ($hashed === '') {
        return 'empty hash';
    }
    if (password_get_info($hashed)['algoName'] !== 'bcrypt') {
        return 'RuntimeException: This password does not use the Bcrypt algorithm.';
    }
    if (!password_verify($value, $hashed)) {
        return 'password_verify is false';
    }
    return null;
}

// BcryptHasher::verifyConfiguration.
function laravel_verify_configuration(string $hashed, int $rounds): bool
{
    $info = password_get_info($hashed);
    if ($info['algoName'] !== 'bcrypt') {
        return false;
    }
    $cost = $info['options']['cost'] ?? null;
    return is_int($cost) && $cost <= $rounds;
}

$n = 0;
while (($line = fgets(STDIN)) !== false) {
    $h = trim($line);
    if ($h === '') {
        continue;
    }
    $why = null;
    if ($argon2id) {
        if (password_get_info($h)['algoName'] !== 'argon2id') {
            $why = 'password_get_info: not argon2id';
        } elseif (!password_verify($password, $h)) {
            $why = 'password_verify is false';
        }
    } elseif (($fail = laravel_check_fails($password, $h)) !== null) {
        $why = "Hash::check: $fail";
    } elseif (strncmp($h, '$2y$', 4) !== 0) { // implied by algoName 'bcrypt'; kept explicit
        $why = 'does not start with $2y$';
    } elseif (!laravel_verify_configuration($h, $rounds)) {
        $why = "verifyConfiguration: cost above $rounds";
    }
    if ($why !== null) {
        echo "$h  ($why)\n";
        exit(1);
    }
    $n++;
}
if ($n === 0) {
    echo "no hashes on stdin\n";
    exit(1);
}
echo "ok $n\n";
exit(0);
