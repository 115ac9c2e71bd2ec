"""`provnews browse`: Datasette on 127.0.0.1 over the browse edition of the published warehouse.

The edition (warehouse.browse_edition) is written at publish; `provnews browse` writes it again
first when the published file is newer than the edition it finds. Datasette opens it immutable
(-i): the browse view reads, never writes, and a publish during the session is seen after a
restart.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from warehouse.browse_edition import browse_edition_path, is_current, stored_metadata, write_browse_edition

BROWSE_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
STATIC_MOUNT = "provnews-static"


def current_edition(published: Path) -> Path:
    """The browse edition of the published file, written first if missing or older than the file."""
    if not published.exists():
        raise FileNotFoundError(f"no published warehouse at {published}: run `provnews run` first")
    edition = browse_edition_path(published)
    if not is_current(edition, published):
        write_browse_edition(published)
    return edition


def datasette_arguments(edition: Path, metadata: Path, port: int) -> list[str]:
    return [
        sys.executable, "-m", "datasette", "serve",
        "-i", str(edition),
        "--host", HOST,
        "--port", str(port),
        "--metadata", str(metadata),
        "--template-dir", str(BROWSE_DIR / "templates"),
        "--plugins-dir", str(BROWSE_DIR / "plugins"),
        "--static", f"{STATIC_MOUNT}:{BROWSE_DIR / 'static'}",
        "--setting", "sql_time_limit_ms", "5000",
        "--setting", "default_page_size", "50",
        "--setting", "facet_time_limit_ms", "1000",
        # Leads and sentences run to hundreds of words: tables show their start, the row the rest.
        "--setting", "truncate_cells_html", "160",
    ]


def serve(published: Path, port: int) -> None:
    """Replace this process by Datasette serving the current edition (its PID is this one)."""
    edition = current_edition(published)
    metadata = edition.with_name("browse-metadata.json")
    temporary = metadata.with_name(f".{metadata.name}.tmp-{os.getpid()}")
    described = stored_metadata(edition) | {"extra_js_urls": [f"/{STATIC_MOUNT}/browse.js"]}
    temporary.write_text(json.dumps(described, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, metadata)
    print(f"browse: http://{HOST}:{port}/ (read-only, {edition})", flush=True)
    arguments = datasette_arguments(edition, metadata, port)
    os.execv(arguments[0], arguments)
