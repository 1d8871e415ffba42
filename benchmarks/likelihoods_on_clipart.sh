#!/usr/bin/env bash
# The decoder likelihoods compared on colour images (issue 22.4; not part of CI, about 30 minutes on an idle
# 2-core machine, hours under load). Needs Debian's openclipart-png (22 category folders of PNGs under
# /usr/share/openclipart/png). Results: benchmarks/Vae.Benchmarks/results/likelihoods-clipart-32x32-2026-12-04.md.
#
# Usage: benchmarks/likelihoods_on_clipart.sh [OUT]   (default OUT: /tmp/vae-likelihoods)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/vae-likelihoods}
source=/usr/share/openclipart/png
[ -d "$source" ] || { echo "$source missing: apt-get install openclipart-png" >&2; exit 2; }

# The same tree as symbolic links, without the 19 PNGs above 4096x4096 pixels: ImageFolderLoader decodes each
# image at full size first, and SkiaSharp cannot allocate one of 20990x29700 ("Unable to allocate pixels").
/usr/bin/python3 - "$source" "$out/images" <<'PY'
import os, struct, sys
source, target = sys.argv[1], sys.argv[2]
kept = skipped = 0
for folder, _, files in os.walk(source):
    for name in files:
        if not name.lower().endswith(".png"):
            continue
        path = os.path.join(folder, name)
        with open(path, "rb") as f:
            header = f.read(24)
        width, height = struct.unpack(">II", header[16:24])
        if width * height > 4096 * 4096:
            skipped += 1
            continue
        link = os.path.join(target, os.path.relpath(path, source))
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if not os.path.lexists(link):
            os.symlink(path, link)
        kept += 1
print(f"{kept} images linked under {target}, {skipped} skipped (above 4096x4096)", file=sys.stderr)
PY

dotnet build benchmarks/Vae.Benchmarks -c Release
for seed in 0 1; do
  dotnet run -c Release --no-build --project benchmarks/Vae.Benchmarks -- --likelihoods --images "$out/images" --out "$out/seed$seed" \
    --size 32 --epochs 30 --hidden 32,64 --conv-dense 256 --latent 32 --batch-size 128 --seed "$seed" > "$out/seed$seed.json"
done
