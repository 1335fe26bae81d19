"""The bundled JSON Schemas are complete enough for an editor to work from them alone."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from agentpack import api, schema
from agentpack.errors import Severity
from agentpack.targets import Registry
from tests.conftest import ROOT

DRAFT = "https://json-schema.org/draft/2020-12/schema"
TARGETS = Registry(third_party=False).all()
SCHEMAS = schema.Schemas(TARGETS)


def _document(kind: str) -> dict[str, Any]:
    return SCHEMAS.document(kind)


def _properties(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{path}.{name}", sub
        for key, sub in node.items():
            yield from _properties(sub, f"{path}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{path}[{i}]")


@pytest.mark.parametrize("kind", schema.KINDS)
def test_schema_is_valid_2020_12_with_id_title_description(kind: str) -> None:
    document = _document(kind)
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == DRAFT
    assert document["$id"].startswith("urn:agentpack:schema:")
    assert document["title"]
    assert document["description"]


@pytest.mark.parametrize("kind", schema.KINDS)
def test_every_property_has_a_description(kind: str) -> None:
    undocumented = [
        path
        for path, sub in _properties(_document(kind))
        if "description" not in sub and "$ref" not in sub
    ]
    assert undocumented == []


def test_policy_description_explains_the_implied_default() -> None:
    policy = _document("agent")["$defs"]["policy"]
    assert "every tool not named is denied" in policy["description"]


def test_command_grants_are_described_as_grants() -> None:
    grants = _document("command")["properties"]["allowed_tools"]["description"]
    assert "PRE-APPROVED" in grants
    assert "not a restriction" in grants


@pytest.mark.parametrize("kind", schema.KINDS)
def test_schema_text_is_the_file(kind: str) -> None:
    assert json.loads(api.schema_text(kind)) == _document(kind)
    assert (ROOT / "schemas" / f"{kind}.schema.json").read_text() == api.schema_text(kind)


@pytest.mark.parametrize("kind", schema.KINDS)
def test_the_validators_compiled_ahead_are_those_of_the_schemas(kind: str) -> None:
    module = importlib.import_module(f"agentpack._validators.{kind}")
    assert SCHEMAS.fast(kind) is module.validate, "run python -m agentpack.api.schemas"


def test_the_generated_files_are_current() -> None:
    """The compiled validators and the repository's schemas/ are what the core schemas
    and the built-in targets' blocks compose to. A validator is compared whole only under
    the fastjsonschema release that wrote it (others write other code for the same schema);
    under any release its schema digest must be the composed schema's."""
    import fastjsonschema

    for kind in schema.KINDS:
        document = schema.compose(kind, TARGETS)
        written = (ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert written == schema.text(document), f"schemas/{kind}.schema.json is stale"
        path = ROOT / "agentpack" / "_validators" / f"{kind}.py"
        code = path.read_text(encoding="utf-8")
        assert f'SCHEMA_SHA256 = "{schema._digest(document)}"' in code, f"{path} is stale"
        if f"fastjsonschema {fastjsonschema.VERSION}." in code.splitlines()[0]:
            assert code == schema.compiled_source(kind, document), f"{path} is stale"


class _Toy:
    """A target with a block of its own, which makes every composed schema another one."""

    name = "toy"
    title = "Toy"
    model_help = "any id"

    def blocks(self) -> dict[str, Any]:
        return {"command": {"description": "Toy fields.", "type": "object"}}


def test_a_schema_composed_with_another_target_is_compiled_when_used() -> None:
    composed = schema.Schemas([*TARGETS, _Toy()])
    validate = composed.fast("command")
    assert validate is not importlib.import_module("agentpack._validators.command").validate
    assert composed.is_valid("command", {"description": "d", "toy": {"x": 1}})
    assert not SCHEMAS.is_valid("command", {"description": "d", "toy": {"x": 1}})
    with pytest.raises(ValueError, match="toy"):
        validate({"description": "d", "toy": "not a mapping"})


def test_validator_is_compiled_once() -> None:
    assert SCHEMAS.validator("agent") is SCHEMAS.validator("agent")


def test_reference_pack_is_clean(reference_pack: Any) -> None:
    result = api.validate(reference_pack)
    warnings = [f for f in result.findings if f.severity is not Severity.INFO]
    # only: where a target narrows an agent's tools, or leaves out one it cannot hold to
    # them, and where a tool cannot run the pack's guard hook
    assert {f.message.split(": ")[1] for f in warnings} == {"narrowed", "unguarded"}
    assert result.pack is not None
    assert [a.name for a in result.pack.agents] == [
        "backend-engineer",
        "backend-engineer-agent",
        "backend-engineer-reviewer",
        "backend-staff",
        "be-01-agent",
    ]
    assert len(result.pack.commands) >= 2
    assert len(result.pack.skills) >= 1


# The fast validator (fastjsonschema) must never accept what jsonschema rejects.
_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(-1, 3)
    | st.text(max_size=8)
    | st.sampled_from(
        [
            "allow",
            "ask",
            "deny",
            "read",
            "bash",
            "mcp:x",
            "sonnet",
            "subagent",
            "claude",
            "red",
            "#12AB56",
            "1.0.0",
            "a-b",
            "https://x.y",
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "allow",
                    "ask",
                    "deny",
                    "bash",
                    "default",
                    "user",
                    "assistant",
                    "claude",
                    "opencode",
                    "name",
                    "x",
                ]
            ),
            inner,
            max_size=3,
        )
    ),
    max_leaves=8,
)
_fields = {
    "agent": [
        "name",
        "description",
        "examples",
        "mode",
        "model",
        "temperature",
        "top_p",
        "max_steps",
        "tools",
        "color",
        "tags",
        "version",
        "targets",
        "claude",
        "opencode",
        "metadata",
        "extra",
    ],
    "command": [
        "name",
        "description",
        "argument_hint",
        "allowed_tools",
        "agent",
        "model",
        "subtask",
        "disable_model_invocation",
        "targets",
        "claude",
        "metadata",
    ],
    "skill": ["name", "description", "license", "compatibility", "allowed_tools", "metadata"],
    "manifest": [
        "name",
        "version",
        "description",
        "author",
        "targets",
        "models",
        "plugins",
        "claude",
        "keywords",
    ],
}


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(sorted(_fields)), st.data())
def test_fast_and_full_validators_agree(kind: str, data: st.DataObject) -> None:
    document = data.draw(st.dictionaries(st.sampled_from(_fields[kind]), _values, max_size=6))
    assert SCHEMAS.is_valid(kind, document) == SCHEMAS.validator(kind).is_valid(document)


@pytest.mark.parametrize("kind", ["agent", "command", "skill", "manifest"])
def test_fast_validator_accepts_the_reference_files(kind: str) -> None:
    # every valid file of the reference and full packs passes the fast path too
    from agentpack.source import split_frontmatter
    from agentpack.yamldoc import parse_yaml

    folders = {"agent": "agents", "command": "commands", "skill": "skills"}
    for root in (ROOT, ROOT / "tests" / "packs" / "full"):
        if kind == "manifest":
            files = [root / "agentpack.yaml"]
        else:
            files = sorted((root / folders[kind]).rglob("SKILL.md" if kind == "skill" else "*.md"))
        for file in files:
            text = file.read_text()
            data = parse_yaml(
                text if kind == "manifest" else split_frontmatter(text).frontmatter or ""
            ).data
            SCHEMAS.fast(kind)(data)


def test_claude_code_2_1_330_fields_validate_and_pass_through(make_pack: Any) -> None:
    """Fields the shipped client reads (an effort in tokens, named arguments, tools taken
    away while a command or skill runs) validate without a warning and reach the files."""
    root = make_pack(
        {
            "agents/a.md": "---\nname: a\ndescription: A.\nclaude:\n  effort: 4096\n"
            "  omitClaudeMd: true\n---\nA.\n",
            "commands/c.md": "---\ndescription: C.\nclaude:\n  arguments: [file, mode]\n"
            "  disallowed-tools: Bash\n---\nDo $file in $mode.\n",
            "skills/s/SKILL.md": "---\nname: s\ndescription: S.\nclaude:\n  version: 1.2\n"
            "  background: true\n---\nS.\n",
        }
    )
    result = api.validate(root)
    # (Cursor commands are plain markdown: the command's description is dropped there; the
    # other tools run the command with Bash, which each says)
    lost = {"description", "claude.disallowed-tools"}
    assert [f for f in result.findings if f.path != "agentpack.yaml" and f.field not in lost] == []
    unguarded = {f.message.split(":")[0] for f in result.findings if f.field in lost}
    assert "claude" not in unguarded
    assert {"codex", "copilot", "opencode"} <= unguarded
    api.export(root)
    claude = root / "dist" / "claude"
    assert "effort: 4096\nomitClaudeMd: true\n" in (claude / "agents" / "a.md").read_text()
    command = (claude / "commands" / "c.md").read_text()
    assert "arguments:\n  - file\n  - mode\ndisallowed-tools: Bash\n" in command
    assert "version: 1.2\nbackground: true\n" in (claude / "skills" / "s" / "SKILL.md").read_text()


def test_the_email_pattern_is_the_one_import_and_init_check() -> None:
    """Import and init leave out an address the schema refuses (git's root@localhost),
    so that the pack they write validates: both read the same pattern."""
    from pathlib import Path

    from agentpack.model import EMAIL

    schema = json.loads(
        (Path(__file__).parent.parent / "schemas" / "manifest.schema.json").read_text()
    )
    assert schema["$defs"]["person"]["properties"]["email"]["pattern"] == EMAIL.pattern
