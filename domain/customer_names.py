"""The ways of writing a customer that search looks up, and how search ranks what it finds.

Tiers, best first: the full name (0), a short name or an alias (1), a prefix of any of them (2), a substring
of the name, short name or an alias (3). Names are compared normalized (domain.customer.normalize_name:
NFKC, case-folded, no spaces or punctuation, no legal-form suffix); substrings case-folded. A substring needs
at least 3 characters (trigram indexes); shorter text (华为, 明途) is found by exact name and by prefix.
"""

from __future__ import annotations

from domain.customer import Customer, normalize_name

FULL_NAME, SHORT_OR_ALIAS, PREFIX, SUBSTRING = 0, 1, 2, 3
MIN_SUBSTRING = 3
KEY_LENGTH = 255


def name_keys(customer: Customer) -> list[tuple[str, str]]:
    """(kind, key) for the full name ("name"), short name ("short") and aliases ("alias"); a key written
    twice keeps its best kind."""
    found: dict[str, str] = {}
    written = [("name", customer.name), ("short", customer.short_name), *(("alias", a) for a in customer.aliases)]
    for kind, text in written:
        key = normalize_name(text or "")[:KEY_LENGTH]
        if key:
            found.setdefault(key, kind)
    return [(kind, key) for key, kind in found.items()]


def exact_tier(kind: str) -> int:
    return FULL_NAME if kind == "name" else SHORT_OR_ALIAS


def substring_needle(text: str) -> str:
    """What a substring search looks for ("" when too short for one)."""
    needle = text.casefold().replace("\n", " ").strip()
    return needle if len(needle) >= MIN_SUBSTRING else ""


def search_text(customer: Customer) -> str:
    """Case-folded name, short name and aliases, one per line: what substrings are found in."""
    parts = [customer.name, customer.short_name, *customer.aliases]
    return "\n".join(part.casefold() for part in parts if part)
