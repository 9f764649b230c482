#!/usr/bin/env bash
# Makes sure the Debian packages given as arguments are installed: installs them with apt
# when running as root, otherwise prints the exact command and stops.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ]; then
  echo "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "These system packages are needed. Please run:"
  echo "  sudo apt-get install -y ${missing[*]}"
  exit 1
fi
