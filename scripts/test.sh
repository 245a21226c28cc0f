#!/usr/bin/env bash
# The whole test suite: the Rust tests (catalog, CLI, search, comparisons,
# web), including those marked #[ignore] because they need a program beyond
# Rust (Python, Node, curl, nginx, Debian libraries), and the browser tests in
# headless Chromium. Installs what it needs on a fresh machine: Debian's
# chromium, nginx, curl, wget, python3 (with venv), Node.js, dig
# (bind9-dnsutils), swaks and sipsak when missing, the
# Debian libraries whose status constants the suite checks (Go's source, Rack,
# Symfony HttpFoundation, Apache HttpCore 5), the PyPI packages of
# scripts/requirements-test.txt into .venv/, and the npm packages of e2e/ and
# mcp-test/ from their lock files. Plain `cargo test` runs everything that needs only Rust.
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
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
ls /usr/share/go-*/src/net/http/status.go >/dev/null 2>&1 || missing+=(golang-1.19-src)
command -v ruby >/dev/null 2>&1 && ruby -e 'require "rack"' >/dev/null 2>&1 || missing+=(ruby-rack)
[ -f /usr/share/php/Symfony/Component/HttpFoundation/Response.php ] || missing+=(php-symfony-http-foundation)
[ -f /usr/share/java/httpcore5.jar ] || missing+=(libhttpcore5-java)
command -v dig >/dev/null 2>&1 || missing+=(bind9-dnsutils)
command -v swaks >/dev/null 2>&1 || missing+=(swaks)
command -v sipsak >/dev/null 2>&1 || missing+=(sipsak)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ] || ! cmp -s scripts/requirements-test.txt .venv/requirements-test.txt; then
  python3 -m venv .venv
  .venv/bin/pip install -q -r scripts/requirements-test.txt
  cp scripts/requirements-test.txt .venv/requirements-test.txt
fi

if [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/http-status-codes ] || [ ! -d e2e/node_modules/badge-maker ] || [ ! -d e2e/node_modules/axe-core ] || [ ! -d e2e/node_modules/lighthouse ]; then
  (cd e2e && npm ci --no-audit --no-fund)
fi

if [ ! -d mcp-test/node_modules/@modelcontextprotocol/sdk ] || [ ! -d mcp-test/node_modules/@modelcontextprotocol/inspector ]; then
  (cd mcp-test && npm ci --no-audit --no-fund)
fi

cargo test --locked -- --include-ignored
(cd e2e && node --test)
