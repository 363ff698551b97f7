#!/usr/bin/env bash
# Builds Switchboard's packages into target/packaging/:
#   console  the console's app image (jpackage, own jlink runtime), its .deb, and its .rpm where rpmbuild exists
#   router   the router's .deb: shaded jar, /usr/bin launcher, systemd unit, /etc/switchboard config
#   image    the router's OCI image tarball (Jib, jib:buildTar: no Docker daemon), on a jlink runtime
#   all      all three (the default)
# Usage: packaging/build.sh [console|router|image|all]...
# Builds the jars first (./mvnw -B -q -DskipTests package) unless SKIP_MAVEN=1 says they are built.
# Needs a JDK 17+ with jmods (Debian: openjdk-17-jdk-headless), dpkg-deb and fakeroot for the .debs.
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/packaging
router_jar=embedded-router/target/switchboard-router.jar
console_jar=app/target/switchboard-console.jar
# From jdeps --print-module-deps on each jar and its libraries, plus jdk.crypto.ec (TLS to Redis and
# agent backends) and jdk.localedata-free defaults. Re-derive them when a dependency changes.
router_modules=java.base,java.management,java.naming,java.net.http,java.sql,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.unsupported,jdk.naming.dns
console_modules=java.base,java.desktop,java.naming,java.net.http,java.sql,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.management,jdk.unsupported,jdk.naming.dns

log() { echo "== $* (${SECONDS}s)"; }

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(all)
for t in "${targets[@]}"; do
  case "$t" in console|router|image|all) ;; *) echo "usage: $0 [console|router|image|all]..." >&2; exit 2 ;; esac
done
wants() { local t; for t in "${targets[@]}"; do [ "$t" = "$1" ] || [ "$t" = all ] && return 0; done; return 1; }

if [ "${SKIP_MAVEN:-0}" != 1 ]; then
  log "building the jars"
  ./mvnw -B -q -DskipTests package
fi
[ -f "$router_jar" ] && [ -f "$console_jar" ] || { echo "jars missing: run ./mvnw -B package first" >&2; exit 1; }

# "switchboard-router 0.1.0-SNAPSHOT (git b171ba0e6425)" -> version and commit, from the jar itself.
version_line=$(java -jar "$router_jar" --version)
version=$(echo "$version_line" | sed -E 's/^[^ ]+ ([^ ]+) .*/\1/')
commit=$(echo "$version_line" | sed -E 's/.*\(git ([^)]+)\).*/\1/')
deb_version=${version//-/\~}          # 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT: sorts before the 0.1.0 release
app_version=${version%%-*}            # jpackage wants digits and dots: 0.1.0
log "version $version, git $commit"
mkdir -p "$out"

build_console() {
  local input="$out/console-input" image_dir="$out/console"
  rm -rf "$input" "$image_dir"
  mkdir -p "$input/lib" "$image_dir"
  cp "$console_jar" "$input/"
  cp app/target/lib/*.jar "$input/lib/"
  log "console: app image (jpackage, jlink runtime)"
  jpackage --type app-image --dest "$image_dir" --input "$input" \
    --name switchboard-console --app-version "$app_version" --vendor Switchboard \
    --description "Switchboard console $version (git $commit)" \
    --icon packaging/console/switchboard-console.png \
    --main-jar switchboard-console.jar --main-class dev.switchboard.console.Main \
    --add-modules "$console_modules" \
    --jlink-options "--strip-debug --no-man-pages --no-header-files --strip-native-commands" \
    --java-options "-Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dswitchboard.package=jpackage"
  local kinds=(deb)
  if command -v rpmbuild >/dev/null 2>&1; then kinds+=(rpm); else log "console: no rpmbuild on PATH: .rpm skipped"; fi
  for kind in "${kinds[@]}"; do
    log "console: .$kind"
    jpackage --type "$kind" --dest "$out" --app-image "$image_dir/switchboard-console" \
      --name switchboard-console --app-version "$deb_version" --vendor Switchboard \
      --description "Switchboard console $version (git $commit)" \
      --linux-package-name switchboard-console --linux-app-release 1 \
      --linux-shortcut --linux-menu-group Development --linux-app-category devel \
      --linux-deb-maintainer "switchboard@localhost" \
      --icon packaging/console/switchboard-console.png
  done
}

build_router() {
  local root="$out/router-root"
  rm -rf "$root"
  mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/switchboard-router" \
    "$root/usr/share/doc/switchboard-router" "$root/lib/systemd/system" "$root/etc/switchboard"
  install -m 0644 "$router_jar" "$root/usr/share/switchboard-router/switchboard-router.jar"
  install -m 0755 packaging/router/switchboard-router "$root/usr/bin/switchboard-router"
  install -m 0644 packaging/router/switchboard-router.service "$root/lib/systemd/system/"
  install -m 0644 packaging/router/router.yaml "$root/etc/switchboard/router.yaml"
  install -m 0600 packaging/router/router.env "$root/etc/switchboard/router.env"
  install -m 0644 src/docs/router.example.yaml packaging/README.md "$root/usr/share/doc/switchboard-router/"
  echo "$version_line" > "$root/usr/share/doc/switchboard-router/VERSION"
  install -m 0755 packaging/router/debian/postinst packaging/router/debian/prerm packaging/router/debian/postrm "$root/DEBIAN/"
  install -m 0644 packaging/router/debian/conffiles "$root/DEBIAN/"
  local size
  size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
  sed -e "s/@DEB_VERSION@/$deb_version/" -e "s/@VERSION@/$version/" -e "s/@COMMIT@/$commit/" \
    -e "s/@INSTALLED_SIZE@/$size/" packaging/router/debian/control.in > "$root/DEBIAN/control"
  log "router: .deb"
  # gzip: the jar is compressed already; xz took 10 s here to save 1 %
  dpkg-deb --root-owner-group -Zgzip --build "$root" "$out/switchboard-router_${deb_version}_all.deb" >/dev/null
}

build_image() {
  local root="$out/image-root"
  rm -rf "$root"
  log "image: jlink runtime and the libraries it links against"
  jlink --add-modules "$router_modules" --strip-debug --no-man-pages --no-header-files \
    --output "$root/opt/java"
  # Debian's runtime links the system's libz, libstdc++ and glibc: copy each under its own path.
  local lib
  for lib in $( { find "$root/opt/java" -name '*.so' -print0 | xargs -0 ldd; ldd "$root/opt/java/bin/java"; } 2>/dev/null \
      | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u); do
    case "$lib" in "$root"/*) continue ;; esac
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  # The cacerts of Debian's JDK is a link into /etc/ssl: ship the real file.
  rm -f "$root/opt/java/lib/security/cacerts"
  cp -L /usr/lib/jvm/java-17-openjdk-amd64/lib/security/cacerts "$root/opt/java/lib/security/cacerts" 2>/dev/null \
    || cp -L "$(dirname "$(readlink -f "$(command -v java)")")/../lib/security/cacerts" "$root/opt/java/lib/security/cacerts"
  mkdir -p "$root/etc" "$root/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nswitchboard:x:10001:10001:Switchboard router:/nonexistent:/sbin/nologin\n' > "$root/etc/passwd"
  printf 'root:x:0:\nswitchboard:x:10001:\n' > "$root/etc/group"
  log "image: jib:buildTar"
  ./mvnw -B -q -pl embedded-router jib:buildTar -Dimage.root="$PWD/$root" -Dimage.commit="$commit"
  cp embedded-router/target/jib-image.tar "$out/switchboard-router-image.tar"
}

wants console && build_console
wants router && build_router
wants image && build_image
log "built:"
ls -l "$out" | grep -E '\.(deb|rpm|tar)$' || true
