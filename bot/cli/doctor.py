"""``kc doctor``: each component either OK or what to fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from sqlalchemy import text

from bot.container import Container

MODE_NAMES = {"plain": "明文模式", "compat": "兼容模式", "safe": "安全模式"}  # KC_WECHAT_MODE → 消息加解密方式


@dataclass
class Check:
    """The outcome of one check."""

    name: str
    ok: bool
    detail: str
    optional: bool = False

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly form."""
        return asdict(self)


def check_settings(svc: Container) -> Check:
    """Settings load; say the environment and data dir."""
    s = svc.settings
    return Check("配置", True, f"KC_ENV={s.env}，KC_DATA_DIR={s.data_dir.resolve()}，本地城市={s.home_city}")


def check_database(svc: Container) -> Check:
    """The database answers and the schema is at head."""
    try:
        with svc.db.session() as session:
            version = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return Check("数据库", True, f"{svc.db.engine.dialect.name}，迁移版本 {version}")
    except Exception as exc:  # noqa: BLE001 - reported to the operator
        return Check("数据库", False, f"无法连接或未迁移（{type(exc).__name__}: {exc}）；检查 KC_DATABASE_URL")


def check_chroma(svc: Container) -> Check:
    """Chroma is reachable (server heartbeat, or the embedded store opens)."""
    url = svc.settings.chroma_url
    try:
        from knowledge.chroma import make_client

        client = make_client(svc.settings.data_dir, url)
        client.heartbeat()
        return Check("Chroma", True, f"{'服务器 ' + url if url else '嵌入式存储'}可用")
    except Exception as exc:  # noqa: BLE001
        return Check("Chroma", False, f"不可用（{type(exc).__name__}: {exc}）；检查 KC_CHROMA_URL 或数据目录权限")


def check_embedding(svc: Container) -> Check:
    """Which embedding backend loads."""
    try:
        from knowledge.embeddings import load_embedder

        embedder = load_embedder(svc.settings.embedding_model)
    except Exception as exc:  # noqa: BLE001
        return Check("向量模型", False, f"{svc.settings.embedding_model} 无法加载（{exc}）；设置 KC_EMBEDDING_MODEL")
    if not embedder.enabled:
        return Check("向量模型", True, "none：仅关键词检索（效果较差）", optional=True)
    return Check("向量模型", True, f"{embedder.name}（{embedder.dim} 维）")


def check_scheduler(svc: Container) -> Check:
    """Which process runs the scheduled jobs (the holder of the ``scheduler`` lease)."""
    from jobs.lease import current_holder
    from jobs.scheduler import LEASE_NAME

    try:
        holder = current_holder(svc.db, LEASE_NAME, svc.now())
    except Exception as exc:  # noqa: BLE001
        return Check("定时任务", False, f"无法读取调度租约（{type(exc).__name__}）")
    if holder:
        return Check("定时任务", True, f"由 {holder} 运行（调度租约持有者）")
    return Check("定时任务", False, "没有进程持有调度租约：启动 `kc serve`（不带 --no-scheduler）或 `kc scheduler`",
                 optional=True)


def check_wechat(svc: Container) -> Check:
    """WeChat credentials are present (development mode otherwise)."""
    missing = svc.settings.missing_wechat()
    if not missing:
        mode = MODE_NAMES[svc.settings.resolved_wechat_mode]
        return Check("公众号凭据", True, f"AppID {svc.settings.wechat_appid}，{mode}")
    fix = "在 .env 或环境变量中设置 " + "、".join(missing)
    return Check("公众号凭据", False, f"未配置（开发模式）；{fix}", optional=svc.settings.env == "development")


def check_message_mode(svc: Container) -> Check:
    """The 消息加解密方式 in force; safe mode is the recommendation."""
    s = svc.settings
    mode = s.resolved_wechat_mode
    if mode != "plain" and len(s.wechat_aes_key) != 43:
        return Check("消息加解密", False, f"{MODE_NAMES[mode]}需要 43 位的 KC_WECHAT_AES_KEY（EncodingAESKey）")
    detail = f"{MODE_NAMES[mode]}，时间戳窗口 ±{s.wechat_max_skew_seconds} 秒"
    if mode == "safe":
        return Check("消息加解密", True, detail)
    advice = "；建议在公众号后台改为“安全模式”，并设置 KC_WECHAT_AES_KEY 和 KC_WECHAT_MODE=safe"
    return Check("消息加解密", False, detail + advice, optional=True)


def check_llm(svc: Container) -> Check:
    """Whether a generative model is configured (optional)."""
    s = svc.settings
    if s.llm_base_url and s.llm_model:
        return Check("大模型", True, f"{s.llm_model} @ {s.llm_base_url}", optional=True)
    return Check("大模型", True, "未配置：政策问答使用抽取式回答", optional=True)


CHECKS: tuple[Callable[[Container], Check], ...] = (
    check_settings,
    check_database,
    check_chroma,
    check_embedding,
    check_scheduler,
    check_wechat,
    check_message_mode,
    check_llm,
)


def run_checks(svc: Container) -> list[Check]:
    """Run every check in order."""
    return [check(svc) for check in CHECKS]
