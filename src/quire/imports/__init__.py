"""Bringing documents into the archive: batches, outcomes, and where works came from."""
