# common.sh - what the real-Postfix scenarios (postfix.sh, quarantine.sh) share: starting
# leakguard and sending a fixture through the private Postfix. Sourced after tests/lib.sh and
# contrib/postfix-private.sh; uses PF (the Postfix directory), PF_PORT, T (the scratch
# directory), LEAKGUARD, LG_LOG, LG_SOCK and SWAKS, set by the scenario.

# diagnose: the last lines of Postfix's and leakguard's logs as TAP diagnostics
diagnose() {
	diag_file "$PF/maillog" 25
	diag_file "$LG_LOG" 25
}

# lg_starts: how often leakguard has logged its start
lg_starts() {
	local n
	n=$(grep -c 'starting:' "$LG_LOG" 2>/dev/null)
	echo "${n:-0}"
}
_lg_started_more() { [ "$(lg_starts)" -gt "$1" ] && [ -S "$LG_SOCK" ]; }
_lg_started_or_dead() { _lg_started_more "$1" || ! kill -0 "$LG_PID" 2>/dev/null; }

# start_leakguard: run it in the foreground (log to $LG_LOG) with $T/leakguard.yaml; true once it
# listens.
start_leakguard() {
	local before
	before=$(lg_starts)
	rm -f "$LG_SOCK"
	"$LEAKGUARD" -c "$T/leakguard.yaml" -f -u nobody >>"$LG_LOG" 2>&1 </dev/null &
	LG_PID=$!
	wait_for 15 _lg_started_or_dead "$before" && _lg_started_more "$before" &&
		kill -0 "$LG_PID" 2>/dev/null
}

# send FILE: swaks with the envelope taken from From and To/Cc; sets SENT_OUT (swaks output
# file), QID (Postfix queue id, if accepted); returns swaks' status.
SENDS=0
send() {
	local f=$1 st
	SENDS=$((SENDS + 1))
	SENT_OUT=$T/swaks.$SENDS.log
	"$SWAKS" --server "127.0.0.1:$PF_PORT" --helo client.test --timeout 60 \
		--from "$(eml_from "$f")" --to "$(eml_rcpts "$f" | paste -sd, -)" \
		--data "$f" >"$SENT_OUT" 2>&1 </dev/null
	st=$?
	QID=$(sed -n 's/^<- *250 .*queued as \([0-9A-Za-z]*\).*/\1/p' "$SENT_OUT" | tail -n 1)
	return $st
}
