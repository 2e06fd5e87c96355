#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: tagged_resources_info
version_added: 0.1.0
short_description: Find every AWS resource of a project, by its tags and by the names the project derives
description:
  - Lists the resources in one region that carry all the given O(tags), through the Resource Groups
    Tagging API, plus the IAM roles, customer managed policies and OpenID Connect providers that carry
    them (IAM is global and not covered by that API).
  - Also lists, per type named in O(names), every resource whose name the project derives, B(tagged or
    not), so that a resource left between its creation and its tagging (or made by hand under our name) is
    found. A resource found by name is left out only when its own tags show that it belongs to someone
    else (it carries one of O(tags)' keys with another value, for example another environment's).
  - Confirms that each resource the Resource Groups Tagging API reports still exists (that API goes on
    reporting deleted resources for minutes to hours) by listing its type; resources of a type the module
    cannot list are returned with RV(resources[].verified=false).
  - Reads IAM tags in bulk. Roles and their tags come from C(GetAccountAuthorizationDetails) (one call per
    1000 roles). Customer managed policies are listed once and their tags are read only for candidates, the
    policies whose name is in O(names) or that are attached to a role of the project; a role or policy
    deleted while the module looks is skipped. Every call is retried with jittered backoff on throttling.
  - Used by C(teardown.yml) to prove that nothing of the project is left. A later phase makes the sweep see
    its resources by adding its derived names to C(playbooks/teardown/vars/sweep.yml) (and, for a type the
    module does not list yet, one row to C(NAME_SOURCES) in C(module_utils/tagged_resources.py)); see
    C(docs/teardown-sweep.md).
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  tags:
    description:
      - Tags a resource must all carry (extra tags are allowed).
    type: dict
    required: true
  names:
    description:
      - Names the project derives, per resource type. Each resource of O(names[].type) whose name equals
        O(names[].name) or starts with O(names[].name_prefix) is returned, tagged or not.
    type: list
    elements: dict
    default: []
    suboptions:
      type:
        description:
          - The resource type, as the Resource Groups Tagging API names it.
        type: str
        required: true
        choices:
          - dynamodb:table
          - ec2:security-group
          - ecr:repository
          - eks:cluster
          - elasticache:cluster
          - elasticache:replicationgroup
          - elasticache:subnetgroup
          - elasticloadbalancing:loadbalancer
          - elasticloadbalancing:targetgroup
          - iam:policy
          - iam:role
          - logs:log-group
          - s3:bucket
          - secretsmanager:secret
      name:
        description:
          - The exact name. Give either this or O(names[].name_prefix).
        type: str
      name_prefix:
        description:
          - Names that start with this.
        type: str
  also_tagged:
    description:
      - Further tag sets, for resources that act for the project but do not carry its O(tags), such as the
        load balancers, target groups and security groups the AWS Load Balancer Controller makes for the
        cluster's Ingresses (tagged C(elbv2.k8s.aws/cluster=<cluster name>)). A resource that carries all
        of one set's O(also_tagged[].tags) is returned as found by tag, with its own tags.
      - One Resource Groups Tagging API search per set, outside IAM.
    type: list
    elements: dict
    default: []
    suboptions:
      tags:
        description:
          - Tags a resource must all carry.
        type: dict
        required: true
      resource_types:
        description:
          - Only resources of these types, as in O(resource_type_filters) (which also applies). Empty
            means every type.
        type: list
        elements: str
        default: []
  include_iam:
    description:
      - Also look through IAM roles, customer managed policies and OpenID Connect providers.
    type: bool
    default: true
  resource_type_filters:
    description:
      - Limit the search, by tag and by name, IAM included, to these types, for example C(ecr:repository),
        C(s3) or C(iam:role). A bare service name selects every type of that service.
    type: list
    elements: str
    default: []
  verify:
    description:
      - Confirm that each resource the Resource Groups Tagging API reports by tag still exists, by listing
        its type (one listing per type found). With V(false), resources found by tag are returned as that
        API reports them, with RV(resources[].verified=false), and RV(gone) is empty. One call instead of
        one per type, for a report right after a converge (the playbook's summary), not for the sweep.
    type: bool
    default: true
  account_id:
    description:
      - The account id, to build the ARNs of types whose listing returns names only (DynamoDB tables, EKS
        clusters, log groups). Empty asks STS once, when such a type is searched by name.
    type: str
    default: ""
notes:
  - The Resource Groups Tagging API also returns resources that were tagged and then had their tags
    removed; only resources that carry all of O(tags) are returned as found by tag.
  - A customer managed policy that carries O(tags) but neither has a name in O(names) nor is attached to a
    role of the project is not seen, because IAM returns no tags with its policy listings and reading them
    policy by policy costs one call each. The project names every policy it creates with its prefix.
  - "IAM permissions: C(tag:GetResources), C(iam:GetAccountAuthorizationDetails), C(iam:ListPolicies),
    C(iam:ListPolicyTags), C(iam:ListOpenIDConnectProviders), C(iam:ListOpenIDConnectProviderTags), and the
    listing permission of each type searched by name or confirmed: C(ecr:DescribeRepositories),
    C(s3:ListAllMyBuckets), C(dynamodb:ListTables), C(secretsmanager:ListSecrets),
    C(logs:DescribeLogGroups), C(eks:ListClusters), C(elasticache:DescribeCacheClusters),
    C(elasticache:DescribeReplicationGroups), C(elasticache:DescribeCacheSubnetGroups),
    C(elasticloadbalancing:DescribeLoadBalancers), C(elasticloadbalancing:DescribeTargetGroups),
    C(ec2:DescribeSecurityGroups);
    C(sts:GetCallerIdentity) without O(account_id)."
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: An information module; it reads only, and returns the same in check mode as in a real run.
  diff_mode:
    description: >-
      Will return details on what has changed (or possibly needs changing in diff mode) when in diff mode.
    support: none
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find what is left of the project, by tag and by the names it derives
  ecommerce_demo.platform.tagged_resources_info:
    tags:
      Project: ecommerce-demo
      Environment: demo
    names:
      - type: ecr:repository
        name_prefix: ecommerce-demo/
      - type: iam:role
        name_prefix: ecommerce-demo-
      - type: s3:bucket
        name_prefix: ecommerce-demo-tfstate-
  register: leftovers

- name: Fail when anything is left
  ansible.builtin.assert:
    that: leftovers.resources | length == 0
    fail_msg: "left behind: {{ leftovers.resources | map(attribute='arn') | join(', ') }}"

- name: Only the ECR repositories and IAM roles
  ecommerce_demo.platform.tagged_resources_info:
    tags:
      Project: ecommerce-demo
    resource_type_filters:
      - ecr:repository
      - iam:role

- name: What the tags say right after a converge, in one Resource Groups Tagging API call (and IAM's)
  ecommerce_demo.platform.tagged_resources_info:
    tags:
      Project: ecommerce-demo
    verify: false
    account_id: "123456789012"

- name: Also what the AWS Load Balancer Controller made for the cluster (it tags with the cluster, not us)
  ecommerce_demo.platform.tagged_resources_info:
    tags:
      Project: ecommerce-demo
      Environment: demo
    also_tagged:
      - tags:
          elbv2.k8s.aws/cluster: ecommerce-demo-demo
        resource_types:
          - elasticloadbalancing:loadbalancer
          - elasticloadbalancing:targetgroup
          - ec2:security-group
"""

RETURN = r"""
resources:
  description:
    - The resources of the project, one per ARN, sorted by ARN.
    - The same in check mode as in a real run (the module only reads).
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The resource's ARN.
      returned: always
      type: str
      sample: arn:aws:ecr:us-east-1:123456789012:repository/ecommerce-demo/backend
    name:
      description: The resource's name, as its ARN gives it.
      returned: always
      type: str
      sample: ecommerce-demo/backend
    service:
      description: The service of the ARN.
      returned: always
      type: str
      sample: ecr
    resource_type:
      description: C(service:type) of the resource.
      returned: always
      type: str
      sample: ecr:repository
    tags:
      description: The resource's tags (empty for an untagged resource found by name).
      returned: always
      type: dict
      sample: {"Project": "ecommerce-demo", "Environment": "demo", "ManagedBy": "ansible"}
    found_by:
      description: How it was found, C(tag), C(name) or both.
      returned: always
      type: list
      elements: str
      sample: ["name", "tag"]
    verified:
      description:
        - True when a listing of its type just showed that it exists. False only for a type the module
          cannot list, reported by the Resource Groups Tagging API (which may report deleted resources).
      returned: always
      type: bool
      sample: true
gone:
  description:
    - ARNs the Resource Groups Tagging API still reports with the tags but that no longer exist (a listing
      of their type does not show them); not part of RV(resources).
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:ecr:us-east-1:123456789012:repository/ecommerce-demo/old"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import ErrorHandler
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import fail_with_aws_error
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import retry_decorator
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import IAM_TYPES
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import NAME_SOURCES
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import NAME_TYPES
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import Findings
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import listed_resources
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import name_matches
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import normalize_arn
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import owned_by_others
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import resource_type_of
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import service_of
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import tag_filters
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import tags_match
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import type_selected
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import validate_names

ACCESS_HINT = (
    "The sweep needs tag:GetResources, iam:GetAccountAuthorizationDetails, iam:ListPolicies, "
    "iam:ListPolicyTags, iam:ListOpenIDConnectProviders, iam:ListOpenIDConnectProviderTags "
    "and the listing permission of every type it searches by name or confirms (see the module's notes)."
)
# The Resource Groups Tagging API takes at most 100 ARNs per GetResources call.
ARN_BATCH = 100


class Sweep:
    """One search; AWS listings are read at most once each (cached per type)."""

    def __init__(self, module):
        self.module = module
        self.tags = module.params["tags"]
        self.names = module.params["names"]
        self.filters = module.params["resource_type_filters"]
        self.retry = retry_decorator()
        self.clients = {}
        self.listings = {}
        self.account = module.params["account_id"]
        self.verify = module.params["verify"]
        self.findings = Findings()
        self.gone = []

    def client(self, service):
        if service not in self.clients:
            self.clients[service] = self.module.client(service, retry_decorator=self.retry)
        return self.clients[service]

    @ErrorHandler.common_error_handler("look up the account id")
    def account_id(self):
        if not self.account:
            self.account = self.client("sts").get_caller_identity(aws_retry=True)["Account"]
        return self.account

    def listing(self, resource_type):
        """``{arn: name}`` of every resource of a NAME_SOURCES type (one listing per type and run)."""
        if resource_type not in self.listings:
            source = NAME_SOURCES[resource_type]
            pages = self._list(resource_type, source)
            needs_account = "{account}" in source.get("arn_format", "")
            listed = listed_resources(
                source,
                pages,
                self.client(source["client"]).meta.partition,
                self.module.region,
                self.account_id()
                if needs_account and any(page.get(source["items"]) for page in pages)
                else "",
            )
            self.listings[resource_type] = {arn: name for name, arn in listed}
        return self.listings[resource_type]

    def _list(self, resource_type, source):
        @ErrorHandler.common_error_handler(f"list every {resource_type}")
        def read():
            client = self.client(source["client"])
            return [paginated_query_with_retries(client, source["paginator"], retry_decorator=self.retry)]

        return read()

    # --- by tag, outside IAM ----------------------------------------------------------------------------

    def tagging_api_filters(self):
        """The filters for the Resource Groups Tagging API, or None when they select only IAM types."""
        outside_iam = [f for f in self.filters if f.split(":", 1)[0] != "iam"]
        if self.filters and not outside_iam:
            return None
        return outside_iam

    def by_tag(self):
        filters = self.tagging_api_filters()
        if filters is None:
            return
        self.tagged(self.tags, filters)
        for extra in self.module.params["also_tagged"]:
            wanted = extra["resource_types"]
            if filters and wanted:
                wanted = [t for t in wanted if type_selected(t, filters)]
                if not wanted:
                    continue
            self.tagged(extra["tags"], wanted or filters)

    @ErrorHandler.common_error_handler("list the resources tagged with the project's tags")
    def tagged(self, tags, filters):
        """Record every resource outside IAM that carries all of ``tags`` (of the ``filters`` types)."""
        params = {"TagFilters": tag_filters(tags)}
        if filters:
            params["ResourceTypeFilters"] = filters
        result = paginated_query_with_retries(
            self.client("resourcegroupstaggingapi"), "get_resources", retry_decorator=self.retry, **params
        )
        for mapping in result["ResourceTagMappingList"]:
            arn = mapping["ResourceARN"]
            resource_tags = boto3_tag_list_to_ansible_dict(mapping.get("Tags", []))
            if service_of(arn) == "iam" or not tags_match(resource_tags, tags):
                continue  # IAM is read from IAM itself, below
            resource_type = resource_type_of(arn)
            if resource_type not in NAME_SOURCES or not self.verify:
                self.findings.add(arn, resource_tags, "tag", verified=False)
            elif normalize_arn(arn) in self.listing(resource_type):
                self.findings.add(arn, resource_tags, "tag")
            else:
                self.gone.append(arn)

    # --- by name, outside IAM ---------------------------------------------------------------------------

    def by_name(self):
        candidates = []
        for resource_type in sorted({entry["type"] for entry in self.names} - set(IAM_TYPES)):
            if not type_selected(resource_type, self.filters):
                continue
            for arn, name in self.listing(resource_type).items():
                if name_matches(resource_type, name, self.names):
                    candidates.append(arn)
        tags_by_arn = self.tags_of(candidates)
        for arn in candidates:
            self.judge(arn, tags_by_arn.get(arn, {}), by_name=True)

    @ErrorHandler.common_error_handler("read the tags of the resources found by name")
    def tags_of(self, arns):
        """Tags of these ARNs, in batches of 100 per Resource Groups Tagging API call; {} for untagged."""
        found = {}
        known = {result["arn"]: result["tags"] for result in self.findings.results()}
        unknown = [arn for arn in arns if arn not in known]
        for start in range(0, len(unknown), ARN_BATCH):
            result = paginated_query_with_retries(
                self.client("resourcegroupstaggingapi"),
                "get_resources",
                retry_decorator=self.retry,
                ResourceARNList=unknown[start : start + ARN_BATCH],
            )
            for mapping in result["ResourceTagMappingList"]:
                found[mapping["ResourceARN"]] = boto3_tag_list_to_ansible_dict(mapping.get("Tags", []))
        return {**found, **{arn: tags for arn, tags in known.items() if arn in arns}}

    def judge(self, arn, resource_tags, by_name):
        """Record a resource found by tag and/or by name; True when it is ours."""
        ours = False
        if tags_match(resource_tags, self.tags):
            self.findings.add(arn, resource_tags, "tag")
            ours = True
        if by_name and not owned_by_others(resource_tags, self.tags):
            self.findings.add(arn, resource_tags, "name")
            ours = True
        return ours

    # --- IAM ----------------------------------------------------------------------------------------------

    def iam(self):
        our_role_policies = set()
        if type_selected("iam:role", self.filters):
            our_role_policies = self.iam_roles()
        if type_selected("iam:policy", self.filters):
            self.iam_policies(our_role_policies)
        if type_selected("iam:oidc-provider", self.filters):
            self.iam_oidc_providers()

    @ErrorHandler.common_error_handler("list the IAM roles and their tags")
    def iam_roles(self):
        """Roles with their tags, 1000 a call; returns the ARNs of the policies attached to our roles."""
        details = paginated_query_with_retries(
            self.client("iam"),
            "get_account_authorization_details",
            retry_decorator=self.retry,
            Filter=["Role"],
            PaginationConfig={"PageSize": 1000},
        )
        attached = set()
        for role in details.get("RoleDetailList", []):
            role_tags = boto3_tag_list_to_ansible_dict(role.get("Tags", []))
            if self.judge(role["Arn"], role_tags, name_matches("iam:role", role["RoleName"], self.names)):
                attached.update(p["PolicyArn"] for p in role.get("AttachedManagedPolicies", []))
        return attached

    @ErrorHandler.common_error_handler("list the customer managed IAM policies")
    def iam_policies(self, our_role_policies):
        policies = paginated_query_with_retries(
            self.client("iam"),
            "list_policies",
            retry_decorator=self.retry,
            Scope="Local",
            PaginationConfig={"PageSize": 1000},
        )["Policies"]
        for policy in policies:
            by_name = name_matches("iam:policy", policy["PolicyName"], self.names)
            if not by_name and policy["Arn"] not in our_role_policies:
                continue  # not a candidate: its tags are not read (one call per policy)
            policy_tags = self.iam_tags(
                "list_policy_tags", f"read the tags of {policy['Arn']}", PolicyArn=policy["Arn"]
            )
            if policy_tags is None:
                continue  # deleted while we looked
            self.judge(policy["Arn"], policy_tags, by_name)

    @ErrorHandler.common_error_handler("list the IAM OpenID Connect providers")
    def iam_oidc_providers(self):
        providers = self.client("iam").list_open_id_connect_providers(aws_retry=True)[
            "OpenIDConnectProviderList"
        ]
        for provider in providers:
            provider_tags = self.iam_tags(
                "list_open_id_connect_provider_tags",
                f"read the tags of {provider['Arn']}",
                OpenIDConnectProviderArn=provider["Arn"],
            )
            if provider_tags is not None and tags_match(provider_tags, self.tags):
                self.findings.add(provider["Arn"], provider_tags, "tag")

    def iam_tags(self, paginator, description, **params):
        """The tags of one IAM entity, or None when it was deleted while the sweep ran."""

        @ErrorHandler.list_error_handler(description, None)
        def read():
            result = paginated_query_with_retries(
                self.client("iam"), paginator, retry_decorator=self.retry, **params
            )
            return boto3_tag_list_to_ansible_dict(result.get("Tags", []))

        return read()


def main():
    argument_spec = dict(
        tags=dict(type="dict", required=True),
        names=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                type=dict(type="str", required=True, choices=list(NAME_TYPES)),
                name=dict(type="str"),
                name_prefix=dict(type="str"),
            ),
        ),
        also_tagged=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                tags=dict(type="dict", required=True),
                resource_types=dict(type="list", elements="str", default=[]),
            ),
        ),
        include_iam=dict(type="bool", default=True),
        verify=dict(type="bool", default=True),
        resource_type_filters=dict(type="list", elements="str", default=[]),
        account_id=dict(type="str", default=""),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if not module.params["tags"] or not all(extra["tags"] for extra in module.params["also_tagged"]):
        module.fail_json(msg="tags must name at least one tag: an empty filter would match every resource")
    problems = validate_names(module.params["names"])
    if problems:
        module.fail_json(msg="; ".join(problems))

    sweep = Sweep(module)
    try:
        sweep.by_tag()
        sweep.by_name()
        if module.params["include_iam"]:
            sweep.iam()
    except AnsibleAWSError as e:
        fail_with_aws_error(module, e, ACCESS_HINT)

    module.exit_json(changed=False, resources=sweep.findings.results(), gone=sorted(set(sweep.gone)))


if __name__ == "__main__":
    main()
