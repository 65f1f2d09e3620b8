#!/bin/bash
# pg-relays.sh - the quarantine store in PostgreSQL end to end, two relays sharing it (issue 6):
# a private PostgreSQL (initdb in the scratch directory, unix socket only), a sender Postfix that
# hands the mail of one sender to relay A and of another to relay B, each relay a Postfix with
# its own leakguard (hold_mode store, the same PostgreSQL database), smtp-sink behind both.
#   (a) both relays hold into the one store, tagged mail is delivered; every message and recipient
#       copy accounted for;  (b) an entry held by relay B is listed and released (through relay
#       A's milter-less release smtpd): the sink's copy ends with the stored bytes, byte for
#       byte, to each of its recipients;  (c) another entry is deleted;  (d) the server stopped:
#       holds answer 4xx at both relays, the mail waits at the sender; the server started again,
#       after the retries every held mail is in the store once.
# TAP output. Needs root, postfix, smtp-sink and PostgreSQL's server; skipped otherwise. Ports
# from LG_TEST_PORT_FROM..LG_TEST_PORT_TO; the server's (socket name only) from
# LG_PG_PORT_FROM..LG_PG_PORT_TO (default 25432..25999).

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

require_root "needs root to run private Postfix instances"
require_cmd "${POSTFIX:-postfix}" "${SMTP_SINK:-smtp-sink}" postqueue postconf sendmail shuf
LEAKGUARD=$top_builddir/leakguard
[ -x "$LEAKGUARD" ] && [ -x "$top_builddir/leakguardctl" ] || skip_all "leakguard is not built"
id nobody >/dev/null 2>&1 || skip_all "no user 'nobody' to run leakguard and PostgreSQL as"
PGBIN=
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && PGBIN=$d; done
[ -n "$PGBIN" ] || skip_all "PostgreSQL server not installed (apt-get install postgresql)"

. "$top_srcdir/contrib/postfix-private.sh"
. "$top_srcdir/tests/scenario/common.sh"
. "$top_srcdir/tests/robust/lib-relay.sh"

relay_init pgrelays
PF_B_PORT=$(relay_pick_port "$PF_PORT" "$SP_PORT" "$SINK_PORT" "$REL_PORT") ||
	skip_all "no free ports in ${LG_TEST_PORT_FROM:-10025}..${LG_TEST_PORT_TO:-10099}"
PF_B=$T/relay-b
LG_SOCK_B=$T/lg/leakguard-b.sock
LG_PID_B=
PGDIR=$T/pg
PG_PORT=$(pick_port "${LG_PG_PORT_FROM:-25432}" "${LG_PG_PORT_TO:-25999}")
URL="postgresql:///quarantine?host=$PGDIR&port=$PG_PORT&user=lgtest"

pg() { runuser -u nobody -- "$PGBIN/$1" "${@:2}"; }
pg_start() {
	pg pg_ctl -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 30 \
		-o "-k $PGDIR -p $PG_PORT -c listen_addresses='' -c fsync=off" start >/dev/null 2>&1
}
pg_stop() { pg pg_ctl -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1; }
relay_cleanup_hook() {
	if [ -n "$LG_PID_B" ]; then
		kill "$LG_PID_B" 2>/dev/null
		wait_gone "$LG_PID_B" 5 || kill -9 "$LG_PID_B" 2>/dev/null
		wait "$LG_PID_B" 2>/dev/null
	fi
	pf_stop "$PF_B"
	[ -d "$PGDIR/data" ] && pg pg_ctl -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1
}

mkdir -p "$PGDIR" && chown nobody "$PGDIR"
if pg initdb -D "$PGDIR/data" -U lgtest -A trust --no-sync >"$PGDIR/initdb.log" 2>&1 && pg_start &&
	pg createdb -h "$PGDIR" -p "$PG_PORT" -U lgtest quarantine >/dev/null 2>&1; then
	ok "private PostgreSQL ($(basename "$(dirname "$PGBIN")")) on the unix socket $PGDIR/.s.PGSQL.$PG_PORT"
else
	not_ok "private PostgreSQL starts"
	diag_file "$PGDIR/initdb.log" 10
	diag_file "$PGDIR/server.log" 10
	done_testing
	exit
fi

lg_write_config "$T/leakguard.yaml" "$URL"
sed "s|^listen: .*|listen: \"unix:$LG_SOCK_B\"|" "$T/leakguard.yaml" >"$T/leakguard-b.yaml"

# start_leakguard_b: relay B's leakguard, same store, logging into the same file
start_leakguard_b() {
	rm -f "$LG_SOCK_B"
	"$LEAKGUARD" -c "$T/leakguard-b.yaml" -f -u nobody >>"$LG_LOG" 2>&1 </dev/null &
	LG_PID_B=$!
	wait_for 15 test -S "$LG_SOCK_B"
}

SENDER_B=kenji.mori@pref.example.lg.jp
if start_leakguard && start_leakguard_b; then
	ok "two leakguards (relay A, relay B) with hold_mode store in $URL"
else
	not_ok "two leakguards start"
	diag_file "$LG_LOG" 20
	done_testing
	exit
fi
if relay_start_mtas release &&
	pf_setup "$PF_B" "$PF_B_PORT" "$SINK_PORT" "unix:$LG_SOCK_B" 2>>"$T/setup.err" &&
	pf_set "$PF_B" "milter_connect_timeout = 5s" "milter_command_timeout = 5s" \
		"milter_content_timeout = 10s" "syslog_name = postfix-lgtest-b" &&
	pf_start "$PF_B" 2>>"$T/setup.err" &&
	pf_set "$SP" "sender_dependent_relayhost_maps = inline:{$SENDER_B=[127.0.0.1]:$PF_B_PORT}" &&
	"$PF_POSTFIX" -c "$SP/etc" reload >/dev/null 2>&1; then
	ok "sender :$SP_PORT -> relay A :$PF_PORT / relay B :$PF_B_PORT (mail from $SENDER_B) -> sink :$SINK_PORT; release smtpd :$REL_PORT"
else
	not_ok "the Postfix instances start"
	diag_file "$T/setup.err" 20
	done_testing
	exit
fi
sleep 1


# report NAME NTAG NHOLD DESC
report() {
	count_batch "$1"
	if batch_ok "$2" "$3"; then
		ok "$4: $DELIVERED delivered (tagged), $HELD held, each recipient copy once ($UDELIVERED + $UHELD = $UNITS), 0 lost"
	else
		not_ok "$4: $2 delivered, $3 held, nothing lost or duplicated"
		diagnose
		diag_file "$PF_B/maillog" 10
		diag_file "$SP/maillog" 10
	fi
}

# make_batch_b NAME NTAG NHOLD: a batch from SENDER_B (so through relay B)
make_batch_b() {
	local f
	make_batch "$@"
	for f in "$T/batch/$1"/*.eml; do
		sed -i "0,/^From: /s/^\\(From: .*\\)<[^>]*>/\\1<$SENDER_B>/" "$f"
	done
}

# ------------------------------------------------------------------------------- (a) two relays

make_batch pga 2 2
make_batch_b pgb 1 2
submit_batch pga
SENT_A=$SENT
submit_batch pgb
SENT_B=$SENT
settle 90
SENT=$SENT_A
report pga 2 2 "(a) relay A"
SENT=$SENT_B
report pgb 1 2 "(a) relay B"
qa=0 qb=0
for id in $(store_ids); do
	q=$(ctlq show --json "$id" | grep -o '"queue_id":"[0-9A-Za-z]*"' | cut -d'"' -f4)
	[ -n "$q" ] || continue
	grep -q "postfix-lgtest/cleanup.*: $q: message-id=" "$PF/maillog" && qa=$((qa + 1))
	grep -q "postfix-lgtest-b/cleanup.*: $q: message-id=" "$PF_B/maillog" && qb=$((qb + 1))
done
if [ $qa -ge 2 ] && [ $qb -ge 2 ] && [ $((qa + qb)) -eq "$(store_ids | grep -c .)" ]; then
	ok "(a) one store, two relays: $qa entries from relay A's queue ids, $qb from relay B's, all listed by leakguardctl"
else
	not_ok "(a) one store holds the entries of both relays"
	diag "relay A $qa, relay B $qb, entries $(store_ids | grep -c .)"
fi

# ------------------------------------------------------------------------------- (b) release

ID=$(store_msgids | awk '$2 ~ /^lgrobust\.pgb\.hold\./ { print $1; exit }')
ctlq show --raw "$ID" | tr -d '\r' >"$T/stored.lf"
nr=$(entry_info "$ID" | grep -c .)
sink_before=$(sink_count "$PF")
ctlq release "$ID" --reviewer alice --reason "checked" >"$T/rel.out" 2>&1
st=$?
_released() { [ "$(sink_count "$PF")" -gt "$sink_before" ]; }
wait_for 30 _released
pf_wait_idle "$PF" 30
newf=$(sink_files "$PF" | tail -n +$((sink_before + 1)))
if [ $st -eq 0 ] && [ -n "$newf" ] && [ "$(printf '%s\n' "$newf" | grep -c .)" -eq 1 ]; then
	tr -d '\r' <"$newf" >"$T/sink.lf"
	s=$(stat -c %s "$T/stored.lf") k=$(($(stat -c %s "$T/sink.lf") - 1))
	rc=$(grep -c '^X-Rcpt-Args: ' "$T/sink.lf")
	if [ "$k" -ge "$s" ] && head -c "$k" "$T/sink.lf" | tail -c "$s" | cmp -s - "$T/stored.lf" &&
		[ "$rc" -eq "$nr" ]; then
		ok "(b) relay B's entry $ID released through relay A's release smtpd: the sink's copy ends with the stored $s bytes, byte for byte, to its $nr recipients"
	else
		not_ok "(b) the released copy ends with the stored bytes, to every recipient"
		diag "stored $s bytes, sink copy $k, recipients $rc of $nr"
	fi
else
	not_ok "(b) leakguardctl release $ID delivers one copy"
	diag "exit $st: $(cat "$T/rel.out")" "new sink files: $(printf '%s\n' "$newf" | grep -c .)"
fi
check "(b) the entry is released (by alice)" eval "ctlq show '$ID' | grep -q '^status: *released (by alice'"

# ------------------------------------------------------------------------------- (c) delete

ID2=$(store_msgids | awk '$2 ~ /^lgrobust\.pga\.hold\./ { print $1; exit }')
held_before=$(ctlq list --status held | grep -c '^[0-9a-f]\{32\} ')
ctlq delete "$ID2" --reviewer bob --reason "sent by mistake" >"$T/del.out" 2>&1
st=$?
if [ $st -eq 0 ] && ctlq show "$ID2" | grep -q '^status: *deleted' &&
	[ "$(ctlq list --status held | grep -c '^[0-9a-f]\{32\} ')" -eq $((held_before - 1)) ] &&
	ctlq audit | grep -Eq "bob +delete +$ID2 +done"; then
	ok "(c) entry $ID2 deleted: status deleted, one fewer held ($((held_before - 1))), the audit names bob"
else
	not_ok "(c) delete"
	diag "exit $st: $(cat "$T/del.out")"
fi

# ------------------------------------------------------------------------------- (d) server down

pg_stop
make_batch pgdowna 2 2
make_batch_b pgdownb 1 1
submit_batch pgdowna
SENT_A=$SENT
submit_batch pgdownb
SENT_B=$SENT
_down_settled() {
	[ "$(sp_deferred_msgids | grep -c '\.pgdown.\.hold\.')" -eq 3 ] &&
		[ "$(sink_msgids | grep -c '\.pgdown.\.tag\.')" -eq 3 ] && [ "$(sp_pending)" -eq 3 ]
}
wait_for 90 _down_settled
if _down_settled && [ "$(sp_pending)" -eq 3 ] && [ "$(sink_msgids | grep -c '\.pgdown.\.hold\.')" -eq 0 ]; then
	ok "(d) PostgreSQL stopped: the 3 holds (relay A and B) answered 4xx and wait at the sender; tagged mail delivered"
	grep -o 'quarantine store: .*' "$LG_LOG" | cut -c1-160 | sort | uniq -c | head -n 2 | sed 's/^/# /'
else
	not_ok "(d) PostgreSQL stopped: holds answered 4xx, kept at the sender"
	diag "queued $(sp_pending), holds deferred $(sp_deferred_msgids | grep -c '\.pgdown.\.hold\.')"
	diagnose
fi
pg_start || not_ok "(d) PostgreSQL restarts"
settle 90
SENT=$SENT_A
report pgdowna 2 2 "(d) relay A after the server is back and the sender retried"
SENT=$SENT_B
report pgdownb 1 1 "(d) relay B after the server is back and the sender retried"
if kill -0 "$LG_PID" 2>/dev/null && kill -0 "$LG_PID_B" 2>/dev/null &&
	! grep -Eq '^[^ :]+: (fatal|panic): |ERROR: [A-Za-z]*Sanitizer|runtime error: ' "$LG_LOG"; then
	ok "both leakguards still run; no fatal, panic or sanitizer line"
else
	not_ok "both leakguards still run"
fi

done_testing
