#!/usr/bin/env bash
# Installs Debian's Nix (nix-bin 2.8) for the Nix tests, idempotently. As root the local store in
# /nix/store is used directly (no daemon, which cannot start without systemd in a container);
# nix-setup-systemd's postinst creates the nixbld build users Nix 2.8 builds with.
set -euo pipefail

if ! command -v nix >/dev/null; then
  # Another install may hold the apt lock: retry for a while.
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nix-bin; then break; fi
    [ "$attempt" = 10 ] && { echo "apt-get install nix-bin failed" >&2; exit 1; }
    echo "apt-get busy or failed; retrying in 15 s ($attempt/10)" >&2
    sleep 15
  done
fi

if [ "$(id -u)" != 0 ] && [ ! -S /nix/var/nix/daemon-socket/socket ]; then
  echo "Nix needs root (local store) or a running nix-daemon for a non-root user: start 'nix-daemon &' as root." >&2
fi

# A smoke test: evaluate and build a trivial derivation offline.
nix --version
nix --extra-experimental-features 'nix-command flakes' --option substitute false eval --raw --expr '"nix works"'
echo
