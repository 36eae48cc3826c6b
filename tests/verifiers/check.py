#!/usr/bin/env python3
"""Check password hashes with the real Python libraries that apps log in with.

usage: python3 tests/verifiers/check.py FORMAT PASSWORD < hashes.txt

FORMAT is one of:
  werkzeug               werkzeug.security.check_password_hash (Flask apps);
                         werkzeug 3 for its scrypt hashes
  argon2                 argon2-cffi's argon2.PasswordHasher().verify
  passlib-bcrypt-sha256  passlib.hash.bcrypt_sha256.verify
  django-hasher          django.contrib.auth.hashers.check_password with
                         Django's default PASSWORD_HASHERS
  django-argon2          the same, for Argon2PasswordHasher's hashes: skipped
                         without argon2-cffi, which that hasher loads

Reads one hash per line (blank lines ignored). Prints "ok N" and exits 0
when every hash verifies; prints the first failing hash and exits 1
otherwise (also when no hash was read). Exits 3 with "skipped: ..." when
the library is not installed, 2 on a usage error.
"""
import sys

SKIP = 3


def skip(what, pip):
    print(f"skipped: {what} not installed (pip install {pip})")
    sys.exit(SKIP)


def werkzeug_checker():
    try:
        from werkzeug.security import check_password_hash
    except ImportError:
        skip("werkzeug", "werkzeug")
    import importlib.metadata as m

    if int(m.version("werkzeug").split(".")[0]) < 3:
        skip("werkzeug 3", "'werkzeug>=3'")
    return lambda h, pw: check_password_hash(h, pw)


def bcrypt_checker():
    # pyca/bcrypt's checkpw: what Python apps (FastAPI, passlib's bcrypt)
    # call for a "$2b$" hash.
    try:
        import bcrypt
    except ImportError:
        skip("bcrypt", "bcrypt==4.0.1")
    return lambda h, pw: h.startswith("$2b$") and bcrypt.checkpw(pw.encode(), h.encode())


def argon2_checker():
    try:
        from argon2 import PasswordHasher
        from argon2.exceptions import VerificationError
    except ImportError:
        skip("argon2-cffi", "argon2-cffi")
    hasher = PasswordHasher()

    def check(h, pw):
        try:
            return hasher.verify(h, pw)
        except VerificationError:
            return False

    return check


def passlib_bcrypt_sha256_checker():
    try:
        from passlib.hash import bcrypt_sha256
    except ImportError:
        skip("passlib", "passlib bcrypt==4.0.1")
    try:
        import bcrypt  # noqa: F401  passlib's bcrypt backend
    except ImportError:
        skip("bcrypt", "bcrypt==4.0.1")
    return lambda h, pw: bcrypt_sha256.verify(pw, h)


def django_argon2_checker():
    try:
        import argon2  # noqa: F401  Argon2PasswordHasher's library
    except ImportError:
        skip("argon2-cffi", "argon2-cffi")
    return django_checker()


def django_checker():
    try:
        import django
        from django.conf import settings, global_settings
    except ImportError:
        skip("Django", "Django")
    settings.configure(
        # Django's defaults, Argon2PasswordHasher among them.
        PASSWORD_HASHERS=list(global_settings.PASSWORD_HASHERS),
        SECRET_KEY="seed-verifier",
    )
    django.setup()
    from django.contrib.auth.hashers import check_password

    return lambda h, pw: check_password(pw, h)


CHECKERS = {
    "werkzeug": werkzeug_checker,
    "bcrypt": bcrypt_checker,
    "passlib-bcrypt-sha256": passlib_bcrypt_sha256_checker,
    "django-hasher": django_checker,
    "argon2": argon2_checker,
    "django-argon2": django_argon2_checker,
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in CHECKERS:
        print(f"usage: {sys.argv[0]} {{{'|'.join(CHECKERS)}}} PASSWORD < hashes.txt", file=sys.stderr)
        sys.exit(2)
    check = CHECKERS[sys.argv[1]]()
    password = sys.argv[2]
    n = 0
    for line in sys.stdin:
        h = line.strip()
        if not h:
            continue
        try:
            good = check(h, password)
        except Exception as e:  # a malformed hash is a failure, not a crash
            print(f"{h}  ({type(e).__name__}: {e})")
            sys.exit(1)
        if not good:
            print(h)
            sys.exit(1)
        n += 1
    if n == 0:
        print("no hashes on stdin")
        sys.exit(1)
    print(f"ok {n}")


if __name__ == "__main__":
    main()
