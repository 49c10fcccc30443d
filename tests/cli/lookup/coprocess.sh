# Batch mode answers each query before waiting for the next one, so a program can drive
# `lookup -` as a co-process: write a query, read its answer (no 1 MiB output buffering).
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
coproc LOOKUP { "$SMCACHE" lookup s.smc -; }
pid=$LOOKUP_PID  # bash unsets LOOKUP_PID once the co-process has exited: keep it for wait
for q in "0 4" "2 8" "1 0"; do
  echo "$q" >&"${LOOKUP[1]}"
  if IFS= read -r -t 5 answer <&"${LOOKUP[0]}"; then
    echo "$q: $answer"
  else
    echo "$q: no answer"  # the answer stayed in smcache's buffer
  fi
done
exec {LOOKUP[1]}>&-
wait "$pid"
echo "exit $?"
