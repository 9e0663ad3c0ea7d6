"""A newcomer's ``kc chat`` shows the push of an approval made in another terminal (or when it will go out)."""

from __future__ import annotations

import os
import queue
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.domain.demands import DemandInput, submit_demand
from bot.store.engine import Database
from tests.web.test_serve_process import KC

pytestmark = pytest.mark.slow
BEIJING = timezone(timedelta(hours=8))


def _env(data: Path, quiet_hours: str) -> dict[str, str]:
    """Default settings of a fresh clone (samples seeded, real WeChat API base), a temp data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KC_")}
    return {**env, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PYTHONUNBUFFERED": "1",
            "KC_DATA_DIR": str(data), "KC_EMBEDDING_MODEL": "none", "KC_QUIET_HOURS": quiet_hours}


class Terminal:
    """``kc chat`` in a subprocess: type lines, wait for output."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([*KC, "chat", "--openid", "o_newcomer"], cwd=cwd, env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def wait_for(self, *needles: str, timeout: float = 90.0) -> str:
        """The first output line holding every needle (fails with everything seen)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, "".join(self.seen)
                continue
            self.seen.append(line)
            if all(n in line for n in needles):
                return line
        pytest.fail(f"no line with {needles}:\n" + "".join(self.seen))

    def close(self) -> None:
        if self.proc.poll() is None:
            self.type("/退出")
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _pending_demand(data: Path) -> str:
    """A demand of the chat user awaiting review (what the demand dialogue leaves behind)."""
    db = Database(f"sqlite:///{data / 'kc.sqlite3'}")
    data_in = DemandInput(company="示例精密机械有限公司", industry="高端装备制造", need_type="技术攻关",
                          title="数控机床主轴热变形补偿", description="主轴升温后加工精度下降，想找团队解决。",
                          region="襄阳市高新区", contact_name="王工", contact_phone="13800001234")
    with db.session() as session:
        demand = submit_demand(session, data=data_in, appid="wx_dev", openid="o_newcomer", now=datetime.now(UTC))
        demand_id = demand.id
    db.dispose()
    return demand_id


def _quiet_now() -> str:
    """Quiet hours around the current Beijing time."""
    now = datetime.now(BEIJING)
    return f"{(now - timedelta(hours=1)):%H:%M}-{(now + timedelta(hours=2)):%H:%M}"


@pytest.mark.parametrize("quiet", [False, True], ids=["daytime", "quiet-hours"])
def test_newcomer_sees_the_approval_push_in_kc_chat(tmp_path: Path, quiet: bool) -> None:
    spec = _quiet_now() if quiet else ""
    env = _env(tmp_path / "data", spec)
    chat = Terminal(tmp_path, env)
    try:
        chat.wait_for("就绪")
        chat.wait_for("科创助手终端对话")
        chat.type("你好")
        chat.wait_for("助手>")
        demand_id = _pending_demand(tmp_path / "data")
        approve = subprocess.run([*KC, "demands", "approve", demand_id, "--by", "联络员小李"], cwd=tmp_path, env=env, text=True,
                                 capture_output=True, timeout=180)  # the liaison officer, in another terminal
        assert approve.returncode == 0, approve.stderr[-2000:]
        if quiet:
            start, end = spec.split("-")
            chat.wait_for("【推送·暂缓】", f"（{start} 后暂缓，{end} 发送）", demand_id)
        else:
            chat.wait_for("【推送】", demand_id)
    finally:
        chat.close()
