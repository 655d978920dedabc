# A throwaway PostgreSQL cluster for CI (sourced, not run): installs the Debian package
# `postgresql` if its binaries are missing, creates a cluster with initdb in a temporary
# directory as the `postgres` user, trust authentication, listening on 127.0.0.1 only, on
# a free port, and stops it by its PID.
#
#   start_postgres WORKDIR   after it: PG_PID, PG_PORT, PG_ADMIN_URL
#                            (postgres://postgres@127.0.0.1:PORT/postgres), PG_LOG
#   stop_postgres            fast shutdown (SIGINT to the postmaster), waits for the PID
#   restart_postgres         starts the same cluster again on the same port (new PG_PID)
#   psql_admin SQL           runs SQL as the postgres superuser
#   psql_at URL SQL          runs SQL on the database of URL
#
# The caller stops it: `trap stop_postgres EXIT` (or a cleanup function that calls it).

# shellcheck source=.ci/products-service.sh
. "$(dirname "${BASH_SOURCE[0]}")/products-service.sh"

# The newest installed server's binaries (/usr/lib/postgresql/VERSION/bin).
postgres_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && printf '%s\n' "$dir"
}

need_postgres() {
    if ! postgres_bin >/dev/null; then
        # Keep the package from starting a cluster of its own (on port 5432) as a service:
        # the only PostgreSQL running is the one started, and stopped, here.
        local policy=/usr/sbin/policy-rc.d created=""
        if [ ! -e "$policy" ] && [ "$(id -u)" -eq 0 ]; then
            printf '#!/bin/sh\nexit 101\n' >"$policy"
            chmod +x "$policy"
            created=yes
        fi
        local status=0
        (apt_install postgresql) || status=$?
        [ -n "$created" ] && rm -f "$policy"
        [ "$status" -eq 0 ] || fail "apt-get install postgresql failed"
    fi
    PG_BIN=$(postgres_bin) || fail "could not install PostgreSQL (no /usr/lib/postgresql/*/bin/initdb)"
    id postgres >/dev/null 2>&1 || fail "the postgresql package did not create the postgres user"
}

# Runs a command as the postgres user (initdb and postgres refuse to run as root).
as_postgres() {
    if [ "$(id -un)" = postgres ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u postgres -- "$@"
    else
        su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
}

# Starts the postmaster of $PG_DATA on $PG_PORT and waits until it accepts connections.
_pg_start() {
    : >"$PG_LOG"
    chown postgres "$PG_LOG"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
        -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1" start >/dev/null ||
        return 1
    PG_PID=$(head -n 1 "$PG_DATA/postmaster.pid")
    [ -n "$PG_PID" ] && kill -0 "$PG_PID" 2>/dev/null
}

start_postgres() {
    local work=$1
    need_postgres
    PG_WORK="$work/postgres"
    PG_DATA="$PG_WORK/data"
    PG_LOG="$PG_WORK/postgres.log"
    mkdir -p "$PG_DATA"
    # mktemp's directories are private to root; the postgres user must reach its own.
    chmod 755 "$work" "$PG_WORK"
    chown postgres "$PG_DATA"
    chmod 700 "$PG_DATA"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --no-sync >"$PG_WORK/initdb.log" 2>&1 ||
        { cat "$PG_WORK/initdb.log" >&2; fail "initdb failed"; }
    local started=""
    for _ in 1 2 3; do
        PG_PORT=$(free_port)
        if _pg_start; then
            started=yes
            break
        fi
    done
    [ -n "$started" ] || { cat "$PG_LOG" >&2; fail "PostgreSQL did not start"; }
    PG_ADMIN_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') (pid $PG_PID) on 127.0.0.1:$PG_PORT" >&2
}

stop_postgres() {
    if [ -n "${PG_PID:-}" ] && kill -0 "$PG_PID" 2>/dev/null; then
        # SIGINT: fast shutdown (roll back open transactions, disconnect clients).
        kill -INT "$PG_PID" 2>/dev/null || true
        local _
        for _ in $(seq 1 300); do
            kill -0 "$PG_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$PG_PID" 2>/dev/null && kill -KILL "$PG_PID" 2>/dev/null
    fi
    PG_PID=""
}

restart_postgres() {
    _pg_start || { cat "$PG_LOG" >&2; fail "PostgreSQL did not start again"; }
    echo "PostgreSQL restarted (pid $PG_PID) on 127.0.0.1:$PG_PORT" >&2
}

psql_admin() {
    psql_at "$PG_ADMIN_URL" "$1"
}

# psql_at URL SQL: runs SQL on the database of URL.
psql_at() {
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -At "$1" -c "$2"
}
