#!/usr/bin/env bash
# Installs what bench/compare/run.sh needs beyond scripts/install-deps.sh (the test suite does not
# need any of it):
#   - Debian: golang-go and golang-github-go-sourcemap-sourcemap-dev (the Go peer, built offline
#     from Debian's source package with GOPATH mode), python3-matplotlib (the plot), time (GNU
#     time: the peak RSS of a compile)
#   - npm: the JavaScript peers pinned in bench/compare/package-lock.json (`npm ci`, into
#     bench/compare/node_modules, git-ignored)
# Usage: bench/compare/setup.sh [--no-apt] [--no-npm]     (apt needs root)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
apt=1 npm_ci=1
for arg in "$@"; do
  case "$arg" in
    --no-apt) apt=0 ;;
    --no-npm) npm_ci=0 ;;
    -h | --help)
      sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup.sh: unknown option $arg (see --help)" >&2
      exit 2
      ;;
  esac
done

apt_packages=(golang-go golang-github-go-sourcemap-sourcemap-dev python3-matplotlib time)

if ((apt)); then
  missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    sudo=()
    ((EUID == 0)) || sudo=(sudo)
    echo "setup.sh: apt-get install ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
      "${missing[@]}"
  else
    echo "setup.sh: Debian packages present (${apt_packages[*]})"
  fi
fi

if ((npm_ci)); then
  # node and npm: scripts/install-deps.sh --with-node (any Node.js >= 18 with its npm).
  command -v npm >/dev/null 2>&1 || {
    echo "setup.sh: npm not found (scripts/install-deps.sh --with-node)" >&2
    exit 1
  }
  echo "setup.sh: npm ci in bench/compare"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup.sh: done"
