#!/bin/sh
# Install Debian's hyperfine for the importer test (a real --export-json file), if missing.
if command -v hyperfine >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing hyperfine (importer test)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null \
    || echo "warning: could not install hyperfine; the hyperfine importer test will be skipped" >&2
else
  echo "note: hyperfine missing and not installable here; the hyperfine importer test will be skipped" >&2
fi
exit 0
