"""Source pages: fetch them (the only ``requests`` user), read their listings with a
profile (the only ``bs4``/``lxml`` user), and infer a profile for a new page.

Imports ``contacts`` and the vocabulary (``models``, ``profile``, ``errors``); never
``store``, ``checks``, ``drift`` or a workflow.
"""
