#!/usr/bin/env bash
# The whole test suite: the Rust tests (catalog, CLI, search, comparisons,
# web) and the browser tests in headless Chromium. Installs what it needs on a
# fresh machine: Debian's chromium, nginx, python3, curl, wget and Node.js
# when missing, the npm packages of e2e/ and mcp-test/ from their lock files,
# and the pinned PyPI packages of scripts/requirements-test.txt in .venv/.
# Tests that need those tools are #[ignore]d in plain `cargo test`; this runs
# them too.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v wget >/dev/null 2>&1 || missing+=(wget)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
fi

if [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/http-status-codes ] || [ ! -d e2e/node_modules/badge-maker ]; then
  (cd e2e && npm ci --no-audit --no-fund)
fi

if [ ! -d mcp-test/node_modules/@modelcontextprotocol/sdk ] || [ ! -d mcp-test/node_modules/@modelcontextprotocol/inspector ]; then
  (cd mcp-test && npm ci --no-audit --no-fund)
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q -r scripts/requirements-test.txt

cargo test --locked -- --include-ignored
(cd e2e && node --test)
