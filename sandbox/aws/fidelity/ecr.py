"""Fidelity patches for ECR."""

from __future__ import annotations

from typing import Any

from sandbox.aws.fidelity import patch


@patch
def tagging_api_covers_ecr() -> None:
    """Resource Groups Tagging API GetResources lists ECR repositories, as AWS does.

    teardown.yml's sweep asks that API for anything still tagged with the project; without this patch
    a left-over repository would go unseen in the sandbox.
    """
    from moto.core.resource_tagging import TaggableResourcesMixin, TaggedResource
    from moto.ecr.models import ECRBackend

    def iter_tagged_resources(self: Any) -> Any:
        for repository in self.repositories.values():
            tags = self.tagger.get_tag_dict_for_resource(repository.arn)
            yield TaggedResource(arn=repository.arn, tags=tags, resource_type="ecr:repository")

    # Mixing in after class creation: moto's RGTA backend finds taggable backends by issubclass().
    ECRBackend.SERVICE_NAMESPACE = "ecr"
    ECRBackend.iter_tagged_resources = iter_tagged_resources
    if TaggableResourcesMixin not in ECRBackend.__bases__:
        ECRBackend.__bases__ = (*ECRBackend.__bases__, TaggableResourcesMixin)
