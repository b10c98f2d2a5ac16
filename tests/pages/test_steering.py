"""Examples choose among the readings that list them one that is not wrong in itself."""

from __future__ import annotations

from resource_catalog.pages.infer import Confidence, infer_profile

_PAGE = """<html><body><main><h1>In an emergency</h1>
<section class="urgent"><h2>Right now</h2>
<h3>Campus Watch</h3><p>Ring 0141 496 0101 at any hour.</p>
<h3>Remember</h3><p>Your own safety comes first.</p>
<h3>SafeRoute</h3><p>The app calls 0141 496 0102 with your location.</p>
<h3>Porters Lodge</h3><p>Ring 0141 496 0105, or call in at the gate.</p>
</section>
<section class="later"><h2>Afterwards</h2>
<h3>Remember</h3><p>Write down what happened while you still recall it.</p>
<h3>Night Line</h3><p>Students answer 0141 496 0103 every night of term.</p>
<h3>Remember</h3><p>Ask a friend to stay with you.</p>
<h3>Chaplaincy</h3><p>0141 496 0104, weekdays.</p>
</section>
</main></body></html>"""


def test_examples_take_a_reading_with_no_repeated_names_over_one_with_them() -> None:
    inference = infer_profile(
        _PAGE, url="https://example.ac.uk/help", examples=["Campus Watch", "SafeRoute"]
    )
    names = [x.name for x in inference.reading.listings]
    assert {"Campus Watch", "SafeRoute"} <= set(names)
    assert len(set(names)) == len(names)
    assert inference.confidence is Confidence.OK, inference.reasons
