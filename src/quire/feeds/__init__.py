"""Feeds: the OPDS catalog for e-reader apps and the Atom feeds of tags and creators."""
