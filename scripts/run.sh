#!/usr/bin/env bash
# Builds DeepField (installing missing Debian packages first) and opens it on its built-in lesson.
# Without a display it falls back to a virtual one (xvfb-run), so it also works over ssh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${DEEPFIELD_BUILD_DIR:-$here/build}"
"$here/scripts/setup.sh" "$build_dir" Release
# Training threads sleep instead of spinning while they wait, so the window stays smooth.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
if [ -x "$build_dir/app/deepfield" ]; then
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$build_dir/app/deepfield" "$@"
  fi
  exec "$build_dir/app/deepfield" "$@"
fi
# Until the studio window exists: the built-in lesson from the command line.
exec "$build_dir/app/cli/deepfield-cli" train --model mlp-colors \
  --data "$here/resources/data/sdss-colors/sdss_dr14_skyserver/Skyserver_SQL2_27_2018_6_51_39_PM.csv" \
  --features u-g,g-r,r-i,i-z --target class --epochs 30 --batch-size 64 --out "${TMPDIR:-/tmp}/deepfield-colors-run" "$@"
