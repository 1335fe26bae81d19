"""Where an imported server's fields stand in the file read, and what becomes of the
credentials among them: shared by the hosts' server readers (``readparts.servers``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from agentpack.filereport import FileReport
from agentpack.secrets import args_secrets, credential, secret_problem, url_credentials


@dataclass(frozen=True, slots=True)
class Places:
    """Where a server's keys are in its file: found in the report's JSON (under
    ``where``), or by ``place`` in a file that is not JSON (by server name and key)."""

    report: FileReport
    where: tuple[str, ...]
    place: Callable[[str, str], tuple[int, int]] | None

    def field(self, name: str, *keys: str) -> str:
        """The field as the file spells it (``servers.x``, ``mcp_servers.x.env.K``)."""
        head = self.where[0] if self.where else "mcp_servers" if self.place else "mcpServers"
        return ".".join((head, name, *keys))

    def at(self, name: str, *keys: str) -> tuple[int, int]:
        if self.place is not None:
            return self.place(name, keys[0] if keys else "")
        return self.report.at(*self.where, name, *keys)

    def unsecret(self, name: str, kind: str, values: dict[str, str]) -> dict[str, str]:
        """A server's ``env`` or ``headers``, credentials made references (``_unsecret``)."""
        return {
            k: _unsecret(k, v, self.field(name, kind, k), self.at(name, kind, k), self.report)
            for k, v in values.items()
        }

    def unsecret_url(self, name: str, url: str) -> str:
        """A server's url with each credential in it (Exa's ``?exaApiKey=...``, a
        ``user:password@``) made a reference to a variable of its own, with a warning."""
        spans = url_credentials(url)
        if not spans:
            return url
        taken: set[str] = set()
        out, end = [], 0
        for start, stop, key in spans:
            variable = _variable(name, key, taken)
            out += [url[end:start], "${" + variable + "}"]
            end = stop
        written = "".join([*out, url[end:]])
        self.report.warn(
            *self.at(name, "url"),
            self.field(name, "url"),
            f"the url holds a credential: written as {written}, so that it stays out of the "
            f"pack; set {', '.join(sorted(taken))} in the environment the tools start from "
            "(Codex, which expands none in a url, leaves the server out)",
        )
        return written

    def unsecret_args(self, name: str, args: list[str]) -> list[str] | None:
        """A server's arguments, each credential among them made a reference, with a
        warning (``--access-token sbp_...``, as Supabase's setup tells Cursor users to
        write); None when one cannot be (a JSON argument that holds one), an error said."""
        out, taken = list(args), set[str]()
        for i, problem in enumerate(args_secrets(args)):
            if problem is None:
                continue
            pos = (
                self.place(name, "args")
                if self.place
                else self.report.at(*self.where, name, "args", i)
            )
            found = _reference(name, args, i, taken)
            if found is None:
                self.report.error(
                    *pos,
                    self.field(name, "args"),
                    f"argument {i + 1} holds a credential ({problem}); give the server it in "
                    "its env as ${NAME} instead, then import again",
                )
                return None
            written, variable = found
            out[i] = written
            self.report.warn(
                *pos,
                self.field(name, "args"),
                f"argument {i + 1} is a credential: written as {written}, so that it stays out "
                f"of the pack; set {variable} in the environment the tools start from",
            )
        return out


_SCHEME = re.compile(r"(?i)(bearer|token|basic)\s+")
_HEADER = re.compile(r"[A-Za-z][\w-]*")
_OPTION = re.compile(r"-{0,2}[A-Za-z][\w.-]*")
"""What stands before ``=`` in an option or a variable (``--api-key``, ``GITHUB_TOKEN``)."""
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def _reference(server: str, args: list[str], i: int, taken: set[str]) -> tuple[str, str] | None:
    """The argument that ``args[i]``, a credential, becomes, and its variable: its value a
    reference to a variable of its own (named after its option: ``--api-key=...`` is
    ``${SERVER_API_KEY}``; after its variable: ``GITHUB_TOKEN=...``; its header; or the
    server's), with the text around the value kept (``--config=``, ``Bearer ``, and curl's
    ``-u user:`` or ``-u key:``, whose colon says "no password"); None for a JSON argument,
    whose credential has no name of its own. ``taken``: the variables given so far."""
    arg = args[i]
    option, equals, value = arg.partition("=")
    header, colon, said = arg.partition(":")
    before = args[i - 1] if i else ""
    if arg.lstrip().startswith("{"):
        return None
    if equals and _OPTION.fullmatch(option):
        name, head, value = option, f"{option}=", value
    elif (
        colon
        and _HEADER.fullmatch(header)
        and not said.startswith("//")
        and not credential("", header)
    ):
        name, head, value = header, arg[: len(arg) - len(said.lstrip())], said.strip()
    elif before.startswith("-") and "=" not in before:
        name, head, value = before, "", arg
    else:
        name, head, value = "token", "", arg
    if name in _USER_OPTIONS:  # curl -u user:password
        head, value, tail = _user(head, value)
    else:
        tail = ""
    scheme = _SCHEME.match(value)
    variable = _variable(server, name, taken)
    return f"{head}{scheme.group(0) if scheme else ''}${{{variable}}}{tail}", variable


_USER_OPTIONS = frozenset({"-u", "--user", "-U", "--proxy-user"})
"""curl's options whose value is ``user:password``: elsewhere (``--auth=KEY:X``) the whole
value is the credential."""


def _user(head: str, value: str) -> tuple[str, str, str]:
    """``head`` and ``value`` with a ``user:`` before the credential moved into ``head``,
    or the credential and the empty password after it kept apart (``key:``, Stripe's
    ``curl -u sk_live_...:``): the text around the credential that is not one."""
    user, colon, password = value.partition(":")
    if not colon or "/" in value or " " in value:
        return head, value, ""
    if not password:
        return head, user, ":"
    if user and secret_problem(user) is None:
        return f"{head}{user}:", password, ""
    return head, value, ""


def _variable(server: str, name: str, taken: set[str]) -> str:
    """A variable for the credential named ``name``, of its own among ``taken``: an
    environment variable's own name, else the server's and the name's (``supabase``,
    ``--access-token``: ``SUPABASE_ACCESS_TOKEN``)."""
    if _ENV_NAME.fullmatch(name):
        found = name
    else:
        words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)  # exaApiKey: EXA_API_KEY
        own = re.sub(r"[^A-Za-z0-9]+", "_", words).strip("_").upper() or "TOKEN"
        head = re.sub(r"[^A-Za-z0-9]+", "_", server).strip("_").upper()
        found = own if not head or own.startswith(head) else f"{head}_{own}"
    n, base = 1, found
    while found in taken:
        n += 1
        found = f"{base}_{n}"
    taken.add(found)
    return found


def _unsecret(key: str, value: str, field: str, pos: tuple[int, int], report: FileReport) -> str:
    """A server's variable or header whose value is a credential (``claude mcp add -e
    GITHUB_TOKEN=ghp_...`` keeps it as written) comes in as a reference to a variable of
    the user's environment, which every tool expands, so that it never lands in the pack;
    a warning says which variable to set."""
    if credential(key, value) is None:
        return value
    variable = _variable("", key, set())
    scheme = _SCHEME.match(value)
    written = (scheme.group(0) if scheme else "") + "${" + variable + "}"
    report.warn(
        *pos,
        field,
        f"the value is a credential: written as {written}, so that it stays out of the "
        f"pack; set {variable} in the environment the tools start from",
    )
    return written
