#!/usr/bin/env bash
# The few system packages `make run` and `make test` need, installed from Debian's packages when
# missing. Usage: scripts/system_packages.sh run|test|image
# Where they cannot be installed (not root and no password-less sudo, or no apt-get), it stops at
# once with one sentence naming what to install, rather than letting the suite fail test by test.
set -euo pipefail
purpose="${1:?usage: scripts/system_packages.sh run|test|image}"

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || {
  echo "This project needs Python 3.11 or newer as python3; found: $(python3 --version 2>&1)." >&2
  exit 1
}

missing=()
if [ "$purpose" != image ]; then
  # Debian's python3 makes virtual environments only with python3-venv (ensurepip).
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
  # The school portal's stylesheet is built from GOV.UK Frontend with npm.
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
fi
# The portal's browser tests drive Debian's chromium (Playwright's own browser download is not used).
# (CHROMIUM names another path only for this script's own test.)
if [ "$purpose" = test ] && [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then missing+=(chromium); fi
# `make test` builds the container image and runs it (`make image`): Debian's Docker (daemon, and a client
# with BuildKit), debootstrap for the base images, and compose for the deployment the smoke test runs.
if [ "$purpose" = test ] || [ "$purpose" = image ]; then
  [ -x /usr/bin/docker ] && [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
  [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
  [ -x /usr/bin/docker-compose ] || missing+=(docker-compose)
fi

[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "make $purpose needs these packages, which this machine lacks: ${missing[*]}; install them with your system's package manager and try again." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "make $purpose needs Debian packages this machine lacks: run 'sudo apt-get install -y ${missing[*]}' and try again." >&2
  exit 1
fi

echo "Installing Debian packages for make $purpose: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq </dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
