#!/usr/bin/env python3
"""Reference values for memaudit's DdimScheduler, written from the definition of diffusers' DDIMScheduler (eta = 0).

Pure Python in float64, independent of the Java code. Prints the values that DdimSchedulerTest asserts:
    python3 tools/ddim_reference.py
Two configurations: RadEdit's (linear 1e-4..0.02, trailing spacing, 50 steps, set_alpha_to_one) and Stable Diffusion
v1's (scaled_linear 0.00085..0.012, leading spacing, steps_offset 1, 50 steps, set_alpha_to_one False).
"""
import json
import math


def betas(schedule, start, end, count):
    if schedule == "linear":
        return [start + (end - start) * i / (count - 1) for i in range(count)]
    if schedule == "scaled_linear":
        a, b = math.sqrt(start), math.sqrt(end)
        return [(a + (b - a) * i / (count - 1)) ** 2 for i in range(count)]
    raise ValueError(schedule)


def alphas_cumprod(schedule, start, end, count):
    product, out = 1.0, []
    for beta in betas(schedule, start, end, count):
        product *= 1.0 - beta
        out.append(product)
    return out


def timesteps(spacing, train, steps, offset):
    if spacing == "leading":
        ratio = train // steps
        return [i * ratio + offset for i in reversed(range(steps))]
    if spacing == "trailing":
        ratio = train / steps
        values, t = [], float(train)
        while t > 0:
            values.append(int(round(t)) - 1)
            t -= ratio
        return values
    raise ValueError(spacing)


def step_coefficients(cumprod, t, train, steps, final):
    """prev_sample = a * sample + b * eps for the DDIM update with eta = 0."""
    prev = t - train // steps
    a_t = cumprod[t]
    a_prev = cumprod[prev] if prev >= 0 else final
    a = math.sqrt(a_prev) / math.sqrt(a_t)
    b = math.sqrt(1.0 - a_prev) - math.sqrt(a_prev) * math.sqrt(1.0 - a_t) / math.sqrt(a_t)
    return a, b


def config(name, schedule, start, end, spacing, offset, alpha_to_one):
    cumprod = alphas_cumprod(schedule, start, end, 1000)
    final = 1.0 if alpha_to_one else cumprod[0]
    steps = timesteps(spacing, 1000, 50, offset)
    return {
        "name": name,
        "timesteps": steps,
        "alphas_cumprod": {str(i): cumprod[i] for i in (0, 1, 19, 499, 981, 999)},
        "steps": {str(t): step_coefficients(cumprod, t, 1000, 50, final) for t in (steps[0], steps[1], steps[-1])},
    }


if __name__ == "__main__":
    print(json.dumps([
        config("radedit", "linear", 1e-4, 0.02, "trailing", 0, True),
        config("stable-diffusion", "scaled_linear", 0.00085, 0.012, "leading", 1, False),
    ], indent=1))
