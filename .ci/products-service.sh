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

# apt-get install, as root: directly when we are root, else through sudo (whose default
# env_reset would drop a DEBIAN_FRONTEND set in front of it, hence `env`).
apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing $* (apt-get)" >&2
    $sudo apt-get update -qq >/dev/null
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Whether a Debian package is installed (not merely known to dpkg, as `dpkg -s` of a removed
# package with its configuration left would report).
debian_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# need_debian COMMAND PACKAGE...: installs the packages when COMMAND is missing.
need_debian() {
    local cmd=$1
    shift
    command -v "$cmd" >/dev/null 2>&1 && return 0
    apt_install "$@"
    command -v "$cmd" >/dev/null 2>&1 || fail "could not install $* for \`$cmd\`"
}

# need_debian_packages PACKAGE...: installs those of the packages that are not installed
# (for packages that bring no command of their own, such as python3-venv).
need_debian_packages() {
    local pkg missing=()
    for pkg in "$@"; do
        debian_installed "$pkg" || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    apt_install "${missing[@]}"
    for pkg in "${missing[@]}"; do
        debian_installed "$pkg" || fail "could not install the Debian package $pkg"
    done
}

# Prints a free TCP port on 127.0.0.1: a random one nobody listens on (a caller that
# binds it retries on the rare clash).
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$(( (RANDOM % 20000) + 30000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    fail "no free port found"
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
