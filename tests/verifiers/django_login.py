#!/usr/bin/env python3
"""A settings-only Django project in one file: Django's own migrate and login.

usage:
  python3 tests/verifiers/django_login.py migrate DB_URL
  python3 tests/verifiers/django_login.py login DB_URL USERNAME PASSWORD
  python3 tests/verifiers/django_login.py create_user DB_URL USERNAME PASSWORD [staff] [superuser]

DB_URL is one of:
  /path/to/file.db                       SQLite (sqlite:///path also works)
  postgres://user[:pw]@host:port/db[?options=-csearch_path%3DNAME]
                                         PostgreSQL through psycopg (3, or 2)
  mysql://user[:pw]@host:port/db         MySQL/MariaDB through PyMySQL

migrate runs Django's real migrate (auth_user, auth_group, ...).
login runs django.contrib.auth.authenticate(username=, password=) and prints
"ok is_staff=.. is_superuser=.. is_active=.." (exit 0) when it returns a user,
else says why (exit 1). create_user is Django's User.objects.create_user, for
tests of this script. Missing Django or database driver: "skipped: ..." and
exit 3. Usage or configuration error: exit 2.
"""
import sys
from urllib.parse import parse_qs, unquote, urlsplit

SKIP = 3


def skip(what, pip):
    print(f"skipped: {what} not installed (pip install {pip})")
    sys.exit(SKIP)


def usage():
    print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
    sys.exit(2)


def database(url):
    """Django's DATABASES['default'] for DB_URL, after checking the driver."""
    if "://" not in url or url.startswith("sqlite:"):
        path = url[len("sqlite://"):] if url.startswith("sqlite://") else url
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}

    u = urlsplit(url)
    common = {
        "NAME": unquote(u.path.lstrip("/")),
        "USER": unquote(u.username or ""),
        "PASSWORD": unquote(u.password or ""),
        "HOST": u.hostname or "",
        "PORT": str(u.port or ""),
    }
    query = {k: v[-1] for k, v in parse_qs(u.query).items()}

    if u.scheme in ("postgres", "postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            try:
                import psycopg2  # noqa: F401
            except ImportError:
                skip("psycopg", "'psycopg[binary]'")
        options = dict(query)  # libpq parameters, e.g. sslmode
        if "options" in options:
            # "-csearch_path=NAME" -> "-c search_path=NAME"
            opt = options["options"]
            if opt.startswith("-c") and not opt.startswith("-c "):
                opt = "-c " + opt[2:]
            options["options"] = opt
        return {"ENGINE": "django.db.backends.postgresql", **common, "OPTIONS": options}

    if u.scheme in ("mysql", "mariadb"):
        try:
            import MySQLdb  # noqa: F401  mysqlclient, if someone has it
        except ImportError:
            try:
                import pymysql
            except ImportError:
                skip("PyMySQL", "PyMySQL")
            # Django's MySQL backend imports MySQLdb and refuses a
            # mysqlclient older than 1.4.3 (Django 5.x; 2.2.1 for Django 6).
            # PyMySQL >= 1.1 already reports (2, 2, x); older ones say 1.4.6.
            if pymysql.version_info < (2, 2, 1):
                pymysql.version_info = (2, 2, 1, "final", 0)
            pymysql.install_as_MySQLdb()
        options = {"charset": "utf8mb4"}
        options.update(query)
        return {"ENGINE": "django.db.backends.mysql", **common, "OPTIONS": options}

    print(f"unsupported DB_URL scheme {u.scheme!r}", file=sys.stderr)
    sys.exit(2)


def setup(url):
    try:
        import django
        from django.conf import settings
    except ImportError:
        skip("Django", "Django")
    settings.configure(
        DEBUG=False,
        SECRET_KEY="seed-verifier",
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
        DATABASES={"default": database(url)},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        USE_TZ=True,
        TIME_ZONE="UTC",
    )
    django.setup()


def cmd_migrate(url):
    setup(url)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print("ok migrated")


def cmd_login(url, username, password):
    setup(url)
    from django.contrib.auth import authenticate, get_user_model

    user = authenticate(username=username, password=password)
    if user is not None:
        print(f"ok is_staff={user.is_staff} is_superuser={user.is_superuser} is_active={user.is_active}")
        return
    # authenticate() says only "no": find out why, for the test's message.
    User = get_user_model()
    try:
        u = User._default_manager.get_by_natural_key(username)
    except User.DoesNotExist:
        print(f"login failed: no user {username!r}")
    else:
        if not u.check_password(password):
            print(f"login failed: password does not match for {username!r} (hash {u.password[:30]}...)")
        elif not u.is_active:
            print(f"login failed: {username!r} is_active=False (ModelBackend refuses inactive users)")
        else:
            print(f"login failed for {username!r}")
    sys.exit(1)


def cmd_create_user(url, username, password, *flags):
    setup(url)
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(
        username, password=password, is_staff="staff" in flags, is_superuser="superuser" in flags
    )
    print(f"ok created {username}")


def main():
    args = sys.argv[1:]
    try:
        run(args)
    except Exception as e:  # database unreachable, table missing, ...: one line, exit 1
        print(f"error: {type(e).__name__}: {e}".splitlines()[0])
        sys.exit(1)


def run(args):
    if len(args) == 2 and args[0] == "migrate":
        cmd_migrate(args[1])
    elif len(args) == 4 and args[0] == "login":
        cmd_login(*args[1:])
    elif len(args) >= 4 and args[0] == "create_user":
        cmd_create_user(*args[1:])
    else:
        usage()


if __name__ == "__main__":
    main()
