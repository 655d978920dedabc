#!/usr/bin/env bash
# The products example's test suite again, on PostgreSQL: a throwaway cluster
# (.ci/postgres.sh), and PRODUCTS_TEST_POSTGRES pointing the test support at it, so that
# every test server runs on a fresh database of its own (created and dropped by the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/postgres.sh
. .ci/postgres.sh

WORK=$(mktemp -d)
cleanup() {
    stop_postgres
    rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres "$WORK"
PRODUCTS_TEST_POSTGRES="$PG_ADMIN_URL" cargo test -p etag-examples
left=$(psql_admin "SELECT count(*) FROM pg_database WHERE datname LIKE 'etag_test_%'")
[ "$left" = 0 ] || fail "the tests left $left databases behind"
echo "postgres-tests: all checks passed"
