#!/usr/bin/python3
"""Reference values for the decoder layers and the Dice loss (issue #5), run in PyTorch.

Writes tests/data/torch_decoder_layers.safetensors in the format of torch_layers.py: for each case
"<case>/..." the inputs x0, parameters param/<name>, output y, a random upstream gradient dy,
input gradients dx0 and parameter gradients grad/<name>; __metadata__ "cases" lists
{name, type, config, mode} with DeepField's Keras names. Loss cases have type "loss:<name>",
inputs x0 = prediction and x1 = target, y = the loss (shape [1]) and dx0 = dL/dpred (no dy).

Conv2DTranspose kernels are (in_channels, filters, kh, kw) as in PyTorch. Keras "same" for a
transposed convolution gives out = in·stride: PyTorch's full output (padding 0) cropped by
max(k − s, 0) pixels, the smaller half at the top/left.

Run with Debian's interpreter: /usr/bin/python3 tests/reference/torch_decoder_layers.py
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

from safetensors_writer import write_safetensors  # tests/reference/, shared by the reference scripts

torch.manual_seed(2024)
torch.set_default_dtype(torch.float32)

tensors = {}
cases = []


def put(name, t):
    tensors[name] = np.ascontiguousarray(t.detach().cpu().numpy().astype(np.float32))


def run(name, type_, config, fn, inputs, params, mode="training"):
    xs = [x.clone().requires_grad_(True) for x in inputs]
    ps = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    for i, x in enumerate(xs):
        put(f"{name}/x{i}", x)
    for k, v in ps.items():
        put(f"{name}/param/{k}", v)
    y = fn(xs, ps)
    dy = torch.randn_like(y)
    y.backward(dy)
    put(f"{name}/y", y)
    put(f"{name}/dy", dy)
    for i, x in enumerate(xs):
        put(f"{name}/dx{i}", x.grad)
    for k, v in ps.items():
        put(f"{name}/grad/{k}", v.grad)
    cases.append({"name": name, "type": type_, "config": config, "mode": mode})


def rnd(*shape):
    return torch.randn(*shape)


def convt_case(name, n, c, h, w, f, k, s, padding, output_padding=0, bias=True):
    """padding: an int (PyTorch), "valid" (padding 0) or "same" (Keras: out = in·s)."""
    def fn(x, p):
        if padding == "same":
            y = F.conv_transpose2d(x[0], p["kernel"], p.get("bias"), stride=s)
            total = max(k - s, 0)
            top = total // 2
            return y[:, :, top:top + h * s, top:top + w * s]
        pad = 0 if padding == "valid" else padding
        return F.conv_transpose2d(x[0], p["kernel"], p.get("bias"), stride=s, padding=pad,
                                  output_padding=output_padding)
    params = {"kernel": rnd(c, f, k, k) * (1.0 / (f * k * k) ** 0.5)}
    if bias:
        params["bias"] = rnd(f) * 0.1
    config = {"filters": f, "kernel_size": k, "strides": s, "padding": padding,
              "output_padding": output_padding, "use_bias": bias}
    run(name, "Conv2DTranspose", config, fn, [rnd(n, c, h, w)], params)


convt_case("convt_2x2_s2_same", 2, 3, 4, 5, 4, 2, 2, "same")           # the U-Net upsampler
convt_case("convt_3x3_s2_same", 2, 2, 4, 4, 3, 3, 2, "same")           # odd crop: 1 pixel, bottom/right
convt_case("convt_4x4_s2_same", 2, 2, 3, 5, 3, 4, 2, "same")
convt_case("convt_3x3_s1_same", 2, 3, 5, 4, 2, 3, 1, "same")
convt_case("convt_3x3_s2_valid", 2, 2, 4, 3, 3, 3, 2, "valid")
convt_case("convt_3x3_s2_pad1_outpad1", 2, 4, 4, 4, 3, 3, 2, 1, 1)    # the VAE decoder
convt_case("convt_4x4_s2_pad1", 2, 3, 4, 4, 5, 4, 2, 1)               # the GAN generator
convt_case("convt_5x5_s3_pad2_outpad2", 2, 2, 3, 4, 2, 5, 3, 2, 2)
convt_case("convt_3x3_s1_pad1", 2, 3, 5, 5, 4, 3, 1, 1)
convt_case("convt_1x1", 2, 5, 3, 4, 3, 1, 1, 0)
convt_case("convt_2x2_s2_nobias", 3, 4, 3, 3, 2, 2, 2, 0, 0, bias=False)
convt_case("convt_3x3_s2_32ch", 2, 32, 6, 6, 16, 3, 2, 1, 1)

# UpSampling2D: nearest and bilinear (align_corners=False, as Keras / PyTorch's default).
for (sh, sw), shape in [((2, 2), (2, 3, 4, 5)), ((3, 2), (2, 2, 3, 4)), ((1, 3), (1, 2, 5, 2))]:
    for how in ("nearest", "bilinear"):
        run(f"upsampling_{how}_{sh}x{sw}", "UpSampling2D", {"size": [sh, sw], "interpolation": how},
            lambda x, p, sh=sh, sw=sw, how=how: F.interpolate(
                x[0], scale_factor=(sh, sw), mode=how, **({"align_corners": False} if how == "bilinear" else {})),
            [rnd(*shape)], {})
run("upsampling_bilinear_1px", "UpSampling2D", {"size": 4, "interpolation": "bilinear"},
    lambda x, p: F.interpolate(x[0], scale_factor=4, mode="bilinear", align_corners=False), [rnd(2, 2, 1, 2)], {})

# ZeroPadding2D / Cropping2D: F.pad takes (left, right, top, bottom).
run("zeropadding_1", "ZeroPadding2D", {"padding": 1}, lambda x, p: F.pad(x[0], (1, 1, 1, 1)), [rnd(2, 3, 4, 5)], {})
run("zeropadding_asym", "ZeroPadding2D", {"padding": [[1, 2], [0, 3]]}, lambda x, p: F.pad(x[0], (0, 3, 1, 2)),
    [rnd(2, 2, 3, 4)], {})
run("cropping_sym", "Cropping2D", {"cropping": [1, 2]}, lambda x, p: x[0][:, :, 1:-1, 2:-2], [rnd(2, 3, 6, 7)], {})
run("cropping_asym", "Cropping2D", {"cropping": [[0, 2], [3, 1]]}, lambda x, p: x[0][:, :, 0:-2, 3:-1],
    [rnd(2, 2, 6, 7)], {})


# Soft Dice loss: 1 − mean_n (2 Σ p t + s) / (Σ p + Σ t + s), per sample.
def dice(p, t, s=1.0):
    dims = tuple(range(1, p.dim()))
    return 1 - ((2 * (p * t).sum(dims) + s) / (p.sum(dims) + t.sum(dims) + s)).mean()


def loss_case(name, loss, fn, shape, empty_mask=False):
    p = torch.sigmoid(rnd(*shape) * 2).requires_grad_(True)
    t = (torch.rand(*shape) > 0.7).float()
    if empty_mask:
        t[0] = 0
    y = fn(p, t)
    y.backward()
    put(f"{name}/x0", p)
    put(f"{name}/x1", t)
    put(f"{name}/y", y.reshape(1))
    put(f"{name}/dx0", p.grad)
    cases.append({"name": name, "type": "loss:" + loss, "config": {}, "mode": "training"})


loss_case("dice_masks", "dice", dice, (4, 1, 8, 8))
loss_case("dice_two_channels", "dice", dice, (3, 2, 5, 6))
loss_case("dice_empty_mask", "dice", dice, (3, 1, 6, 6), empty_mask=True)
loss_case("bce_per_pixel", "binary_crossentropy", F.binary_cross_entropy, (3, 1, 6, 6))
loss_case("mse_per_pixel", "mse", F.mse_loss, (3, 2, 5, 5))


out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "torch_decoder_layers.safetensors")
write_safetensors(out, tensors, {"cases": json.dumps(cases), "torch": torch.__version__})
print(f"wrote {len(cases)} cases, {len(tensors)} tensors to {os.path.normpath(out)}")
