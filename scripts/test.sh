#!/usr/bin/env bash
# The whole test suite: the Rust tests (catalog, CLI, search, comparisons,
# web), including those marked #[ignore] because they need a program beyond
# Rust (Python, Node, curl, nginx), and the browser tests in headless
# Chromium. Installs what it needs on a fresh machine: Debian's chromium,
# nginx, curl, python3 (with venv) and Node.js when missing, the npm packages
# of e2e/ from its lock file, and the PyPI packages of
# scripts/requirements-test.txt into .venv/. Plain `cargo test` runs everything that needs only Rust.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
fi

if [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/http-status-codes ] || [ ! -d e2e/node_modules/badge-maker ]; then
  (cd e2e && npm ci --no-audit --no-fund)
fi

# Python clients the tests drive (pinned), in a virtual environment of the
# repository's own: .venv/
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! cmp -s scripts/requirements-test.txt .venv/installed-requirements.txt; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
  cp scripts/requirements-test.txt .venv/installed-requirements.txt
fi

cargo test --locked -- --include-ignored
(cd e2e && node --test)
