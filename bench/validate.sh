#!/bin/sh
# validate config against set config on the same generated applicationHost.config
# (issue 17): wall time (hyperfine medians) and peak RSS (GNU time, largest of
# RUNS runs), reported as ratios. See docs/performance.md.
#
#   SITES=50000 RUNS=3 sh bench/validate.sh
#
# Writes below bench/out/validate/ (git-ignored). Needs go, hyperfine and
# /usr/bin/time.
set -eu
cd "$(dirname "$0")/.."
SITES=${SITES:-50000}
RUNS=${RUNS:-3}
OUT=bench/out/validate
mkdir -p "$OUT"
go build -o "$OUT/appcmd" .
go build -o "$OUT/genconfig" ./bench/genconfig
"$OUT/genconfig" -sites "$SITES" -o "$OUT/apphost.config"
cp "$OUT/apphost.config" "$OUT/set.config"
A=$(pwd)/$OUT/appcmd
# validate exits 13 on the generator's files (1 in 5 site locations adds a
# default document the server level has: IIS answers 500.19 there too).
hyperfine -N -i --runs "$RUNS" --warmup 1 --export-json "$OUT/time.json" \
	-n validate "$A validate config $OUT/apphost.config" \
	-n "set config" "$A set config Site7 -section:system.webServer/webSocket /pingInterval:00:00:30 -commit:apphost -apphostconfig:$OUT/set.config"
rss() {
	best=0
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f %M -o "$OUT/rss.txt" "$@" >/dev/null 2>&1 || true
		kb=$(cat "$OUT/rss.txt" | tail -1)
		[ "$kb" -gt "$best" ] && best=$kb
	done
	echo "$best"
}
v=$(rss "$A" validate config "$OUT/apphost.config")
s=$(rss "$A" set config Site7 -section:system.webServer/webSocket /pingInterval:00:00:31 -commit:apphost -apphostconfig:"$OUT/set.config")
med() { awk -v n="$2" -F': *' '$1 ~ /"median"/ { i++; if (i == n) { sub(/,.*/, "", $2); printf "%.0f", $2 * 1000 } }' "$1"; }
vt=$(med "$OUT/time.json" 1)
st=$(med "$OUT/time.json" 2)
echo "| sites | file MiB | validate ms | set config ms | time ratio | validate RSS MiB | set config RSS MiB | RSS ratio |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -v n="$SITES" -v f="$(stat -c %s "$OUT/apphost.config")" -v vt="$vt" -v st="$st" -v v="$v" -v s="$s" 'BEGIN {
	printf "| %d | %.1f | %d | %d | %.1f | %.0f | %.1f | %.1f |\n", n, f/1048576, vt, st, vt/st, v/1024, s/1024, v/s }'
