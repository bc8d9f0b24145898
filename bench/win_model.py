"""The win model against the per-stage baseline on a synthetic company, end to end (issue #13).

    .venv/bin/python bench/win_model.py [--deals 4000] [--seeds 7,8,9] [--every 91]

For each seed: bench/win_company.py writes the company's three years of deals as a spreadsheet (.csv);
`dealbot import deals FILE --commit` loads it into a fresh SQLite database (its 8 reps in 4 teams come from
the config); `dealbot model evaluate --json` backtests on it: at a cut-off every `--every` days, a model of
the deals closed before it scores every deal open at it, each against how the deal ended. The baseline, in
the same run, is each stage's won share in the same history. Printed per seed: AUC and Brier score of both,
overall and per team, and the model's calibration table; then min / median / max over the seeds.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.win_company import REPS, TEAMS, company, rows  # noqa: E402

DEALBOT = str(ROOT / ".venv" / "bin" / "dealbot")


def config(work: Path) -> Path:
    people = "\n".join(f'[[users]]\nname = "{rep}"\nrole = "rep"\nteam = "{TEAMS[n // 2]}"\n'
                       for n, rep in enumerate(REPS))
    teams = "\n".join(f'[[teams]]\nname = "{team}"\n' for team in TEAMS)
    path = work / "dealbot.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{work}/company.db"\n\n{teams}\n{people}', "utf-8")
    return path


def dealbot(*argv: str) -> str:
    done = subprocess.run([DEALBOT, *argv], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"dealbot {' '.join(argv)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def one_seed(deals: int, seed: int, every: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sheet = work / "deals.csv"
        with sheet.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(rows(company(deals, seed)))
        cfg = str(config(work))
        started = time.perf_counter()
        dealbot("import", "deals", str(sheet), "--commit", "--config", cfg)
        imported = time.perf_counter() - started
        started = time.perf_counter()
        printed = dealbot("model", "evaluate", "--json", "--every", str(every), "--config", cfg)
        report: dict[str, Any] = json.loads(printed)
        report["seconds"] = {"import": imported, "evaluate": time.perf_counter() - started}
        return report


def show(seed: int, deals: int, report: dict[str, Any]) -> None:
    everyone, *teams = report["teams"]
    took = report["seconds"]
    print(f"[seed {seed}] {deals} deals imported in {took['import']:.1f} s, evaluated in {took['evaluate']:.1f} s "
          f"({len(report['cutoffs'])} cut-offs): {everyone['count']} scores; AUC model {everyone['auc']:.3f} vs "
          f"per-stage {everyone['auc_baseline']:.3f}; Brier model {everyone['brier']:.3f} vs per-stage "
          f"{everyone['brier_baseline']:.3f}")
    for t in teams:
        print(f"    {t['team']}: n={t['count']}  AUC model {t['auc']:.3f} / stage {t['auc_baseline']:.3f}  "
              f"Brier model {t['brier']:.3f} / stage {t['brier_baseline']:.3f}")
    for row in everyone["calibration"]:
        print(f"    predicted {row['low']:.1f}–{row['high']:.1f}: n={row['count']:4d}  mean {row['predicted']:.3f}  "
              f"won {row['observed']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=4000)
    parser.add_argument("--seeds", default="7,8,9")
    parser.add_argument("--every", type=int, default=91, help="days between the backtest's cut-offs")
    args = parser.parse_args()
    results = []
    for seed in (int(s) for s in args.seeds.split(",")):
        report = one_seed(args.deals, seed, args.every)
        show(seed, args.deals, report)
        everyone = report["teams"][0]
        results.append((everyone["auc"], everyone["auc_baseline"], everyone["brier"], everyone["brier_baseline"]))
    for i, name in enumerate(("AUC model", "AUC per-stage", "Brier model", "Brier per-stage")):
        values = sorted(r[i] for r in results)
        print(f"{name}: min / median / max {values[0]:.3f} / {statistics.median(values):.3f} / {values[-1]:.3f}")


if __name__ == "__main__":
    main()
