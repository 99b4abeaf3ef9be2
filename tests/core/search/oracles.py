"""Expected answers for search backends, computed in plain Python from the documents.

Every backend's tests (tests/core/search/test_tantivy_index.py, the contract in
tests/app/search_contract.py) compare what a backend returns with these: the
visibility rules of quire.core.visibility, a direct evaluation of the query AST
over each work's words, and facets counted one work at a time. They say what the
contract means rather than what an index happens to do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from quire.core.search.model import IndexedWork, Visibility
from quire.core.search.textquery import (
    AllDocs,
    And,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    parse_text_query,
    split_words,
)
from quire.core.tags import TagType
from quire.core.visibility import Viewer, WorkAccess, can_view_work

__all__ = ["ast_matches", "facet_counts", "field_words", "text_matches", "visible"]


def visible(work: IndexedWork, visibility: Visibility) -> bool:
    """can_view_work for the document; the viewer maintains the work's collections when
    their maintained collections and the work's meet."""
    viewer = Viewer(user_id=visibility.user_id, is_admin=visibility.admin)
    maintainers: frozenset[int] = frozenset()
    if visibility.user_id is not None and work.collection_ids & visibility.collection_ids:
        maintainers = frozenset({visibility.user_id})
    access = WorkAccess(
        posted=work.posted,
        hidden=work.hidden,
        restricted=work.restricted,
        creator_user_ids=frozenset(work.creator_user_ids),
        unrevealed=work.unrevealed,
        maintainer_user_ids=maintainers,
    )
    return can_view_work(viewer, access)


def field_words(work: IndexedWork) -> dict[Field, list[list[str]]]:
    """Each field's values as word lists; a phrase must lie inside one value."""
    values = {
        Field.TITLE: [work.title],
        Field.SUMMARY: [work.summary],
        Field.NOTES: [work.notes],
        Field.TAG: list(work.tag_names),
        Field.CREATOR: list(work.creators),
        Field.TEXT: [chapter.title for chapter in work.chapters]
        + [chapter.text for chapter in work.chapters],
    }
    return {field: [split_words(value) for value in texts] for field, texts in values.items()}


def ast_matches(node: Node, words: dict[Field, list[list[str]]]) -> bool:
    if isinstance(node, Term | Phrase):
        fields = [node.field] if node.field is not None else list(Field)
        sequences = [sequence for field in fields for sequence in words[field]]
        if isinstance(node, Term):
            return any(
                word == node.text or (node.prefix and word.startswith(node.text))
                for sequence in sequences
                for word in sequence
            )
        size = len(node.words)
        return any(
            tuple(sequence[i : i + size]) == node.words
            for sequence in sequences
            for i in range(len(sequence))
        )
    if isinstance(node, And):
        return all(ast_matches(item, words) for item in node.items)
    if isinstance(node, Or):
        return any(ast_matches(item, words) for item in node.items)
    if isinstance(node, Not):
        return not ast_matches(node.item, words)
    assert isinstance(node, AllDocs)
    return True


def text_matches(work: IndexedWork, text: str) -> bool:
    """Whether the work matches a reader's query text (empty text matches everything)."""
    node = parse_text_query(text)
    return node is None or ast_matches(node, field_words(work))


def facet_counts(works: Iterable[IndexedWork]) -> dict[TagType, list[tuple[int, int]]]:
    """Per tag type, (tag id, number of the works filed under it), most works first."""
    counts: dict[TagType, Counter[int]] = {}
    for work in works:
        for tag_id in work.filter_tag_ids:
            tag_type = work.tag_types.get(tag_id)
            if tag_type is not None:
                counts.setdefault(tag_type, Counter())[tag_id] += 1
    return {
        tag_type: sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        for tag_type, counter in counts.items()
    }
