"""Write one small, distinct SVG per seed product into the frontend's static tree.

The images are generated once and committed (`python -m storefront.backend.seed.images`); they are
deterministic, so running this again changes nothing unless the catalog did.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from storefront.backend.seed.catalog import CATEGORIES, PRODUCTS, SeedCategory, SeedProduct, slugify

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "frontend" / "static" / "products"


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split()[:2]).upper()


def product_svg(category: SeedCategory, product: SeedProduct) -> str:
    digest = hashlib.sha256(product.name.encode()).digest()
    hue = (category.hue + digest[0] % 40 - 20) % 360
    accent = (hue + 180) % 360
    cx, cy, radius = 260 + digest[1] % 100, 90 + digest[2] % 80, 50 + digest[3] % 60
    rotation = digest[4] % 90
    return f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" width="400" height="300"
 role="img">
<title>{escape(product.name)}</title>
<rect width="400" height="300" fill="hsl({hue},45%,88%)"/>
<circle cx="{cx}" cy="{cy}" r="{radius}" fill="hsl({accent},40%,70%)" opacity="0.6"/>
<rect x="40" y="150" width="120" height="120" rx="18" fill="hsl({hue},50%,45%)" opacity="0.35"
 transform="rotate({rotation} 100 210)"/>
<text x="200" y="175" text-anchor="middle" font-family="Georgia,serif" font-size="96"
 fill="hsl({hue},55%,25%)">{escape(_initials(product.name))}</text>
<text x="200" y="265" text-anchor="middle" font-family="Helvetica,Arial,sans-serif" font-size="20"
 fill="hsl({hue},30%,20%)">{escape(product.name)}</text>
</svg>
"""


def write_images(output: Path = DEFAULT_OUTPUT) -> list[Path]:
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for category in CATEGORIES:
        for product in PRODUCTS[category.slug]:
            path = output / f"{slugify(product.name)}.svg"
            path.write_text(product_svg(category, product), encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    paths = write_images(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT)
    print(f"wrote {len(paths)} images to {paths[0].parent}")
