"""Every way the lexicon's tags can be written, indexed by first token for one pass over a text.

The index is a dict from a token to the phrases ("forms") starting with it, longest
first, so finding all names in a text is one dict lookup per token whatever the size
of the lexicon (the Aho-Corasick idea, over words rather than letters). A form
knows which tags it may stand for (its candidates); choosing among several is done
later, with the fandom evidence of the whole text (``mentions``).

Capitalised forms are matched case-sensitively, which is what tells "Will" from
"will" and "Faith" from "faith" in the middle of a sentence. All-lowercase fandom
vocabulary ("phaser") and pairing names ("Spuffy", "spuffy") are matched in any case.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Final

from quire.core.suggest.layout import TextLayout, phrase_gaps, tokenize
from quire.core.suggest.lexicon import LexiconTag, base_name, relationship_parts
from quire.core.suggest.phrases import PhraseTable
from quire.core.tags import TagType

__all__ = ["COMMON_WORDS", "Candidate", "Form", "Kind", "NameIndex", "RawMatch"]


class Kind(IntEnum):
    """How a form was derived from its tag; lower is more trustworthy."""

    NAME = 0
    ALIAS = 1
    PART = 2
    TERM = 3


# Names that are also everyday English words. At the start of a sentence such a name
# is only believed when the same character is named elsewhere mid-sentence (see
# ``mentions``). The text itself adds to this list: a name whose lowercase form also
# occurs in the text in lowercase is treated the same way.
COMMON_WORDS: Final = frozenset(
    {
        "will", "faith", "dawn", "angel", "spike", "chase", "hope", "grace", "joy", "rose",
        "daisy", "lily", "holly", "ivy", "iris", "violet", "summer", "august", "may",
        "june", "april", "bill", "bob", "pat", "sue", "rob", "mark", "jack", "frank",
        "grant", "hunter", "ray", "drew", "guy", "art", "bones", "fury", "vision", "data",
        "quark", "rom", "morn", "nog", "pepper", "stark", "banner", "strange", "hill",
        "carter", "fox", "black", "white", "brown", "gray", "grey", "green", "young",
        "wood", "sky", "storm", "river", "song", "noble", "pond", "master", "doctor",
        "harmony", "glory", "ripper", "chief", "major", "captain", "spooky", "happy",
        "moody", "moony", "rand", "chapel", "carol", "hawkeye", "falcon", "widow",
        "buff", "cap", "pike",
    }
)  # fmt: skip

# Words at the front of a name that are titles, not names: "Mrs. Hudson" gives no
# first name, "Professor Snape" no "Professor".
_TITLES: Final = frozenset(
    {
        "mr", "mrs", "ms", "miss", "dr", "doctor", "professor", "prof", "captain", "capt",
        "inspector", "lord", "lady", "sir", "dame", "gul", "chief", "major", "colonel",
        "commander", "lieutenant", "agent", "detective", "sergeant", "the", "aunt",
        "uncle", "madam", "madame", "king", "queen", "prince", "princess", "saint", "st",
        "father", "mother", "brother", "sister", "general", "admiral", "ensign",
    }
)  # fmt: skip

_QUOTED: Final = re.compile(r"\"([^\"]+)\"")
_LEADING_ARTICLE: Final = re.compile(r"^(?:the|The)\s+")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A tag a form may stand for, and how the form was derived from it."""

    tag: int
    kind: Kind


@dataclass(slots=True)
class Form:
    """One written form: its tokens, what must lie between them, and its candidates."""

    text: str
    tokens: tuple[str, ...]
    gaps: tuple[str, ...]
    folded: bool
    candidates: list[Candidate] = field(default_factory=list)
    common_word: bool = False

    def __post_init__(self) -> None:
        self.common_word = len(self.tokens) == 1 and self.tokens[0].lower() in COMMON_WORDS


@dataclass(frozen=True, slots=True)
class RawMatch:
    """Tokens ``start`` to ``end`` (exclusive) of a layout spell ``form``."""

    start: int
    end: int
    form: Form


def _name_variants(name: str) -> tuple[list[str], list[str]]:
    """Full names and nicknames inside a character tag's name.

    'James "Bucky" Barnes' is the full name "James Barnes" with the nickname "Bucky";
    "Tom Riddle | Voldemort" is two full names; "The Doctor (Doctor Who)" is "Doctor".
    """
    base = base_name(name)
    nicknames = [nick.strip() for nick in _QUOTED.findall(base) if nick.strip()]
    base = " ".join(_QUOTED.sub(" ", base).split())
    full = [_LEADING_ARTICLE.sub("", part.strip()) for part in base.split("|") if part.strip()]
    return full, nicknames


def _parts(full_name: str) -> list[str]:
    """First and last name of a full name, if it has both, leaving out titles."""
    words = [word.strip(".,") for word in full_name.split()]
    words = [word for word in words if word]
    while words and words[0].lower() in _TITLES:
        words = words[1:]
    if len(words) < 2:
        return []
    parts = []
    for word in (words[0], words[-1]):
        letters = tokenize(word)
        if not letters or len(word) < 2 or not word[0].isupper():
            continue
        if any(character.isdigit() for character in word) or word.lower() in _TITLES:
            continue
        parts.append(word)
    return parts


class NameIndex:
    """The forms of every tag of a lexicon, ready to scan texts with."""

    def __init__(self, tags: tuple[LexiconTag, ...]) -> None:
        self.tags = tags
        self.evidence_fandoms: list[tuple[str, ...]] = [
            (tag.name,) if tag.type == TagType.FANDOM else tag.fandoms for tag in tags
        ]
        self.surnames: dict[int, str] = {}
        self.fandom_sizes: Counter[str] = Counter(
            fandom for fandoms in self.evidence_fandoms for fandom in fandoms
        )
        self._forms: dict[tuple[tuple[str, ...], tuple[str, ...], bool], Form] = {}
        for number, tag in enumerate(tags):
            self._add_tag(number, tag)
        self._settle_conflicts()
        live = [form for form in self._forms.values() if form.candidates]
        self.exact: PhraseTable[Form] = PhraseTable(
            (form for form in live if not form.folded), strict=True
        )
        self.folded: PhraseTable[Form] = PhraseTable(
            (form for form in live if form.folded), strict=True
        )
        self.members: dict[int, tuple[int, ...]] = {}
        self.platonic: dict[int, bool] = {}
        self.relationship_for: dict[tuple[frozenset[int], bool], int] = {}
        self._resolve_relationships()

    # Building

    def _add(self, text: str, tag: int, kind: Kind, *, fold_if_unique: bool = False) -> None:
        parsed = phrase_gaps(text, strict=True)
        if parsed is None:
            return
        tokens, gaps = parsed
        lowercase = text == text.lower()
        folded = lowercase or (
            fold_if_unique and len(tokens) == 1 and tokens[0].lower() not in COMMON_WORDS
        )
        if folded:
            tokens = [token.lower() for token in tokens]
        form_key = (tuple(tokens), gaps, folded)
        form = self._forms.get(form_key)
        if form is None:
            form = self._forms[form_key] = Form(text, tuple(tokens), gaps, folded)
        for position, candidate in enumerate(form.candidates):
            if candidate.tag == tag:
                if kind < candidate.kind:
                    form.candidates[position] = Candidate(tag, kind)
                return
        form.candidates.append(Candidate(tag, kind))

    def _add_tag(self, number: int, tag: LexiconTag) -> None:
        if tag.type == TagType.CHARACTER:
            full_names, nicknames = _name_variants(tag.name)
            for full in full_names:
                self._add(full, number, Kind.NAME)
            for alias in (*nicknames, *tag.aliases):
                self._add(base_name(alias), number, Kind.ALIAS)
            for full in full_names:
                parts = _parts(full)
                for part in parts:
                    self._add(part, number, Kind.PART)
                if len(parts) == 2:
                    self.surnames.setdefault(number, parts[1])
        elif tag.type == TagType.RELATIONSHIP:
            self._add(base_name(tag.name), number, Kind.NAME)
            for alias in tag.aliases:
                self._add(alias, number, Kind.ALIAS, fold_if_unique=True)
        elif tag.type == TagType.FANDOM:
            for text in (tag.name, base_name(tag.name), *tag.aliases):
                self._add(text, number, Kind.TERM)
        elif tag.fandoms:
            for text in (base_name(tag.name), *tag.aliases):
                self._add(text, number, Kind.TERM)

    def _settle_conflicts(self) -> None:
        """Drop candidates a reader would not consider.

        Vocabulary gives way to a character or relationship written the same way, and a
        first or last name alone is dropped when another character of the same fandom
        answers to it too ("Summers" is Buffy, Dawn or Joyce, so it names no one).
        """
        for form in self._forms.values():
            people = [
                candidate
                for candidate in form.candidates
                if self.tags[candidate.tag].type in (TagType.CHARACTER, TagType.RELATIONSHIP)
            ]
            if people:
                form.candidates = people
            # How many characters answer to this form in each fandom ("" for none).
            per_fandom: Counter[str] = Counter()
            for candidate in form.candidates:
                tag = self.tags[candidate.tag]
                if tag.type == TagType.CHARACTER:
                    per_fandom.update(set(tag.fandoms) or {""})
            dropped = {
                candidate.tag
                for candidate in form.candidates
                if candidate.kind == Kind.PART
                and any(
                    per_fandom[fandom] > 1 for fandom in self.tags[candidate.tag].fandoms or ("",)
                )
            }
            if dropped:
                form.candidates = [c for c in form.candidates if c.tag not in dropped]

    def _resolve_relationships(self) -> None:
        by_name: dict[str, list[int]] = defaultdict(list)
        for number, tag in enumerate(self.tags):
            if tag.type != TagType.CHARACTER:
                continue
            full_names, nicknames = _name_variants(tag.name)
            for name in {tag.name, base_name(tag.name), *full_names, *nicknames, *tag.aliases}:
                by_name[name].append(number)
        for number, tag in enumerate(self.tags):
            if tag.type != TagType.RELATIONSHIP:
                continue
            parts, platonic = relationship_parts(tag.name)
            fandoms = set(tag.fandoms)
            members: list[int] = []
            for part in parts:
                found = by_name.get(part) or by_name.get(base_name(part)) or []
                if len(found) > 1 and fandoms:
                    found = [c for c in found if fandoms & set(self.tags[c].fandoms)]
                if len(set(found)) != 1:
                    break
                members.append(found[0])
            else:
                if len(set(members)) == len(members) >= 2:
                    self.members[number] = tuple(members)
                    self.platonic[number] = platonic
                    self.relationship_for.setdefault((frozenset(members), platonic), number)

    # Scanning

    def scan(self, layout: TextLayout) -> list[RawMatch]:
        """Every place in the text where some form is written, longest match first."""
        tokens = layout.tokens
        lower = layout.lower
        exact = self.exact
        folded = self.folded
        # Only tokens that can start a form are visited in Python; finding them is one
        # comprehension, which is what keeps a 100,000-word text fast.
        places = [
            index
            for index, token in enumerate(tokens)
            if token in exact.starts or (len(token) > 2 and token.isupper())
        ]
        if folded:
            places = sorted(
                {*places, *(index for index, word in enumerate(lower) if word in folded.starts)}
            )
        matches: list[RawMatch] = []
        resume = 0
        for index in places:
            if index < resume:
                continue
            form = exact.match(layout, index, tokens)
            if form is None and folded:
                form = folded.match(layout, index, lower)
            token = tokens[index]
            if form is None and len(token) > 2 and token.isupper():
                form = exact.match(layout, 0, [token.capitalize()], single_only=True)
                if form is not None and len(form.tokens) > 1:
                    form = None
            if form is not None:
                resume = index + len(form.tokens)
                matches.append(RawMatch(index, resume, form))
        return matches
