#!/usr/bin/env bash
# Many instances, one truth. Two instances of the products example on one PostgreSQL
# database behind nginx (examples/nginx/products.conf, round-robin), checking that:
#   1. both start at once on a new database (the migrations and the seed run once);
#   2. 16 clients x 50 If-Match increments through nginx end at exactly start + 800, and
#      both instances served writes;
#   3. the same product has the same ETag on both instances, and a tag from one
#      revalidates (304) on the other;
#   4. nginx's proxy_cache in front of both revalidates stale entries with 304s
#      ($upstream_cache_status REVALIDATED, upstream 304);
#   5. kill -9 of one instance under If-Match load, then a restart: no acknowledged write
#      lost, none half-applied (examples/tests/scale_out.rs says how writes are counted);
#   6. PostgreSQL stopped under load: 503 problem+json with Retry-After within a bounded
#      time, no 500, and the same instances recover when it is back;
#   7. kill -9 of a single instance on an SQLite file under load, restart on the same file:
#      the same accounting as 5.
# The load is the ignored tests of examples/tests/scale_out.rs, pointed at the proxy or an
# instance by PRODUCTS_LOAD_URL. Everything listens on 127.0.0.1, on free ports, in a
# temporary directory, and every process is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/postgres.sh
. .ci/postgres.sh

MAX_AGE=2

need_debian nginx nginx
need_debian curl curl ca-certificates

WORK=$(mktemp -d)
A_PID="" B_PID="" S_PID="" NGINX_PID="" LOAD_PID=""
stop_pid() {
    local pid=$1
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
}
trap 'exit 130' INT TERM
cleanup() {
    stop_pid "$LOAD_PID"
    stop_pid "$NGINX_PID"
    stop_pid "$A_PID"
    stop_pid "$B_PID"
    stop_pid "$S_PID"
    stop_postgres
    rm -rf "$WORK"
}
trap cleanup EXIT

show_logs() {
    local f
    for f in "$WORK"/*.log "$WORK"/nginx/*.log; do
        [ -f "$f" ] || continue
        echo "--- $f (last 30 lines)" >&2
        tail -n 30 "$f" >&2
    done
}
check() {
    local what=$1
    shift
    if ! "$@"; then
        show_logs
        fail "$what"
    fi
    echo "ok: $what"
}

BIN=$(build_products)
# The load: built once, then its binary run by name (so that $! is the load itself, and
# stopping it by its PID stops it whole).
LOAD_BIN=$(cargo test -p etag-examples --test scale_out --no-run 2>&1 |
    sed -n 's/.*Executable tests\/scale_out.rs (\(.*\))$/\1/p' | tail -n 1)
[ -n "$LOAD_BIN" ] && [ -x "$LOAD_BIN" ] || fail "cannot build the load test"
load() {
    local url=$1 name=$2
    PRODUCTS_LOAD_URL="$url" "$LOAD_BIN" --ignored --exact "$name" --nocapture
}

# launch_instance NAME BIND DB: starts an instance, logging to $WORK/NAME.log (appended
# across restarts); sets NAME_PID. await_instance NAME: waits for its startup line (the
# newest one), sets NAME_URL. start_instance NAME BIND DB: both.
launch_instance() {
    local name=$1 bind=$2 db=$3 log="$WORK/$1.log"
    printf -v "${name}_STARTS" '%s' "$(grep -c "listening on http://" "$log" 2>/dev/null || true)"
    "$BIN" --db "$db" --bind "$bind" --max-age "$MAX_AGE" --workers 2 >>"$log" 2>&1 &
    printf -v "${name}_PID" '%s' "$!"
}
await_instance() {
    local name=$1 log="$WORK/$1.log"
    local pid_var="${name}_PID" starts_var="${name}_STARTS"
    local pid=${!pid_var} before=${!starts_var:-0}
    local addr="" _
    for _ in $(seq 1 300); do
        if [ "$(grep -c "listening on http://" "$log" || true)" -gt "${before:-0}" ]; then
            addr=$(sed -n 's/.*listening on http:\/\/\([^ ]*\).*/\1/p' "$log" | tail -n 1)
            break
        fi
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "instance $name exited at startup"; }
        sleep 0.1
    done
    [ -n "$addr" ] || { cat "$log" >&2; fail "instance $name did not start within 30 s"; }
    printf -v "${name}_URL" 'http://%s' "$addr"
    echo "instance $name (pid $pid) on http://$addr" >&2
}
start_instance() {
    launch_instance "$@"
    await_instance "$1"
}

# version_of URL: product 1's version ("" when unreachable).
version_of() {
    curl -s --max-time 10 "$1/products/1" | sed -n 's/.*"version":\([0-9]*\).*/\1/p'
}

# under_load URL NAME FAULT: runs the load NAME against URL in the background, waits until
# it has written 100 times (read through WATCH_URL), runs FAULT while the load still runs
# (it must then see requests fail: PRODUCTS_EXPECT_FAILURES), then waits for the load.
under_load() {
    local url=$1 name=$2 fault=$3
    local start now _
    start=$(version_of "$WATCH_URL")
    [ -n "$start" ] || fail "cannot read product 1 from $WATCH_URL"
    PRODUCTS_LOAD_URL="$url" PRODUCTS_EXPECT_FAILURES=1 \
        "$LOAD_BIN" --ignored --exact "$name" --nocapture &
    LOAD_PID=$!
    for _ in $(seq 1 600); do
        now=$(version_of "$WATCH_URL")
        [ -n "$now" ] && [ "$now" -ge $((start + 100)) ] && break
        kill -0 "$LOAD_PID" 2>/dev/null || break
        sleep 0.1
    done
    if ! kill -0 "$LOAD_PID" 2>/dev/null; then
        wait "$LOAD_PID" || true
        LOAD_PID=""
        echo "the load ended before the fault (at version ${now:-?}, from $start)" >&2
        return 1
    fi
    echo "--- fault at version ${now:-?} (load started at $start): $fault" >&2
    "$fault"
    local status=0
    wait "$LOAD_PID" || status=$?
    LOAD_PID=""
    return "$status"
}

# The catalog row counts every write to any product in the same statement (a trigger):
# after a crash or an outage it still equals the sum of the product versions, or a write
# was half-applied.
catalog_consistent_pg() {
    test "$(psql_at "$DB_URL" "SELECT (SELECT version FROM catalog) = (SELECT SUM(version) FROM products)")" = t
}
catalog_consistent_sqlite() {
    python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
catalog = db.execute("SELECT version FROM catalog").fetchone()[0]
total = db.execute("SELECT SUM(version) FROM products").fetchone()[0]
print(f"catalog version {catalog}, sum of product versions {total}", file=sys.stderr)
sys.exit(0 if catalog == total else 1)
PY
}
# No instance panicked (a panic drops a connection, which the load counts as in doubt).
no_panic() { ! grep -q 'panicked' "$WORK"/A.log "$WORK"/B.log "$WORK"/S.log 2>/dev/null; }

served() { grep -cE "\"(PUT|PATCH) /products/1 HTTP/1.1\" $2 " "$WORK/$1.log" || true; }

# --- PostgreSQL, and two instances starting at once on its new database
start_postgres "$WORK"
psql_admin "CREATE DATABASE products"
DB_URL="postgres://postgres@127.0.0.1:$PG_PORT/products"
A_PORT=$(free_port)
B_PORT=$(free_port)
launch_instance A "127.0.0.1:$A_PORT" "$DB_URL"
launch_instance B "127.0.0.1:$B_PORT" "$DB_URL"
await_instance A
await_instance B
check "two instances starting at once seeded the database once" \
    test "$(psql_at "$DB_URL" "SELECT count(*) FROM products") $(psql_at "$DB_URL" "SELECT version FROM catalog")" = "3 3"

# --- nginx from the shipped template
mkdir -p "$WORK/nginx/tmp" "$WORK/nginx/cache"
start_nginx() {
    PROXY_PORT=$(free_port)
    CACHE_PORT=$(free_port)
    sed -e "s|@WORK@|$WORK/nginx|g" -e "s|@PROXY_PORT@|$PROXY_PORT|g" -e "s|@CACHE_PORT@|$CACHE_PORT|g" \
        -e "s|@INSTANCE_A@|127.0.0.1:$A_PORT|g" -e "s|@INSTANCE_B@|127.0.0.1:$B_PORT|g" \
        examples/nginx/products.conf >"$WORK/nginx/products.conf"
    nginx -p "$WORK/nginx" -c "$WORK/nginx/products.conf" -e "$WORK/nginx/error.log" &
    NGINX_PID=$!
    local _
    for _ in $(seq 1 100); do
        if curl -s -o /dev/null "http://127.0.0.1:$PROXY_PORT/products" &&
            curl -s -o /dev/null "http://127.0.0.1:$CACHE_PORT/nothing"; then
            return 0
        fi
        kill -0 "$NGINX_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
started=""
for _ in 1 2 3; do
    if start_nginx; then
        started=yes
        break
    fi
    wait "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=""
done
[ -n "$started" ] || { show_logs; fail "nginx did not start"; }
PROXY="http://127.0.0.1:$PROXY_PORT"
CACHE="http://127.0.0.1:$CACHE_PORT"
echo "nginx $(nginx -v 2>&1 | sed 's/.*\///') (pid $NGINX_PID): proxy $PROXY, cache $CACHE, over $A_URL and $B_URL"
WATCH_URL=$B_URL

# --- 2. the lost-update bar through nginx, spread across both instances
step_start=$(date +%s)
check "16 x 50 If-Match increments through nginx end at start + 800" \
    load "$PROXY" if_match_increments_through_the_proxy_lose_no_update
a_writes=$(( $(served A 200) ))
b_writes=$(( $(served B 200) ))
echo "writes acknowledged by A: $a_writes, by B: $b_writes; 412s: A $(served A 412), B $(served B 412) ($(( $(date +%s) - step_start )) s)"
check "both instances served writes" test "$a_writes" -gt 0 -a "$b_writes" -gt 0
check "every acknowledged write is in one instance's log" test $((a_writes + b_writes)) = 800
upstream_count() { grep -c "upstream=127.0.0.1:$1" "$WORK/nginx/access.log" || true; }
check "nginx sent requests to both instances" test "$(upstream_count "$A_PORT")" -gt 0 -a "$(upstream_count "$B_PORT")" -gt 0

# --- 3. the same tags on both instances
check "the same product has the same ETag on both instances" \
    env PRODUCTS_INSTANCE_URLS="$A_URL,$B_URL" "$LOAD_BIN" \
    --ignored --exact every_instance_gives_the_same_tags --nocapture

# --- 4. a shared cache in front of both revalidates with 304s
cache_get() { curl -sS -D "$WORK/$2.headers" -o "$WORK/$2.body" "$CACHE$1"; }
cache_status() { grep -i '^x-cache-status:' "$WORK/$1.headers" | tr -d '\r' | awk '{print $2}'; }
for path in /products/1 /products; do
    cache_get "$path" first
    check "GET $path through the cache: MISS" test "$(cache_status first)" = MISS
    cache_get "$path" second
    check "GET $path within max-age: HIT" test "$(cache_status second)" = HIT
    for round in 1 2; do
        sleep $((MAX_AGE + 1))
        cache_get "$path" stale
        check "GET $path once stale ($round): REVALIDATED" test "$(cache_status stale)" = REVALIDATED
        check "the revalidated body of $path is the cached one" cmp -s "$WORK/first.body" "$WORK/stale.body"
    done
    check "nginx logged REVALIDATED with upstream 304 for $path" \
        grep -q "GET $path HTTP/1.1 200 upstream=.* upstream_status=304 cache=REVALIDATED" "$WORK/nginx/access.log"
done
echo "revalidations answered 304 by A: $(grep -c '"GET /products[^ ]* HTTP/1.1" 304 ' "$WORK/A.log" || true), by B: $(grep -c '"GET /products[^ ]* HTTP/1.1" 304 ' "$WORK/B.log" || true)"

# --- 5. kill -9 one instance under load, restart it
kill_a() {
    kill -KILL "$A_PID"
    wait "$A_PID" 2>/dev/null || true
    echo "killed A (pid $A_PID) with SIGKILL" >&2
    sleep 1
    start_instance A "127.0.0.1:$A_PORT" "$DB_URL"
}
step_start=$(date +%s)
check "kill -9 of an instance under If-Match load loses no acknowledged write" \
    under_load "$PROXY" if_match_increments_survive_a_crash kill_a
echo "($(( $(date +%s) - step_start )) s)"
check "after the crash, the catalog still counts every product write" catalog_consistent_pg

# --- 6. PostgreSQL stopped under load, then started again
# A write sent straight to an instance while the database is down: 503 problem+json with
# Retry-After, within a bounded time.
write_during_outage() {
    local headers="$WORK/outage-write.headers" code
    code=$(curl -sS --max-time 15 -o "$WORK/outage-write.body" -D "$headers" -w '%{http_code}' \
        -X PATCH -H 'If-Match: "any"' -H 'Content-Type: application/merge-patch+json' \
        --data '{"stock": 1}' "$A_URL/products/1") || return 1
    echo "a PATCH during the outage: $code, $(tr -d '\r' <"$headers" | grep -i '^retry-after:')" >&2
    test "$code" = 503 &&
        grep -qi '^content-type: application/problem+json' "$headers" &&
        grep -qi '^retry-after: [0-9]' "$headers"
}
outage() {
    stop_postgres
    echo "stopped PostgreSQL" >&2
    sleep 2
    OUTAGE_WRITE=ok
    write_during_outage || OUTAGE_WRITE=failed
    sleep 6
    restart_postgres
}
step_start=$(date +%s)
check "PostgreSQL stopped under load: 503s with Retry-After, then recovery" \
    under_load "$PROXY" if_match_increments_ride_out_a_database_outage outage
echo "($(( $(date +%s) - step_start )) s)"
check "a write during the outage was answered 503 problem+json with Retry-After" test "$OUTAGE_WRITE" = ok
check "after the outage, the catalog still counts every product write" catalog_consistent_pg
check "the instances answered 503 while the database was down" \
    grep -q '" 503 .* error: database unavailable' "$WORK/A.log" "$WORK/B.log"
check "no instance answered 500" test "$(cat "$WORK/A.log" "$WORK/B.log" | grep -c '" 500 ' || true)" = 0
check "the same instances recovered without a restart" kill -0 "$A_PID" "$B_PID"
check "instance A serves again" test "$(curl -s -o /dev/null -w '%{http_code}' "$A_URL/products/1")" = 200
check "instance B serves again" test "$(curl -s -o /dev/null -w '%{http_code}' "$B_URL/products/1")" = 200

# --- 7. SQLite: one instance, kill -9 under load, restart on the same file
S_PORT=$(free_port)
start_instance S "127.0.0.1:$S_PORT" "$WORK/crash.db"
kill_s() {
    kill -KILL "$S_PID"
    wait "$S_PID" 2>/dev/null || true
    echo "killed S (pid $S_PID) with SIGKILL" >&2
    sleep 1
    start_instance S "127.0.0.1:$S_PORT" "$WORK/crash.db"
}
WATCH_URL=$S_URL
step_start=$(date +%s)
check "kill -9 of an SQLite instance under If-Match load loses no acknowledged write" \
    under_load "$S_URL" if_match_increments_survive_a_crash kill_s
echo "($(( $(date +%s) - step_start )) s)"
check "after the crash, the SQLite catalog still counts every product write" catalog_consistent_sqlite "$WORK/crash.db"
check "no instance panicked" no_panic

echo "scale-out: all checks passed"
