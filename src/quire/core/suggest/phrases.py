"""A table of multi-word phrases, looked up by their first two tokens.

Both the name index and the cue lists use it. Looking at the second token before
comparing whole phrases means a common first word ("Buffy", with a dozen longer
forms such as "Buffy Summers" or "Buffy/Spike") costs one dict lookup when the next
word is not the start of any of them, which is nearly always.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from quire.core.suggest.layout import TextLayout, gap_key

__all__ = ["Phrase", "PhraseTable"]


class Phrase(Protocol):
    @property
    def tokens(self) -> tuple[str, ...]: ...

    @property
    def gaps(self) -> tuple[str, ...]: ...


P = TypeVar("P", bound=Phrase)


@dataclass(slots=True)
class _Start(Generic[P]):
    single: P | None = None
    longer: dict[str, list[P]] = field(default_factory=dict)


class PhraseTable(Generic[P]):
    """Phrases by first token; ``match`` finds the longest one written at a position."""

    def __init__(self, phrases: Iterable[P], *, strict: bool) -> None:
        self.strict = strict
        grouped: dict[str, _Start[P]] = defaultdict(_Start)
        for phrase in phrases:
            start = grouped[phrase.tokens[0]]
            if len(phrase.tokens) == 1:
                start.single = phrase
            else:
                start.longer.setdefault(phrase.tokens[1], []).append(phrase)
        for start in grouped.values():
            for longer in start.longer.values():
                longer.sort(key=lambda phrase: -len(phrase.tokens))
        self.starts: dict[str, _Start[P]] = dict(grouped)

    def __contains__(self, token: str) -> bool:
        return token in self.starts

    def __bool__(self) -> bool:
        return bool(self.starts)

    def match(
        self, layout: TextLayout, index: int, words: list[str], *, single_only: bool = False
    ) -> P | None:
        """The longest phrase whose tokens are ``words[index:…]``, with matching gaps."""
        start = self.starts.get(words[index])
        if start is None:
            return None
        if start.longer and not single_only and index + 1 < len(words):
            for phrase in start.longer.get(words[index + 1], ()):
                length = len(phrase.tokens)
                if index + length > len(words):
                    continue
                if length > 2 and tuple(words[index : index + length]) != phrase.tokens:
                    continue
                if all(
                    gap_key(
                        layout.gap(index + step), layout.tokens[index + step], strict=self.strict
                    )
                    == phrase.gaps[step]
                    for step in range(length - 1)
                ):
                    return phrase
        return start.single
