"""Framework-free domain code: parsing, counting, sanitizing, visibility rules.

Nothing under this package may import Django (tests/core/test_framework_free.py
enforces it); configuration arrives as arguments, data as plain dataclasses.
"""
