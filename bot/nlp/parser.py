"""`Parser`: one rep message in, one `ParseResult` out. Build once (jieba's dictionary takes ~0.4 s)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from bot.nlp.amounts import CNY, AmountMention
from bot.nlp.commands import read_command
from bot.nlp.cues import PAYMENT_WORDS, QUOTE_WORDS
from bot.nlp.gazetteer import Gazetteer, KnownName, same_company
from bot.nlp.intents import IntentGuess, classify
from bot.nlp.pipeline import Findings, Pipelines, build_pipelines, run
from bot.nlp.problems import PENALTY, Problem, problem
from bot.nlp.refs import Found
from bot.nlp.result import Evidence, ParseResult
from bot.nlp.text import MAX_CHARS, has_words, read
from bot.nlp.when import DEFAULT_TZ, local_now, pick_next, user_zone, zone

_MONEY_INTENTS = ("stage_change", "quote", "payment")
UNREADABLE = "amount_unreadable"
MAX_STRINGS = 500_000  # token strings the spaCy vocabularies may collect before they are rebuilt


class Parser:
    """Free-text understanding for the bot. Thread-safe; the spaCy pipelines are built on first use."""

    def __init__(self, tz: str | tzinfo = DEFAULT_TZ, default_currency: str | None = None,
                 max_strings: int = MAX_STRINGS, *, always_doc: bool = False) -> None:
        self.tz = zone(tz) if isinstance(tz, str) else tz
        self.default_currency = default_currency  # None: CNY (a $, USD, 美元 ... written says otherwise)
        self.max_strings = max_strings
        self.always_doc = always_doc  # build a spaCy Doc even where no rule needs tokens (same results)
        self._pipelines: Pipelines | None = None
        self._lock = threading.Lock()
        self._parsed = 0

    @property
    def pipelines(self) -> Pipelines:
        if self._pipelines is None:
            with self._lock:
                if self._pipelines is None:
                    self._pipelines = build_pipelines()
        return self._pipelines

    def _recycle(self) -> None:
        """spaCy keeps every token string it ever saw; a bot that runs for months would grow without
        bound, so the pipelines are rebuilt (a fraction of a second: jieba stays loaded) past a limit."""
        self._parsed += 1
        pipelines = self._pipelines
        if self._parsed % 1000 or pipelines is None or not pipelines.built:
            return
        if len(pipelines.zh.vocab.strings) + len(pipelines.en.vocab.strings) > self.max_strings:
            with self._lock:
                self._pipelines = build_pipelines()

    def warm_up(self) -> None:
        """Build the pipelines now (e.g. at bot start) instead of on the first message: jieba, spaCy's
        (which only some English messages need) and every rule's first use."""
        self.parse("预算80万，明天下午3点见王总", datetime(2026, 1, 1, tzinfo=self.tz))
        self.pipelines.spacy  # noqa: B018  (built now, not on the first English message that needs it)

    def parse(
        self, text: str, now: datetime, known_customers: Sequence[KnownName | str] | Gazetteer = ()
    ) -> ParseResult:
        """Read one message written at `now`, in the zone `now` is named in (the writer's), else the
        parser's (a naive `now` or a bare offset).

        `known_customers`: a list (read for this message only) or a `Gazetteer` built once for many
        messages (the bot's is bot.understanding.known.KnownCustomers'); nothing is cached here."""
        if len(text) > MAX_CHARS:  # a paste, not a note: whatever rules found in it would be noise
            return ParseResult("unknown", problems=(problem("text_too_long", size=len(text), limit=MAX_CHARS),))
        if not text.strip():
            return ParseResult("unknown", problems=(problem("empty_message"),))
        if not has_words(text):
            return ParseResult("unknown", problems=(problem("no_text"),))
        problems: list[Problem] = []
        folded, segmented = read(text)
        findings = Findings(folded, local_now(now, user_zone(now, self.tz)), _gazetteer(known_customers))
        language = "zh" if findings.cjk else "en"
        # jieba segments the simplified reading (華潤 → 华润); values are still cut from `text`
        run(self.pipelines, findings.cjk, segmented, findings, always_doc=self.always_doc, want_doc=self.always_doc)
        self._recycle()
        result = _Assembly(findings, text, language, self.default_currency, problems).result()
        return read_command(text, result, now)  # a command form typed as a message: its own reading


def _gazetteer(known: Sequence[KnownName | str] | Gazetteer) -> Gazetteer | None:
    if isinstance(known, Gazetteer):
        return known if len(known) else None
    return Gazetteer(KnownName.of(k) for k in known) if known else None


class _Assembly:
    """Turns one message's findings into a ParseResult (choices between candidates, problems, confidence)."""

    def __init__(self, findings: Findings, text: str, language: str, currency: str | None,
                 problems: list[Problem]) -> None:
        self.f, self.text, self.language = findings, text, language
        self.default_currency = currency or CNY  # one rule with the commands: CNY unless written
        self.problems = problems
        self.evidence: list[Evidence] = []
        self.next_period = ""  # 下午 in 下周二下午: when a date-only next step is due (bot.nlp.resolve.due_at)
        self.firsts: dict[str, Found] = {}  # the first OPP, PHONE and EMAIL found
        for found in findings.refs:
            self.firsts.setdefault(found.label, found)
        self.valid = [a for a in findings.amounts if a.amount is not None]  # amounts read as values

    def result(self) -> ParseResult:
        f = self.f
        opportunity = self._first("OPP")
        company, known = self._company()
        contact = self._contact()
        guess = classify(f.text, amount_word=self._amount_word(), has_subject=bool(opportunity or company or contact),
                         has_when=any(not w.anchor for w in f.whens), has_ref=opportunity is not None,
                         probe=f.probe)
        amount = self._amount(guess.intent)
        next_at = self._next_at(guess.intent)
        phone, email = self._first("PHONE"), self._first("EMAIL")
        if guess.intent == "unknown":
            self.problems.append(problem("intent_unclear"))
        if guess.intent in _MONEY_INTENTS and opportunity is None and company is None:
            self.problems.append(problem("opportunity_missing"))
        return ParseResult(
            intent=guess.intent, opportunity=int(opportunity.value) if opportunity else None,
            company=company, contact=contact.value if contact else None,
            phone=self._written(phone), email=self._written(email),
            amount=amount.amount if amount else None,
            currency=(amount.currency or self.default_currency) if amount else None,
            stage=guess.stage, next_at=next_at, next_period=self.next_period, confidence=self._confidence(guess),
            problems=tuple(self.problems), spans=_in_order(self.evidence),
            known_customer=known, language=self.language,
        )

    def _confidence(self, guess: IntentGuess) -> float:
        score = guess.strength - sum(PENALTY[p.severity] for p in self.problems) if self.problems else guess.strength
        rounded = _ROUNDED.get(score)  # a few distinct scores: round() (slow on floats) once for each
        if rounded is None:
            rounded = round(min(1.0, max(0.0, score)), 2)
            if len(_ROUNDED) < 1024:
                _ROUNDED[score] = rounded
        return rounded

    def _written(self, found: Found | None) -> str | None:
        return self.text[found.start : found.end] if found else None

    def _note(self, label: str, start: int, end: int, value: str) -> None:
        # tuple.__new__ skips the NamedTuple's Python-level __new__ (same object)
        self.evidence.append(tuple.__new__(Evidence, (label, self.text[start:end], start, end, value)))

    def _first(self, label: str) -> Found | None:
        found = self.firsts.get(label)
        if found is not None:
            self._note(label, found.start, found.end, found.value)
        return found

    def _company(self) -> tuple[str | None, KnownName | None]:
        written = self.f.companies[0] if self.f.companies else None
        for hit in self.f.known:
            inside = written is not None and hit.start < written.end and written.start < hit.end
            if inside and written is not None and not any(same_company(written.value, k) for k in hit.matches):
                continue  # 中信 inside 中信建投证券有限公司: another company
            if len(hit.matches) > 1:
                options = "、".join(k.name for k in hit.matches[:5])
                self.problems.append(problem("company_ambiguous", (hit.start, hit.end),
                                             text=self.text[hit.start : hit.end], options=options))
                break
            self._note("COMPANY", hit.start, hit.end, hit.matches[0].name)
            return hit.matches[0].name, hit.matches[0]
        if written is None:
            return None, None
        self._note("COMPANY", written.start, written.end, written.value)
        return self.text[written.start : written.end], None

    def _contact(self) -> Found | None:
        if not self.f.contacts:
            return None
        spans = [(c.start, c.end) for c in self.f.companies] + [(k.start, k.end) for k in self.f.known]
        for contact in sorted(self.f.contacts, key=lambda c: c.start):
            if all(contact.end <= a or b <= contact.start for a, b in spans):
                self._note("CONTACT", contact.start, contact.end, contact.value)
                return Found("CONTACT", contact.start, contact.end, self.text[contact.start : contact.end])
        return None

    def _amount_word(self) -> str | None:
        chosen = _choose_amount(self.valid, "")
        return chosen.keyword if chosen else None

    def _amount(self, intent: str) -> AmountMention | None:
        chosen = _choose_amount(self.valid, intent)
        # 预算abc万 stops the write even when another amount was read; quoted as written (abc萬)
        self.problems.extend(problem(UNREADABLE, (a.start, a.end), text=self.text[a.start : a.end])
                             for a in self.f.amounts if a.problem is not None and a.problem.code == UNREADABLE)
        if chosen is None:
            self.problems.extend(a.problem for a in self.f.amounts if a.problem is not None and a.amount is None
                                 and a.problem.code != UNREADABLE)
            return None
        if chosen.problem is not None:
            self.problems.append(chosen.problem)
        if chosen.currency is None and self.language == "en":
            written = self.text[chosen.start : chosen.end]
            self.problems.append(problem("currency_assumed", (chosen.start, chosen.end), text=written,
                                         currency=self.default_currency))
        self._note("MONEY", chosen.start, chosen.end, f"{chosen.amount} {chosen.currency or self.default_currency}")
        return chosen

    def _next_at(self, intent: str) -> date | datetime | None:
        if intent in ("query", "help"):
            return None
        chosen, found = pick_next(self.f.whens, self.f.text, self.f.now)
        self.problems.extend(found)
        if chosen is None or chosen.value is None:
            return None
        self._note("WHEN", chosen.start, chosen.end, chosen.value.isoformat())
        self.next_period = chosen.period
        return chosen.value


_ROUNDED: dict[float, float] = {}


def _in_order(evidence: list[Evidence]) -> tuple[Evidence, ...]:
    return tuple(sorted(evidence, key=_start)) if len(evidence) > 1 else tuple(evidence)


def _start(evidence: Evidence) -> int:
    return evidence.start


def _choose_amount(valid: list[AmountMention], intent: str) -> AmountMention | None:
    """Of the amounts read as values (`valid`): values over differences; the new value of a change
    (从45万调整为42万); the money word that fits the intent; else the first."""
    pool = [a for a in valid if not a.delta] or valid
    if not pool:
        return None
    changed = [a for a in pool if a.after_to]
    if changed:
        return changed[-1]
    words = QUOTE_WORDS if intent == "quote" else PAYMENT_WORDS if intent == "payment" else None
    if words is not None:
        pool = [a for a in pool if a.keyword and words.search(a.keyword)] or pool
    return pool[0]
