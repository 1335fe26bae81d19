"""Hostile strings in every text field: each written file parses back (YAML 1.1 and 1.2,
JSON) to exactly the input, or validation rejects the input first with a clear message.

Each example goes the whole way: canonical source files -> load -> render -> parse."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from agentpack import api, canonical, examples
from agentpack.model import Agent, Command, Example, Manifest, Person, Skill, SourceRef
from agentpack.placeholders import shift as shift_placeholders
from agentpack.targets import Registry
from agentpack.targets.base import Context, Report, render
from tests.packgen import HOSTILE

yaml12 = YAML(typ="safe", pure=True)
REJECTIONS = re.compile(
    r"control character|is empty; write some text|characters long; the limit|"
    r"\$0 is not a canonical placeholder|missing required field"
)
"""The only reasons validation may give for refusing a generated string."""

text = st.one_of(st.text(), st.sampled_from(HOSTILE), st.text(alphabet="-:#'\"\n\t $![]{}"))


def _fm(data: bytes) -> tuple[dict[str, Any], str]:
    decoded = data.decode("utf-8")
    assert decoded.startswith("---\n")
    head, _, body = decoded[4:].partition("\n---\n")
    assert "---" not in head  # Claude Code would end the frontmatter there
    one, two = yaml.safe_load(head), yaml12.load(head)
    assert one == two, "YAML 1.1 and 1.2 readers disagree"
    return one, body


def _nl(body: str) -> str:
    return body if body.endswith("\n") or not body else body + "\n"


def _write_pack(root: Path, strings: list[str]) -> None:
    s = iter(strings * 2)
    ref = SourceRef("x")
    manifest = Manifest(
        "hostile",
        "1.0.0",
        next(s),
        ref,
        author=Person(next(s)),
        license=next(s),
        keywords=(next(s),),
    )
    agent = Agent(
        "a",
        next(s),
        next(s),
        ref,
        examples=(Example(next(s), next(s), next(s), next(s)),),
        metadata={"note": next(s)},
    )
    command = Command("c", next(s), next(s), ref, argument_hint=next(s))
    skill = Skill(
        "s", next(s), next(s), ref, license=next(s), compatibility=next(s), metadata={"k": next(s)}
    )
    files = [
        canonical.manifest_file(manifest, None),
        canonical.agent_file(agent, None),
        canonical.command_file(command, None),
        *canonical.skill_files(skill, None),
    ]
    for out in files:
        path = root / out.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(out.data)


def _check(target: str, root: Path) -> None:
    result = api.validate(root)
    if not result.ok:
        errors = [f.message for f in result.findings if f.is_error]
        assert all(REJECTIONS.search(m) for m in errors), errors
        return
    pack = result.pack
    assert pack is not None
    files = {
        f.path: f.data
        for f in render(Registry(third_party=False).get(target), pack, Report(), Context("dist"))
    }
    agent, command, skill = pack.agents[0], pack.commands[0], pack.skills[0]
    fields, body = _fm(files["agents/a.md"])
    assert fields["description"] == examples.render(agent.description, agent.examples)
    assert body == _nl(agent.body)
    fields, body = _fm(files["commands/c.md"])
    assert fields["description"] == command.description
    shift = -1 if target == "claude" else 0
    assert body == _nl(shift_placeholders(command.body, shift) if shift else command.body)
    if target == "claude":
        assert fields.get("argument-hint") == command.argument_hint
    if "skills/s/SKILL.md" in files:
        fields, body = _fm(files["skills/s/SKILL.md"])
        assert (fields["description"], fields.get("license"), fields.get("compatibility")) == (
            skill.description,
            skill.license,
            skill.compatibility,
        )
        assert fields["metadata"] == dict(skill.metadata)
        assert body == _nl(skill.body)
    if target == "claude":
        plugin = json.loads(files[".claude-plugin/plugin.json"])
        assert (
            plugin["description"],
            plugin["author"]["name"],
            plugin["license"],
            plugin["keywords"],
        ) == (
            pack.manifest.description,
            pack.manifest.author.name if pack.manifest.author else None,
            pack.manifest.license,
            list(pack.manifest.keywords),
        )


@pytest.mark.parametrize("target", ["claude", "opencode"])
@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(strings=st.lists(text, min_size=15, max_size=15))
@example(strings=list(HOSTILE[:15]))
def test_any_text_survives_or_is_refused(
    target: str, strings: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("hostile")
    _write_pack(root, strings)
    _check(target, root)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused_with_their_code(char: str, tmp_path: Path) -> None:
    (tmp_path / "agents").mkdir()
    (tmp_path / "agentpack.yaml").write_text("name: p\nversion: 1.0.0\ndescription: d\n")
    escaped = json.dumps(f"a{char}b")  # JSON strings are YAML double-quoted strings
    (tmp_path / "agents" / "a.md").write_text(
        f"---\nname: a\ndescription: {escaped}\n---\nbody {char}\n"
    )
    lines = [str(f) for f in api.validate(tmp_path).findings]
    code = f"U+{ord(char):04X}"
    assert lines == [
        f"agents/a.md:3:14: error: description: contains the control character {code}; "
        "remove it (no target format holds it safely)",
        f"agents/a.md:5:6: error: -: the body contains the control character {code}; remove it",
    ]
