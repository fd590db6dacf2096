#!/usr/bin/python3
"""Peak memory of PyTorch training unet_clumps, in a fresh process (the counterpart of
`deepfield-cli bench --memory-probe unet_clumps`). Uses torch_ref.py's model and data beside it.
Prints one JSON line: VmRSS before the first step, VmHWM (peak resident set) after the steps, growth."""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch_ref  # noqa: E402


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=20)
    a = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(a.threads)
    w = torch_ref.UNetWL()
    w.model.train()
    before = status_kb("VmRSS")
    for _ in range(a.steps):
        w.train_step()
    hwm = status_kb("VmHWM")
    print(json.dumps(dict(workload="unet_clumps", steps=a.steps, vmrss_before_kb=before, vmhwm_kb=hwm,
                          growth_kb=hwm - before)))


if __name__ == "__main__":
    main()
