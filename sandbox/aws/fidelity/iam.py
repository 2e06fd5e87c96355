"""Fidelity patches for IAM."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.aws.fidelity import patch


@patch
def iam_oidc_client_ids() -> None:
    """Add/RemoveClientIDTo/FromOpenIDConnectProvider, which moto lacks (HTTP 500); AWS has both.

    Both are idempotent on AWS (adding a present id or removing an absent one is no error), raise
    NoSuchEntity for an unknown provider, and adding fails past 100 client ids.
    """
    from moto.core.responses import EmptyResult
    from moto.iam.exceptions import LimitExceededException
    from moto.iam.models import IAMBackend
    from moto.iam.responses import IamResponse

    def add_client_id(self: Any, arn: str, client_id: str) -> None:
        provider = self.get_open_id_connect_provider(arn)  # NoSuchEntity, as on AWS
        if client_id not in provider.client_id_list:
            if len(provider.client_id_list) >= 100:
                raise LimitExceededException("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
            provider.client_id_list.append(client_id)

    def remove_client_id(self: Any, arn: str, client_id: str) -> None:
        provider = self.get_open_id_connect_provider(arn)
        if client_id in provider.client_id_list:
            provider.client_id_list.remove(client_id)

    def responder(operation: str) -> Callable[[Any], Any]:
        def respond(self: Any) -> Any:
            getattr(self.backend, operation)(
                self._get_param("OpenIDConnectProviderArn"), self._get_param("ClientID")
            )
            return EmptyResult()

        return respond

    IAMBackend.add_client_id_to_open_id_connect_provider = add_client_id
    IAMBackend.remove_client_id_from_open_id_connect_provider = remove_client_id
    for operation in (
        "add_client_id_to_open_id_connect_provider",
        "remove_client_id_from_open_id_connect_provider",
    ):
        setattr(IamResponse, operation, responder(operation))
