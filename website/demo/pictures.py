"""Pictures for the demo: quiet landscapes in flat colours, drawn rather than shipped as files."""

import io
import math
import random

from PIL import Image, ImageDraw


def landscape(size, palette, *, seed):
    """A landscape (sky, sun, ridges, a winding river) in the colours of ``palette``, as JPEG bytes.

    The same ``seed`` draws the same picture, so a second load writes the same files.
    """
    width, height = size
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top, bottom = palette["sky"]
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=_mix(top, bottom, y / (height - 1)))
    radius = width * 0.11
    sun_x, sun_y = width * rng.uniform(0.25, 0.75), height * rng.uniform(0.18, 0.3)
    draw.ellipse([sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius], fill=palette["sun"])
    for layer, colour in enumerate(palette["hills"]):
        base = height * (0.48 + 0.1 * layer)
        waves = [(rng.uniform(1, 3), rng.uniform(0, math.tau), rng.uniform(0.03, 0.07)) for _ in range(3)]
        ridge = [
            (
                x,
                base
                - sum(amp * height * (1 + math.sin(freq * math.tau * x / width + phase)) for freq, phase, amp in waves),
            )
            for x in range(0, width + 8, 8)
        ]
        draw.polygon([(0, height), *ridge, (width, height)], fill=colour)
    horizon, left, right = height * 0.68, [], []
    for y in range(int(horizon), height + 8, 8):
        t = (y - horizon) / (height - horizon)
        centre = width * (0.5 + 0.18 * math.sin(t * 5 + seed))
        half = width * (0.01 + 0.2 * t * t)
        left.append((centre - half, y))
        right.append((centre + half, y))
    draw.polygon(left + right[::-1], fill=palette["water"])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=86, optimize=True)
    return buffer.getvalue()


def _mix(start, end, t):
    return tuple(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
