#!/bin/bash
# soak.sh - load and soak through a real Postfix (issue 7): SOAK_SESSIONS concurrent SMTP sessions
# (smtp-source) for SOAK_SECONDS with a realistic mix (Japanese business mail, CSV contact lists
# that are held in the quarantine store, office and PDF attachments, visible-recipient lists that
# are moved to Bcc, Shift_JIS and HTML mail), while leakguard's RSS, open descriptors and threads
# are sampled every SOAK_SAMPLE seconds. It fails when
#   - a session fails or gets anything but 2xx (smtp-source reports it),
#   - a message is lost (every message the relay accepted has a verdict; every accepted, tagged
#     or bcc verdict is a delivery to the sink; every hold verdict an entry in the store),
#   - RSS at the end exceeds RSS in the middle by more than SOAK_RSS_MARGIN percent (default 10)
#     plus 4 MiB of allocator slack (each the median of a third of the samples),
#   - leakguard holds more descriptors once idle after the soak than once idle after the warm-up
#     (SQLite's own: more than two a thread seen and one; see the check below),
#   - leakguard's log has an error, warning, fatal or panic line, or leakguard is gone.
# make check runs it bounded (40 s, 50 sessions); `make soak` runs 600 s with 200 sessions.
# Skipped in a sanitizer build unless SOAK_FORCE=1 (too slow to mean anything there).
# TAP output. Needs root, postfix, smtp-sink, smtp-source. Ports from LG_TEST_PORT_FROM..TO.

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

SOAK_SECONDS=${SOAK_SECONDS:-40}
SOAK_SESSIONS=${SOAK_SESSIONS:-50}
SOAK_SAMPLE=${SOAK_SAMPLE:-5}
SOAK_RSS_MARGIN=${SOAK_RSS_MARGIN:-10}
SOAK_WARMUP=${SOAK_WARMUP:-10}

require_root "needs root to run a private Postfix instance"
SMTP_SOURCE=${SMTP_SOURCE:-$(command -v smtp-source || echo /usr/sbin/smtp-source)}
require_cmd "${POSTFIX:-postfix}" "${SMTP_SINK:-smtp-sink}" "$SMTP_SOURCE" postqueue postconf
LEAKGUARD=$top_builddir/leakguard
[ -x "$LEAKGUARD" ] && [ -x "$top_builddir/leakguardctl" ] || skip_all "leakguard is not built"
id nobody >/dev/null 2>&1 || skip_all "no user 'nobody' to run leakguard as"
if [ -z "${SOAK_FORCE:-}" ] && grep -aq -m1 '__asan_init' "$LEAKGUARD"; then
	skip_all "sanitizer build: the soak's figures would be the sanitizers' (SOAK_FORCE=1 runs it)"
fi

. "$top_srcdir/contrib/postfix-private.sh"
. "$top_srcdir/tests/scenario/common.sh"
. "$top_srcdir/tests/robust/lib-relay.sh"

relay_init soak
DB=$T/lg/q/quarantine.db
FX=$top_srcdir/tests/fixtures
cat >"$T/leakguard.yaml" <<EOF
# tests/robust/soak.sh: the built-in policy's rules, hold_mode store (SQLite)
listen: "unix:$LG_SOCK"
user: nobody
socket_mode: "0666"
spool_dir: "$T/lg/spool"
internal_domains: [pref.example.lg.jp]
quarantine:
  url: "sqlite:$DB"
  hold_mode: store
policy:
  default_action: accept
  rules:
    - name: personal-data-external
      when: "(records >= 10 or findings.phone_jp + findings.phone_intl + findings.email >= 10) and recipients.external >= 1"
      action: hold
    - name: my-number-external
      when: "findings.my_number.high >= 1 and recipients.external >= 1"
      action: hold
    - name: unscannable-external
      when: "attachments.unscannable >= 1 and recipients.external >= 1"
      action: hold
    - name: visible-recipients-bcc
      when: "recipients.visible_external >= 10 and recipients.visible_external_domains >= 2 and recipients.external >= 1"
      action: bcc
    - name: office-tag
      when: "attachments.count >= 1"
      action: tag
EOF

# the bcc case: a small Japanese notice with 12 outside addresses of 3 domains visible in To
{
	printf 'From: =?UTF-8?B?5Z2C5pys?= <sakamoto@pref.example.lg.jp>\n'
	printf 'To: '
	for d in example.com example.net example.org; do
		for u in a b c d; do printf '%s@%s, ' "$u" "$d"; done
	done | sed 's/, $//'
	printf '\nSubject: =?UTF-8?B?6K2w5LqL6Yyy44Gu6YCB5LuY?=\nDate: Fri, 27 Nov 2026 09:00:00 +0900\n'
	printf 'Message-ID: <soak-bcc@pref.example.lg.jp>\nMIME-Version: 1.0\n'
	printf 'Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n'
	printf '各位\n\n先日の会議の議事録を送付します。ご確認ください。\n\n総務課 坂本\n'
} >"$T/bcc.eml"

# the mix: file, percentage of the sessions, envelope recipient
MIX="$FX/ordinary.eml 25 tanaka@corp.example.co.jp
$FX/incident.eml 10 soumu@city.example-o.lg.jp
$T/bcc.eml 10 a@example.com
$FX/attach-xlsx.eml 10 partner@example.com
$FX/attach-docx.eml 10 partner@example.com
$FX/attach-pdf.eml 10 partner@example.com
$FX/sjis-body.eml 10 partner@example.net
$FX/html-contacts.eml 5 partner@example.net
$FX/utf8-qp-few.eml 10 colleague@pref.example.lg.jp"

if start_leakguard; then
	ok "leakguard (hold_mode store, SQLite) listens on $LG_SOCK"
else
	not_ok "leakguard starts"
	diag_file "$LG_LOG" 30
	done_testing
	exit
fi
# the relay only: smtp-source is the client; no sink files (a soak would fill the disk)
if pf_setup "$PF" "$PF_PORT" "$SINK_PORT" "unix:$LG_SOCK" 2>"$T/setup.err" &&
	pf_set "$PF" "default_process_limit = $((SOAK_SESSIONS + 50))" "enable_long_queue_ids = yes" \
		"smtpd_client_connection_count_limit = 0" "smtp_destination_concurrency_limit = 50" &&
	mkdir -p "$PF/sink" &&
	{ "$PF_SMTP_SINK" -4 -u "$PF_MAIL_OWNER" -h sink.test "127.0.0.1:$SINK_PORT" 512 \
		</dev/null >"$PF/sink.log" 2>&1 & echo $! >"$PF/sink.pid"; } &&
	wait_for 10 pf__port_open "$SINK_PORT" && pf_start "$PF" 2>>"$T/setup.err"; then
	ok "relay Postfix :$PF_PORT (milter leakguard, default_process_limit $((SOAK_SESSIONS + 50))), sink :$SINK_PORT"
else
	not_ok "relay Postfix and sink start"
	diag_file "$T/setup.err" 20
	done_testing
	exit
fi

# sample ELAPSED: one line "elapsed rss_kb fds threads verdicts"
sample() {
	local rss thr fds
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$LG_PID/status" 2>/dev/null)
	thr=$(awk '/^Threads:/ { print $2 }' "/proc/$LG_PID/status" 2>/dev/null)
	fds=$(ls "/proc/$LG_PID/fd" 2>/dev/null | wc -l)
	echo "$1 ${rss:-0} $fds ${thr:-0} $(verdicts) $(store_fds) $(worker_rss)"
}

# worker_rss: "KB/N", the summed RSS of leakguard's child processes (the worker pool's spawner
# and workers, whose parent is the front) and how many there are
worker_rss() {
	local st kb n=0 sum=0
	for st in /proc/[0-9]*/status; do
		awk -v p="$LG_PID" '/^PPid:/ { exit !($2 == p) }' "$st" 2>/dev/null || continue
		kb=$(awk '/^VmRSS:/ { print $2 }' "$st" 2>/dev/null)
		[ -n "$kb" ] || continue
		n=$((n + 1))
		sum=$((sum + kb))
	done
	echo "$sum/$n"
}

# store_fds: leakguard's SQLite descriptors: the database file and its WAL (each open connection
# has its own descriptor of both) and the -shm file (one a process, while a connection is open)
store_fds() {
	local f n=0
	for f in /proc/"$LG_PID"/fd/*; do
		case $(readlink "$f" 2>/dev/null) in *quarantine.db | *quarantine.db-wal | *quarantine.db-shm) n=$((n + 1)) ;; esac
	done
	echo "$n"
}

# fd_kinds: leakguard's open descriptors by what they are, "N kind" a line
fd_kinds() {
	local f
	for f in /proc/"$LG_PID"/fd/*; do
		case $(readlink "$f" 2>/dev/null) in
		socket:*) echo socket ;; pipe:*) echo pipe ;; anon_inode:*) echo anon_inode ;;
		*quarantine.db*) echo "store ($(readlink "$f" | sed 's/.*quarantine\.db/quarantine.db/'))" ;;
		"$T"/lg/spool/*) echo spool ;; /dev/*) echo "$(readlink "$f")" ;;
		*) echo "other: $(readlink "$f")" ;;
		esac
	done | sort | uniq -c | awk '{ c = $1; $1 = ""; printf "%d%s, ", c, $0 }' | sed 's/, $//'
}

# load SECONDS SESSIONS TAG: run the mix for SECONDS with SESSIONS sessions in all; each line of
# the mix is one smtp-source loop; errors go to $T/source.TAG.N.err
load() {
	local secs=$1 total=$2 tag=$3 end=$((SECONDS + $1)) n=0 f pct rcpt s pids=
	while read -r f pct rcpt; do
		n=$((n + 1))
		s=$((total * pct / 100))
		[ $s -ge 1 ] || s=1
		(
			from=$(eml_from "$f")
			while [ $SECONDS -lt $end ]; do
				"$SMTP_SOURCE" -4 -s "$s" -m $((s * 4)) -M client.test -f "$from" -t "$rcpt" \
					-F "$f" "127.0.0.1:$PF_PORT" >>"$T/source.$tag.$n.err" 2>&1 ||
					echo "smtp-source exit $?" >>"$T/source.$tag.$n.err"
				echo x >>"$T/source.$tag.$n.runs"
			done
		) &
		pids="$pids $!"
	done <<<"$MIX"
	LOAD_PIDS=$pids
}

# warm-up: every code path, every pool filled once; then the idle baseline
load "$SOAK_WARMUP" "$SOAK_SESSIONS" warm
wait $LOAD_PIDS
pf_wait_idle "$PF" 60
sleep 3
read -r _ base_rss base_fds base_thr _ base_sfds base_wrss <<<"$(sample 0)"
diag "after a ${SOAK_WARMUP} s warm-up, idle: rss=${base_rss} kB fds=$base_fds threads=$base_thr"
base_kinds=$(fd_kinds)
diag "  descriptors: $base_kinds"

# the soak, sampled
v0=$(verdicts)
t0=$SECONDS
load "$SOAK_SECONDS" "$SOAK_SESSIONS" soak
: >"$T/samples"
while [ $((SECONDS - t0)) -lt "$SOAK_SECONDS" ]; do
	sample $((SECONDS - t0)) >>"$T/samples"
	sleep "$SOAK_SAMPLE"
done
sample $((SECONDS - t0)) >>"$T/samples"
wait $LOAD_PIDS
pf_wait_idle "$PF" 120
sleep 3
read -r _ idle_rss idle_fds idle_thr _ idle_sfds idle_wrss <<<"$(sample 0)"
verdicts_soak=$(($(verdicts) - v0))
idle_kinds=$(fd_kinds)

diag "leakguard during the soak (elapsed s, RSS kB, open descriptors, threads, verdicts so far):"
awk -v v0="$v0" '{ split($7, w, "/"); printf "  t=%4ds rss=%7d kB fds=%4d (sqlite %3d) threads=%4d verdicts=%d workers rss=%d kB (%d processes)\n", $1, $2, $3, $6, $4, $5 - v0, w[1], w[2] }' \
	"$T/samples" | while IFS= read -r l; do diag "$l"; done
nsamp=$(grep -c . "$T/samples")
# Under load RSS follows the work in flight (each session's message, its analysis): one sample
# says little. Start, middle and end are the medians of the first, middle and last third of
# the samples; a leak raises them from third to third.
third_median() {
	awk -v part="$1" '{ v[NR] = $2 } END {
		n = NR; lo = int((part - 1) * n / 3) + 1; hi = int(part * n / 3)
		if (hi < lo) hi = lo
		k = 0; for (i = lo; i <= hi; i++) w[++k] = v[i]
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
		print w[int((k + 1) / 2)] }' "$T/samples"
}
start_rss=$(third_median 1)
mid_rss=$(third_median 2)
end_rss=$(third_median 3)
max_rss=$(cut -d' ' -f2 "$T/samples" | sort -n | tail -n 1)
max_fds=$(cut -d' ' -f3 "$T/samples" | sort -n | tail -n 1)
max_thr=$(cut -d' ' -f4 "$T/samples" | sort -n | tail -n 1)
rate=$((verdicts_soak / (SOAK_SECONDS > 0 ? SOAK_SECONDS : 1)))
diag "RSS (median of each third of the samples) start ${start_rss} kB, middle ${mid_rss} kB, end ${end_rss} kB; max ${max_rss} kB; idle after the warm-up ${base_rss} kB, idle after the soak ${idle_rss} kB"
diag "descriptors: idle after warm-up $base_fds, max under load $max_fds, idle after the soak $idle_fds; threads idle $base_thr -> $idle_thr"
diag "  idle after the soak: $idle_kinds"
max_wrss=$(cut -d' ' -f7 "$T/samples" | cut -d/ -f1 | sort -n | tail -n 1)
diag "worker processes (RSS kB/processes, not in the checks above: recycled after workers.max_messages, each held to workers.memory): idle after warm-up ${base_wrss}, max under load ${max_wrss} kB, idle after the soak ${idle_wrss}"
diag "$verdicts_soak messages in ${SOAK_SECONDS} s (~$rate a second) with $SOAK_SESSIONS sessions"

# sessions
errs=$(cat "$T"/source.soak.*.err 2>/dev/null | grep -c .)
runs=$(cat "$T"/source.soak.*.runs 2>/dev/null | grep -c .)
if [ "$errs" -eq 0 ] && [ "$runs" -gt 0 ] && [ "$verdicts_soak" -gt 0 ]; then
	ok "soak: $runs smtp-source runs, $SOAK_SESSIONS sessions at a time, no session failed or got a non-2xx answer"
else
	not_ok "soak: no session failed"
	cat "$T"/source.soak.*.err 2>/dev/null | sort | uniq -c | sort -rn | head -n 5 | sed 's/^/# /'
fi

# nothing lost (warm-up and soak together): every accepted message has a verdict; deliveries
# and store entries match the verdicts. smtp-source sends each file verbatim (same Message-ID,
# same envelope), so the store keeps one entry for all the held copies of one file while it is
# held (a repeat of a held message is recognised: see quarantine/quarantine.c); what must hold is
# that every hold verdict names an entry that is in the store, and every entry is named.
accepted=$(grep -c 'postfix-lgtest/cleanup.*: message-id=' "$PF/maillog")
all_verdicts=$(verdicts)
passed=$(grep -Ec 'queue_id=.* action=(accept|tag|bcc) ' "$LG_LOG")
holds=$(grep -Ec 'queue_id=.* action=hold .*quarantine=[0-9a-f]{32}' "$LG_LOG")
# (every soak message has one envelope recipient: one status=sent line a delivered message)
sent_q=$(grep -c 'postfix-lgtest/smtp\[[0-9]*\]: [0-9A-Za-z]*: to=.*status=sent' "$PF/maillog")
discarded=$(grep -c 'milter-discard: END-OF-MESSAGE' "$PF/maillog")
store_ids | sort >"$T/entries"
entries=$(grep -c . "$T/entries")
grep -Eo 'queue_id=.* action=hold .*quarantine=[0-9a-f]{32}' "$LG_LOG" | grep -o '[0-9a-f]\{32\}$' |
	sort -u >"$T/named"
named=$(grep -c . "$T/named")
unnamed=$(comm -3 "$T/entries" "$T/named" | grep -c .)
byaction=$(grep -o 'queue_id=.* action=[a-z]*' "$LG_LOG" | sed 's/.* action=//' | sort | uniq -c | awk '{ printf "%s %s, ", $2, $1 }')
diag "relay accepted $accepted; verdicts $all_verdicts (${byaction%, }); delivered $sent_q; discarded into the store $discarded; store entries $entries, named by the hold verdicts $named, not both $unnamed"
if [ "$accepted" -eq "$all_verdicts" ] && [ "$passed" -eq "$sent_q" ] && [ "$holds" -eq "$discarded" ] &&
	[ "$entries" -ge 1 ] && [ "$unnamed" -eq 0 ] && [ "$(pf_queue_files "$PF" incoming active deferred hold)" -eq 0 ]; then
	ok "nothing lost: $accepted accepted = $passed delivered (accept/tag/bcc) + $holds held in the store ($entries entries, each named by its verdicts); relay queue empty"
else
	not_ok "nothing lost: accepted = delivered + held"
	diag "queue left: $(pf_queue_files "$PF" incoming active deferred hold)"
fi

# memory
limit=$((mid_rss + mid_rss * SOAK_RSS_MARGIN / 100 + 4096))
if [ "$nsamp" -ge 3 ] && [ "$end_rss" -le "$limit" ]; then
	ok "RSS flat: end ${end_rss} kB <= middle ${mid_rss} kB + ${SOAK_RSS_MARGIN}% + 4 MiB (${limit} kB)"
else
	not_ok "RSS flat: end ${end_rss} kB <= ${limit} kB (middle ${mid_rss} kB + ${SOAK_RSS_MARGIN}% + 4 MiB)"
fi
# SQLite keeps the descriptor of a closed connection open while another connection of the process
# holds a lock on the file (closing it would drop that lock), and reuses it for the next
# connection; in WAL mode every open connection holds one. libmilter's pool keeps worker threads,
# each with its store connection (milter/hold.c), so these stay, up to the most connections ever
# open at once: bounded by the concurrency, not by the number of messages. Each open connection
# also has its own descriptor of the WAL file, and the process one of the -shm file while any is
# open, so the SQLite descriptors are at most two a thread ever seen and one (CI once saw one WAL
# descriptor after the warm-up and two after the soak). Every other descriptor must be back to the
# warm-up's count.
other_base=$((base_fds - base_sfds)) other_idle=$((idle_fds - idle_sfds))
if [ "$other_idle" -le "$other_base" ] && [ "$idle_sfds" -le $((2 * max_thr + 1)) ]; then
	ok "descriptors: idle after the soak $idle_fds ($idle_sfds of SQLite: file, WAL and -shm, at most two per thread ever seen ($max_thr) and one; $other_idle others), after the warm-up $base_fds ($base_sfds; $other_base others): no leak"
else
	not_ok "descriptors: no leak (others $other_idle <= $other_base, SQLite $idle_sfds <= 2 x $max_thr threads + 1)"
	diag "idle after the warm-up: $base_kinds"
	diag "idle after the soak: $idle_kinds"
fi

# the log
# leakguard's own severities ("leakguard: error: ..."), and sanitizer reports; not a bare word,
# which paths (build-werror) and verdict lines can hold
bad=$(grep -Ev 'queue_id=[^ ]* from=' "$LG_LOG" |
	grep -Ec '^[^ :]+: (error|warning|fatal|panic): |ERROR: [A-Za-z]*Sanitizer|runtime error: ')
if [ "$bad" -eq 0 ] && kill -0 "$LG_PID" 2>/dev/null; then
	ok "leakguard still runs and its log has no error, warning, fatal or panic line"
else
	not_ok "leakguard still runs and its log has no error line"
	grep -Ev 'queue_id=[^ ]* from=' "$LG_LOG" | grep -Ei 'error|warning|fatal|panic|sanitizer' | sort | uniq -c | sort -rn | head -n 5 | sed 's/^/# /'
fi

done_testing
