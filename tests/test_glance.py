"""The Overview's key figures at a glance (80×24): what a defendant's line says."""

from __future__ import annotations

from dossier.queries import Charge, DefendantFigures, StatusStep
from dossier.ui.widgets.glance import glance


def _charge(cid: str, *steps: StatusStep) -> Charge:
    return Charge(cid, "ana", "Ana Ruiz", "Fraud", None, None, steps, ())


def test_undated_or_stepless_charges_are_said_not_a_crash() -> None:
    # Found by the preview benchmark: a defendant whose charges have no dated step crashed the
    # Overview (max() of nothing).
    figures = DefendantFigures(
        "ana",
        "Ana Ruiz",
        (_charge("c1", StatusStep("charged", None)), _charge("c2")),
        (),
        (),
    )
    assert glance(figures) == "2 charges"
    one = DefendantFigures(
        "ana", "Ana Ruiz", (_charge("c1", StatusStep("indicted", None)),), (), ()
    )
    assert glance(one) == "1 charge, indicted"
