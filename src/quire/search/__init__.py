"""Search: keeping the index in step with the archive, and the pages and commands that ask it."""
