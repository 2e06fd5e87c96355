"""Static assets under content-hashed names.

At startup every file under the static directory gets a name with a digest of its content in it
(``app.css`` -> ``app.3f2a9c1e.css``). Templates ask for ``static_url('app.css')``; a new deploy with changed
content yields a new URL, so CDNs and browsers may keep the hashed files forever.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from aiohttp import web

IMMUTABLE = "public, max-age=31536000, immutable"
# Unhashed names still work (for a hand-typed URL or an old page), but must be revalidated every time.
REVALIDATE = "no-cache"
DIGEST_LENGTH = 8

# Stated explicitly rather than left to the platform's mime.types, which differ between distributions.
CONTENT_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}


def hashed_name(relative: PurePosixPath, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()[:DIGEST_LENGTH]
    return str(relative.with_name(f"{relative.stem}.{digest}{relative.suffix}"))


@dataclass(frozen=True, slots=True)
class StaticManifest:
    url_prefix: str
    root: Path
    hashed_by_name: dict[str, str]
    name_by_hashed: dict[str, str]

    @classmethod
    def build(cls, root: Path, url_prefix: str = "/static/") -> StaticManifest:
        hashed_by_name: dict[str, str] = {}
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                relative = PurePosixPath(path.relative_to(root).as_posix())
                hashed_by_name[str(relative)] = hashed_name(relative, path.read_bytes())
        name_by_hashed = {hashed: name for name, hashed in hashed_by_name.items()}
        return cls(url_prefix, root, hashed_by_name, name_by_hashed)

    def __contains__(self, name: str) -> bool:
        return name in self.hashed_by_name

    def url(self, name: str) -> str:
        """The URL of an asset; raises KeyError for a file that does not exist, so typos fail loudly."""
        return self.url_prefix + self.hashed_by_name[name]

    def resolve(self, requested: str) -> tuple[Path, str] | None:
        """The file behind a requested name and the Cache-Control it is served with, or None."""
        if requested in self.name_by_hashed:
            return self.root / self.name_by_hashed[requested], IMMUTABLE
        if requested in self.hashed_by_name:
            return self.root / requested, REVALIDATE
        return None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        # Only names from the manifest are served, so no request can reach outside the static directory.
        found = self.resolve(request.match_info["path"])
        if found is None:
            raise web.HTTPNotFound()
        path, cache_control = found
        content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        response = web.FileResponse(
            path,
            headers={
                "Cache-Control": cache_control,
                "Content-Type": content_type or "application/octet-stream",
            },
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
