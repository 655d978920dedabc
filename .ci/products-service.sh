# Shared by .ci/redbot.sh and .ci/nginx.sh (sourced, not run): build the products example,
# start it on a free loopback port with a database in a temporary directory, stop it by PID.
#
# After `start_products WORKDIR [ARGS...]`: PRODUCTS_PID, PRODUCTS_URL (http://127.0.0.1:PORT)
# and PRODUCTS_LOG (its stderr: the startup line, then one line per request).

# Prints a message and exits non-zero.
fail() {
    echo "$(basename "$0"): FAIL: $*" >&2
    exit 1
}

# Installs Debian packages when their commands are missing.
need_debian() {
    local cmd=$1
    shift
    command -v "$cmd" >/dev/null 2>&1 && return 0
    echo "installing $* (apt-get)" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    command -v "$cmd" >/dev/null 2>&1 || fail "could not install $* for \`$cmd\`"
}

# Builds the example and prints the path of its binary.
build_products() {
    cargo build --quiet -p etag-examples --example products >&2 || fail "cargo build of the products example failed"
    local bin="${CARGO_TARGET_DIR:-target}/debug/examples/products"
    [ -x "$bin" ] || fail "built binary not found at $bin"
    printf '%s\n' "$bin"
}

# start_products WORKDIR [EXTRA ARGS...]: binds 127.0.0.1:0 (the OS picks a free port) and
# reads the address back from the startup line.
start_products() {
    local work=$1
    shift
    local bin
    bin=$(build_products)
    PRODUCTS_LOG="$work/products.log"
    "$bin" --db "$work/products.db" --bind 127.0.0.1:0 "$@" 2>"$PRODUCTS_LOG" &
    PRODUCTS_PID=$!
    local addr="" _
    for _ in $(seq 1 300); do
        addr=$(sed -n 's/.*listening on http:\/\/\([^ ]*\).*/\1/p' "$PRODUCTS_LOG" | head -n 1)
        [ -n "$addr" ] && break
        kill -0 "$PRODUCTS_PID" 2>/dev/null || { cat "$PRODUCTS_LOG" >&2; fail "the products service exited at startup"; }
        sleep 0.1
    done
    [ -n "$addr" ] || { cat "$PRODUCTS_LOG" >&2; fail "the products service did not report its address within 30 s"; }
    PRODUCTS_URL="http://$addr"
    echo "products service (pid $PRODUCTS_PID) on $PRODUCTS_URL" >&2
}

# Stops the service gracefully (SIGTERM) and waits for it.
stop_products() {
    if [ -n "${PRODUCTS_PID:-}" ] && kill -0 "$PRODUCTS_PID" 2>/dev/null; then
        kill -TERM "$PRODUCTS_PID" 2>/dev/null || true
        wait "$PRODUCTS_PID" 2>/dev/null || true
    fi
    PRODUCTS_PID=""
}
