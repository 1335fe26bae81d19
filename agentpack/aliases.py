"""Model aliases: the table the targets bring, the pack's overrides, resolution per target.

Each target declares the ids of the aliases it knows (``Target.models``); a pack overrides or
extends them in agentpack.yaml ``models:``. ``inherit`` is every target's: the agent runs on
whatever model the host session uses, so targets leave their model field out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from agentpack.model import Manifest, ModelRef

INHERIT = "inherit"


class _Modelled(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def models(self) -> Mapping[str, str]: ...


def builtin(targets: Iterable[_Modelled]) -> dict[str, dict[str, str]]:
    """Alias -> target -> model id, from what each target declares."""
    table: dict[str, dict[str, str]] = {INHERIT: {}}
    for target in targets:
        for alias, model_id in target.models.items():
            table.setdefault(alias, {})[target.name] = model_id
    return table


def table(
    manifest: Manifest, builtin: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, str]]:
    """The built-in aliases with the pack's entries merged over them, target by target."""
    merged = {alias: dict(ids) for alias, ids in builtin.items()}
    for alias, ids in manifest.models.items():
        merged.setdefault(alias, {}).update(ids)
    return merged


def resolve(ref: ModelRef | None, target: str, aliases: Mapping[str, Mapping[str, str]]) -> str:
    """The target's model id, ``inherit`` when the agent names none, or ``""`` when the alias
    has no id for this target (the target drops the field and says so)."""
    if ref is None:
        return INHERIT
    if ref.alias is not None:
        found = aliases.get(ref.alias, {}).get(target)
        if found is None and ref.alias == INHERIT:
            return INHERIT
        return found or ""
    return ref.per_target.get(target, "")
