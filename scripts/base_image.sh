#!/usr/bin/env bash
# The Dockerfile's base images on a machine that can reach Debian's packages but no container registry:
# a minimal Debian made with debootstrap and imported into the local Docker daemon. Production builds
# use a registry's debian:SUITE-slim instead (the BASE_IMAGE and ASSETS_BASE_IMAGE build arguments).
# Usage: scripts/base_image.sh SUITE IMAGE:TAG   (does nothing when the daemon already has IMAGE:TAG)
set -euo pipefail
suite="${1:?usage: scripts/base_image.sh SUITE IMAGE:TAG}"
image="${2:?usage: scripts/base_image.sh SUITE IMAGE:TAG}"
docker="${DOCKER:-/usr/bin/docker}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if "$docker" image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
started=$SECONDS
echo "Building the base image $image (Debian $suite) with debootstrap, once per machine"
# minbase: essential packages and apt only, as in debian:SUITE-slim.
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.log" 2>&1 || {
  tail -n 30 "$root.log" >&2
  rm -f "$root.log"
  echo "debootstrap failed; see the lines above." >&2
  exit 1
}
rm -f "$root.log"

# The same package sources as debian:SUITE-slim (updates and security fixes too), plain http.
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
# As in the slim image: no documentation installed by later packages, and no package lists kept.
cat >"$root/etc/dpkg/dpkg.cfg.d/excludes" <<'EXCLUDES'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EXCLUDES
rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/man/* "$root"/usr/share/info/*

tar --numeric-owner -C "$root" -c . | "$docker" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' - "$image" >/dev/null
echo "Built $image in $((SECONDS - started)) s"
