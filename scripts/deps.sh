#!/usr/bin/env bash
# Installs everything Liaison needs on a fresh Debian 12 machine. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake pkg-config git ca-certificates curl
  libh2o-evloop-dev libssl-dev zlib1g-dev
  libjansson-dev libsqlite3-dev sqlite3 libsodium-dev
  libqrencode-dev libxlsxwriter-dev libgd-dev
  libcmocka-dev libcurl4-openssl-dev
  wrk nginx-light openssl
  chromium fonts-wqy-microhei
)
# Node.js from Debian, unless a Node.js with its own npm is already installed (a distribution
# package of npm would conflict with it).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  APT_PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci only when the lock file changed since the last install.
if [ -f package-lock.json ]; then
  stamp=node_modules/.liaison-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi
