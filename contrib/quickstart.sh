#!/bin/sh
# quickstart.sh - the README's first command: install what leakguard needs, build it with autotools,
# and run its main job on the built-in defaults (contrib/demo.sh: a private Postfix on 127.0.0.1 with
# leakguard in front, an ordinary mail delivered and the incident mail held).
set -eu
cd "$(dirname "$0")/.."
sh contrib/install-deps.sh
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"
exec sh contrib/demo.sh "$@"
