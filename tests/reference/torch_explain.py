#!/usr/bin/python3
"""Reference values for tests/engine/tst_explain_torch.cpp: attributions computed in PyTorch.

A small CNN (Conv2D 8 → ReLU → MaxPool → Conv2D 16 → ReLU → MaxPool → Dense 32 → ReLU → Dense 3)
with seeded random weights and two 1x24x24 images. Writes tests/data/torch_explain.safetensors:
the weights under DeepField's names ("conv2d_1/kernel" ...), the images x0, x1, and per image
  saliency            gradient of the predicted class logit
  saliency_p1         gradient of the softmax probability of class 1
  ig_zero             integrated gradients, zero baseline, 50 midpoint steps, predicted class
                      probability (as ../shared/bench/torch_ref.py's IG)
  ig_blur, base_blur  logit of class 2, baseline = Gaussian blur sigma 2 (radius ceil(3 sigma),
                      edges replicated), 32 steps
  ig_sky, base_sky    predicted logit, baseline = median of the 2-pixel border, 20 steps
  guided, deconvnet   ReLU backward hooks: guided clamps the ReLU's gradient at 0, deconvnet
                      replaces it by clamp(grad_out, 0)
  gradcam             layer relu_2, predicted logit, bilinear upsampling (align_corners=False)
The header's __metadata__ holds the graph JSON (format deepfield-graph) and the predictions.

Run with Debian's interpreter: /usr/bin/python3 tests/reference/torch_explain.py
"""
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from safetensors_writer import write_safetensors  # tests/reference/, shared by the reference scripts

torch.manual_seed(606)
torch.set_default_dtype(torch.float32)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.dense1 = nn.Linear(16 * 6 * 6, 32)
        self.out = nn.Linear(32, 3)
        self.relu1, self.relu2, self.relu3 = nn.ReLU(), nn.ReLU(), nn.ReLU()

    def forward(self, x):
        x = F.max_pool2d(self.relu1(self.conv1(x)), 2)
        self.a2 = self.relu2(self.conv2(x))  # Grad-CAM layer
        x = F.max_pool2d(self.a2, 2)
        return self.out(self.relu3(self.dense1(x.flatten(1))))


net = Net()
with torch.no_grad():  # He-like scales (logits of order 1); biases so ReLUs differ
    for m, gain in [(net.conv1, 2.5), (net.conv2, 2.5), (net.dense1, 2.5), (net.out, 2.5)]:
        m.weight.mul_(gain)
        m.bias.uniform_(-0.1, 0.1)

graph = {
    "format": "deepfield-graph", "version": 1,
    "layers": [
        {"name": "input", "type": "Input", "config": {"shape": [1, 24, 24]}, "inputs": []},
        {"name": "conv2d_1", "type": "Conv2D", "config": {"filters": 8, "kernel_size": 3, "padding": "same"}, "inputs": ["input"]},
        {"name": "relu_1", "type": "ReLU", "config": {}, "inputs": ["conv2d_1"]},
        {"name": "max_pooling2d_1", "type": "MaxPooling2D", "config": {"pool_size": 2}, "inputs": ["relu_1"]},
        {"name": "conv2d_2", "type": "Conv2D", "config": {"filters": 16, "kernel_size": 3, "padding": "same"}, "inputs": ["max_pooling2d_1"]},
        {"name": "relu_2", "type": "ReLU", "config": {}, "inputs": ["conv2d_2"]},
        {"name": "max_pooling2d_2", "type": "MaxPooling2D", "config": {"pool_size": 2}, "inputs": ["relu_2"]},
        {"name": "flatten", "type": "Flatten", "config": {}, "inputs": ["max_pooling2d_2"]},
        {"name": "dense_1", "type": "Dense", "config": {"units": 32}, "inputs": ["flatten"]},
        {"name": "relu_3", "type": "ReLU", "config": {}, "inputs": ["dense_1"]},
        {"name": "output", "type": "Dense", "config": {"units": 3}, "inputs": ["relu_3"]},
    ],
    "outputs": ["output"],
}

tensors = {}


def put(name, t):
    tensors[name] = np.ascontiguousarray(t.detach().cpu().numpy().astype(np.float32))


for prefix, m in [("conv2d_1", net.conv1), ("conv2d_2", net.conv2), ("dense_1", net.dense1), ("output", net.out)]:
    put(prefix + "/kernel", m.weight)
    put(prefix + "/bias", m.bias)


def image(seed):
    g = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.arange(24.0), torch.arange(24.0), indexing="ij")
    cx, cy = 8 + 8 * torch.rand(1, generator=g), 8 + 8 * torch.rand(1, generator=g)
    blob = 3 * torch.exp(-((xx - cx) ** 2 + ((yy - cy) * 1.5) ** 2) / 20)
    return (blob + 0.3 + 0.3 * torch.randn(24, 24, generator=g)).view(1, 1, 24, 24)


def blur(x, sigma):
    r = max(1, math.ceil(3 * sigma))
    d = np.arange(-r, r + 1, dtype=np.float64)
    k = np.exp(-0.5 * d * d / sigma ** 2)
    k /= k.sum()
    a = x[0, 0].detach().numpy().astype(np.float64)
    p = np.pad(a, ((0, 0), (r, r)), mode="edge")
    h = sum(k[i] * p[:, i:i + a.shape[1]] for i in range(2 * r + 1))
    p = np.pad(h, ((r, r), (0, 0)), mode="edge")
    v = sum(k[i] * p[i:i + a.shape[0], :] for i in range(2 * r + 1))
    return torch.tensor(v, dtype=torch.float32).view_as(x)


def sky(x, width):
    a = x[0, 0].detach().numpy()
    mask = np.ones_like(a, dtype=bool)
    mask[width:-width, width:-width] = False
    return torch.full_like(x, float(np.median(a[mask])))


def score(out, cls, prob):
    return F.softmax(out, 1)[:, cls] if prob else out[:, cls]


def gradient(x, cls, prob):
    x = x.clone().requires_grad_(True)
    score(net(x), cls, prob).sum().backward()
    return x.grad


def ig(x, base, steps, cls, prob):
    alphas = (torch.arange(steps, dtype=torch.float32) + 0.5) / steps
    xs = (base + alphas.view(-1, 1, 1, 1) * (x - base)).requires_grad_(True)
    score(net(xs), cls, prob).sum().backward()
    return xs.grad.mean(0, keepdim=True) * (x - base)


def relu_hooked(x, cls, rule):
    handles = []
    for r in [net.relu1, net.relu2, net.relu3]:
        if rule == "guided":
            handles.append(r.register_full_backward_hook(lambda m, gi, go: (torch.clamp(gi[0], min=0),)))
        else:
            handles.append(r.register_full_backward_hook(lambda m, gi, go: (torch.clamp(go[0], min=0),)))
    g = gradient(x, cls, False)
    for h in handles:
        h.remove()
    return g


def gradcam(x, cls):
    out = net(x)
    net.a2.retain_grad()
    out[0, cls].backward()
    a, da = net.a2[0], net.a2.grad[0]
    alpha = da.mean(dim=(1, 2))
    cam = F.relu((alpha.view(-1, 1, 1) * a).sum(0))
    return F.interpolate(cam.view(1, 1, *cam.shape), size=x.shape[2:], mode="bilinear", align_corners=False)


predictions = []
for i, seed in enumerate([1, 2]):
    x = image(seed)
    put(f"x{i}", x[0])
    with torch.no_grad():
        logits = net(x)
    pred = int(logits.argmax(1))
    predictions.append({"logits": logits[0].tolist(), "predicted": pred})
    put(f"{i}/saliency", gradient(x, pred, False)[0])
    put(f"{i}/saliency_p1", gradient(x, 1, True)[0])
    put(f"{i}/ig_zero", ig(x, torch.zeros_like(x), 50, pred, True)[0])
    bb = blur(x, 2.0)
    put(f"{i}/base_blur", bb[0])
    put(f"{i}/ig_blur", ig(x, bb, 32, 2, False)[0])
    bs = sky(x, 2)
    put(f"{i}/base_sky", bs[0])
    put(f"{i}/ig_sky", ig(x, bs, 20, pred, False)[0])
    put(f"{i}/guided", relu_hooked(x, pred, "guided")[0])
    put(f"{i}/deconvnet", relu_hooked(x, pred, "deconvnet")[0])
    put(f"{i}/gradcam", gradcam(x, pred)[0])


out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "torch_explain.safetensors")
write_safetensors(out, tensors, {"graph": json.dumps(graph), "predictions": json.dumps(predictions),
                                 "torch": torch.__version__})
print(f"wrote {len(tensors)} tensors to {os.path.normpath(out)}; predictions {predictions}")
