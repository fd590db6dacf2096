#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/screenshots/*.png) from the running program, on a
# virtual display. Usage: scripts/screenshots.sh [name ...]   (default: all; names below)
#   studio       studio-trained.png, studio-dark.png     the built-in example after training
#   data         data_panel_*.png, image_view_m51_spitzer.png   (tests/app/tst_data_panel)
#   inspect      inspect-*.png      1,200 galaxies, 12 epochs   (tests/app/tst_inspect_panel)
#   latent       latent-*.png       a VAE on 1,600 g,r,i galaxies (tests/app/tst_latent_panel)
#   generate     generate.png (a DCGAN trained in the panel), generate-anomalies.png (a CLI VAE run)
#   i2i          image-to-image*.png  CLI U-Net (clumps) and bulge/disk runs, 64 new galaxies
#   lessons      lesson-browser.png, lesson-N.png   (deepfield --lesson N --demo)
# Needs a build (scripts/setup.sh) and xvfb-run. Takes about 10 minutes on two cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DEEPFIELD_BUILD_DIR:-$here/build}"
shots="$here/docs/screenshots"
work="$(mktemp -d "${TMPDIR:-/tmp}/deepfield-shots.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=PASSIVE
# A fresh settings folder: no window layout or theme left over from earlier sessions.
export XDG_CONFIG_HOME="$work/config" HOME="$work/home"
mkdir -p "$HOME"
xvfb() { xvfb-run -a -s "-screen 0 1900x1000x24" "$@"; }
studio() { xvfb "$build/app/deepfield" "$@"; }
cli() { "$build/app/cli/deepfield-cli" "$@" >/dev/null; }
tests() { DEEPFIELD_SCREENSHOT_DIR="$shots" QT_QPA_PLATFORM=xcb xvfb "$build/tests/app/$1" "${@:2}" >/dev/null; }

want() { [ -z "$selected" ] || [[ " $selected " == *" $1 "* ]]; }
selected="$*"

if want studio; then
  studio --lesson 0 --screenshot "$shots/studio-trained.png" --panel network --train
  DEEPFIELD_THEME=dark studio --lesson 0 --screenshot "$shots/studio-dark.png" --panel network --train
fi
if want data; then tests tst_data_panel; fi
if want inspect; then tests tst_inspect_panel; fi
if want latent; then tests tst_latent_panel mainWindowHasTheLatentDock; fi
if want generate; then
  studio --lesson 0 --screenshot "$shots/generate.png" --panel generate --train
  cli simulate --kind anomaly --count 800 --size 32 --bands r --seed 5 --anomaly-fraction 0.06 --out "$work/anomaly"
  cli train --model vae-latent --data "$work/anomaly" --epochs 25 --latent 32 --base-filters 16 --beta 0.001 \
    --kl-warmup 3 --lr 0.002 --out "$work/run-vae"  # the anomaly recipe of docs/demonstrations.md
  studio --lesson 0 --screenshot "$shots/generate-anomalies.png" --panel generate --run "$work/run-vae"
fi
if want i2i; then
  cli simulate --kind clumps --count 500 --size 32 --out "$work/clumps"  # g, r, i
  cli train --model unet-clumps --data "$work/clumps" --target mask --depth 2 --base-filters 8 --epochs 40 \
    --lr 0.003 --out "$work/run-unet"
  studio --lesson 0 --screenshot "$shots/image-to-image.png" --panel image-to-image --run "$work/run-unet"
  cli simulate --kind bulge-disk --count 500 --size 32 --bands r --out "$work/bulge-disk"
  cli train --model unet-clumps --data "$work/bulge-disk" --target bulge-disk --output-activation linear \
    --depth 2 --base-filters 8 --epochs 30 --lr 0.002 --out "$work/run-bd"
  studio --lesson 0 --screenshot "$shots/image-to-image-bulge-disk.png" --panel image-to-image --run "$work/run-bd"
fi
if want lessons; then
  studio --lesson 0 --screenshot "$shots/lesson-browser.png" --panel lessons
  for n in 1 2 3 5; do studio --lesson "$n" --demo --screenshot "$shots/lesson-$n.png"; done
fi
echo "screenshots in $shots"
