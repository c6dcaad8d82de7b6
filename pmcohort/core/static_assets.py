"""Static files are linked with a hash of their content, so browsers may keep them for a year.

`url_for('static', filename='app.css')` becomes `/static/app.css?v=<hash>`; a response to a
link whose hash matches the file on disk is cacheable for a year and immutable. A changed file
gets a new hash, so a new link; an old or missing hash gets the default (revalidated) caching.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request
from werkzeug.security import safe_join

ONE_YEAR = 365 * 24 * 3600


@lru_cache(maxsize=256)
def _digest(path: str, modified_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def version_of(static_folder: str, filename: str) -> str | None:
    """The content hash of a static file, or None if there is no such file."""
    path = safe_join(static_folder, filename)
    if path is None or not Path(path).is_file():
        return None
    return _digest(path, Path(path).stat().st_mtime_ns)


def init_static_assets(app: Flask) -> None:
    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            version = version_of(app.static_folder, values.get("filename", ""))
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code in (200, 304):
            filename = (request.view_args or {}).get("filename", "")
            if request.args.get("v") and request.args.get("v") == version_of(app.static_folder, filename):
                response.cache_control.public = True
                response.cache_control.max_age = ONE_YEAR
                response.cache_control.immutable = True
        return response
