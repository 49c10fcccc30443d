# --layout: every header field with offset, size and value, then the regions of the file in
# order. Offsets of sections depend on the writer and are not checked here, their order is.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o simple.smc
"$SMCACHE" info --layout simple.smc >layout.txt
echo "exit $?"
head -n 1 layout.txt | sed -E 's/[0-9]+ bytes/N bytes/'
grep -E '^ +[0-9]+ +[0-9]+  (magic|format_major|format_minor|byte_order_mark|header_size|section_count|required_features|generated_line_count|token_count|source_count|block_token_count|reserved) ' layout.txt
grep -E '  (header|directory .*)$' layout.txt
grep -oE 'section [0-9]+ [a-z_]+' layout.txt
grep -E 'debug_id_string_index +[0-9]+ "85314830-023f-4cf1-a267-535f4e37bb17"$' layout.txt | wc -l
