"""Fidelity patches for CloudFront: origin access control, ETags and the rules of deletion.

moto 5.2.5 accepts an origin's OriginAccessControlId and S3OriginConfig and drops both (so a module that
compares what it asked for with what it reads back reports a change on every run), keeps one ETag for
the life of a distribution and ignores If-Match, deletes an enabled distribution, and deletes an origin
access control that a distribution still uses. AWS answers each of those differently; so does the
sandbox after these patches.
"""

from __future__ import annotations

from typing import Any

from sandbox.aws.fidelity import patch


@patch
def cloudfront_origin_access_control() -> None:
    """Origins keep OriginAccessControlId and S3OriginConfig; an OAC in use cannot be deleted."""
    from moto.cloudfront.exceptions import CloudFrontException, NoSuchOriginAccessControl
    from moto.cloudfront.models import CloudFrontBackend, Origin

    init = Origin.__init__

    def origin_init(self: Any, origin: dict[str, Any]) -> None:
        init(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""
        if "S3OriginConfig" in origin:
            self.s3_origin_config = {
                "OriginAccessIdentity": origin["S3OriginConfig"].get("OriginAccessIdentity") or ""
            }

    def delete_origin_access_control(self: Any, control_id: str, *args: Any, **kwargs: Any) -> None:
        if control_id not in self.origin_access_controls:
            raise NoSuchOriginAccessControl
        for dist in self.distributions.values():
            if any(
                getattr(o, "origin_access_control_id", "") == control_id
                for o in dist.distribution_config.Origins["Items"]
            ):
                raise CloudFrontException(
                    "OriginAccessControlInUse",
                    "Cannot delete, this origin access control is in use by one or more distributions.",
                )
        del self.origin_access_controls[control_id]

    Origin.__init__ = origin_init
    CloudFrontBackend.delete_origin_access_control = delete_origin_access_control


@patch
def cloudfront_etag_and_deletion() -> None:
    """Every update gets a new ETag and If-Match must name the current one; only a disabled, deployed
    distribution can be deleted (DistributionNotDisabled otherwise), as on AWS."""
    from moto.cloudfront.exceptions import CloudFrontException, NoSuchDistribution
    from moto.cloudfront.models import CloudFrontBackend, random_id

    update = CloudFrontBackend.update_distribution

    def precondition(dist: Any, if_match: Any) -> None:
        if if_match != dist.etag:
            raise CloudFrontException(
                "PreconditionFailed", "The If-Match version is missing or not valid for the resource."
            )

    def update_distribution(self: Any, dist_config: dict[str, Any], _id: str, if_match: Any) -> Any:
        dist = self.distributions.get(_id)
        if dist is None:
            raise NoSuchDistribution
        precondition(dist, if_match)
        # The caller reference cannot change; the id of an existing distribution stays.
        dist_config["CallerReference"] = dist.distribution_config.caller_reference
        dist, location, _ = update(self, dist_config, _id, if_match)
        dist.etag = random_id()
        dist.status = "InProgress"
        dist._tick = 0  # deployed by the next read, like a create
        return dist, location, dist.etag

    def delete_distribution(self: Any, distribution_id: str, if_match: Any) -> None:
        dist = self.distributions.get(distribution_id)
        if dist is None:
            raise NoSuchDistribution
        precondition(dist, if_match)
        if dist.distribution_config.Enabled or dist.status != "Deployed":
            raise CloudFrontException(
                "DistributionNotDisabled",
                "The distribution you are trying to delete has not been disabled.",
            )
        del self.distributions[distribution_id]
        self.tagger.delete_all_tags_for_resource(dist.arn)

    CloudFrontBackend.update_distribution = update_distribution
    CloudFrontBackend.delete_distribution = delete_distribution
