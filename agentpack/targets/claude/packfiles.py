"""The pack files the ``claude:`` manifest block names: a plugin icon and a README.

Just enough of PNG to check an icon before export, with no imaging library.

Claude Code's plugin directory takes a square PNG of 512 to 2048 pixels a side and under
2 MB as a plugin's icon (``claude plugin validate`` warns otherwise). The size sits in the
first chunk of every PNG (IHDR), so reading 24 bytes answers the question.
"""

from __future__ import annotations

import re
import struct

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ICON_SIDES = (512, 2048)
ICON_MAX_BYTES = 2 * 1024 * 1024


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, or None when ``data`` does not start like one."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def icon_problem(data: bytes) -> str | None:
    """Why ``data`` cannot be a Claude Code plugin icon, or None when it can."""
    size = png_size(data)
    if size is None:
        return "the icon is not a PNG file; Claude Code takes a square PNG"
    if len(data) >= ICON_MAX_BYTES:
        return f"the icon is {len(data):,} bytes; Claude Code takes icons under 2 MB"
    width, height = size
    low, high = ICON_SIDES
    if width != height or not low <= width <= high:
        return (
            f"the icon is {width}x{height} pixels; Claude Code takes a square PNG "
            f"of {low} to {high} pixels a side"
        )
    return None


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text_problem(data: bytes) -> str | None:
    """Why ``data`` cannot be a plugin README (it is copied into every plugin), or None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text (byte {exc.start}); save it as UTF-8"
    match = _CONTROL.search(text)
    if match:
        return f"contains the control character U+{ord(match.group()):04X}; remove it"
    return None
