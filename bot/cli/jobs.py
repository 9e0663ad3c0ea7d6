"""``kc jobs``: the scheduled jobs."""

from __future__ import annotations

import typer

from bot.cli.common import fail, print_json, print_table, services, setup_logging

app = typer.Typer(help="定时任务：查看、手动运行一次。", no_args_is_help=True)


@app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """List the registered jobs and their schedules."""
    from jobs.registry import JOBS

    rows = [{"name": j.name, "trigger": _trigger_text(j.trigger), "description": j.description} for j in JOBS]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["name", "trigger", "description"], max_cell=40)


def _trigger_text(trigger: dict[str, object]) -> str:
    """A short human form of an APScheduler trigger spec."""
    return " ".join(f"{k}={v}" for k, v in trigger.items())


@app.command("run")
def run_cmd(name: str = typer.Argument(..., help="任务名（见 kc jobs list）"),
            as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """Run one job once, now (jobs are idempotent)."""
    from jobs.registry import run_job

    setup_logging()
    try:
        result = run_job(name, services())
    except KeyError as exc:
        fail(str(exc.args[0]))
    if as_json:
        print_json({"job": name, "result": result})
    else:
        typer.echo(f"任务 {name} 已运行：{result}")
