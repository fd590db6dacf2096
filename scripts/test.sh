#!/usr/bin/env bash
# Builds DeepField (installing missing Debian packages first) and runs every test.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${DEEPFIELD_BUILD_DIR:-$here/build}"
"$here/scripts/setup.sh" "$build_dir" Release
cd "$build_dir"
ctest --output-on-failure --parallel "$(nproc 2>/dev/null || echo 2)" "$@"
