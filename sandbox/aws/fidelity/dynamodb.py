"""Fidelity patches for DynamoDB."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from sandbox.aws.fidelity import patch


@patch
def dynamodb_table_id() -> None:
    """DescribeTable/CreateTable return TableId (a UUID) on AWS; community.aws.dynamodb_table reads it."""
    from moto.dynamodb.models.table import Table

    original = Table.describe

    @functools.wraps(original)
    def describe(self: Any, base_key: str = "TableDescription") -> dict[str, Any]:
        result = original(self, base_key)
        if not hasattr(self, "_sandbox_table_id"):
            self._sandbox_table_id = str(uuid.uuid4())
        result[base_key].setdefault("TableId", self._sandbox_table_id)
        return result

    Table.describe = describe
