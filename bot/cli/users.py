"""``kc users``: console accounts (联络员后台): create, list, disable, reset a password."""

from __future__ import annotations

import sys

import typer

from bot.cli.common import fail, print_json, print_table, services
from bot.domain import staff as accounts
from bot.domain.errors import DomainError
from bot.store.models import STAFF_ROLES

app = typer.Typer(help="联络员后台账号：创建、列出、停用、重置密码。", no_args_is_help=True)
ACTOR = typer.Option("cli", "--by", envvar=["USER", "LOGNAME"], show_envvar=False, help="操作人（默认取登录用户名，否则为 cli）")
PASSWORD_STDIN = typer.Option(False, "--password-stdin", help="从标准输入读取密码（第一行）")


def _password(from_stdin: bool) -> str:
    """The password: the first line of standard input, or typed twice at a prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("密码", hide_input=True, confirmation_prompt=True))


def _refusal(exc: DomainError, name: str) -> str:
    """A refused account change in words."""
    facts = exc.facts
    if exc.code == "conflict":
        return f"用户 {name} 已存在"
    if exc.code == "not_found":
        return f"没有用户 {name}"
    if facts.get("field") == "password":
        return f"密码至少 {facts.get('minimum')} 位"
    if facts.get("field") == "role":
        return f"角色只能是 {'|'.join(STAFF_ROLES)}"
    return "用户名不合适（1–64 个字符）"


@app.command("create")
def create_cmd(
    name: str = typer.Argument(..., help="用户名"),
    role: str = typer.Option(..., "--role", help="admin（管理员）或 liaison（联络员）"),
    region: str = typer.Option(None, "--region", help="联络员负责的地区，如 十堰市（只能看到该地区的记录）"),
    password_stdin: bool = PASSWORD_STDIN,
    actor: str = ACTOR,
) -> None:
    """Create a console account."""
    password = _password(password_stdin)
    svc = services()
    try:
        with svc.db.session() as session:
            accounts.create_staff(session, name=name, role=role, region=region, password=password, actor=actor,
                                  now=svc.now(), source="cli")
    except DomainError as exc:
        fail(_refusal(exc, name))
    typer.echo(f"已创建用户 {name}（{role}{'，地区 ' + region if region else ''}）。")


@app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """List console accounts (never their passwords)."""
    svc = services()
    with svc.db.session() as session:
        rows = [{"name": u.name, "role": u.role, "region": u.region, "disabled": u.disabled,
                 "locked_until": u.locked_until, "last_login_at": u.last_login_at}
                for u in accounts.list_staff(session)]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["name", "role", "region", "disabled", "last_login_at"])


@app.command("disable")
def disable_cmd(name: str = typer.Argument(..., help="用户名"), actor: str = ACTOR) -> None:
    """Disable an account; its sessions end at once."""
    svc = services()
    try:
        with svc.db.session() as session:
            ended = accounts.disable_staff(session, name=name, actor=actor, now=svc.now(), source="cli")
    except DomainError as exc:
        fail(_refusal(exc, name))
    typer.echo(f"已停用用户 {name}，结束会话 {ended} 个。")


@app.command("reset-password")
def reset_cmd(name: str = typer.Argument(..., help="用户名"), password_stdin: bool = PASSWORD_STDIN,
              actor: str = ACTOR) -> None:
    """Set a new password (lifts a lock, ends the account's sessions)."""
    password = _password(password_stdin)
    svc = services()
    try:
        with svc.db.session() as session:
            accounts.reset_password(session, name=name, password=password, actor=actor, now=svc.now(),
                                    source="cli")
    except DomainError as exc:
        fail(_refusal(exc, name))
    typer.echo(f"已重置用户 {name} 的密码。")
