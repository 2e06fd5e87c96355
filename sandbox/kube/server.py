"""HTTP: routing of Kubernetes REST paths, content negotiation, watch streams. Semantics live in api.py."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import yaml
from aiohttp import web

from sandbox.kube import discovery, openapi, openapi_protobuf, patching, protobuf, tables
from sandbox.kube.api import PATCH_APPLY, Cluster, DeleteOptions, WriteOptions
from sandbox.kube.errors import ApiError, success_status
from sandbox.kube.resources import ResourceType
from sandbox.kube.selectors import object_matcher
from sandbox.kube.storage import Watcher, object_key

log = logging.getLogger(__name__)

CLUSTER_KEY: web.AppKey[Cluster] = web.AppKey("cluster", Cluster)
TOKENS_KEY: web.AppKey[frozenset] = web.AppKey("tokens", frozenset)
OPENAPI_CACHE_KEY: web.AppKey[dict] = web.AppKey("openapi_cache", dict)
BOOKMARK_INTERVAL_SECONDS = 5.0
INITIAL_EVENTS_END = "k8s.io/initial-events-end"


def _json(body: object, status: int = 200, warnings: list[str] | None = None) -> web.Response:
    response = web.Response(
        body=json.dumps(body, separators=(",", ":")).encode(), status=status, content_type="application/json"
    )
    for warning in warnings or []:
        # RFC 7234 warn-text is a quoted-string: quotes and backslashes inside are backslash-escaped.
        escaped = warning.replace("\\", "\\\\").replace('"', '\\"')
        response.headers.add("Warning", f'299 - "{escaped}"')
    return response


def _error(error: ApiError) -> web.Response:
    return _json(error.status(), status=error.code)


@web.middleware
async def status_errors(request: web.Request, handler):
    try:
        return await handler(request)
    except ApiError as error:
        return _error(error)
    except web.HTTPNotFound:  # no route: the apiserver's 404 Status
        return _error(ApiError(404, "the server could not find the requested resource"))
    except web.HTTPMethodNotAllowed:
        return _error(
            ApiError(
                405, f"the server does not allow this method on the requested resource: {request.method}"
            )
        )
    except web.HTTPException:
        raise
    except Exception as error:  # one place turns a bug into the 500 Status a client can show
        log.exception("internal error on %s %s", request.method, request.path)
        return _error(ApiError(500, f"internal error: {error}"))


@web.middleware
async def authenticate(request: web.Request, handler):
    """No credentials is accepted (the plain kubeconfig); a bearer token must be the emulator's own."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and header[7:] not in request.app[TOKENS_KEY]:
        return _json(ApiError(401, "Unauthorized").status(), status=401)
    return await handler(request)


# --- request decoding


async def _body(request: web.Request) -> object:
    raw = await request.read()
    content_type = request.content_type
    if content_type == protobuf.MEDIA_TYPE:
        decoded = protobuf.decode(raw)
        log.debug("protobuf %s body on %s %s", decoded.get("kind"), request.method, request.path)
        return decoded
    if not raw:
        return None
    try:
        if content_type == PATCH_APPLY or content_type.endswith("yaml"):
            return yaml.safe_load(raw)
        return json.loads(raw)
    except (ValueError, yaml.YAMLError) as error:
        raise ApiError(400, f"the request body could not be decoded: {error}") from error


def _write_options(request: web.Request) -> WriteOptions:
    query = request.query
    dry_run = query.getall("dryRun", [])
    if any(value != "All" for value in dry_run):
        raise ApiError(400, f"Invalid dry run value {dry_run!r}: only 'All' is supported")
    validation = query.get("fieldValidation", "Warn")
    if validation not in ("Ignore", "Warn", "Strict"):
        raise ApiError(400, f"fieldValidation must be one of Ignore, Warn or Strict, got {validation!r}")
    return WriteOptions(
        dry_run=bool(dry_run),
        field_manager=query.get("fieldManager") or _default_manager(request),
        field_validation=validation,
        force=query_flag(request, "force"),
    )


def _default_manager(request: web.Request) -> str:
    agent = request.headers.get("User-Agent", "unknown")
    return agent.split("/", 1)[0] or "unknown"


async def _delete_options(request: web.Request) -> DeleteOptions:
    body = await _body(request) if request.can_read_body else None
    body = body if isinstance(body, dict) else {}
    query = request.query
    preconditions = body.get("preconditions") or {}
    policy = query.get("propagationPolicy") or body.get("propagationPolicy")
    if policy is None and (body.get("orphanDependents") is True or query.get("orphanDependents") == "true"):
        policy = "Orphan"
    dry_run = query.getall("dryRun", []) or body.get("dryRun") or []
    return DeleteOptions(
        dry_run="All" in dry_run,
        propagation_policy=policy,
        precondition_uid=preconditions.get("uid"),
        precondition_resource_version=preconditions.get("resourceVersion"),
        grace_period_seconds=body.get("gracePeriodSeconds"),
    )


def query_flag(request: web.Request, name: str) -> bool:
    """Booleans as Go's strconv.ParseBool reads them (the Python client sends `True`)."""
    return request.query.get(name, "").lower() in ("1", "t", "true")


def _wants_table(request: web.Request) -> bool:
    return "as=Table" in request.headers.get("Accept", "")


# --- routing


@dataclass
class Route:
    resource_type: ResourceType
    namespace: str | None
    name: str | None
    subresource: str
    watch: bool  # the legacy /watch/ path prefix


def _resolve(cluster: Cluster, parts: list[str]) -> Route | None:
    """Map path segments after the group-version prefix to a resource route."""
    if parts[:1] == ["apis"] and len(parts) >= 4:
        group, version, rest = parts[1], parts[2], parts[3:]
    elif parts[:2] == ["api", "v1"] and len(parts) >= 3:
        group, version, rest = "", "v1", parts[2:]
    else:
        return None
    watch = False
    if rest[:1] == ["watch"]:
        watch, rest = True, rest[1:]
    namespace = None
    if len(rest) >= 3 and rest[0] == "namespaces" and cluster.registry.lookup(group, version, rest[2]):
        found = cluster.registry.lookup(group, version, rest[2])
        if found and found.namespaced:
            namespace, rest = rest[1], rest[2:]
    resource_type = cluster.registry.lookup(group, version, rest[0]) if rest else None
    if resource_type is None or len(rest) > 3:
        return None
    name = rest[1] if len(rest) > 1 else None
    subresource = rest[2] if len(rest) > 2 else ""
    if subresource and subresource not in resource_type.subresources:
        return None
    return Route(resource_type, namespace, name, subresource, watch)


# --- resource requests: the route names a scope (collection, object or subresource); VERBS names the handler


Handler = Callable[[web.Request, Cluster, Route], Awaitable[web.StreamResponse]]


async def _resource(request: web.Request) -> web.StreamResponse:
    cluster = request.app[CLUSTER_KEY]
    route = _resolve(cluster, [p for p in request.path.split("/") if p])
    if route is None:
        raise ApiError(404, "the server could not find the requested resource")
    scope = "collection" if route.name is None else (route.subresource or "object")
    handler = VERBS.get((scope, request.method))
    if handler is None:
        raise ApiError(
            405, f"the server does not allow this method on the requested resource: {request.method}"
        )
    return await handler(request, cluster, route)


async def _get_or_watch(request: web.Request, cluster: Cluster, route: Route) -> web.StreamResponse:
    if route.name is None:
        if query_flag(request, "watch") or route.watch:
            return await _watch(request, cluster, route)
        return _list(request, cluster, route)
    if route.watch:
        return await _watch(request, cluster, route, name=route.name)
    obj = cluster.get(route.resource_type, route.namespace or "", route.name)
    if _wants_table(request):
        return _json(tables.table(route.resource_type, [obj], {"resourceVersion": _rv(obj)}))
    return _json(obj)


async def _log(request: web.Request, cluster: Cluster, route: Route) -> web.StreamResponse:
    cluster.get(route.resource_type, route.namespace or "", route.name or "")  # 404 for a missing pod
    return web.Response(text="", content_type="text/plain")  # nothing ran, so nothing was logged


async def _refuse_exec(request: web.Request, cluster: Cluster, route: Route) -> web.StreamResponse:
    cluster.get(route.resource_type, route.namespace or "", route.name or "")
    raise ApiError(400, "the sandbox emulator runs no containers, so there is nothing to exec into")


def _rv(obj: dict) -> str:
    return obj["metadata"]["resourceVersion"]


# --- discovery, OpenAPI, health: one handler per path


async def _health(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def _version(request: web.Request) -> web.Response:
    return _json(discovery.VERSION_INFO)


async def _core_versions(request: web.Request) -> web.Response:
    return _json(discovery.api_versions(f"{request.host}"))


async def _group_list(request: web.Request) -> web.Response:
    return _json(discovery.api_group_list(request.app[CLUSTER_KEY].registry))


async def _core_resources(request: web.Request) -> web.Response:
    return _json(discovery.resource_list(request.app[CLUSTER_KEY].registry, "", "v1"))


async def _group(request: web.Request) -> web.Response:
    document = discovery.api_group(request.app[CLUSTER_KEY].registry, request.match_info["group"])
    if not document:
        raise ApiError(404, "the server could not find the requested resource")
    return _json(document)


async def _group_resources(request: web.Request) -> web.Response:
    registry = request.app[CLUSTER_KEY].registry
    document = discovery.resource_list(registry, request.match_info["group"], request.match_info["version"])
    if not document:
        raise ApiError(404, "the server could not find the requested resource")
    return _json(document)


def _openapi_cache(request: web.Request) -> dict:
    cache = request.app[OPENAPI_CACHE_KEY]
    registry = request.app[CLUSTER_KEY].registry
    if cache.get("generation") != registry.generation:
        cache.clear()
        cache["generation"] = registry.generation
    return cache


async def _openapi_v2(request: web.Request) -> web.Response:
    cache, registry = _openapi_cache(request), request.app[CLUSTER_KEY].registry
    accept = request.headers.get("Accept", "")
    if openapi_protobuf.MEDIA_TYPE in accept or openapi_protobuf.RESPONSE_MEDIA_TYPE in accept:
        if "v2-protobuf" not in cache:
            cache["v2-protobuf"] = openapi_protobuf.document(openapi.v2_document(registry))
        return web.Response(body=cache["v2-protobuf"], content_type=openapi_protobuf.RESPONSE_MEDIA_TYPE)
    if "v2" not in cache:
        cache["v2"] = json.dumps(openapi.v2_document(registry)).encode()
    return web.Response(body=cache["v2"], content_type="application/json")


async def _openapi_v3(request: web.Request) -> web.Response:
    cache = _openapi_cache(request)
    if "v3" not in cache:
        cache["v3"] = openapi.v3_index(request.app[CLUSTER_KEY].registry)
    return _json(cache["v3"])


async def _openapi_v3_document(request: web.Request) -> web.Response:
    cache = _openapi_cache(request)
    group = request.match_info.get("group", "")
    version = request.match_info["version"]
    if not group and version != "v1":
        raise ApiError(404, "the server could not find the requested resource")
    key = f"apis/{group}/{version}" if group else "api/v1"
    if key not in cache:
        document = openapi.v3_document(request.app[CLUSTER_KEY].registry, group, version)
        if document is None:
            raise ApiError(404, "the server could not find the requested resource")
        cache[key] = json.dumps(document).encode()
    response = web.Response(body=cache[key], content_type="application/json")
    response.headers["Cache-Control"] = "public, immutable"
    return response


# --- verbs


def _list(request: web.Request, cluster: Cluster, route: Route) -> web.Response:
    resource_type = route.resource_type
    if "list" not in resource_type.verbs:
        raise ApiError(405, "the server does not allow this method on the requested resource: list")
    metadata: dict = {"resourceVersion": str(cluster.store.revision)}
    try:
        limit = int(request.query.get("limit") or 0)
    except ValueError as error:
        raise ApiError(400, "limit must be an integer") from error
    token = request.query.get("continue")
    at_revision, after = _decode_continue(token) if token else (None, None)
    # Every page of a paged list is read at the first page's revision (a snapshot, as etcd serves it) and
    # goes on after the last key served: nothing is skipped or repeated, whatever changed meanwhile.
    objects = cluster.list(
        resource_type,
        route.namespace,
        request.query.get("labelSelector"),
        request.query.get("fieldSelector"),
        at_revision=at_revision,
    )
    if at_revision is not None and after is not None:
        metadata["resourceVersion"] = str(at_revision)
        objects = [obj for obj in objects if object_key(obj) > after]
    if limit and limit < len(objects):
        objects, rest = objects[:limit], objects[limit:]
        metadata["continue"] = _encode_continue(int(metadata["resourceVersion"]), object_key(objects[-1]))
        metadata["remainingItemCount"] = len(rest)
    if _wants_table(request):
        return _json(tables.table(resource_type, objects, metadata))
    return _json(
        {
            "kind": f"{resource_type.kind}List",
            "apiVersion": resource_type.api_version,
            "metadata": metadata,
            "items": objects,
        }
    )


def _encode_continue(revision: int, key: tuple[str, str]) -> str:
    payload = json.dumps({"v": "meta.k8s.io/v1", "rv": revision, "start": list(key)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode()


def _decode_continue(token: str) -> tuple[int, tuple[str, str]]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode()))
        return int(payload["rv"]), (str(payload["start"][0]), str(payload["start"][1]))
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise ApiError(400, "continue key is not valid: " + str(error), reason="BadRequest") from error


async def _create(request: web.Request, cluster: Cluster, route: Route) -> web.Response:
    options = _write_options(request)
    body = await _body(request)
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object")
    if "create" not in route.resource_type.verbs:
        raise ApiError(405, "the server does not allow this method on the requested resource")
    created = cluster.create(route.resource_type, route.namespace or "", body, options)
    status = 200 if route.resource_type.kind.endswith("Review") else 201
    return _json(created, status=status, warnings=options.warnings)


async def _update(request: web.Request, cluster: Cluster, route: Route) -> web.Response:
    options = _write_options(request)
    body = await _body(request)
    if route.subresource == "finalize":
        # Namespace finalize: only spec.finalizers may change through it.
        current = cluster.get(route.resource_type, "", route.name or "")
        finalizers = ((body or {}).get("spec") or {}).get("finalizers") or []
        merged = {**current, "spec": {**(current.get("spec") or {}), "finalizers": finalizers}}
        return _json(cluster.update(route.resource_type, "", route.name or "", merged, options))
    obj = cluster.update(
        route.resource_type, route.namespace or "", route.name or "", body, options, route.subresource
    )
    return _json(obj, warnings=options.warnings)


async def _patch(request: web.Request, cluster: Cluster, route: Route) -> web.Response:
    options = _write_options(request)
    body = await _body(request)
    obj, created = cluster.patch(
        route.resource_type,
        route.namespace or "",
        route.name or "",
        request.content_type,
        body,
        options,
        route.subresource,
    )
    return _json(obj, status=201 if created else 200, warnings=options.warnings)


async def _delete(request: web.Request, cluster: Cluster, route: Route) -> web.Response:
    options = await _delete_options(request)
    obj = cluster.delete(route.resource_type, route.namespace or "", route.name or "", options)
    pending = (
        bool(obj["metadata"].get("deletionTimestamp"))
        and cluster.store.get(
            route.resource_type.group_resource, obj["metadata"].get("namespace", ""), obj["metadata"]["name"]
        )
        is not None
    )
    return _json(obj, status=202 if pending else 200)  # 202: accepted, finalizers still to run


async def _delete_collection(request: web.Request, cluster: Cluster, route: Route) -> web.Response:
    options = await _delete_options(request)
    deleted = cluster.delete_collection(
        route.resource_type,
        route.namespace,
        request.query.get("labelSelector"),
        request.query.get("fieldSelector"),
        options,
    )
    resource_type = route.resource_type
    return _json(
        {
            "kind": f"{resource_type.kind}List",
            "apiVersion": resource_type.api_version,
            "metadata": {"resourceVersion": str(cluster.store.revision)},
            "items": deleted,
        }
    )


async def _scale(request: web.Request, cluster: Cluster, route: Route) -> web.Response:
    resource_type = route.resource_type
    namespace, name = route.namespace or "", route.name or ""
    if request.method in ("PUT", "PATCH"):
        options = _write_options(request)
        body = await _body(request)
        if request.method == "PATCH":
            current = _scale_of(cluster.get(resource_type, namespace, name))
            body = (
                patching.merge_patch(current, body)
                if request.content_type != "application/json-patch+json"
                else patching.json_patch(current, body)
            )
        replicas = ((body or {}).get("spec") or {}).get("replicas")
        if not isinstance(replicas, int) or replicas < 0:
            raise ApiError(
                422,
                f'Scale.autoscaling "{name}" is invalid: spec.replicas: Invalid value: '
                f"{replicas}: must be greater than or equal to 0",
            )
        cluster.patch(
            resource_type,
            namespace,
            name,
            "application/merge-patch+json",
            {"spec": {"replicas": replicas}},
            options,
        )
    return _json(_scale_of(cluster.get(resource_type, namespace, name)))


def _scale_of(obj: dict) -> dict:
    status = obj.get("status") or {}
    selector = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: obj["metadata"][k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in obj["metadata"]
        },
        "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 0)},
        "status": {
            "replicas": status.get("replicas", 0),
            "selector": ",".join(f"{k}={v}" for k, v in selector.items()),
        },
    }


async def _virtual_subresource(request: web.Request, cluster: Cluster, route: Route) -> web.Response:
    cluster.get(route.resource_type, route.namespace or "", route.name or "")
    if route.subresource == "token":
        body = await _body(request) or {}
        return _json(
            {
                **body,
                "kind": "TokenRequest",
                "apiVersion": "authentication.k8s.io/v1",
                "status": {
                    "token": "sandbox-service-account-token",
                    "expirationTimestamp": "2099-01-01T00:00:00Z",
                },
            },
            status=201,
        )
    if route.subresource == "eviction":
        body = await _body(request) or {}
        delete_options = (body.get("deleteOptions") or {}) if isinstance(body, dict) else {}
        cluster.evict(
            route.namespace or "",
            route.name or "",
            DeleteOptions(
                dry_run="All" in (delete_options.get("dryRun") or request.query.getall("dryRun", [])),
                precondition_uid=(delete_options.get("preconditions") or {}).get("uid"),
            ),
        )
        return _json(success_status(), status=201)
    raise ApiError(405, f"the server does not allow this method on the requested resource: {request.method}")


# --- watch


async def _watch(
    request: web.Request, cluster: Cluster, route: Route, name: str | None = None
) -> web.StreamResponse:
    resource_type = route.resource_type
    query = request.query
    field_selector = query.get("fieldSelector")
    if name:
        field_selector = ",".join(filter(None, [field_selector, f"metadata.name={name}"]))
    matches = object_matcher(query.get("labelSelector"), field_selector)
    namespace = route.namespace if resource_type.namespaced else None
    watcher = Watcher(resource_type.group_resource, namespace, matches)
    send_initial = query_flag(request, "sendInitialEvents")
    bookmarks = query_flag(request, "allowWatchBookmarks")
    resource_version = query.get("resourceVersion", "")
    timeout = float(query["timeoutSeconds"]) if query.get("timeoutSeconds") else None

    # Subscribe before reading state, so nothing written in between is missed.
    cluster.store.subscribe(watcher)
    try:
        if send_initial or resource_version in ("", "0"):
            backlog = [("ADDED", obj) for obj in cluster.list(resource_type, namespace) if matches(obj)]
        else:
            try:
                since = int(resource_version)
            except ValueError as error:
                raise ApiError(400, f"invalid resourceVersion {resource_version!r}") from error
            try:
                backlog = [
                    seen
                    for seen in (watcher.translate(event) for event in cluster.store.events_since(since))
                    if seen is not None
                ]
            except ApiError as error:
                if error.code != 410:
                    raise
                # As the watch cache does: the stream opens, says ERROR 410 Expired, and ends; the client
                # relists.
                return await _watch_error(request, error)
        response = web.StreamResponse(
            headers={"Content-Type": "application/json", "Cache-Control": "no-cache"}
        )
        response.enable_chunked_encoding()
        await response.prepare(request)

        as_table = _wants_table(request)
        headers_sent = False

        async def send(event_type: str, obj: dict) -> None:
            nonlocal headers_sent
            if as_table and event_type != "BOOKMARK":
                # `kubectl get -w`: each event is a one-row Table; columns travel with the first only.
                obj = tables.table(resource_type, [obj], {"resourceVersion": _rv(obj)})
                if headers_sent:
                    obj["columnDefinitions"] = []
                headers_sent = True
            line = json.dumps({"type": event_type, "object": obj}, separators=(",", ":")) + "\n"
            await response.write(line.encode())

        def bookmark(initial_end: bool = False) -> dict:
            metadata: dict = {"resourceVersion": str(cluster.store.revision)}
            if initial_end:
                metadata["annotations"] = {INITIAL_EVENTS_END: "true"}
            return {"kind": resource_type.kind, "apiVersion": resource_type.api_version, "metadata": metadata}

        for event_type, obj in backlog:
            await send(event_type, cluster._present(resource_type, obj))
        if send_initial and bookmarks:
            await send("BOOKMARK", bookmark(initial_end=True))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout if timeout else None
        while True:
            wait = BOOKMARK_INTERVAL_SECONDS
            if deadline is not None:
                wait = min(wait, deadline - loop.time())
                if wait <= 0:
                    break
            try:
                event = await asyncio.wait_for(watcher.queue.get(), timeout=wait)
            except TimeoutError:
                if bookmarks:
                    await send("BOOKMARK", bookmark())
                continue
            if event is None:
                break  # the server is shutting down
            event_type, obj = event
            await send(event_type, cluster._present(resource_type, obj))
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response
    except ConnectionResetError:
        return response  # the client went away; nothing to tell it
    finally:
        cluster.store.unsubscribe(watcher)


async def _watch_error(request: web.Request, error: ApiError) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/json", "Cache-Control": "no-cache"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    line = json.dumps({"type": "ERROR", "object": error.status()}, separators=(",", ":")) + "\n"
    with contextlib.suppress(ConnectionResetError):
        await response.write(line.encode())
        await response.write_eof()
    return response


def create_app(cluster: Cluster, tokens: frozenset[str]) -> web.Application:
    app = web.Application(middlewares=[status_errors, authenticate], client_max_size=64 * 1024 * 1024)
    app[CLUSTER_KEY] = cluster
    app[TOKENS_KEY] = tokens
    app[OPENAPI_CACHE_KEY] = {}
    for path in ("/", "/healthz", "/readyz", "/livez"):
        app.router.add_get(path, _health)
    app.router.add_get("/version", _version)
    app.router.add_get("/api", _core_versions)
    app.router.add_get("/api/v1", _core_resources)
    app.router.add_get("/apis", _group_list)
    app.router.add_get("/apis/{group}", _group)
    app.router.add_get("/apis/{group}/{version}", _group_resources)
    app.router.add_get("/openapi/v2", _openapi_v2)
    app.router.add_get("/openapi/v3", _openapi_v3)
    app.router.add_get("/openapi/v3/api/{version}", _openapi_v3_document)
    app.router.add_get("/openapi/v3/apis/{group}/{version}", _openapi_v3_document)
    # Every resource path (/api/v1/..., /apis/<group>/<version>/..., with or without namespaces/<ns>/ and
    # the legacy watch/ prefix) resolves to a Route; VERBS then picks the handler for scope and method.
    app.router.add_route("*", "/api/{path:.+}", _resource)
    app.router.add_route("*", "/apis/{path:.+}", _resource)
    return app


VERBS: dict[tuple[str, str], Handler] = {
    ("collection", "GET"): _get_or_watch,
    ("collection", "POST"): _create,
    ("collection", "DELETE"): _delete_collection,
    ("object", "GET"): _get_or_watch,
    ("object", "PUT"): _update,
    ("object", "PATCH"): _patch,
    ("object", "DELETE"): _delete,
    ("status", "GET"): _get_or_watch,
    ("status", "PUT"): _update,
    ("status", "PATCH"): _patch,
    ("finalize", "PUT"): _update,
    ("scale", "GET"): _scale,
    ("scale", "PUT"): _scale,
    ("scale", "PATCH"): _scale,
    ("log", "GET"): _log,
    ("eviction", "POST"): _virtual_subresource,
    ("token", "POST"): _virtual_subresource,
    ("exec", "GET"): _refuse_exec,
    ("exec", "POST"): _refuse_exec,
}
