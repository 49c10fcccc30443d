# A plain compile prints nothing, exits 0 and writes a file that starts with the magic.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o simple.smc
echo "exit $?"
od -An -tx1 -N8 simple.smc
# Options may come before the operand; --output= and -oFILE spellings work too.
"$SMCACHE" compile --output=b.smc simple.map && cmp simple.smc b.smc && echo "--output=: same"
"$SMCACHE" compile -oc.smc simple.map && cmp simple.smc c.smc && echo "-oFILE: same"
