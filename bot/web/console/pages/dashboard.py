"""工作台: counts by status, demands by industry and region, the match funnel, 对接率, review and first-reply
times, events' fill rate and a weekly trend, each as an SVG chart over a selectable date range."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from bot.clock import LOCAL_TZ
from bot.domain.stats import Dashboard, dashboard
from bot.web.console import charts
from bot.web.console.auth import Console, services
from bot.web.console.pages.common import day_start, local_day
from bot.web.console.render import render
from bot.web.console.texts import MATCH_STATES

router = APIRouter(prefix="/console")
DEFAULT_DAYS = 90


@router.get("/")
def dashboard_page(request: Request, staff: Console) -> Response:
    """The dashboard over ``since``–``until`` (dates, inclusive; the last 90 days by default)."""
    svc = services(request)
    today = svc.now().astimezone(LOCAL_TZ).date()
    until = local_day(request.query_params.get("until")) or today
    since = local_day(request.query_params.get("since")) or until - timedelta(days=DEFAULT_DAYS - 1)
    since, until = min(since, until), max(since, until)
    with svc.db.session() as session:
        figures = dashboard(session, appid=svc.appid, since=day_start(since),
                            until=day_start(until + timedelta(days=1)), scope=staff.scope)
    return render(request, "dashboard.html", title="工作台", since=since.isoformat(), until=until.isoformat(),
                  figures=figures, charts=_charts(figures))


def _charts(f: Dashboard) -> dict[str, Markup]:
    """Every chart of the dashboard."""
    rate = f.engagement_rate
    return {
        "status": charts.bars(list(f.status_counts.items()), title="需求状态", unit=" 条"),
        "industry": charts.bars(f.by_industry, title="按行业", unit=" 条"),
        "region": charts.bars(f.by_region, title="按地区", unit=" 条"),
        "funnel": charts.bars([(MATCH_STATES[s], n) for s, n in f.funnel], title="匹配漏斗", unit=" 对"),
        "engagement": charts.bars([("已发布需求", f.published), ("进入洽谈/签约", f.engaged)], title="对接率",
                                  unit=" 条") if rate is not None else charts.bars([], title="对接率"),
        "times": charts.bars([(label, round(hours / 24, 1)) for label, hours in (
            ("提交→审核", f.review_hours), ("发布→首个意向", f.first_interest_hours)) if hours is not None],
            title="处理时长（中位数）", unit=" 天"),
        "events": charts.bars([(title, round(100 * taken / capacity)) for title, taken, capacity in f.events
                               if capacity], title="活动报名率", unit="%"),
        "weekly": charts.weekly(f.weekly, title="每周趋势", series=("新需求", "新匹配")),
    }
