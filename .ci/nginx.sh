#!/usr/bin/env bash
# nginx as a shared cache in front of the products example (proxy_cache with
# proxy_cache_revalidate on), checking that:
#   1. a fresh entry is served from the cache (HIT);
#   2. a stale entry is revalidated with a conditional GET that the service answers 304
#      (REVALIDATED in nginx's $upstream_cache_status, a 304 in the service's log);
#   3. after a PUT (with If-Match, through the proxy) the cache serves the new
#      representation once its entry is stale (EXPIRED: the service answered 200);
#   4. nginx answers a client's If-None-Match from the cache with a 304.
# The service sends `Cache-Control: max-age=2` here (--max-age 2), so nginx caches without
# any override of the service's headers. Everything runs on free loopback ports, in a
# temporary directory, and is stopped by PID at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/products-service.sh
. .ci/products-service.sh

MAX_AGE=2

need_debian nginx nginx
need_debian curl curl ca-certificates

WORK=$(mktemp -d)
NGINX_PID=""
cleanup() {
    if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill -TERM "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    fi
    stop_products
    rm -rf "$WORK"
}
trap cleanup EXIT

show_logs() {
    echo "--- nginx access log" >&2
    cat "$WORK/access.log" >&2 2>/dev/null || true
    echo "--- nginx error log" >&2
    tail -n 20 "$WORK/error.log" >&2 2>/dev/null || true
    echo "--- service log" >&2
    cat "$PRODUCTS_LOG" >&2 2>/dev/null || true
}
check() {
    # check CONDITION-DESCRIPTION TEST...
    local what=$1
    shift
    if ! "$@"; then
        show_logs
        fail "$what"
    fi
    echo "ok: $what"
}

start_products "$WORK" --max-age "$MAX_AGE"

mkdir -p "$WORK/tmp" "$WORK/cache" "$WORK/logs"
start_nginx() {
    NGINX_PORT=$(free_port)
    cat >"$WORK/nginx.conf" <<EOF
# One foreground process as the invoking user (no privilege drop, no daemon).
daemon off;
master_process off;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/error.log info;
events { worker_connections 64; }
http {
    log_format cache '\$request \$status cache=\$upstream_cache_status upstream=\$upstream_status';
    access_log $WORK/access.log cache;
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;
    proxy_cache_path $WORK/cache levels=1:2 keys_zone=products:1m max_size=10m inactive=10m use_temp_path=off;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass $PRODUCTS_URL;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache products;
            # Revalidate stale entries with If-None-Match / If-Modified-Since.
            proxy_cache_revalidate on;
            add_header X-Cache-Status \$upstream_cache_status always;
        }
    }
}
EOF
    nginx -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/error.log" &
    NGINX_PID=$!
    for _ in $(seq 1 100); do
        if curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/products"; then
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
PROXY="http://127.0.0.1:$NGINX_PORT"
echo "nginx (pid $NGINX_PID) on $PROXY, caching $PRODUCTS_URL"
# The readiness probe above went to /products, not /products/1: start from a clean log.
: >"$WORK/access.log"

# fetch NAME [CURL ARGS...]: GET through nginx into $WORK/NAME.{headers,body}.
fetch() {
    local name=$1
    shift
    curl -sS -D "$WORK/$name.headers" -o "$WORK/$name.body" "$@" "$PROXY/products/1"
}
status_of() { head -n 1 "$WORK/$1.headers" | awk '{print $2}'; }
header_of() { grep -i "^$2:" "$WORK/$1.headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }
service_count() { grep -c "$1" "$PRODUCTS_LOG" || true; }

# 1. MISS, then HIT while fresh.
fetch first
check "first GET is a 200 MISS" test "$(status_of first) $(header_of first X-Cache-Status)" = "200 MISS"
ETAG1=$(header_of first ETag)
check "the service sent a strong ETag" test -n "$ETAG1"
check "the service sent Cache-Control: max-age=$MAX_AGE" test "$(header_of first Cache-Control)" = "max-age=$MAX_AGE"
fetch second
check "second GET within max-age is a HIT" test "$(status_of second) $(header_of second X-Cache-Status)" = "200 HIT"

# 2. Stale: nginx revalidates, the service answers 304, the client gets the cached 200.
sleep $((MAX_AGE + 1))
before=$(service_count "\"GET /products/1 HTTP/1.1\" 304 ")
fetch third
check "a stale entry is REVALIDATED" test "$(status_of third) $(header_of third X-Cache-Status)" = "200 REVALIDATED"
check "the service answered the revalidation with 304" test "$(service_count "\"GET /products/1 HTTP/1.1\" 304 ")" -gt "$before"
check "nginx logged REVALIDATED with upstream 304" grep -q "GET /products/1 HTTP/1.1 200 cache=REVALIDATED upstream=304" "$WORK/access.log"
check "the revalidated body is the cached one" cmp -s "$WORK/first.body" "$WORK/third.body"
check "the revalidated response keeps the ETag" test "$(header_of third ETag)" = "$ETAG1"

# 3. A write through the proxy: a stale tag is refused, the current one accepted.
body='{"name":"Espresso cup","description":"Porcelain, 90 ml, restocked.","price_cents":1250,"stock":4242}'
code=$(curl -sS -o "$WORK/stale-put.body" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    -H 'If-Match: "stale"' --data "$body" "$PROXY/products/1")
check "a PUT with a stale If-Match is 412 through the proxy" test "$code" = 412
code=$(curl -sS -D "$WORK/put.headers" -o "$WORK/put.body" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    -H "If-Match: $ETAG1" --data "$body" "$PROXY/products/1")
check "a PUT with the current If-Match is 200 through the proxy" test "$code" = 200
ETAG2=$(header_of put ETag)
check "the PUT answered a new ETag" test -n "$ETAG2" -a "$ETAG2" != "$ETAG1"

# ... once the entry is stale, revalidation fails (the tag changed): the new representation.
sleep $((MAX_AGE + 1))
fetch fourth
check "after the PUT, the stale entry is replaced (EXPIRED, 200 from the service)" \
    test "$(status_of fourth) $(header_of fourth X-Cache-Status)" = "200 EXPIRED"
check "nginx logged EXPIRED with upstream 200" grep -q "GET /products/1 HTTP/1.1 200 cache=EXPIRED upstream=200" "$WORK/access.log"
check "the cache serves the new ETag" test "$(header_of fourth ETag)" = "$ETAG2"
check "the cache serves the new stock" grep -q '"stock":4242' "$WORK/fourth.body"
fetch fifth
check "the new representation is then a HIT" test "$(status_of fifth) $(header_of fifth X-Cache-Status) $(header_of fifth ETag)" = "200 HIT $ETAG2"
check "the new representation is served from the cache" grep -q '"stock":4242' "$WORK/fifth.body"

# 4. A client's own conditional request is answered by nginx from the cache.
fetch sixth -H "If-None-Match: $ETAG2"
check "nginx answers the client's If-None-Match with 304" test "$(status_of sixth)" = 304
fetch seventh -H "If-None-Match: $ETAG1"
check "an old tag gets the full new representation" test "$(status_of seventh)" = 200

echo "--- nginx access log"
cat "$WORK/access.log"
echo "nginx: all checks passed"
