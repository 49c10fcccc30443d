// The Go peer of bench/compare (issue 7): github.com/go-sourcemap/sourcemap from Debian's
// golang-github-go-sourcemap-sourcemap-dev, built by run.sh in GOPATH mode (offline). The same
// modes and output as peers.js:
//
//	gopeer versions
//	gopeer answers MAP QUERIES      {"sources": [...]}, then [source_index, line, column, name]
//	                                or null per query (0-based lines)
//	gopeer bench MAP QUERIES REPS   cold = read + parse + first lookup (median of REPS);
//	                                lookup = ns per lookup over QUERIES (median of REPS)
//	gopeer rss MAP QUERIES          read + parse + first lookup, then VmHWM/VmRSS
//	gopeer hold MAP QUERIES         parse, answer every query, print "ready", wait for EOF
//
// The library's Consumer does not expose its source list, so "sources" is rebuilt here from
// the map's sources and sourceRoot with the library's own rule (absSource, copied below), so
// that answers can be turned into source indices.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"time"

	"github.com/go-sourcemap/sourcemap"
)

func die(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "gopeer: "+format+"\n", args...)
	os.Exit(1)
}

func readQueries(p string) []uint32 {
	b, err := os.ReadFile(p)
	if err != nil {
		die("%v", err)
	}
	qs := make([]uint32, len(b)/4)
	for i := range qs {
		qs[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return qs
}

func load(mapPath string) *sourcemap.Consumer {
	b, err := os.ReadFile(mapPath)
	if err != nil {
		die("%v", err)
	}
	c, err := sourcemap.Parse("", b)
	if err != nil {
		die("%s: %v", mapPath, err)
	}
	return c
}

// absSource as in the library's consumer.go, for an empty sourcemapURL.
func absSource(sourceRoot string, rootURL *url.URL, source string) string {
	if path.IsAbs(source) {
		return source
	}
	if u, err := url.Parse(source); err == nil && u.IsAbs() {
		return source
	}
	if rootURL != nil {
		u := *rootURL
		u.Path = path.Join(u.Path, source)
		return u.String()
	}
	if sourceRoot != "" {
		return path.Join(sourceRoot, source)
	}
	return source
}

func sourceNames(mapPath string) []string {
	b, err := os.ReadFile(mapPath)
	if err != nil {
		die("%v", err)
	}
	var m struct {
		SourceRoot string   `json:"sourceRoot"`
		Sources    []string `json:"sources"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		die("%s: %v", mapPath, err)
	}
	var rootURL *url.URL
	if m.SourceRoot != "" {
		if u, err := url.Parse(m.SourceRoot); err == nil && u.IsAbs() {
			rootURL = u
		}
	}
	out := make([]string, len(m.Sources))
	for i, s := range m.Sources {
		out[i] = absSource(m.SourceRoot, rootURL, s)
	}
	return out
}

func lookup(c *sourcemap.Consumer, line, column uint32) (string, string, int, int, bool) {
	return c.Source(int(line)+1, int(column))
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func status(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	m := regexp.MustCompile(`(?m)^` + field + `:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return v * 1024
}

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "versions" {
		// (the library's version is Debian's package version: dpkg-query, in compare.py)
		fmt.Printf("{\"go\": %q}\n", runtime.Version())
		return
	}
	if len(os.Args) < 4 {
		die("usage: gopeer answers|bench|rss|hold MAP QUERIES [REPS]")
	}
	mode, mapPath, qs := os.Args[1], os.Args[2], readQueries(os.Args[3])
	switch mode {
	case "answers":
		c := load(mapPath)
		sources := sourceNames(mapPath)
		index := map[string]int{}
		for i := len(sources) - 1; i >= 0; i-- {
			index[sources[i]] = i
		}
		w := bufio.NewWriterSize(os.Stdout, 1<<20)
		head, _ := json.Marshal(map[string]interface{}{"sources": sources})
		w.Write(head)
		w.WriteByte('\n')
		for i := 0; i+1 < len(qs); i += 2 {
			source, name, line, column, ok := lookup(c, qs[i], qs[i+1])
			if !ok {
				w.WriteString("null\n")
				continue
			}
			var s interface{} = source
			if k, found := index[source]; found {
				s = k
			}
			var n interface{}
			if name != "" {
				n = name
			}
			rec, _ := json.Marshal([]interface{}{s, line - 1, column, n})
			w.Write(rec)
			w.WriteByte('\n')
		}
		w.Flush()
	case "bench":
		reps := 5
		if len(os.Args) > 4 {
			reps, _ = strconv.Atoi(os.Args[4])
		}
		var cold []float64
		for r := 0; r < reps; r++ {
			runtime.GC()
			t0 := time.Now()
			c := load(mapPath)
			_, _, _, _, ok := lookup(c, qs[0], qs[1])
			cold = append(cold, float64(time.Since(t0).Nanoseconds()))
			if !ok && r == 0 {
				fmt.Fprintln(os.Stderr, "gopeer: the first query has no answer")
			}
		}
		runtime.GC()
		c := load(mapPath)
		n := float64(len(qs) / 2)
		var per []float64
		sink := 0
		for r := 0; r < reps+1; r++ {
			t0 := time.Now()
			for i := 0; i+1 < len(qs); i += 2 {
				_, _, _, column, ok := lookup(c, qs[i], qs[i+1])
				if ok {
					sink += column
				}
			}
			if r > 0 {
				per = append(per, float64(time.Since(t0).Nanoseconds())/n)
			}
		}
		minCold := cold[0]
		for _, v := range cold {
			if v < minCold {
				minCold = v
			}
		}
		out, _ := json.Marshal(map[string]interface{}{
			"cold_ns": median(cold), "cold_first_ns": cold[0], "cold_min_ns": minCold,
			"lookup_ns": median(per), "sink": sink,
		})
		fmt.Println(string(out))
	case "rss":
		t0 := time.Now()
		c := load(mapPath)
		_, _, _, _, ok := lookup(c, qs[0], qs[1])
		ns := time.Since(t0).Nanoseconds()
		out, _ := json.Marshal(map[string]interface{}{
			"ns": ns, "hwm": status("VmHWM"), "rss": status("VmRSS"), "answered": ok,
		})
		fmt.Println(string(out))
	case "hold":
		c := load(mapPath)
		sink := 0
		for i := 0; i+1 < len(qs); i += 2 {
			_, _, _, column, ok := lookup(c, qs[i], qs[i+1])
			if ok {
				sink += column
			}
		}
		runtime.GC()
		debug.FreeOSMemory()
		fmt.Printf("ready %d\n", sink)
		buf := make([]byte, 256)
		for {
			if _, err := os.Stdin.Read(buf); err != nil {
				break
			}
		}
		runtime.KeepAlive(c)
	default:
		die("unknown mode %s", mode)
	}
}
