"""What a user should do about each complaint of libyaml's, in words a user of agent files
knows (libyaml speaks of tokens and indicators)."""

from __future__ import annotations

_HINTS = {
    "mapping values are not allowed": "a value that contains ': ' must be put in quotes",
    "cannot start any token": "indent with spaces, not tabs, and quote values that start "
    "with @ or a backquote",
    "could not find expected ':'": "a line is missing ': ' or a quote is not closed",
    "found undefined alias": "define the &anchor before using *alias",
    "found unexpected end of stream": "a quote or bracket is not closed",
    "expected ',' or ']'": "close the [list] on the line it opens on, or put the value in quotes",
    "expected ',' or '}'": "close the {mapping} on the line it opens on, or put the value in "
    "quotes",
    "expected '-' indicator": "a list and a field are mixed at one indentation; indent the "
    "list under its field",
    "did not find expected key": "a value that starts with [ or { and goes on after it must "
    "be put in quotes, and a field must line up with the fields around it",
    "tag:yaml.org,2002:merge": "write the keys out: merge keys (<<) are not read, since not "
    "every tool that reads these files merges them",
    "is not supported": "remove the tag (!name): the files hold plain YAML only",
}
_ANY_HINT = "check the quotes, brackets and indentation on this line and the one before it"


def hint(problem: str) -> str:
    """What to do, after '; ', for one of libyaml's problems."""
    return "; " + next((hint for key, hint in _HINTS.items() if key in problem), _ANY_HINT)
