#!/usr/bin/env bash
# Container engine, local base images and the product's images, for CI and for machines that
# cannot reach a registry of images.
#
#   scripts/containers.sh engine        install docker.io and debootstrap when missing and start
#                                       dockerd (no bridge, no iptables) when it is not running
#   scripts/containers.sh stop-engine   stop dockerd if `engine` started it (never one it found)
#   scripts/containers.sh base          make the local base images once (reused while the host's
#                                       .NET SDK and runtime stay the same)
#   scripts/containers.sh build         engine + base, then build buckets/server and
#                                       buckets/backup-server from their Dockerfiles
#   scripts/containers.sh compose-env   write the .env (random secrets) and tls/ (a CA and a silo
#                                       certificate) that docker-compose.yml reads, when missing
#
# The local base images stand in for Microsoft's: buckets-local/aspnet:10.0 is Debian 12 made
# with debootstrap from Debian's packages plus the host's .NET runtime, buckets-local/sdk:10.0 the
# same plus the host's .NET SDK. The Dockerfiles build the apps from source on them (restoring
# from NuGet over the host's network). BUCKETS_DOCKER_DIR (default /tmp/buckets-docker) holds the
# daemon's log and pid file and the debootstrap tree.
set -euo pipefail
cd "$(dirname "$0")/.."

state="${BUCKETS_DOCKER_DIR:-/tmp/buckets-docker}"
dotnet_root="${BUCKETS_DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}"
mirror="${BUCKETS_DEBIAN_MIRROR:-}"
runtime_image="buckets-local/aspnet:10.0"
sdk_image="buckets-local/sdk:10.0"
# Microsoft's .NET images run as this uid ($APP_UID); the manifests' runAsUser says the same.
app_uid=1654
# The 20.10 client of Debian's docker.io builds with BuildKit without the buildx plugin.
docker_cli="${BUCKETS_DOCKER:-$( [ -x /usr/bin/docker ] && echo /usr/bin/docker || echo docker)}"
engine_deadline_seconds=60

log() { echo "containers.sh: $*" >&2; }
die() {
  log "$*"
  exit 1
}
docker() { "$docker_cli" "$@"; }

engine_running() { docker info >/dev/null 2>&1; }

engine() {
  ./scripts/install-packages.sh docker.io debootstrap || die "could not install docker.io and debootstrap"
  if engine_running; then
    return
  fi
  [ "$(id -u)" -eq 0 ] || die "dockerd is not running and starting it needs root"
  mkdir -p "$state"
  # No bridge and no iptables: every container of the tests uses the host's network on 127.0.0.1.
  setsid dockerd --bridge=none --iptables=false --ip6tables=false >"$state/dockerd.log" 2>&1 </dev/null &
  echo $! >"$state/dockerd.pid"
  local waited=0
  until engine_running; do
    kill -0 "$(cat "$state/dockerd.pid")" 2>/dev/null || die "dockerd exited at start-up: $(tail -n 20 "$state/dockerd.log")"
    [ "$waited" -lt $((engine_deadline_seconds * 10)) ] || die "dockerd did not answer within ${engine_deadline_seconds} s"
    sleep 0.1
    waited=$((waited + 1))
  done
  log "started dockerd (pid $(cat "$state/dockerd.pid"))"
}

stop_engine() {
  local pid_file="$state/dockerd.pid"
  [ -f "$pid_file" ] || return 0
  local pid
  pid=$(cat "$pid_file")
  kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file"; return 0; }
  # Another run on this machine may still use the engine: leave it to whoever stops last.
  if [ -n "$(docker ps --quiet 2>/dev/null)" ]; then
    log "dockerd (pid $pid) left running: containers still run"
    return 0
  fi
  rm -f "$pid_file"
  kill -TERM "$pid"
  for _ in $(seq 1 $((engine_deadline_seconds * 10))); do
    kill -0 "$pid" 2>/dev/null || { log "stopped dockerd (pid $pid)"; return 0; }
    sleep 0.1
  done
  die "dockerd (pid $pid) did not stop within ${engine_deadline_seconds} s"
}

debian_mirror() {
  if [ -n "$mirror" ]; then
    echo "$mirror"
    return
  fi
  # The mirror apt already uses (deb822 or one-line sources), so an air-gapped machine's own mirror works.
  local found
  found=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n 1 || true)
  [ -n "$found" ] || found=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -n 1 || true)
  echo "${found:-http://deb.debian.org/debian}"
}

# What the images are made of: when the host's .NET changes, they are made again.
dotnet_fingerprint() {
  echo "runtime=$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort | tr '\n' ' ')sdk=$(ls "$dotnet_root/sdk" | sort | tr '\n' ' ')"
}

image_is_current() {
  [ "$(docker image inspect -f '{{ index .Config.Labels "buckets.dotnet" }}' "$1" 2>/dev/null || true)" = "$2" ]
}

# Settings Microsoft's aspnet image carries, so the Dockerfiles work the same on either base.
image_changes() {
  printf '%s\n' \
    "ENV APP_UID=$app_uid" \
    "ENV DOTNET_RUNNING_IN_CONTAINER=true" \
    "ENV ASPNETCORE_HTTP_PORTS=8080" \
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    "LABEL buckets.dotnet=\"$1\""
}

import_tree() {
  local tree=$1 image=$2 fingerprint=$3 changes=()
  while IFS= read -r change; do changes+=(--change "$change"); done < <(image_changes "$fingerprint")
  tar --numeric-owner -C "$tree" -c . | docker import "${changes[@]}" - "$image" >/dev/null
}

base() {
  engine_running || die "dockerd is not running (scripts/containers.sh engine)"
  local fingerprint
  fingerprint=$(dotnet_fingerprint)
  if image_is_current "$runtime_image" "$fingerprint" && image_is_current "$sdk_image" "$fingerprint"; then
    return
  fi
  local started=$SECONDS tree="$state/rootfs"
  mkdir -p "$state"
  if [ ! -f "$tree/.buckets-complete" ]; then
    rm -rf "$tree"
    log "making a Debian 12 tree with debootstrap from $(debian_mirror)"
    debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,tzdata bookworm "$tree" "$(debian_mirror)" \
      >"$state/debootstrap.log" 2>&1 || die "debootstrap failed; see $state/debootstrap.log"
    # The runtime's user, as in Microsoft's images (uid and gid 1654, named app).
    chroot "$tree" groupadd --gid "$app_uid" app
    chroot "$tree" useradd --uid "$app_uid" --gid "$app_uid" --no-create-home --home-dir /app --shell /usr/sbin/nologin app
    rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/var/lib/apt/lists/* "$tree"/var/log/*.log
    touch "$tree/.buckets-complete"
  fi
  rm -rf "$tree/usr/share/dotnet" "$tree/usr/bin/dotnet"
  mkdir -p "$tree/usr/share/dotnet"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/shared" "$tree/usr/share/dotnet/"
  cp -a "$dotnet_root"/LICENSE.txt "$dotnet_root"/ThirdPartyNotices.txt "$tree/usr/share/dotnet/" 2>/dev/null || true
  ln -s /usr/share/dotnet/dotnet "$tree/usr/bin/dotnet"
  import_tree "$tree" "$runtime_image" "$fingerprint"
  for part in sdk packs templates sdk-manifests metadata; do
    [ -e "$dotnet_root/$part" ] && cp -a "$dotnet_root/$part" "$tree/usr/share/dotnet/"
  done
  # The build restores from NuGet through whatever the host goes through: a TLS-inspecting proxy's
  # CA is in the host's trust store, not Debian's, so the SDK image (only) trusts what the host trusts.
  mv "$tree/etc/ssl/certs" "$tree/etc/ssl/certs.debian"
  mkdir "$tree/etc/ssl/certs"
  cp -aL /etc/ssl/certs/. "$tree/etc/ssl/certs/"
  import_tree "$tree" "$sdk_image" "$fingerprint"
  rm -rf "$tree/usr/share/dotnet" "$tree/usr/bin/dotnet" "$tree/etc/ssl/certs"
  mv "$tree/etc/ssl/certs.debian" "$tree/etc/ssl/certs"
  log "made $runtime_image and $sdk_image in $((SECONDS - started)) s"
}

# The image builds restore into a BuildKit cache mount (id buckets-nuget) that both Dockerfiles
# share. Filling it from the host's own NuGet folder (which the solution build has just filled) makes
# a cold build's restore take seconds instead of downloading every package again.
seed_nuget_cache() {
  local packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  [ -d "$packages" ] || return 0
  local started=$SECONDS
  printf '%s\n' \
    "FROM $sdk_image" \
    "RUN --mount=type=cache,id=buckets-nuget,target=/root/.nuget/packages --mount=type=bind,target=/seed cp -an /seed/. /root/.nuget/packages/" |
    DOCKER_BUILDKIT=1 docker build --network host --progress plain -t buckets-local/nuget-seed -f - "$packages" >"$state/build-nuget-seed.log" 2>&1 \
    || die "filling the NuGet cache failed; see $state/build-nuget-seed.log"
  log "NuGet cache filled from $packages in $((SECONDS - started)) s"
}

build() {
  engine
  base
  seed_nuget_cache
  local started
  for spec in "buckets/server src/Buckets.Server/Dockerfile" "buckets/backup-server backup-server/Buckets.BackupServer/Dockerfile"; do
    set -- $spec
    started=$SECONDS
    # BuildKit for the NuGet cache mount; host network because dockerd runs without a bridge.
    DOCKER_BUILDKIT=1 docker build --network host --progress plain \
      --build-arg SDK_IMAGE="$sdk_image" --build-arg RUNTIME_IMAGE="$runtime_image" \
      -f "$2" -t "$1" . >"$state/build-${1#buckets/}.log" 2>&1 \
      || die "docker build of $1 failed; last lines of $state/build-${1#buckets/}.log:
$(tail -n 40 "$state/build-${1#buckets/}.log")"
    log "built $1 in $((SECONDS - started)) s ($(docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%d MB", $1 / 1000000}'))"
  done
}

compose_env() {
  if [ ! -f .env ]; then
    (
    umask 077
    {
      echo "# Secrets of the local compose cluster (docker-compose.yml); made by scripts/containers.sh compose-env."
      echo "BUCKETS_ADMIN_TOKEN=$(openssl rand -base64 32)"
      echo "BUCKETS_INTERNAL_TOKEN=$(openssl rand -base64 32)"
      echo "BUCKETS_CLUSTER_SECRET=$(openssl rand -base64 32)"
    } >.env
    )
    log "wrote .env (owner-only)"
  fi
  if [ ! -f tls/tls.crt ]; then
    mkdir -p tls
    (
      cd tls
      openssl req -x509 -new -noenc -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 3650 \
        -subj "/CN=buckets silo CA" -keyout ca.key -out ca.crt \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
      openssl req -new -noenc -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj "/CN=buckets-silo" \
        -keyout tls.key -out silo.csr 2>/dev/null
      printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:buckets-silo\n' >silo.ext
      openssl x509 -req -in silo.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -extfile silo.ext -out tls.crt 2>/dev/null
      rm -f silo.csr silo.ext ca.srl
      # As a mounted Secret with fsGroup: readable by the app's group, not by others.
      chmod 0400 ca.key
      if [ "$(id -u)" -eq 0 ]; then
        chgrp "$app_uid" . tls.crt tls.key ca.crt
        chmod 0440 tls.crt tls.key ca.crt
        chmod 0750 .
      else
        # Not root, so the files cannot be given the containers' group: readable by all instead.
        chmod 0444 tls.crt tls.key ca.crt
        chmod 0755 .
      fi
    )
    log "wrote tls/ (a CA and a silo certificate it signed)"
  fi
}

case "${1:-}" in
  engine) engine ;;
  stop-engine) stop_engine ;;
  base) engine && base ;;
  build) build ;;
  compose-env) compose_env ;;
  *)
    echo "usage: $0 engine|stop-engine|base|build|compose-env" >&2
    exit 2
    ;;
esac
