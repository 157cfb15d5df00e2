#!/bin/sh
# The one install step for a fresh Debian machine, shared by `npm test` / `npm run demo` (their pre-scripts), the
# VS Code test host (test/host/codeServer.ts) and .ci/run: the system packages code-server and the UI tests need.
# Installs what is missing when run as root; otherwise prints the one command to run and stops.
# MISTRAL_SYSTEM_DEPS_DRY_RUN=1 prints what would be done without doing it.
set -eu

# Desktop VS Code (VSCODE_EXECUTABLE) or another system: the test host needs none of these.
if [ "$(uname -s)" != "Linux" ] || [ -n "${VSCODE_EXECUTABLE:-}" ]; then exit 0; fi

missing=""
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing="$missing chromium"
# code-server's kerberos module builds and loads against these.
[ -f /usr/include/gssapi/gssapi.h ] || missing="$missing libkrb5-dev"
# Its binary stands in for the one code-server's postinstall would download from GitHub.
command -v rg >/dev/null 2>&1 || missing="$missing ripgrep"
# code-server's native modules (node-pty, kerberos, spdlog) compile with node-gyp.
if ! command -v make >/dev/null 2>&1 || ! command -v g++ >/dev/null 2>&1; then missing="$missing build-essential"; fi
command -v python3 >/dev/null 2>&1 || missing="$missing python3"

[ -z "$missing" ] && exit 0

command="apt-get update && apt-get install -y --no-install-recommends$missing"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages:$missing. This is not a Debian-like system: install their equivalents, then run again." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages:$missing" >&2
  echo "Run this once as root, then run the same npm command again:" >&2
  echo "  sudo sh -c '$command'" >&2
  exit 1
fi
if [ "${MISTRAL_SYSTEM_DEPS_DRY_RUN:-}" = "1" ]; then
  echo "would run: $command"
  exit 0
fi
echo "Installing system packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q </dev/null
# shellcheck disable=SC2086 # one word per package
apt-get install -y -q --no-install-recommends $missing </dev/null
