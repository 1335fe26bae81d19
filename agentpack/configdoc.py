"""One configuration file of a user's, as text, and the edits an install or uninstall makes
to it: each edit is kept only when the file then holds exactly what was meant and nothing
else moved. JSON is edited as text (``jsontext``), so comments, order and layout stay;
TOML through tomlkit, which keeps them the same way."""

from __future__ import annotations

import copy
import errno
import re
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from agentpack import jsontext
from agentpack.errors import OutputError
from agentpack.writer import replace_file

_POSITION = re.compile(r"^\d+:\d+: | at line \d+ col \d+$")
"""Where a parser's message says its position (JSON's in front, tomlkit's at the end)."""


def _kept(value: Any, toml: bool) -> Any:
    """A file's value as it counts: in TOML, a table left empty counts as none, since
    tomlkit drops the ``[mcp_servers]`` that only its sub-tables' headers implied."""
    if not toml or not isinstance(value, dict):
        return value
    kept = {k: _kept(v, toml) for k, v in value.items()}
    return {k: v for k, v in kept.items() if v != {}}


class Refused(Exception):
    """An edit that would change more of the file than the entry: left undone."""


def _toml() -> Any:
    """tomlkit, imported when a TOML file is edited (not on every start)."""
    import tomlkit

    return tomlkit


def _followed(path: Path) -> Path:
    """The file a link leads to; one that leads nowhere is refused, not made."""
    if not path.is_symlink():
        return path
    try:
        found = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop, before Python 3.13
        if not isinstance(exc, OSError) or exc.errno == errno.ELOOP:
            why = "leads to a loop of links"
        elif isinstance(exc, FileNotFoundError):
            why = "leads to nothing"
        else:  # a plain file on the way, or a folder the user may not read
            why = f"cannot be followed ({exc.strerror})"
        raise OutputError(
            f"{path}: a link that {why}; point it at the file, or remove it, then run "
            "agentpack again"
        ) from None
    return found


class Document:
    """One configuration file's text, and the edits of one install or uninstall."""

    def __init__(self, path: Path) -> None:
        self.path = _followed(path)  # a link: edit the user's own file, where it is
        self.existed = self.path.is_file()
        if not self.existed and self.path.exists():
            raise OutputError(
                f"{self.path}: not a regular file, which agentpack cannot edit; edit it by hand"
            )
        self.toml = path.suffix == ".toml"
        if self.existed and not self.path.stat().st_mode & 0o222:
            raise OutputError(
                f"{self.path}: the file is read-only; make it writable for agentpack to edit, "
                "or edit it by hand"
            )
        try:
            raw = self.path.read_bytes().decode("utf-8") if self.existed else ""
        except UnicodeDecodeError as exc:
            raise OutputError(
                f"{self.path}: not UTF-8 text (byte {exc.start}); save it as UTF-8, then run "
                "agentpack again"
            ) from None
        self.bom = raw.startswith("\ufeff")
        self.text = raw.removeprefix("\ufeff")  # newlines as they are: CRLF stays CRLF
        self.crlf = "\r\n" in raw and "\n" not in raw.replace("\r\n", "")
        """Every line ends in CRLF: the lines an edit adds do too."""
        self.before = self.text
        self.made: tuple[str, ...] = ()
        self._parsed: tuple[str, Any] | None = None
        """The text last read, and its value: a multi-megabyte ``~/.claude.json`` takes
        0.4 s to read, and each entry's edit reads the file several times."""
        if not self.text.strip() and not self.toml:
            self.text = "{}\n" if not self.existed else self.text + "{}"
        self.check()

    def check(self) -> None:
        try:
            self.read()
        except ValueError as exc:  # tomlkit's parse errors are ValueErrors too
            line, col = getattr(exc, "line", None), getattr(exc, "col", None)
            if self.toml and col is not None:
                col += 1  # tomlkit counts columns from 0
            where = f"{line}:{col}: " if line is not None else ""
            said = _POSITION.sub("", str(exc)).rstrip(".")  # the position, said once, in front
            raise OutputError(
                f"{self.path}:{where}{said}; fix the file, then run agentpack again"
            ) from exc

    def place(self, keys: Sequence[str]) -> str:
        """Where the value at ``keys`` stands, as ``file:line:column`` (a TOML file's
        reader keeps no positions: the file alone)."""
        if self.toml:
            return str(self.path)
        line, col = jsontext.place(self.text, keys)
        return f"{self.path}:{line}:{col}"

    def read(self) -> Any:
        """The file's value as its text is now (the caller must not change it)."""
        if self._parsed is None or self._parsed[0] is not self.text:
            self._parsed = (self.text, self._value(self.text))
        return self._parsed[1]

    def reads_as(self, text: str) -> bool:
        """Whether ``text`` holds the value the document holds now (only its layout may
        differ): a text to put in its place must not change what the tool reads."""
        try:
            return bool(self._value(text) == self.read())
        except ValueError:  # tomlkit's parse errors are ValueErrors too
            return False

    def _value(self, text: str) -> Any:
        if self.toml:
            return _toml().parse(text).unwrap()
        return jsontext.value(text, jsontext.parse(text))

    def at(self, keys: Sequence[str]) -> tuple[int, Any]:
        """How many of ``keys`` lead to objects that exist, and the value at the last."""
        current: Any = self.read()
        for depth, key in enumerate(keys):
            if not isinstance(current, dict) or key not in current:
                return depth, current
            current = current[key]
        return len(keys), current

    def add(self, keys: Sequence[str], depth: int, data: Any) -> str:
        """Insert ``data`` as the item at ``keys[:depth + 1]`` (an element of the array at
        ``keys`` when depth is all of them); the tail ``remove`` needs."""
        tail = ""

        def change() -> None:
            nonlocal tail
            if self.toml:
                done = self._toml_change(keys[:depth], lambda h: h.add(keys[depth], data))
                self.text = self._newlines(done)
                return
            name = keys[depth] if depth < len(keys) else None
            done, tail = jsontext.add(self.text, self._node(keys[:depth]), name, data)
            self.text, tail = self._newlines(done), self._newlines(tail)

        def expect(holder: Any) -> None:
            if depth < len(keys):
                holder[keys[depth]] = data
            else:
                holder.append(data)

        self._edit(change, keys[:depth], expect)
        return tail

    def remove(self, keys: Sequence[str], index: int | None, tail: str) -> None:
        """Take out the member at ``keys`` (or element ``index`` of the array there)."""

        def change() -> None:
            if self.toml:
                done = self._toml_change(keys[:-1], lambda h: h.__delitem__(keys[-1]))
                self.text = self._newlines(done)
            elif index is None:
                parent = self._node(keys[:-1])
                at = max(i for i, item in enumerate(parent.items) if item.key == keys[-1])
                self.text = jsontext.remove(self.text, parent, at, tail)
            else:
                self.text = jsontext.remove(self.text, self._node(keys), index, tail)

        if index is None:
            self._edit(change, keys[:-1], lambda holder: holder.__delitem__(keys[-1]))
        else:
            self._edit(change, keys, lambda holder: holder.__delitem__(index))

    def replace(self, keys: Sequence[str], data: Any) -> None:
        def change() -> None:
            if self.toml:
                self.text = self._toml_change(keys[:-1], lambda h: h.__setitem__(keys[-1], data))
            else:
                self.text = jsontext.replace(self.text, self._node(keys), data)

        self._edit(change, keys[:-1], lambda holder: holder.__setitem__(keys[-1], data))

    def _toml_change(self, keys: Sequence[str], change: Callable[[Any], None]) -> str:
        doc = _toml().parse(self.text)
        holder: Any = doc
        for key in keys:
            holder = holder[key]
        change(holder)
        return str(_toml().dumps(doc))

    def _edit(
        self, change: Callable[[], None], keys: Sequence[str], expect: Callable[[Any], None]
    ) -> None:
        """Make ``change`` to the text, and keep it only when the file then holds exactly
        what ``expect`` does to the value at ``keys`` and nothing else moved: a layout the
        editor would get wrong (TOML's dotted keys or inline tables, say) is refused."""
        before = self.text
        wanted = copy.deepcopy(self.read())
        holder = wanted
        for key in keys:
            holder = holder[key]
        expect(holder)
        try:
            change()
            same = _kept(self.read(), self.toml) == _kept(wanted, self.toml)
        except (ValueError, KeyError, AttributeError, TypeError):
            same = False
        if not same:
            self.text = before
            raise Refused(
                "agentpack cannot edit this part of the file without changing others (dotted "
                "keys or an inline table?); add the entry by hand"
            )

    def _newlines(self, text: str) -> str:
        return re.sub(r"(?<!\r)\n", "\r\n", text) if self.crlf else text

    def _node(self, keys: Sequence[str]) -> jsontext.Node:
        node = jsontext.parse(self.text)
        for key in keys:
            item = node.member(key)
            assert item is not None, keys
            node = item.value
        return node

    def blank(self) -> bool:
        """Whether the file is JSON's and held only whitespace (read as ``{}``)."""
        return self.existed and not self.toml and not self.before.strip()

    def save(
        self,
        created: bool,
        trail: str | None,
        made: Sequence[str] = (),
        blank: str | None = None,
        *,
        private: bool = False,
    ) -> None:
        """Write the text if it changed; ``blank``: what a blank file held, which it gets
        back when nothing is left in it; ``private``: a new file is its owner's alone."""
        if trail is not None and self.toml:
            self.text = self.text.rstrip() + trail if self.text.strip() else trail
        if created and self.read() == {} and (not self.toml or not self.text.strip()):
            self.path.unlink(missing_ok=True)
            for folder in made:
                if Path(folder).is_dir() and not any(Path(folder).iterdir()):
                    Path(folder).rmdir()
            return
        if self.read() == {} and not self.toml and (blank is not None or self.blank()):
            self.text = self.before if blank is None else blank
        if self.text == self.before:
            return
        self.made = tuple(
            str(p) for p in (self.path.parent, *self.path.parent.parents) if not p.exists()
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        mode = stat.S_IMODE(self.path.stat().st_mode) if self.existed else None
        data = (("\ufeff" if self.bom else "") + self.text).encode("utf-8")
        replace_file(self.path, data, mode=0o600 if mode is None and private else mode)
