"""External Secrets Operator's part, for stores of provider `aws` / service `SecretsManager`.

- A SecretStore or ClusterSecretStore is validated (its region known, STS GetCallerIdentity answered, as
  ESO's AWS provider checks that its credentials work) and gets the status ESO writes: Ready / Valid /
  "store validated", capabilities ReadOnly. Stores of other providers or services are left alone.
- An ExternalSecret whose store is Ready is synced: each `data[].remoteRef` (key, `property` read from the
  JSON value as gjson paths do, `version` as a stage or `uuid/<id>`; AWSCURRENT by default) and
  `dataFrom[].extract` are read from Secrets Manager, `target.template` (engineVersion v2, `data`, `type`,
  `metadata`; sandbox/kube/go_template.py) is rendered, the target Secret is written as
  `target.creationPolicy` says (Owner: created with an owner reference, so it is garbage collected with
  the ExternalSecret; Orphan; Merge: into an existing Secret; None: nothing written), labelled
  `reconcile.external-secrets.io/managed=true` and annotated with ESO's data hash. The status carries
  Ready / SecretSynced / "secret synced", `refreshTime`, `syncedResourceVersion` (ESO's
  "<generation>-<hash of labels and annotations>") and `binding.name`; a failure gives Ready False /
  SecretSyncedError with a message naming what failed, never a value.
- It is synced again when its spec, labels or annotations change, when its Secret is changed or deleted,
  and every `refreshInterval` ("0": never), by a timer.

IRSA is not checked: the sandbox's credentials are used whatever `auth` says.
"""

from __future__ import annotations

import base64
import copy
import datetime
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from sandbox.kube.api import WriteOptions, now
from sandbox.kube.aws_controllers import AwsControllers, AwsEndpoint, Key, run_in_thread
from sandbox.kube.control import ControllerBase, GroupResource
from sandbox.kube.errors import ApiError
from sandbox.kube.go_template import TemplateError, render
from sandbox.kube.storage import Event

log = logging.getLogger(__name__)

GROUP = "external-secrets.io"
EXTERNAL_SECRETS: GroupResource = (GROUP, "externalsecrets")
SECRET_STORES: GroupResource = (GROUP, "secretstores")
CLUSTER_SECRET_STORES: GroupResource = (GROUP, "clustersecretstores")
SECRETS: GroupResource = ("", "secrets")
MANAGER = "external-secrets"
LABEL_MANAGED = "reconcile.external-secrets.io/managed"
ANNOTATION_DATA_HASH = "reconcile.external-secrets.io/data-hash"
DEFAULT_REFRESH = "1h"
ERROR_RETRY_SECONDS = (10, 30, 60, 300)  # a failed sync is retried, more slowly each time
DURATION_PART = re.compile(r"(\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)")
UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


class SyncError(Exception):
    """A sync failed; the message goes to the ExternalSecret's status (it never holds a secret value)."""


def go_duration(text: str) -> float:
    """Seconds in a Go duration ("1h", "15m30s", "0")."""
    if text in ("0", ""):
        return 0.0
    position, total = 0, 0.0
    for match in DURATION_PART.finditer(text):
        if match.start() != position:
            break
        total += float(match.group(1)) * UNITS[match.group(2)]
        position = match.end()
    if position != len(text):
        raise SyncError(f"invalid refreshInterval {text!r}")
    return total


def _go_map(mapping: dict[str, Any] | None, value: Any = str) -> str:
    """A map as Go's fmt prints it with %+v: keys sorted, `map[k:v k:v]`."""
    return "map[" + " ".join(f"{key}:{value(mapping[key])}" for key in sorted(mapping or {})) + "]"


def resource_version(metadata: dict) -> str:
    """ESO's syncedResourceVersion: generation, then a hash of the labels and annotations."""
    annotations, labels = _go_map(metadata.get("annotations")), _go_map(metadata.get("labels"))
    text = f"{{annotations:{annotations} labels:{labels}}}"
    return f"{metadata.get('generation', 1)}-{hashlib.sha3_224(text.encode()).hexdigest()}"


def data_hash(data: dict[str, str]) -> str:
    """ESO's data-hash annotation: the hash of the Secret's data (map[string][]byte) as %+v prints it."""
    decoded = {key: base64.b64decode(value) for key, value in data.items()}
    text = _go_map(decoded, lambda raw: "[" + " ".join(str(b) for b in raw) + "]")
    return hashlib.sha3_224(text.encode()).hexdigest()


def gjson_get(document: Any, path: str) -> Any:
    """The value at a gjson path of plain keys and indexes (`a.b`, `list.0`, `a\\.b` for a dotted key)."""
    parts = [part.replace("\\.", ".") for part in re.split(r"(?<!\\)\.", path)]
    value = document
    for part in parts:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise KeyError(path)
    return value


def _as_text(value: Any) -> str:
    """A JSON value as ESO returns it: strings as they are, everything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


@dataclass(frozen=True)
class RemoteRef:
    key: str
    version: str = ""

    def request(self) -> dict[str, str]:
        if self.version.startswith("uuid/"):
            return {"SecretId": self.key, "VersionId": self.version[len("uuid/") :]}
        return {"SecretId": self.key, "VersionStage": self.version or "AWSCURRENT"}


def condition(status: str, reason: str, message: str, previous: list[dict]) -> dict:
    """ESO's Ready condition; its transition time moves only when status or reason does."""
    before = next((c for c in previous if c.get("type") == "Ready"), {})
    unchanged = before.get("status") == status and before.get("reason") == reason
    return {
        "type": "Ready",
        "status": status,
        "reason": reason,
        "message": message,
        "lastTransitionTime": before.get("lastTransitionTime") if unchanged else now(),
    }


class ExternalSecrets(ControllerBase):
    def __init__(self, cluster, endpoint: AwsEndpoint, queue: AwsControllers) -> None:
        super().__init__(cluster)
        self.endpoint = endpoint
        self.queue = queue
        self._failures: dict[Key, int] = {}

    # --- wiring
    def routes(self) -> dict:
        return {
            EXTERNAL_SECRETS: self._on_external_secret,
            SECRET_STORES: self._on_store,
            CLUSTER_SECRET_STORES: self._on_store,
            SECRETS: self._on_secret,
        }

    def handlers(self) -> dict:
        return {"externalsecret": self.reconcile_external_secret, "secretstore": self.reconcile_store}

    def _on_external_secret(self, event: Event) -> None:
        key = ("externalsecret", event.obj["metadata"]["namespace"], event.obj["metadata"]["name"])
        if event.type == "DELETED":
            self.queue.cancel_timer(key)
            self._failures.pop(key, None)
        else:
            self.queue.enqueue(key)

    def _on_store(self, event: Event) -> None:
        if event.type != "DELETED":
            namespace = event.obj["metadata"].get("namespace", "")
            self.queue.enqueue(
                ("secretstore", event.group_resource[1], namespace, event.obj["metadata"]["name"])
            )
        self._requeue_users(event.group_resource, event.obj)

    def _on_secret(self, event: Event) -> None:
        """A Secret of an ExternalSecret changed or went: ESO watches them and puts them right."""
        for ref in event.obj["metadata"].get("ownerReferences") or ():
            if ref.get("kind") == "ExternalSecret" and ref.get("apiVersion", "").startswith(GROUP + "/"):
                self.queue.enqueue(
                    ("externalsecret", event.obj["metadata"]["namespace"], ref.get("name", ""))
                )

    def _requeue_users(self, group_resource: GroupResource, store: dict) -> None:
        kind = "ClusterSecretStore" if group_resource == CLUSTER_SECRET_STORES else "SecretStore"
        namespace = store["metadata"].get("namespace")
        for external_secret in self.cluster.store.list(EXTERNAL_SECRETS, namespace):
            ref = (external_secret.get("spec") or {}).get("secretStoreRef") or {}
            if ref.get("name") == store["metadata"]["name"] and ref.get("kind", "SecretStore") == kind:
                metadata = external_secret["metadata"]
                self.queue.enqueue(("externalsecret", metadata["namespace"], metadata["name"]))

    # --- stores
    @staticmethod
    def _aws_provider(store: dict) -> dict | None:
        provider = ((store.get("spec") or {}).get("provider") or {}).get("aws")
        return provider if provider and provider.get("service") == "SecretsManager" else None

    async def reconcile_store(self, key: Key) -> None:
        _, plural, namespace, name = key
        group_resource = (GROUP, plural)
        store = self.cluster.store.get(group_resource, namespace, name)
        if store is None or store["metadata"].get("deletionTimestamp") or self._aws_provider(store) is None:
            return
        region = self._aws_provider(store).get("region") or ""
        try:
            if not region:
                raise SyncError("region is required")
            if region != self.endpoint.region:
                raise SyncError(f"region {region} is not the sandbox's ({self.endpoint.region})")
            await run_in_thread(lambda: self.endpoint.client("sts").get_caller_identity())
        except Exception as error:  # any failure is the store's status, as in ESO
            message = (
                str(error)
                if isinstance(error, SyncError)
                else f"unable to validate store: {type(error).__name__}"
            )
            ready = ("False", "ValidationFailed", message)
        else:
            ready = ("True", "Valid", "store validated")
        store = self.cluster.store.get(group_resource, namespace, name)
        if store is None:
            return
        previous = (store.get("status") or {}).get("conditions") or []
        status = {**(store.get("status") or {}), "conditions": [condition(*ready, previous)]}
        if ready[0] == "True":
            status["capabilities"] = "ReadOnly"
        self._set_status(group_resource, store, status)

    def _store_of(self, external_secret: dict) -> tuple[dict | None, str]:
        ref = (external_secret.get("spec") or {}).get("secretStoreRef") or {}
        kind = ref.get("kind", "SecretStore")
        name = ref.get("name", "")
        if kind == "ClusterSecretStore":
            return self.cluster.store.get(CLUSTER_SECRET_STORES, "", name), f'ClusterSecretStore "{name}"'
        namespace = external_secret["metadata"]["namespace"]
        return self.cluster.store.get(SECRET_STORES, namespace, name), f'SecretStore "{name}"'

    # --- external secrets
    async def reconcile_external_secret(self, key: Key) -> None:
        _, namespace, name = key
        external_secret = self.cluster.store.get(EXTERNAL_SECRETS, namespace, name)
        if external_secret is None or external_secret["metadata"].get("deletionTimestamp"):
            return
        spec = external_secret.get("spec") or {}
        try:
            interval = go_duration(spec.get("refreshInterval", DEFAULT_REFRESH))
        except SyncError as error:
            self._fail(key, external_secret, str(error))
            return
        due = self._due_in(external_secret, interval)
        if due is not None:
            if due > 0:
                self.queue.enqueue_later(key, due)
            return
        store, store_name = self._store_of(external_secret)
        if store is None:
            self._fail(key, external_secret, f"{store_name} does not exist")
            return
        if self._aws_provider(store) is None:
            return  # another provider: not the sandbox's to play
        ready = next(
            (c for c in (store.get("status") or {}).get("conditions") or [] if c.get("type") == "Ready"), {}
        )
        if ready.get("status") != "True":
            self._fail(key, external_secret, f"{store_name} is not ready")
            return
        prefix = self._aws_provider(store).get("prefix", "")
        try:
            refs = self._remote_refs(spec, prefix)
            fetched = await run_in_thread(self._fetch, refs)
            data = self._data(spec, prefix, fetched)
        except SyncError as error:
            self._fail(key, external_secret, str(error))
            return
        current = self.cluster.store.get(EXTERNAL_SECRETS, namespace, name)
        if current is None or resource_version(current["metadata"]) != resource_version(
            external_secret["metadata"]
        ):
            return  # deleted or changed while AWS answered: that change's event has queued it again
        external_secret = current
        try:
            secret_name = self._write_secret(external_secret, data)
        except (SyncError, TemplateError) as error:
            self._fail(key, external_secret, str(error))
            return
        except ApiError as error:
            self._fail(key, external_secret, f"could not write the target Secret: {error.message}")
            return
        self._failures.pop(key, None)
        previous = (external_secret.get("status") or {}).get("conditions") or []
        status = {
            **(external_secret.get("status") or {}),
            "conditions": [condition("True", "SecretSynced", "secret synced", previous)],
            "refreshTime": now(),
            "syncedResourceVersion": resource_version(external_secret["metadata"]),
            "binding": {"name": secret_name},
        }
        self._set_status(EXTERNAL_SECRETS, external_secret, status)
        if interval > 0:
            self.queue.enqueue_later(key, interval)

    def _due_in(self, external_secret: dict, interval: float) -> float | None:
        """None when a sync is needed now; otherwise seconds until the next one (0: never)."""
        status = external_secret.get("status") or {}
        if status.get("syncedResourceVersion") != resource_version(external_secret["metadata"]):
            return None
        ready = next((c for c in status.get("conditions") or [] if c.get("type") == "Ready"), {})
        if ready.get("status") != "True" or not self._secret_is_valid(external_secret):
            return None
        if interval == 0:
            return 0.0
        try:
            refreshed = datetime.datetime.strptime(
                status.get("refreshTime", ""), "%Y-%m-%dT%H:%M:%SZ"
            ).replace(tzinfo=datetime.UTC)
        except ValueError:
            return None
        remaining = (refreshed - datetime.datetime.now(datetime.UTC)).total_seconds() + interval
        return remaining if remaining > 0 else None

    def _secret_is_valid(self, external_secret: dict) -> bool:
        """The target Secret is there with the data last written (or nothing is to be written)."""
        target = (external_secret.get("spec") or {}).get("target") or {}
        if target.get("creationPolicy", "Owner") == "None":
            return True
        secret = self.cluster.store.get(
            SECRETS, external_secret["metadata"]["namespace"], self._target_name(external_secret)
        )
        if secret is None:
            return False
        annotations = secret["metadata"].get("annotations") or {}
        return annotations.get(ANNOTATION_DATA_HASH) == data_hash(secret.get("data") or {})

    @staticmethod
    def _target_name(external_secret: dict) -> str:
        target = (external_secret.get("spec") or {}).get("target") or {}
        return target.get("name") or external_secret["metadata"]["name"]

    @staticmethod
    def _remote_refs(spec: dict, prefix: str) -> list[RemoteRef]:
        refs: list[RemoteRef] = []
        for index, item in enumerate(spec.get("data") or []):
            remote = item.get("remoteRef") or {}
            if not remote.get("key"):
                raise SyncError(f"spec.data[{index}].remoteRef.key is required")
            refs.append(RemoteRef(prefix + remote["key"], remote.get("version", "")))
        for index, item in enumerate(spec.get("dataFrom") or []):
            extract = item.get("extract")
            if extract is None or set(item) - {"extract", "rewrite"} or item.get("rewrite"):
                raise SyncError(f"spec.dataFrom[{index}]: only extract is supported by the sandbox")
            if not extract.get("key"):
                raise SyncError(f"spec.dataFrom[{index}].extract.key is required")
            refs.append(RemoteRef(prefix + extract["key"], extract.get("version", "")))
        return list(dict.fromkeys(refs))

    def _fetch(self, refs: list[RemoteRef]) -> dict[RemoteRef, bytes]:
        """Each referenced secret's value (in the worker thread)."""
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.endpoint.client("secretsmanager")
        values: dict[RemoteRef, bytes] = {}
        for ref in refs:
            try:
                answer = client.get_secret_value(**ref.request())
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if code == "ResourceNotFoundException":
                    raise SyncError(
                        f"could not get secret data from provider: secret {ref.key!r} does not exist"
                    ) from None
                raise SyncError(
                    f"could not get secret data from provider: secret {ref.key!r}: {code}"
                ) from None
            except BotoCoreError as error:
                raise SyncError(f"could not get secret data from provider: {type(error).__name__}") from None
            values[ref] = (
                answer["SecretString"].encode() if "SecretString" in answer else answer["SecretBinary"]
            )
        return values

    @staticmethod
    def _property(raw: bytes, key: str, prop: str) -> Any:
        try:
            return gjson_get(json.loads(raw), prop)
        except (ValueError, KeyError):
            raise SyncError(f"key {prop} does not exist in secret {key}") from None

    def _data(self, spec: dict, prefix: str, fetched: dict[RemoteRef, bytes]) -> dict[str, bytes]:
        """The values by secretKey, as ESO gathers them before templating (dataFrom first, data over it)."""
        data: dict[str, bytes] = {}
        for item in spec.get("dataFrom") or []:
            extract = item["extract"]
            ref = RemoteRef(prefix + extract["key"], extract.get("version", ""))
            raw = fetched[ref]
            document = self._property(raw, ref.key, extract["property"]) if extract.get("property") else None
            if document is None:
                try:
                    document = json.loads(raw)
                except ValueError:
                    raise SyncError(f"unable to unmarshal secret {ref.key}: not a JSON object") from None
            if not isinstance(document, dict):
                raise SyncError(f"unable to unmarshal secret {ref.key}: not a JSON object")
            data.update({name: _as_text(value).encode() for name, value in document.items()})
        for item in spec.get("data") or []:
            remote = item["remoteRef"]
            ref = RemoteRef(prefix + remote["key"], remote.get("version", ""))
            raw = fetched[ref]
            if remote.get("property"):
                raw = _as_text(self._property(raw, ref.key, remote["property"])).encode()
            data[item["secretKey"]] = raw
        return data

    # --- the target Secret
    def _write_secret(self, external_secret: dict, values: dict[str, bytes]) -> str:
        spec = external_secret.get("spec") or {}
        target = spec.get("target") or {}
        policy = target.get("creationPolicy", "Owner")
        name = self._target_name(external_secret)
        if policy == "None":
            return name
        template = target.get("template")
        labels: dict[str, str] = {}
        annotations: dict[str, str] = {}
        secret_type = "Opaque"  # noqa: S105 - a Secret type, not a password
        if template is None:
            data = values
        else:
            if template.get("engineVersion", "v2") != "v2":
                raise SyncError(
                    f"template engineVersion {template['engineVersion']} is not supported by the sandbox"
                )
            if template.get("templateFrom"):
                raise SyncError("template.templateFrom is not supported by the sandbox")
            strings = {}
            for secret_key, raw in values.items():
                try:
                    strings[secret_key] = raw.decode()
                except UnicodeDecodeError:
                    raise SyncError(f"value of {secret_key} is not text; templates need text") from None
            data = dict(values) if template.get("mergePolicy") == "Merge" else {}
            for data_key, text in (template.get("data") or {}).items():
                try:
                    data[data_key] = render(text, strings).encode()
                except TemplateError as error:
                    raise SyncError(f"could not render template data {data_key}: {error}") from None
            metadata = template.get("metadata") or {}
            labels.update(metadata.get("labels") or {})
            annotations.update(metadata.get("annotations") or {})
            secret_type = template.get("type") or secret_type
        encoded = {key: base64.b64encode(value).decode() for key, value in data.items()}
        namespace = external_secret["metadata"]["namespace"]
        existing = self.cluster.store.get(SECRETS, namespace, name)
        options = WriteOptions(field_manager=MANAGER)
        owner = {
            "apiVersion": external_secret.get("apiVersion", f"{GROUP}/v1"),
            "kind": "ExternalSecret",
            "name": external_secret["metadata"]["name"],
            "uid": external_secret["metadata"]["uid"],
            "controller": True,
            "blockOwnerDeletion": True,
        }
        if policy == "Merge":
            if existing is None:
                raise SyncError(f"target Secret {name} does not exist (creationPolicy Merge)")
            encoded = {**(existing.get("data") or {}), **encoded}
        elif existing is not None and policy == "Owner":
            controller = next(
                (r for r in existing["metadata"].get("ownerReferences") or [] if r.get("controller")), None
            )
            if controller is not None and controller.get("uid") != owner["uid"]:
                raise SyncError(
                    f"target Secret {name} is owned by {controller.get('kind')} {controller.get('name')}"
                )
        body = (
            copy.deepcopy(existing)
            if existing is not None
            else {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": namespace}}
        )
        metadata = body["metadata"]
        metadata["labels"] = {**(metadata.get("labels") or {}), **labels, LABEL_MANAGED: "true"}
        metadata["annotations"] = {
            **(metadata.get("annotations") or {}),
            **annotations,
            ANNOTATION_DATA_HASH: data_hash(encoded),
        }
        if policy == "Owner":
            others = [r for r in metadata.get("ownerReferences") or [] if r.get("uid") != owner["uid"]]
            metadata["ownerReferences"] = [*others, owner]
        body["data"] = encoded
        body.pop("stringData", None)
        if existing is None or policy != "Merge":
            body["type"] = secret_type if existing is None else existing.get("type", secret_type)
        if existing is None:
            self.cluster.create(self.type(*SECRETS), namespace, body, options)
        elif body != existing:
            self.cluster.update(self.type(*SECRETS), namespace, name, body, options)
        return name

    # --- status
    def _fail(self, key: Key, external_secret: dict, message: str) -> None:
        failures = self._failures.get(key, 0)
        self._failures[key] = failures + 1
        self.queue.enqueue_later(key, ERROR_RETRY_SECONDS[min(failures, len(ERROR_RETRY_SECONDS) - 1)])
        previous = (external_secret.get("status") or {}).get("conditions") or []
        status = {
            **(external_secret.get("status") or {}),
            "conditions": [condition("False", "SecretSyncedError", message, previous)],
        }
        self._set_status(EXTERNAL_SECRETS, external_secret, status)

    def _set_status(self, group_resource: GroupResource, obj: dict, status: dict) -> None:
        if obj.get("status") == status:
            return
        current = self.cluster.store.get(
            group_resource, obj["metadata"].get("namespace", ""), obj["metadata"]["name"]
        )
        if current is None:
            return
        try:
            self.cluster.update(
                self.type(*group_resource),
                obj["metadata"].get("namespace", ""),
                obj["metadata"]["name"],
                {**copy.deepcopy(current), "status": status},
                WriteOptions(field_manager=MANAGER),
                subresource="status",
            )
        except ApiError as error:
            log.debug(
                "status of %s/%s not written: %s", group_resource, obj["metadata"]["name"], error.message
            )
