# lib-relay.sh - what the fault scenarios of tests/robust/ share: two private Postfix instances
# and the counting of what became of every message.
#
#   client --sendmail--> sender Postfix (SP: no milter; the MTA that keeps custody and retries)
#          --smtp-->     relay Postfix  (PF: smtpd_milters = leakguard, milter_default_action =
#                                        tempfail) --smtp--> smtp-sink (the outside world)
#
# A fault at the relay (leakguard killed, stopped, its store unwritable or full) must turn into
# a 4xx answer to SP, which keeps the message deferred and retries; nothing may be lost and nothing
# may reach the sink unscanned. Sourced after tests/lib.sh, contrib/postfix-private.sh and
# tests/scenario/common.sh.
#
#   relay_init NAME               scratch directory T, ports, PF/SP/LG_* variables, cleanup trap
#   relay_start_mtas [RELEASE]    set up and start both instances and the sink (RELEASE: also a
#                                 milter-less release smtpd on the relay, port REL_PORT)
#   lg_write_config FILE URL      leakguard.yaml: hold_mode store in URL, hold for personal data
#                                 to outside, tag everything else (so a delivered mail shows it
#                                 was scanned)
#   make_batch NAME N_TAG N_HOLD [PAD_KB]   distinct messages $T/batch/NAME/{tag,hold}-I.eml
#   submit_batch NAME             hand each to SP with its sendmail; sets SENT
#   settle TIMEOUT                flush SP until its queue is empty (or TIMEOUT seconds)
#   count_batch NAME              what became of each message and each recipient copy (TAP
#                                 diagnostic and variables, see there); batch_ok NTAG NHOLD
#   store_msgids / store_units    "ENTRY-ID MESSAGE-ID" per entry / "MESSAGE-ID RCPT" per copy
#
# Message-IDs are <lgrobust.NAME.KIND.I@sender.test>: every count is per Message-ID, so each
# scenario counts only its own messages.

SENDMAIL=${SENDMAIL:-$(command -v sendmail 2>/dev/null || echo /usr/sbin/sendmail)}

# relay_pick_port EXCEPT...: a free port of the test range, searched from a random place in it
# (make check runs scripts in parallel; the others search from the bottom: a port one picks and
# another binds first would make pf_start fail)
relay_pick_port() {
	local from=${LG_TEST_PORT_FROM:-10025} to=${LG_TEST_PORT_TO:-10099}
	pick_port "$((from + RELAY_PORT_OFFSET))" "$to" "$@" || pick_port "$from" "$to" "$@"
}

# relay_init NAME: scratch directory and ports; four ports from the test range
relay_init() {
	local from=${LG_TEST_PORT_FROM:-10025} to=${LG_TEST_PORT_TO:-10099}
	RELAY_PORT_OFFSET=$((RANDOM % (to - from + 1) / 2))
	PF_PORT=$(relay_pick_port) &&
		SP_PORT=$(relay_pick_port "$PF_PORT") &&
		SINK_PORT=$(relay_pick_port "$PF_PORT" "$SP_PORT") &&
		REL_PORT=$(relay_pick_port "$PF_PORT" "$SP_PORT" "$SINK_PORT") ||
		skip_all "no free ports in $from..$to"
	lg_tmpdir "$1" || bail_out "cannot make a scratch directory"
	T=$LG_TMP
	PF=$T/relay
	SP=$T/sender
	LG_SOCK=$T/lg/leakguard.sock
	LG_LOG=$T/leakguard.log
	LG_PID=
	CTL=$top_builddir/leakguardctl
	mkdir -p "$T/lg/spool" "$T/lg/q" "$T/batch" &&
		chown nobody "$T/lg/spool" "$T/lg/q" && chmod 700 "$T/lg/spool" ||
		bail_out "cannot prepare $T/lg"
	trap relay_cleanup EXIT
	trap 'exit 130' INT TERM HUP
}

# relay_cleanup: stop what the scenario started; keep the scratch directory after a failure
relay_cleanup() {
	local p
	if [ -n "$LG_PID" ]; then
		kill -CONT "$LG_PID" 2>/dev/null
		kill "$LG_PID" 2>/dev/null
		wait_gone "$LG_PID" 5 || kill -9 "$LG_PID" 2>/dev/null
		wait "$LG_PID" 2>/dev/null
	fi
	for p in ${EXTRA_PIDS:-}; do kill "$p" 2>/dev/null; done
	declare -F relay_cleanup_hook >/dev/null && relay_cleanup_hook
	pf_stop "$SP"
	pf_stop "$PF"
	sink_stop "$PF"
	for p in ${UNMOUNT:-}; do umount "$p" 2>/dev/null || umount -l "$p" 2>/dev/null; done
	if [ "$LG_TESTS_FAILED" -eq 0 ] && [ -z "${LG_KEEP_TMP:-}" ]; then
		rm -rf "$T"
	else
		echo "# scratch directory kept: $T"
	fi
}

# relay_start_mtas [RELEASE]: both Postfix instances and the sink, with short milter timeouts on
# the relay (a stopped milter costs a test seconds, not minutes) and quick retries on the sender
relay_start_mtas() {
	local rel=
	[ -n "${1:-}" ] && rel=$REL_PORT
	pf_setup "$PF" "$PF_PORT" "$SINK_PORT" "unix:$LG_SOCK" $rel 2>"$T/setup.err" &&
		pf_set "$PF" "milter_connect_timeout = 5s" "milter_command_timeout = 5s" \
			"milter_content_timeout = 10s" &&
		pf_setup "$SP" "$SP_PORT" "$PF_PORT" 2>>"$T/setup.err" &&
		pf_set "$SP" "myhostname = sender.test" "syslog_name = postfix-lgsender" \
			"minimal_backoff_time = 2s" "maximal_backoff_time = 4s" "queue_run_delay = 2s" \
			"smtp_connect_timeout = 5s" "bounce_queue_lifetime = 1d" \
			"maximal_queue_lifetime = 1d" &&
		sink_start "$PF" "$SINK_PORT" 2>>"$T/setup.err" &&
		pf_start "$PF" 2>>"$T/setup.err" && pf_start "$SP" 2>>"$T/setup.err" &&
		{ [ -z "$rel" ] || wait_for 10 pf__port_open "$rel"; }
}

# lg_write_config FILE STORE_URL [SPOOL_DIR [SPOOL_MEMORY]]: the scenarios' leakguard.yaml
lg_write_config() {
	cat >"$1" <<EOF
# tests/robust: hold_mode store; personal data to outside is held, everything else tagged
listen: "unix:$LG_SOCK"
user: nobody
socket_mode: "0666"
spool_dir: "${3:-$T/lg/spool}"
internal_domains: [pref.example.lg.jp]
limits:
  spool_memory: ${4:-1M}
quarantine:
  url: "$2"
  hold_mode: store
  release:
    url: "smtp://127.0.0.1:$REL_PORT"
    helo: release.test
    timeout: 20
policy:
  default_action: accept
  rules:
    - name: personal-data-external
      when: "findings.total >= 10 and recipients.external >= 1"
      action: hold
      reason: "This message carries personal data addressed outside the organisation."
    - name: scanned
      when: "message.size >= 0"
      action: tag
EOF
}

# msgid NAME KIND I: the Message-ID (without <>) of one batch message
msgid() { printf 'lgrobust.%s.%s.%s@sender.test' "$1" "$2" "$3"; }

# make_batch NAME N_TAG N_HOLD [PAD_KB]: ordinary.eml copies (tagged, delivered) and incident.eml
# copies (held), each with its own Message-ID; PAD_KB adds an attachment of that many KiB of
# random bytes to each held one (a large store)
make_batch() {
	local name=$1 ntag=$2 nhold=$3 pad=${4:-0} d=$T/batch/$1 i b
	mkdir -p "$d" || return 1
	for ((i = 1; i <= ntag; i++)); do
		sed "s/^Message-ID: .*/Message-ID: <$(msgid "$name" tag "$i")>/" \
			"$top_srcdir/tests/fixtures/ordinary.eml" >"$d/tag-$i.eml"
	done
	b='------=_NextPart_000_0001_01DB34C2.7A3B1C20'
	for ((i = 1; i <= nhold; i++)); do
		sed "s/^Message-ID: .*/Message-ID: <$(msgid "$name" hold "$i")>/" \
			"$top_srcdir/tests/fixtures/incident.eml" | sed '$d' >"$d/hold-$i.eml"
		if [ "$pad" -gt 0 ]; then
			printf '%s\nContent-Type: application/octet-stream; name="pad.bin"\n' "$b"
			printf 'Content-Transfer-Encoding: base64\n'
			printf 'Content-Disposition: attachment; filename="pad.bin"\n\n'
			head -c $((pad * 1024)) /dev/urandom | base64 -w 76
			printf '\n'
		fi >>"$d/hold-$i.eml"
		printf '%s--\n' "$b" >>"$d/hold-$i.eml"
	done
}

# submit_one FILE: hand one message to the sender Postfix (envelope from its From, To and Cc)
submit_one() {
	# shellcheck disable=SC2046
	"$SENDMAIL" -C "$SP/etc" -i -f "$(eml_from "$1")" -- $(eml_rcpts "$1") <"$1"
}

# submit_batch NAME [DELAY]: submit every message of the batch in turn, shuffled, DELAY seconds
# apart; SENT (and the file $T/sent-count.NAME, for a submitter in the background) counts those
# the sender Postfix accepted
submit_batch() {
	local f
	SENT=0
	for f in $(ls "$T/batch/$1"/*.eml | shuf); do
		submit_one "$f" && SENT=$((SENT + 1))
		[ -z "${2:-}" ] || sleep "$2"
	done
	echo "$SENT" >"$T/sent-count.$1"
}

# sp_pending: messages still in the sender Postfix's queue (not delivered anywhere yet). A file
# that qmgr moves between queue directories while they are read can be missed: count until two
# readings agree.
sp_pending() {
	local a b=-1 i
	for i in 1 2 3 4 5; do
		a=$(pf_queue_files "$SP" maildrop incoming active deferred hold)
		[ "$a" = "$b" ] && break
		b=$a
	done
	echo "$a"
}

# settle TIMEOUT: flush the sender's queue until it is empty; false if it is not by then
settle() {
	local end=$((SECONDS + $1))
	while [ "$(sp_pending)" -gt 0 ] && [ $SECONDS -lt $end ]; do
		pf_flush "$SP" 2>/dev/null
		sleep 2
	done
	[ "$(sp_pending)" -eq 0 ] && pf_wait_idle "$PF" 30
}

# ctlq SUB ARGS...: leakguardctl quarantine with the scenario's configuration
ctlq() {
	local sub=$1
	shift
	"$CTL" quarantine "$sub" -c "${CTL_CONFIG:-$T/leakguard.yaml}" "$@"
}

# store_ids: every entry id, all pages
store_ids() {
	local page=1 ids
	while :; do
		ids=$(ctlq list --page "$page" | grep -o '^[0-9a-f]\{32\}') || break
		[ -n "$ids" ] || break
		printf '%s\n' "$ids"
		page=$((page + 1))
	done
}

# entry_info ID: "MESSAGE-ID RCPT" for each envelope recipient of entry ID, the Message-ID read
# from the stored bytes ("-" when they cannot be read); cached, entries do not change
entry_info() {
	local id=$1 c=$T/entries/$1 m
	mkdir -p "$T/entries"
	if [ ! -s "$c" ]; then
		m=$(ctlq show --raw "$id" 2>/dev/null | tr -d '\r' |
			sed -n '/^$/q; s/^Message-ID: *<\(.*\)>.*/\1/Ip' | head -n 1)
		ctlq show --json "$id" 2>/dev/null | grep -o '"recipients":\[[^]]*\]' |
			grep -o '"[^"]*@[^"]*"' | tr -d '"' | sed "s|^|${m:--} |" >"$c.tmp"
		[ -s "$c.tmp" ] || echo "${m:--} -" >"$c.tmp"
		mv "$c.tmp" "$c"
	fi
	cat "$c"
}

# store_msgids: "ENTRY-ID MESSAGE-ID" per entry
store_msgids() {
	local id
	for id in $(store_ids); do
		echo "$id $(entry_info "$id" | head -n 1 | cut -d' ' -f1)"
	done
}

# store_units: "MESSAGE-ID RCPT" for every recipient of every entry (a line per copy)
store_units() {
	local id
	for id in $(store_ids); do entry_info "$id"; done
}

# sink_units: "MESSAGE-ID RCPT" for every recipient of every message the sink received
sink_units() {
	local f
	sink_files "$PF" | while read -r f; do
		tr -d '\r' <"$f" | awk '
			/^$/ { exit }
			/^X-Rcpt-Args: / { r[n++] = $2 }
			tolower($1) == "message-id:" && m == "" { m = $2 }
			END { gsub(/[<>]/, "", m); for (i = 0; i < n; i++) { x = r[i]; gsub(/[<>]/, "", x); print m, x } }'
	done
}

# sink_msgids: the Message-IDs of everything the sink received, one line per copy
sink_msgids() { sink_units | awk '{ print $1 }' | uniq; }

# sink_unscanned [PREFIX]: sink files (with a Message-ID that begins with PREFIX) that lack the
# tag header, or whose relay queue id has no tag verdict in leakguard's log; prints their names
sink_unscanned() {
	local f q
	sink_files "$PF" | while read -r f; do
		[ -z "${1:-}" ] || grep -qiF "Message-ID: <$1" "$f" || continue
		q=$(tr -d '\r' <"$f" | sed -n 's/.*by relay\.test (Postfix) with E\?SMTP id \([0-9A-Za-z]*\).*/\1/p' | head -n 1)
		if ! tr -d '\r' <"$f" | sed '/^$/q' | grep -q '^X-Leakguard-Verdict: tag;' ||
			[ -z "$q" ] || ! grep -q "queue_id=$q .*action=tag" "$LG_LOG"; then
			echo "$f (relay queue id ${q:-?})"
		fi
	done
}

# sp_deferred_msgids: Message-IDs the sender Postfix deferred at least once
sp_deferred_msgids() {
	local q
	for q in $(sed -n 's/.*postfix-lgsender\/[a-z]*\[[0-9]*\]: \([0-9A-F]*\): .*status=deferred.*/\1/p' "$SP/maillog" | sort -u); do
		sed -n "s/.*: $q: message-id=<\(.*\)>.*/\1/p" "$SP/maillog" | head -n 1
	done
}

# count_batch NAME: what became of the batch's messages, counted per recipient copy (Postfix
# sends 50 recipients a transaction, so a mail to 144 is three transactions, three verdicts and,
# held, three entries), printed as a TAP diagnostic. Sets (messages) DELIVERED, HELD, DEFERRED,
# PENDING (files still in the sender's queue); (recipient copies) UNITS, UDELIVERED, UHELD, LOST
# (sent, neither delivered nor held), DUPS (delivered or held more than once), WRONG (a tag
# message held or a hold message delivered); UNSCANNED (sink files without leakguard's verdict)
count_batch() {
	local name=$1 pre="lgrobust.$1." f m
	for f in "$T/batch/$name"/*.eml; do
		m=$(eml_msgid "$f" | tr -d '<>')
		eml_rcpts "$f" | sed "s|^|$m |"
	done | sort >"$T/sent.$name"
	store_units | grep -F "$pre" | sort >"$T/held.$name"
	sink_units | grep -F "$pre" | sort >"$T/delivered.$name"
	sp_deferred_msgids | grep -F "$pre" | sort -u >"$T/deferred.$name"
	UNITS=$(grep -c . "$T/sent.$name")
	UDELIVERED=$(grep -c . "$T/delivered.$name")
	UHELD=$(grep -c . "$T/held.$name")
	DELIVERED=$(cut -d' ' -f1 "$T/delivered.$name" | sort -u | grep -c .)
	HELD=$(cut -d' ' -f1 "$T/held.$name" | sort -u | grep -c .)
	DEFERRED=$(grep -c . "$T/deferred.$name")
	DUPS=$((UDELIVERED + UHELD - $(sort -u "$T/delivered.$name" "$T/held.$name" | grep -c .)))
	LOST=$(sort -u "$T/delivered.$name" "$T/held.$name" | comm -23 "$T/sent.$name" - | grep -c .)
	WRONG=$(($(grep -c "\.hold\." "$T/delivered.$name") + $(grep -c "\.tag\." "$T/held.$name")))
	PENDING=$(sp_pending)
	UNSCANNED=$(sink_unscanned "$pre" | grep -c .)
	orphans_of "$name"
	diag "$name: sent $SENT messages ($UNITS recipient copies); delivered $DELIVERED ($UDELIVERED), held $HELD ($UHELD), deferred at least once $DEFERRED; lost $LOST, duplicate copies $DUPS, misplaced $WRONG, still queued $PENDING, unscanned in the sink $UNSCANNED; entries stored without a verdict $ORPHANS ($ORPHAN_UNITS copies, $UNTWINNED without an identical twin)"
}

# orphans_of NAME: entries of batch NAME that no verdict line names (committed by a daemon that
# was killed before it could answer and log: the MTA saw no answer, the sender retried, the retry
# was stored again). Sets ORPHANS, ORPHAN_UNITS (their recipient copies) and UNTWINNED (orphans
# without another entry with the same bytes and the same envelope: a duplicate not explained so)
orphans_of() {
	local id m o
	ORPHANS=0 ORPHAN_UNITS=0 UNTWINNED=0
	while read -r id m; do
		case $m in "lgrobust.$1."*) ;; *) continue ;; esac
		grep -q "quarantine=$id" "$LG_LOG" && continue
		ORPHANS=$((ORPHANS + 1))
		ORPHAN_UNITS=$((ORPHAN_UNITS + $(entry_info "$id" | grep -c .)))
		ctlq show --raw "$id" >"$T/orphan.raw" 2>/dev/null
		for o in $(store_msgids | awk -v m="$m" -v id="$id" '$2 == m && $1 != id { print $1 }'); do
			cmp -s <(entry_info "$id") <(entry_info "$o") &&
				ctlq show --raw "$o" 2>/dev/null | cmp -s - "$T/orphan.raw" && continue 2
		done
		UNTWINNED=$((UNTWINNED + 1))
	done < <(store_msgids)
}

# batch_ok NTAG NHOLD: the counts of the last count_batch are the clean outcome
batch_ok() {
	[ "$SENT" -eq $(($1 + $2)) ] && [ "$DELIVERED" -eq "$1" ] && [ "$HELD" -eq "$2" ] &&
		[ "$LOST" -eq 0 ] && [ "$DUPS" -eq "$ORPHAN_UNITS" ] && [ "$UNTWINNED" -eq 0 ] &&
		[ "$WRONG" -eq 0 ] &&
		[ "$PENDING" -eq 0 ] && [ "$UNSCANNED" -eq 0 ] &&
		[ $((UDELIVERED + UHELD)) -eq "$UNITS" ]
}

# lg_stop: SIGTERM leakguard and wait for it
lg_stop() {
	[ -n "$LG_PID" ] || return 0
	kill -CONT "$LG_PID" 2>/dev/null
	kill "$LG_PID" 2>/dev/null
	wait_gone "$LG_PID" 10 || kill -9 "$LG_PID" 2>/dev/null
	wait "$LG_PID" 2>/dev/null
	LG_PID=
}

# lg_kill9: kill -9 leakguard (quietly: bash would report the death)
lg_kill9() {
	kill -9 "$LG_PID" 2>/dev/null
	lg_reap
}

# lg_reap: wait for leakguard, killed by a signal, quietly (bash would report the death)
lg_reap() {
	exec 3>&2 2>/dev/null
	wait "$LG_PID"
	exec 2>&3 3>&-
	LG_PID=
}

# verdicts: verdict lines in leakguard's log so far
verdicts() {
	local n
	n=$(grep -c 'queue_id=.* action=' "$LG_LOG" 2>/dev/null)
	echo "${n:-0}"
}
