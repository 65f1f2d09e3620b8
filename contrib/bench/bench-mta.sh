#!/bin/bash
# bench-mta.sh - the MTA benchmark: what leakguard costs a Postfix relay, beside the tools users
# would pick instead (rspamd in milter mode, MIMEDefang), all in one interleaved run.
#
#   contrib/bench/bench-mta.sh [-b BUILDDIR]        (as root; `make bench-mta` runs it)
#
# Starts a private Postfix on 127.0.0.1 (contrib/postfix-private.sh: own config, queue and log
# under a scratch directory) relaying to smtp-sink, with one smtpd listener per configuration:
#   none        no milter (Postfix alone)
#   leakguard   leakguard from BUILDDIR, policy: tag when phone_jp + email >= 10 (all built-in
#               detectors on, as shipped)
#   rspamd      rspamd's proxy worker in milter mode (contrib/bench/peers/rspamd.conf.in,
#               count.lua), when rspamd is installed
#   mimedefang  mimedefang + mimedefang-multiplexor (contrib/bench/peers/mimedefang-filter),
#               when installed
# The peers do the same job: count Japanese phone numbers and e-mail addresses in text parts and
# text attachments, tag at 10 or more. A peer that is not installed is skipped (said so);
# contrib/bench/install-peers.sh installs them. Everything started is private (own sockets,
# directories, logs) and stopped at the end; no system service is touched.
#
# For each message class of contrib/bench/gen-classes.py (small, csv, office, big) and the mix
# (70% small, 20% office, 10% csv, sent one class after the other in one timed run),
# smtp-source sends N messages in BENCH_SESSIONS parallel sessions to each configuration in
# turn (the order rotates between repetitions), and the run is timed from the first connection
# until Postfix has delivered all N to the sink. N is chosen so that Postfix alone takes about
# BENCH_SECONDS. Measured per run: messages/s; CPU time (user+sys, from /proc/PID/stat, of the
# milter's processes and their reaped children) per message for leakguard and each peer;
# leakguard's peak RSS (VmHWM, reset before each run); leakguard's end-of-data-to-verdict
# times (time_ms= of its log lines). contrib/bench/report.py prints medians over the
# repetitions and the issue's targets.
#
# Knobs (environment): BENCH_SECONDS (default 5), BENCH_REPS (3), BENCH_SESSIONS (20),
# BENCH_CLASSES ("small csv office big mix"), BENCH_CONFIGS ("none leakguard rspamd
# mimedefang"), BENCH_RSS_SESSIONS (200; 0 skips the last run: the csv class through leakguard
# with that many sessions, for the peak RSS), BENCH_WORKERS (processes of each peer; default
# the number of CPUs), BENCH_OUT (directory for results.tsv, times/, report.txt; default the
# scratch directory, kept), LG_TEST_PORT_FROM..LG_TEST_PORT_TO (ports on 127.0.0.1, default
# 10025..10099), LG_KEEP_TMP=1 (keep the scratch directory), BENCH_CACHE (rspamd's compiled
# hyperscan databases, kept between runs; default /var/tmp/leakguard-bench).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../.." && pwd)
builddir=${top_builddir:-$top_srcdir}
if [ "${1:-}" = "-b" ] && [ -n "${2:-}" ]; then
	builddir=$(cd "$2" && pwd)
fi
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
REPS=${BENCH_REPS:-3}
SESSIONS=${BENCH_SESSIONS:-20}
CLASSES=${BENCH_CLASSES:-small csv office big mix}
CONFIGS=${BENCH_CONFIGS:-none leakguard rspamd mimedefang}
RSS_SESSIONS=${BENCH_RSS_SESSIONS:-200}
WORKERS=${BENCH_WORKERS:-$(nproc)}
PORT_FROM=${LG_TEST_PORT_FROM:-10025}
PORT_TO=${LG_TEST_PORT_TO:-10099}

say() { printf 'bench-mta: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (it starts a private Postfix instance)"
for c in postfix postconf postqueue smtp-source smtp-sink python3; do
	command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] ||
		die "$c is not installed (sh contrib/install-deps.sh --tests)"
done
PATH=$PATH:/usr/sbin
LEAKGUARD=$builddir/leakguard
[ -x "$LEAKGUARD" ] || die "leakguard is not built ($LEAKGUARD; give the build directory with -b)"
id nobody >/dev/null 2>&1 || die "no user 'nobody' to run leakguard as"

. "$top_srcdir/tests/lib.sh" >/dev/null
. "$top_srcdir/contrib/postfix-private.sh"

# ---- scratch directory, ports -------------------------------------------------------------
T=$(mktemp -d /tmp/leakguard-bench.XXXXXX) || die "cannot make a scratch directory"
chmod 755 "$T"
OUT=${BENCH_OUT:-$T/out}
mkdir -p "$OUT/times" || die "cannot make $OUT"
OUT=$(cd "$OUT" && pwd)
PF=$T/pf
ports=()
for _ in 1 2 3 4 5; do
	p=$(pick_port "$PORT_FROM" "$PORT_TO" "${ports[@]}") || die "no free port in $PORT_FROM..$PORT_TO"
	ports+=("$p")
done
SINK_PORT=${ports[0]}
declare -A PORT=([none]=${ports[1]} [leakguard]=${ports[2]} [rspamd]=${ports[3]} [mimedefang]=${ports[4]})
declare -A PIDS=()	# configuration -> the process whose tree is measured

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	[ -n "${MD_MUX_PID:-}" ] && kill "$MD_MUX_PID" 2>/dev/null
	for pid in "${PIDS[@]}" ${MD_MUX_PID:-}; do
		wait_gone "$pid" 10 || kill -9 "$pid" 2>/dev/null
	done
	pf_stop "$PF"
	if [ -n "${SINK_PID:-}" ]; then
		kill "$SINK_PID" 2>/dev/null
		wait "$SINK_PID" 2>/dev/null
	fi
	if [ -n "${LG_KEEP_TMP:-}" ]; then
		say "scratch directory kept: $T"
	elif [ -n "${BENCH_OUT:-}" ]; then
		rm -rf "$T"
		say "results in $OUT"
	else
		# keep the results, drop the rest
		rm -rf "$T/pf" "$T/classes" "$T/lg" "$T/rspamd" "$T/md"
		say "results kept in $OUT"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- message classes ------------------------------------------------------------------------
python3 "$here/gen-classes.py" -o "$T/classes" >&2 || die "gen-classes.py failed"

# ---- milters ----------------------------------------------------------------------------------
# start_leakguard - leakguard in the foreground, the benchmark's policy
start_leakguard() {
	mkdir -p "$T/lg/spool" && chown nobody "$T/lg/spool" && chmod 700 "$T/lg/spool"
	cat >"$T/lg/leakguard.yaml" <<EOF
# MTA benchmark: the shipped configuration but for the socket and the policy (the same job as the
# peers: tag at 10 or more phone numbers and e-mail addresses)
listen: "unix:$T/lg/leakguard.sock"
user: nobody
socket_mode: "0666"
spool_dir: "$T/lg/spool"
policy:
  default_action: accept
  rules:
    - name: bench-personal-data
      when: "findings.phone_jp + findings.email >= 10"
      action: tag
EOF
	"$LEAKGUARD" -c "$T/lg/leakguard.yaml" -f -u nobody >"$T/lg/leakguard.log" 2>&1 </dev/null &
	PIDS[leakguard]=$!
	wait_for_socket "$T/lg/leakguard.sock" 20 || {
		cat "$T/lg/leakguard.log" >&2
		die "leakguard did not start"
	}
	MILTER[leakguard]=unix:$T/lg/leakguard.sock
}

# start_rspamd - rspamd's proxy worker in milter mode, self-scan, our Lua rule only
# (the Debian package's, or the one install-peers.sh unpacked under /opt/leakguard-bench when apt
# could not install it beside vectorscan); its database directory is private, its compiled
# hyperscan databases are kept in BENCH_CACHE (the first start compiles them: a minute or more)
start_rspamd() {
	local opt=/opt/leakguard-bench/rspamd bin libpath=${LD_LIBRARY_PATH:-}
	local cache=${BENCH_CACHE:-/var/tmp/leakguard-bench}/rspamd-hs
	if command -v rspamd >/dev/null 2>&1; then
		bin=$(command -v rspamd)
	elif [ -x "$opt/usr/bin/rspamd" ]; then
		bin=$opt/usr/bin/rspamd
		libpath=$opt/usr/lib/rspamd${libpath:+:$libpath}
	else
		say "rspamd is not installed: skipped (contrib/bench/install-peers.sh)"
		return 1
	fi
	id _rspamd >/dev/null 2>&1 || { say "no user _rspamd: rspamd skipped"; return 1; }
	mkdir -p "$T/rspamd/tmp" "$cache" && chown _rspamd "$cache"
	sed -e "s|@DIR@|$T/rspamd|g" -e "s|@PEERS@|$here/peers|g" -e "s|@WORKERS@|$WORKERS|g" \
		-e "s|@HSCACHE@|$cache|g" "$here/peers/rspamd.conf.in" >"$T/rspamd/rspamd.conf"
	chown -R _rspamd "$T/rspamd"
	say "starting rspamd (the first start compiles hyperscan databases into $cache)"
	LD_LIBRARY_PATH=$libpath "$bin" -f -c "$T/rspamd/rspamd.conf" -u _rspamd -g _rspamd \
		--var="DBDIR=$T/rspamd" --var="RUNDIR=$T/rspamd" --var="LOGDIR=$T/rspamd" \
		--var="CONFDIR=$T/rspamd" --var="LOCAL_CONFDIR=$T/rspamd" \
		>"$T/rspamd/stdout" 2>&1 </dev/null &
	PIDS[rspamd]=$!
	wait_for_socket "$T/rspamd/milter.sock" 300 || {
		tail -n 20 "$T/rspamd/stdout" "$T/rspamd/rspamd.log" >&2
		say "rspamd did not start: skipped"
		return 1
	}
	MILTER[rspamd]=unix:$T/rspamd/milter.sock
}

# start_mimedefang - the multiplexor (Perl workers running our filter) and the milter
start_mimedefang() {
	command -v mimedefang >/dev/null 2>&1 && command -v mimedefang-multiplexor >/dev/null 2>&1 ||
		{ say "MIMEDefang is not installed: skipped (contrib/bench/install-peers.sh)"; return 1; }
	id defang >/dev/null 2>&1 || { say "no user defang: MIMEDefang skipped"; return 1; }
	local md=$T/md
	mkdir -p "$md/spool"
	printf '#!/bin/sh\nexec %s -f %s "$@"\n' "$(command -v mimedefang.pl)" \
		"$here/peers/mimedefang-filter" >"$md/filter.sh"
	chmod 755 "$md/filter.sh"
	chown -R defang "$md"
	# workers: at least 2 per CPU so that 20 sessions do not wait on a Perl process in I/O;
	# requests queue (-q/-Q; mimedefang -q) rather than fail when all are busy
	mimedefang-multiplexor -D -U defang -z "$md/spool" -s "$md/mux.sock" -f "$md/filter.sh" \
		-p "$md/mux.pid" -m "$WORKERS" -x $((WORKERS * 2)) -r 1000 -q 64 -Q 120 \
		>"$md/mux.log" 2>&1 </dev/null &
	MD_MUX_PID=$!
	wait_for_socket "$md/mux.sock" 30 || { cat "$md/mux.log" >&2; say "mimedefang-multiplexor did not start: skipped"; return 1; }
	mimedefang -D -q -U defang -z "$md/spool" -m "$md/mux.sock" -p "$md/milter.sock" -X \
		>"$md/milter.log" 2>&1 </dev/null &
	PIDS[mimedefang]=$!
	wait_for_socket "$md/milter.sock" 30 || { cat "$md/milter.log" >&2; say "mimedefang did not start: skipped"; return 1; }
	chmod 666 "$md/milter.sock"
	MILTER[mimedefang]=unix:$md/milter.sock
}

declare -A MILTER=()
active=()
for c in $CONFIGS; do
	case $c in
	none) active+=(none) ;;
	leakguard) start_leakguard && active+=(leakguard) ;;
	rspamd) start_rspamd && active+=(rspamd) ;;
	mimedefang) start_mimedefang && active+=(mimedefang) ;;
	*) die "unknown configuration $c (none leakguard rspamd mimedefang)" ;;
	esac
done

# ---- Postfix with one listener per configuration, and the sink ------------------------------
pf_setup "$PF" "${PORT[none]}" "$SINK_PORT" || die "pf_setup failed"
pf_set "$PF" "default_process_limit = $((RSS_SESSIONS > 100 ? RSS_SESSIONS + 20 : 120))" \
	"smtpd_client_connection_count_limit = 0" "smtpd_client_connection_rate_limit = 0" \
	"smtpd_client_message_rate_limit = 0" "smtpd_client_recipient_rate_limit = 0" \
	"smtp_destination_concurrency_limit = 40" "default_destination_concurrency_limit = 40" \
	"in_flow_delay = 0" "milter_content_timeout = 300s" \
	"milter_header_checks = regexp:$PF/etc/tagged.re"
# every tag header a milter adds gives one "warning: header X-...-Verdict" line: the tagged count
printf '/^X-(Bench|Leakguard)-Verdict:/ WARN tagged\n' >"$PF/etc/tagged.re"
for c in "${active[@]}"; do
	[ "$c" = none ] && continue
	cat >>"$PF/etc/master.cf" <<EOF
127.0.0.1:${PORT[$c]}   inet  n       -       n       -       -       smtpd
  -o smtpd_milters=${MILTER[$c]}
  -o syslog_name=postfix-lgtest/$c
EOF
done
smtp-sink -4 -u postfix -h sink.test "127.0.0.1:$SINK_PORT" 256 </dev/null >"$T/sink.log" 2>&1 &
SINK_PID=$!
wait_for 10 pf__port_open "$SINK_PORT" || die "smtp-sink did not start"
pf_start "$PF" || die "Postfix did not start"

# ---- measuring --------------------------------------------------------------------------------
# tree_cpu PID... - clock ticks of user+sys of the PIDs and their descendants, with their reaped
# children
tree_cpu() {
	local roots="$*"
	[ -n "$roots" ] || { echo 0; return; }
	ps -e -o pid=,ppid= | awk -v roots="$roots" '
		{ parent[$1] = $2 }
		END { n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1
		      do { changed = 0
		           for (p in parent) if (!(p in want) && (parent[p] in want)) { want[p] = 1; changed = 1 } } while (changed)
		      for (p in want) print p }' |
		while read -r p; do cat "/proc/$p/stat" 2>/dev/null; done |
		sed 's/^.*) //' | awk '{ t += $12 + $13 + $14 + $15 } END { print t + 0 }'
}
TICKS=$(getconf CLK_TCK)

# calc EXPR - floating-point arithmetic (awk: bc is not always installed)
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }

# peer_pids CONFIG - the processes whose trees do a peer's work (MIMEDefang: the milter and the
# multiplexor, whose Perl workers do the scanning)
peer_pids() {
	echo "${PIDS[$1]}"
	[ "$1" = mimedefang ] && echo "${MD_MUX_PID:-}"
}

sent_count() { grep -c 'status=sent' "$PF/maillog" 2>/dev/null; }
tagged_count() { grep -cE 'warning: header X-(Bench|Leakguard)-Verdict' "$PF/maillog" 2>/dev/null; }

# wait_sent N TIMEOUT - until N more messages than at the mark have been delivered, or (when
# some were refused or deferred) nothing is left in incoming/active; false if not all N arrived
wait_sent() {
	local want=$1 timeout=$2 i=0
	while [ $(( $(sent_count) - SENT_MARK )) -lt "$want" ]; do
		if [ $((i % 20)) -eq 19 ] && [ "$(pf_queue_files "$PF" maildrop incoming active)" -eq 0 ]; then
			[ $(( $(sent_count) - SENT_MARK )) -ge "$want" ]
			return
		fi
		sleep 0.05
		i=$((i + 1))
		[ "$i" -lt $((timeout * 20)) ] || return 1
	done
}

# send CONFIG CLASS N - smtp-source N messages of CLASS (in BENCH_SESSIONS sessions) to CONFIG's
# listener; the mix sends its three classes one after the other
send() {
	local c=$1 k=$2 n=$3 s=${4:-$SESSIONS} rc=0 part m
	if [ "$k" = mix ]; then
		for part in small:70 office:20 csv:10; do
			m=$(( (n * ${part#*:} + 50) / 100 ))
			[ "$m" -gt 0 ] || continue
			smtp-source -s "$s" -m "$m" -F "$T/classes/${part%%:*}.eml" \
				-f hanako.yamada@corp.example.jp -t taro.suzuki@partner.example.com \
				"127.0.0.1:${PORT[$c]}" >>"$T/source.log" 2>&1 || rc=1
		done
		return $rc
	fi
	smtp-source -s "$s" -m "$n" -F "$T/classes/$k.eml" -f hanako.yamada@corp.example.jp \
		-t taro.suzuki@partner.example.com "127.0.0.1:${PORT[$c]}" >>"$T/source.log" 2>&1
}

# mix_total N - how many messages send() sends for the mix of N
mix_total() { echo $(( ($1 * 70 + 50) / 100 + ($1 * 20 + 50) / 100 + ($1 * 10 + 50) / 100 )); }

# run CONFIG CLASS N REP - one timed run; appends a line to results.tsv
run() {
	local c=$1 k=$2 n=$3 rep=$4 s=${5:-$SESSIONS} total lg0 lg1 peer0=0 peer1=0 t0 t1 lines0 hwm=0
	total=$n
	[ "$k" = mix ] && total=$(mix_total "$n")
	pf_wait_idle "$PF" 60 || say "queue not idle before $c/$k"
	SENT_MARK=$(sent_count)
	local tag0 tag1
	tag0=$(tagged_count)
	lg0=$(tree_cpu "${PIDS[leakguard]:-}")
	[ "$c" != none ] && [ "$c" != leakguard ] && peer0=$(tree_cpu $(peer_pids "$c"))
	if [ -n "${PIDS[leakguard]:-}" ]; then
		echo 5 >"/proc/${PIDS[leakguard]}/clear_refs" 2>/dev/null
		lines0=$(wc -l <"$T/lg/leakguard.log")
	fi
	t0=$(date +%s.%N)
	send "$c" "$k" "$n" "$s" || say "smtp-source reported errors for $c/$k (see $T/source.log)"
	wait_sent "$total" 600 || say "$c/$k: only $(( $(sent_count) - SENT_MARK )) of $total delivered"
	t1=$(date +%s.%N)
	lg1=$(tree_cpu "${PIDS[leakguard]:-}")
	[ "$c" != none ] && [ "$c" != leakguard ] && peer1=$(tree_cpu $(peer_pids "$c"))
	if [ "$c" = leakguard ]; then
		hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/${PIDS[leakguard]}/status")
		tail -n +"$((lines0 + 1))" "$T/lg/leakguard.log" | sed -n 's/.* time_ms=\([0-9.]*\).*/\1/p' \
			>>"$OUT/times/$k.$s"
	fi
	local delivered=$(( $(sent_count) - SENT_MARK ))
	sleep 0.2	# postlogd writes asynchronously
	tag1=$(tagged_count)
	# class rep config sessions sent delivered seconds lg_cpu_s peer_cpu_s lg_hwm_kb tagged
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$rep" "$c" "$s" "$total" \
		"$delivered" "$(calc "$t1 - $t0")" "$(calc "($lg1 - $lg0) / $TICKS")" \
		"$(calc "($peer1 - $peer0) / $TICKS")" "$hwm" "$((tag1 - tag0))" >>"$OUT/results.tsv"
	say "$(printf '%-10s %-6s rep %s: %5s msgs in %6.2f s' "$c" "$k" "$rep" "$delivered" "$(calc "$t1 - $t0")")"
}

# calibrate CLASS - N for about BENCH_SECONDS with Postfix alone (a warm-up run, not counted)
calibrate() {
	local k=$1 n0 t0 t1 rate
	case $k in small) n0=200 ;; csv) n0=100 ;; *) n0=40 ;; esac
	pf_wait_idle "$PF" 60
	SENT_MARK=$(sent_count)
	t0=$(date +%s.%N)
	send none "$k" "$n0"
	wait_sent "$n0" 600
	t1=$(date +%s.%N)
	rate=$(calc "$n0 / ($t1 - $t0)")
	echo "$rate"
}

printf 'class\trep\tconfig\tsessions\tsent\tdelivered\tseconds\tlg_cpu_s\tpeer_cpu_s\tlg_hwm_kb\ttagged\n' >"$OUT/results.tsv"
say "configurations: ${active[*]}; classes: $CLASSES; $REPS repetitions of about ${SECONDS_PER_RUN}s (Postfix alone), $SESSIONS sessions"
declare -A RATE=()
for k in small csv office; do
	case " $CLASSES " in *" $k "* | *" mix "*) RATE[$k]=$(calibrate "$k") ;; esac
done
for k in $CLASSES; do
	if [ "$k" = mix ]; then
		n=$(calc "$SECONDS_PER_RUN / (0.7 / ${RATE[small]} + 0.2 / ${RATE[office]} + 0.1 / ${RATE[csv]})")
	else
		[ -n "${RATE[$k]:-}" ] || RATE[$k]=$(calibrate "$k")
		n=$(calc "${RATE[$k]} * $SECONDS_PER_RUN")
	fi
	n=${n%.*}
	[ "${n:-0}" -ge $((SESSIONS * 2)) ] || n=$((SESSIONS * 2))
	for ((rep = 1; rep <= REPS; rep++)); do
		# rotate the order of the configurations from one repetition to the next
		order=("${active[@]:$(( (rep - 1) % ${#active[@]} ))}" "${active[@]:0:$(( (rep - 1) % ${#active[@]} ))}")
		for c in "${order[@]}"; do
			run "$c" "$k" "$n" "$rep"
		done
	done
done
if [ "$RSS_SESSIONS" -gt 0 ] && [ -n "${PIDS[leakguard]:-}" ]; then
	say "peak RSS with $RSS_SESSIONS concurrent sessions (csv class through leakguard)"
	run leakguard csv $((RSS_SESSIONS * 5)) 1 "$RSS_SESSIONS"
fi
grep -q 'status=\(bounced\|deferred\)' "$PF/maillog" && say "some messages were deferred or bounced: see $PF/maillog"
grep -c 'milter-reject\|milter.*tempfail' "$PF/maillog" | grep -qx 0 || say "milter rejects or tempfails in $PF/maillog"
python3 "$here/report.py" "$OUT" | tee "$OUT/report.txt"
