"""Accounts and the pseuds people write under."""
