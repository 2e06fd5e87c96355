"""Fidelity patches for EKS."""

from __future__ import annotations

import functools
from typing import Any

from sandbox.aws.fidelity import patch


@patch
def eks_nodegroup_update_config() -> None:
    """EKS returns updateConfig {maxUnavailable: 1} for a node group created without one."""
    from moto.eks.models import Nodegroup

    original = Nodegroup.__init__

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if not self.update_config:
            self.update_config = {"maxUnavailable": 1}

    Nodegroup.__init__ = __init__
