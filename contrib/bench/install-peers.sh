#!/bin/sh
# install-peers.sh - install the tools the MTA benchmark compares leakguard with, from Debian 12's
# packages: rspamd (3.4) and MIMEDefang (3.3). They are benchmark peers, not dependencies of
# leakguard or of its tests; contrib/bench/bench-mta.sh skips a peer that is missing.
#
#   sh contrib/bench/install-peers.sh        (as root)
#
# No service is started or enabled by this script: where the machine runs init scripts, Debian's
# packages start rspamd on installation; the script stops it again and disables it
# (bench-mta.sh starts its own private instances).
#
# rspamd and vectorscan: Debian's rspamd depends on libhyperscan5, which conflicts with
# libvectorscan5 (both ship libhs.so.5), and leakguard may be built with vectorscan. When apt
# would have to remove a package to install rspamd, rspamd's package is instead unpacked under
# /opt/leakguard-bench/rspamd (apt-get download, dpkg-deb -x; its other dependencies installed
# with apt) and runs there on vectorscan's libhs.so.5 (the same API and soname).
# bench-mta.sh looks there when rspamd is not in PATH. Its compiled-in data directory
# /usr/share/rspamd is then a symbolic link to $OPT/usr/share/rspamd.
# Remove with: rm -rf /opt/leakguard-bench /usr/share/rspamd
set -eu

OPT=/opt/leakguard-bench/rspamd

if [ "$(id -u)" -ne 0 ]; then
	echo "install-peers.sh: run as root (sudo), it uses apt-get" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

apt-get update -q
# what bench-mta.sh itself drives: Postfix (smtp-source, smtp-sink) and python3 (the generator);
# Postfix's package must not configure or start a system mail server on its own
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
for p in postfix python3 mimedefang; do
	installed "$p" || apt-get install -y -q --no-install-recommends "$p"
done

if installed rspamd || [ -x "$OPT/usr/bin/rspamd" ]; then
	echo "install-peers.sh: rspamd already installed"
elif ! sim=$(apt-get install -s -q --no-install-recommends rspamd 2>&1) ||
	printf '%s\n' "$sim" | grep -q '^Remv '; then
	echo "install-peers.sh: apt cannot install rspamd without removing packages:"
	printf '%s\n' "$sim" | grep -E '^Remv |Conflicts|^E:' | sed 's/^/  /'
	echo "install-peers.sh: unpacking rspamd under $OPT instead"
	# its dependencies but libhyperscan5; of alternatives ("|Depends: a" then "Depends: b") the first
	deps=$(apt-cache depends --no-recommends --no-suggests rspamd | awk '
		skip { skip = 0; next }
		/^ *\|Depends: / { sub(/^ *\|Depends: /, ""); print; skip = 1; next }
		/^ *Depends: / { sub(/^ *Depends: /, ""); print }' |
		grep -v '^<' | grep -v '^libhyperscan5$' | sort -u)
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $deps
	installed libvectorscan5 || apt-get install -y -q --no-install-recommends libvectorscan5
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	chmod 755 "$work"
	(cd "$work" && apt-get download rspamd)
	mkdir -p "$OPT"
	dpkg-deb -x "$work"/rspamd_*.deb "$OPT"
	getent passwd _rspamd >/dev/null ||
		adduser --system --group --home /var/lib/rspamd --no-create-home _rspamd
	# the binary's compiled-in data paths (languages, effective_tld_names.dat, lualib)
	[ -e /usr/share/rspamd ] || ln -s "$OPT/usr/share/rspamd" /usr/share/rspamd
	echo "install-peers.sh: rspamd unpacked in $OPT"
else
	apt-get install -y -q --no-install-recommends rspamd
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		systemctl disable --now rspamd 2>/dev/null || :
	elif [ -x /etc/init.d/rspamd ]; then
		/etc/init.d/rspamd stop >/dev/null 2>&1 || :
	fi
fi
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	systemctl disable --now mimedefang 2>/dev/null || :
elif [ -x /etc/init.d/mimedefang ]; then
	/etc/init.d/mimedefang stop >/dev/null 2>&1 || :
fi
echo "install-peers.sh: done"
