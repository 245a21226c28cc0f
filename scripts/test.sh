#!/usr/bin/env bash
# The whole test suite: the Rust tests (catalog, CLI, search, comparisons,
# web) and the browser tests in headless Chromium. Installs what it needs on a
# fresh machine: Debian's chromium, nginx, python3, curl, wget and Node.js when missing,
# and the npm packages of e2e/ from its lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
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

cargo test --locked -- --include-ignored
(cd e2e && node --test)
