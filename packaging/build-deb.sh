#!/usr/bin/env bash
# Builds the Debian package target/debian/wiel_<version>_<arch>.deb with cargo-deb
# (`cargo install cargo-deb --locked`). `packaging/build-deb.sh` builds a release binary
# first; `packaging/build-deb.sh dev` packages the debug binary as it is (for the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-release}
case "$profile" in
    release) cargo build --release -p wiel-cli; bin=target/release/wiel; stage=target ;;
    # cargo-deb packages only what is under <target dir>/release: the debug binary goes
    # there in a staging target directory of its own, never over a real release build.
    dev)
        bin=target/debug/wiel
        stage=target/deb-stage
        mkdir -p "$stage/release"
        cp "$bin" "$stage/release/wiel"
        ;;
    *) echo "build-deb.sh: release or dev, not '$profile'" >&2; exit 2 ;;
esac
extra=target/deb-extra
rm -rf "$extra" && mkdir -p "$extra/man1" "$extra/completions"
# Man pages and completions in English, the language of the system's manual.
LANG=C.UTF-8 LC_ALL=C.UTF-8 "$bin" manual "$extra/man1" >/dev/null
gzip -9n "$extra"/man1/*.1
"$bin" completions bash > "$extra/completions/wiel"
"$bin" completions zsh > "$extra/completions/_wiel"
"$bin" completions fish > "$extra/completions/wiel.fish"
CARGO_TARGET_DIR="$stage" cargo deb -p wiel-cli --no-build --no-strip --output target/debian/ "${@:2}"
