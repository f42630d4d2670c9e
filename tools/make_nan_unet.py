"""Writes memaudit-diffusion/src/test/resources/fixtures/nan-unet.pt: a TorchScript "UNet" with tiny-init's interface that
returns NaN for every input, so that a test can prove a bundle whose probe computes NaN is refused.

Run with Debian's torch: /usr/bin/python3 tools/make_nan_unet.py
"""
import os

import torch
from torch import nn


class NanUNet(nn.Module):
    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, encoder_hidden_states: torch.Tensor) -> torch.Tensor:
        return sample * float("nan")


if __name__ == "__main__":
    out = os.path.join(os.path.dirname(__file__), "..", "memaudit-diffusion", "src", "test", "resources", "fixtures", "nan-unet.pt")
    torch.jit.script(NanUNet().eval()).save(out)
    print("wrote", out)
