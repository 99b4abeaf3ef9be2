"""The search box language: what readers type, the AST every backend receives, and back."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quire.core.search.textquery import (
    MAX_DEPTH,
    MAX_TERMS,
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
    terms_for_highlighting,
    to_text,
)


def t(text: str, field: Field | None = None, prefix: bool = False) -> Term:
    return Term(text, field, prefix)


def p(*words: str, field: Field | None = None) -> Phrase:
    return Phrase(words, field)


def a(*items: Node) -> And:
    return And(items)


def o(*items: Node) -> Or:
    return Or(items)


def except_(*items: Node) -> And:
    """Everything except each item: how a query of only exclusions parses."""
    return And((AllDocs(), *(Not(item) for item in items)))


EXAMPLES: list[tuple[str, Node | None]] = [
    # Words and the default AND.
    ("rain", t("rain")),
    ("rain umbrella", a(t("rain"), t("umbrella"))),
    ("  Rain\tUMBRELLA\n", a(t("rain"), t("umbrella"))),
    ("rain rain", t("rain")),
    ("Straße", t("strasse")),
    # Phrases.
    ('"bad end"', p("bad", "end")),
    ('"Bad  End!"', p("bad", "end")),
    ("“bad end”", p("bad", "end")),
    ('"end"', t("end")),
    ('""', None),
    ('"bad end', p("bad", "end")),
    ('"umbrel*"', t("umbrel")),
    ('"a OR b"', p("a", "or", "b")),
    # Prefixes.
    ("umbrel*", t("umbrel", prefix=True)),
    ("um*", t("um", prefix=True)),
    ("u*", t("u")),
    ("umbrel***", t("umbrel", prefix=True)),
    ("*umbrel", t("umbrel")),
    ("***", None),
    # Exclusion.
    ("-angst", except_(t("angst"))),
    ("fluff -angst", a(t("fluff"), Not(t("angst")))),
    ('fluff -"bad end"', a(t("fluff"), Not(p("bad", "end")))),
    ("-angst -death", except_(t("angst"), t("death"))),
    ("NOT angst", except_(t("angst"))),
    ("fluff NOT angst", a(t("fluff"), Not(t("angst")))),
    ("--angst", except_(t("angst"))),
    ("-", None),
    ("rain - umbrella", a(t("rain"), t("umbrella"))),
    ("-(-angst)", t("angst")),
    ("NOT NOT angst", t("angst")),
    ("-(-angst -death)", o(t("angst"), t("death"))),
    ("fluff -(angst OR death)", a(t("fluff"), Not(o(t("angst"), t("death"))))),
    ("fluff OR -angst", o(t("fluff"), except_(t("angst")))),
    # Operators.
    ("rain OR snow", o(t("rain"), t("snow"))),
    ("rain or snow", a(t("rain"), t("or"), t("snow"))),
    ("rain AND snow", a(t("rain"), t("snow"))),
    ("rain and snow", a(t("rain"), t("and"), t("snow"))),
    ("buffy spike OR angel", a(t("buffy"), o(t("spike"), t("angel")))),
    ("(buffy spike) OR angel", o(a(t("buffy"), t("spike")), t("angel"))),
    ("a OR b AND c OR d", a(o(t("a"), t("b")), o(t("c"), t("d")))),
    ("a OR (b OR c)", o(t("a"), t("b"), t("c"))),
    ("a (b (c d))", a(t("a"), t("b"), t("c"), t("d"))),
    ("a OR a", t("a")),
    # Operators and parentheses with something missing.
    ("OR", None),
    ("OR OR", None),
    ("AND", None),
    ("NOT", None),
    ("rain OR", t("rain")),
    ("OR rain", t("rain")),
    ("rain OR OR snow", o(t("rain"), t("snow"))),
    ("rain AND OR snow", a(t("rain"), t("snow"))),
    ("rain OR AND snow", a(t("rain"), t("snow"))),
    ("()", None),
    ("rain () snow", a(t("rain"), t("snow"))),
    ("((rain", t("rain")),
    ("rain))", t("rain")),
    (")rain(", t("rain")),
    ("(a OR b", o(t("a"), t("b"))),
    ("rain OR ()", t("rain")),
    # Fields.
    ("title:umbrella", t("umbrella", Field.TITLE)),
    ("TITLE:Umbrella", t("umbrella", Field.TITLE)),
    ('tag:"Buffy Summers"', p("buffy", "summers", field=Field.TAG)),
    ("summary:rain notes:snow", a(t("rain", Field.SUMMARY), t("snow", Field.NOTES))),
    ("text:rain creator:ann", a(t("rain", Field.TEXT), t("ann", Field.CREATOR))),
    ("title:umbrel*", t("umbrel", Field.TITLE, prefix=True)),
    ("-tag:angst", except_(t("angst", Field.TAG))),
    ('-tag:"major character death"', except_(p("major", "character", "death", field=Field.TAG))),
    (
        "title:(rain OR snow)",
        o(t("rain", Field.TITLE), t("snow", Field.TITLE)),
    ),
    (
        "title:(rain tag:snow)",
        a(t("rain", Field.TITLE), t("snow", Field.TAG)),
    ),
    ("foo:bar", a(t("foo"), t("bar"))),
    ("title:", None),
    ("title: rain", t("rain")),
    ("title:foo.bar", a(t("foo", Field.TITLE), t("bar", Field.TITLE))),
    ("titles:rain", a(t("titles"), t("rain"))),
    # Words follow AO3's word count.
    ("don't", t("don't")),
    ("don’t", t("don't")),
    ("arm-rest", t("arm-rest")),
    ("'rain'", t("rain")),
    ("rain, umbrella.", a(t("rain"), t("umbrella"))),
    ("one--two", a(t("one"), t("two"))),
    ("one—two", a(t("one"), t("two"))),
    ("3.14", a(t("3"), t("14"))),
    ("snake_case", t("snake_case")),
    ("-foo.bar", except_(a(t("foo"), t("bar")))),
    ("🌧 rain ☂", t("rain")),
    # Languages written without spaces: a word per character.
    ("東京", a(t("東"), t("京"))),
    ('"東京"', p("東", "京")),
    ("ひらがな", a(t("ひ"), t("ら"), t("が"), t("な"))),
    ("カタカナ", a(t("カ"), t("タ"), t("ナ"))),
    ("ภาษา", a(t("ภ"), t("า"), t("ษ"))),
    ("rain東京", a(t("rain"), t("東"), t("京"))),
    ("東*", t("東")),
    ("한국어 단어", a(t("한국어"), t("단어"))),
]


@pytest.mark.parametrize(("query", "expected"), EXAMPLES, ids=[q for q, _ in EXAMPLES])
def test_examples(query: str, expected: Node | None) -> None:
    assert parse_text_query(query) == expected


def test_the_table_is_substantial() -> None:
    assert len(EXAMPLES) >= 40
    assert len({query for query, _ in EXAMPLES}) == len(EXAMPLES), "duplicate queries"


def test_empty_and_blank_queries_are_none() -> None:
    for query in ("", " ", "\n\t ", "\u3000"):
        assert parse_text_query(query) is None


def test_extra_terms_are_dropped_in_reading_order() -> None:
    words = [f"w{i}" for i in range(MAX_TERMS + 10)]
    node = parse_text_query(" ".join(words))
    assert node == And(tuple(Term(word) for word in words[:MAX_TERMS]))


def test_a_phrase_that_does_not_fit_is_cut_short() -> None:
    words = [f"w{i}" for i in range(MAX_TERMS - 2)]
    node = parse_text_query(" ".join(words) + ' "x y z" after')
    assert node == And((*(Term(word) for word in words), Phrase(("x", "y"))))


def test_a_long_phrase_keeps_its_first_words() -> None:
    words = [f"w{i}" for i in range(MAX_TERMS * 2)]
    assert parse_text_query('"' + " ".join(words) + '"') == Phrase(tuple(words[:MAX_TERMS]))


def test_deep_parentheses_are_flattened_not_fatal() -> None:
    query = "(" * 10_000 + "rain OR snow" + ")" * 10_000 + " -" * 5000 + "x"
    assert parse_text_query(query) == And((Or((Term("rain"), Term("snow"))), Not(Term("x"))))


def test_parentheses_beyond_the_limit_are_ignored_with_their_closers() -> None:
    deep = "(" * (MAX_DEPTH + 3) + "a OR b" + ")" * (MAX_DEPTH + 3)
    assert parse_text_query(deep + " OR c") == Or((Term("a"), Term("b"), Term("c")))


def test_lone_surrogates_and_controls_do_not_break_parsing() -> None:
    assert parse_text_query("rain\ud800snow\x00") == And((Term("rain"), Term("snow")))


def test_to_text_examples() -> None:
    assert to_text(None) == ""
    assert to_text(AllDocs()) == ""
    assert to_text(a(t("rain"), o(t("snow"), t("sleet")))) == "rain (snow OR sleet)"
    assert to_text(o(a(t("rain"), t("snow")), t("sleet"))) == "(rain snow) OR sleet"
    assert to_text(except_(t("angst"), p("bad", "end"))) == '-angst -"bad end"'
    assert to_text(o(t("fluff"), except_(t("angst")))) == "fluff OR -angst"
    assert to_text(p("buffy", "summers", field=Field.TAG)) == 'tag:"buffy summers"'
    assert to_text(t("umbrel", Field.TITLE, prefix=True)) == "title:umbrel*"
    assert to_text(a(t("x"), Not(o(t("a"), t("b"))))) == "x -(a OR b)"


def test_highlighting_takes_positive_prose_words() -> None:
    node = parse_text_query(
        'rain umbrel* "bad end" -angst -"sad end" title:storm text:cloud (snow OR rain)'
    )
    assert terms_for_highlighting(node) == ["rain", "umbrel*", "bad", "end", "cloud", "snow"]
    assert terms_for_highlighting(None) == []
    assert terms_for_highlighting(parse_text_query("-angst")) == []


def test_split_words_matches_the_query_words() -> None:
    assert split_words("Don’t touch the ARM-REST—it's 東京.") == [
        "don't",
        "touch",
        "the",
        "arm-rest",
        "it's",
        "東",
        "京",
    ]


def test_field_names_are_the_fixed_set() -> None:
    assert {field.value for field in Field} == {
        "title",
        "summary",
        "notes",
        "tag",
        "text",
        "creator",
    }


# Properties.


def _leaf_count(node: Node) -> int:
    if isinstance(node, Term):
        return 1
    if isinstance(node, Phrase):
        return len(node.words)
    if isinstance(node, And | Or):
        return sum(_leaf_count(item) for item in node.items)
    if isinstance(node, Not):
        return _leaf_count(node.item)
    return 0


def _assert_normal(node: Node, parent: Node | None = None) -> None:
    """What every backend may rely on in a parsed query."""
    if isinstance(node, Term):
        assert split_words(node.text) == [node.text]
        assert not node.prefix or len(node.text) >= 2
    elif isinstance(node, Phrase):
        assert len(node.words) >= 2
        assert all(split_words(word) == [word] for word in node.words)
    elif isinstance(node, AllDocs):
        assert isinstance(parent, And)
        assert parent.items[0] == node
        assert all(isinstance(item, Not) for item in parent.items[1:])
    elif isinstance(node, Not):
        assert isinstance(parent, And), "Not only inside And"
        assert not isinstance(node.item, Not | AllDocs)
        _assert_normal(node.item, node)
    else:
        assert len(node.items) >= 2
        assert len(set(node.items)) == len(node.items)
        assert not any(isinstance(item, type(node)) for item in node.items), "flattened"
        if isinstance(node, And):
            assert any(not isinstance(item, Not) for item in node.items)
        for item in node.items:
            _assert_normal(item, node)


# Text built from the language's own pieces reaches deeper than arbitrary text.
_PIECES = st.sampled_from(
    [
        "rain",
        "Snow",
        "umbrel",
        "don't",
        "arm-rest",
        "a",
        "東京",
        "ภา",
        "AND",
        "OR",
        "NOT",
        "or",
        "(",
        ")",
        '"',
        "“",
        "-",
        "*",
        ":",
        "title:",
        "tag:",
        "foo:",
        "'",
        "’",
        ".",
        "--",
        "ß",
        "İ",
        "e\u0301",
        "\u0301",
    ]
)
QUERIES = st.lists(st.tuples(_PIECES, st.sampled_from(["", " ", "  "])), max_size=40).map(
    lambda parts: "".join(piece + gap for piece, gap in parts)
)
ANY_TEXT = st.one_of(st.text(), QUERIES)


@settings(max_examples=500)
@given(ANY_TEXT)
def test_never_raises_and_is_normal(query: str) -> None:
    node = parse_text_query(query)
    if node is not None:
        _assert_normal(node)
        assert _leaf_count(node) <= MAX_TERMS


@settings(max_examples=500)
@given(ANY_TEXT)
def test_to_text_round_trips(query: str) -> None:
    node = parse_text_query(query)
    assert parse_text_query(to_text(node)) == node


@settings(max_examples=300)
@given(ANY_TEXT)
def test_canonical_text_is_a_fixed_point(query: str) -> None:
    canonical = to_text(parse_text_query(query))
    assert to_text(parse_text_query(canonical)) == canonical


@given(st.text())
def test_highlighting_never_raises(query: str) -> None:
    words = terms_for_highlighting(parse_text_query(query))
    assert len(words) == len(set(words))


# Hand-built ASTs, normal or not: reading their text back normalises them, and doing it
# again changes nothing. With a small vocabulary they also check that normalising keeps
# the meaning, by evaluating both against word sequences.

_VOCABULARY = ["ab", "ba", "abc", "b"]
_TERMS = st.builds(
    Term,
    st.sampled_from(_VOCABULARY),
    st.none(),
    st.booleans(),
).filter(lambda term: not term.prefix or len(term.text) >= 2)
_PHRASES = st.lists(st.sampled_from(_VOCABULARY), min_size=2, max_size=3).map(
    lambda words: Phrase(tuple(words))
)


def _branches(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    items = st.lists(children, min_size=1, max_size=4).map(tuple)
    return st.one_of(items.map(And), items.map(Or), children.map(Not))


ASTS: st.SearchStrategy[Node] = st.recursive(st.one_of(_TERMS, _PHRASES), _branches, max_leaves=12)
DOCUMENTS = st.lists(st.sampled_from(["ab", "ba", "abc", "b", "bab", "c"]), max_size=6)


def _matches(node: Node | None, words: Sequence[str]) -> bool:
    if node is None or isinstance(node, AllDocs):
        return True
    if isinstance(node, Term):
        if node.prefix:
            return any(word.startswith(node.text) for word in words)
        return node.text in words
    if isinstance(node, Phrase):
        size = len(node.words)
        return any(tuple(words[i : i + size]) == node.words for i in range(len(words) - size + 1))
    if isinstance(node, Not):
        return not _matches(node.item, words)
    if isinstance(node, And):
        return all(_matches(item, words) for item in node.items)
    return any(_matches(item, words) for item in node.items)


@settings(max_examples=500)
@given(ASTS, DOCUMENTS)
def test_normalising_keeps_the_meaning(node: Node, document: list[str]) -> None:
    assume(_leaf_count(node) <= MAX_TERMS)
    normal = parse_text_query(to_text(node))
    assert _matches(normal, document) == _matches(node, document)


@settings(max_examples=300)
@given(ASTS)
def test_normalisation_is_idempotent(node: Node) -> None:
    normal = parse_text_query(to_text(node))
    if normal is not None:
        _assert_normal(normal)
    assert parse_text_query(to_text(normal)) == normal
