"""The ``kc`` command: the top-level commands (``bot.cli.core``) and the command groups listed in ``GROUPS``."""

from __future__ import annotations

import typer

from bot.cli import achievements, chat, core, demands, events, jobs, kb, match, matches, outbox, users, wechat

app = typer.Typer(
    help="科创助手命令行：启动服务、导入数据、查看问题库/项目库/活动、知识库与匹配。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
core.register(app)


GROUPS: tuple[tuple[str, typer.Typer], ...] = (
    ("achievements", achievements.app), ("chat", chat.app), ("demands", demands.app), ("events", events.app),
    ("jobs", jobs.app), ("kb", kb.app), ("match", match.app), ("matches", matches.app), ("outbox", outbox.app),
    ("users", users.app), ("wechat", wechat.app),
)
for _name, _group in GROUPS:
    app.add_typer(_group, name=_name)


def main() -> None:
    """Entry point of the ``kc`` console script."""
    app()
