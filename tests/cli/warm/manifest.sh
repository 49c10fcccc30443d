# --manifest: only the listed paths (files or directories) are warmed; their maps are found as
# in a walk. Relative paths are relative to SRC, or to the manifest's directory without SRC.
. "$(dirname "$0")/tree.inc"
make_tree src
printf '# release 42\nstatic/js/app.js\n\nlib\n' >list.txt
"$SMCACHE" warm src --manifest list.txt -o out -q
echo "exit $?"
for e in out/by-url/*; do sed -n 2p "$e"; done | sort
printf 'maps/simple.map\nmissing.map\n../../etc/passwd\n' >src/list.txt
"$SMCACHE" warm --manifest src/list.txt -o out2 -q 2>err.txt
echo "exit $?"
cat err.txt
for e in out2/by-url/*; do sed -n 2p "$e"; done | sort
