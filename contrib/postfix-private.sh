# postfix-private.sh - run a private, throw-away Postfix instance and an SMTP sink on 127.0.0.1.
#
# A library of bash functions, sourced by contrib/demo.sh and tests/scenario/postfix.sh:
#
#   pf_setup DIR SMTPD_PORT SINK_PORT [MILTER [RELEASE_PORT]]
#                                                 write DIR/etc/{main,master}.cf, make the queue;
#                                                 RELEASE_PORT: a second smtpd without milters
#                                                 (where leakguardctl quarantine release sends)
#   pf_start DIR / pf_stop DIR / pf_flush DIR     start, stop (and make sure nothing is left), flush
#   pf_queue_json DIR                             `postqueue -j`: one JSON object per queued message
#   pf_hold_count DIR / pf_hold_ids DIR           messages in the hold queue
#   pf_wait_idle DIR TIMEOUT                      wait until incoming/active/deferred are empty
#   pf_wait_log DIR REGEX TIMEOUT                 wait until the instance's maillog matches
#   sink_start DIR PORT / sink_stop DIR           smtp-sink, one file per message under DIR/sink/
#   sink_count DIR / sink_grep DIR REGEX          messages received / files matching (grep -E)
#   sink_has DIR STRING                           files containing STRING (fixed string)
#
# The instance never touches the system Postfix: everything (configuration, queue, data, log)
# lives under DIR, it listens only on 127.0.0.1:SMTPD_PORT, delivers nothing locally
# (mydestination is empty) and relays everything to the sink at [127.0.0.1]:SINK_PORT.
# It must be started as root (Postfix's master drops to the postfix user itself); DIR and all
# its parents must be searchable by the postfix user.
#
# Notes on running Postfix like this on Debian 12 (Postfix 3.7):
# - "postfix -c DIR" needs no alternate_config_directories entry when run as root; the set-gid
#   postqueue/postdrop commands are run as root here too, so neither does pf_queue_json.
# - maillog_file needs the postlog service in master.cf and a maillog_file_prefixes entry
#   that covers DIR (the default only allows /var and /dev/stdout).
# - Debian's master.cf chroots most services into the queue directory; the private master.cf
#   written here chroots nothing, so no copies of /etc files are needed in the queue.
# - "postfix check" creates the missing queue subdirectories with the right owners; the queue
#   directory itself stays root-owned, data_directory must be owned by mail_owner (postfix).
#
# Ports come from the caller; nothing here ever connects anywhere but 127.0.0.1.

PF_POSTFIX=${POSTFIX:-$(command -v postfix 2>/dev/null || echo /usr/sbin/postfix)}
PF_POSTQUEUE=${POSTQUEUE:-$(command -v postqueue 2>/dev/null || echo /usr/sbin/postqueue)}
PF_POSTCONF=${POSTCONF:-$(command -v postconf 2>/dev/null || echo /usr/sbin/postconf)}
PF_SMTP_SINK=${SMTP_SINK:-$(command -v smtp-sink 2>/dev/null || echo /usr/sbin/smtp-sink)}
PF_MAIL_OWNER=${PF_MAIL_OWNER:-postfix}

pf__say() { printf '%s\n' "$*" >&2; }

# pf__port_open PORT: is something listening on 127.0.0.1:PORT? Read from /proc/net/tcp where
# possible, so that polling does not leave "lost connection after CONNECT" lines in the log.
pf__port_open() {
	local hex
	if [ -r /proc/net/tcp ]; then
		hex=$(printf '%04X' "$1")
		grep -Eq "^ *[0-9]+: (0100007F|00000000):$hex [0-9A-F]+:[0-9A-F]+ 0A " /proc/net/tcp
	else
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}

# pf__wait PRED TIMEOUT_SECONDS ARGS...: poll PRED ARGS every 0.2 s until true or timeout.
pf__wait() {
	local pred=$1 timeout=$2 i=0
	shift 2
	while [ "$i" -lt $((timeout * 5)) ]; do
		"$pred" "$@" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	"$pred" "$@"
}

pf__not() { ! "$@"; }

# pf_setup DIR SMTPD_PORT SINK_PORT [MILTER]
pf_setup() {
	local dir=$1 port=$2 sink_port=$3 milter=${4:-} release_port=${5:-}
	if [ -z "$dir" ] || [ -z "$port" ] || [ -z "$sink_port" ]; then
		pf__say "usage: pf_setup DIR SMTPD_PORT SINK_PORT [unix:/path/to/milter.sock [RELEASE_PORT]]"
		return 2
	fi
	case $dir in /*) ;; *) dir=$(cd "$dir" 2>/dev/null && pwd) || return 1 ;; esac
	mkdir -p "$dir/etc" "$dir/queue" "$dir/data" || return 1
	chown root:root "$dir/queue" && chmod 755 "$dir/queue" || return 1
	chown "$PF_MAIL_OWNER" "$dir/data" && chmod 700 "$dir/data" || return 1
	: >"$dir/maillog"

	cat >"$dir/etc/main.cf" <<EOF
# Private Postfix instance for leakguard tests and the demo (written by postfix-private.sh).
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
syslog_name = postfix-lgtest
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
myhostname = relay.test
mydomain = relay.test
myorigin = \$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$sink_port
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_milters = $milter
non_smtpd_milters =
milter_default_action = tempfail
milter_protocol = 6
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtpd_banner = \$myhostname ESMTP Postfix (leakguard private test instance)
biff = no
append_dot_mydomain = no
smtpd_peername_lookup = no
smtp_host_lookup = native
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
delay_warning_time = 0
EOF

	cat >"$dir/etc/master.cf" <<EOF
# Private Postfix instance: no chroot anywhere, smtpd only on 127.0.0.1:$port.
# service         type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$port   inet  n       -       n       -       -       smtpd
pickup            unix  n       -       n       60      1       pickup
cleanup           unix  n       -       n       -       0       cleanup
qmgr              unix  n       -       n       300     1       qmgr
rewrite           unix  -       -       n       -       -       trivial-rewrite
bounce            unix  -       -       n       -       0       bounce
defer             unix  -       -       n       -       0       bounce
trace             unix  -       -       n       -       0       bounce
verify            unix  -       -       n       -       1       verify
flush             unix  n       -       n       1000?   0       flush
proxymap          unix  -       -       n       -       -       proxymap
proxywrite        unix  -       -       n       -       1       proxymap
smtp              unix  -       -       n       -       -       smtp
relay             unix  -       -       n       -       -       smtp
showq             unix  n       -       n       -       -       showq
error             unix  -       -       n       -       -       error
retry             unix  -       -       n       -       -       error
discard           unix  -       -       n       -       -       discard
local             unix  -       n       n       -       -       local
virtual           unix  -       n       n       -       -       virtual
lmtp              unix  -       -       n       -       -       lmtp
anvil             unix  -       -       n       -       1       anvil
scache            unix  -       -       n       -       1       scache
postlog           unix-dgram n  -       n       -       1       postlogd
EOF
	# The release listener: released mail must not pass through leakguard again.
	[ -z "$release_port" ] || cat >>"$dir/etc/master.cf" <<EOF
127.0.0.1:$release_port   inet  n       -       n       -       -       smtpd
  -o smtpd_milters=
  -o non_smtpd_milters=
  -o syslog_name=postfix-lgtest/release
EOF
	# "postfix check" creates the queue subdirectories (owners and modes from postfix-files).
	"$PF_POSTFIX" -c "$dir/etc" check >"$dir/setup.log" 2>&1 || {
		pf__say "pf_setup: postfix check failed:"
		cat "$dir/setup.log" >&2
		return 1
	}
	return 0
}

# pf_set DIR "name = value"...: change main.cf parameters (for an instance not yet running,
# or follow with "postfix -c DIR/etc reload").
pf_set() {
	local dir=$1
	shift
	"$PF_POSTCONF" -c "$dir/etc" -e "$@"
}

pf_master_pid() {
	local f="$1/queue/pid/master.pid" pid
	[ -r "$f" ] || return 1
	pid=$(tr -dc 0-9 <"$f")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

pf_running() { pf_master_pid "$1" >/dev/null; }

pf__smtpd_port() { sed -n 's/^127\.0\.0\.1:\([0-9]*\)[[:space:]].*/\1/p' "$1/etc/master.cf" | head -n 1; }

# pf_start DIR: start the instance and wait until its smtpd answers (at most 20 s).
pf_start() {
	local dir=$1 port
	port=$(pf__smtpd_port "$dir")
	if pf__port_open "$port"; then
		pf__say "pf_start: 127.0.0.1:$port is already in use"
		return 1
	fi
	"$PF_POSTFIX" -c "$dir/etc" start >>"$dir/setup.log" 2>&1 || {
		pf__say "pf_start: postfix start failed:"
		tail -n 20 "$dir/setup.log" >&2
		return 1
	}
	pf__wait pf__port_open 20 "$port" || {
		pf__say "pf_start: smtpd is not listening on 127.0.0.1:$port"
		tail -n 20 "$dir/maillog" >&2
		return 1
	}
}

# pf__instance_pids DIR: processes of this instance (master and children), found by the
# MAIL_CONFIG environment that master passes to every child, plus the master pid file.
pf__instance_pids() {
	local dir=$1 p
	{
		pf_master_pid "$dir"
		for p in /proc/[0-9]*; do
			grep -qxz -- "MAIL_CONFIG=$dir/etc" "$p/environ" 2>/dev/null && echo "${p#/proc/}"
		done
	} | sort -un
}

pf__no_instance() { [ -z "$(pf__instance_pids "$1")" ]; }

# pf_stop DIR: stop the instance; kill what is left after 10 s. Safe to call twice.
pf_stop() {
	local dir=$1 pids pid
	[ -d "$dir/etc" ] || return 0
	if pf_running "$dir"; then
		"$PF_POSTFIX" -c "$dir/etc" stop >>"$dir/setup.log" 2>&1
	fi
	pf__wait pf__no_instance 10 "$dir" && return 0
	pids=$(pf__instance_pids "$dir")
	pf__say "pf_stop: killing leftover Postfix processes: $(printf '%s ' $pids)"
	for pid in $pids; do kill -9 "$pid" 2>/dev/null; done
	pf__wait pf__no_instance 5 "$dir"
}

# pf_flush DIR: attempt delivery of everything deferred now.
pf_flush() { "$PF_POSTQUEUE" -c "$1/etc" -f; }

# pf_queue_json DIR: one JSON object per line per queued message (postqueue -j).
pf_queue_json() { "$PF_POSTQUEUE" -c "$1/etc" -j; }

# pf_hold_ids DIR: queue ids of the messages in the hold queue, one a line.
pf_hold_ids() {
	pf_queue_json "$1" | grep '"queue_name": *"hold"' |
		sed -n 's/.*"queue_id": *"\([^"]*\)".*/\1/p'
}

pf_hold_count() { pf_hold_ids "$1" | grep -c .; }

# pf_queue_files DIR QUEUE...: number of files in the named queue directories.
pf_queue_files() {
	local dir=$1 q n=0
	shift
	for q in "$@"; do
		[ -d "$dir/queue/$q" ] || continue
		n=$((n + $(find "$dir/queue/$q" -type f | wc -l)))
	done
	echo "$n"
}

pf__idle() { [ "$(pf_queue_files "$1" maildrop incoming active deferred)" -eq 0 ]; }

# pf_wait_idle DIR [TIMEOUT]: wait until maildrop/incoming/active/deferred are empty.
pf_wait_idle() { pf__wait pf__idle "${2:-30}" "$1"; }

pf__log_has() { grep -Eq -- "$2" "$1/maillog" 2>/dev/null; }

# pf_wait_log DIR REGEX [TIMEOUT]: wait until the instance's maillog has a matching line.
pf_wait_log() { pf__wait pf__log_has "${3:-30}" "$1" "$2"; }

# sink_start DIR PORT: smtp-sink on 127.0.0.1:PORT, one file per message in DIR/sink/.
sink_start() {
	local dir=$1 port=$2
	mkdir -p "$dir/sink" || return 1
	chown "$PF_MAIL_OWNER" "$dir/sink" || return 1
	if pf__port_open "$port"; then
		pf__say "sink_start: 127.0.0.1:$port is already in use"
		return 1
	fi
	# -u: smtp-sink refuses to run as root; it writes the files as the mail owner.
	"$PF_SMTP_SINK" -4 -u "$PF_MAIL_OWNER" -h sink.test -d "$dir/sink/%Y%m%d-%H%M%S." \
		"127.0.0.1:$port" 64 </dev/null >"$dir/sink.log" 2>&1 &
	echo $! >"$dir/sink.pid"
	pf__wait pf__port_open 10 "$port" || {
		pf__say "sink_start: smtp-sink is not listening on 127.0.0.1:$port"
		cat "$dir/sink.log" >&2
		return 1
	}
}

sink_stop() {
	local dir=$1 pid
	[ -r "$dir/sink.pid" ] || return 0
	pid=$(tr -dc 0-9 <"$dir/sink.pid")
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null
		pf__wait pf__not 5 kill -0 "$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	rm -f "$dir/sink.pid"
	return 0
}

# sink_files DIR: the received messages, oldest first.
sink_files() { find "$1/sink" -type f 2>/dev/null | sort; }

sink_count() { sink_files "$1" | grep -c .; }

# sink_grep DIR REGEX: print the received files that match (grep -E); false if none.
sink_grep() {
	local files
	files=$(sink_files "$1")
	[ -n "$files" ] || return 1
	printf '%s\n' "$files" | xargs grep -El -- "$2"
}

# sink_has DIR STRING: like sink_grep, for a fixed string (Message-IDs are full of '$' and '.').
sink_has() {
	local files
	files=$(sink_files "$1")
	[ -n "$files" ] || return 1
	printf '%s\n' "$files" | xargs grep -Fl -- "$2"
}
