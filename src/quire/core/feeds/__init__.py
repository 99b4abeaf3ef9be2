"""Syndication formats written from plain data: Atom feeds and the OPDS catalog built on them.

The feeds app turns works and tags into these dataclasses; writing the XML (with
lxml, never by pasting strings) happens here, where it is tested without a database.
"""
