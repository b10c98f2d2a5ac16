"""Link health: probing a catalog's URLs and judging what the answers mean.

``verdicts`` turns one probe (the status codes and redirects met) into a verdict and
keeps the failing-runs state; ``probe`` sends the requests (HEAD, then a GET whose
body is not read) with the page fetcher's sessions; ``types`` holds the report values
that the workflow returns and the reports render.

May import: ``pages`` (sessions, deadlines), ``contacts``, and the vocabulary below.
Imported by: ``reports`` and ``workflows``.
"""
