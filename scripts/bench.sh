#!/usr/bin/env bash
# Engine vs PyTorch on the reference workloads (bench/, ../shared/bench/README.md) in one run, then the
# UI probes. Installs what it needs (python3-torch, libopenblas0-openmp, xvfb) with apt when missing,
# builds deepfield-cli and deepfield_ui_probes, and writes bench/results.json (+ bench/ui_probes.json).
# usage: scripts/bench.sh [build-dir] [-- extra options for deepfield-cli bench, e.g. --repeats 3 --min-time 5]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib/apt.sh"
build_dir="$here/build"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then build_dir="$1"; shift; fi
[ "${1:-}" = "--" ] && shift

packages=(python3-torch libopenblas0-openmp xvfb xauth)
apt_install_missing bench "${packages[@]}"

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build_dir" --parallel "$(nproc 2>/dev/null || echo 2)" --target deepfield-cli deepfield_ui_probes

# Default OpenMP waiting (threads spin briefly, as PyTorch's do): the test suite's PASSIVE policy
# would cost the engine time on a quiet machine, and the comparison must treat both sides alike.
unset OMP_WAIT_POLICY GOMP_SPINCOUNT OMP_NUM_THREADS
echo "== engine + PyTorch (bench/torch_ref.py), same run; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
"$build_dir/app/cli/deepfield-cli" bench --torch --json "$here/bench/results.json" "$@"

echo
echo "== UI probes"
xvfb-run -a -s "-screen 0 1600x1000x24" "$build_dir/bench/deepfield_ui_probes" --json "$here/bench/ui_probes.json"
