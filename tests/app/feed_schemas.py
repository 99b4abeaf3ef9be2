"""The RELAX NG grammars (with their embedded Schematron rules) every served feed must pass."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree, isoschematron

SCHEMAS = Path(__file__).parent / "schemas"


class Schema:
    """A grammar, plus the Schematron rules embedded in it and in the grammars it builds on."""

    def __init__(self, grammar: str, *rules_from: str) -> None:
        self.grammar = etree.RelaxNG(etree.parse(str(SCHEMAS / grammar)))
        self.rules = [
            isoschematron.Schematron(etree.parse(str(SCHEMAS / name)))
            for name in (grammar, *rules_from)
        ]

    def errors(self, document: bytes) -> list[str]:
        tree = etree.fromstring(document)
        found = []
        if not self.grammar.validate(tree):
            found += [f"{error.line}: {error.message}" for error in self.grammar.error_log]
        for rules in self.rules:
            if not rules.validate(tree):
                found += [_assertion_text(error.message) for error in rules.error_log]
        return found

    def check(self, document: bytes) -> etree._Element:
        """The parsed document; fails the test with every error found."""
        errors = self.errors(document)
        assert not errors, "\n".join(errors) + "\n" + document.decode()[:3000]
        return etree.fromstring(document)


def _assertion_text(message: str) -> str:
    """The human sentence of a Schematron failure (lxml reports the SVRL XML)."""
    tree = etree.fromstring(message.encode())
    text = tree.findtext("{http://purl.oclc.org/dsdl/svrl}text") or message
    return f"{tree.get('location')}: {' '.join(text.split())}"


@cache
def atom() -> Schema:
    return Schema("atom.rng")


@cache
def opds() -> Schema:
    return Schema("opds.rng", "atom.rng")


@cache
def opensearch() -> Schema:
    return Schema("opensearch.rng")
