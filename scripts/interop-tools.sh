#!/usr/bin/env bash
# make interop: installs Debian's nginx, haproxy and squid (and openssl, iproute2) when one is
# missing; nothing to do when they are there. The packages' own services are never started: a
# policy-rc.d that refuses every start is in place during the install, and any daemon a postinst
# started anyway is stopped. The suite runs each server itself, in the foreground, on loopback
# ports it picks (tests/interop/).
set -euo pipefail
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v squid >/dev/null || [ -x /usr/sbin/squid ] || missing+=(squid)
command -v openssl >/dev/null || missing+=(openssl)
command -v ss >/dev/null || missing+=(iproute2)  # ss: to find a daemon a postinst started
[ ${#missing[@]} -gt 0 ] || exit 0

sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
policy=/usr/sbin/policy-rc.d
added_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# added by mpgs scripts/interop-tools.sh for the install only\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  added_policy=1
fi
cleanup() { [ -z "$added_policy" ] || $sudo rm -f "$policy"; }
trap cleanup EXIT
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null

# A postinst that started its daemon anyway (no init system to ask): stop it, by the pid that
# listens on the package's default port (80, 443, 3128), so that those ports stay free and nothing
# outlives the install. The suite's own servers listen on other ports and are never touched.
ss -ltnpH 2>/dev/null | awk '$4 ~ /:(80|443|3128)$/ { print $6 }' |
  { grep -Eo '"(nginx|haproxy|squid)",pid=[0-9]+' || true; } | sed 's/.*pid=//' | sort -u |
  while read -r pid; do
    echo "interop-tools: stopping a daemon its package started (pid $pid)" >&2
    $sudo kill "$pid" 2>/dev/null || true
  done
