# A source whose name is null prints "source": null; the other fields are still there.
cp "$MAPS/sources_content.map" .
"$SMCACHE" compile sources_content.map -o c.smc
"$SMCACHE" lookup c.smc 0 0
"$SMCACHE" lookup c.smc 1 0
