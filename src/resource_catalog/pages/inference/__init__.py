"""Inference helpers: the page's repeated structures, candidate profiles, examples, regions.

Used by :mod:`resource_catalog.pages.infer`. May import ``pages.text``, ``pages.profiles``,
``pages.scoring``, contacts and the vocabulary; never fetching or reading.
"""
