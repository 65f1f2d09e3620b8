#!/bin/bash
# outbox-pg.sh - the notice outbox suite (tests/unit/test_outbox: atomic enqueue with the entry,
# claims with FOR UPDATE SKIP LOCKED by two senders at once, retry, give-up, digest) against a
# real PostgreSQL, started privately by tests/quarantine/pg.sh.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir
LG_PG_UNIT=$top_builddir/tests/unit/test_outbox exec bash "$top_srcdir/tests/quarantine/pg.sh"
