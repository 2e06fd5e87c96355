"""JSON logs, one object per line, each carrying the id of the request being served.

The request id lives in a context variable: the request-id middleware sets it, so every log call made
while serving that request (in the handler, the repository, the cache) is tagged without passing it down.

Records are handed to a background thread that formats and writes them (QueueHandler/QueueListener): a
slow log pipe must never block the event loop, which serves every request of the process.

The access log, one line per request, skips the logging module: a LogRecord per request (created, copied
for the queue, formatted by the writer thread under the GIL) cost the API close to half its throughput.
Each access line is rendered directly on the event loop and handed to the same writer thread in batches,
at most `ACCESS_LOG_FLUSH_SECONDS` after it was written; its fields are those of any other record.
"""

from __future__ import annotations

import asyncio
import atexit
import contextvars
import copy
import json
import logging
import logging.handlers
import queue
import sys
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else was passed through `extra=` and belongs in the JSON.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


ACCESS_LOG_FLUSH_SECONDS = 0.05
ACCESS_LOG_MAX_BATCH = 512


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "preformatted", False):
            return record.msg  # a batch of access lines, JSON already
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


_listener: logging.handlers.QueueListener | None = None
_records: queue.SimpleQueue[logging.LogRecord] | None = None


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every logger's records to stderr as JSON (the container runtime collects stderr)."""
    global _listener, _records, _quoted_service  # one listener per process, replaced if configured again
    if _listener is not None:
        _flush_access_lines()
        _listener.stop()
    writer = logging.StreamHandler(sys.stderr)
    writer.setFormatter(JsonFormatter(service))
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    _listener = logging.handlers.QueueListener(records, writer)
    _listener.start()
    _records = records
    _quoted_service = _quote(service)
    root = logging.getLogger()
    root.handlers[:] = [_ContextQueueHandler(records)]
    root.setLevel(level)


_access_lines: list[str] = []
_quote = json.encoder.encode_basestring_ascii  # a str as a JSON string literal, in C
_quoted_service = _quote("")
_second_stamp = (-1, "")


def _quote_or_null(value: str | None) -> str:
    return "null" if value is None else _quote(value)


def _timestamp() -> str:
    """Now, as JsonFormatter writes it (ISO 8601, UTC, milliseconds); the date and time are formatted once
    per second."""
    global _second_stamp
    now = time.time()
    second = int(now)
    if second != _second_stamp[0]:
        _second_stamp = (second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    return f"{_second_stamp[1]}.{int((now - second) * 1000):03d}+00:00"


_access_flush: asyncio.TimerHandle | None = None


def _flush_access_lines() -> None:
    global _access_flush
    if _access_flush is not None:
        _access_flush.cancel()  # a no-op when it is the timer itself that calls
        _access_flush = None
    if _access_lines and _records is not None:
        batch = logging.makeLogRecord(
            {
                "msg": "\n".join(_access_lines),
                "levelno": logging.INFO,
                "levelname": "INFO",
                "preformatted": True,
            }
        )
        _records.put(batch)
    _access_lines.clear()


@atexit.register
def _flush_logs() -> None:
    global _listener, _records
    if _listener is not None:
        _flush_access_lines()
        _listener.stop()
        _listener = _records = None


class JsonAccessLogger(AbstractAccessLogger):
    """aiohttp access log as structured fields instead of an Apache-style line, batched (see above).

    The line is written as text, not built as a dict and serialised: only the values that come from the
    request are JSON-quoted (by the json module's C quoting), and the timestamp's date and time are
    formatted once per second. `tests/app/backend/test_common.py` holds it to the JsonFormatter's fields."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        global _access_flush
        method, path, status = request.method, request.path, response.status
        request_id = response.headers.get("X-Request-ID")
        if _records is None:  # logging not configured by configure_logging: the plain logging path
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
        quoted_method, quoted_path = _quote(method), _quote(path)
        _access_lines.append(
            f'{{"time":"{_timestamp()}","level":"INFO","service":{_quoted_service},'
            f'"logger":{_quote(self.logger.name)},"message":{_quote(f"{method} {path} {status}")},'
            f'"request_id":{_quote_or_null(request_id)},"method":{quoted_method},"path":{quoted_path},'
            f'"status":{status:d},"duration_ms":{round(time * 1000, 3)!r},'
            f'"remote":{_quote_or_null(request.remote)}}}'
        )
        if len(_access_lines) >= ACCESS_LOG_MAX_BATCH:
            _flush_access_lines()
        elif _access_flush is None:
            _access_flush = asyncio.get_running_loop().call_later(
                ACCESS_LOG_FLUSH_SECONDS, _flush_access_lines
            )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)
