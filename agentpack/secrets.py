"""Whether a value in a pack file looks like a credential: a pack is committed and shared,
and its files are copied into tools' folders, so a token written in it leaks.

Values that are references (``${GITHUB_TOKEN}``, ``Bearer ${TOKEN}``) are fine: each tool
reads the variable from the user's environment. A literal is refused when it starts like a
known kind of token, or when it is long and random enough to be one.
"""

from __future__ import annotations

import math
import re
from collections import Counter

REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""``${NAME}``: the value of an environment variable."""

PREFIXES: tuple[tuple[str, str], ...] = (
    ("ghp_", "a GitHub personal access token"),
    ("gho_", "a GitHub OAuth token"),
    ("ghu_", "a GitHub user token"),
    ("ghs_", "a GitHub app token"),
    ("ghr_", "a GitHub refresh token"),
    ("github_pat_", "a GitHub personal access token"),
    ("glpat-", "a GitLab token"),
    ("sk-ant-", "an Anthropic API key"),
    ("sk-proj-", "an OpenAI API key"),
    ("sk-", "an API key"),
    ("xoxb-", "a Slack bot token"),
    ("xoxp-", "a Slack user token"),
    ("xapp-", "a Slack app token"),
    ("AKIA", "an AWS access key"),
    ("ASIA", "an AWS access key"),
    ("AIza", "a Google API key"),
    ("npm_", "an npm token"),
    ("hf_", "a Hugging Face token"),
    ("pypi-", "a PyPI token"),
    ("dop_v1_", "a DigitalOcean token"),
    ("sq0atp-", "a Square token"),
    ("shpat_", "a Shopify token"),
    ("-----BEGIN", "a private key"),
)
"""How known kinds of credentials start."""

_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=.]{20,}")
_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@?#]*:([^/\s@?#]+)@")
"""A URL that holds a password (``postgresql://user:password@host``), as group 1."""
_SHELL_REFERENCE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.")


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def secret_problem(value: str) -> str | None:
    """What credential ``value`` looks like, or None. References are taken out first:
    only the literal rest of a value can leak."""
    for found in _PASSWORD.finditer(value):  # ${DB_PASSWORD} in its place is fine
        password = _SHELL_REFERENCE.sub("", REFERENCE.sub("", found[1]))
        if password and not password.isdigit():  # host:3000@ is a port, not a password
            return "it is a URL with a password in it (user:password@)"
    literal = REFERENCE.sub(" ", value)
    for word in re.split(r"[\s:;,=&?/\"']+", literal):
        for prefix, what in PREFIXES:
            if word.startswith(prefix) and len(word) >= len(prefix) + 8:
                return f"it looks like {what}"
        if _JWT.search(word):
            return "it looks like a signed token (JWT)"
        for token in _TOKEN.findall(word):
            kinds = sum(bool(re.search(c, token)) for c in ("[a-z]", "[A-Z]", "[0-9]"))
            if len(token) >= 24 and kinds >= 3 and entropy(token) >= 4.0:
                return "it is long and random enough to be a credential"
    return None
