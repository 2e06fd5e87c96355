"""JSON logs, one object per line, each carrying the id of the request being served.

The request id lives in a context variable: the request-id middleware sets it, so every log call made
while serving that request (in the handler, the repository, the cache) is tagged without passing it down.

Records are handed to a background thread that formats and writes them: a slow log pipe must never block
the event loop, which serves every request of the process.

The access log, one line per request, skips the logging module: a LogRecord per request (created, copied
for the queue, formatted by the writer thread under the GIL) cost the API close to half its throughput.
Each access line is rendered as text on the event loop and appended to a deque; the writer thread takes
whatever has gathered there every `ACCESS_LOG_FLUSH_SECONDS` (and before any other record, so lines keep
their order) and writes it in one call. Serving a request thus costs the loop one string and one append:
no timer, no queue hand-off, no thread woken per batch. Its fields are those of any other record.
"""

from __future__ import annotations

import atexit
import collections
import contextvars
import copy
import itertools
import json
import logging
import logging.handlers
import queue
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from multidict import istr

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else was passed through `extra=` and belongs in the JSON.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


ACCESS_LOG_FLUSH_SECONDS = 0.05
_REQUEST_ID_HEADER = istr("X-Request-ID")  # (storefront.common.middlewares imports this module)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str)


class _ContextQueueHandler(logging.handlers.QueueHandler):
    """Captures what only the logging thread knows (the request id, the rendered message and traceback)
    before the record crosses to the writer thread."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record = copy.copy(record)
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        record.msg = record.getMessage()
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        return record


class _LogWriter:
    """The thread that writes the log: queued records as they come, gathered access lines every
    ACCESS_LOG_FLUSH_SECONDS."""

    _STOP = object()

    def __init__(self, handler: logging.StreamHandler) -> None:
        self.handler = handler
        self.records: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.access_lines: collections.deque[str] = collections.deque()
        self._thread = threading.Thread(target=self._run, name="log-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                record = self.records.get(timeout=ACCESS_LOG_FLUSH_SECONDS)
            except queue.Empty:
                record = None
            self._write_access_lines()
            if record is self._STOP:
                return
            if record is not None:
                self.handler.handle(record)

    def _write_access_lines(self) -> None:
        # Only this thread takes from the deque, so it holds at least the lines counted now; they are taken
        # in C (no Python loop per line), those appended meanwhile stay for the next round.
        count = len(self.access_lines)
        if not count:
            return
        lines = list(itertools.starmap(self.access_lines.popleft, itertools.repeat((), count)))
        lines.append("")  # the last line's newline
        with self.handler.lock:  # shared with handler.handle: lines never interleave
            try:
                self.handler.stream.write("\n".join(lines))
                self.handler.flush()
            except OSError:
                pass  # stderr is gone: there is nowhere left to say so

    def stop(self) -> None:
        """Write everything gathered so far, then end the thread."""
        self.records.put(self._STOP)
        self._thread.join()


_writer: _LogWriter | None = None


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every logger's records to stderr as JSON (the container runtime collects stderr)."""
    global _writer, _quoted_service  # one writer per process, replaced if configured again
    if _writer is not None:
        _writer.stop()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    _writer = _LogWriter(handler)
    _quoted_service = _quote(service)
    root = logging.getLogger()
    root.handlers[:] = [_ContextQueueHandler(_writer.records)]
    root.setLevel(level)


_quote = json.encoder.encode_basestring_ascii  # a str as a JSON string literal, in C
_quoted_service = _quote("")
_second_stamp = (-1, "")
_millisecond_stamp = (-1, "")


def _quote_or_null(value: str | None) -> str:
    return "null" if value is None else _quote(value)


def _timestamp() -> str:
    """Now, as JsonFormatter writes it (ISO 8601, UTC, milliseconds); formatted once per millisecond, the
    date and time once per second."""
    global _second_stamp, _millisecond_stamp
    millisecond = int(time.time() * 1000)
    if millisecond != _millisecond_stamp[0]:
        second, millis = divmod(millisecond, 1000)
        if second != _second_stamp[0]:
            _second_stamp = (second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
        _millisecond_stamp = (millisecond, f"{_second_stamp[1]}.{millis:03d}+00:00")
    return _millisecond_stamp[1]


@atexit.register
def _flush_logs() -> None:
    global _writer
    if _writer is not None:
        _writer.stop()
        _writer = None


# (method, path, status) -> the access line's fields that follow from them, JSON-quoted: the same few
# requests make most of the traffic. Bounded: emptied when full (paths are the clients' to choose).
_MAX_REQUEST_FIELDS = 1024
_request_fields: dict[tuple[str, str, int], tuple[str, str]] = {}


def _fields_of(method: str, path: str, status: int) -> tuple[str, str]:
    key = (method, path, status)
    fields = _request_fields.get(key)
    if fields is None:
        if len(_request_fields) >= _MAX_REQUEST_FIELDS:
            _request_fields.clear()
        fields = _request_fields[key] = (
            f'"message":{_quote(f"{method} {path} {status}")}',
            f'"method":{_quote(method)},"path":{_quote(path)},"status":{status:d}',
        )
    return fields


class JsonAccessLogger(AbstractAccessLogger):
    """aiohttp access log as structured fields instead of an Apache-style line, batched (see above).

    The line is written as text, not built as a dict and serialised: what is the same from line to line is
    quoted once (the service and logger once per process, the fields that follow from the method, path and
    status once per distinct request, the timestamp once per millisecond), and only the request id, the
    duration and the client's address per line. `tests/app/backend/test_common.py` holds it to the
    JsonFormatter's fields."""

    _head_of: _LogWriter | None = None
    _head = ""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        request_id = response.headers.get(_REQUEST_ID_HEADER)
        writer = _writer
        if writer is None:  # logging not configured by configure_logging: the plain logging path
            method, path, status = request.method, request.path, response.status
            fields = {
                "request_id": request_id,
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": round(time * 1000, 3),
                "remote": request.remote,
            }
            self.logger.info("%s %s %s", method, path, status, extra=fields)
            return
        if self._head_of is not writer:  # the fields of the service and the logger, once
            self._head = f'"level":"INFO","service":{_quoted_service},"logger":{_quote(self.logger.name)},'
            self._head_of = writer
        message, request_fields = _fields_of(request.method, request.path, response.status)
        writer.access_lines.append(
            f'{{"time":"{_timestamp()}",{self._head}{message},"request_id":{_quote_or_null(request_id)},'
            f'{request_fields},"duration_ms":{time * 1000:.3f},'
            f'"remote":{_quote_or_null(request.remote)}}}'
        )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)
