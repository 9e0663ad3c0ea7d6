"""The multi-process deployment the process-level test runs and ``docker-compose.yml`` mirrors.

Web workers (``kc serve --no-scheduler``), one scheduler process (``kc scheduler``), PostgreSQL and a Chroma
server; every process gets the same shared-state settings and a data directory of its own, so nothing one
process needs can come from another's files.
"""

from __future__ import annotations

WEB_COMMAND = ("serve", "--no-scheduler", "--no-seed")
SCHEDULER_COMMAND = ("scheduler",)
SHARED_ENV = ("KC_DATABASE_URL", "KC_CHROMA_URL", "KC_DATA_DIR", "KC_WECHAT_APPID", "KC_WECHAT_TOKEN",
              "KC_WECHAT_SECRET", "KC_WECHAT_API_BASE")
SERVICES = ("web", "scheduler", "postgres", "chroma")
