#!/usr/bin/python3
"""Creates models/tiny-init: a tiny, randomly initialised text-to-image diffusion bundle with RadEdit's interfaces.

    apt-get install -y python3-torch      # Debian's torch 1.13; only needed to (re)make this fixture
    /usr/bin/python3 tools/make_tiny_bundle.py [--out models/tiny-init] [--seed 20250207]

The bundle is what tests and the demo start from. It has the same interfaces as an exported RadEdit bundle
(tools/export_radedit.py), at toy size:
- tokenizer.json: HuggingFace WordPiece with BERT normalisation and pre-tokenisation (so ___ becomes three _ tokens, as with
  BioViL-T), [CLS] ... [SEP], padded to the bundle's text length by the loader;
- text_encoder.pt: TorchScript, input_ids int64 [B, L] -> last hidden state [B, L, D] (a small BERT-style encoder);
- unet.pt: TorchScript, (sample [B, C, H, W], timestep int64 [B], encoder_hidden_states [B, L, D]) -> eps [B, C, H, W]
  (a two-level UNet with GroupNorm, a sinusoidal time embedding and cross-attention at every level);
- vae_encoder.pt / vae_decoder.pt: an exactly invertible "VAE" (space-to-depth by 2: image [B, 1, 2H, 2W] <-> latent
  [B, 4, H, W]) so the image path is exercised;
- bundle.json: shapes, scheduler (RadEdit's: linear 1e-4..0.02, trailing), guidance, provenance.
"""
import argparse
import datetime
import hashlib
import json
import math
import os
import re

import torch
from torch import nn
import torch.nn.functional as F

LATENT_CHANNELS = 4
LATENT_SIZE = 16
TEXT_LENGTH = 48
HIDDEN = 32
HEADS = 2
LAYERS = 2
WIDTH = 32

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = """no acute cardiopulmonary intrathoracic process stable moderate mild small large severe trace bilateral
right left upper lower middle lobe lobes lung lungs pleural effusion effusions cardiomegaly pulmonary edema vascular
congestion opacity opacities consolidation pneumonia pneumothorax apical basilar bibasilar atelectasis heart size normal
mediastinal hilar contours unremarkable silhouette cardiomediastinal compared to with from since the a an of and or in is are
was were has have there no not new interval increase decrease increased decreased change changes unchanged similar
resolution resolved findings discussed dr doctor by telephone at on notified communicated prior study studies radiograph
radiographs chest view views pa ap lateral portable line lines tube tubes catheter endotracheal nasogastric central venous
jugular internal tip terminates position standard carina above below cm mm measuring measures approximately nodule mass
concerning for may reflect likely possible evaluation evaluate rule out cough fever shortness breath pain history year old
man woman patient status post placement assess fall dyspnea exertion preoperative impression indication comparison
technique examination final report seen noted""".split()


def build_vocab():
    vocab = list(SPECIAL)
    characters = list("abcdefghijklmnopqrstuvwxyz0123456789") + list("_.,;:!?()[]{}<>-/'\"#*&%+=@$")
    vocab += characters
    vocab += ["##" + c for c in "abcdefghijklmnopqrstuvwxyz0123456789"]
    for word in WORDS:
        if word not in vocab:
            vocab.append(word)
    return {token: index for index, token in enumerate(vocab)}


def tokenizer_json(vocab):
    special = [{"id": vocab[token], "content": token, "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": False, "special": True} for token in SPECIAL]
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": special,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [cls], "tokens": ["[CLS]"]},
                               "[SEP]": {"id": "[SEP]", "ids": [sep], "tokens": ["[SEP]"]}}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


class EncoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = nn.MultiheadAttention(HIDDEN, HEADS, batch_first=True)
        self.norm1 = nn.LayerNorm(HIDDEN)
        self.feed_forward = nn.Sequential(nn.Linear(HIDDEN, 4 * HIDDEN), nn.GELU(), nn.Linear(4 * HIDDEN, HIDDEN))
        self.norm2 = nn.LayerNorm(HIDDEN)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        attended, _ = self.attention(x, x, x, need_weights=False)
        x = self.norm1(x + attended)
        return self.norm2(x + self.feed_forward(x))


class TextEncoder(nn.Module):
    """BERT-style: token and position embeddings, post-norm transformer layers; no attention mask (as RadEdit feeds)."""

    def __init__(self, vocab_size):
        super().__init__()
        self.tokens = nn.Embedding(vocab_size, HIDDEN)
        self.positions = nn.Embedding(TEXT_LENGTH, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN)
        self.layers = nn.ModuleList([EncoderLayer() for _ in range(LAYERS)])

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.norm(self.tokens(input_ids) + self.positions(positions))
        for layer in self.layers:
            x = layer(x)
        return x


class ResBlock(nn.Module):
    def __init__(self, channels_in, channels_out, time_dim):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, channels_in)
        self.conv1 = nn.Conv2d(channels_in, channels_out, 3, padding=1)
        self.time = nn.Linear(time_dim, channels_out)
        self.norm2 = nn.GroupNorm(8, channels_out)
        self.conv2 = nn.Conv2d(channels_out, channels_out, 3, padding=1)
        self.skip = nn.Conv2d(channels_in, channels_out, 1) if channels_in != channels_out else nn.Identity()

    def forward(self, x: torch.Tensor, time: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time(time)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.skip(x)


class CrossAttention(nn.Module):
    """Spatial features attend to the text encoder's hidden states."""

    def __init__(self, channels):
        super().__init__()
        self.norm = nn.GroupNorm(8, channels)
        self.query = nn.Linear(channels, channels)
        self.key = nn.Linear(HIDDEN, channels)
        self.value = nn.Linear(HIDDEN, channels)
        self.out = nn.Linear(channels, channels)
        self.scale = 1.0 / math.sqrt(channels)

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        q = self.query(self.norm(x).flatten(2).transpose(1, 2))
        k = self.key(context)
        v = self.value(context)
        weights = torch.softmax(torch.bmm(q, k.transpose(1, 2)) * self.scale, dim=-1)
        attended = self.out(torch.bmm(weights, v))
        return x + attended.transpose(1, 2).reshape(b, c, h, w)


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        time_dim = 4 * WIDTH
        self.half = WIDTH // 2
        self.time_mlp = nn.Sequential(nn.Linear(WIDTH, time_dim), nn.SiLU(), nn.Linear(time_dim, time_dim))
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, WIDTH, 3, padding=1)
        self.down = ResBlock(WIDTH, WIDTH, time_dim)
        self.down_attention = CrossAttention(WIDTH)
        self.downsample = nn.Conv2d(WIDTH, 2 * WIDTH, 3, stride=2, padding=1)
        self.middle = ResBlock(2 * WIDTH, 2 * WIDTH, time_dim)
        self.middle_attention = CrossAttention(2 * WIDTH)
        self.upsample = nn.ConvTranspose2d(2 * WIDTH, WIDTH, 4, stride=2, padding=1)
        self.up = ResBlock(2 * WIDTH, WIDTH, time_dim)
        self.up_attention = CrossAttention(WIDTH)
        self.norm_out = nn.GroupNorm(8, WIDTH)
        # A 3x3 convolution straight to 4 channels would be the natural output layer, but libtorch 2.7.1's CPU backward
        # (DJL's engine) returns a wrong input gradient for 3x3 convolutions with fewer than 16 output channels, which
        # corrupts token significance and training. 16 channels then a 1x1 projection is the same family of functions.
        self.conv_out = nn.Conv2d(WIDTH, 16, 3, padding=1)
        self.project_out = nn.Conv2d(16, LATENT_CHANNELS, 1)

    def time_embedding(self, timestep: torch.Tensor) -> torch.Tensor:
        frequencies = torch.exp(-math.log(10000.0) * torch.arange(self.half, device=timestep.device).float() / self.half)
        angles = timestep.float()[:, None] * frequencies[None, :]
        return self.time_mlp(torch.cat([torch.sin(angles), torch.cos(angles)], dim=1))

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, encoder_hidden_states: torch.Tensor) -> torch.Tensor:
        time = self.time_embedding(timestep)
        h0 = self.conv_in(sample)
        h1 = self.down_attention(self.down(h0, time), encoder_hidden_states)
        h2 = self.middle_attention(self.middle(self.downsample(h1), time), encoder_hidden_states)
        h3 = self.up(torch.cat([self.upsample(h2), h1], dim=1), time)
        h3 = self.up_attention(h3, encoder_hidden_states)
        return self.project_out(self.conv_out(F.silu(self.norm_out(h3))))


class SpaceToDepthEncoder(nn.Module):
    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return F.pixel_unshuffle(image * 2.0 - 1.0, 2)


class SpaceToDepthDecoder(nn.Module):
    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return (F.pixel_shuffle(latent, 2) + 1.0) / 2.0


def sha256(path):
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "models", "tiny-init"))
    parser.add_argument("--seed", type=int, default=20250207)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    vocab = build_vocab()
    with open(os.path.join(args.out, "tokenizer.json"), "w", encoding="utf-8") as out:
        json.dump(tokenizer_json(vocab), out, indent=1)
    modules = {
        "text_encoder.pt": TextEncoder(len(vocab)),
        "unet.pt": UNet(),
        "vae_encoder.pt": SpaceToDepthEncoder(),
        "vae_decoder.pt": SpaceToDepthDecoder(),
    }
    for name, module in modules.items():
        torch.jit.script(module.eval()).save(os.path.join(args.out, name))
    parameters = {name: sum(p.numel() for p in module.parameters()) for name, module in modules.items()}
    bundle = {
        "format_version": 1,
        "latent_shape": [LATENT_CHANNELS, LATENT_SIZE, LATENT_SIZE],
        "image_shape": [1, 2 * LATENT_SIZE, 2 * LATENT_SIZE],
        "text_max_length": TEXT_LENGTH,
        "hidden_size": HIDDEN,
        "attention_mask": False,
        "scheduler": {"num_train_timesteps": 1000, "beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02,
                      "timestep_spacing": "trailing", "steps_offset": 0, "prediction_type": "epsilon",
                      "set_alpha_to_one": True},
        "guidance_scale": 7.5,
        "vae_scaling_factor": 1.0,
        "provenance": {
            "made_by": "tools/make_tiny_bundle.py",
            "seed": args.seed,
            "torch": torch.__version__,
            "created": datetime.date.today().isoformat(),
            "description": "random initialisation, not trained; RadEdit's interfaces at toy size",
            "parameters": parameters,
            "files_sha256": {name: sha256(os.path.join(args.out, name)) for name in
                             ["tokenizer.json"] + sorted(modules)},
        },
    }
    with open(os.path.join(args.out, "bundle.json"), "w", encoding="utf-8") as out:
        json.dump(bundle, out, indent=2)
        out.write("\n")
    print(json.dumps(bundle["provenance"]["parameters"]))


if __name__ == "__main__":
    main()
