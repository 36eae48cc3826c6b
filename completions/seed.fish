# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_seed_global_optspecs
    string join \n h/help V/version
end

function __fish_seed_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_seed_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_seed_using_subcommand
    set -l cmd (__fish_seed_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c seed -n "__fish_seed_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c seed -n "__fish_seed_needs_command" -s V -l version -d 'Print version'
complete -c seed -n "__fish_seed_needs_command" -f -a "users" -d 'Insert fake users with random roles, one commit per row, into an app\'s users table or the one a plan names'
complete -c seed -n "__fish_seed_needs_command" -f -a "roles" -d 'Create or update the app\'s roles (flask-base: User and Administrator; a plan\'s roles table: its [roles.NAME] rows; idempotent)'
complete -c seed -n "__fish_seed_needs_command" -f -a "admin" -d 'Create one administrator who can log in, unless the email (or username) exists'
complete -c seed -n "__fish_seed_needs_command" -f -a "plan" -d 'Print the plan seed would use (the table, and what fills each column) as TOML, to keep as seed.toml and edit'
complete -c seed -n "__fish_seed_needs_command" -f -a "describe" -d 'Print a table as the database\'s catalog describes it, as JSON (what a plan is inferred from)'
complete -c seed -n "__fish_seed_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c seed -n "__fish_seed_needs_command" -f -a "man" -d 'Print a man page (roff): seed\'s, or one command\'s'
complete -c seed -n "__fish_seed_using_subcommand users" -l app -d 'The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]' -r -f -a "flask-base\t''
ctfd\t''
django\t''
laravel\t''
devise\t''"
complete -c seed -n "__fish_seed_using_subcommand users" -l plan -d 'The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]' -r -F
complete -c seed -n "__fish_seed_using_subcommand users" -l table -d 'The users table, when no plan names it: its plan is inferred from its columns [default: an app\'s table, else the one table named like a users table]' -r
complete -c seed -n "__fish_seed_using_subcommand users" -s n -l count -d 'Rows to attempt (with --exact: rows to insert)' -r
complete -c seed -n "__fish_seed_using_subcommand users" -s s -l seed -d 'Seed for the generator: the same seed gives the same rows [default: random, and reported]' -r
complete -c seed -n "__fish_seed_using_subcommand users" -l locale -d 'Whose names the users get, in the locale\'s own script (stored as UTF-8); emails and logins are the names written in lowercase ASCII' -r -f -a "en\t''
fr_FR\t''
de_DE\t''
it_IT\t''
pt_BR\t''
pt_PT\t''
nl_NL\t''
cy_GB\t''
tr_TR\t''
ja_JP\t''
zh_CN\t''
zh_TW\t''
ar_SA\t''
fa_IR\t''"
complete -c seed -n "__fish_seed_using_subcommand users" -l role-weights -d 'Role mix by role name, e.g. User=9,Administrator=1 (flask-base), user=9,admin=1 (ctfd), user=8,staff=1,superuser=1 (django); roles not named get 0 [default: flask-base: uniform over the roles in the table; ctfd: user=9,admin=1; django: user=8,staff=1,superuser=1]' -r
complete -c seed -n "__fish_seed_using_subcommand users" -l password -d 'Password every seeded user logs in with (other users of the machine see it in `ps`; --password-file and SEED_PASSWORD they do not)' -r
complete -c seed -n "__fish_seed_using_subcommand users" -l password-file -d 'Read the password from FILE, or from stdin with -; one trailing newline is dropped' -r -F
complete -c seed -n "__fish_seed_using_subcommand users" -l batch-size -d 'Rows per transaction (SQLite: each row in its own savepoint; servers: multi-row statements, and 10000 or more a bulk load); 1 commits every row on its own' -r
complete -c seed -n "__fish_seed_using_subcommand users" -l hash-iterations -d 'Work of the password hash for the formats that are not bcrypt: PBKDF2 iterations (flask-base, django, aspnet-identity-v3), Argon2\'s time cost, scrypt\'s log2 N (the seeded password is public, so the cost buys nothing) [default: 10000 for PBKDF2, 2 for Argon2, 15 for scrypt]' -r
complete -c seed -n "__fish_seed_using_subcommand users" -l bcrypt-cost -d 'bcrypt cost of the password hash, for ctfd, laravel and devise, 4 to 31 (the seeded password is public, so the cost buys nothing; each step halves or doubles the one hash per run) [default: 12, the apps\' own]' -r
complete -c seed -n "__fish_seed_using_subcommand users" -l now -d 'Timestamps (joined, created, verified) fall in the year before this UTC instant: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS [default: 2026-01-01T00:00:00]' -r
complete -c seed -n "__fish_seed_using_subcommand users" -s j -l jobs -d 'Connections inserting at once (PostgreSQL, MySQL); the same --seed gives the same users, with other ids' -r
complete -c seed -n "__fish_seed_using_subcommand users" -l expect-digest -d 'Fail (exit 1, after the run) unless the rows generated have this digest, as --json prints it: sha256:<64 hex digits>' -r
complete -c seed -n "__fish_seed_using_subcommand users" -s d -l db -d 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…' -r
complete -c seed -n "__fish_seed_using_subcommand users" -l busy-timeout -d 'Seconds to wait for a lock held by another connection before failing' -r
complete -c seed -n "__fish_seed_using_subcommand users" -l connect-timeout -d 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL\'s connect_timeout, else 10]' -r
complete -c seed -n "__fish_seed_using_subcommand users" -l exact -d 'Insert exactly N rows, retrying duplicates (up to max(10×N, N+10000) attempts)'
complete -c seed -n "__fish_seed_using_subcommand users" -l dry-run -d 'Generate the rows and count the duplicates among them, writing nothing: no file is created and no server is connected to, except to read which plan the database needs when no --app or --plan names it. Keeps about 16 bytes a row in memory (160 MB for 10 million), and is refused before it starts if that is more than the memory available'
complete -c seed -n "__fish_seed_using_subcommand users" -l durable -d 'Commit with a full sync, so rows survive a power cut (not only a crash); slower'
complete -c seed -n "__fish_seed_using_subcommand users" -l json -d 'Print the result as one JSON object on stdout'
complete -c seed -n "__fish_seed_using_subcommand users" -s q -l quiet -d 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done'
complete -c seed -n "__fish_seed_using_subcommand users" -s h -l help -d 'Print help'
complete -c seed -n "__fish_seed_using_subcommand roles" -l app -d 'The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]' -r -f -a "flask-base\t''
ctfd\t''
django\t''
laravel\t''
devise\t''"
complete -c seed -n "__fish_seed_using_subcommand roles" -l plan -d 'The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]' -r -F
complete -c seed -n "__fish_seed_using_subcommand roles" -l table -d 'The users table, when no plan names it: its plan is inferred from its columns [default: an app\'s table, else the one table named like a users table]' -r
complete -c seed -n "__fish_seed_using_subcommand roles" -s d -l db -d 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…' -r
complete -c seed -n "__fish_seed_using_subcommand roles" -l busy-timeout -d 'Seconds to wait for a lock held by another connection before failing' -r
complete -c seed -n "__fish_seed_using_subcommand roles" -l connect-timeout -d 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL\'s connect_timeout, else 10]' -r
complete -c seed -n "__fish_seed_using_subcommand roles" -l durable -d 'Commit with a full sync, so rows survive a power cut (not only a crash); slower'
complete -c seed -n "__fish_seed_using_subcommand roles" -l json -d 'Print the result as one JSON object on stdout'
complete -c seed -n "__fish_seed_using_subcommand roles" -s q -l quiet -d 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done'
complete -c seed -n "__fish_seed_using_subcommand roles" -s h -l help -d 'Print help'
complete -c seed -n "__fish_seed_using_subcommand admin" -l app -d 'The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]' -r -f -a "flask-base\t''
ctfd\t''
django\t''
laravel\t''
devise\t''"
complete -c seed -n "__fish_seed_using_subcommand admin" -l plan -d 'The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]' -r -F
complete -c seed -n "__fish_seed_using_subcommand admin" -l table -d 'The users table, when no plan names it: its plan is inferred from its columns [default: an app\'s table, else the one table named like a users table]' -r
complete -c seed -n "__fish_seed_using_subcommand admin" -l email -d 'The administrator\'s email (the login, but for django)' -r
complete -c seed -n "__fish_seed_using_subcommand admin" -l username -l name -d 'The name the administrator logs in by besides the email: django\'s username, ctfd\'s name [default: the email\'s local part]' -r
complete -c seed -n "__fish_seed_using_subcommand admin" -l password -d 'The password (other users of the machine see it in `ps`; --password-file and SEED_PASSWORD they do not) [default: a random one, printed on stdout]' -r
complete -c seed -n "__fish_seed_using_subcommand admin" -l password-file -d 'Read the password from FILE, or from stdin with -; one trailing newline is dropped' -r -F
complete -c seed -n "__fish_seed_using_subcommand admin" -l first-name -d 'The administrator\'s first name' -r
complete -c seed -n "__fish_seed_using_subcommand admin" -l last-name -d 'The administrator\'s last name' -r
complete -c seed -n "__fish_seed_using_subcommand admin" -s d -l db -d 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…' -r
complete -c seed -n "__fish_seed_using_subcommand admin" -l busy-timeout -d 'Seconds to wait for a lock held by another connection before failing' -r
complete -c seed -n "__fish_seed_using_subcommand admin" -l connect-timeout -d 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL\'s connect_timeout, else 10]' -r
complete -c seed -n "__fish_seed_using_subcommand admin" -l durable -d 'Commit with a full sync, so rows survive a power cut (not only a crash); slower'
complete -c seed -n "__fish_seed_using_subcommand admin" -l json -d 'Print the result as one JSON object on stdout'
complete -c seed -n "__fish_seed_using_subcommand admin" -s q -l quiet -d 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done'
complete -c seed -n "__fish_seed_using_subcommand admin" -s h -l help -d 'Print help'
complete -c seed -n "__fish_seed_using_subcommand plan" -l app -d 'The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]' -r -f -a "flask-base\t''
ctfd\t''
django\t''
laravel\t''
devise\t''"
complete -c seed -n "__fish_seed_using_subcommand plan" -l plan -d 'The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]' -r -F
complete -c seed -n "__fish_seed_using_subcommand plan" -l table -d 'The users table, when no plan names it: its plan is inferred from its columns [default: an app\'s table, else the one table named like a users table]' -r
complete -c seed -n "__fish_seed_using_subcommand plan" -s d -l db -d 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…' -r
complete -c seed -n "__fish_seed_using_subcommand plan" -l busy-timeout -d 'Seconds to wait for a lock held by another connection before failing' -r
complete -c seed -n "__fish_seed_using_subcommand plan" -l connect-timeout -d 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL\'s connect_timeout, else 10]' -r
complete -c seed -n "__fish_seed_using_subcommand plan" -l durable -d 'Commit with a full sync, so rows survive a power cut (not only a crash); slower'
complete -c seed -n "__fish_seed_using_subcommand plan" -l json -d 'Print the plan as one JSON object instead'
complete -c seed -n "__fish_seed_using_subcommand plan" -s h -l help -d 'Print help'
complete -c seed -n "__fish_seed_using_subcommand describe" -s d -l db -d 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…' -r
complete -c seed -n "__fish_seed_using_subcommand describe" -l busy-timeout -d 'Seconds to wait for a lock held by another connection before failing' -r
complete -c seed -n "__fish_seed_using_subcommand describe" -l connect-timeout -d 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL\'s connect_timeout, else 10]' -r
complete -c seed -n "__fish_seed_using_subcommand describe" -l table -d 'The table' -r
complete -c seed -n "__fish_seed_using_subcommand describe" -l durable -d 'Commit with a full sync, so rows survive a power cut (not only a crash); slower'
complete -c seed -n "__fish_seed_using_subcommand describe" -s h -l help -d 'Print help'
complete -c seed -n "__fish_seed_using_subcommand completions" -s h -l help -d 'Print help'
complete -c seed -n "__fish_seed_using_subcommand man" -s h -l help -d 'Print help'
