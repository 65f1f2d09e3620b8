#!/bin/sh
# install-deps.sh - install, from Debian 12's packages, what leakguard needs to build and run
# (default), and with --tests also what the test suite drives: miltertest, Postfix, swaks.
set -eu
want_tests=no
[ "${1:-}" = "--tests" ] && want_tests=yes

# Hyperscan's API for the detectors' keyword pass (rules/hits.c): Vectorscan, or Intel's Hyperscan
# where libhyperscan5 is installed already (rspamd depends on it, and libvectorscan5 conflicts with
# it: installing Vectorscan would remove rspamd). configure takes either (pkg-config libhs).
HS_DEV=libvectorscan-dev
dpkg-query -W -f='${Status}' libhyperscan5 2>/dev/null | grep -q "ok installed" && HS_DEV=libhyperscan-dev
BUILD="build-essential autoconf automake pkg-config \
 libmilter-dev libpcre2-dev libmagic-dev libxml2-dev libgmime-3.0-dev libarchive-dev \
 liblzma-dev libutf8proc-dev libuchardet-dev libsqlite3-dev libfyaml-dev libpoppler-glib-dev libpq-dev libcurl4-openssl-dev \
 libseccomp-dev libssl-dev $HS_DEV"
# The demo runs a private Postfix instance and sends with swaks.
RUN="libmagic-mgc postfix swaks ca-certificates"
# clang and its libFuzzer runtime: test-all.sh runs every fuzz harness briefly.
# postgresql: tests/quarantine/pg.sh runs the quarantine suite against a private server.
# python3: tests/scenario/notices.sh decodes notices with Python's e-mail package.
# strace: tests/robust/faults.sh kills leakguard as a thread enters a write to the store.
TESTS="miltertest procps coreutils clang libclang-rt-14-dev postgresql python3 strace"

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: run as root (sudo), it uses apt-get" >&2
	exit 1
fi
# Postfix's package must not configure or start a system mail server on its own.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
pkgs="$BUILD $RUN"
[ "$want_tests" = yes ] && pkgs="$pkgs $TESTS"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "install-deps.sh: installing:$missing"
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
else
	echo "install-deps.sh: all packages already installed"
fi
