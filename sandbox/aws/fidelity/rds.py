"""Fidelity patches for RDS."""

from __future__ import annotations

from typing import Any

from sandbox.aws.fidelity import patch


@patch
def rds_gp3_storage_throughput() -> None:
    """RDS reports the gp3 baseline (125 MiB/s, 3000 IOPS) when none was asked for."""
    from moto.rds.models import DBInstance

    prop = DBInstance.storage_throughput

    def setter(self: Any, value: int | None) -> None:
        if self.storage_type == "gp3" and not value:
            value = 125
        prop.fset(self, value)

    DBInstance.storage_throughput = prop.setter(setter)
