"""A catalog with work for a reviewer: a conflict and a new listing, made by a real sync.

The curators changed Student Support Services' phone in the catalog; then the page
changed it too (to another number) and gained a listing. Syncing that page records a
conflict on ``phones`` for S3 and creates ``example-peer-listening-line``, both
flagged for review, on top of the four records the bundled catalog already flags.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from resource_catalog.cli import cli

from .conftest import DATA

S3 = "student-support-services"
NEW = "example-peer-listening-line"
SOURCE = "osc-campus-resources"
PAGE_PHONE = "+16172539999"
CURATED_PHONE = "+16172534862"
OLD_PHONE = "+16172534861"
#: The records the bundled catalog flags by hand (no conflicts, no flag date).
FLAGGED_BY_HAND = (
    "house-teams",
    "sexual-misconduct-web-resource",
    "student-disability-services",
    "student-disability-services-office",
)


def run(*args: str | Path) -> Result:
    """The CLI in-process."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def edited_page(directory: Path) -> Path:
    """The campus page with S3's phone changed and one listing added, saved in ``directory``."""
    html = (DATA / "campus-resources.html").read_text(encoding="utf-8")
    old = "S3 is located in 5-104 and may be reached at 617-253-4861."
    assert old in html
    html = html.replace(old, "S3 is located in 5-104 and may be reached at 617-253-9999.")
    s3 = "<li><strong>Student Support Services (S3):</strong>"
    added = (
        "<li><strong>Example Peer Listening Line:</strong> A fictional listing made for "
        "the review tests. It may be reached at 617-555-0123.</li>\n"
    )
    html = html.replace(s3, added + s3)
    page = directory / "campus-resources-review.html"
    page.write_text(html, encoding="utf-8")
    return page


def curate_s3_phone(catalog_dir: Path) -> None:
    """A curator's edit: S3's phone in the catalog becomes another number."""
    path = catalog_dir / "resources" / f"{S3}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["phones"][0]["number"] = CURATED_PHONE
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def sync_page(catalog_dir: Path, page: Path) -> Result:
    return run("sync", "--catalog", catalog_dir, "--source", SOURCE, "--html", page)


def make_review_work(catalog_dir: Path, scratch: Path) -> Path:
    """Curate S3's phone, then sync the edited page: a conflict and a new listing."""
    curate_s3_phone(catalog_dir)
    result = sync_page(catalog_dir, edited_page(scratch))
    assert result.exit_code == 0, result.output
    return catalog_dir
