#!/usr/bin/env bash
# Sets up the PostgreSQL server that the store's tests use, and prints its URL:
#   postgres://rapport:rapport@127.0.0.1:PORT/rapport_test
# Idempotent: installs PostgreSQL (Debian packages) if it is missing, creates a cluster if
# there is none, starts it if it is down (the server runs as the postgres user, never as
# root), and creates the role `rapport` (password `rapport`, may create databases) and
# the database `rapport_test` if they are missing. Quiet on success except for the URL.
#
# Run as root the first time. Run as another user it only checks that the server is up.
set -euo pipefail

# Everything the tools say (pg_ctlcluster prints "Removed stale pid file." on stdout, for
# one) goes to stderr, so that stdout carries the URL alone.
exec 3>&1 1>&2

readonly ROLE=rapport PASSWORD=rapport DATABASE=rapport_test

die() {
    printf 'postgres.sh: %s\n' "$*" >&2
    exit 1
}

# The first cluster pg_lsclusters lists, as "VERSION NAME PORT STATUS"; empty if none.
first_cluster() {
    if command -v pg_lsclusters >/dev/null; then
        pg_lsclusters --no-header 2>/dev/null | awk 'NR == 1 { print $1, $2, $3, $4 }'
    fi
}

# Waits up to 30 seconds for the server to take connections on 127.0.0.1:PORT.
wait_ready() {
    local port=$1 tries=0
    until pg_isready -q -h 127.0.0.1 -p "$port"; do
        tries=$((tries + 1))
        [ "$tries" -lt 60 ] || return 1
        sleep 0.5
    done
}

url() {
    printf 'postgres://%s:%s@127.0.0.1:%s/%s\n' "$ROLE" "$PASSWORD" "$1" "$DATABASE" >&3
}

if [ "$(id -u)" -ne 0 ]; then
    read -r _ _ port _ <<<"$(first_cluster)" || true
    port=${port:-5432}
    command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p "$port" ||
        die "no PostgreSQL on 127.0.0.1:$port; run this script as root once to set it up"
    url "$port"
    exit 0
fi

# The newest server version installed, from the Debian layout /usr/lib/postgresql/N.
installed_version() {
    local dir
    for dir in /usr/lib/postgresql/*/bin/postgres; do
        [ -x "$dir" ] && basename "$(dirname "$(dirname "$dir")")"
    done | sort -n | tail -n 1
}

if ! command -v pg_ctlcluster >/dev/null || [ -z "$(installed_version)" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql >/dev/null
fi

cluster=$(first_cluster)
if [ -z "$cluster" ]; then
    version=$(installed_version)
    [ -n "$version" ] || die "PostgreSQL is installed but no server version was found"
    pg_createcluster "$version" main >/dev/null
    cluster=$(first_cluster)
fi
read -r version name port status <<<"$cluster"

# As root, pg_ctlcluster runs the server as the cluster's owner.
if [[ "$status" != online* ]]; then
    pg_ctlcluster "$version" "$name" start 3>&-  # the server must not hold the URL pipe open
fi
wait_ready "$port" || die "PostgreSQL $version/$name did not start on port $port"

# Runs psql as the postgres superuser, from a folder it may read.
admin_psql() {
    (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" "$@")
}

admin_psql >/dev/null <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
        CREATE ROLE $ROLE;
    END IF;
END
\$\$;
ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
-- The tests drop the databases they made WITH (FORCE), which must end every connection
-- to them: an autovacuum worker still busy in one is not the role's own, and without
-- this the drop fails ("must be a member of ... pg_signal_backend").
GRANT pg_signal_backend TO $ROLE;
SQL
if [ -z "$(admin_psql -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" ]; then
    admin_psql -c "CREATE DATABASE $DATABASE OWNER $ROLE" >/dev/null
fi

url "$port"
