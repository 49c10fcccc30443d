# Good caches: one "ok PATH" line each, exit 0.
cp "$MAPS/simple.map" "$MAPS/names.map" "$MAPS/sources_content.map" "$MAPS/index.map" .
for m in simple names sources_content index; do "$SMCACHE" compile $m.map -o $m.smc; done
"$SMCACHE" verify simple.smc names.smc sources_content.smc index.smc
