"""The win model's figures in words, zh or en: a scored deal, the model behind it, a backtest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.win_scoring import DealScore, Fitted
from domain.win_backtest import MIN_CLOSED, Summary
from domain.win_model import MIN_HISTORY, TEAM_MIN_HISTORY
from domain.win_training import Check

FEW_SCORES = 100  # a backtest figure on fewer scores is marked as too few to go by


def percent(p: float) -> str:
    return f"{round(p * 100)}%"


def fitted_line(fitted: Fitted, locale: str = "zh") -> str:
    """What the scores rest on, and how the model did on the recent history."""
    zh, day = locale != "en", f"{fitted.as_of:%Y-%m-%d}"
    size, teams = fitted.model.pooled.size, len(fitted.model.teams)
    if fitted.pending:
        return ("模型尚未生成（每晚按全部已关闭商机更新，`dealbot score` 可随时查看）：暂按各阶段的基准赢单率估算" if zh
                else "The model is not fitted yet (every night, on all closed deals; `dealbot score` any time): "
                "stage base rates for now")
    if size < MIN_HISTORY:
        return (f"历史太少（{day} 前关闭 {fitted.closed} 个商机，样本 {size} 个，少于 {MIN_HISTORY} 个）："
                "按各阶段的基准赢单率估算" if zh else
                f"Too little history ({fitted.closed} deals closed before {day}, {size} samples, fewer than "
                f"{MIN_HISTORY}): stage base rates")
    if zh:
        own = (f"，{teams} 个团队各自建模（≥{TEAM_MIN_HISTORY} 个样本）" if teams else "，各团队合并建模")
    else:
        own = f"; {teams} teams with tables of their own (≥{TEAM_MIN_HISTORY} samples)" if teams else "; teams pooled"
    head = (f"模型：截至 {day} 已关闭的 {fitted.closed} 个商机（{size} 个样本）{own}" if zh else
            f"Model: {fitted.closed} deals closed by {day} ({size} samples){own}")
    return head + _check_words(fitted.check, zh)


def _check_words(check: Check, zh: bool) -> str:
    if not check.conclusive:
        return ""
    if check.model_wins:
        return (f"；在最近关闭的商机上检验（{check.count} 个样本）：Brier {check.brier:.3f}（按阶段 "
                f"{check.brier_stages:.3f}，越小越准）" if zh else f"; checked on the latest closed deals "
                f"({check.count} samples): Brier {check.brier:.3f} (per-stage {check.brier_stages:.3f}; "
                "lower is better)")
    return (f"。注意：模型在最近关闭的商机上明显不如按阶段的历史赢单率（Brier {check.brier:.3f} 对 "
            f"{check.brier_stages:.3f}），暂按各阶段的历史赢单率估算" if zh else
            f". Note: on the latest closed deals the model did clearly worse than the per-stage rates "
            f"(Brier {check.brier:.3f} vs {check.brier_stages:.3f}): the per-stage rates are used for now")


def reasons(scored: DealScore, locale: str = "zh") -> str:
    """The factors in words, each marked ↑ (raises the chance) or ↓ (lowers it)."""
    key = "en" if locale == "en" else "zh"
    return ("; " if key == "en" else "；").join(f"{arrow(f['weight'])}{f[key]}" for f in scored.factors())


def arrow(weight: float) -> str:
    return "↑" if weight > 0 else "↓"


def score_line(scored: DealScore, locale: str = "zh") -> str:
    deal, score, stage = scored.record.deal, scored.score, scored.facts.stage  # the stage at the moment scored
    ref = f" [{deal.ref}]" if deal.ref else ""
    why = reasons(scored, locale)
    if locale == "en":
        return (f"#{deal.id}{ref} {deal.name} · {stage.label('en')} · P(won) {percent(score.p_win)}, "
                f"within 30 days {percent(score.p_win_horizon)}" + (f" · {why}" if why else ""))
    return (f"#{deal.id}{ref} {deal.name} · {stage.label('zh')} · 赢单概率 {percent(score.p_win)}，"
            f"30天内 {percent(score.p_win_horizon)}" + (f" · {why}" if why else ""))


def evaluation_text(summaries: Sequence[Summary], cuts: Sequence[datetime], teams: Mapping[str, str],
                    locale: str = "zh") -> str:
    zh = locale != "en"
    if not cuts or not summaries[0].count:
        return (f"历史太少，无法回测：需要至少 {MIN_CLOSED} 个已关闭的商机，且截止日之后还有商机关闭。" if zh else
                f"Too little history to backtest: at least {MIN_CLOSED} closed deals are needed, and deals "
                "closing after the first cut-off.")
    lines = [f"回测：{cuts[0]:%Y-%m-%d} 起共 {len(cuts)} 个截止日；每个截止日用此前关闭的商机建模，给当时未关闭、"
             "后来已关闭的商机打分，与实际结果对比。基准：各阶段的历史赢单率。" if zh else
             f"Backtest: {len(cuts)} cut-off{'s' if len(cuts) != 1 else ''} from {cuts[0]:%Y-%m-%d}; at each, a "
             "model of the deals closed before it scores the deals open then that have closed since, against how "
             "they ended. Baseline: each stage's won share."]
    for summary in summaries:
        name = (teams.get(summary.team, summary.team) or "-") if summary.team else ("全部" if zh else "All teams")
        lines.append(_summary_line(name, summary, zh))
        lines += [("    预测 {0:.1f}–{1:.1f}：{2} 次，平均预测 {3:.2f}，实际赢单 {4:.2f}" if zh else
                   "    predicted {0:.1f}–{1:.1f}: n={2}, mean predicted {3:.2f}, won {4:.2f}").format(
                      c.low, c.high, c.count, c.predicted, c.observed) for c in summary.calibration]
    lines.append("AUC 越接近 1 越好（0.5 等于随机）；Brier 越小越好（总猜 50% 是 0.25）。" if zh else
                 "AUC: closer to 1 is better (0.5 is chance); Brier: lower is better (always 50% scores 0.25).")
    return "\n".join(lines)


def _summary_line(name: str, s: Summary, zh: bool) -> str:
    few = s.count < FEW_SCORES
    if zh:
        return (f"{name}：打分 {s.count} 次（赢单 {s.won}） AUC 模型 {s.auc:.3f} / 按阶段 {s.auc_baseline:.3f}  "
                f"Brier 模型 {s.brier:.3f} / 按阶段 {s.brier_baseline:.3f}" + ("（样本太少，仅供参考）" if few else ""))
    return (f"{name}: {s.count} scores ({s.won} won)  AUC model {s.auc:.3f} / per-stage {s.auc_baseline:.3f}  "
            f"Brier model {s.brier:.3f} / per-stage {s.brier_baseline:.3f}" + (" (too few to go by)" if few else ""))
