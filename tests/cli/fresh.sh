# A fresh Debian 12 machine, played (issue 17): the README's first command
# must work the first time.  Round 1's first `make demo` failed there at
# the link step because the Makefile asked pkg-config for the libraries'
# flags while it was parsed, before tools/deps.sh had installed anything.
#
# The play: a PATH shim whose pkg-config knows nothing (exit 1, as when
# the -dev packages are missing) until the shim apt-get has "installed"
# them; then it answers as the real one does.  A build into a scratch
# BUILD directory must succeed in ONE run, have called apt-get, and give a
# binary that runs.  Every other tool is the machine's own.
. "$ROOT/tests/cli/lib.sh"
real_pc=$(command -v pkg-config)
mkdir -p shim
cat > shim/pkg-config <<EOF
#!/bin/sh
[ -f "$T/installed" ] || exit 1
exec "$real_pc" "\$@"
EOF
cat > shim/apt-get <<EOF
#!/bin/sh
echo "apt-get \$*" >> "$T/apt.log"
case "\$*" in *install*) touch "$T/installed" ;; esac
exit 0
EOF
# deps.sh installs only as root and otherwise prints the apt-get line: the
# shim says root, as CI and a fresh machine's first session are
cat > shim/id <<'EOF'
#!/bin/sh
[ "$1" = -u ] && { echo 0; exit 0; }
exec /usr/bin/id "$@"
EOF
chmod +x shim/*

# -O0: this checks the build's steps, not its code, and is twice as fast
PATH="$T/shim:$PATH" make -s -C "$ROOT" BUILD="$T/b" OPT=-O0 "$T/b/gapsurvey" \
    >"$T/out" 2>"$T/err"
RC=$?
status "one make on a machine whose packages are missing builds the binary" 0
sed 's/^/# /' "$T/err" | grep -v '^# deps:' | head -n 20
check "it installed the packages first (the shim apt-get was called)" grep -q 'install' "$T/apt.log"
check "the binary it built runs" "$T/b/gapsurvey" --version
# and the play has teeth: with no install, pkg-config stays empty and the
# build must stop with deps.sh's message, not at the link step
rm -f "$T/installed" "$T/apt.log"
cat > shim/apt-get <<'EOF'
#!/bin/sh
exit 100
EOF
PATH="$T/shim:$PATH" make -s -C "$ROOT" BUILD="$T/b2" OPT=-O0 "$T/b2/gapsurvey" \
    >"$T/out" 2>"$T/err"
RC=$?
check "when apt-get fails, make stops (exit $RC)" test "$RC" -ne 0
hasnot "... before compiling anything" "$T/err" "undefined reference"
check "... and nothing was built" test ! -e "$T/b2/gapsurvey"
