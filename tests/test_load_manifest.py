"""Bad manifests: each case is one broken agentpack.yaml and the exact lines validate prints
(the items' corpus is ``test_load_errors.py``)."""

from __future__ import annotations

import pytest

from agentpack import api
from tests.conftest import MakePack

MANIFEST_CASES: dict[str, tuple[str, list[str]]] = {
    "manifest missing version": (
        "name: p\ndescription: d\n",
        ["agentpack.yaml:1:1: error: version: missing required field 'version'; add it"],
    ),
    "manifest bad version": (
        "name: p\nversion: 1.0\ndescription: d\n",
        [
            "agentpack.yaml:2:10: error: version: expected text, got the number 1.0; put it in "
            "quotes"
        ],
    ),
    "manifest unknown target": (
        "name: p\nversion: 1.0.0\ndescription: d\ntargets: [gemini]\n",
        [
            "agentpack.yaml:4:11: error: targets[0]: unknown target 'gemini'; known targets: "
            "agentplugins, claude, codex, copilot, cursor, opencode"
        ],
    ),
    "manifest opencode alias without provider": (
        "name: p\nversion: 1.0.0\ndescription: d\nmodels:\n  fast: {opencode: haiku}\n",
        [
            "agentpack.yaml:5:20: error: models.fast.opencode: opencode needs provider/model-id "
            "such as 'anthropic/claude-haiku-4-5', not 'haiku': opencode 1.18 reads a bare "
            "name as a provider with no model, and the agent fails when it runs"
        ],
    ),
    "manifest address with a password": (
        "name: p\nversion: 1.0.0\ndescription: d\nhomepage: https://deploy:hunter2pass@a.example/\n",
        [
            "agentpack.yaml:4:11: error: homepage: this value must not be written in the pack: "
            "it is a URL with a password in it (user:password@); it is copied into every "
            "plugin's manifest, so give the address without it"
        ],
    ),
    "manifest group address with a token": (
        "name: p\nversion: 1.0.0\ndescription: d\nplugins:\n  - name: g\n    repository: "
        "https://ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8@github.com/acme/agents\n",
        [
            "agentpack.yaml:6:17: error: plugins[0].repository: this value must not be written "
            "in the pack: it looks like a GitHub personal access token; it is copied into every "
            "plugin's manifest, so give the address without it"
        ],
    ),
    "manifest icon that is no png": (
        "name: p\nversion: 1.0.0\ndescription: d\nclaude:\n  icon: assets/icon.svg\n",
        [
            "agentpack.yaml:5:9: error: claude.icon: 'assets/icon.svg' is not the path of a "
            ".png file in the pack; give one"
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(MANIFEST_CASES))
def test_bad_manifest(case: str, make_pack: MakePack) -> None:
    text, expected = MANIFEST_CASES[case]
    root = make_pack({}, manifest=text)
    assert [str(f) for f in api.validate(root).findings] == expected
