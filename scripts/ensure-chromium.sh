#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright (no browser download).
# Installs the Debian packages when missing and we are root; otherwise the browser tests skip
# (with CI=true a missing chromium is an error).
set -uo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) || true
fi
if ! command -v chromium >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then echo "error: chromium is required for the browser tests" >&2; exit 2; fi
  echo "chromium not available: browser tests will be skipped"
fi
exit 0
