"""Search: the query model, the full-text query language and the embedded index.

Framework-free, like all of quire.core: backends receive plain documents and
queries and return plain results; the Django app (quire.search, a later step)
chooses the backend and applies the permission layer's visibility.
"""
