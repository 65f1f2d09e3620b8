#!/bin/bash
# pg.sh - the quarantine unit suite (tests/unit/test_quarantine) against a real PostgreSQL: a
# private server (initdb in a temp dir, unix socket only, no TCP), run as an unprivileged user
# when the tests run as root, stopped afterwards. Skipped when PostgreSQL is not installed.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

# the suite to run (tests/notice/outbox-pg.sh runs test_outbox the same way)
unit=${LG_PG_UNIT:-$top_builddir/tests/unit/test_quarantine}
bindir=
for d in /usr/lib/postgresql/*/bin; do
	[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && bindir=$d
done
[ -n "$bindir" ] || skip_all "PostgreSQL server not installed (apt-get install postgresql)"
[ -x "$unit" ] || skip_all "$unit not built"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lg-pg.XXXXXX")
chmod 0755 "$tmp"
as=()
if [ "$(id -u)" -eq 0 ]; then
	# initdb refuses to run as root: the server belongs to nobody
	chown nobody "$tmp"
	as=(runuser -u nobody --)
fi
port=$(pick_port 25432 25999 2>/dev/null || echo 25432)
stop() {
	"${as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$tmp"
}
trap stop EXIT INT TERM

if ! "${as[@]}" "$bindir/initdb" -D "$tmp/data" -U lgtest -A trust --no-sync >"$tmp/initdb.log" 2>&1; then
	echo "1..1"
	not_ok "initdb"
	diag_file "$tmp/initdb.log"
	exit 1
fi
if ! "${as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 30 \
	-o "-k $tmp -p $port -c listen_addresses='' -c fsync=off" start >/dev/null 2>&1; then
	echo "1..1"
	not_ok "pg_ctl start"
	diag_file "$tmp/server.log"
	exit 1
fi
"${as[@]}" "$bindir/createdb" -h "$tmp" -p "$port" -U lgtest quarantine >/dev/null 2>&1 ||
	bail_out "createdb failed"

# the unit suite's own TAP output is this script's
"$unit" "postgresql:///quarantine?host=$tmp&port=$port&user=lgtest"
