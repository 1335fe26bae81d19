"""Model ids read from native files: an id of one host names the same model on the others
(``native.model_ref``), and a Claude model never reaches Codex."""

from __future__ import annotations

import pytest

from agentpack.filereport import FileReport
from agentpack.native import ImportEnv, model_ref
from agentpack.targets import Registry
from tests.conftest import BUILTIN


@pytest.mark.parametrize(
    ("native", "dialect", "expected"),
    [
        ("claude-sonnet-4-5-20250929", "claude", "anthropic/claude-sonnet-4-5-20250929"),
        ("anthropic/claude-sonnet-4-20250514", "opencode", "claude-sonnet-4-20250514"),
        ("openai/gpt-5", "opencode", None),  # no Claude Code id (Codex's: below)
        ("anthropic/claude-opus-4-1#high", "opencode", None),  # a variant: opencode's own
        ("claude-opus-4-1[1m]", "claude", None),  # a Claude Code spelling, not an API id
        ("us.anthropic.claude-sonnet-4-5-v1:0", "claude", None),  # Bedrock
    ],
)
def test_an_anthropic_model_id_names_the_same_model_on_both_hosts(
    native: str, dialect: str, expected: str | None
) -> None:
    targets = Registry(third_party=False).all()
    report = FileReport("x.md")
    ref = model_ref(native, dialect, ImportEnv(BUILTIN, targets), report)
    assert ref is not None
    other = "opencode" if dialect == "claude" else "claude"
    ids = {k: v for k, v in ref.per_target.items() if k in ("claude", "opencode")}
    assert ids == {dialect: native, **({other: expected} if expected else {})}
    others = [
        a
        for a in report.approximated
        if not a.endswith(("for codex (the same model)", "for copilot (the same model)"))
    ]
    assert bool(others) == bool(expected)


def test_an_openai_model_id_names_the_same_model_for_codex() -> None:
    env = ImportEnv(BUILTIN, Registry(third_party=False).all())
    ref = model_ref("openai/gpt-6.2-sol", "opencode", env, FileReport("x.md"))
    assert ref is not None
    assert dict(ref.per_target) == {
        "opencode": "openai/gpt-6.2-sol",
        "codex": "gpt-6.2-sol",
        "copilot": "gpt-6.2-sol",
    }
    ref = model_ref("claude-sonnet-4-5", "claude", env, FileReport("x.md"))
    assert ref is not None
    assert "codex" not in ref.per_target  # a Claude model never reaches Codex
