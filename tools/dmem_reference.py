#!/usr/bin/python3
"""Golden dmem values for memaudit's Java scorer, computed independently with PyTorch from the definition.

    /usr/bin/python3 tools/dmem_reference.py [--bundle models/tiny-init] [--out memaudit-diffusion/src/test/resources/golden]

Writes init_noise.npy ([G, C, H, W], standard normal from a fixed numpy seed) and dmem.json. The Java test feeds the same
noise (--init-noise) and must agree within 1e-4 relative. Everything here is written from the definition (Wen et al. 2024;
diffusers' DDIMScheduler with eta 0), not from the Java code: its own BERT WordPiece tokenizer, its own DDIM arithmetic.

dmem: along the classifier-free-guided DDIM trajectory, at every step t and generation g,
d = ||eps(x_t, prompt) - eps(x_t, "")||_2 over the whole latent; dmem is the mean over steps and generations, the
first-step score the mean over generations at the first step.

Token significance: at each of the first SIGNIFICANCE_STEPS steps and each generation, the gradient of d with respect to
the text encoder's output (conditional branch) by autograd, its L2 norm over the hidden dimension per position, averaged
over steps and generations.
"""
import argparse
import json
import math
import os
import unicodedata

import numpy as np
import torch

PROMPTS = [
    "No acute cardiopulmonary process.",
    "Compared to ___, small left pleural effusion. Dr. ___ was notified.",
    "Moderate cardiomegaly, similar to ___ and ___.",
    "",
]
GENERATIONS = 2
STEPS = 10
GUIDANCE = 7.5
SIGNIFICANCE_STEPS = 2


class WordPiece:
    """BERT basic tokenisation (lower-case, split on whitespace and punctuation) and greedy longest-match WordPiece."""

    def __init__(self, tokenizer_json):
        model = tokenizer_json["model"]
        self.vocab = model["vocab"]
        self.unk = model["unk_token"]

    @staticmethod
    def is_punctuation(c):
        code = ord(c)
        if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
            return True
        return unicodedata.category(c).startswith("P")

    def basic(self, text):
        words, current = [], ""
        for c in text.lower():
            if c.isspace():
                if current:
                    words.append(current)
                current = ""
            elif self.is_punctuation(c):
                if current:
                    words.append(current)
                words.append(c)
                current = ""
            else:
                current += c
        if current:
            words.append(current)
        return words

    def word_pieces(self, word):
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    pieces.append(piece)
                    break
                end -= 1
            if end == start:
                return [self.unk]
            start = end
        return pieces

    def ids(self, text, length):
        tokens = ["[CLS]"] + [p for w in self.basic(text) for p in self.word_pieces(w)]
        tokens = tokens[:length - 1] + ["[SEP]"]
        tokens += ["[PAD]"] * (length - len(tokens))
        return [self.vocab[t] for t in tokens]


def ddim(config, steps):
    train = config["num_train_timesteps"]
    start, end = config["beta_start"], config["beta_end"]
    if config["beta_schedule"] == "linear":
        betas = [start + (end - start) * i / (train - 1) for i in range(train)]
    else:
        betas = [(math.sqrt(start) + (math.sqrt(end) - math.sqrt(start)) * i / (train - 1)) ** 2 for i in range(train)]
    cumprod, product = [], 1.0
    for beta in betas:
        product *= 1.0 - beta
        cumprod.append(product)
    final = 1.0 if config["set_alpha_to_one"] else cumprod[0]
    if config["timestep_spacing"] == "trailing":
        timesteps = [int(round(train - i * train / steps)) - 1 for i in range(steps)]
    else:
        timesteps = [(steps - 1 - i) * (train // steps) + config["steps_offset"] for i in range(steps)]

    def alpha(t):
        return cumprod[t] if t >= 0 else final

    updates = []
    for t in timesteps:
        a_t, a_prev = alpha(t), alpha(t - train // steps)
        x0_from_x = 1.0 / math.sqrt(a_t)
        x0_from_eps = -math.sqrt(1.0 - a_t) / math.sqrt(a_t)
        updates.append((t, math.sqrt(a_prev), math.sqrt(1.0 - a_prev), x0_from_x, x0_from_eps))
    return updates


def token_significance(unet, cond, empty, noise, updates):
    x = torch.from_numpy(noise.copy())
    total = torch.zeros(cond.shape[1], dtype=torch.float64)
    for t, sqrt_prev, sqrt_one_minus_prev, x0_from_x, x0_from_eps in updates[:SIGNIFICANCE_STEPS]:
        timestep = torch.full((GENERATIONS,), t, dtype=torch.int64)
        with torch.no_grad():
            eps_u = unet(x, timestep, empty.expand(GENERATIONS, -1, -1))
        leaf = cond.expand(GENERATIONS, -1, -1).clone().requires_grad_(True)
        with torch.enable_grad():
            eps_c = unet(x, timestep, leaf)
            (eps_c - eps_u).flatten(1).norm(dim=1).sum().backward()
        total += leaf.grad.norm(dim=2).sum(dim=0).double()
        with torch.no_grad():
            eps = eps_u + GUIDANCE * (eps_c.detach() - eps_u)
            x0 = x0_from_x * x + x0_from_eps * eps
            x = sqrt_prev * x0 + sqrt_one_minus_prev * eps
    return (total / (GENERATIONS * SIGNIFICANCE_STEPS)).tolist()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    parser.add_argument("--bundle", default=os.path.join(root, "models", "tiny-init"))
    parser.add_argument("--out", default=os.path.join(root, "memaudit-diffusion", "src", "test", "resources", "golden"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    with open(os.path.join(args.bundle, "bundle.json")) as f:
        bundle = json.load(f)
    with open(os.path.join(args.bundle, "tokenizer.json")) as f:
        tokenizer = WordPiece(json.load(f))
    encoder = torch.jit.load(os.path.join(args.bundle, "text_encoder.pt")).eval()
    unet = torch.jit.load(os.path.join(args.bundle, "unet.pt")).eval()
    length = bundle["text_max_length"]
    shape = [GENERATIONS] + bundle["latent_shape"]
    noise = np.random.default_rng(20250207).standard_normal(shape).astype(np.float32)
    np.save(os.path.join(args.out, "init_noise.npy"), noise)
    updates = ddim(bundle["scheduler"], STEPS)

    results = []
    with torch.no_grad():
        empty = encoder(torch.tensor([tokenizer.ids("", length)], dtype=torch.int64))
        for prompt in PROMPTS:
            ids = tokenizer.ids(prompt, length)
            cond = encoder(torch.tensor([ids], dtype=torch.int64))
            x = torch.from_numpy(noise.copy())
            per_step = []
            for t, sqrt_prev, sqrt_one_minus_prev, x0_from_x, x0_from_eps in updates:
                timestep = torch.full((GENERATIONS,), t, dtype=torch.int64)
                eps_u = unet(x, timestep, empty.expand(GENERATIONS, -1, -1))
                eps_c = unet(x, timestep, cond.expand(GENERATIONS, -1, -1))
                norms = (eps_c - eps_u).flatten(1).norm(dim=1)
                per_step.append(norms.double().mean().item())
                eps = eps_u + GUIDANCE * (eps_c - eps_u)
                x0 = x0_from_x * x + x0_from_eps * eps
                x = sqrt_prev * x0 + sqrt_one_minus_prev * eps
            significance = token_significance(unet, cond, empty, noise, updates)
            results.append({"prompt": prompt, "token_ids": ids, "dmem": sum(per_step) / len(per_step),
                            "dmem_first_step": per_step[0], "per_step": per_step,
                            "token_significance": significance})
    with open(os.path.join(args.out, "dmem.json"), "w") as f:
        json.dump({"made_by": "tools/dmem_reference.py", "torch": torch.__version__, "bundle": "models/tiny-init",
                   "generations": GENERATIONS, "steps": STEPS, "guidance": GUIDANCE, "init_noise": "init_noise.npy",
                   "significance_steps": SIGNIFICANCE_STEPS,
                   "results": results}, f, indent=1)
        f.write("\n")
    for r in results:
        print(f"{r['dmem']:.6f} {r['dmem_first_step']:.6f} {r['prompt']!r}")


if __name__ == "__main__":
    main()
