#!/usr/bin/env bash
# Installs what smcache needs to build and test, from Debian's packages only. Idempotent: packages
# already present are not touched and apt is not contacted at all when nothing is missing.
# Usage: scripts/install-deps.sh [--with-node]   (root, or sudo available)
set -euo pipefail

packages=(
  build-essential cmake git pkg-config ca-certificates
  libboost-dev rapidjson-dev libxxhash-dev libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-cffi python3-pycparser python3-pytest python3-dev python3-venv python3-setuptools python3-wheel
  clang-format clang libclang-rt-14-dev xxhash
)
if [[ "${1:-}" == "--with-node" ]]; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    # A package may be satisfied by a command already on PATH (node and npm from another source).
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
