"""Model aliases: the built-in table, the pack's overrides, and resolution per target.

The built-in ids are the current Anthropic models as opencode 1.18's bundled catalogue names
them (checked November 2026). A pack overrides or extends them in agentpack.yaml ``models:``.
"""

from __future__ import annotations

from collections.abc import Mapping

from agentpack.model import Manifest, ModelRef

INHERIT = "inherit"

BUILTIN: Mapping[str, Mapping[str, str]] = {
    "inherit": {"claude": INHERIT, "opencode": INHERIT},
    "haiku": {"claude": "haiku", "opencode": "anthropic/claude-haiku-4-5"},
    "sonnet": {"claude": "sonnet", "opencode": "anthropic/claude-sonnet-5"},
    "opus": {"claude": "opus", "opencode": "anthropic/claude-opus-5"},
    "fable": {"claude": "fable", "opencode": "anthropic/claude-fable-5"},
}


def table(manifest: Manifest) -> dict[str, dict[str, str]]:
    """The built-in aliases with the pack's entries merged over them, target by target."""
    merged = {alias: dict(ids) for alias, ids in BUILTIN.items()}
    for alias, ids in manifest.models.items():
        merged.setdefault(alias, {}).update(ids)
    return merged


def resolve(ref: ModelRef | None, target: str, aliases: Mapping[str, Mapping[str, str]]) -> str:
    """The target's model id, ``inherit`` when the agent names none, or ``""`` when the alias
    has no id for this target (the target drops the field and says so)."""
    if ref is None:
        return INHERIT
    if ref.alias is not None:
        return aliases.get(ref.alias, {}).get(target, "")
    return ref.per_target.get(target, "")
