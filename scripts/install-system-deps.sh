#!/usr/bin/env bash
# System packages the test suite needs, from Debian:
# - chromium for the browser test (Playwright's own browser download cannot work offline, so the
#   tests drive /usr/bin/chromium);
# - a C++ compiler and cmake, with which pip builds llama-cpp-python (the `llm` extra) from source.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
echo "apt: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
