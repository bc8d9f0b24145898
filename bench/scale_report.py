"""Markdown from bench/scale.py's JSON lines: per engine and size, min / median / max over the runs.

    python bench/scale_report.py results.jsonl [more.jsonl ...]
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

P95_LIMIT_MS, FIRST_LIMIT_MS, STALL_LIMIT_MS, RSS_LIMIT_MB = 100.0, 2000.0, 100.0, 600.0


def spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.0f}"
    return f"{min(values):.0f} / {statistics.median(values):.0f} / {max(values):.0f}"


def section(runs: list[dict[str, Any]], baseline: dict[str, float]) -> list[str]:
    first = runs[0]
    head = f"### {first['engine']} · {first['deals']:,} deals · {len(runs)} run(s)"
    lines = [head, "", "| command | n/run | median ms | p95 ms | p95 target |", "|---|---|---|---|---|"]
    for kind in sorted({k for r in runs for k in r["commands"]}):
        figures = [r["commands"][kind] for r in runs if kind in r["commands"]]
        p95s = [f["p95_ms"] for f in figures]
        limit = min(P95_LIMIT_MS, 2 * baseline[kind]) if kind in baseline else P95_LIMIT_MS
        verdict = "ok" if statistics.median(p95s) <= limit else f"MISS (> {limit:.0f})"
        lines.append(f"| {kind} | {figures[0]['n']} | {spread([f['median_ms'] for f in figures])} | "
                     f"{spread(p95s)} | {verdict} |")
    checks = [("first free text after start, ms", "first_free_text_ms", FIRST_LIMIT_MS),
              ("worst /healthz answer (stall), ms", "worst_healthz_ms", STALL_LIMIT_MS),
              ("stall logged by serve, ms", "stall_logged_ms", STALL_LIMIT_MS),
              ("peak RSS of serve, MB", "peak_rss_mb", RSS_LIMIT_MB)]
    for label, key, limit in checks:
        values = [float(r[key]) for r in runs]
        verdict = "ok" if statistics.median(values) <= limit else f"MISS (> {limit:.0f})"
        lines.append(f"| {label} | | {spread(values)} | | {verdict} |")
    lines.append(f"| start-up to first /healthz, s | | {spread([r['startup_s'] for r in runs])} | | |")
    loads = [float(r.get("load_avg_1m", float("nan"))) for r in runs]
    lines.append(f"| machine load average (1 min, 2 cores) at the end | | {spread(loads)} | | |")
    return [*lines, ""]


def report(paths: list[Path]) -> str:
    groups: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                result = json.loads(line)
                groups[(result["engine"], result["deals"])].append(result)
    out = ["Figures are min / median / max over the runs (one figure: one run). p95 target: <= 100 ms and",
           "<= 2x the same engine's 10k p95 (median over runs).", ""]
    for (engine, _deals), runs in sorted(groups.items()):
        base_runs = groups.get((engine, 10_000), [])
        baseline = {k: statistics.median([r["commands"][k]["p95_ms"] for r in base_runs if k in r["commands"]])
                    for k in {k for r in base_runs for k in r["commands"]}}
        out += section(runs, baseline)
    return "\n".join(out)


if __name__ == "__main__":
    print(report([Path(p) for p in sys.argv[1:]]))
