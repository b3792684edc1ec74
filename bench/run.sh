#!/bin/sh
# Benchmark of issue 2: `appcmd set config "SiteK" -section:system.webServer/webSocket
# /pingInterval:00:00:30 -commit:apphost` against `xmlstarlet ed` making the same edit,
# on generated applicationHost.config files with 1k, 10k and 50k sites, measured in the
# same run and reported as ratios. See docs/performance.md.
#
#   sh bench/run.sh                 # all sizes, about 1.5 minutes
#   SIZES="1000 10000" sh bench/run.sh
#   RUNS=20 WARMUP=3 sh bench/run.sh
#
# Needs go, hyperfine, xmlstarlet and GNU time (/usr/bin/time; installed with apt-get
# when missing). Everything is written below bench/out/ (git-ignored): the generated
# files, hyperfine's JSON (bench/out/run/<sites>/*.json) and the table (bench/out/results.md).
# Targets: appcmd <= 0.3x xmlstarlet's wall time at 10k and 50k sites, and appcmd's
# peak RSS <= 1.5x the file size; the script lists the targets missed after the table.
# It exits 1 when an edit is wrong (read back with xmlstarlet sel, and diffed).
#
# Then, for issue 14, it runs bench/objects.sh on the same sizes: the object
# verbs (list/add/set/delete SITE and APPPOOL, /in batches of 1,000 records)
# against set config and xmlstarlet ed in one run, each edit checked and
# its diff required minimal (OBJECTS=0 skips it; OBJECT_RUNS sets its runs,
# default 3).
set -eu

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000 50000"}
RUNS=${RUNS:-15}
WARMUP=${WARMUP:-2}
LIMIT=${LIMIT:-240} # seconds for each hyperfine call
OUT=bench/out
RUN=$OUT/run
mkdir -p "$OUT"
rm -rf "$RUN"
mkdir -p "$RUN"

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench/run.sh: $1 is required" >&2; exit 2; }; }
need go
need hyperfine
need xmlstarlet
if [ ! -x /usr/bin/time ]; then
	echo "installing GNU time (for peak RSS)" >&2
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq time >/dev/null
fi

echo "building appcmd and the generator" >&2
# The binary the README builds: static (no dynamic loader at start).
CGO_ENABLED=0 go build -o "$OUT/appcmd" .
go build -o "$OUT/genconfig" ./bench/genconfig
APPCMD=$(pwd)/$OUT/appcmd

# a statistic of a hyperfine JSON export (one command), in milliseconds
stat_ms() { awk -v key="\"$2\"" -F': *' '$1 ~ key { sub(/,.*/, "", $2); printf "%.3f", $2 * 1000; exit }' "$1"; }
median_ms() { stat_ms "$1" median; }
stddev_ms() { stat_ms "$1" stddev; }
# bounded: a stuck command must not hang the script
bounded() {
	if command -v timeout >/dev/null 2>&1; then timeout "$LIMIT" "$@"; else "$@"; fi
}
# peak RSS in KiB of a command, the largest of three runs
peak_rss() {
	best=0
	for _ in 1 2 3; do
		"$@"
		kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$RUN/time.txt")
		[ "$kb" -gt "$best" ] && best=$kb
	done
	echo "$best"
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
above() { awk "BEGIN { exit !(($1) > ($2)) }"; }

# The fixed part of appcmd's RSS: the same command on the built-in one-site template.
idle=$RUN/idle
mkdir -p "$idle"
"$OUT/genconfig" -sites 0 -o "$idle/applicationHost.config"
idle_rss=$(peak_rss sh -c "rm -f '$idle/w.config' && cp '$idle/applicationHost.config' '$idle/w.config' && /usr/bin/time -v -o '$RUN/time.txt' '$APPCMD' set config 'Default Web Site' -section:system.webServer/webSocket /pingInterval:00:00:30 -commit:apphost '-apphostconfig:$idle/w.config' >/dev/null")

fail=0
missed=
TABLE=$OUT/results.md
{
	echo "| sites | file MiB | edit | appcmd ms | xmlstarlet ms | ratio | appcmd RSS MiB | RSS / file | (RSS − fixed) / file | xmlstarlet RSS MiB |"
	echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
} >"$TABLE"

for n in $SIZES; do
	dir=$RUN/$n
	mkdir -p "$dir"
	base=$dir/base.config
	"$OUT/genconfig" -sites "$n" -o "$base"
	size=$(wc -c <"$base")
	# Site n (n even) has a <webSocket> whose pingInterval changes; site n-1 has none,
	# so a <webSocket pingInterval> element is added to its existing <location>.
	for k in $n $((n - 1)); do
		if [ $((k % 2)) -eq 0 ]; then edit="change attribute"; else edit="add element"; fi
		work=$dir/applicationHost.config
		xout=$dir/xmlstarlet.out
		loc="/configuration/location[@path='Site$k']/system.webServer"
		echo "== $n sites, Site$k: $edit" >&2

		# Correctness first: one run of each, checked.
		rm -f "$work"
		cp "$base" "$work"
		"$APPCMD" set config "Site$k" -section:system.webServer/webSocket /pingInterval:00:00:30 -commit:apphost "-apphostconfig:$work" >/dev/null
		got=$(xmlstarlet sel -t -v "$loc/webSocket/@pingInterval" "$work")
		changed=$(diff "$base" "$work" | grep -c '^[<>]' || true)
		if [ "$got" != "00:00:30" ] || [ "$changed" -gt 2 ]; then
			echo "FAIL: appcmd: pingInterval=\"$got\", $changed lines changed" >&2
			diff "$base" "$work" | head -20 >&2 || true
			fail=1
		fi
		# Update the attribute where it exists, else add it, and the element first
		# where that is missing: the same result as appcmd's edit.
		set -- xmlstarlet ed \
			-s "$loc[not(webSocket)]" -t elem -n webSocket \
			-s "$loc/webSocket[not(@pingInterval)]" -t attr -n pingInterval -v 00:00:30 \
			-u "$loc/webSocket/@pingInterval" -v 00:00:30 \
			"$base"
		"$@" >"$xout"
		got=$(xmlstarlet sel -t -v "$loc/webSocket/@pingInterval" "$xout")
		count=$(xmlstarlet sel -t -v "count($loc/webSocket)" "$xout")
		if [ "$got" != "00:00:30" ] || [ "$count" != 1 ]; then
			echo "FAIL: xmlstarlet: pingInterval=\"$got\", $count webSocket elements" >&2
			fail=1
		fi

		# Wall time, both in this run: appcmd on a fresh copy each time (the copy is
		# not timed), xmlstarlet writing the edited document to a file.
		tag=$(echo "$edit" | tr ' ' -)
		bounded hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
			--prepare "sh -c 'rm -f $work && cp $base $work'" \
			--export-json "$dir/appcmd-$tag.json" -n appcmd \
			"$APPCMD set config Site$k -section:system.webServer/webSocket /pingInterval:00:00:30 -commit:apphost -apphostconfig:$work" >&2
		bounded hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
			--output "./$xout" \
			--export-json "$dir/xmlstarlet-$tag.json" -n xmlstarlet \
			"xmlstarlet ed -s \"$loc[not(webSocket)]\" -t elem -n webSocket -s \"$loc/webSocket[not(@pingInterval)]\" -t attr -n pingInterval -v 00:00:30 -u \"$loc/webSocket/@pingInterval\" -v 00:00:30 $base" >&2

		# Peak RSS.
		a_rss=$(peak_rss sh -c "rm -f '$work' && cp '$base' '$work' && /usr/bin/time -v -o '$RUN/time.txt' '$APPCMD' set config Site$k -section:system.webServer/webSocket /pingInterval:00:00:30 -commit:apphost '-apphostconfig:$work' >/dev/null")
		x_rss=$(peak_rss sh -c "/usr/bin/time -v -o '$RUN/time.txt' \"\$@\" >'$xout'" sh "$@")

		a_ms=$(median_ms "$dir/appcmd-$tag.json")
		x_ms=$(median_ms "$dir/xmlstarlet-$tag.json")
		ratio=$(calc %.2f "$a_ms / $x_ms")
		rss_ratio=$(calc %.2f "$a_rss * 1024 / $size")
		printf '| %s | %s | %s | %s ± %s | %s ± %s | %s | %s | %s | %s | %s |\n' \
			"$n" "$(calc %.1f "$size / 1048576")" "$edit" \
			"$(calc %.1f "$a_ms")" "$(calc %.1f "$(stddev_ms "$dir/appcmd-$tag.json")")" \
			"$(calc %.1f "$x_ms")" "$(calc %.1f "$(stddev_ms "$dir/xmlstarlet-$tag.json")")" \
			"$ratio" "$(calc %.1f "$a_rss / 1024")" "$rss_ratio" "$(calc %.2f "($a_rss - $idle_rss) * 1024 / $size")" \
			"$(calc %.1f "$x_rss / 1024")" >>"$TABLE"
		if [ "$n" -ge 10000 ] && above "$ratio" 0.3; then
			missed="$missed
- $n sites, $edit: wall time ratio $ratio > 0.3"
		fi
		if [ "$n" -ge 10000 ] && above "$rss_ratio" 1.5; then
			missed="$missed
- $n sites, $edit: peak RSS / file size $rss_ratio > 1.5"
		fi
	done
done

echo
echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(go version | cut -d' ' -f3), xmlstarlet $(xmlstarlet --version | head -1), $(hyperfine --version)"
echo "Times are hyperfine medians ± standard deviation of $RUNS runs after $WARMUP warm-up runs; ratio = appcmd / xmlstarlet (medians); RSS is the largest of 3 runs; fixed = $(calc %.1f "$idle_rss / 1024") MiB, appcmd's peak RSS for the same edit of the one-site template."
echo
cat "$TABLE"
echo
big=
for n in $SIZES; do [ "$n" -ge 10000 ] && big=1; done
if [ -z "$big" ]; then
	echo "Targets not checked: they are for 10k and 50k sites."
elif [ -n "$missed" ]; then
	echo "Targets missed (10k and 50k sites):$missed"
else
	echo "Targets met at 10k and 50k sites: wall time <= 0.3x xmlstarlet, peak RSS <= 1.5x the file size."
fi
[ "$fail" = 0 ] || echo "FAILED: an edit was wrong (see above)"
if [ "${OBJECTS:-1}" != 0 ]; then
	echo
	echo "Object verbs (issue 14): bench/objects.sh"
	SIZES="$SIZES" RUNS="${OBJECT_RUNS:-3}" sh bench/objects.sh || fail=1
fi
exit $fail
