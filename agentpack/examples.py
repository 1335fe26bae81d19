"""Delegation examples embedded in a description, Claude style: render and split, one place.

Both directions live together so that ``split(render(d, e)) == (d, e)`` holds by
construction; a description written by hand in another layout is split only when rendering
the parts gives back exactly the same text, so an import never rewrites a description.
"""

from __future__ import annotations

import re

from agentpack.model import Example

HEADER = "\n\nExamples:\n\n"


def render(description: str, examples: tuple[Example, ...]) -> str:
    if not examples:
        return description
    blocks = []
    for example in examples:
        lines = ["<example>"]
        if example.context:
            lines.append(f"Context: {example.context}")
        lines += [f'user: "{example.user}"', f'assistant: "{example.assistant}"']
        if example.commentary:
            lines += ["<commentary>", example.commentary, "</commentary>"]
        lines.append("</example>")
        blocks.append("\n".join(lines))
    return description.rstrip() + HEADER + "\n\n".join(blocks)


_BLOCK = re.compile(r"<example>\n(.*?)\n</example>", re.DOTALL)
_PARTS = re.compile(
    r"^(?:Context: (?P<context>.*?)\n)?user: \"(?P<user>.*?)\"\nassistant: \"(?P<assistant>.*?)\""
    r"(?:\n<commentary>\n(?P<commentary>.*?)\n</commentary>)?$",
    re.DOTALL,
)


def split(description: str) -> tuple[str, tuple[Example, ...]]:
    """(lead, examples) when the description is exactly what ``render`` writes; else the
    description unchanged and no examples."""
    head, sep, _ = description.partition(HEADER)
    if not sep or "<example>" in head:
        return description, ()
    examples = []
    for block in _BLOCK.findall(description[len(head) + len(sep) :]):
        match = _PARTS.match(block)
        if match is None:
            return description, ()
        examples.append(
            Example(match["user"], match["assistant"], match["context"], match["commentary"])
        )
    found = tuple(examples)
    return (head, found) if found and render(head, found) == description else (description, ())
