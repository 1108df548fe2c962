#!/usr/bin/env bash
# Stabil's two entry points. On a fresh Debian machine with Python 3.11 they install everything they need:
#
#   ./run.sh demo    set up and run the demo municipality on http://127.0.0.1:8000 (SQLite)
#   ./run.sh test    set up and run the whole test suite, on SQLite and then on PostgreSQL
#
# Also: ./run.sh setup (install only), ./run.sh bench [NAME] (benchmarks, see bench/README.md).
# Arguments after the command are passed on (to `stabil demo`, or to pytest).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "run.sh: root (or sudo) is needed to install Debian packages: $*" >&2; return 1; fi
}

APT_UPDATED=0
ensure_debs() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "Installing Debian packages: ${missing[*]}"
    if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Libraries WeasyPrint (PDF board papers) needs, a font with å ä ö, gettext for translations.
RUNTIME_DEBS=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core gettext)
# Browser tests drive Debian's Chromium; pdftotext-free checks use pypdf.
TEST_DEBS=(chromium chromium-driver)

ensure_venv() {
    local extras=$1
    if [ ! -x "$PY" ]; then
        log "Creating the virtual environment in .venv"
        if ! python3 -m venv "$VENV" 2>/dev/null; then
            rm -rf "$VENV"
            ensure_debs python3-venv
            python3 -m venv "$VENV"
        fi
    fi
    # Reinstall only when pyproject.toml or the extras changed.
    local stamp="$VENV/.stamp-$(echo "$extras" | tr -c 'a-z' '_')"
    local want
    want=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        log "Installing Stabil and its Python packages${extras:+ ($extras)}"
        "$PY" -m pip install -q --upgrade pip >&2
        "$PY" -m pip install -q -e ".${extras:+[$extras]}" >&2
        echo "$want" > "$stamp"
    fi
}

compile_translations() {
    if command -v msgfmt >/dev/null; then
        (cd src/stabil && DJANGO_SETTINGS_MODULE=stabil.config.settings "$VENV/bin/django-admin" compilemessages -v 0 >&2) || true
    fi
}

PG_URL_DEFAULT="postgresql://postgres@127.0.0.1:5432/postgres"
ensure_postgres() {
    # DATABASE_URL pointing at PostgreSQL wins; otherwise the local server on 127.0.0.1:5432.
    if [ -n "${DATABASE_URL:-}" ] && [[ "$DATABASE_URL" == postgres* ]]; then PG_URL=$DATABASE_URL; return 0; fi
    PG_URL=$PG_URL_DEFAULT
    ensure_debs postgresql-client
    if pg_isready -q -h 127.0.0.1 -p 5432; then return 0; fi
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
        ensure_debs postgresql
        # A fresh Debian cluster asks for passwords over TCP; the suite's throwaway server trusts local TCP.
        local hba
        hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -1)
        as_root sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
    fi
    local version
    version=$(ls /etc/postgresql | sort -V | tail -1)
    log "Starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
    echo "run.sh: PostgreSQL did not start on 127.0.0.1:5432" >&2
    return 1
}

# The log-in tests run a real OpenID Connect provider (npm's oidc-provider) with Node.js: installed from
# tests/oidc/package-lock.json when missing or changed (npm's cache is used first, so it works offline once fetched).
ensure_oidc_provider() {
    command -v node >/dev/null && command -v npm >/dev/null || ensure_debs nodejs npm
    local dir="$ROOT/tests/oidc" stamp="$ROOT/tests/oidc/node_modules/.stamp" want
    want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        log "Installing the test OpenID Connect provider (npm ci in tests/oidc)"
        (cd "$dir" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2)
        echo "$want" > "$stamp"
    fi
}

setup_runtime() { ensure_debs "${RUNTIME_DEBS[@]}"; ensure_venv ""; compile_translations; }
setup_test() {
    ensure_debs "${RUNTIME_DEBS[@]}" "${TEST_DEBS[@]}"; ensure_venv "test"; ensure_oidc_provider; compile_translations
}

drop_test_databases() {
    # pytest-django drops its databases, but not one a lingering connection still holds; this run's go anyway.
    "$PY" - "$1" "$STABIL_TEST_RUN_ID" <<'PYEOF' || true
import sys
import psycopg
url, run_id = sys.argv[1], sys.argv[2]
with psycopg.connect(url, autocommit=True) as conn:
    names = [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (f"test_%{run_id}%",))]
    for name in names:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    # The access-log tests create this run's owner and app roles (tests/audit); a crashed run may leave them.
    roles = [r[0] for r in conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"%{run_id.lower()}%",))]
    for role in roles:
        try:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')
        except psycopg.Error:
            pass
PYEOF
}

run_suite() {
    local label=$1 url=$2; shift 2
    log "Test suite on $label"
    local workers=()
    if [ "$(nproc)" -ge 2 ]; then workers=(-n 2 --dist loadfile); fi
    DATABASE_URL=$url STABIL_DATA_DIR=$TEST_TMP STABIL_TASK_BACKEND=immediate \
        STABIL_SECRET_KEY=test-only-secret-key-not-for-production \
        "$VENV/bin/pytest" "${workers[@]}" -p no:cacheprovider "$@"
}

cmd=${1:-help}
shift || true
case "$cmd" in
    demo)
        setup_runtime
        export STABIL_DATA_DIR=${STABIL_DATA_DIR:-$ROOT}
        exec "$VENV/bin/stabil" demo "$@"
        ;;
    setup)
        setup_test
        ;;
    test)
        setup_test
        ensure_postgres
        TEST_TMP=$(mktemp -d)
        trap 'rm -rf "$TEST_TMP"' EXIT
        export STABIL_TEST_RUN_ID="r$(date +%s)$$"
        status=0
        run_suite "SQLite" "sqlite:///$TEST_TMP/stabil.sqlite3" "$@" || status=$?
        run_suite "PostgreSQL" "$PG_URL" "$@" || status=$?
        drop_test_databases "$PG_URL"
        if [ "$status" != 0 ]; then log "Tests FAILED"; else log "All tests passed on SQLite and PostgreSQL"; fi
        exit "$status"
        ;;
    bench)
        setup_test
        ensure_venv "test,bench"  # locust for bench/load_bench.py
        ensure_postgres
        name=${1:-all}
        shift || true
        if [ "$name" = all ]; then
            for script in bench/*_bench.py; do log "$script"; "$PY" "$script" "$@"; done
        else
            "$PY" "bench/${name}_bench.py" "$@"
        fi
        ;;
    *)
        sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
