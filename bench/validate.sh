#!/bin/sh
# validate config and the lists of every object (list site, list site /xml,
# list apppool) against set config on the same generated
# applicationHost.config (issues 17 and 14): wall time (hyperfine medians)
# and peak RSS (GNU time, largest of RUNS runs), reported as ratios to set
# config and to the file size. See docs/performance.md.
#
#   SIZES="10000 50000" RUNS=3 sh bench/validate.sh
#
# (SITES=N is read as SIZES=N.) Writes below bench/out/validate/
# (git-ignored). Needs go, hyperfine and /usr/bin/time. Exits 1 when a
# list does not print every object.
set -eu
cd "$(dirname "$0")/.."
SIZES=${SIZES:-${SITES:-50000}}
RUNS=${RUNS:-3}
OUT=bench/out/validate
mkdir -p "$OUT"
# The binary the README builds: static (no dynamic loader at start).
CGO_ENABLED=0 go build -o "$OUT/appcmd" .
go build -o "$OUT/genconfig" ./bench/genconfig
A=$(pwd)/$OUT/appcmd

rss() {
	best=0
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f %M -o "$OUT/rss.txt" "$@" >/dev/null 2>&1 || true
		kb=$(tail -1 "$OUT/rss.txt")
		[ "$kb" -gt "$best" ] && best=$kb
	done
	echo "$best"
}
med() { awk -v n="$2" -F': *' '$1 ~ /"median"/ { i++; if (i == n) { sub(/,.*/, "", $2); printf "%.0f", $2 * 1000 } }' "$1"; }

echo "| sites | file MiB | command | ms | × set config | RSS MiB | RSS / file |"
echo "|---:|---:|---|---:|---:|---:|---:|"
for n in $SIZES; do
	F=$OUT/apphost-$n.config
	"$OUT/genconfig" -sites "$n" -o "$F"
	cp "$F" "$OUT/set.config"
	# The lists print every object (the pools: DefaultAppPool and n more).
	got=$("$A" list site -apphostconfig:"$F" | wc -l)
	[ "$got" -eq $((n + 1)) ] || { echo "list site printed $got lines, want $((n + 1))" >&2; exit 1; }
	got=$("$A" list apppool -apphostconfig:"$F" | wc -l)
	[ "$got" -eq $((n + 1)) ] || { echo "list apppool printed $got lines, want $((n + 1))" >&2; exit 1; }
	# validate exits 13 on the generator's files (1 in 5 site locations adds a
	# default document the server level has: IIS answers 500.19 there too).
	hyperfine -N -i --runs "$RUNS" --warmup 1 --export-json "$OUT/time-$n.json" \
		-n "set config" "$A set config Site7 -section:system.webServer/webSocket /pingInterval:00:00:30 -commit:apphost -apphostconfig:$OUT/set.config" \
		-n "validate config FILE" "$A validate config $F" \
		-n "list site" "$A list site -apphostconfig:$F" \
		-n "list site /xml" "$A list site /xml -apphostconfig:$F" \
		-n "list apppool" "$A list apppool -apphostconfig:$F" >/dev/null
	size=$(stat -c %s "$F")
	st=$(med "$OUT/time-$n.json" 1)
	i=1
	for name in "set config" "validate config FILE" "list site" "list site /xml" "list apppool"; do
		case $name in
		"set config") kb=$(rss "$A" set config Site7 -section:system.webServer/webSocket /pingInterval:00:00:31 -commit:apphost -apphostconfig:"$OUT/set.config") ;;
		"validate config FILE") kb=$(rss "$A" validate config "$F") ;;
		"list site /xml") kb=$(rss "$A" list site /xml -apphostconfig:"$F") ;;
		*) kb=$(rss "$A" $name -apphostconfig:"$F") ;;
		esac
		t=$(med "$OUT/time-$n.json" "$i")
		awk -v n="$n" -v f="$size" -v c="$name" -v t="$t" -v st="$st" -v kb="$kb" 'BEGIN {
			printf "| %d | %.1f | %s | %d | %.1f | %.1f | %.2f |\n", n, f/1048576, c, t, t/st, kb/1024, kb*1024/f }'
		i=$((i + 1))
	done
done
