#!/usr/bin/env bash
# Prepares a fresh machine (node 20 + npm, root, Debian) for `pnpm start` / `pnpm test`.
# Idempotent: every step checks before it installs, so running it again costs seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION="$(node -p 'require("./package.json").packageManager.split("@")[1]')"

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != "$PNPM_VERSION" ]]; then
  echo "bootstrap: installing pnpm@$PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

# System packages the tests need: Chromium for the e2e suite, redis-server for the BullMQ
# benchmark peer, faketime for the clock-skew test (it skews a worker's whole process clock,
# SQLite's included), PostgreSQL's server binaries for the Postgres backend's tests (each test
# file starts a throwaway server of its own, test-support/src/postgres.ts). Installed only when
# missing, and only where we may (root on Debian).
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: apt-get install ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bootstrap: warning: ${missing[*]} missing and cannot be installed here (need root + apt-get)" >&2
  fi
fi

# better-sqlite3 compiles from source here (its prebuilt download is unreachable); node-gyp
# must use Node's local headers, and pnpm 12 ignores `nodedir` in .npmrc.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
# (not --frozen-lockfile: pnpm 12 refuses it over its self-management metadata even when
# the lockfile is current; a plain install leaves the committed lockfile untouched.)
pnpm install --reporter=silent
if ! node -e 'require(require.resolve("better-sqlite3", { paths: ["packages/coordination"] }))' 2>/dev/null; then
  echo "bootstrap: rebuilding better-sqlite3"
  pnpm rebuild better-sqlite3
fi
# The CLI's JavaScript bundle (`pnpm sentinel` would build it on first use; done here so the first command is quick too).
node packages/coordination/bin/sentinel.mjs --build-only
echo "bootstrap: ready"
