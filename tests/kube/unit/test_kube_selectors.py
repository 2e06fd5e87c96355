"""Label and field selectors in the query-string syntax."""

from __future__ import annotations

import pytest

from sandbox.kube.errors import ApiError
from sandbox.kube.selectors import label_selector_from_object, object_matcher, parse_label_selector

LABELS = {"app": "web", "tier": "front", "env": "prod"}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("", True),
        ("app=web", True),
        ("app==web,tier=front", True),
        ("app!=web", False),
        ("app in (web, api)", True),
        ("env notin (prod)", False),
        ("tier", True),
        ("!tier", False),
        ("missing!=x", True),
        ("app in (api,worker),tier", False),
    ],
)
def test_label_selector(selector, expected):
    assert parse_label_selector(selector)(LABELS) is expected


def test_unparseable_label_selector_is_400():
    with pytest.raises(ApiError) as raised:
        parse_label_selector("app in web")

    assert raised.value.code == 400


def test_field_selector_on_name_and_nested_status():
    pod = {"metadata": {"name": "p", "namespace": "n", "labels": {}}, "status": {"phase": "Running"}}

    assert object_matcher(None, "metadata.name=p,status.phase=Running")(pod)
    assert not object_matcher(None, "status.phase!=Running")(pod)


def test_structured_selector_with_expressions():
    selector = {
        "matchLabels": {"app": "web"},
        "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}],
    }

    assert label_selector_from_object(selector)(LABELS)
    assert not label_selector_from_object(selector)({**LABELS, "env": "dev"})
