"""Renderings for people and tools: drift and validation results as text, markdown, json, html.

Renders strings, writes nothing. Imports ``drift`` and ``checks`` (the results it renders)
and what lies below them; never ``exports`` or a workflow.
"""
