"""One module per maintainer workflow (check, diff, scrape, sync, sources, review), each a
public library call that the command line wraps.

The only layer that combines families: it imports any of them, never ``cli``.
"""
