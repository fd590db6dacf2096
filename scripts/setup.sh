#!/usr/bin/env bash
# One set-up for every entry point: installs missing Debian packages, then configures and
# builds DeepField. Usage: scripts/setup.sh [build-dir] [Release|Debug]
#   scripts/setup.sh --dry-run   only checks that apt can resolve the package list (installs and builds nothing)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib/apt.sh"
build_dir="${1:-$here/build}"
build_type="${2:-Release}"

packages=(cmake ninja-build g++ pkg-config
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-svg-dev
  libqcustomplot-dev libeigen3-dev libcfitsio-dev wcslib-dev libjpeg-dev libpng-dev nlohmann-json3-dev
  xvfb xauth fonts-dejavu-core imagemagick)
if [ "${1:-}" = "--dry-run" ]; then
  apt_simulate "${packages[@]}"
  exit 0
fi

apt_install_missing "DeepField set-up" "${packages[@]}"

jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
cmake --build "$build_dir" --parallel "$jobs"
