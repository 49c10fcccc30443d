#!/usr/bin/env bash
# Fetches the real source maps pinned in bench/maps.tsv (npm package, exact version, path inside
# the tarball, sha256 of the map) with `npm pack`, into bench/.data/ (git-ignored, never committed):
#   bench/.data/npm/<tarball>.tgz   the packages as npm packs them (npm checks their integrity)
#   bench/.data/maps/<id>.map       the maps, each checked against its pinned sha256
# Cached: a map already present with the right sha256 is not fetched again; a tarball already
# present is not downloaded again. A checksum mismatch is an error (exit 1), never ignored.
#
# Usage: scripts/fetch-maps.sh [--list] [ID...]      (no ID: all pins)
# Environment: SMCACHE_BENCH_DATA (default bench/.data), SMCACHE_MAPS_PINS (default bench/maps.tsv)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pins=${SMCACHE_MAPS_PINS:-$root/bench/maps.tsv}
data=${SMCACHE_BENCH_DATA:-$root/bench/.data}

die() {
  echo "fetch-maps: $*" >&2
  exit 1
}

[[ -f "$pins" ]] || die "pin list $pins not found"

list_only=0
wanted=()
for arg in "$@"; do
  case "$arg" in
    --list) list_only=1 ;;
    -h | --help)
      sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) die "unknown option $arg (see --help)" ;;
    *) wanted+=("$arg") ;;
  esac
done

if ((list_only)); then
  grep -v '^#' "$pins" | awk -F'\t' 'NF { printf "%-26s %-18s %-9s %10d  %s\n", $1, $2, $3, $6, $7 }'
  exit 0
fi

for tool in npm tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (scripts/install-deps.sh --with-node installs npm)"
done

# npm names the tarball of @scope/name@1.2.3 "scope-name-1.2.3.tgz".
tarball_name() {
  local name=$1 version=$2
  name=${name#@}
  echo "${name//\//-}-$version.tgz"
}

known_ids=" $(grep -v '^#' "$pins" | cut -f1 | tr '\n' ' ')"
for w in "${wanted[@]}"; do
  [[ "$known_ids" == *" $w "* ]] || die "unknown map id $w (scripts/fetch-maps.sh --list)"
done

mkdir -p "$data/npm" "$data/maps"
fetched=0 cached=0 failed=0
while IFS=$'\t' read -r id package version path sha256 bytes producer _rest; do
  [[ -z "$id" || "$id" == \#* ]] && continue
  if ((${#wanted[@]})); then
    match=0
    for w in "${wanted[@]}"; do [[ "$w" == "$id" ]] && match=1; done
    ((match)) || continue
  fi
  dest="$data/maps/$id.map"
  if [[ -f "$dest" ]] && [[ "$(sha256sum "$dest" | cut -d' ' -f1)" == "$sha256" ]]; then
    echo "fetch-maps: $id: cached ($bytes bytes)"
    cached=$((cached + 1))
    continue
  fi
  tgz="$data/npm/$(tarball_name "$package" "$version")"
  if [[ ! -f "$tgz" ]]; then
    echo "fetch-maps: $id: npm pack $package@$version"
    # npm verifies the tarball against the registry's integrity hash.
    if ! (cd "$data/npm" && npm pack "$package@$version" --silent >/dev/null); then
      echo "fetch-maps: $id: npm pack $package@$version failed" >&2
      failed=$((failed + 1))
      continue
    fi
    if [[ ! -f "$tgz" ]]; then
      echo "fetch-maps: $id: npm pack did not produce $tgz" >&2
      failed=$((failed + 1))
      continue
    fi
  fi
  tmp="$dest.tmp.$$"
  if ! tar -xzOf "$tgz" "$path" >"$tmp" 2>/dev/null; then
    rm -f "$tmp"
    echo "fetch-maps: $id: $path not found in $tgz" >&2
    failed=$((failed + 1))
    continue
  fi
  got=$(sha256sum "$tmp" | cut -d' ' -f1)
  if [[ "$got" != "$sha256" ]]; then
    rm -f "$tmp" "$dest"
    {
      echo "fetch-maps: $id: CHECKSUM MISMATCH for $package@$version $path"
      echo "fetch-maps:   expected sha256 $sha256"
      echo "fetch-maps:   got      sha256 $got"
      echo "fetch-maps:   the package changed or the pin is wrong; not using it"
    } >&2
    failed=$((failed + 1))
    continue
  fi
  mv -f "$tmp" "$dest"
  echo "fetch-maps: $id: ok ($(stat -c %s "$dest") bytes, $producer)"
  fetched=$((fetched + 1))
done <"$pins"

echo "fetch-maps: $fetched fetched, $cached cached, $failed failed; maps in $data/maps"
((failed == 0)) || exit 1
