#!/usr/bin/python3
"""Reference values for tests/engine/tst_torch_layers.cpp: every layer family run in PyTorch.

Writes tests/data/torch_layers.safetensors. For each case "<case>/..." it stores the inputs
x0, x1 ..., the parameters param/<name> (and buffers, e.g. param/moving_mean), the output y,
a random upstream gradient dy, the input gradients dx0 ..., the parameter gradients
grad/<name> and, for BatchNormalization in training, the updated buffers after/<name>.
The header's __metadata__ "cases" lists {name, type, config, mode} with DeepField's Keras
names, so the C++ test builds each layer through the registry.

Run with Debian's interpreter: /usr/bin/python3 tests/reference/torch_layers.py
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

from safetensors_writer import write_safetensors  # tests/reference/, shared by the reference scripts

torch.manual_seed(1234)
torch.set_default_dtype(torch.float32)

tensors = {}
cases = []


def put(name, t):
    tensors[name] = np.ascontiguousarray(t.detach().cpu().numpy().astype(np.float32))


def run(name, type_, config, fn, inputs, params, mode="training", buffers=None):
    """fn(inputs, params) -> y. params: {keras_name: tensor}; grads recorded for each."""
    xs = [x.clone().requires_grad_(True) for x in inputs]
    ps = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    for i, x in enumerate(xs):
        put(f"{name}/x{i}", x)
    for k, v in ps.items():
        put(f"{name}/param/{k}", v)
    for k, v in (buffers or {}).items():
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


# Dense: y = x W^T + b, W (units, in) as in the engine.
run("dense", "Dense", {"units": 5}, lambda x, p: F.linear(x[0], p["kernel"], p["bias"]), [rnd(4, 7)],
    {"kernel": rnd(5, 7) * 0.4, "bias": rnd(5) * 0.1})


def same_pad(size, k, s):
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def conv_case(name, n, c, h, w, f, k, s, padding, bias=True):
    """padding: "same" (TensorFlow rule, asymmetric via F.pad), "valid" or an int."""
    def fn(x, p):
        xin = x[0]
        pad = 0
        if padding == "same":
            top, bottom = same_pad(h, k, s)
            left, right = same_pad(w, k, s)
            xin = F.pad(xin, (left, right, top, bottom))
        elif isinstance(padding, int):
            pad = padding
        return F.conv2d(xin, p["kernel"], p.get("bias"), stride=s, padding=pad)
    params = {"kernel": rnd(f, c, k, k) * (1.0 / (c * k * k) ** 0.5)}
    if bias:
        params["bias"] = rnd(f) * 0.1
    config = {"filters": f, "kernel_size": k, "strides": s, "padding": padding, "use_bias": bias}
    run(name, "Conv2D", config, fn, [rnd(n, c, h, w)], params)


conv_case("conv_3x3_s1_same", 2, 3, 8, 7, 4, 3, 1, "same")
conv_case("conv_3x3_s2_valid", 2, 2, 9, 8, 5, 3, 2, "valid")
conv_case("conv_5x5_s2_same_asym", 2, 2, 10, 12, 3, 5, 2, "same")
conv_case("conv_5x5_s2_same_odd", 2, 3, 9, 11, 2, 5, 2, "same")
conv_case("conv_3x3_s2_same_even", 3, 4, 8, 8, 6, 3, 2, "same")
conv_case("conv_1x1", 2, 6, 5, 5, 3, 1, 1, "same")
conv_case("conv_4x4_s2_pad1", 2, 3, 8, 8, 8, 4, 2, 1)
conv_case("conv_3x3_nobias", 2, 5, 6, 6, 7, 3, 1, "same", bias=False)
conv_case("conv_3x3_16ch", 2, 16, 8, 8, 32, 3, 1, "same")
conv_case("conv_3x3_1ch", 3, 1, 12, 12, 16, 3, 1, "same")

# Pooling (PyTorch's default padding 0 = Keras "valid").
run("maxpool_2", "MaxPooling2D", {"pool_size": 2}, lambda x, p: F.max_pool2d(x[0], 2), [rnd(2, 3, 8, 6)], {})
run("maxpool_3_s2", "MaxPooling2D", {"pool_size": 3, "strides": 2}, lambda x, p: F.max_pool2d(x[0], 3, 2),
    [rnd(2, 3, 9, 8)], {})
run("avgpool_2", "AveragePooling2D", {"pool_size": 2}, lambda x, p: F.avg_pool2d(x[0], 2), [rnd(2, 3, 8, 7)], {})
run("avgpool_3_s2", "AveragePooling2D", {"pool_size": 3, "strides": 2}, lambda x, p: F.avg_pool2d(x[0], 3, 2),
    [rnd(2, 2, 9, 9)], {})
run("global_avgpool", "GlobalAveragePooling2D", {}, lambda x, p: x[0].mean((2, 3)), [rnd(3, 4, 5, 6)], {})


# BatchNormalization: Keras momentum m is PyTorch momentum 1 - m; PyTorch updates the
# running variance with the unbiased batch variance, as the engine does.
def bn_case(name, shape, training, momentum=0.9, eps=1e-3):
    c = shape[1]
    rm, rv = rnd(c) * 0.5, torch.rand(c) + 0.5
    state = {}

    def fn(x, p):
        run_mean, run_var = rm.clone(), rv.clone()
        y = F.batch_norm(x[0], run_mean, run_var, p["gamma"], p["beta"], training=training,
                         momentum=1.0 - momentum, eps=eps)
        state["mean"], state["var"] = run_mean, run_var
        return y
    run(name, "BatchNormalization", {"momentum": momentum, "epsilon": eps}, fn, [rnd(*shape) * 2 + 0.5],
        {"gamma": torch.rand(c) + 0.5, "beta": rnd(c) * 0.3}, "training" if training else "inference",
        {"moving_mean": rm, "moving_variance": rv})
    put(f"{name}/after/moving_mean", state["mean"])
    put(f"{name}/after/moving_variance", state["var"])


bn_case("batchnorm2d_train", (4, 3, 5, 6), True)
bn_case("batchnorm2d_eval", (4, 3, 5, 6), False)
bn_case("batchnorm1d_train", (8, 5), True, momentum=0.99)
bn_case("batchnorm1d_eval", (8, 5), False)

# Activations, on (N, F) and (N, C, H, W).
acts = [("ReLU", {}, F.relu), ("LeakyReLU", {"alpha": 0.2}, lambda t: F.leaky_relu(t, 0.2)),
        ("ELU", {"alpha": 1.0}, F.elu), ("Sigmoid", {}, torch.sigmoid), ("Tanh", {}, torch.tanh),
        ("Softmax", {}, lambda t: F.softmax(t, dim=1))]
for type_, config, f in acts:
    run(f"{type_.lower()}_flat", type_, config, lambda x, p, f=f: f(x[0]), [rnd(4, 6) * 2], {})
    run(f"{type_.lower()}_image", type_, config, lambda x, p, f=f: f(x[0]), [rnd(2, 3, 4, 5) * 2], {})

# Merges.
run("add_2", "Add", {}, lambda x, p: x[0] + x[1], [rnd(2, 3, 4, 4), rnd(2, 3, 4, 4)], {})
run("add_3", "Add", {}, lambda x, p: x[0] + x[1] + x[2], [rnd(3, 6), rnd(3, 6), rnd(3, 6)], {})
run("concatenate_channels", "Concatenate", {"axis": 0}, lambda x, p: torch.cat(x, 1),
    [rnd(2, 2, 4, 5), rnd(2, 3, 4, 5), rnd(2, 1, 4, 5)], {})
run("concatenate_features", "Concatenate", {"axis": 0}, lambda x, p: torch.cat(x, 1), [rnd(3, 4), rnd(3, 2)], {})

# Widths that are whole SIMD vectors: the engine's direct convolution (forward, input gradient, and
# from 32x32 pixels the kernel gradient) instead of im2col products. Drawn last so the cases above
# keep their random values.
conv_case("conv_3x3_direct_32x32", 2, 6, 32, 32, 7, 3, 1, "same")
conv_case("conv_3x3_direct_narrowing", 2, 20, 5, 16, 3, 3, 1, "same")
conv_case("conv_5x5_direct_nobias", 2, 3, 6, 48, 4, 5, 1, "same", bias=False)
conv_case("conv_4x4_direct_even", 2, 2, 32, 32, 5, 4, 1, "same")

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "torch_layers.safetensors")
write_safetensors(out, tensors, {"cases": json.dumps(cases), "torch": torch.__version__})
print(f"wrote {len(cases)} cases, {len(tensors)} tensors to {os.path.normpath(out)}")
