#!/usr/bin/env bash
# REDbot (PyPI `redbot`) against the products example: /products/1 and /products.
# REDbot always exits 0, so this reads the notes of its HAR output (.ci/redbot-notes.py):
# it fails on any note about validators, conditional requests, caching or content
# negotiation at level warning or bad, and requires that REDbot found If-None-Match and
# If-Modified-Since supported on both, i.e. answered with 304. (The seeded products are
# dated a minute back, so their Last-Modified, and the list's, is sent from the start.)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/products-service.sh
. .ci/products-service.sh

# The note ids the checker expects are REDbot 2.7's: pin it.
REDBOT_VERSION=2.7.1
VENV="${ETAG_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/etag-ci}/redbot-$REDBOT_VERSION"
if [ ! -x "$VENV/bin/redbot" ]; then
    echo "installing redbot==$REDBOT_VERSION into $VENV (pip)" >&2
    if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
        rm -rf "$VENV"
        need_debian python3 python3
        # `python3 -m venv` needs Debian's python3-venv (ensurepip), which python3 lacks.
        need_debian_packages python3-venv
        python3 -m venv "$VENV" || fail "cannot create a Python virtual environment"
    fi
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "redbot==$REDBOT_VERSION" ||
        fail "pip install redbot==$REDBOT_VERSION failed"
fi

WORK=$(mktemp -d)
cleanup() {
    stop_products
    rm -rf "$WORK"
}
trap cleanup EXIT

start_products "$WORK"

status=0
for target in "/products/1 inm,ims" "/products inm,ims"; do
    set -- $target
    path=$1 required=$2
    echo "--- redbot $PRODUCTS_URL$path"
    "$VENV/bin/redbot" -o har "$PRODUCTS_URL$path" >"$WORK/redbot.har" ||
        fail "redbot did not run against $path"
    "$VENV/bin/python" .ci/redbot-notes.py "$WORK/redbot.har" "$required" || status=1
done

if [ "$status" -ne 0 ]; then
    echo "--- service log" >&2
    cat "$PRODUCTS_LOG" >&2
    fail "REDbot reported problems (see above)"
fi
echo "redbot: all checks passed"
