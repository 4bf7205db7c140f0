#!/usr/bin/env bash
# Makes sure the system packages the build needs are present: cmake and the curl headers (rdkafka
# builds its bundled librdkafka with CMake), the OpenSSL headers and pkg-config (librdkafka's TLS to
# managed brokers links the system OpenSSL through openssl-sys), the PostgreSQL client tools and
# python3-venv (for the test broker), promtool (Debian `prometheus`) for the metrics checks and
# amtool (Debian `prometheus-alertmanager`) for the Alertmanager checks, and Chromium with its
# WebDriver (Debian `chromium`, `chromium-driver`) for the web page's browser tests, and redis-server for
# the chaos soak's private Redis (it kills and restarts its own) and libfaketime for its scheduler clock
# jumps. Installs them with apt-get
# when running as root on Debian/Ubuntu; otherwise says what to install and fails.
set -euo pipefail

missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v pg_isready >/dev/null 2>&1 || missing+=(postgresql-client)
if command -v dpkg >/dev/null 2>&1; then
  dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || missing+=(libcurl4-openssl-dev)
  dpkg -s libssl-dev >/dev/null 2>&1 || missing+=(libssl-dev)
fi
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 ] || missing+=(libfaketime)

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "build-deps: installing ${missing[*]}"
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
else
  echo "build-deps: please install: ${missing[*]} (e.g. sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
