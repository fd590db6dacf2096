#!/usr/bin/python3
"""Reference values from PyTorch for the engine's training tests.

Writes tests/data/torch_training.safetensors (written by hand: 8-byte little-endian header
length, JSON header, raw little-endian float32 data) with
  loss/<case>/{pred,target,value,grad}    losses: value and d(mean loss)/d(pred)
  opt/<case>/{p<k>_init, g<k>_step<s>, p<k>_step<s>}   optimizers: 3 steps, 2 parameters
  schedule/<kind>                          learning rate per epoch
  mlp/{x,y,losses}, mlp/init/<param>, mlp/final/<param>   MLP 4-32-32-3, 5 Adam steps
The metadata holds the optimizer and schedule settings (JSON strings) with DeepField's
Keras-style names, so the C++ tests read the settings from the same file.

Run with Debian's python: /usr/bin/python3 tests/reference/torch_training.py
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(1234)
torch.set_default_dtype(torch.float64)  # references in double; stored as float32
tensors = {}
metadata = {"format": "deepfield-test-reference", "made_by": "tests/reference/torch_training.py"}


def put(name, t):
    tensors[name] = np.ascontiguousarray(t.detach().cpu().numpy().astype(np.float32))


# ---------------------------------------------------------------- losses
def loss_case(name, fn, pred, target):
    p = pred.clone().requires_grad_(True)
    value = fn(p, target)
    value.backward()
    put(f"loss/{name}/pred", pred)
    put(f"loss/{name}/target", target)
    put(f"loss/{name}/value", value.reshape(1))
    put(f"loss/{name}/grad", p.grad)


pred = torch.randn(6, 3) * 2
target = torch.randn(6, 3)
loss_case("mse", F.mse_loss, pred, target)
loss_case("mae", F.l1_loss, pred, target)
loss_case("huber", lambda p, t: F.huber_loss(p, t, delta=1.0), pred, target)
loss_case("huber_delta_0.5", lambda p, t: F.huber_loss(p, t, delta=0.5), pred, target)
probs = torch.rand(8, 2) * 0.9 + 0.05
labels01 = (torch.rand(8, 2) > 0.5).double()
loss_case("binary_crossentropy", F.binary_cross_entropy, probs, labels01)
soft = torch.rand(8, 2)
loss_case("binary_crossentropy_soft", F.binary_cross_entropy, probs, soft)
logits = torch.randn(8, 2) * 3
loss_case("binary_crossentropy_logits", F.binary_cross_entropy_with_logits, logits, labels01)
cls_logits = torch.randn(7, 4) * 2
cls_labels = torch.randint(0, 4, (7,))
loss_case("sparse_categorical_crossentropy",
          lambda p, t: F.cross_entropy(p, t.long()), cls_logits, cls_labels.double())
pix_logits = torch.randn(2, 3, 4, 5)
pix_labels = torch.randint(0, 3, (2, 4, 5))
loss_case("sparse_categorical_crossentropy_pixels",
          lambda p, t: F.cross_entropy(p, t.reshape(2, 4, 5).long()), pix_logits,
          pix_labels.reshape(2, 1, 4, 5).double())

# ---------------------------------------------------------------- optimizers
# Our option names -> a torch optimizer. clipnorm: torch.nn.utils.clip_grad_norm_ first.
opt_cases = {
    "sgd": ("sgd", {"learning_rate": 0.1}),
    "sgd_momentum": ("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
    "sgd_nesterov": ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    "sgd_weight_decay": ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "weight_decay": 0.05}),
    "rmsprop": ("rmsprop", {"learning_rate": 0.01, "rho": 0.9}),
    "rmsprop_momentum": ("rmsprop", {"learning_rate": 0.01, "rho": 0.9, "momentum": 0.8}),
    "adagrad": ("adagrad", {"learning_rate": 0.1}),
    "adam": ("adam", {"learning_rate": 0.01}),
    "adam_weight_decay": ("adam", {"learning_rate": 0.01, "weight_decay": 0.1}),
    "adamw": ("adamw", {"learning_rate": 0.01, "weight_decay": 0.1}),
    "sgd_clipnorm": ("sgd", {"learning_rate": 0.1, "momentum": 0.5, "clipnorm": 1.0}),
    "adam_clipnorm": ("adam", {"learning_rate": 0.01, "clipnorm": 0.5}),
}


def make_torch_opt(kind, o, params):
    lr = o["learning_rate"]
    wd = o.get("weight_decay", 0.0)
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=o.get("momentum", 0.0),
                               nesterov=o.get("nesterov", False), weight_decay=wd)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=o["rho"], eps=1e-8,
                                   momentum=o.get("momentum", 0.0), weight_decay=wd)
    if kind == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, weight_decay=wd)
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=wd)
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=wd)
    raise ValueError(kind)


p_init = [torch.randn(3, 4), torch.randn(4)]
grads = [[torch.randn(3, 4) * 0.5, torch.randn(4) * 0.5] for _ in range(3)]
big = [[g * 4 for g in step] for step in grads]  # global norm well above the clip limits
for case, (kind, o) in opt_cases.items():
    params = [p.clone().requires_grad_(True) for p in p_init]
    opt = make_torch_opt(kind, o, params)
    gs = big if "clipnorm" in o else grads
    for k, p in enumerate(p_init):
        put(f"opt/{case}/p{k}_init", p)
    for s in range(3):
        for k, p in enumerate(params):
            p.grad = gs[s][k].clone()
            put(f"opt/{case}/g{k}_step{s + 1}", gs[s][k])
        if "clipnorm" in o:
            torch.nn.utils.clip_grad_norm_(params, o["clipnorm"])
        opt.step()
        for k, p in enumerate(params):
            put(f"opt/{case}/p{k}_step{s + 1}", p)
metadata["optimizers"] = json.dumps({c: {"name": k, "options": o} for c, (k, o) in opt_cases.items()})

# ---------------------------------------------------------------- schedules
sched_cases = {
    "step": ({"kind": "step", "step_size": 3, "gamma": 0.5},
             lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5), 12),
    "exponential": ({"kind": "exponential", "gamma": 0.9},
                    lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9), 12),
    "cosine": ({"kind": "cosine", "period": 10, "min_lr": 0.001},
               lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.001), 11),
}
for name, (cfg, make, epochs) in sched_cases.items():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = make(opt)
    lrs = []
    for _ in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    put(f"schedule/{name}", torch.tensor(lrs))
metadata["schedules"] = json.dumps({"base_lr": 0.1, **{n: c[0] for n, c in sched_cases.items()}})

# ---------------------------------------------------------------- MLP training
torch.set_default_dtype(torch.float32)  # the network trains in float32 like the engine
torch.manual_seed(99)
mlp = torch.nn.Sequential(torch.nn.Linear(4, 32), torch.nn.ReLU(), torch.nn.Linear(32, 32), torch.nn.ReLU(),
                          torch.nn.Linear(32, 3))
names = {"0": "dense_1", "2": "dense_2", "4": "dense_3"}


def our_name(torch_name):
    layer, kind = torch_name.split(".")
    return names[layer] + "/" + ("kernel" if kind == "weight" else "bias")


x = torch.randn(64, 4)
y = torch.randint(0, 3, (64,))
put("mlp/x", x)
put("mlp/y", y.float().reshape(64, 1))
for n, p in mlp.named_parameters():
    put("mlp/init/" + our_name(n), p)
opt = torch.optim.Adam(mlp.parameters(), lr=1e-3)
losses = []
for _ in range(5):
    opt.zero_grad()
    loss = F.cross_entropy(mlp(x), y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
put("mlp/losses", torch.tensor(losses))
for n, p in mlp.named_parameters():
    put("mlp/final/" + our_name(n), p)

# ---------------------------------------------------------------- write safetensors
header = {"__metadata__": metadata}
blobs = []
offset = 0
for name in sorted(tensors):
    a = tensors[name]
    raw = a.astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
    blobs.append(raw)
    offset += len(raw)
head = json.dumps(header, separators=(",", ":")).encode("utf-8")
head += b" " * ((8 - len(head) % 8) % 8)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "torch_training.safetensors")
with open(out, "wb") as f:
    f.write(struct.pack("<Q", len(head)))
    f.write(head)
    for b in blobs:
        f.write(b)
print(f"wrote {len(tensors)} tensors, {offset} bytes of data to {os.path.normpath(out)}")
