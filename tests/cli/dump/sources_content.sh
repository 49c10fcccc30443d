# A null source name dumps as "source": null with its line and column; --sources shows the
# ignore list, content presence and line counts ("line1\nline2\n" has 3 lines, "x" 1).
cp "$MAPS/sources_content.map" .
"$SMCACHE" compile sources_content.map -o c.smc
"$SMCACHE" dump c.smc
"$SMCACHE" dump c.smc --sources
