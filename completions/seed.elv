
use builtin;
use str;

set edit:completion:arg-completer[seed] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'seed'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'seed'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand users 'Insert fake users with random roles, one commit per row, into an app''s users table or the one a plan names'
            cand roles 'Create or update the app''s roles (flask-base: User and Administrator; a plan''s roles table: its [roles.NAME] rows; idempotent)'
            cand admin 'Create one administrator who can log in, unless the email (or username) exists'
            cand plan 'Print the plan seed would use (the table, and what fills each column) as TOML, to keep as seed.toml and edit'
            cand describe 'Print a table as the database''s catalog describes it, as JSON (what a plan is inferred from)'
            cand completions 'Print a shell completion script'
            cand man 'Print a man page (roff): seed''s, or one command''s'
        }
        &'seed;users'= {
            cand --app 'The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]'
            cand --plan 'The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]'
            cand --table 'The users table, when no plan names it: its plan is inferred from its columns [default: an app''s table, else the one table named like a users table]'
            cand -n 'Rows to attempt (with --exact: rows to insert)'
            cand --count 'Rows to attempt (with --exact: rows to insert)'
            cand -s 'Seed for the generator: the same seed gives the same rows [default: random, and reported]'
            cand --seed 'Seed for the generator: the same seed gives the same rows [default: random, and reported]'
            cand --locale 'Whose names the users get, in the locale''s own script (stored as UTF-8); emails and logins are the names written in lowercase ASCII'
            cand --role-weights 'Role mix by role name, e.g. User=9,Administrator=1 (flask-base), user=9,admin=1 (ctfd), user=8,staff=1,superuser=1 (django); roles not named get 0 [default: flask-base: uniform over the roles in the table; ctfd: user=9,admin=1; django: user=8,staff=1,superuser=1]'
            cand --password 'Password every seeded user logs in with (other users of the machine see it in `ps`; --password-file and SEED_PASSWORD they do not)'
            cand --password-file 'Read the password from FILE, or from stdin with -; one trailing newline is dropped'
            cand --batch-size 'Rows per transaction (SQLite: each row in its own savepoint; servers: multi-row statements, and 10000 or more a bulk load); 1 commits every row on its own'
            cand --hash-iterations 'Work of the password hash for the formats that are not bcrypt: PBKDF2 iterations (flask-base, django, aspnet-identity-v3), Argon2''s time cost, scrypt''s log2 N (the seeded password is public, so the cost buys nothing) [default: 10000 for PBKDF2, 2 for Argon2, 15 for scrypt]'
            cand --bcrypt-cost 'bcrypt cost of the password hash, for ctfd, laravel and devise, 4 to 31 (the seeded password is public, so the cost buys nothing; each step halves or doubles the one hash per run) [default: 12, the apps'' own]'
            cand --now 'Timestamps (joined, created, verified) fall in the year before this UTC instant: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS [default: 2026-01-01T00:00:00]'
            cand -j 'Connections inserting at once (PostgreSQL, MySQL); the same --seed gives the same users, with other ids'
            cand --jobs 'Connections inserting at once (PostgreSQL, MySQL); the same --seed gives the same users, with other ids'
            cand --expect-digest 'Fail (exit 1, after the run) unless the rows generated have this digest, as --json prints it: sha256:<64 hex digits>'
            cand -d 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…'
            cand --db 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…'
            cand --busy-timeout 'Seconds to wait for a lock held by another connection before failing'
            cand --connect-timeout 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL''s connect_timeout, else 10]'
            cand --exact 'Insert exactly N rows, retrying duplicates (up to max(10×N, N+10000) attempts)'
            cand --dry-run 'Generate the rows and count the duplicates among them, writing nothing: no file is created and no server is connected to, except to read which plan the database needs when no --app or --plan names it. Keeps about 16 bytes a row in memory (160 MB for 10 million), and is refused before it starts if that is more than the memory available'
            cand --durable 'Commit with a full sync, so rows survive a power cut (not only a crash); slower'
            cand --json 'Print the result as one JSON object on stdout'
            cand -q 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done'
            cand --quiet 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'seed;roles'= {
            cand --app 'The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]'
            cand --plan 'The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]'
            cand --table 'The users table, when no plan names it: its plan is inferred from its columns [default: an app''s table, else the one table named like a users table]'
            cand -d 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…'
            cand --db 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…'
            cand --busy-timeout 'Seconds to wait for a lock held by another connection before failing'
            cand --connect-timeout 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL''s connect_timeout, else 10]'
            cand --durable 'Commit with a full sync, so rows survive a power cut (not only a crash); slower'
            cand --json 'Print the result as one JSON object on stdout'
            cand -q 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done'
            cand --quiet 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'seed;admin'= {
            cand --app 'The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]'
            cand --plan 'The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]'
            cand --table 'The users table, when no plan names it: its plan is inferred from its columns [default: an app''s table, else the one table named like a users table]'
            cand --email 'The administrator''s email (the login, but for django)'
            cand --username 'The name the administrator logs in by besides the email: django''s username, ctfd''s name [default: the email''s local part]'
            cand --name 'The name the administrator logs in by besides the email: django''s username, ctfd''s name [default: the email''s local part]'
            cand --password 'The password (other users of the machine see it in `ps`; --password-file and SEED_PASSWORD they do not) [default: a random one, printed on stdout]'
            cand --password-file 'Read the password from FILE, or from stdin with -; one trailing newline is dropped'
            cand --first-name 'The administrator''s first name'
            cand --last-name 'The administrator''s last name'
            cand -d 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…'
            cand --db 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…'
            cand --busy-timeout 'Seconds to wait for a lock held by another connection before failing'
            cand --connect-timeout 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL''s connect_timeout, else 10]'
            cand --durable 'Commit with a full sync, so rows survive a power cut (not only a crash); slower'
            cand --json 'Print the result as one JSON object on stdout'
            cand -q 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done'
            cand --quiet 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'seed;plan'= {
            cand --app 'The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]'
            cand --plan 'The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]'
            cand --table 'The users table, when no plan names it: its plan is inferred from its columns [default: an app''s table, else the one table named like a users table]'
            cand -d 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…'
            cand --db 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…'
            cand --busy-timeout 'Seconds to wait for a lock held by another connection before failing'
            cand --connect-timeout 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL''s connect_timeout, else 10]'
            cand --durable 'Commit with a full sync, so rows survive a power cut (not only a crash); slower'
            cand --json 'Print the plan as one JSON object instead'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'seed;describe'= {
            cand -d 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…'
            cand --db 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…'
            cand --busy-timeout 'Seconds to wait for a lock held by another connection before failing'
            cand --connect-timeout 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL''s connect_timeout, else 10]'
            cand --table 'The table'
            cand --durable 'Commit with a full sync, so rows survive a power cut (not only a crash); slower'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'seed;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'seed;man'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
    ]
    $completions[$command]
}
