"""The object store: one revision counter, an event history for watches, and a JSON snapshot on disk.

Objects are treated as immutable once stored (writers store a fresh dict), so watch events and list answers
can share them without copying. Every write is appended to a journal before the client is answered; the
snapshot is rewritten at most every 2 s after a change (coalesced, atomic rename, then the journal is
emptied) and on shutdown. A restarted emulator loads the snapshot and replays the journal, so it sees every
acknowledged write, even after kill -9.
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
FLUSH_DELAY_SECONDS = 2.0  # the journal holds every write in between


@dataclass(frozen=True)
class Event:
    type: str  # ADDED, MODIFIED, DELETED
    group_resource: GroupResource
    obj: dict
    revision: int
    old: dict | None = None  # the object before a MODIFIED event


@dataclass(eq=False)
class Watcher:
    group_resource: GroupResource
    namespace: str | None
    matches: Callable[[dict], bool]
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)

    def _selected(self, obj: dict) -> bool:
        if self.namespace is not None and obj.get("metadata", {}).get("namespace") != self.namespace:
            return False
        return self.matches(obj)

    def translate(self, event: Event) -> tuple[str, dict] | None:
        """The event as this watch sees it, or None. As the apiserver's watch cache does, a change that
        moves an object into the selection is ADDED, and one that moves it out is DELETED (carrying the
        previous state at the new resourceVersion)."""
        if event.group_resource != self.group_resource:
            return None
        selected = self._selected(event.obj)
        if event.type == "MODIFIED" and event.old is not None:
            was_selected = self._selected(event.old)
            if selected:
                return ("MODIFIED" if was_selected else "ADDED", event.obj)
            if was_selected:
                revision = event.obj["metadata"]["resourceVersion"]
                metadata = {**event.old["metadata"], "resourceVersion": revision}
                return ("DELETED", {**event.old, "metadata": metadata})
            return None
        return (event.type, event.obj) if selected else None


def object_key(obj: dict) -> ObjectKey:
    metadata = obj["metadata"]
    return (metadata.get("namespace") or "", metadata["name"])


class Store:
    def __init__(self, snapshot: Path | None = None) -> None:
        self._objects: dict[GroupResource, dict[ObjectKey, dict]] = {}
        self._uids: dict[str, tuple[GroupResource, ObjectKey]] = {}
        self.revision = 1
        self._history: deque[Event] = deque(maxlen=HISTORY_LENGTH)
        self._watchers: set[Watcher] = set()
        self._listeners: list[Callable[[Event], None]] = []
        self._snapshot = snapshot
        self._journal_path = snapshot.with_suffix(".journal") if snapshot else None
        self._journal = None
        self._flush_handle: asyncio.TimerHandle | None = None
        if snapshot and snapshot.exists():
            self._load(snapshot)
        if self._journal_path and self._journal_path.exists():
            self._replay_journal(self._journal_path)
        self._replay_floor = self.revision
        if self._journal_path:
            self._journal = self._journal_path.open("a", encoding="utf-8")

    # --- reads
    def get(self, group_resource: GroupResource, namespace: str, name: str) -> dict | None:
        return self._objects.get(group_resource, {}).get((namespace or "", name))

    def list(self, group_resource: GroupResource, namespace: str | None = None) -> list[dict]:
        objects = self._objects.get(group_resource, {})
        selected = [obj for key, obj in objects.items() if namespace is None or key[0] == namespace]
        return sorted(selected, key=object_key)

    def by_uid(self, uid: str) -> tuple[GroupResource, dict] | None:
        """(group_resource, object) of the live object with this metadata.uid, if any."""
        found = self._uids.get(uid)
        if found is None:
            return None
        obj = self._objects.get(found[0], {}).get(found[1])
        return (found[0], obj) if obj is not None else None

    def list_at(self, group_resource: GroupResource, namespace: str | None, revision: int) -> list[dict]:
        """The objects as they were at `revision` (etcd's snapshot read, which paged lists continue from):
        the current ones with every later change undone from the history (410 if it no longer reaches)."""
        self.check_replayable(revision, continuing=True)
        objects = dict(self._objects.get(group_resource, {}))
        for event in reversed(self._history):
            if event.revision <= revision:
                break
            if event.group_resource != group_resource:
                continue
            key = object_key(event.obj)
            if event.type == "ADDED" or event.old is None:
                objects.pop(key, None)
            else:
                objects[key] = event.old
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
        old = objects.get(key)
        objects[key] = obj
        uid = obj["metadata"].get("uid")
        if uid:
            self._uids[uid] = (group_resource, key)
        event_type = "MODIFIED" if old is not None else "ADDED"
        self._announce(Event(event_type, group_resource, obj, int(obj["metadata"]["resourceVersion"]), old))
        return obj

    def remove(self, group_resource: GroupResource, obj: dict) -> dict:
        key = object_key(obj)
        self._objects.get(group_resource, {}).pop(key, None)
        self._uids.pop(obj["metadata"].get("uid", ""), None)
        revision = self.next_revision()
        gone = {**obj, "metadata": {**obj["metadata"], "resourceVersion": str(revision)}}
        self._announce(Event("DELETED", group_resource, gone, revision, obj))
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

    def oldest_replayable(self) -> int:
        """The oldest resourceVersion a watch can start from: the history begins after it (and after a
        restart, at the revision the emulator came back with, as etcd's compaction would have it)."""
        oldest = self._replay_floor
        if len(self._history) == self._history.maxlen:
            oldest = max(oldest, self._history[0].revision - 1)
        return oldest

    def check_replayable(self, revision: int, *, continuing: bool = False) -> None:
        oldest = self.oldest_replayable()
        if revision < oldest:
            if continuing:
                raise ApiError(
                    410,
                    "The provided continue parameter is too old to display a consistent list result. You can "
                    "start a new list without the continue parameter, or use the continue token in this "
                    "response to retrieve the remainder of the results. Continuing with the provided token "
                    "results in an inconsistent list - objects that were created, modified, or deleted "
                    "between the time the first chunk was returned and now may show up in the list.",
                    reason="Expired",
                )
            raise ApiError(410, f"too old resource version: {revision} ({oldest})", reason="Expired")

    def events_since(self, revision: int) -> list[Event]:
        """Events after `revision`, or 410 Gone when the history no longer reaches back that far."""
        self.check_replayable(revision)
        return [event for event in self._history if event.revision > revision]

    def _announce(self, event: Event) -> None:
        if self._journal is not None:
            # Written before the client hears back: an acknowledged write survives kill -9.
            group, plural = event.group_resource
            record = (
                [event.type, group, plural, event.obj]
                if event.type != "DELETED"
                else [
                    "DELETED",
                    group,
                    plural,
                    {"metadata": {k: event.obj["metadata"].get(k) for k in ("namespace", "name", "uid")}},
                ]
            )
            self._journal.write(json.dumps([*record, event.revision], separators=(",", ":")) + "\n")
            self._journal.flush()
        self._history.append(event)
        for watcher in list(self._watchers):
            seen = watcher.translate(event)
            if seen is not None:
                watcher.queue.put_nowait(seen)
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
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(json.dumps(state, separators=(",", ":")))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self._snapshot)
        if self._journal is not None:
            self._journal.truncate(0)  # everything it held is in the snapshot now

    def _load(self, snapshot: Path) -> None:
        try:
            state = json.loads(snapshot.read_text())
        except (OSError, ValueError) as error:
            raise SystemExit(f"kube emulator: cannot read state file {snapshot}: {error}") from error
        self.revision = int(state["revision"])
        for group, plural, obj in state["objects"]:
            self._objects.setdefault((group, plural), {})[object_key(obj)] = obj
            if obj["metadata"].get("uid"):
                self._uids[obj["metadata"]["uid"]] = ((group, plural), object_key(obj))

    def _replay_journal(self, journal: Path) -> None:
        """Writes acknowledged after the last snapshot (a torn last line, from a kill mid-write, is
        dropped)."""
        for line in journal.read_text(encoding="utf-8").splitlines():
            try:
                event_type, group, plural, obj, revision = json.loads(line)
            except ValueError:
                break
            objects = self._objects.setdefault((group, plural), {})
            key = object_key(obj)
            if event_type == "DELETED":
                gone = objects.pop(key, None)
                if gone is not None:
                    self._uids.pop(gone["metadata"].get("uid", ""), None)
            else:
                objects[key] = obj
                if obj["metadata"].get("uid"):
                    self._uids[obj["metadata"]["uid"]] = ((group, plural), key)
            self.revision = max(self.revision, int(revision))

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.flush()
