#!/usr/bin/env bash
# Smoke checks of what packaging/build.sh made in target/packaging/ (CI runs them after the build):
#   - both .debs: dpkg-deb --info / --contents list what is expected, versions match the jars
#   - the console's app image launcher prints --version (headless), and under Xvfb, when there is one,
#     opens the window with its embedded router answering /ready
#   - the router .deb, extracted with dpkg -x, runs serve (its router.yaml warms the JVM up first, cleanly)
#     and answers /ready, then stops on SIGTERM with 0
#   - the image tarball's config has the expected entrypoint, user, ports and labels; as root, its layers
#     unpacked into a root file system run the entrypoint as the image's user and answer /ready
#   - the alert rules pass promtool check rules and promtool test rules, when promtool is there
# Exits non-zero at the first check that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/packaging
work=$(mktemp -d)
pids=()
groups=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${groups[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  if mountpoint -q "$work/rootfs/proc" 2>/dev/null; then umount "$work/rootfs/proc" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok   $*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# await_ready PORT SECONDS: until http://127.0.0.1:PORT/ready answers 200
await_ready() {
  local i
  for ((i = 0; i < $2 * 5; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/ready" || true)" = 200 ] && return 0
    sleep 0.2
  done
  return 1
}

expected=$(java -jar embedded-router/target/switchboard-router.jar --version)
version=$(echo "$expected" | sed -E 's/^[^ ]+ ([^ ]+) .*/\1/')
commit=$(echo "$expected" | sed -E 's/.*\(git ([^)]+)\).*/\1/')
deb_version=${version//-/\~}
echo "== checking packages of $expected"

# --- router .deb
router_deb="$out/switchboard-router_${deb_version}_all.deb"
[ -f "$router_deb" ] || fail "no $router_deb"
info=$(dpkg-deb --info "$router_deb")
grep -q "^ Package: switchboard-router$" <<< "$info" || fail "router deb: Package"
grep -q "^ Version: $deb_version$" <<< "$info" || fail "router deb: Version is not $deb_version"
grep -q "^ Depends: .*java17-runtime-headless" <<< "$info" || fail "router deb: no dependency on a Java 17 runtime"
grep -q "built from git commit $commit\." <<< "$info" || fail "router deb: description lacks commit $commit"
contents=$(dpkg-deb --contents "$router_deb")
for path in ./usr/bin/switchboard-router ./usr/share/switchboard-router/switchboard-router.jar \
    ./lib/systemd/system/switchboard-router.service ./etc/switchboard/router.yaml ./etc/switchboard/router.env; do
  grep -q " $path$" <<< "$contents" || fail "router deb: $path missing"
done
grep -E -q '^-rw------- root/root .* \./etc/switchboard/router.env$' <<< "$contents" || fail "router deb: router.env is not 0600 root"
control_files=$(dpkg-deb --ctrl-tarfile "$router_deb" | tar -t)
grep -q '^./conffiles$' <<< "$control_files" || fail "router deb: no conffiles"
unit=$(dpkg-deb --fsys-tarfile "$router_deb" | tar -xO ./lib/systemd/system/switchboard-router.service)
for line in User=switchboard EnvironmentFile=/etc/switchboard/router.env "ExecStart=/usr/bin/switchboard-router serve --config /etc/switchboard/router.yaml" \
    Restart=on-failure KillSignal=SIGTERM NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes; do
  grep -qx "$line" <<< "$unit" || fail "router unit: no $line"
done
pass "router .deb: control fields, contents, conffiles, unit"

dpkg -x "$router_deb" "$work/router"
if command -v systemd-analyze >/dev/null 2>&1; then
  # the unit as installed, but starting the extracted launcher: verify warns about every unknown key
  sed "s#^ExecStart=/usr/bin/#ExecStart=$work/router/usr/bin/#" "$work/router/lib/systemd/system/switchboard-router.service" \
    > "$work/switchboard-router.service"
  said=$(systemd-analyze verify "$work/switchboard-router.service" 2>&1) || fail "systemd-analyze verify: $said"
  [ -z "$said" ] || fail "systemd-analyze verify: $said"
  pass "router unit: systemd-analyze verify says nothing"
else
  echo "skip systemd-analyze verify: no systemd-analyze"
fi
[ "$("$work/router/usr/bin/switchboard-router" --version)" = "$expected" ] || fail "router deb: --version"
ws_port=$(free_port); http_port=$(free_port)
"$work/router/usr/bin/switchboard-router" serve --config "$work/router/etc/switchboard/router.yaml" \
  --port "$ws_port" --http-port "$http_port" > "$work/router.log" 2>&1 &
router_pid=$!; pids+=("$router_pid")
await_ready "$http_port" 60 || { cat "$work/router.log"; fail "router deb: serve did not answer /ready"; }
grep -Eq '^Warmed up in [0-9.]+ s: [0-9,]+ messages answered, [0-9,]+ agent runs, [0-9,]+ connections, 0 errors' "$work/router.log" \
  || { cat "$work/router.log"; fail "router deb: the packaged router.yaml's warm-up did not run cleanly"; }
kill -TERM "$router_pid"
rc=0; wait "$router_pid" || rc=$?
[ "$rc" = 0 ] || { cat "$work/router.log"; fail "router deb: exit $rc on SIGTERM (expected 0)"; }
pass "router .deb (dpkg -x): warmed up ($(grep -o '[0-9,]* messages answered' "$work/router.log")), serve answered /ready on $http_port, SIGTERM exit 0"

# --- console app image and .deb
launcher="$out/console/switchboard-console/bin/switchboard-console"
[ -x "$launcher" ] || fail "no app image launcher $launcher"
got=$("$launcher" --version)
[ "$got" = "switchboard-console $version (git $commit)" ] || fail "app image --version printed '$got'"
pass "console app image: $got"
# the JVM options the console is measured with (src/docs/console.md, "At 10,000 connections")
cfg="$out/console/switchboard-console/lib/app/switchboard-console.cfg"
for option in -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1; do
  grep -q -- "^java-options=$option$" "$cfg" || fail "console app image: $cfg has no java-options=$option"
done
pass "console app image: its launcher's JVM options have a bounded heap, the serial collector and C1 only"
console_deb=$(ls "$out"/switchboard-console_"${deb_version}"-1_amd64.deb 2>/dev/null) || fail "no console .deb"
info=$(dpkg-deb --info "$console_deb")
grep -q "^ Version: ${deb_version}-1$" <<< "$info" || fail "console deb: Version"
grep -q "^ Description: Switchboard console $version (git $commit)$" <<< "$info" || fail "console deb: Description"
contents=$(dpkg-deb --contents "$console_deb")
for path in ./opt/switchboard-console/bin/switchboard-console ./opt/switchboard-console/lib/app/switchboard-console.jar \
    ./opt/switchboard-console/lib/runtime/lib/libjava.so ./opt/switchboard-console/lib/switchboard-console.png \
    ./opt/switchboard-console/lib/switchboard-console-switchboard-console.desktop; do
  grep -q " $path$" <<< "$contents" || fail "console deb: $path missing"
done
grep -q '/lib/app/lib/javafx-graphics-.*-linux.jar$' <<< "$contents" || fail "console deb: no JavaFX graphics"
pass "console .deb: control fields, launcher, runtime, JavaFX, icon, desktop entry"
if ls "$out"/switchboard-console-*.rpm >/dev/null 2>&1; then
  rpm_file=$(ls "$out"/switchboard-console-*.rpm | head -1)
  rpm_files=$(rpm -qpl "$rpm_file")
  grep -q '^/opt/switchboard-console/bin/switchboard-console$' <<< "$rpm_files" || fail "console rpm: launcher missing"
  pass "console .rpm: $(rpm -qp "$rpm_file")"
fi
if command -v xvfb-run >/dev/null 2>&1; then
  ws_port=$(free_port); http_port=$(free_port)
  # its own process group, so that the cleanup ends xvfb-run, Xvfb and the console together
  setsid xvfb-run -a "$launcher" --port="$ws_port" --http-port="$http_port" > "$work/console.log" 2>&1 &
  groups+=("$!")
  await_ready "$http_port" 60 || { cat "$work/console.log"; fail "console window: embedded router never ready"; }
  pass "console app image under Xvfb: window up, embedded router /ready on $http_port"
else
  echo "skip console window check: no xvfb-run"
fi

# --- OCI image tarball
image="$out/switchboard-router-image.tar"
[ -f "$image" ] || fail "no $image"
mkdir "$work/image" && tar -xf "$image" -C "$work/image"
python3 - "$work/image" "$version" "$commit" <<'PY'
import hashlib, json, sys, os
root, version, commit = sys.argv[1:]
blob = lambda digest: os.path.join(root, "blobs", *digest.split(":"))
for name in os.listdir(os.path.join(root, "blobs", "sha256")):
    with open(os.path.join(root, "blobs", "sha256", name), "rb") as f:
        if hashlib.sha256(f.read()).hexdigest() != name:
            sys.exit(f"FAIL: image blob {name} does not match its digest")
index = json.load(open(os.path.join(root, "index.json")))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))["config"]
def expect(what, got, want):
    if got != want:
        sys.exit(f"FAIL: image {what} is {got!r}, expected {want!r}")
expect("entrypoint", config["Entrypoint"], ["/opt/java/bin/java", "-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=75",
       "-cp", "@/app/jib-classpath-file", "dev.switchboard.router.server.Main"])
expect("cmd", config["Cmd"], ["serve", "--host", "0.0.0.0"])
expect("user", config["User"], "10001:10001")
expect("ports", sorted(config["ExposedPorts"]), ["8765/tcp", "8766/tcp"])
expect("version label", config["Labels"]["org.opencontainers.image.version"], version)
expect("revision label", config["Labels"]["org.opencontainers.image.revision"], commit)
with open(os.path.join(root, "layers"), "w") as layers:
    layers.writelines(blob(layer["digest"]) + "\n" for layer in manifest["layers"])
PY
pass "image: blob digests; config: entrypoint, cmd, user 10001:10001, ports 8765 8766, version and revision labels"
if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null 2>&1; then
  mkdir -p "$work/rootfs"
  while read -r layer; do tar --warning=no-unknown-keyword -xzf "$layer" -C "$work/rootfs"; done < "$work/image/layers"
  mkdir -p "$work/rootfs/proc"
  if mount -t proc proc "$work/rootfs/proc" 2>/dev/null; then
    ws_port=$(free_port); http_port=$(free_port)
    got=$(chroot --userspec=10001:10001 "$work/rootfs" /opt/java/bin/java -cp @/app/jib-classpath-file \
      dev.switchboard.router.server.Main --version)
    [ "$got" = "$expected" ] || fail "image --version printed '$got'"
    (cd / && exec chroot --userspec=10001:10001 "$work/rootfs" /opt/java/bin/java -XX:+ExitOnOutOfMemoryError \
      -cp @/app/jib-classpath-file dev.switchboard.router.server.Main serve --host 127.0.0.1 \
      --port "$ws_port" --http-port "$http_port") > "$work/image.log" 2>&1 &
    image_pid=$!; pids+=("$image_pid")
    await_ready "$http_port" 30 || { cat "$work/image.log"; fail "image: serve did not answer /ready"; }
    kill -TERM "$image_pid"; rc=0; wait "$image_pid" || rc=$?
    [ "$rc" = 0 ] || { cat "$work/image.log"; fail "image: exit $rc on SIGTERM"; }
    pass "image root file system (chroot as 10001): --version, serve answered /ready, SIGTERM exit 0"
  else
    echo "skip running the image: cannot mount /proc here"
  fi
else
  echo "skip running the image: needs root and chroot"
fi

# --- alert rules
promtool=${PROMTOOL:-$(command -v promtool || true)}
if [ -n "$promtool" ]; then
  "$promtool" check rules packaging/prometheus/alerts.yml
  (cd packaging/prometheus && "$promtool" test rules alerts.test.yml)
  "$promtool" check config packaging/prometheus/prometheus.yml >/dev/null
  pass "promtool: alert rules checked and their unit tests pass"
else
  echo "skip promtool checks: no promtool (Debian package prometheus)"
fi
echo "== packages checked"
