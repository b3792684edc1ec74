#!/bin/sh
# Startup cost of issue 12: `appcmd list config -section:system.webServer/webSocket`
# on the built-in default applicationHost.config, with the current tree against BASE
# (default 08f466b, the last commit with the 28-section built-in schema), measured in
# the same run: the two binaries alternate, RUNS times each, and the medians and
# their ratio are printed. Target: ratio <= 1.2. See docs/performance.md.
#
#   sh bench/startup.sh
#   RUNS=101 BASE=main sh bench/startup.sh
#
# Needs go and git; writes below bench/out/startup (git-ignored).
set -eu

cd "$(dirname "$0")/.."
BASE=${BASE:-08f466b}
RUNS=${RUNS:-51}
OUT=bench/out/startup
rm -rf "$OUT"
mkdir -p "$OUT/base-src" "$OUT/home-base" "$OUT/home-cur"

echo "building $BASE and the current tree" >&2
git archive "$BASE" | tar -x -C "$OUT/base-src"
(cd "$OUT/base-src" && go build -o ../appcmd-base .)
go build -o "$OUT/appcmd-cur" .

# run BIN HOME: one timed command, prints nanoseconds
run() {
	start=$(date +%s%N)
	HOME=$2 XDG_CONFIG_HOME=$2/.config APPCMD_APPHOSTCONFIG= APPCMD_SCHEMA_PATH= \
		"$1" list config -section:system.webServer/webSocket >/dev/null 2>&1
	end=$(date +%s%N)
	echo $((end - start))
}

# Each binary creates its default configuration on its first run.
for i in 1 2 3; do
	run "$OUT/appcmd-base" "$OUT/home-base" >/dev/null
	run "$OUT/appcmd-cur" "$OUT/home-cur" >/dev/null
done
for f in "$OUT/home-base/.config/appcmd/applicationHost.config" "$OUT/home-cur/.config/appcmd/applicationHost.config"; do
	[ -f "$f" ] || { echo "bench/startup.sh: $f was not created" >&2; exit 1; }
done

: >"$OUT/base.ns"
: >"$OUT/cur.ns"
i=0
while [ $i -lt "$RUNS" ]; do
	run "$OUT/appcmd-base" "$OUT/home-base" >>"$OUT/base.ns"
	run "$OUT/appcmd-cur" "$OUT/home-cur" >>"$OUT/cur.ns"
	i=$((i + 1))
done

median() { sort -n "$1" | awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] / 1e6 }'; }
b=$(median "$OUT/base.ns")
c=$(median "$OUT/cur.ns")
ratio=$(awk -v b="$b" -v c="$c" 'BEGIN { printf "%.2f", c / b }')
sections() { HOME=$2 XDG_CONFIG_HOME=$2/.config APPCMD_APPHOSTCONFIG= "$1" list config -section:? 2>/dev/null | wc -l; }
printf '| build | sections known | median wall time (ms), %s runs |\n|---|---|---|\n' "$RUNS"
printf '| %s (base) | %s | %s |\n' "$BASE" "$(sections "$OUT/appcmd-base" "$OUT/home-base")" "$b"
printf '| current | %s | %s |\n' "$(sections "$OUT/appcmd-cur" "$OUT/home-cur")" "$c"
printf '\nratio current/base: %s (target <= 1.2)\n' "$ratio"
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.2) }' || { echo "target missed" >&2; exit 1; }
