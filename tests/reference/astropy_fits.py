#!/usr/bin/python3
"""Reference values for the FITS, WCS, image and stretch tests (tests/engine/tst_fits.cpp,
tst_wcs.cpp, tst_image_io.cpp, tst_stretch.cpp).

Run with Debian's python (python3-astropy 5.2, python3-numpy, python3-pil):
    /usr/bin/python3 tests/reference/astropy_fits.py
It writes
    tests/data/fits/*.fits, *.fits.fz, *.fits.gz   small synthetic files (every BITPIX, BLANK, cubes,
                                                    extensions, tile compression, gzip, TPV/SIN WCS)
    tests/data/bad/*                                broken files for the error tests
    tests/data/small_images/*                       5x7 PNG/JPEG (grey, RGB, RGBA, palette) made by PIL
    tests/data/astropy_fits.json                    what astropy / PIL read from all of them and from
                                                    the real files in resources/data
Conventions in the JSON: pixel positions are 0-based array indices [y, x] (numpy order, row 0 =
FITS row 1); WCS pixel coordinates are 1-based FITS pixel coordinates (all_pix2world origin=1).
"""
import gzip
import json
import os
import shutil

import numpy as np
from astropy.io import fits
from astropy.visualization import (AsinhStretch, HistEqStretch, LinearStretch, LogStretch,
                                   PercentileInterval, PowerStretch, SqrtStretch, ZScaleInterval,
                                   make_lupton_rgb)
from astropy.wcs import WCS
from astropy.wcs.utils import proj_plane_pixel_scales
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "tests", "data")
FITSDIR = os.path.join(DATA, "fits")
BAD = os.path.join(DATA, "bad")
SMALL = os.path.join(DATA, "small_images")
REAL = os.path.join(ROOT, "resources", "data", "fits")
GZ = os.path.join(ROOT, "resources", "data", "gz1-sdss", "images")
os.makedirs(FITSDIR, exist_ok=True)
os.makedirs(BAD, exist_ok=True)
os.makedirs(SMALL, exist_ok=True)
rng = np.random.default_rng(20240603)


def stats(values):
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    return {"count": int(v.size), "min": float(v.min()), "max": float(v.max()), "mean": float(v.mean()),
            "median": float(np.median(v)), "std": float(v.std())}


def fnv1a64(data: bytes) -> str:
    h = 0xcbf29ce484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def physical(path, hdu, plane=None):
    """What astropy reads: float64 physical values (BSCALE/BZERO applied, BLANK -> NaN)."""
    with fits.open(path) as f:
        h = f[hdu]
        d = h.data
        blank = h.header.get("BLANK") if h.header.get("BITPIX", 0) > 0 else None
        raw = None
        if blank is not None:
            # astropy's scaled data keep BLANK as NaN only when scaling; read raw to be sure.
            with fits.open(path, do_not_scale_image_data=True) as g:
                raw = np.array(g[hdu].data)
        out = np.array(d, dtype=np.float64)
        if raw is not None:
            out[raw == blank] = np.nan
        if plane is not None:
            out = out[plane]
        return out


def image_entry(name, path, hdu, shape_hint=None, **options):
    d = physical(path, hdu, options.get("plane"))
    if d.ndim == 2:
        d = d[None]
    e = {"file": name, "hdu": hdu, "shape": list(d.shape), "values": [None if not np.isfinite(x) else float(x) for x in d.ravel()],
         "blank": int((~np.isfinite(d)).sum())}
    e.update(options)
    return e


# ---------------------------------------------------------------- synthetic files
synthetic = []
H, W = 5, 7
yy, xx = np.mgrid[0:H, 0:W]


def write(name, hdus):
    path = os.path.join(FITSDIR, name)
    fits.HDUList(hdus).writeto(path, overwrite=True, checksum=False)
    return path


# BITPIX 8 with BSCALE/BZERO and BLANK
raw8 = (xx * 30 + yy * 7).astype(np.uint8)
raw8[2, 3] = 255
h = fits.PrimaryHDU(raw8)
h.header["BSCALE"] = 2.0
h.header["BZERO"] = -10.0
h.header["BLANK"] = 255
p = write("bitpix8.fits", [h])
synthetic.append(image_entry("bitpix8.fits", p, 0, pixelType="uint8"))

# BITPIX 16 with BSCALE/BZERO and BLANK
raw16 = (xx * 1000 - yy * 3000 + 17).astype(np.int16)
raw16[0, 0] = -32768
raw16[4, 6] = -32768
h = fits.PrimaryHDU(raw16)
h.header["BSCALE"] = 0.5
h.header["BZERO"] = 100.0
h.header["BLANK"] = -32768
p = write("bitpix16.fits", [h])
synthetic.append(image_entry("bitpix16.fits", p, 0, pixelType="int16"))

# unsigned 16-bit through BZERO = 32768 (astropy writes uint16 this way)
u16 = (xx * 9000 + yy * 1000 + 5).astype(np.uint16)
u16[1, 1] = 65535
p = write("uint16.fits", [fits.PrimaryHDU(u16)])
synthetic.append(image_entry("uint16.fits", p, 0, pixelType="uint16"))

# BITPIX 32 with scaling and BLANK
raw32 = (xx * 123456789 - yy * 98765 - 5).astype(np.int32)
raw32[3, 2] = -2147483648
h = fits.PrimaryHDU(raw32)
h.header["BSCALE"] = 1e-3
h.header["BZERO"] = 5.0
h.header["BLANK"] = -2147483648
p = write("bitpix32.fits", [h])
synthetic.append(image_entry("bitpix32.fits", p, 0, pixelType="int32"))

# BITPIX 64 (large values lose digits in float32, as documented) with BLANK
raw64 = (xx.astype(np.int64) * (1 << 40) + yy * 12345 - 3).astype(np.int64)
raw64[1, 5] = -1
h = fits.PrimaryHDU(raw64)
h.header["BLANK"] = -1
p = write("bitpix64.fits", [h])
synthetic.append(image_entry("bitpix64.fits", p, 0, pixelType="int64"))

# BITPIX -32 and -64 with NaN pixels
f32 = (np.sin(xx * 0.7) * 100 + yy * 0.25).astype(np.float32)
f32[0, 2] = np.nan
f32[4, 0] = np.nan
p = write("float32.fits", [fits.PrimaryHDU(f32)])
synthetic.append(image_entry("float32.fits", p, 0, pixelType="float32"))
f64 = np.cos(xx * 0.3) * 1e6 + yy * 1e-3
f64[2, 2] = np.nan
p = write("float64.fits", [fits.PrimaryHDU(f64)])
synthetic.append(image_entry("float64.fits", p, 0, pixelType="float64"))

# a cube of 3 planes: loaded as channels or one plane; rejected without a choice
cube = np.stack([xx * 1.0 + 10 * k + yy * 0.5 for k in range(3)]).astype(np.float32)
p = write("cube.fits", [fits.PrimaryHDU(cube)])
synthetic.append(image_entry("cube.fits", p, 0, pixelType="float32", mode="channels"))
synthetic.append(image_entry("cube.fits", p, 0, pixelType="float32", mode="plane", plane=2))

# multi-extension: empty primary, SCI image, CAT table, ERR image
sci = (xx * 3 + yy * 11).astype(np.int16)
err = (0.1 + xx * 0.01 + yy * 0.002).astype(np.float32)
cat = fits.BinTableHDU.from_columns([fits.Column(name="ra", format="D", array=np.array([1.0, 2.0])),
                                     fits.Column(name="dec", format="D", array=np.array([3.0, 4.0]))], name="CAT")
p = write("mef.fits", [fits.PrimaryHDU(), fits.ImageHDU(sci, name="SCI"), cat, fits.ImageHDU(err, name="ERR")])
synthetic.append(image_entry("mef.fits", p, 1, pixelType="int16"))
synthetic.append(image_entry("mef.fits", p, 3, pixelType="float32"))

# tile-compressed: lossless RICE for integers; quantised floats (astropy decodes with CFITSIO's
# own algorithm, so values must agree exactly)
big_y, big_x = np.mgrid[0:40, 0:48]
galaxy = 1000 * np.exp(-((big_x - 20.3) ** 2 + (big_y - 17.8) ** 2) / 60.0) + 50
ints = (galaxy + rng.normal(0, 5, galaxy.shape)).astype(np.int16)
floats = (galaxy + rng.normal(0, 5, galaxy.shape)).astype(np.float32)
floats[3, 4] = np.nan
p = write("compressed.fits.fz", [fits.PrimaryHDU(),
                                  fits.CompImageHDU(ints, name="RICEINT", compression_type="RICE_1"),
                                  fits.CompImageHDU(floats, name="GZFLOAT", compression_type="GZIP_2",
                                                    quantize_level=16.0)])
synthetic.append(image_entry("compressed.fits.fz", p, 1, pixelType="int16"))
synthetic.append(image_entry("compressed.fits.fz", p, 2, pixelType="float32"))

# gzipped plain FITS
plain = os.path.join(FITSDIR, "bitpix16.fits")
with open(plain, "rb") as src, open(os.path.join(FITSDIR, "bitpix16.fits.gz"), "wb") as raw_out:
    with gzip.GzipFile(fileobj=raw_out, mode="wb", mtime=0) as dst:  # mtime 0: reproducible bytes
        shutil.copyfileobj(src, dst)
synthetic.append(image_entry("bitpix16.fits.gz", plain, 0, pixelType="int16"))

# WCS variety beyond the real files: TPV (SCAMP/DECam style) and SIN (radio style)
tpv = fits.Header()
tpv["CTYPE1"], tpv["CTYPE2"] = "RA---TPV", "DEC--TPV"
tpv["CRVAL1"], tpv["CRVAL2"] = 150.1, 2.2
tpv["CRPIX1"], tpv["CRPIX2"] = 20.5, 15.5
tpv["CD1_1"], tpv["CD1_2"], tpv["CD2_1"], tpv["CD2_2"] = -7.3e-5, 1.1e-6, 0.9e-6, 7.3e-5
for k, v in {"PV1_0": 1e-4, "PV1_1": 1.0002, "PV1_2": 2e-4, "PV1_4": 3e-3, "PV1_5": -2e-3, "PV1_6": 1e-3,
             "PV1_7": 5.0, "PV1_10": 7.0,
             "PV2_0": -2e-4, "PV2_1": 0.9998, "PV2_2": -1e-4, "PV2_4": 2e-3, "PV2_5": 1e-3, "PV2_6": -3e-3,
             "PV2_7": -4.0, "PV2_10": 6.0}.items():
    tpv[k] = v
write("tpv.fits", [fits.PrimaryHDU(np.zeros((30, 40), np.float32), header=tpv)])
sin = fits.Header()
sin["CTYPE1"], sin["CTYPE2"] = "RA---SIN", "DEC--SIN"
sin["CRVAL1"], sin["CRVAL2"] = 83.6331, 22.0145
sin["CRPIX1"], sin["CRPIX2"] = 33.0, 17.0
sin["CDELT1"], sin["CDELT2"] = -0.002, 0.002
sin["CROTA2"] = 12.0
sin["CUNIT1"], sin["CUNIT2"] = "deg", "deg"
write("sin.fits", [fits.PrimaryHDU(np.zeros((32, 64), np.float32), header=sin)])

# ---------------------------------------------------------------- bad files
def bad(name, data):
    with open(os.path.join(BAD, name), "wb") as f:
        f.write(data)


bad("not_fits.fits", b"SIMPLE? no: this is a text file pretending to be FITS.\n" * 60)
bad("zero_bytes.fits", b"")
valid = fits.PrimaryHDU((xx * 100).astype(np.int16).repeat(8, 0).repeat(8, 1))
valid.writeto(os.path.join(BAD, "_tmp.fits"), overwrite=True)
blob = open(os.path.join(BAD, "_tmp.fits"), "rb").read()
os.remove(os.path.join(BAD, "_tmp.fits"))
bad("truncated_data.fits", blob[: 2880 + 2000])      # header complete, pixels cut off
bad("truncated_header.fits", blob[:1200])            # cut inside the header, no END card
broken = bytearray(blob)
i = broken.find(b"NAXIS1  =")
broken[i: i + 80] = b"NAXIS1  = 'two hundred eighty'".ljust(80)
bad("broken_header.fits", bytes(broken))
fits.PrimaryHDU().writeto(os.path.join(BAD, "empty.fits"), overwrite=True)
fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(
    [fits.Column(name="flux", format="E", array=np.array([1.0, 2.0], np.float32))], name="FLUXES")]).writeto(
    os.path.join(BAD, "table_only.fits"), overwrite=True)
jpeg_src = sorted(os.listdir(GZ))[0]
jpeg_bytes = open(os.path.join(GZ, jpeg_src), "rb").read()
bad("truncated.jpeg", jpeg_bytes[: len(jpeg_bytes) // 3])
bad("not_jpeg.jpeg", b"\xff\xd8\xff\xe0 this starts like a JPEG and then is nonsense " * 10)
bad("header_only.jpeg", jpeg_bytes[:40])
Image.fromarray(((xx * 30) % 256).astype(np.uint8)).save(os.path.join(BAD, "_tmp.png"))
png_bytes = open(os.path.join(BAD, "_tmp.png"), "rb").read()
os.remove(os.path.join(BAD, "_tmp.png"))
bad("truncated.png", png_bytes[: len(png_bytes) - 30])
bad("not_png.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
bad("text.txt", b"just text\n")

# ---------------------------------------------------------------- PNG round trip sources
grey = ((xx * 37 + yy * 11) % 256).astype(np.uint8)
rgb = np.stack([grey, 255 - grey, (grey * 3) % 256], axis=-1).astype(np.uint8)
Image.fromarray(grey, "L").save(os.path.join(SMALL, "grey_5x7.png"))
Image.fromarray(rgb, "RGB").save(os.path.join(SMALL, "rgb_5x7.png"))
Image.fromarray(np.dstack([rgb, grey]), "RGBA").save(os.path.join(SMALL, "rgba_5x7.png"))
Image.fromarray(rgb, "RGB").convert("P", palette=Image.ADAPTIVE, colors=16).save(os.path.join(SMALL, "palette_5x7.png"))
Image.fromarray(rgb, "RGB").save(os.path.join(SMALL, "rgb_5x7.jpeg"), quality=90)
Image.fromarray(grey, "L").save(os.path.join(SMALL, "grey_5x7.jpeg"), quality=90)
pngs = {}
for name in ["grey_5x7.png", "rgb_5x7.png", "rgba_5x7.png", "palette_5x7.png", "rgb_5x7.jpeg", "grey_5x7.jpeg"]:
    im = Image.open(os.path.join(SMALL, name))
    a = np.asarray(im.convert("RGB") if im.mode in ("RGBA", "P") else im)
    if a.ndim == 2:
        a = a[None]
    else:
        a = np.moveaxis(a, -1, 0)
    grey_l = np.asarray(im.convert("RGB").convert("L") if im.mode != "L" else im)
    pngs[name] = {"shape": list(a.shape), "values": a.ravel().astype(int).tolist(),
                  "grey": grey_l.ravel().astype(int).tolist()}

# ---------------------------------------------------------------- real files
real = []
positions = {"m51_kpno_B_iraf_devpix.fits": [[0, 0], [0, 511], [511, 0], [511, 511], [255, 255], [256, 300], [100, 417]],
             "m51_spitzer_irac1_sipsample.fits": [[0, 0], [0, 255], [255, 0], [255, 255], [128, 128], [37, 201], [200, 61]],
             "sa110_cfht_megaprime_g_tan.fits": [[0, 0], [0, 100], [100, 0], [100, 100], [50, 50], [12, 77], [88, 23]]}
for name, pos in positions.items():
    path = os.path.join(REAL, name)
    with fits.open(path) as f:
        hdr = f[0].header
        data = np.array(f[0].data, dtype=np.float64)
        ny, nx = data.shape
        e = {"file": name, "hdu": 0, "shape": [1, ny, nx], "blank": int((~np.isfinite(data)).sum()),
             "stats": stats(data), "pixels": [[y, x, float(data[y, x]) if np.isfinite(data[y, x]) else None] for y, x in pos],
             "cards": {k: (hdr[k] if not isinstance(hdr[k], bool) else ("T" if hdr[k] else "F"))
                       for k in ["BITPIX", "NAXIS1", "OBJECT"] if k in hdr},
             "card_count": len(hdr)}
        lo, hi = ZScaleInterval().get_limits(data[np.isfinite(data)].reshape(-1) if False else data)
        e["zscale"] = [float(lo), float(hi)]
        p1, p99 = PercentileInterval(98.0).get_limits(data)
        e["percentile98"] = [float(p1), float(p99)]
        has_wcs = "CTYPE1" in hdr
        if has_wcs:
            w = WCS(hdr)
            pts = [[1, 1], [nx, 1], [1, ny], [nx, ny], [(nx + 1) / 2, (ny + 1) / 2], [0.5, 0.5], [nx * 0.3 + 0.7, ny * 0.8 - 2.1], [17.25, ny - 5.5]]
            world = w.all_pix2world(np.array(pts, dtype=np.float64), 1)
            e["wcs"] = {"ctype": [w.wcs.ctype[0], w.wcs.ctype[1]], "sip": w.sip is not None,
                        "points": [[p[0], p[1], float(r[0]), float(r[1])] for p, r in zip(pts, world)],
                        "scale_arcsec": [float(s * 3600) for s in proj_plane_pixel_scales(w)]}
        else:
            e["wcs"] = None
        real.append(e)

wcs_synthetic = []
for name in ["tpv.fits", "sin.fits"]:
    hdr = fits.getheader(os.path.join(FITSDIR, name))
    w = WCS(hdr)
    nx, ny = hdr["NAXIS1"], hdr["NAXIS2"]
    pts = [[1, 1], [nx, 1], [1, ny], [nx, ny], [(nx + 1) / 2, (ny + 1) / 2], [3.3, 7.9]]
    world = w.all_pix2world(np.array(pts, dtype=np.float64), 1)
    wcs_synthetic.append({"file": name, "points": [[p[0], p[1], float(r[0]), float(r[1])] for p, r in zip(pts, world)],
                          "scale_arcsec": [float(s * 3600) for s in proj_plane_pixel_scales(w)]})

# ---------------------------------------------------------------- JPEGs (PIL, same libjpeg)
jpegs = []
for name in sorted(os.listdir(GZ))[:3]:
    im = Image.open(os.path.join(GZ, name))
    a = np.asarray(im)  # (H, W, 3) uint8
    samples = []
    for _ in range(300):
        y, x, c = rng.integers(0, a.shape[0]), rng.integers(0, a.shape[1]), rng.integers(0, 3)
        samples.append([int(y), int(x), int(c), int(a[y, x, c])])
    jpegs.append({"file": name, "shape": list(a.shape), "fnv1a64_hwc": fnv1a64(a.tobytes()),
                  "samples": samples, "stats": [stats(a[..., c]) for c in range(3)]})

# ---------------------------------------------------------------- stretches, zscale, Lupton
x = np.linspace(-0.1, 1.1, 25)
clipped = np.clip(x, 0, 1)
stretch = {"x": x.tolist(),
           "linear": LinearStretch()(clipped).tolist(),
           "log1000": LogStretch(a=1000)(clipped).tolist(),
           "sqrt": SqrtStretch()(clipped).tolist(),
           "power2": PowerStretch(a=2.0)(clipped).tolist(),
           "asinh0.1": AsinhStretch(a=0.1)(clipped).tolist(),
           "asinh0.02": AsinhStretch(a=0.02)(clipped).tolist()}
hd = rng.gamma(2.0, 3.0, 400)
stretch["histeq_data"] = hd.tolist()
hd_unit = (hd - hd.min()) / (hd.max() - hd.min())
stretch["histeq"] = HistEqStretch(hd_unit)(hd_unit.copy()).tolist()
stretch["histeq_note"] = "astropy's HistEqStretch built from and applied to the min/max-normalised data"

r = rng.gamma(2.0, 40.0, (6, 8)) - 10
g = rng.gamma(2.0, 30.0, (6, 8)) - 5
b = rng.gamma(2.0, 20.0, (6, 8))
# float32-representable inputs, computed in float64 by astropy (the engine takes float32 bands)
r, g, b = (a.astype(np.float32).astype(np.float64) for a in (r, g, b))
lupton = []
for minimum, stretch_, Q in [(0.0, 50.0, 8.0), (-5.0, 100.0, 3.0), (10.0, 30.0, 20.0)]:
    img = make_lupton_rgb(r, g, b, minimum=minimum, stretch=stretch_, Q=Q)
    lupton.append({"minimum": minimum, "stretch": stretch_, "Q": Q, "rgb_hwc": img.ravel().astype(int).tolist()})
lupton_ref = {"r": r.ravel().tolist(), "g": g.ravel().tolist(), "b": b.ravel().tolist(), "shape": [6, 8], "cases": lupton}

out = {"generator": "tests/reference/astropy_fits.py", "astropy": __import__("astropy").__version__,
       "numpy": np.__version__, "PIL": Image.__version__,
       "synthetic": synthetic, "real": real, "wcs_synthetic": wcs_synthetic, "small_images": pngs, "jpegs": jpegs,
       "stretch": stretch, "lupton": lupton_ref}
with open(os.path.join(DATA, "astropy_fits.json"), "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.join(DATA, "astropy_fits.json"))
