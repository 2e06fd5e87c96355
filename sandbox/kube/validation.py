"""Checks a real API server makes before it stores an object: names, known fields, types, required fields,
immutable fields, and custom resources against their CRD's openAPIV3Schema.

Built-in kinds are walked against the 1.32 OpenAPI definitions. Unknown fields are dropped the way decoding
into Go structs drops them, or refused under `fieldValidation=Strict` (kubectl's default).
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re

import jsonschema

from sandbox.kube import schemas
from sandbox.kube.errors import ApiError, invalid
from sandbox.kube.resources import ResourceType

DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")

# Kinds whose names are DNS-1123 labels (63 characters, no dots) rather than subdomains.
LABEL_NAMED_KINDS = {"Namespace", "Service"}

_JSON_TYPES = {
    "string": str,
    "boolean": bool,
    "object": dict,
    "array": list,
}


DNS1035_MESSAGE = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
    "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
DNS1123_LABEL_MESSAGE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
    "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1123_SUBDOMAIN_MESSAGE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
QUALIFIED_NAME_MESSAGE = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character"
)
CONFIG_KEY_MESSAGE = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
    "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
LABEL_VALUE_MESSAGE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character"
)


def _name_errors(kind: str, name: str) -> list[str]:
    if kind == "Service":
        return [DNS1035_MESSAGE] if len(name) > 63 or not DNS1035_LABEL.match(name) else []
    if kind in LABEL_NAMED_KINDS:
        return [DNS1123_LABEL_MESSAGE] if len(name) > 63 or not DNS1123_LABEL.match(name) else []
    return [DNS1123_SUBDOMAIN_MESSAGE] if len(name) > 253 or not DNS1123_SUBDOMAIN.match(name) else []


def _label_key_errors(key: str) -> list[str]:
    prefix, _, name = key.rpartition("/")
    problems = []
    if prefix and (len(prefix) > 253 or not DNS1123_SUBDOMAIN.match(prefix)):
        problems.append("prefix part must be a lowercase RFC 1123 subdomain")
    if len(name) > 63 or not QUALIFIED_NAME.match(name):
        problems.append(QUALIFIED_NAME_MESSAGE)
    return problems


def validate_metadata(resource_type: ResourceType, obj: dict) -> list[tuple[str, str, str]]:
    metadata = obj.get("metadata") or {}
    name = metadata.get("name", "")
    causes = []
    for message in _name_errors(resource_type.kind, name) if name else []:
        causes.append(("FieldValueInvalid", "metadata.name", f'Invalid value: "{name}": {message}'))
    for key, value in (metadata.get("labels") or {}).items():
        for message in _label_key_errors(key):
            causes.append(("FieldValueInvalid", "metadata.labels", f'Invalid value: "{key}": {message}'))
        if not isinstance(value, str) or len(value) > 63 or not LABEL_VALUE.match(value):
            causes.append(
                ("FieldValueInvalid", "metadata.labels", f'Invalid value: "{value}": {LABEL_VALUE_MESSAGE}')
            )
    for key in metadata.get("annotations") or {}:
        for message in _label_key_errors(key):
            causes.append(("FieldValueInvalid", "metadata.annotations", f'Invalid value: "{key}": {message}'))
    return causes


def check_base64_fields(resource_type: ResourceType, obj: dict) -> None:
    """Secret data and ConfigMap binaryData are bytes: JSON carries them base64-encoded or not at all."""
    if resource_type.group != "" or resource_type.kind not in ("Secret", "ConfigMap"):
        return
    field_name = "data" if resource_type.kind == "Secret" else "binaryData"
    for key, value in (obj.get(field_name) or {}).items():
        try:
            # Go's decoder skips line breaks, so PEM-style wrapped base64 is fine.
            base64.b64decode((value or "").replace("\n", "").replace("\r", ""), validate=True)
        except (binascii.Error, TypeError, ValueError) as error:
            raise ApiError(
                400,
                f'{resource_type.kind} in version "v1" cannot be handled as a {resource_type.kind}: illegal '
                f"base64 data in {field_name}.{key}: {error}",
            ) from error


def check_types_and_prune(obj: dict, schema: dict, *, strict: bool) -> tuple[dict, list[str], list[str]]:
    """Walk a built-in object against its OpenAPI definition.

    Returns (object without unknown fields, unknown field paths, type errors).
    """
    unknown: list[str] = []
    type_errors: list[str] = []
    pruned = _walk(copy.deepcopy(obj), schema, "", unknown, type_errors)
    return pruned, unknown, type_errors


def _type_matches(value: object, allowed: set[str]) -> bool:
    if not allowed:
        return True
    for type_name in allowed:
        if type_name == "integer" and isinstance(value, int) and not isinstance(value, bool):
            return True
        if type_name == "integer" and isinstance(value, float) and value.is_integer():
            return True
        if type_name == "number" and isinstance(value, int | float) and not isinstance(value, bool):
            return True
        expected = _JSON_TYPES.get(type_name)
        if expected and isinstance(value, expected):
            return True
    return False


def _allowed_types(node: dict | None) -> set[str]:
    node = schemas.resolve(node)
    if not node:
        return set()
    if "oneOf" in node:
        allowed: set[str] = set()
        for option in node["oneOf"]:
            allowed |= schemas.node_types(option)
        return allowed
    return schemas.node_types(node)


def _walk(value: object, node: dict | None, path: str, unknown: list[str], errors: list[str]) -> object:
    if is_quantity_node(node) and isinstance(value, str) and not QUANTITY.match(value.strip()):
        errors.append(QUANTITY_MESSAGE)  # decoding fails, so the whole body is a 400, as upstream
        return value
    resolved = schemas.resolve(node)
    if resolved is None or value is None:
        return value
    allowed = _allowed_types(resolved)
    if not _type_matches(value, allowed):
        wanted = " or ".join(sorted(allowed))
        errors.append(f"{path or '.'}: expected {wanted}, got {type(value).__name__} {value!r}")
        return value
    if isinstance(value, dict):
        properties = resolved.get("properties")
        additional = resolved.get("additionalProperties")
        if properties is not None:
            result = {}
            for key, item in value.items():
                if key in properties:
                    result[key] = _walk(
                        item, properties[key], f"{path}.{key}" if path else key, unknown, errors
                    )
                else:
                    unknown.append(f"{path}.{key}" if path else key)
            return result
        if isinstance(additional, dict):
            return {
                key: _walk(item, additional, f"{path}.{key}" if path else key, unknown, errors)
                for key, item in value.items()
            }
        return value
    if isinstance(value, list):
        element = resolved.get("items")
        return [_walk(item, element, f"{path}[{i}]", unknown, errors) for i, item in enumerate(value)]
    return value


def required_field_errors(value: object, node: dict | None, path: str = "") -> list[tuple[str, str, str]]:
    resolved = schemas.resolve(node)
    if resolved is None:
        return []
    causes = []
    if isinstance(value, dict):
        properties = resolved.get("properties") or {}
        for required in resolved.get("required", []):
            if value.get(required) in (None, ""):
                field = f"{path}.{required}" if path else required
                causes.append(("FieldValueRequired", field, "Required value"))
        for key, item in value.items():
            if key in properties:
                causes += required_field_errors(item, properties[key], f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            causes += required_field_errors(item, resolved.get("items"), f"{path}[{index}]")
    return causes


# --- custom resources


def crd_json_schema(openapi_schema: dict) -> dict:
    """Translate an openAPIV3Schema (structural, with k8s extensions) to plain JSON Schema."""

    def convert(node: object) -> object:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        result = {}
        for key, value in node.items():
            if key in ("properties", "patternProperties", "definitions"):
                result[key] = {name: convert(sub) for name, sub in value.items()}
            elif key in ("nullable", "example", "externalDocs") or key.startswith("x-kubernetes-"):
                continue
            elif key == "format":
                continue  # Formats are advisory in CRDs as in the API server (int32, date-time, ...).
            else:
                result[key] = convert(value)
        if node.get("x-kubernetes-int-or-string"):
            result.pop("type", None)
            result["anyOf"] = [{"type": "integer"}, {"type": "string"}]
        if node.get("nullable") and "type" in result:
            result["type"] = [result["type"], "null"]
        return result

    return convert(openapi_schema)


def prune_custom(value: object, node: dict | None, path: str, unknown: list[str]) -> object:
    """Drop fields the structural schema does not know, as the API server's pruning does."""
    if not isinstance(node, dict) or node.get("x-kubernetes-preserve-unknown-fields"):
        return value
    if isinstance(value, dict):
        properties = node.get("properties")
        additional = node.get("additionalProperties")
        if properties is not None:
            result = {}
            for key, item in value.items():
                if key in properties:
                    result[key] = prune_custom(
                        item, properties[key], f"{path}.{key}" if path else key, unknown
                    )
                elif isinstance(additional, dict):
                    result[key] = prune_custom(item, additional, f"{path}.{key}", unknown)
                else:
                    unknown.append(f"{path}.{key}" if path else key)
            return result
        if isinstance(additional, dict):
            return {k: prune_custom(v, additional, f"{path}.{k}", unknown) for k, v in value.items()}
        return value if node.get("type") != "object" else {}
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        return [prune_custom(item, node["items"], f"{path}[{i}]", unknown) for i, item in enumerate(value)]
    return value


def apply_schema_defaults(value: object, node: dict | None) -> object:
    """Fill `default`s of a structural schema in place, top-down, as the apiextensions server does on
    every write: a property absent (or null where the schema is not nullable) gets its default, and the
    defaulted value is itself defaulted further down."""
    if not isinstance(node, dict):
        return value
    if isinstance(value, dict):
        properties = node.get("properties") or {}
        for key, sub in properties.items():
            if not isinstance(sub, dict) or "default" not in sub:
                continue
            if key not in value or (value[key] is None and not sub.get("nullable")):
                value[key] = copy.deepcopy(sub["default"])
        for key, item in value.items():
            if key in properties:
                apply_schema_defaults(item, properties[key])
            elif isinstance(node.get("additionalProperties"), dict):
                apply_schema_defaults(item, node["additionalProperties"])
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for item in value:
            apply_schema_defaults(item, node["items"])
    return value


def validate_custom(resource_type: ResourceType, obj: dict, *, strict: bool) -> tuple[dict, list[str]]:
    """Prune and validate a custom resource; returns (pruned object, unknown-field warnings)."""
    schema = copy.deepcopy(resource_type.crd_schema or {})
    properties = schema.get("properties") or {}
    # apiVersion, kind and metadata are the server's business, never pruned by the user's schema.
    for reserved in ("apiVersion", "kind", "metadata"):
        properties[reserved] = {"x-kubernetes-preserve-unknown-fields": True}
    if schema.get("properties") is not None:
        schema["properties"] = properties
    unknown: list[str] = []
    pruned = prune_custom(obj, schema, "", unknown)
    apply_schema_defaults(pruned, schema)
    if strict and unknown:
        raise ApiError(400, "strict decoding error: " + ", ".join(f'unknown field "{f}"' for f in unknown))
    body = {k: v for k, v in pruned.items() if k not in ("apiVersion", "kind", "metadata")}
    user_schema = crd_json_schema(
        {
            **schema,
            "properties": {
                k: v for k, v in properties.items() if k not in ("apiVersion", "kind", "metadata")
            },
        }
    )
    validator = jsonschema.Draft7Validator(user_schema)
    causes = []
    for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
        field = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in error.absolute_path).replace(
            ".[", "["
        )
        reason = "FieldValueRequired" if error.validator == "required" else "FieldValueInvalid"
        message = "Required value" if error.validator == "required" else _schema_message(error, field)
        if error.validator == "required":
            missing = error.message.split("'")[1]
            field = f"{field}.{missing}" if field else missing
        causes.append((reason, field or "<root>", message))
    if causes:
        name = obj.get("metadata", {}).get("name", "")
        raise invalid(resource_type.kind, resource_type.group, name, causes)
    return pruned, unknown


def _schema_message(error: jsonschema.ValidationError, field: str) -> str:
    """The wording kube-apiserver's OpenAPI validator uses for each kind of schema violation."""
    value, limit = error.instance, error.validator_value
    shown = json.dumps(value) if isinstance(value, str) else value
    messages = {
        "type": lambda: f'Invalid value: "{_kind_of(value)}": {field} in body must be of type {limit}: '
        f'"{_kind_of(value)}"',
        "enum": lambda: f"Unsupported value: {shown}: supported values: "
        + ", ".join(json.dumps(v) for v in limit),
        "maximum": lambda: f"Invalid value: {shown}: {field} in body should be less than or equal to {limit}",
        "minimum": lambda: f"Invalid value: {shown}: {field} in body should be greater than or equal to "
        f"{limit}",
        "maxLength": lambda: f"Too long: may not be more than {limit} bytes",
        "minLength": lambda: f"Invalid value: {shown}: {field} in body should be at least {limit} chars long",
        "pattern": lambda: f"Invalid value: {shown}: {field} in body should match '{limit}'",
        "maxItems": lambda: f"Too many: {len(value)}: must have at most {limit} items",
        "minItems": lambda: f"Invalid value: {len(value)}: {field} in body should have at least {limit} "
        "items",
    }
    render = messages.get(error.validator)
    return render() if render else f"Invalid value: {shown}: {error.message}"


def _kind_of(value: object) -> str:
    return {
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
        dict: "object",
        list: "array",
    }.get(type(value), "null")


# --- quantities, sizes, workloads (the semantic rules of k8s.io/kubernetes/pkg/apis/*/validation)

QUANTITY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[numkMGTPE]|Ki|Mi|Gi|Ti|Pi|Ei)?$")
QUANTITY_MESSAGE = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
QUANTITY_REF = "io.k8s.apimachinery.pkg.api.resource.Quantity"
MAX_CONFIG_SIZE = 1024 * 1024  # api.MaxSecretSize, for Secrets and ConfigMaps alike
MAX_ANNOTATIONS_SIZE = 256 * 1024  # TotalAnnotationSizeLimitB
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
CRON_FIELDS = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    (
        "month",
        1,
        12,
        {m: i + 1 for i, m in enumerate(MONTHS)},
    ),
    ("day of week", 0, 6, {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}),
)
CRON_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}


def is_quantity_node(node: dict | None) -> bool:
    return isinstance(node, dict) and str(node.get("$ref", "")).endswith(QUANTITY_REF)


def _cron_value(text: str, low: int, high: int, names: dict[str, int]) -> int:
    value = names.get(text.lower())
    if value is None:
        if not text.isdigit():
            raise ValueError(
                f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax'
            )
        value = int(text)
    if not low <= value <= high:
        raise ValueError(f"end of range ({value}) above maximum ({high}): {text}")
    return value


def cron_schedule_error(schedule: str) -> str | None:
    """What robfig/cron's standard parser (the CronJob controller's) says of a schedule, or None."""
    text = schedule.strip()
    if text.startswith(("TZ=", "CRON_TZ=")):
        return "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
    if text.startswith("@"):
        return None if text in CRON_DESCRIPTORS else f"unrecognized descriptor: {text}"
    fields = text.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    try:
        for field_text, (_, low, high, names) in zip(fields, CRON_FIELDS, strict=True):
            for part in field_text.split(","):
                spec, _, step = part.partition("/")
                if step and (not step.isdigit() or int(step) == 0):
                    raise ValueError(f"failed to parse int from {step}")
                if spec in ("*", "?"):
                    continue
                start, _, end = spec.partition("-")
                first = _cron_value(start, low, high, names)
                if end and _cron_value(end, low, high, names) < first:
                    raise ValueError(f"beginning of range ({first}) beyond end of range ({end}): {spec}")
    except ValueError as error:
        return str(error)
    return None


def _pod_spec_errors(pod_spec: dict, prefix: str) -> list[tuple[str, str, str]]:
    causes = []
    seen: set[str] = set()
    for list_name in ("initContainers", "containers"):
        for index, container in enumerate(pod_spec.get(list_name) or []):
            if not isinstance(container, dict):
                continue
            name = container.get("name")
            if name in seen:
                causes.append(
                    (
                        "FieldValueDuplicate",
                        f"{prefix}.{list_name}[{index}].name",
                        f'Duplicate value: "{name}"',
                    )
                )
            seen.add(name)
    return causes


def _pod_specs(resource_type: ResourceType, obj: dict) -> list[tuple[dict, str]]:
    spec = obj.get("spec") or {}
    kind = resource_type.kind
    if kind == "Pod":
        return [(spec, "spec")]
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"):
        return [((spec.get("template") or {}).get("spec") or {}, "spec.template.spec")]
    if kind == "PodTemplate":
        return [(((obj.get("template") or {}).get("spec")) or {}, "template.spec")]
    if kind == "CronJob":
        job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
        return [((job_spec.get("template") or {}).get("spec") or {}, "spec.jobTemplate.spec.template.spec")]
    return []


def semantic_errors(resource_type: ResourceType, obj: dict) -> list[tuple[str, str, str]]:
    """Size limits EKS enforces and the workload rules upstream validation applies."""
    causes: list[tuple[str, str, str]] = []
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if sum(len(k) + len(str(v or "")) for k, v in annotations.items()) > MAX_ANNOTATIONS_SIZE:
        causes.append(
            (
                "FieldValueTooLong",
                "metadata.annotations",
                f"Too long: must have at most {MAX_ANNOTATIONS_SIZE} bytes",
            )
        )
    if resource_type.group == "" and resource_type.kind == "ConfigMap":
        size = sum(len(str(v).encode()) for v in (obj.get("data") or {}).values())
        size += sum(len(base64.b64decode(v or "")) for v in (obj.get("binaryData") or {}).values())
        if size > MAX_CONFIG_SIZE:
            causes.append(("FieldValueTooLong", "[]", f"Too long: must have at most {MAX_CONFIG_SIZE} bytes"))
    if resource_type.group == "" and resource_type.kind == "Secret":
        size = sum(len(k) + len(base64.b64decode(v or "")) for k, v in (obj.get("data") or {}).items())
        if size > MAX_CONFIG_SIZE:
            causes.append(
                ("FieldValueTooLong", "data", f"Too long: must have at most {MAX_CONFIG_SIZE} bytes")
            )
    if resource_type.group == "batch":
        for pod_spec, prefix in _pod_specs(resource_type, obj):
            policy = pod_spec.get("restartPolicy")
            if policy not in ("OnFailure", "Never"):
                causes.append(
                    (
                        "FieldValueNotSupported" if policy else "FieldValueRequired",
                        f"{prefix}.restartPolicy",
                        f'Unsupported value: "{policy}": supported values: "OnFailure", "Never"'
                        if policy
                        else 'Required value: valid values: "OnFailure", "Never"',
                    )
                )
    if (resource_type.group, resource_type.kind) == ("batch", "CronJob"):
        schedule = (obj.get("spec") or {}).get("schedule")
        if isinstance(schedule, str):
            problem = cron_schedule_error(schedule)
            if problem:
                causes.append(
                    ("FieldValueInvalid", "spec.schedule", f'Invalid value: "{schedule}": {problem}')
                )
    for pod_spec, prefix in _pod_specs(resource_type, obj):
        causes += _pod_spec_errors(pod_spec, prefix)
    return causes
