#!/bin/sh
# Start-up cost (issues 12 and 14): `appcmd list config -section:system.webServer/webSocket`
# on the built-in default applicationHost.config, with the current tree against BASE
# (default 08f466b, the last commit with the 28-section built-in schema) and against
# the floor of this machine, a Go program that only prints a line. All are measured
# in the same run: the binaries alternate, RUNS times each, and the medians and
# ratios are printed. Targets: current/base <= 1.2 (issue 12; checked, exit 1 when
# missed) and a median <= 5 ms on an idle machine (issue 14; printed, as an absolute
# time on a shared machine is not a test). See docs/performance.md.
#
# The binaries are built as appcmd is shipped: CGO_ENABLED=0, a static binary
# with no dynamic loader at start-up (docs/performance.md says what that saves).
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
mkdir -p "$OUT/base-src" "$OUT/home-base" "$OUT/home-cur" "$OUT/floor-src"
export CGO_ENABLED=0

echo "building $BASE and the current tree" >&2
git archive "$BASE" | tar -x -C "$OUT/base-src"
(cd "$OUT/base-src" && go build -o ../appcmd-base .)
go build -o "$OUT/appcmd-cur" .
printf 'module floor\n' >"$OUT/floor-src/go.mod"
printf 'package main\n\nimport "os"\n\nfunc main() { os.Stdout.WriteString("<webSocket />\\n") }\n' >"$OUT/floor-src/main.go"
(cd "$OUT/floor-src" && go build -o ../floor .)

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

# The three commands alternate, RUNS rounds (bench/startuptime: no shell or
# date process inside the timing). The environment points each appcmd at
# its own default configuration; the floor ignores it.
go build -o "$OUT/startuptime" ./bench/startuptime
HOME=$OUT/home-cur XDG_CONFIG_HOME=$OUT/home-cur/.config APPCMD_APPHOSTCONFIG= APPCMD_SCHEMA_PATH= \
	"$OUT/startuptime" -runs "$RUNS" \
	-- "$OUT/appcmd-base -apphostconfig:$OUT/home-base/.config/appcmd/applicationHost.config list config -section:system.webServer/webSocket" \
	-- "$OUT/appcmd-cur list config -section:system.webServer/webSocket" \
	-- "$OUT/floor" >"$OUT/medians"
b=$(sed -n 1p "$OUT/medians")
c=$(sed -n 2p "$OUT/medians")
f=$(sed -n 3p "$OUT/medians")
ratio=$(awk -v b="$b" -v c="$c" 'BEGIN { printf "%.2f", c / b }')
sections() { HOME=$2 XDG_CONFIG_HOME=$2/.config APPCMD_APPHOSTCONFIG= "$1" list config -section:? 2>/dev/null | wc -l; }
printf '| build | sections known | median wall time (ms), %s runs |\n|---|---|---|\n' "$RUNS"
printf '| %s (base) | %s | %s |\n' "$BASE" "$(sections "$OUT/appcmd-base" "$OUT/home-base")" "$b"
printf '| current | %s | %s |\n' "$(sections "$OUT/appcmd-cur" "$OUT/home-cur")" "$c"
printf '| floor: a Go program printing one line | - | %s |\n' "$f"
printf '\nratio current/base: %s (target <= 1.2)\n' "$ratio"
printf 'current: %s ms (target <= 5 ms), %s ms above the floor, ratio current/floor %s\n' "$c" \
	"$(awk -v c="$c" -v f="$f" 'BEGIN { printf "%.2f", c - f }')" "$(awk -v c="$c" -v f="$f" 'BEGIN { printf "%.2f", c / f }')"
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.2) }' || { echo "target missed" >&2; exit 1; }
