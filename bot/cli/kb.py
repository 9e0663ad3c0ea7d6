"""``kc kb``: the policy knowledge base — ingest, ask, list, remove."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from bot.settings import get_settings

app = typer.Typer(help="政策知识库：导入文档、提问、查看、删除。", no_args_is_help=True)
PROGRESS_MIN_FILES = 5


def knowledge_base() -> Any:
    """The knowledge base configured by ``KC_*`` settings."""
    from bot.container import build_knowledge_base

    return build_knowledge_base(get_settings())


def _echo_json(data: Any) -> None:
    """Print UTF-8 JSON with Chinese kept readable."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command("ingest")
def ingest_cmd(paths: list[Path] = typer.Argument(..., help="文件或目录（md/txt/html/pdf/docx）")) -> None:
    """Add or replace documents; unparseable files are reported and skipped."""
    from knowledge.ingest import expand_paths

    kb = knowledge_base()
    files = expand_paths(paths)
    if len(files) >= PROGRESS_MIN_FILES:
        from tqdm import tqdm

        with tqdm(total=len(files), unit="文件", desc="导入") as bar:
            report = kb.ingest(files, progress=lambda _path: bar.update(1))
    else:
        report = kb.ingest(files)
    for path, reason in report.skipped:
        typer.secho(f"跳过 {path}：{reason}", fg=typer.colors.YELLOW, err=True)
    typer.echo(f"已导入 {len(report.ingested)} 篇文档，共 {report.chunks} 段；跳过 {len(report.skipped)} 个文件。")
    if not report.ingested:
        raise typer.Exit(1)


@app.command("ask")
def ask_cmd(
    question: str = typer.Argument(..., help="问题"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON：answered, answer, sources"),
    city: str | None = typer.Option(None, "--city", help="问题默认所属城市（默认 KC_HOME_CITY）"),
) -> None:
    """Answer a policy question from the knowledge base (or decline)."""
    answer = knowledge_base().ask(question, home_city=city)
    if as_json:
        _echo_json(answer.as_dict())
        return
    typer.echo(answer.answer)


@app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """List stored documents."""
    docs = knowledge_base().list_docs()
    if as_json:
        _echo_json([{"doc": d.doc, "title": d.title, "city": d.city, "chunks": d.chunks, "edition": d.edition,
                     "retired": d.retired} for d in docs])
        return
    for d in docs:
        typer.echo(f"{d.doc}\t{d.city or '-'}\t{d.chunks} 段\t{d.title}{'（已停用）' if d.retired else ''}")
    typer.echo(f"共 {len(docs)} 篇文档。")


@app.command("remove")
def remove_cmd(doc: str = typer.Argument(..., help="文档 ID（文件名去掉扩展名）")) -> None:
    """Remove a document by id."""
    if not knowledge_base().remove(doc):
        typer.secho(f"错误：没有文档 {doc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(f"已删除 {doc}。")


@app.command("retire")
def retire_cmd(doc: str = typer.Argument(..., help="文档 ID（文件名去掉扩展名）"),
               restore: bool = typer.Option(False, "--restore", help="重新启用")) -> None:
    """Retire a superseded or expired document (kept and listed, never answered from), or restore it."""
    if not knowledge_base().retire(doc, not restore):
        typer.secho(f"错误：没有文档 {doc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(f"已启用 {doc}。" if restore else f"已停用 {doc}：保留在库里，机器人不再用它回答（--restore 重新启用）。")
