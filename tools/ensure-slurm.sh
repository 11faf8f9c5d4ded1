#!/bin/sh
# Install Debian's slurm-wlm and munge for the cluster test, if missing.
if command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 && command -v munged >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing slurm-wlm and munge (cluster test)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null \
    || echo "warning: could not install slurm-wlm/munge; the cluster test will be skipped" >&2
else
  echo "note: slurm-wlm/munge missing and not installable here; the cluster test will be skipped" >&2
fi
exit 0
