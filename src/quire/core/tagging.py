"""AO3's tag wrangling semantics as pure functions over plain data.

The database keeps tags and their links; this module decides what those links
mean: which tags a work is found under (its filter tags), which works a tag
page lists, which works need re-deriving after a wrangling change, and whether
a work is a crossover. Everything here works on `TagNode` values, so it can be
tested and benchmarked without a database.

Decisions where the data could be inconsistent (AO3's database forbids these
states; ours may pass through them while wranglers edit, or arrive broken
from an import):

- Ids that no node carries are ignored wherever they appear: as a merger, as a
  meta tag, or as input to a query. Nothing here raises on bad links.
- A canonical tag's `merger_id` is ignored: canonical tags are never synonyms.
- Merger chains (a synonym of a synonym) are followed to the canonical tag at
  their end. A chain that loops or ends anywhere else leaves the tag
  unwrangled.
- Meta tags count only on canonical tags, and a meta id is resolved like any
  tag: a synonym stands for its canonical tag, an unwrangled or unknown id is
  skipped. Meta cycles are allowed: every tag in a cycle inherits the others.
- Tag types are not checked against each other (a meta tag of another type
  still counts); keeping wrangling consistent is the job of the action that
  writes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from quire.core.tags import TagType

__all__ = [
    "Relationship",
    "TagGraph",
    "TagNode",
    "parse_relationship",
    "relationship_name",
]

_EMPTY: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class TagNode:
    """One tag as wrangling sees it.

    `meta_ids` are the tag's direct meta tags (its sub tags are found from
    theirs); `parent_ids` are its parent tags, such as a character's fandoms.
    Filtering does not go through parents, as on AO3.
    """

    id: int
    name: str
    type: TagType
    canonical: bool
    merger_id: int | None = None
    meta_ids: frozenset[int] = frozenset()
    parent_ids: frozenset[int] = frozenset()


class TagGraph:
    """Answers filter, listing and crossover questions about one set of tags.

    Answers are computed lazily and memoized per tag: a tag's first answer
    costs a walk over its meta tags (reusing those already answered), after
    which deriving the filter tags of a million works costs one dictionary
    lookup per tagging plus the set union. The graph is a snapshot: build a
    new one after a wrangling change (`affected_by` says which works that
    change touches).
    """

    def __init__(self, nodes: Iterable[TagNode]) -> None:
        # Later nodes replace earlier ones with the same id, as a dict would.
        self._nodes: dict[int, TagNode] = {node.id: node for node in nodes}
        self._canonical: dict[int, int | None] = {}
        self._inherited: dict[int, frozenset[int]] = {}
        self._readers: dict[int, list[int]] | None = None

    def __contains__(self, tag_id: object) -> bool:
        return tag_id in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def get(self, tag_id: int) -> TagNode | None:
        return self._nodes.get(tag_id)

    def canonical_id(self, tag_id: int) -> int | None:
        """The canonical tag `tag_id` stands for, or None if it is unwrangled or unknown."""
        memo = self._canonical
        if tag_id in memo:
            return memo[tag_id]
        nodes = self._nodes
        path: list[int] = []
        seen: set[int] = set()
        current: int | None = tag_id
        result: int | None = None
        while current is not None:
            if current in memo:
                result = memo[current]
                break
            node = nodes.get(current)
            if node is None or current in seen:
                break
            path.append(current)
            if node.canonical:
                result = current
                break
            seen.add(current)
            current = node.merger_id
        for step in path:
            memo[step] = result
        return result

    def inherited(self, tag_id: int) -> frozenset[int]:
        """The filter tags one tagging with `tag_id` gives a work.

        That is the tag's canonical form and all its meta tags, transitively.
        AO3 gives an unwrangled tag no filter tags at all, so its works cannot
        be found by it until a wrangler gets to it; Quire makes it its own
        filter tag instead, so those works stay findable by that tag (and by
        that tag only). Unknown ids give nothing.
        """
        found = self._inherited.get(tag_id)
        if found is not None:
            return found
        if tag_id not in self._nodes:
            return _EMPTY
        canonical = self.canonical_id(tag_id)
        found = frozenset((tag_id,)) if canonical is None else self._ancestors_of(canonical)
        self._inherited[tag_id] = found
        return found

    def filter_ids(self, tag_ids: Iterable[int]) -> frozenset[int]:
        """The filter tags of a work tagged with `tag_ids`: what search indexes it under."""
        # The memo is read directly because this runs once per tagging of every work.
        memo = self._inherited
        return _EMPTY.union(*[memo.get(tag_id) or self.inherited(tag_id) for tag_id in tag_ids])

    def sub_tree(self, tag_id: int) -> frozenset[int]:
        """The tags whose works are listed under `tag_id`.

        For a canonical tag: itself, its synonyms, its sub tags transitively
        and their synonyms, which is exactly the set of tags whose filter tags
        include it. A synonym lists its canonical tag's works, as AO3 sends a
        synonym's works page to its canonical tag. An unwrangled tag lists only
        its own works; an unknown id lists nothing.
        """
        if tag_id not in self._nodes:
            return _EMPTY
        canonical = self.canonical_id(tag_id)
        if canonical is None:
            return frozenset((tag_id,))
        return self._reached_from(canonical)

    def affected_by(self, tag_id: int) -> frozenset[int]:
        """The tags whose filter tags may change when `tag_id`'s wrangling changes.

        Any change to the node (made canonical or not, merged, unmerged, meta
        tags edited, or created under an id other tags already point at) can
        only change the filter tags of tags whose derivation reads that node:
        the tag itself and every tag that reaches it through mergers and meta
        tags. So asking the graph as it was before the change is enough; the
        works to re-derive are those tagged with any of these.
        """
        return self._reached_from(tag_id)

    def is_crossover(self, fandom_tag_ids: Iterable[int]) -> bool:
        """Whether a work with these fandoms is a crossover, by AO3's rule.

        AO3 (Work#crossover) resolves synonyms, gives each fandom a family of
        itself and its meta tags transitively, calls two fandoms related when
        their families share a tag, and calls the work a crossover when no one
        fandom is related to all the others. So "Buffy the Vampire Slayer" and
        "Angel" under "Buffyverse" are not a crossover, nor is a film with the
        franchise it is a sub tag of, while "Sherlock" and "Doctor Who" are.
        Relatedness is not transitive, which is why the rule asks for one
        fandom related to all rather than every pair. Tags that are not fandoms
        and unknown ids are ignored; an unwrangled fandom is a family of one.
        """
        families: dict[int, frozenset[int]] = {}
        for tag_id in fandom_tag_ids:
            node = self._nodes.get(tag_id)
            if node is None or node.type is not TagType.FANDOM:
                continue
            resolved = self.canonical_id(tag_id)
            key = tag_id if resolved is None else resolved
            families[key] = self.inherited(tag_id)
        groups = list(families.values())
        if len(groups) < 2:
            return False
        return not any(all(hub & other for other in groups) for hub in groups)

    def _meta_of(self, canonical: int) -> Iterator[int]:
        """The canonical tags a canonical tag's meta ids stand for."""
        for meta_id in self._nodes[canonical].meta_ids:
            resolved = self.canonical_id(meta_id)
            if resolved is not None:
                yield resolved

    def _ancestors_of(self, canonical: int) -> frozenset[int]:
        """A canonical tag and its meta tags, transitively.

        A walk with a seen-set, so meta cycles end, and no recursion, so long
        chains cannot exhaust the stack. A meta tag already answered is closed
        under its own meta tags: its answer is added whole, not walked again.
        """
        answers = self._inherited
        found = answers.get(canonical)
        if found is not None:
            return found
        family = {canonical}
        pending = [canonical]
        while pending:
            for meta in self._meta_of(pending.pop()):
                if meta in family:
                    continue
                known = answers.get(meta)
                if known is not None:
                    family.update(known)
                else:
                    family.add(meta)
                    pending.append(meta)
        found = answers[canonical] = frozenset(family)
        return found

    def _reached_from(self, tag_id: int) -> frozenset[int]:
        """`tag_id` and every tag whose filter derivation reads it."""
        readers = self._readers
        if readers is None:
            readers = self._readers = self._index_readers()
        seen = {tag_id}
        queue = [tag_id]
        while queue:
            for reader in readers.get(queue.pop(), ()):
                if reader not in seen:
                    seen.add(reader)
                    queue.append(reader)
        return frozenset(seen)

    def _index_readers(self) -> dict[int, list[int]]:
        """Reverse links: for each id, the tags that read it when deriving filters.

        A non-canonical tag reads its merger; a canonical tag reads its meta
        ids. Raw ids are kept, unknown ones included, so that a tag created
        under an id others already point at still reports them.
        """
        readers: dict[int, list[int]] = {}
        for node in self._nodes.values():
            if node.canonical:
                for meta_id in node.meta_ids:
                    readers.setdefault(meta_id, []).append(node.id)
            elif node.merger_id is not None:
                readers.setdefault(node.merger_id, []).append(node.id)
        return readers


@dataclass(frozen=True, slots=True)
class Relationship:
    """A relationship tag read as its characters and its kind."""

    characters: tuple[str, ...]
    romantic: bool

    @property
    def name(self) -> str:
        return relationship_name(self.characters, self.romantic)


_ROMANTIC = "/"
_PLATONIC = "&"
_SPACES = re.compile(r"\s+")


def _split_top_level(name: str) -> tuple[list[str], set[str], bool]:
    """Split at "/" and "&" outside parentheses.

    Also says which separators occurred and whether a "(" was left open.
    Parentheses hold disambiguators, which may contain either character
    ("Jack Frost (Rise of the Guardians/Books)"). A stray ")" closes nothing,
    and an unclosed "(" keeps the rest of the name in one part.
    """
    parts: list[str] = []
    separators: set[str] = set()
    depth = 0
    start = 0
    for position, char in enumerate(name):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0 and char in (_ROMANTIC, _PLATONIC):
            parts.append(name[start:position])
            separators.add(char)
            start = position + 1
    parts.append(name[start:])
    return parts, separators, depth > 0


def _squish(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def parse_relationship(name: str) -> Relationship | None:
    """Read AO3's naming convention: "A/B" is romantic, "A & B" platonic.

    Any number of characters is allowed ("A/B/C" is a poly relationship);
    whitespace is trimmed and runs of it squished, as AO3 does to tag names.
    Returns None when the name does not describe one relationship: fewer than
    two characters, an empty part ("A/", "A//B"), a "(" left open, or a mix
    of "/" and "&" ("A/B & C"): a mix says two things at once, and Quire
    will not guess which characters are paired how, so such a tag stays a
    plain name. Other fandom conventions ("A x B") are not read.
    """
    parts, separators, unclosed = _split_top_level(name)
    if len(separators) != 1 or unclosed:
        return None
    characters = tuple(_squish(part) for part in parts)
    if len(characters) < 2 or not all(characters):
        return None
    return Relationship(characters=characters, romantic=_ROMANTIC in separators)


def relationship_name(characters: Sequence[str], romantic: bool) -> str:
    """The AO3-style tag name for a relationship: "A/B" or "A & B".

    Raises ValueError for fewer than two characters, or for a character name
    that would not read back as one character (empty, with "/" or "&" outside
    parentheses, or with an unclosed "("), so that parse_relationship always
    round-trips.
    """
    names = [_squish(character) for character in characters]
    if len(names) < 2:
        raise ValueError("a relationship needs at least two characters")
    for original, cleaned in zip(characters, names, strict=True):
        parts, _, unclosed = _split_top_level(cleaned)
        if not cleaned or len(parts) > 1 or unclosed:
            raise ValueError(f"not a single character name: {original!r}")
    return (_ROMANTIC if romantic else f" {_PLATONIC} ").join(names)
