#!/usr/bin/python3
"""Reference values for tests/engine/tst_sampling.cpp (the Sampling layer with its KL term and the
VAE reconstruction losses), computed by PyTorch autograd.

Run with Debian's python (python3-torch 1.13):
    /usr/bin/python3 tests/reference/torch_generative.py
Writes tests/data/torch_generative.safetensors. Per case "<case>/":
  sampling cases: mu, logvar, eps (N, D), dy (N, D) the upstream gradient, beta_w (1) = beta * kl_weight;
                  z = mu + exp(logvar / 2) * eps, kl (1) = mean over rows of -1/2 sum(1 + lv - mu^2 - e^lv),
                  d_mu, d_logvar = gradients of  sum(z * dy) + beta_w * kl
  recon cases:    pred, target (N, C, H, W); loss (1) = mean over images of the per-image sum of
                  squared errors (mse) or binary cross-entropies (bce); grad = d loss / d pred
"""
import json
import os
import struct

import numpy as np
import torch

from safetensors_writer import write_safetensors  # tests/reference/, shared by the reference scripts

torch.manual_seed(5)
tensors = {}
cases = []


def put(case, name, t):
    tensors[case + "/" + name] = t.detach().double().numpy().astype(np.float32)


def sampling_case(case, n, d, beta_w, scale):
    mu = (torch.randn(n, d, dtype=torch.float64) * scale).requires_grad_()
    lv = (torch.randn(n, d, dtype=torch.float64) * scale).requires_grad_()
    eps = torch.randn(n, d, dtype=torch.float64)
    dy = torch.randn(n, d, dtype=torch.float64)
    z = mu + torch.exp(0.5 * lv) * eps
    kl = (-0.5 * (1 + lv - mu ** 2 - lv.exp()).sum(1)).mean()
    loss = (z * dy).sum() + beta_w * kl
    loss.backward()
    for name, t in [("mu", mu), ("logvar", lv), ("eps", eps), ("dy", dy), ("z", z), ("d_mu", mu.grad),
                    ("d_logvar", lv.grad)]:
        put(case, name, t)
    put(case, "kl", kl.reshape(1))
    put(case, "beta_w", torch.tensor([beta_w]))
    cases.append(case)


def recon_case(case, kind, shape):
    pred = torch.rand(*shape, dtype=torch.float64) * 0.98 + 0.01
    pred.requires_grad_()
    target = torch.rand(*shape, dtype=torch.float64)
    if kind == "mse":
        per = ((pred - target) ** 2).flatten(1).sum(1)
    else:
        per = torch.nn.functional.binary_cross_entropy(pred, target, reduction="none").flatten(1).sum(1)
    loss = per.mean()
    loss.backward()
    put(case, "pred", pred)
    put(case, "target", target)
    put(case, "loss", loss.reshape(1))
    put(case, "grad", pred.grad)
    cases.append(case)


sampling_case("sampling_beta1", 4, 3, 1.0, 1.0)
sampling_case("sampling_beta4_anneal", 5, 2, 4.0 * 0.3, 0.7)
sampling_case("sampling_latent16", 3, 16, 0.5, 1.5)
recon_case("recon_mse", "mse", (3, 1, 4, 5))
recon_case("recon_bce", "bce", (2, 2, 3, 3))


out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "torch_generative.safetensors")
write_safetensors(out, tensors, {"cases": json.dumps(cases), "torch": torch.__version__})
print("wrote", os.path.normpath(out), len(cases), "cases")
