"""November 2026 with known usage (UTC): the counts every report of it must show.

Features (commands, buttons, undo): 新客户 4, 阶段 3, 撤销 2, 报价 1 (a button tap); one 阶段 refused.
Free text: 4 captures, 1 correction, 2 fallbacks, 1 question -> 8; undone: 1 undo of a capture + 1 correction.
Latency (ms): console 100 200 250 300 400 -> 250; wecom 50 60 70 1000 -> 65; dingtalk 5 7 10 20 30 40 60 90 100
-> 30. Pages: /dash 3, /dash/team/{id} 1. Open API calls: 3 (one refused), not replies: no latency line.
One event on 31 October and one on 1 December stay outside.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.usage import UsageEvent

NOV = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def _e(channel: str, kind: str, feature: str, latency: int | None, outcome: str = "ok",
       target: str | None = None, at: datetime = NOV) -> UsageEvent:
    return UsageEvent(at=at, person_id=None, channel=channel, kind=kind, feature=feature, outcome=outcome,
                      latency_ms=latency, target=target)


def month_events() -> list[UsageEvent]:
    console = [_e("console", "command", "新客户", ms) for ms in (100, 300, 200, 250)]
    console.append(_e("console", "command", "阶段", 400, "refused"))
    wecom = [_e("wecom", "command", "阶段", 50), _e("wecom", "command", "阶段", 60),
             _e("wecom", "button", "报价", 70), _e("wecom", "undo", "撤销", 1000, target="capture")]
    dingtalk = [_e("dingtalk", "undo", "撤销", 30), *(_e("dingtalk", "capture", "free-text:followup", ms)
                                                     for ms in (10, 20, 40, 60)),
                _e("dingtalk", "correction", "correction", 90), _e("dingtalk", "fallback", "free-text", 5, "fallback"),
                _e("dingtalk", "fallback", "free-text", 7, "fallback"), _e("dingtalk", "question", "question", 100)]
    pages = [_e("web", "page", "/dash", 5) for _ in range(3)] + [_e("web", "page", "/dash/team/{id}", 8)]
    api = [_e("api", "api", "GET /api/v1/deals", 12), _e("api", "api", "GET /api/v1/deals/{id}", 9),
           _e("api", "api", "POST /api/v1/followups", 3, "refused")]
    outside = [_e("console", "command", "新客户", 1, at=datetime(2026, 10, 31, 23, 59, tzinfo=UTC)),
               _e("console", "command", "新客户", 1, at=datetime(2026, 12, 1, tzinfo=UTC) + timedelta(seconds=0))]
    return [*console, *wecom, *dingtalk, *pages, *api, *outside]


EXPECTED_JSON = {
    "month": "2026-11",
    "most_used": [{"feature": "新客户", "feature_en": "customer add", "uses": 4},
                  {"feature": "阶段", "feature_en": "stage", "uses": 3},
                  {"feature": "撤销", "feature_en": "undo", "uses": 2},
                  {"feature": "报价", "feature_en": "quote", "uses": 1}],
    "captures": 4, "captures_undone": 2, "undo_rate": 0.5,
    "free_text": 8, "fallbacks": 2, "fallback_rate": 0.25,
    "latency": [{"channel": "console", "replies": 5, "median_ms": 250},
                {"channel": "dingtalk", "replies": 9, "median_ms": 30},
                {"channel": "wecom", "replies": 4, "median_ms": 65}],
    "page_views": [{"page": "/dash", "views": 3}, {"page": "/dash/team/{id}", "views": 1}],
    "outcomes": {"ok": 21, "fallback": 2, "refused": 2}, "api_calls": 3,
}
