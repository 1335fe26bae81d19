"""The bundled JSON Schemas are complete enough for an editor to work from them alone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from agentpack import api, schema

DRAFT = "https://json-schema.org/draft/2020-12/schema"


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
    document = schema.schema(kind)
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == DRAFT
    assert document["$id"].startswith("urn:agentpack:schema:")
    assert document["title"]
    assert document["description"]


@pytest.mark.parametrize("kind", schema.KINDS)
def test_every_property_has_a_description(kind: str) -> None:
    undocumented = [
        path
        for path, sub in _properties(schema.schema(kind))
        if "description" not in sub and "$ref" not in sub
    ]
    assert undocumented == []


def test_policy_description_explains_the_implied_default() -> None:
    policy = schema.schema("agent")["$defs"]["policy"]
    assert "every tool not named is denied" in policy["description"]


def test_command_grants_are_described_as_grants() -> None:
    grants = schema.schema("command")["properties"]["allowed_tools"]["description"]
    assert "PRE-APPROVED" in grants
    assert "not a restriction" in grants


@pytest.mark.parametrize("kind", schema.KINDS)
def test_schema_text_is_the_file(kind: str) -> None:
    assert json.loads(api.schema_text(kind)) == schema.schema(kind)


def test_validator_is_compiled_once() -> None:
    assert schema.validator("agent") is schema.validator("agent")


def test_reference_pack_is_clean(reference_pack: Any) -> None:
    result = api.validate(reference_pack)
    assert result.findings == ()
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
