"""Fixtures that run our modules' main() in-process and, where moto cannot play AWS, a botocore Stubber.

Every module runs in us-east-1 with dummy credentials (CONNECTION), the region the tests' ARNs name.
"""

import json
from contextlib import ExitStack
from unittest import mock

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from botocore.stub import Stubber
from moto import mock_aws

REGION = "us-east-1"
CONNECTION = {"region": REGION, "access_key": "testing", "secret_key": "testing"}
# amazon.aws's AnsibleAWSModule.client() builds every client through this name.
BOTO3_CONN = "ansible_collections.amazon.aws.plugins.module_utils.modules.boto3_conn"


@pytest.fixture
def run_module(capsys):
    """run_module(module, check_mode=False, diff=False, **args): run module.main() with these arguments
    (and CONNECTION) and return its JSON result."""

    def run(module, check_mode=False, diff=False, **args):
        module_args = {**CONNECTION, **args, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
        with patch_module_args(module_args), pytest.raises(SystemExit):
            module.main()
        return json.loads(capsys.readouterr().out)

    return run


@pytest.fixture
def moto_client():
    """moto_client("s3") -> a boto3 client on moto's in-process AWS (mock_aws, active for the whole test),
    in the region and with the credentials of CONNECTION."""
    with mock_aws():
        yield lambda service: boto3.client(
            service, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
        )


@pytest.fixture
def stubbed_client():
    """stubbed_client("ecr") -> an active Stubber on the client the module under test will get.

    Any call not queued on the Stubber fails; at teardown every queued response must have been used."""
    stubbers = []
    with ExitStack() as stack:

        def stub(service):
            client = boto3.client(
                service, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
            )
            stubber = stack.enter_context(Stubber(client))
            stack.enter_context(mock.patch(BOTO3_CONN, return_value=client))
            stubbers.append(stubber)
            return stubber

        yield stub
        for stubber in stubbers:
            stubber.assert_no_pending_responses()
