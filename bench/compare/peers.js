// The JavaScript peers of bench/compare (issue 7), driven by compare.py. One process per call:
//
//   node peers.js versions
//   node peers.js PEER answers MAP QUERIES        line 1: {"sources": [...]} (the peer's source
//                                                 names, in the map's order); then one JSON line
//                                                 per query: [source_index, line, column, name]
//                                                 or null (0-based lines; source_index from the
//                                                 peer's own source name, or the name itself if
//                                                 it is not in the list)
//   node peers.js PEER bench MAP QUERIES REPS     in-process, with the file read every time:
//                                                 cold = readFileSync + parse + first lookup
//                                                 (median of REPS, and the first, JIT-cold one);
//                                                 lookup = ns per lookup over QUERIES (median of
//                                                 REPS); JSON on stdout
//   node peers.js PEER rss MAP QUERIES            a fresh process: read + parse + first lookup,
//                                                 then VmHWM/VmRSS of the process (JSON)
//   node peers.js PEER hold MAP QUERIES           parse, answer every query, print "ready",
//                                                 wait for stdin to close (smaps of 8 of these)
//   node peers.js none rss|hold                   Node.js alone: the baseline of rss and hold
//
// PEER: trace-mapping | source-map | source-map-js | parcel. QUERIES: little-endian uint32
// (line, column) pairs, 0-based; every peer is asked with its own conventions (1-based lines
// for all four) and answers are converted back to 0-based lines.
'use strict';

const fs = require('fs');

function readQueries(path) {
  const b = fs.readFileSync(path);
  const u = new Uint32Array(b.buffer, b.byteOffset, b.length / 4);
  return Uint32Array.from(u);  // aligned copy: [line0, col0, line1, col1, ...]
}

function status(field) {
  const text = fs.readFileSync('/proc/self/status', 'utf8');
  const m = text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) * 1024 : null;
}

// Each peer: load(text) -> handle (maybe a Promise); lookup(handle, line0, column) -> {source,
// line (0-based), column, name} or null; sources(handle) -> [names]; free(handle).
const PEERS = {
  'trace-mapping': () => {
    const tm = require('@jridgewell/trace-mapping');
    return {
      version: require('@jridgewell/trace-mapping/package.json').version,
      load: (text) => new tm.TraceMap(text),
      lookup: (m, line, column) => {
        const p = tm.originalPositionFor(m, { line: line + 1, column });
        return p.source === null && p.line === null ? null : p;
      },
      oneBasedLines: true,
      sources: (m) => m.resolvedSources,
      free: () => {},
    };
  },
  'source-map': () => {
    const sm = require('source-map');
    return {
      version: require('source-map/package.json').version + ' (WASM)',
      load: (text) => new sm.SourceMapConsumer(text),  // a Promise
      lookup: (c, line, column) => {
        const p = c.originalPositionFor({ line: line + 1, column });
        return p.source === null && p.line === null ? null : p;
      },
      oneBasedLines: true,
      sources: (c) => c.sources,
      free: (c) => c.destroy(),
    };
  },
  'source-map-js': () => {
    const sm = require('source-map-js');
    return {
      version: require('source-map-js/package.json').version,
      load: (text) => new sm.SourceMapConsumer(text),
      lookup: (c, line, column) => {
        const p = c.originalPositionFor({ line: line + 1, column });
        return p.source === null && p.line === null ? null : p;
      },
      oneBasedLines: true,
      sources: (c) => c.sources,
      free: () => {},
    };
  },
  parcel: () => {
    const SourceMap = require('@parcel/source-map').default;
    return {
      version: require('@parcel/source-map/package.json').version + ' (native, Rust via N-API)',
      load: (text) => {
        const m = new SourceMap('/');
        m.addVLQMap(JSON.parse(text));
        return m;
      },
      lookup: (m, line, column) => {
        const p = m.findClosestMapping(line + 1, column);
        if (!p || !p.original) return null;
        const { line: l, column: c } = p.original;
        return { source: p.source, line: l, column: c, name: p.name ?? null };
      },
      oneBasedLines: true,
      sources: (m) => m.getSources(),
      free: (m) => m.delete(),
    };
  },
};

function peer(name) {
  const make = PEERS[name];
  if (!make) throw new Error(`unknown peer ${name} (${Object.keys(PEERS).join(', ')})`);
  return make();
}

async function answers(p, mapPath, qs) {
  const h = await p.load(fs.readFileSync(mapPath, 'utf8'));
  const sources = p.sources(h);
  const index = new Map();
  sources.forEach((s, i) => { if (!index.has(s)) index.set(s, i); });
  const out = [JSON.stringify({ sources })];
  const flush = () => { fs.writeSync(1, out.join('\n') + '\n'); out.length = 0; };
  for (let i = 0; i < qs.length; i += 2) {
    const a = p.lookup(h, qs[i], qs[i + 1]);
    if (a === null) {
      out.push('null');
    } else {
      const s = index.has(a.source) ? index.get(a.source) : a.source;
      const line0 = p.oneBasedLines ? a.line - 1 : a.line;
      out.push(JSON.stringify([s, line0, a.column, a.name ?? null]));
    }
    if (out.length >= 65536) flush();
  }
  flush();
  p.free(h);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function bench(p, mapPath, qs, reps) {
  const cold = [];
  let firstAnswer = null;
  for (let r = 0; r < reps; ++r) {
    if (global.gc) global.gc();
    const t0 = process.hrtime.bigint();
    const h = await p.load(fs.readFileSync(mapPath, 'utf8'));
    const a = p.lookup(h, qs[0], qs[1]);
    const t1 = process.hrtime.bigint();
    cold.push(Number(t1 - t0));
    firstAnswer = a;
    p.free(h);
  }
  if (global.gc) global.gc();
  const h = await p.load(fs.readFileSync(mapPath, 'utf8'));
  p.lookup(h, qs[0], qs[1]);
  const n = qs.length / 2;
  const lookup = [];
  let sink = 0;
  for (let r = 0; r < reps + 1; ++r) {  // the first round warms the JIT and is dropped
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < qs.length; i += 2) {
      const a = p.lookup(h, qs[i], qs[i + 1]);
      if (a !== null) sink += a.column;
    }
    const t1 = process.hrtime.bigint();
    if (r > 0) lookup.push(Number(t1 - t0) / n);
  }
  p.free(h);
  return {
    cold_ns: median(cold), cold_first_ns: cold[0], cold_min_ns: Math.min(...cold),
    lookup_ns: median(lookup), lookup_min_ns: Math.min(...lookup),
    first_answered: firstAnswer !== null, sink,
  };
}

async function main() {
  const [name, mode, mapPath, queriesPath, repsArg] = process.argv.slice(2);
  if (name === 'versions') {
    const v = { node: process.versions.node, v8: process.versions.v8 };
    for (const k of Object.keys(PEERS)) v[k] = peer(k).version;
    console.log(JSON.stringify(v));
    return;
  }
  if (name === 'none') {
    // Node.js itself, with nothing loaded: the baseline of rss and hold.
    if (mode === 'hold') {
      process.stdout.write('ready\n');
      process.stdin.resume();
      process.stdin.on('end', () => process.exit(0));
      return;
    }
    console.log(JSON.stringify({ hwm: status('VmHWM'), rss: status('VmRSS') }));
    return;
  }
  const qs = readQueries(queriesPath);
  const p = peer(name);
  if (mode === 'answers') return answers(p, mapPath, qs);
  if (mode === 'bench') {
    console.log(JSON.stringify(await bench(p, mapPath, qs, Number(repsArg || 5))));
    return;
  }
  if (mode === 'rss') {
    const t0 = process.hrtime.bigint();
    const h = await p.load(fs.readFileSync(mapPath, 'utf8'));
    const a = p.lookup(h, qs[0], qs[1]);
    const ns = Number(process.hrtime.bigint() - t0);
    const r = { ns, hwm: status('VmHWM'), rss: status('VmRSS'), answered: a !== null };
    console.log(JSON.stringify(r));
    return;
  }
  if (mode === 'hold') {
    const h = await p.load(fs.readFileSync(mapPath, 'utf8'));
    let sink = 0;
    for (let i = 0; i < qs.length; i += 2) {
      const a = p.lookup(h, qs[i], qs[i + 1]);
      if (a !== null) sink += a.column;
    }
    process.stdout.write(`ready ${sink}\n`);
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));
    return;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((e) => {
  console.error(`peers.js: ${e.stack || e}`);
  process.exit(1);
});
