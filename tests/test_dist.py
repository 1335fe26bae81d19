"""dist/ is the golden output for the reference pack: it must be what export writes now."""

from __future__ import annotations

from agentpack import api
from tests.conftest import ROOT


def test_committed_dist_is_current() -> None:
    result = api.export(ROOT, check=True)
    assert [d.path for d in result.differences] == [], "run 'agentpack export' and commit dist/"
