"""Reading helpers: walking a page's blocks, one listing's fields, tables, the tree's text.

Used by :mod:`resource_catalog.pages.parse`. May import ``pages.text``, ``pages.profiles``,
``pages.scoring``, contacts and the vocabulary; never fetching or inference.
"""
