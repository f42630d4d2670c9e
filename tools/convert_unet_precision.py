#!/usr/bin/env python3
"""Make a half-precision copy of a bundle's UNet: unet.pt -> unet.float16.pt.

memaudit runs a TorchScript UNet through DJL, which cannot change a loaded TorchScript module's number format (DJL's
Block.cast is not implemented for TorchScript modules and its JNI has no module-level to(dtype)); so the converted module
is its own file in the bundle, used with `--precision float16`. memaudit casts the sample and the text encoder's
hidden states to the module's type and its output back to float32; the text encoder stays float32.

    /usr/bin/python3 tools/convert_unet_precision.py BUNDLE_DIR float16

The module must follow its inputs' dtype inside (diffusers' UNet2DConditionModel does: it casts the time embedding to
the sample's dtype), so a RadEdit UNet exported by tools/export_radedit.py converts with a plain module.to(dtype). The
tiny test bundle (tools/make_tiny_bundle.py) computes its time embedding in float32; for it, this script rebuilds the same
UNet with that one cast added (float32 results unchanged) and loads the bundle's weights into it.
Prints the new file's sha256 for bundle.json's provenance.files_sha256. bfloat16 is refused: DJL 0.36's PyTorch JNI has
no bfloat16 type (a bfloat16 array aborts the JVM), so memaudit could not run such a file.
"""
import hashlib
import json
import os
import sys

import torch


def check(module, config, dtype):
    channels, height, width = config["latent_shape"]
    sample = torch.randn(2, channels, height, width).to(dtype)
    hidden = torch.randn(2, config["text_max_length"], config["hidden_size"]).to(dtype)
    out = module(sample, torch.tensor([999, 1]), hidden)
    if out.dtype != dtype or not torch.isfinite(out.float()).all():
        raise RuntimeError(f"output is {out.dtype}, finite: {bool(torch.isfinite(out.float()).all())}")


def tiny_unet(bundle, dtype):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import make_tiny_bundle

    class DtypeFollowingUNet(make_tiny_bundle.UNet):
        def time_embedding(self, timestep: torch.Tensor) -> torch.Tensor:
            half = self.half
            frequencies = torch.exp(-9.210340371976184 * torch.arange(half, device=timestep.device).float() / half)
            angles = timestep.float()[:, None] * frequencies[None, :]
            embedding = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
            return self.time_mlp(embedding.to(self.conv_in.weight.dtype))

    unet = DtypeFollowingUNet()
    unet.load_state_dict(torch.jit.load(f"{bundle}/unet.pt", map_location="cpu").state_dict())
    return torch.jit.script(unet.eval().to(dtype))


def main():
    if len(sys.argv) != 3 or sys.argv[2] != "float16":
        sys.exit("usage: convert_unet_precision.py BUNDLE_DIR float16  (bfloat16 cannot run through DJL 0.36)")
    bundle, precision = sys.argv[1], sys.argv[2]
    dtype = getattr(torch, precision)
    config = json.load(open(f"{bundle}/bundle.json"))
    module = torch.jit.load(f"{bundle}/unet.pt", map_location="cpu").to(dtype).eval()
    try:
        check(module, config, dtype)
    except RuntimeError as error:
        if config.get("provenance", {}).get("made_by") != "tools/make_tiny_bundle.py":
            sys.exit(f"{bundle}/unet.pt does not run in {precision} ({error}); export it so that it follows its inputs' "
                     "dtype inside (diffusers' UNet does), then convert again")
        # not run here: Debian's torch 1.13 lacks some CPU half-precision kernels; memaudit's loader probes it in libtorch 2.7.1
        module = tiny_unet(bundle, dtype)
    target = f"{bundle}/unet.{precision}.pt"
    torch.jit.save(module, target)
    with open(target, "rb") as saved:
        digest = hashlib.sha256(saved.read()).hexdigest()
    print(f"{target}: {sum(p.numel() for p in module.parameters())} parameters in {precision}; sha256 {digest}")


if __name__ == "__main__":
    main()
