"""Read the point-in-time recovery of a DynamoDB table back for verify.yml.

community.aws.dynamodb_table_info does not return it (DescribeContinuousBackups is a separate API), so
verify.yml runs this with the sandbox endpoint and asserts on the JSON it prints.
"""

import argparse
import json

import boto3


def point_in_time_recovery(dynamodb, table_name: str) -> dict:
    description = dynamodb.describe_continuous_backups(TableName=table_name)["ContinuousBackupsDescription"]
    recovery = description.get("PointInTimeRecoveryDescription", {})
    return {
        "continuous_backups_status": description["ContinuousBackupsStatus"],
        "point_in_time_recovery_status": recovery.get("PointInTimeRecoveryStatus", "DISABLED"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("table_name")
    args = parser.parse_args()

    # Credentials come from the environment verify.yml sets from the inventory.
    dynamodb = boto3.client("dynamodb", endpoint_url=args.endpoint_url, region_name=args.region)
    print(json.dumps(point_in_time_recovery(dynamodb, args.table_name)))


if __name__ == "__main__":
    main()
