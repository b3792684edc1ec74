#!/bin/sh
# Object verbs and /in batches (issue 14) and validate config (issue 17)
# against `set config` on the same generated applicationHost.config, in one
# run: wall time (median of RUNS runs, each on a fresh copy, the runs going
# round all rows) and peak RSS (largest of the runs), as ratios to set config and to the file size, and
# the wall time of `xmlstarlet ed` making the same edit (`xmlstarlet sel`
# for the reads), as a ratio too. Each edit is checked: appcmd's result is
# read back through appcmd, xmlstarlet's through xmlstarlet sel, and
# appcmd's diff against the original must be minimal: exactly the lines the
# edit changes (diff's < and > lines); the script exits 1 when one is wrong.
#
#   SIZES="10000" RUNS=3 sh bench/objects.sh
#
# The batch rows pipe 1,000 records into /in: `set apppool /in` (records of
# `list apppool /xml` with a new RuntimeVersion), `set site /in` (records
# of `list site /xml` with the http port moved: a binding removed and one
# added per site) and `add apppool /in` (1,000 new pools); "× single" is
# the ratio to the same verb on one object in the same run.
#
# Writes below bench/out/objects/ (git-ignored). Needs go, xmlstarlet and
# GNU time (apt-get install -y xmlstarlet time).
set -eu
cd "$(dirname "$0")/.."
SIZES=${SIZES:-10000}
RUNS=${RUNS:-3}
OUT=bench/out/objects
mkdir -p "$OUT"
for c in go xmlstarlet; do
	command -v "$c" >/dev/null 2>&1 || { echo "bench/objects.sh: $c is required (apt-get install -y $c)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench/objects.sh: GNU time is required (apt-get install -y time)" >&2; exit 2; }
# The binary the README builds: static (no dynamic loader at start).
CGO_ENABLED=0 go build -o "$OUT/appcmd" .
go build -o "$OUT/genconfig" ./bench/genconfig
A=$(pwd)/$OUT/appcmd
W=$OUT/w.config
X=$OUT/x.out
fail=0

# run_once IN TAG ARGS...: runs ARGS once (stdin from IN) on a fresh copy
# of $BASE (appcmd: ARGS gets -apphostconfig:$W) or with output to $X
# (xmlstarlet); appends the wall ms to $R/TAG.ms and the peak RSS KiB to
# $R/TAG.kb.
run_once() {
	in=$1 tag=$2
	shift 2
	rm -f "$W" && cp "$BASE" "$W"
	# Wall time from the clock in ns (GNU time's %e has 10 ms steps, too
	# coarse at 50 ms); peak RSS from GNU time.
	t0=$(date +%s%N)
	if [ "$1" = xmlstarlet ]; then
		/usr/bin/time -f '%M' -o "$OUT/t.txt" "$@" <"$in" >"$X" 2>/dev/null || true
	else
		/usr/bin/time -f '%M' -o "$OUT/t.txt" "$@" "-apphostconfig:$W" <"$in" >/dev/null 2>&1 || true
	fi
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >>"$R/$tag.ms"
	tail -1 "$OUT/t.txt" >>"$R/$tag.kb"
}

# median FILE, largest FILE: of the numbers in FILE, one a line.
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
largest() { sort -n "$1" | tail -1; }

# check WHAT SCRIPT: runs the check SCRIPT (after the last run), reports a failure.
check() {
	if [ -n "$2" ] && ! sh -c "$2" >/dev/null 2>&1; then
		echo "FAIL: $1: check '$2'" >&2
		fail=1
	fi
}

# fields SPEC: the #-separated fields of one row.
fields() {
	IFS='#' read -r cmd in acheck xcmd xcheck single lines <<-EOT
	$1
	EOT
}

echo "| sites | file MiB | command | ms | × set config | × single | peak RSS MiB | RSS / file | xmlstarlet ms | × xmlstarlet |"
echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
	BASE=$OUT/base-$n.config
	[ -f "$BASE" ] || "$OUT/genconfig" -sites "$n" -o "$BASE"
	size=$(stat -c %s "$BASE")
	last=$n
	mid=$((n / 2))
	batch=$((n < 1000 ? n : 1000))
	S=/configuration/system.applicationHost/sites
	P=/configuration/system.applicationHost/applicationPools
	L="/configuration/location[@path='Site$last']/system.webServer"
	inBatch="starts-with(@name,'Pool') and number(substring(@name,5)) <= $batch"
	siteBatch="starts-with(@name,'Site') and number(substring(@name,5)) <= $batch"
	# The batches' records, made from the file (not timed).
	rm -f "$W" && cp "$BASE" "$W"
	"$A" list apppool /xml "-apphostconfig:$W" |
		awk -v b="$batch" 'NR <= 2 || /APPPOOL.NAME="Pool[0-9]+"/ && k++ < b || /<\/appcmd>/' |
		sed 's/RuntimeVersion="[^"]*"/RuntimeVersion="v2.0"/' >"$OUT/pools-set.xml"
	"$A" list site /xml "-apphostconfig:$W" |
		awk -v b="$batch" 'NR <= 2 || /SITE.NAME="Site[0-9]+"/ && k++ < b || /<\/appcmd>/' |
		sed 's/http\/\*:80:/http\/*:8080:/' >"$OUT/sites-set.xml"
	{
		echo '<appcmd>'
		i=1
		while [ "$i" -le "$batch" ]; do
			echo "    <APPPOOL APPPOOL.NAME=\"BatchPool$i\" />"
			i=$((i + 1))
		done
		echo '</appcmd>'
	} >"$OUT/pools-add.xml"
	# xmlstarlet's equivalent: one -a (and its name) per new pool.
	xadd=
	i=1
	while [ "$i" -le "$batch" ]; do
		xadd="$xadd -a \"$P/add[last()]\" -t elem -n add -s '\$prev' -t attr -n name -v BatchPool$i"
		i=$((i + 1))
	done

	# Rows, fields split by #: appcmd args, stdin, appcmd check, xmlstarlet
	# command, its check, the single-object row (for × single), and the
	# number of lines appcmd's edit changes (diff's < and > lines; empty
	# for the reads).
	ro="$A list site Site$mid -apphostconfig:$W"
	set -- \
		"set config Site$last -section:system.webServer/webSocket /pingInterval:00:00:30 -commit:apphost#/dev/null#$A list config Site$last -section:system.webServer/webSocket -apphostconfig:$W | grep -q 00:00:30#xmlstarlet ed -s \"$L[not(webSocket)]\" -t elem -n webSocket -s \"$L/webSocket[not(@pingInterval)]\" -t attr -n pingInterval -v 00:00:30 -u \"$L/webSocket/@pingInterval\" -v 00:00:30 $BASE#[ \"\$(xmlstarlet sel -t -v \"$L/webSocket/@pingInterval\" $X)\" = 00:00:30 ]##2" \
		"list site Site$last#/dev/null##xmlstarlet sel -t -c \"$S/site[@name='Site$last']\" $BASE##" \
		"list app Site$last/api#/dev/null##xmlstarlet sel -t -c \"$S/site[@name='Site$last']/application[@path='/api']\" $BASE##" \
		"list apppool Pool$last#/dev/null##xmlstarlet sel -t -c \"$P/add[@name='Pool$last']\" $BASE##" \
		"add apppool /name:NewPool#/dev/null#$A list apppool NewPool -apphostconfig:$W#xmlstarlet ed -a \"$P/add[last()]\" -t elem -n add --var p '\$prev' -s '\$p' -t attr -n name -v NewPool $BASE#[ \"\$(xmlstarlet sel -t -v \"count($P/add[@name='NewPool'])\" $X)\" = 1 ]##1" \
		"set apppool Pool$mid /managedRuntimeVersion:v2.0#/dev/null#$A list apppool Pool$mid -apphostconfig:$W | grep -q MgdVersion:v2.0#xmlstarlet ed -u \"$P/add[@name='Pool$mid']/@managedRuntimeVersion\" -v v2.0 $BASE#[ \"\$(xmlstarlet sel -t -v \"$P/add[@name='Pool$mid']/@managedRuntimeVersion\" $X)\" = v2.0 ]##2" \
		"set site Site$mid /serverAutoStart:false#/dev/null#$ro /text:serverAutoStart | grep -q false#xmlstarlet ed -u \"$S/site[@name='Site$mid']/@serverAutoStart\" -v false $BASE#[ \"\$(xmlstarlet sel -t -v \"$S/site[@name='Site$mid']/@serverAutoStart\" $X)\" = false ]##2" \
		"delete site Site3#/dev/null#! $A list site Site3 -apphostconfig:$W#xmlstarlet ed -d \"$S/site[@name='Site3']\" $BASE#[ \"\$(xmlstarlet sel -t -v \"count($S/site[@name='Site3'])\" $X)\" = 0 ]##12" \
		"add site /name:NewSite /bindings:http/*:9999: /physicalPath:/tmp#/dev/null#$A list site NewSite -apphostconfig:$W | grep -q id:$((n + 2))#xmlstarlet ed -a \"$S/site[last()]\" -t elem -n site --var s '\$prev' -s '\$s' -t attr -n name -v NewSite -s '\$s' -t attr -n id -v $((n + 2)) -s '\$s' -t elem -n application -s '\$s/application' -t attr -n path -v / -s '\$s/application' -t elem -n virtualDirectory -s '\$s/application/virtualDirectory' -t attr -n path -v / -s '\$s/application/virtualDirectory' -t attr -n physicalPath -v /tmp -s '\$s' -t elem -n bindings -s '\$s/bindings' -t elem -n binding -s '\$s/bindings/binding' -t attr -n protocol -v http -s '\$s/bindings/binding' -t attr -n bindingInformation -v '*:9999:' $BASE#[ \"\$(xmlstarlet sel -t -v \"$S/site[@name='NewSite']/bindings/binding/@bindingInformation\" $X)\" = '*:9999:' ]##8" \
		"set apppool /in ($batch records)#$OUT/pools-set.xml#$A list apppool Pool$batch -apphostconfig:$W | grep -q MgdVersion:v2.0#xmlstarlet ed -u \"$P/add[$inBatch]/@managedRuntimeVersion\" -v v2.0 $BASE#[ \"\$(xmlstarlet sel -t -v \"count($P/add[$inBatch and @managedRuntimeVersion='v2.0'])\" $X)\" = $batch ]#set apppool#$((2 * batch))" \
		"set site /in ($batch records)#$OUT/sites-set.xml#$A list site Site$batch -apphostconfig:$W | grep -q 'http/\*:8080:'#xmlstarlet ed -u \"$S/site[$siteBatch]/bindings/binding[@protocol='http']/@bindingInformation\" -x \"concat('*:8080:', substring-after(substring-after(., ':'), ':'))\" $BASE#[ \"\$(xmlstarlet sel -t -v \"count($S/site[$siteBatch]/bindings/binding[starts-with(@bindingInformation,'*:8080:')])\" $X)\" = $batch ]#set site#$((2 * batch))" \
		"add apppool /in ($batch records)#$OUT/pools-add.xml#$A list apppool BatchPool$batch -apphostconfig:$W#xmlstarlet ed $xadd $BASE#[ \"\$(xmlstarlet sel -t -v \"count($P/add[starts-with(@name,'BatchPool')])\" $X)\" = $batch ]#add apppool#$batch" \
		"validate config#/dev/null###"
	# The runs go round the rows (every row once per round), so that the
	# load of a shared machine falls on all rows alike; each edit is
	# checked after its last run.
	R=$OUT/rows
	rm -rf "$R" && mkdir -p "$R"
	for round in $(seq "$RUNS"); do
		i=0
		for spec in "$@"; do
			i=$((i + 1))
			fields "$spec"
			case $cmd in
			*"/in ("*) args=${cmd%% (*} ;;
			*) args=$cmd ;;
			esac
			# shellcheck disable=SC2086
			(set -f && run_once "$in" "a$i" "$A" $args)
			if [ "$round" = "$RUNS" ]; then
				check "$cmd" "$acheck"
				changed=$(diff "$BASE" "$W" | grep -c '^[<>]' || true)
				if [ -n "$lines" ] && [ "$changed" != "$lines" ]; then
					echo "FAIL: $cmd: the diff has $changed changed lines, want $lines" >&2
					fail=1
				fi
			fi
			if [ -n "$xcmd" ]; then
				(eval "set -- $xcmd" && run_once /dev/null "x$i" "$@")
				[ "$round" = "$RUNS" ] && check "xmlstarlet: $cmd" "$xcheck"
			fi
		done
	done
	base_ms=
	i=0
	for spec in "$@"; do
		i=$((i + 1))
		fields "$spec"
		ms=$(median "$R/a$i.ms")
		kb=$(largest "$R/a$i.kb")
		[ -z "$base_ms" ] && base_ms=$ms
		times=—
		if [ -n "$single" ]; then
			eval "one=\$ms_$(echo "$single" | tr -c 'a-z\n' _)"
			times=$(awk -v a="$ms" -v b="$one" 'BEGIN { printf "%.2f", a / b }')
		else
			eval "ms_$(echo "$cmd" | cut -d' ' -f1,2 | tr -c 'a-z\n' _)=$ms"
		fi
		xms=— xr=—
		if [ -n "$xcmd" ]; then
			xms=$(median "$R/x$i.ms")
			xr=$(awk -v a="$ms" -v b="$xms" 'BEGIN { printf "%.2f", a / b }')
		fi
		awk -v n="$n" -v f="$size" -v c="$cmd" -v ms="$ms" -v b="$base_ms" -v kb="$kb" -v t="$times" -v xms="$xms" -v xr="$xr" 'BEGIN {
			printf "| %d | %.1f | %s | %d | %.2f | %s | %.1f | %.2f | %s | %s |\n", n, f/1048576, c, ms, ms/b, t, kb/1024, kb*1024/f, xms, xr }'
	done
done
exit $fail
