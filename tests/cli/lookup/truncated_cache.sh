# A cache cut short: exit 1 at open.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
head -c 100 s.smc >t.smc
"$SMCACHE" lookup t.smc 0 0
