#!/usr/bin/env python3
"""Exports RadEdit (microsoft/radedit) into a memaudit model bundle, for users who have the weights.

    pip install torch diffusers transformers tokenizers      # recent versions; a GPU is not needed to export
    python3 tools/export_radedit.py --out models/radedit [--device cpu]

It cannot run in memaudit's own build (no network, no diffusers there); it is kept short so it can be read and checked.
What it writes, as memaudit's README describes under "Model bundles":
- unet.pt: RadEdit's UNet (4x64x64 latents, cross-attention dim 768), traced as (sample, timestep int64, states) -> eps;
- text_encoder.pt: BioViL-T's CXR-BERT (microsoft/BiomedVLP-BioViL-T), input_ids [B, 128] -> last hidden state
  [B, 128, 768], called without an attention mask as RadEdit's pipeline does (padding is attended);
- tokenizer.json: its fast tokenizer (BERT pre-tokenisation: ___ becomes three _ tokens), max length 128;
- vae_encoder.pt / vae_decoder.pt: stabilityai/sdxl-vae in fp32 (fp16 overflows), image in [0, 1], 1 channel repeated to 3;
- bundle.json: RadEdit's DDIM settings (linear 1e-4..0.02, trailing, epsilon, 1000 steps), guidance 7.5, VAE scaling
  0.13025, and provenance (model ids, library versions).
"""
import argparse
import datetime
import hashlib
import json
import os

import torch

RADEDIT = "microsoft/radedit"
BIOVIL = "microsoft/BiomedVLP-BioViL-T"
SDXL_VAE = "stabilityai/sdxl-vae"
TEXT_LENGTH = 128


class UNetForward(torch.nn.Module):
    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(sample, timestep, encoder_hidden_states=encoder_hidden_states, return_dict=False)[0]


class TextForward(torch.nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids):
        return self.encoder(input_ids=input_ids, output_hidden_states=True).hidden_states[-1]


class VaeEncode(torch.nn.Module):
    def __init__(self, vae, scale):
        super().__init__()
        self.vae, self.scale = vae, scale

    def forward(self, image):
        rgb = image.repeat(1, 3, 1, 1) * 2.0 - 1.0
        return self.vae.encode(rgb).latent_dist.mean * self.scale


class VaeDecode(torch.nn.Module):
    def __init__(self, vae, scale):
        super().__init__()
        self.vae, self.scale = vae, scale

    def forward(self, latent):
        rgb = self.vae.decode(latent / self.scale).sample
        return ((rgb.mean(dim=1, keepdim=True) + 1.0) / 2.0).clamp(0.0, 1.0)


def scheduler_settings(config):
    """RadEdit's own scheduler config, checked against what the paper's code used (linear 1e-4..0.02, trailing, epsilon)."""
    settings = {key: config[key] for key in ("num_train_timesteps", "beta_schedule", "beta_start", "beta_end",
                                             "timestep_spacing", "steps_offset", "prediction_type", "set_alpha_to_one")}
    expected = {"beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02, "prediction_type": "epsilon"}
    for key, value in expected.items():
        if settings[key] != value:
            print(f"warning: scheduler {key} is {settings[key]!r}, the seed paper used {value!r}")
    settings["timestep_spacing"] = "trailing"  # RadEdit's pipeline samples with trailing spacing
    return settings


def main():
    import diffusers
    import transformers
    from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
    from transformers import AutoModel, AutoTokenizer

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    device = torch.device(args.device)

    tokenizer = AutoTokenizer.from_pretrained(BIOVIL, model_max_length=TEXT_LENGTH, trust_remote_code=True)
    tokenizer.backend_tokenizer.save(os.path.join(args.out, "tokenizer.json"))
    encoder = AutoModel.from_pretrained(BIOVIL, trust_remote_code=True).eval().to(device)
    unet = UNet2DConditionModel.from_pretrained(RADEDIT, subfolder="unet").eval().to(device)
    vae = AutoencoderKL.from_pretrained(SDXL_VAE, torch_dtype=torch.float32).eval().to(device)
    scale = 0.13025

    ids = torch.tensor([tokenizer("", padding="max_length", max_length=TEXT_LENGTH, truncation=True)["input_ids"]] * 2,
                       device=device)
    with torch.no_grad():
        text = torch.jit.trace(TextForward(encoder), (ids,), strict=False)
        states = text(ids)
        sample = torch.randn(2, 4, 64, 64, device=device)
        timestep = torch.tensor([999, 999], dtype=torch.int64, device=device)
        traced_unet = torch.jit.trace(UNetForward(unet), (sample, timestep, states), strict=False)
        image = torch.rand(1, 1, 512, 512, device=device)
        encode = torch.jit.trace(VaeEncode(vae, scale), (image,), strict=False)
        decode = torch.jit.trace(VaeDecode(vae, scale), (encode(image),), strict=False)
    for name, module in [("text_encoder.pt", text), ("unet.pt", traced_unet), ("vae_encoder.pt", encode),
                         ("vae_decoder.pt", decode)]:
        module.save(os.path.join(args.out, name))

    bundle = {
        "format_version": 1, "latent_shape": [4, 64, 64], "image_shape": [1, 512, 512], "text_max_length": TEXT_LENGTH,
        "hidden_size": int(states.shape[-1]), "attention_mask": False,
        "scheduler": scheduler_settings(DDIMScheduler.from_pretrained(RADEDIT, subfolder="scheduler").config),
        "guidance_scale": 7.5, "vae_scaling_factor": scale,
        "provenance": {"made_by": "tools/export_radedit.py", "unet": RADEDIT, "text_encoder": BIOVIL, "vae": SDXL_VAE,
                       "torch": torch.__version__, "diffusers": diffusers.__version__,
                       "transformers": transformers.__version__, "created": datetime.date.today().isoformat()},
    }
    # every load checks these (memaudit's BundleIntegrity): a TorchScript file is a program
    bundle["provenance"]["files_sha256"] = {name: sha256(os.path.join(args.out, name)) for name in
                                            ["tokenizer.json", "text_encoder.pt", "unet.pt", "vae_encoder.pt", "vae_decoder.pt"]
                                            if os.path.isfile(os.path.join(args.out, name))}
    with open(os.path.join(args.out, "bundle.json"), "w") as out:
        json.dump(bundle, out, indent=2)
        out.write("\n")
    print("wrote", args.out)


def sha256(path):
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


if __name__ == "__main__":
    main()
