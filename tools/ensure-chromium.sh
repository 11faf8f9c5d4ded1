#!/bin/sh
# Install Debian's chromium and chromedriver for the browser test, if missing.
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing chromium and chromium-driver (browser test)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
    || echo "warning: could not install chromium; the browser test will be skipped" >&2
else
  echo "note: chromium/chromedriver missing and not installable here; the browser test will be skipped" >&2
fi
exit 0
