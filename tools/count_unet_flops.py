#!/usr/bin/python3
"""Counts the UNet's floating-point operations per sample and records them in a bundle's bundle.json.

    /usr/bin/python3 tools/count_unet_flops.py [--bundle models/tiny-init]

FLOPs depend on the architecture only, so the eager UNet of make_tiny_bundle.py is rebuilt and measured with forward hooks
(a multiply-add counts as two operations): convolutions, transposed convolutions, linear layers, and the two batched
matrix products of each cross-attention. Normalisations and activations are left out (a few percent). `memaudit bench`
divides achieved throughput by this count.
"""
import argparse
import json
import os

import torch

import make_tiny_bundle as tiny


def count(unet, sample, timestep, states):
    total = [0]

    def conv(module, inputs, output):
        kernel = module.kernel_size[0] * module.kernel_size[1]
        if isinstance(module, torch.nn.ConvTranspose2d):
            spatial = inputs[0].shape[2] * inputs[0].shape[3]
            total[0] += 2 * module.in_channels * module.out_channels * kernel * spatial // module.groups
        else:
            spatial = output.shape[2] * output.shape[3]
            total[0] += 2 * module.in_channels * module.out_channels * kernel * spatial // module.groups

    def linear(module, inputs, output):
        rows = inputs[0].numel() // inputs[0].shape[-1]
        total[0] += 2 * rows * module.in_features * module.out_features

    def attention(module, inputs, output):
        x, context = inputs
        queries = x.shape[2] * x.shape[3]
        total[0] += 2 * 2 * queries * context.shape[1] * x.shape[1]  # q k^T and weights v

    for module in unet.modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
            module.register_forward_hook(conv)
        elif isinstance(module, torch.nn.Linear):
            module.register_forward_hook(linear)
        elif isinstance(module, tiny.CrossAttention):
            module.register_forward_hook(attention)
    with torch.no_grad():
        unet(sample, timestep, states)
    return total[0] // sample.shape[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle", default=os.path.join(os.path.dirname(__file__), "..", "models", "tiny-init"))
    args = parser.parse_args()
    path = os.path.join(args.bundle, "bundle.json")
    with open(path) as f:
        bundle = json.load(f)
    c, h, w = bundle["latent_shape"]
    flops = count(tiny.UNet().eval(), torch.zeros(1, c, h, w), torch.zeros(1, dtype=torch.int64),
                  torch.zeros(1, bundle["text_max_length"], bundle["hidden_size"]))
    bundle["unet_flops_per_sample"] = flops
    with open(path, "w") as f:
        json.dump(bundle, f, indent=2)
        f.write("\n")
    print(flops)


if __name__ == "__main__":
    main()
