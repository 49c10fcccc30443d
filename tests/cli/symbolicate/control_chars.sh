# Control characters from the map (names, sources, sourcesContent) and from the trace are
# escaped in text output and JSON-escaped with --json: nothing reaches the terminal raw.
cat >evil.map <<'MAP'
{"version":3,"sources":["src/\u001b[2Jevil.js"],"sourcesContent":["function f() {\n  g(\u001b]0;title\u0007);\n}\n"],"names":["\u001b[31mred"],"mappings":"AAAA,UACEA"}
MAP
"$SMCACHE" compile evil.map -o evil.smc
printf 'Error: \033[1mbold\n    at a (x.js:1:1)\n    at b (x.js:1:11)\n    at \033[2Jc (native)\n' >trace.txt
"$SMCACHE" symbolicate --cache evil.smc --context 1 trace.txt >out.txt
echo "exit $?"
grep -c $'\e' out.txt
grep -c $'\a' out.txt
cat out.txt
"$SMCACHE" symbolicate --cache evil.smc --json --context 0 trace.txt >out.json
grep -c $'\e' out.json
python3 -c 'import json,sys; d=json.load(open("out.json")); print(d["lines"][1]["function"] == "\x1b[31mred", ascii(d["lines"][1]["source"]))'
