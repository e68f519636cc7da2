#!/usr/bin/env bash
# Builds the container image (Dockerfile) as `make image` does, on a machine with no container registry:
# starts Docker's daemon if it is not running, makes the Debian base images with debootstrap once
# (scripts/base_image.sh), then builds with BuildKit, passing the host's CA bundle as a build secret.
# Usage: scripts/image.sh IMAGE:TAG
# The build's own output goes to .local/image-build.log; its last lines are shown when it fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
image="${1:?usage: scripts/image.sh IMAGE:TAG}"
# Debian's client: it speaks to Debian's daemon and has BuildKit built in (a newer client elsewhere on the
# PATH may want a buildx plugin instead).
docker="${DOCKER:-/usr/bin/docker}"
ca_bundle="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
bookworm="${BASE_IMAGE:-ecf-participants-base:bookworm}"
trixie="${ASSETS_BASE_IMAGE:-ecf-participants-base:trixie}"
dockerd_wait="${DOCKERD_WAIT_SECONDS:-60}"
mkdir -p .local

daemon_answers() { timeout 10 "$docker" info >/dev/null 2>&1; }

if ! daemon_answers; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Docker's daemon is not running (or this user may not use it): start it, as root, and try again." >&2
    exit 1
  fi
  echo "Starting Docker's daemon (log: .local/dockerd.log)"
  # A session of its own, so it outlives this build like any system daemon.
  setsid dockerd >.local/dockerd.log 2>&1 </dev/null &
  dockerd_pid=$!
  deadline=$((SECONDS + dockerd_wait))
  until daemon_answers; do
    if ! kill -0 "$dockerd_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 20 .local/dockerd.log >&2
      echo "Docker's daemon exited while starting, or did not answer within $dockerd_wait s; its last log lines are above." >&2
      exit 1
    fi
    sleep 1
  done
fi

DOCKER="$docker" bash scripts/base_image.sh bookworm "$bookworm"
DOCKER="$docker" bash scripts/base_image.sh trixie "$trixie"

secret=()
if [ -s "$ca_bundle" ]; then secret=(--secret "id=ca_bundle,src=$ca_bundle"); fi
commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
started=$SECONDS
if ! DOCKER_BUILDKIT=1 "$docker" build --progress=plain \
  --build-arg "BASE_IMAGE=$bookworm" --build-arg "ASSETS_BASE_IMAGE=$trixie" --build-arg "COMMIT_SHA=$commit" \
  "${secret[@]}" --tag "$image" . >.local/image-build.log 2>&1; then
  tail -n 40 .local/image-build.log >&2
  echo "Building $image failed; the build's last lines are above (all of it: .local/image-build.log)." >&2
  exit 1
fi
# The previous build of this image, now untagged, is of no further use (the build cache keeps its layers).
"$docker" image prune --force --filter "label=org.opencontainers.image.title=ecf-participants" >/dev/null
size="$("$docker" image inspect --format '{{.Size}}' "$image")"
echo "Built $image (commit $commit, $((size / 1000000)) MB) in $((SECONDS - started)) s"
