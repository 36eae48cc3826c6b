
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'seed' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'seed'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'seed' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('users', 'users', [CompletionResultType]::ParameterValue, 'Insert fake users with random roles, one commit per row, into an app''s users table or the one a plan names')
            [CompletionResult]::new('roles', 'roles', [CompletionResultType]::ParameterValue, 'Create or update the app''s roles (flask-base: User and Administrator; a plan''s roles table: its [roles.NAME] rows; idempotent)')
            [CompletionResult]::new('admin', 'admin', [CompletionResultType]::ParameterValue, 'Create one administrator who can log in, unless the email (or username) exists')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Print the plan seed would use (the table, and what fills each column) as TOML, to keep as seed.toml and edit')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Print a table as the database''s catalog describes it, as JSON (what a plan is inferred from)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff): seed''s, or one command''s')
            break
        }
        'seed;users' {
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]')
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'The users table, when no plan names it: its plan is inferred from its columns [default: an app''s table, else the one table named like a users table]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Rows to attempt (with --exact: rows to insert)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Rows to attempt (with --exact: rows to insert)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Seed for the generator: the same seed gives the same rows [default: random, and reported]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the generator: the same seed gives the same rows [default: random, and reported]')
            [CompletionResult]::new('--locale', '--locale', [CompletionResultType]::ParameterName, 'Whose names the users get, in the locale''s own script (stored as UTF-8); emails and logins are the names written in lowercase ASCII')
            [CompletionResult]::new('--role-weights', '--role-weights', [CompletionResultType]::ParameterName, 'Role mix by role name, e.g. User=9,Administrator=1 (flask-base), user=9,admin=1 (ctfd), user=8,staff=1,superuser=1 (django); roles not named get 0 [default: flask-base: uniform over the roles in the table; ctfd: user=9,admin=1; django: user=8,staff=1,superuser=1]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password every seeded user logs in with (other users of the machine see it in `ps`; --password-file and SEED_PASSWORD they do not)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from FILE, or from stdin with -; one trailing newline is dropped')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Rows per transaction (SQLite: each row in its own savepoint; servers: multi-row statements, and 10000 or more a bulk load); 1 commits every row on its own')
            [CompletionResult]::new('--hash-iterations', '--hash-iterations', [CompletionResultType]::ParameterName, 'Work of the password hash for the formats that are not bcrypt: PBKDF2 iterations (flask-base, django, aspnet-identity-v3), Argon2''s time cost, scrypt''s log2 N (the seeded password is public, so the cost buys nothing) [default: 10000 for PBKDF2, 2 for Argon2, 15 for scrypt]')
            [CompletionResult]::new('--bcrypt-cost', '--bcrypt-cost', [CompletionResultType]::ParameterName, 'bcrypt cost of the password hash, for ctfd, laravel and devise, 4 to 31 (the seeded password is public, so the cost buys nothing; each step halves or doubles the one hash per run) [default: 12, the apps'' own]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Timestamps (joined, created, verified) fall in the year before this UTC instant: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS [default: 2026-01-01T00:00:00]')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Connections inserting at once (PostgreSQL, MySQL); the same --seed gives the same users, with other ids')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Connections inserting at once (PostgreSQL, MySQL); the same --seed gives the same users, with other ids')
            [CompletionResult]::new('--expect-digest', '--expect-digest', [CompletionResultType]::ParameterName, 'Fail (exit 1, after the run) unless the rows generated have this digest, as --json prints it: sha256:<64 hex digits>')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a lock held by another connection before failing')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL''s connect_timeout, else 10]')
            [CompletionResult]::new('--exact', '--exact', [CompletionResultType]::ParameterName, 'Insert exactly N rows, retrying duplicates (up to max(10×N, N+10000) attempts)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Generate the rows and count the duplicates among them, writing nothing: no file is created and no server is connected to, except to read which plan the database needs when no --app or --plan names it. Keeps about 16 bytes a row in memory (160 MB for 10 million), and is refused before it starts if that is more than the memory available')
            [CompletionResult]::new('--durable', '--durable', [CompletionResultType]::ParameterName, 'Commit with a full sync, so rows survive a power cut (not only a crash); slower')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'seed;roles' {
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]')
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'The users table, when no plan names it: its plan is inferred from its columns [default: an app''s table, else the one table named like a users table]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a lock held by another connection before failing')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL''s connect_timeout, else 10]')
            [CompletionResult]::new('--durable', '--durable', [CompletionResultType]::ParameterName, 'Commit with a full sync, so rows survive a power cut (not only a crash); slower')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'seed;admin' {
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]')
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'The users table, when no plan names it: its plan is inferred from its columns [default: an app''s table, else the one table named like a users table]')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'The administrator''s email (the login, but for django)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'The name the administrator logs in by besides the email: django''s username, ctfd''s name [default: the email''s local part]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The name the administrator logs in by besides the email: django''s username, ctfd''s name [default: the email''s local part]')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'The password (other users of the machine see it in `ps`; --password-file and SEED_PASSWORD they do not) [default: a random one, printed on stdout]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from FILE, or from stdin with -; one trailing newline is dropped')
            [CompletionResult]::new('--first-name', '--first-name', [CompletionResultType]::ParameterName, 'The administrator''s first name')
            [CompletionResult]::new('--last-name', '--last-name', [CompletionResultType]::ParameterName, 'The administrator''s last name')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a lock held by another connection before failing')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL''s connect_timeout, else 10]')
            [CompletionResult]::new('--durable', '--durable', [CompletionResultType]::ParameterName, 'Commit with a full sync, so rows survive a power cut (not only a crash); slower')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON object on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Nothing on stderr but errors: for seed users, no progress (the bar, or where stderr is not a terminal a line every 10 seconds) and no summary; for roles and admin, no report of what was done')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'seed;plan' {
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'The app whose users table to fill, by its built-in plan [default: ./seed.toml if there is one, else read from the tables already there; flask-base if there are none]')
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'The plan file to fill the table by (see seed plan) [default: ./seed.toml if there is one]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'The users table, when no plan names it: its plan is inferred from its columns [default: an app''s table, else the one table named like a users table]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a lock held by another connection before failing')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL''s connect_timeout, else 10]')
            [CompletionResult]::new('--durable', '--durable', [CompletionResultType]::ParameterName, 'Commit with a full sync, so rows survive a power cut (not only a crash); slower')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the plan as one JSON object instead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'seed;describe' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database: a SQLite file path, sqlite:PATH[?mode=ro], postgres://… or mysql://…')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a lock held by another connection before failing')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds connecting to a server may take, TLS and login included, before failing [default: the URL''s connect_timeout, else 10]')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'The table')
            [CompletionResult]::new('--durable', '--durable', [CompletionResultType]::ParameterName, 'Commit with a full sync, so rows survive a power cut (not only a crash); slower')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'seed;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'seed;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
