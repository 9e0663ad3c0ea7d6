"""Application settings: one pydantic-settings class, prefix ``KC_``, ``.env`` supported."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

WECHAT_API_BASE = "https://api.weixin.qq.com"
WeChatMode = Literal["plain", "compat", "safe"]
PLACEHOLDERS = {"", "changeme", "change-me", "placeholder", "your-token", "your-secret", "xxx", "todo", "test"}


class ConfigError(RuntimeError):
    """The configuration cannot be used in this environment."""


class Settings(BaseSettings):
    """Every knob of the deployment; see the README configuration table."""

    model_config = SettingsConfigDict(env_prefix="KC_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path("./var")
    database_url: str | None = None
    chroma_url: str | None = None

    wechat_token: str = ""
    wechat_appid: str = ""
    wechat_secret: str = ""
    wechat_aes_key: str = ""
    privacy_key: str = ""  # keys the pseudonyms that replace an erased user's openid (default: from the secrets)
    wechat_mode: WeChatMode | None = None  # 消息加解密方式; None = compat with an AES key, else plain
    wechat_max_skew_seconds: int = Field(default=300, ge=1)  # signed timestamps older/newer than this → 403
    wechat_api_base: str = WECHAT_API_BASE
    wechat_timeout: float = 5.0
    max_body_bytes: int = 64 * 1024
    reply_budget_seconds: float = 4.5
    worker_threads: int = Field(default=8, ge=1)  # answering threads per process (bot.chat.workers)
    worker_queue: int = Field(default=256, ge=1)  # messages queued or running per process before 503 (WeChat retries)

    embedding_model: str = "auto"
    reranker_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str | None = None
    llm_timeout: float = 8.0

    home_city: str = "襄阳"
    timezone: str = "Asia/Shanghai"
    draft_ttl_days: int = 7
    require_review: bool = True
    daily_push_cap: int = 5
    quiet_hours: str = "22:00-08:00"
    handoff_hours: str = "周一至周五 9:00-17:30"  # when liaison officers answer hand-off requests (北京时间)
    reminder_hours: list[int] = Field(default_factory=lambda: [24, 2])
    outbox_max_attempts: int = 6
    outbox_backoff_seconds: int = 60
    outbox_claim_seconds: int = Field(default=300, ge=1)  # a `sending` claim older than this: its sender died
    template_ids: dict[str, str] = Field(default_factory=dict)  # push kind → 模板消息 template id
    subscribe_template_ids: dict[str, str] = Field(default_factory=dict)  # push kind → 订阅通知 template id
    # told of each new 转人工 request: a list, or region → openids ("十堰市": [...], "": everyone's)
    handoff_staff_openids: list[str] | dict[str, list[str]] = Field(default_factory=list)
    scheduler: bool = True
    console_overdue_days: int = Field(default=14, ge=1)  # 匹配 board: open matches idle this long are overdue
    seed_samples: bool = True

    @field_validator("wechat_mode", mode="before")
    @classmethod
    def _blank_mode(cls, value: object) -> object:
        """An empty ``KC_WECHAT_MODE`` means the default."""
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def resolved_wechat_mode(self) -> WeChatMode:
        """The message mode in force: ``KC_WECHAT_MODE``, else compat with an AES key, else plain."""
        if self.wechat_mode is not None:
            return self.wechat_mode
        return "compat" if self.wechat_aes_key else "plain"

    @property
    def appid(self) -> str:
        """The account key records are stored under (a development placeholder when unset)."""
        return self.wechat_appid or "wx_dev"

    @property
    def pseudonym_key(self) -> str:
        """The key of erased users' pseudonyms: ``KC_PRIVACY_KEY``, else derived from the account's secrets."""
        return self.privacy_key or f"kc:{self.wechat_secret}:{self.wechat_token}:{self.appid}"

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL: ``KC_DATABASE_URL`` or SQLite under the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kc.sqlite3').resolve()}"

    def missing_wechat(self) -> list[str]:
        """Names of WeChat secrets that are unset or still placeholders."""
        needed = {
            "KC_WECHAT_TOKEN": self.wechat_token,
            "KC_WECHAT_APPID": self.wechat_appid,
            "KC_WECHAT_SECRET": self.wechat_secret,
        }
        missing = [name for name, value in needed.items() if value.strip().lower() in PLACEHOLDERS]
        if self.wechat_aes_key and len(self.wechat_aes_key) != 43:
            missing.append("KC_WECHAT_AES_KEY (must be 43 characters)")
        elif self.resolved_wechat_mode != "plain" and not self.wechat_aes_key:
            missing.append(f"KC_WECHAT_AES_KEY (required by KC_WECHAT_MODE={self.resolved_wechat_mode})")
        return missing

    def check_production(self) -> None:
        """Refuse to run in production with missing or placeholder secrets."""
        missing = self.missing_wechat()
        if self.env == "production" and missing:
            raise ConfigError("生产环境缺少或仍是占位值的配置: " + ", ".join(missing))


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; call ``get_settings.cache_clear()`` in tests)."""
    return Settings()
