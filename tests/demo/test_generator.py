"""The demo builder's own rules (src/stabil/demo/generator.py)."""

import io

from stabil.demo.generator import STEP_NAMES, STEPS, DemoContext


def test_every_step_has_a_swedish_progress_name():
    # Issue 13: the build printed "bygger cases …", "bygger governance …" (the apps' English names).
    assert set(STEP_NAMES) == set(STEPS)
    english = {step.split(".")[1] for step in STEPS}
    assert not english & set(STEP_NAMES.values())


def test_progress_lines_say_demo():
    stream = io.StringIO()
    ctx = DemoContext(seed=1, today=None, rng=None, stream=stream)
    ctx.progress(f"bygger {STEP_NAMES['stabil.cases.demo']} …")
    assert stream.getvalue() == "demo: bygger ärendena …\n"
