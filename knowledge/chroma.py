"""The one Chroma client factory: HTTP when a server URL is set, else embedded under the data dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse


def make_client(data_dir: Path | None, url: str | None = None) -> Any:
    """A Chroma client: HTTP when ``url`` is set, else persistent under ``data_dir/chroma``."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
        return chromadb.HttpClient(host=parsed.hostname or "localhost", port=port,
                                   ssl=parsed.scheme == "https", settings=settings)
    if data_dir is None:
        raise ValueError("either data_dir or url is required")
    path = Path(data_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)
