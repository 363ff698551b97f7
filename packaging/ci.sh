#!/usr/bin/env bash
# CI's packaging pass (.ci/run calls it after ./mvnw -B verify built the jars): installs the tools the
# packages need where apt-get can (fakeroot for jpackage's .deb, rpm for its .rpm, xvfb for the console
# window check, promtool from Debian's prometheus package, unpacked without installing the server),
# then packaging/build.sh and packaging/check.sh. A tool that cannot be had skips its part, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
if [ ! -d "$java_home/jmods" ]; then
  echo "== packaging skipped: the JDK at $java_home has no jmods (jlink and jpackage need them; Debian: openjdk-17-jdk-headless)"
  exit 0
fi

tools=target/packaging-tools
mkdir -p "$tools"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=()
  command -v fakeroot >/dev/null 2>&1 || missing+=(fakeroot)
  command -v rpmbuild >/dev/null 2>&1 || missing+=(rpm)
  command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb xauth)
  command -v promtool >/dev/null 2>&1 || [ -x "$tools/usr/bin/promtool" ] || missing+=(promtool)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    apt-get update -qq || echo "apt-get update failed: going on with the package lists there are"
    debs=()
    for tool in "${missing[@]}"; do [ "$tool" != promtool ] && debs+=("$tool"); done
    if [ ${#debs[@]} -gt 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${debs[@]}" >/dev/null \
        || echo "apt-get install ${debs[*]} failed: the checks needing them are skipped"
    fi
    if [[ " ${missing[*]} " == *" promtool "* ]]; then
      (cd "$tools" && apt-get download -qq prometheus >/dev/null && dpkg-deb -x prometheus_*.deb . && rm -f prometheus_*.deb) \
        || echo "could not fetch Debian's prometheus package: promtool checks skipped"
    fi
  fi
fi
if ! command -v promtool >/dev/null 2>&1 && [ -x "$tools/usr/bin/promtool" ]; then
  export PROMTOOL="$PWD/$tools/usr/bin/promtool"
fi
command -v fakeroot >/dev/null 2>&1 || { echo "FAIL: jpackage needs fakeroot to build the console .deb" >&2; exit 1; }

SKIP_MAVEN=1 packaging/build.sh all
packaging/check.sh
