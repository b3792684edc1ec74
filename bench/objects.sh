#!/bin/sh
# Object verbs (issue 14) and validate config (issue 17) against `set config`
# on the same generated applicationHost.config, in one run: wall time (median
# of RUNS runs, each on a fresh copy) and peak RSS (largest of the runs), as
# ratios to set config and to the file size. Each edit is checked: the file
# must differ from the original and read back through appcmd.
#
#   SIZES="10000" RUNS=3 sh bench/objects.sh
#
# Writes below bench/out/objects/ (git-ignored). Needs go and GNU time.
set -eu
cd "$(dirname "$0")/.."
SIZES=${SIZES:-10000}
RUNS=${RUNS:-3}
OUT=bench/out/objects
mkdir -p "$OUT"
go build -o "$OUT/appcmd" .
go build -o "$OUT/genconfig" ./bench/genconfig
A=$(pwd)/$OUT/appcmd
W=$OUT/w.config
fail=0

# measure NAME CHECK ARGS...: prints "ms kb" (median wall ms, peak RSS KiB)
measure() {
	check=$1
	shift
	: >"$OUT/ms.txt"
	best=0
	for _ in $(seq "$RUNS"); do
		rm -f "$W" && cp "$BASE" "$W"
		/usr/bin/time -f '%e %M' -o "$OUT/t.txt" "$A" "$@" "-apphostconfig:$W" >/dev/null 2>&1 || true
		set -- "$@"
		read -r s kb <<-EOT
		$(tail -1 "$OUT/t.txt")
		EOT
		awk -v s="$s" 'BEGIN { printf "%d\n", s * 1000 }' >>"$OUT/ms.txt"
		[ "$kb" -gt "$best" ] && best=$kb
	done
	if [ -n "$check" ] && ! sh -c "$check" >/dev/null 2>&1; then
		echo "FAIL: $* : check '$check'" >&2
		fail=1
	fi
	echo "$(sort -n "$OUT/ms.txt" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') $best"
}

echo "| sites | file MiB | command | ms | × set config | peak RSS MiB | RSS / file |"
echo "|---:|---:|---|---:|---:|---:|---:|"
for n in $SIZES; do
	BASE=$OUT/base-$n.config
	[ -f "$BASE" ] || "$OUT/genconfig" -sites "$n" -o "$BASE"
	size=$(stat -c %s "$BASE")
	last=$n
	mid=$((n / 2))
	ro="$A list site Site$mid -apphostconfig:$W"
	set -- \
		"set config Site$last -section:system.webServer/webSocket /pingInterval:00:00:30 -commit:apphost|$A list config Site$last -section:system.webServer/webSocket -apphostconfig:$W | grep -q 00:00:30" \
		"list site Site$last|" \
		"list app Site$last/api|" \
		"list apppool Pool$last|" \
		"add apppool /name:NewPool|$A list apppool NewPool -apphostconfig:$W" \
		"set site Site$mid /serverAutoStart:false|$ro /text:serverAutoStart | grep -q false" \
		"delete site Site3|! $A list site Site3 -apphostconfig:$W" \
		"add site /name:NewSite /bindings:http/*:9999: /physicalPath:/tmp|$A list site NewSite -apphostconfig:$W | grep -q id:$((n + 2))" \
		"validate config|"
	base_ms=
	for spec in "$@"; do
		cmd=${spec%%|*}
		check=${spec#*|}
		# shellcheck disable=SC2086
		r=$(measure "$check" $cmd)
		ms=${r% *}
		kb=${r#* }
		[ -z "$base_ms" ] && base_ms=$ms
		awk -v n="$n" -v f="$size" -v c="$cmd" -v ms="$ms" -v b="$base_ms" -v kb="$kb" 'BEGIN {
			printf "| %d | %.1f | %s | %d | %.2f | %.1f | %.2f |\n", n, f/1048576, c, ms, ms/b, kb/1024, kb*1024/f }'
	done
done
exit $fail
