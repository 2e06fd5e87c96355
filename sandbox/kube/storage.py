"""The object store: one revision counter, an event history for watches, and a JSON snapshot on disk.

Objects are treated as immutable once stored (writers store a fresh dict), so watch events and list answers
can share them without copying. The snapshot is rewritten shortly after each change (coalesced, atomic
rename) and on shutdown, so a restarted emulator sees the same cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.kube.errors import ApiError

log = logging.getLogger(__name__)

GroupResource = tuple[str, str]
ObjectKey = tuple[str, str]  # (namespace or "", name)
HISTORY_LENGTH = 10_000
FLUSH_DELAY_SECONDS = 0.2


@dataclass(frozen=True)
class Event:
    type: str  # ADDED, MODIFIED, DELETED
    group_resource: GroupResource
    obj: dict
    revision: int


@dataclass(eq=False)
class Watcher:
    group_resource: GroupResource
    namespace: str | None
    matches: Callable[[dict], bool]
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)

    def wants(self, event: Event) -> bool:
        if event.group_resource != self.group_resource:
            return False
        metadata = event.obj.get("metadata", {})
        if self.namespace is not None and metadata.get("namespace") != self.namespace:
            return False
        return self.matches(event.obj)


def object_key(obj: dict) -> ObjectKey:
    metadata = obj["metadata"]
    return (metadata.get("namespace") or "", metadata["name"])


class Store:
    def __init__(self, snapshot: Path | None = None) -> None:
        self._objects: dict[GroupResource, dict[ObjectKey, dict]] = {}
        self.revision = 1
        self._history: deque[Event] = deque(maxlen=HISTORY_LENGTH)
        self._watchers: set[Watcher] = set()
        self._listeners: list[Callable[[Event], None]] = []
        self._snapshot = snapshot
        self._flush_handle: asyncio.TimerHandle | None = None
        if snapshot and snapshot.exists():
            self._load(snapshot)

    # --- reads
    def get(self, group_resource: GroupResource, namespace: str, name: str) -> dict | None:
        return self._objects.get(group_resource, {}).get((namespace or "", name))

    def list(self, group_resource: GroupResource, namespace: str | None = None) -> list[dict]:
        objects = self._objects.get(group_resource, {})
        selected = [obj for key, obj in objects.items() if namespace is None or key[0] == namespace]
        return sorted(selected, key=object_key)

    def group_resources(self) -> list[GroupResource]:
        return [gr for gr, objects in self._objects.items() if objects]

    def is_empty(self) -> bool:
        return not any(self._objects.values())

    # --- writes
    def next_revision(self) -> int:
        self.revision += 1
        return self.revision

    def put(self, group_resource: GroupResource, obj: dict) -> dict:
        """Store obj (whose metadata.resourceVersion the caller has already set) and announce it."""
        objects = self._objects.setdefault(group_resource, {})
        key = object_key(obj)
        event_type = "MODIFIED" if key in objects else "ADDED"
        objects[key] = obj
        self._announce(Event(event_type, group_resource, obj, int(obj["metadata"]["resourceVersion"])))
        return obj

    def remove(self, group_resource: GroupResource, obj: dict) -> dict:
        key = object_key(obj)
        self._objects.get(group_resource, {}).pop(key, None)
        revision = self.next_revision()
        gone = {**obj, "metadata": {**obj["metadata"], "resourceVersion": str(revision)}}
        self._announce(Event("DELETED", group_resource, gone, revision))
        return gone

    # --- watching
    def subscribe(self, watcher: Watcher) -> None:
        self._watchers.add(watcher)

    def unsubscribe(self, watcher: Watcher) -> None:
        self._watchers.discard(watcher)

    def end_watches(self) -> None:
        """Tell every open watch stream to finish (on shutdown), so no client holds the server open."""
        for watcher in list(self._watchers):
            watcher.queue.put_nowait(None)

    def add_listener(self, listener: Callable[[Event], None]) -> None:
        self._listeners.append(listener)

    def events_since(self, revision: int) -> list[Event]:
        """Events after `revision`, or 410 Gone when the history no longer reaches back that far."""
        history_full = len(self._history) == self._history.maxlen
        if history_full and revision < self._history[0].revision - 1:
            raise ApiError(410, f"too old resource version: {revision} ({self._history[0].revision - 1})")
        return [event for event in self._history if event.revision > revision]

    def _announce(self, event: Event) -> None:
        self._history.append(event)
        for watcher in list(self._watchers):
            if watcher.wants(event):
                watcher.queue.put_nowait(event)
        for listener in self._listeners:
            listener(event)
        self._schedule_flush()

    # --- persistence
    def _schedule_flush(self) -> None:
        if self._snapshot is None or self._flush_handle is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._flush_handle = loop.call_later(FLUSH_DELAY_SECONDS, self.flush)

    def flush(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if self._snapshot is None:
            return
        state = {
            "revision": self.revision,
            "objects": [
                [group, plural, obj]
                for (group, plural), objects in self._objects.items()
                for obj in objects.values()
            ],
        }
        temporary = self._snapshot.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, separators=(",", ":")))
        os.replace(temporary, self._snapshot)

    def _load(self, snapshot: Path) -> None:
        try:
            state = json.loads(snapshot.read_text())
        except (OSError, ValueError) as error:
            raise SystemExit(f"kube emulator: cannot read state file {snapshot}: {error}") from error
        self.revision = int(state["revision"])
        for group, plural, obj in state["objects"]:
            self._objects.setdefault((group, plural), {})[object_key(obj)] = obj

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.flush()
