# Damage of every kind is found and listed (sorted, relative to DIR), exit 1: a corrupt cache, a
# cache under the wrong name, an entry pointing to a missing cache, an entry whose key does not
# hash to its name, a stray file. A leftover temporary file is only a note.
. "$(dirname "$0")/tree.inc"
flip() {  # flip FILE OFFSET: inverts the byte at OFFSET in place
  local b
  b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
make_tree src
"$SMCACHE" warm src -o out -q
entry() { for e in out/by-url/*; do [[ $(sed -n 2p "$e") == "$1" ]] && echo "$e"; done; }
simple=$(cat out/by-debug-id/85314830-023f-4cf1-a267-535f4e37bb17)
app=$(sed -n 1p "$(entry app.js)")
vendor=$(sed -n 1p "$(entry vendor.js)")
index=$(sed -n 1p "$(entry index.mjs)")
# 1. a flipped byte in the last 8 bytes of a cache's data (token_data padding)
size=$(stat -c %s "out/$vendor")
flip "out/$vendor" $((size - 1))
# 2. a cache renamed (so its name no longer matches its input hash; the old name is now missing)
mv "out/$index" "out/${index%/*}/00000000000000000000000000000000.smc"
mkdir -p out/caches/00 && mv "out/${index%/*}/00000000000000000000000000000000.smc" out/caches/00/
# 3. an entry whose key line was edited
printf '%s\nnot-the-key\n' "$app" >"$(entry js/app.js)"
# 4. junk and a leftover temporary file
echo junk >out/by-url/README
echo partial >out/caches/${app:7:2}/.x.smc.tmp-AbC123
"$SMCACHE" verify out >out.txt 2>err.txt
echo "exit $?"
sed -E "s#${vendor}#<vendor>#; s#${index}#<index>#; s#${app}#<app>#; s#by-url/[0-9a-f]{16}#by-url/<k>#; s#^(FAIL <vendor>): .*#\1: <damage>#" out.txt | sort
sed -E 's#caches/../\.x\.smc\.tmp-AbC123#<temp>#' err.txt
