"""Fidelity patches: make moto answer the way real AWS does where upstream modules depend on it.

Each patch fixes one behaviour that moto omits or gets wrong, so that an amazon.aws / community.aws
module (or one of ours) that is right for real AWS also works against the sandbox. The roles stay
unchanged: the sandbox is what bends. Patches live in one module per AWS service in this package
(`ec2.py`, `iam.py`, ...), each function decorated with `@patch`; every module here is imported by
`apply_all`, so a new service module needs no registration. Each patch is documented in docs/sandbox.md
and has a test in tests/sandbox/test_fidelity*.py that fails if the patch stops working (or if moto fixes
it upstream, in which case the patch can go).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

PATCHES: list[Callable[[], None]] = []


def patch(func: Callable[[], None]) -> Callable[[], None]:
    PATCHES.append(func)
    return func


def load() -> list[Callable[[], None]]:
    """Import every service module of this package, which registers its patches; returns them all."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return PATCHES


def apply_all() -> list[str]:
    """Apply every patch once; returns their names (printed at start-up, tested)."""
    patches = load()
    for fidelity_patch in patches:
        fidelity_patch()
    return [p.__name__ for p in patches]
