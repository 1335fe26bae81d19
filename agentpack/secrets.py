"""Whether a value in a pack file looks like a credential: a pack is committed and shared,
and its files are copied into tools' folders, so a token written in it leaks.

Values that are references (``${GITHUB_TOKEN}``, ``Bearer ${TOKEN}``) are fine: each tool
reads the variable from the user's environment. A literal is refused when it starts like a
known kind of token, or when it is long and random enough to be one.
"""

from __future__ import annotations

import itertools
import json
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
    ("sbp_", "a Supabase access token"),
    ("sb_secret_", "a Supabase secret key"),
    ("sk_live_", "a Stripe secret key"),
    ("rk_live_", "a Stripe restricted key"),
    ("sk_test_", "a Stripe test key"),
    ("pplx-", "a Perplexity API key"),
    ("tvly-", "a Tavily API key"),
    ("ntn_", "a Notion token"),
    ("lin_api_", "a Linear API key"),
    ("gsk_", "a Groq API key"),
    ("xai-", "an xAI API key"),
    ("r8_", "a Replicate token"),
    ("figd_", "a Figma token"),
    ("glsa_", "a Grafana token"),
    ("sntrys_", "a Sentry token"),
    ("ATATT", "an Atlassian API token"),
    ("-----BEGIN", "a private key"),
)
"""How known kinds of credentials start."""

_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=.]{20,}")
_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@?#]*:([^/\s@?#]+)@")
"""A URL that holds a password (``postgresql://user:password@host``), as group 1."""
_SHELL_REFERENCE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")
_TOOL_REFERENCE = re.compile(r"\$\{([^}\s]+)\}|\{(?:env|file):[^}\s]+\}")
"""A reference a tool fills in (``${user_config.api_key}``, ``${env:TOKEN}``,
``${input:token}``, opencode's ``{env:TOKEN}``): not a literal, whatever it names."""
_DEFAULT = re.compile(r"[A-Za-z_][\w.]*:?[-=+?](.*)", re.DOTALL)
"""``NAME:-value`` (and ``-``, ``=``, ``+``, ``?``): the shell's default, a literal."""


def _literal(value: str) -> str:
    """``value`` with its references taken out, but for the literal defaults they hold
    (``${TOKEN:-ghp_...}`` leaks its default as surely as a bare token)."""

    def default(found: re.Match[str]) -> str:
        held = _DEFAULT.fullmatch(found[1] or "")
        return f" {held[1]} " if held else " "

    return _TOOL_REFERENCE.sub(default, value)


_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.")


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def url_credentials(url: str) -> list[tuple[int, int, str]]:
    """Where a URL holds credentials, as (start, end, name) spans of the literal values:
    a password (``user:password@``, named ``password``) and each query value that is one
    (``?exaApiKey=...``), which a reference can take the place of."""
    spans = []
    for found in _PASSWORD.finditer(url):
        password = _SHELL_REFERENCE.sub("", _literal(found[1])).strip()
        if password and not password.isdigit():
            spans.append((found.start(1), found.end(1), "password"))
    for found in _QUERY.finditer(url):
        name, said = found[1], _TOOL_REFERENCE.sub("", found[2])  # ?key=${KEY} is fine
        keyed = name.lower() in _QUERY_KEYS and len(said) >= 16 and not said.isalpha()
        if keyed or named_secret(name, said) is not None:
            spans.append((found.start(2), found.end(2), name))
    return spans


def secret_problem(value: str) -> str | None:
    """What credential ``value`` looks like, or None. References are taken out first:
    only the literal rest of a value can leak."""
    for found in _PASSWORD.finditer(value):  # ${DB_PASSWORD} in its place is fine
        password = _SHELL_REFERENCE.sub("", _literal(found[1])).strip()
        if password and not password.isdigit():  # host:3000@ is a port, not a password
            return "it is a URL with a password in it (user:password@)"
    for name, said in _QUERY.findall(value):  # https://mcp.example.com/?exaApiKey=...
        said = _TOOL_REFERENCE.sub("", said)
        keyed = name.lower() in _QUERY_KEYS and len(said) >= 16 and not said.isalpha()
        if keyed or named_secret(name, said) is not None:
            return f"it is a URL with a credential in it ({name}=)"
    literal = _literal(value)
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


_CREDENTIAL_WORDS = frozenset(
    {"token", "secret", "password", "passwd", "pwd", "apikey", "credential", "credentials"}
    | {"authorization", "auth", "pat", "passphrase", "cookie"}
)
_CREDENTIAL_ENDS = ("password", "passwd", "token", "secret", "apikey")
"""Words run together with what they are for (``PGPASSWORD``, ``authToken``)."""
_CREDENTIAL_PAIRS = frozenset({("api", "key"), ("access", "key"), ("private", "key")})
_NOT_CREDENTIAL = frozenset(
    {"file", "path", "dir", "url", "uri", "name", "type", "env", "var", "header", "id"}
    | {"limit", "count", "size", "ttl", "length", "provider", "source", "store", "cache"}
    | {"helper", "mode", "endpoint", "host", "port", "region", "scope", "scopes", "format"}
    | {"version", "prefix", "kind", "method", "expiry", "expires", "timeout", "command"}
)
_PASS_OWNERS = frozenset(
    {"db", "database", "sql", "mysql", "pg", "postgres", "mongo", "redis", "rabbitmq", "ldap"}
    | {"smtp", "mail", "email", "ftp", "sftp", "proxy", "admin", "root", "user", "basic", "http"}
)
"""What a ``_PASS`` is the password of (``SMTP_PASS``); ``FIRST_PASS`` is none."""
_OFF = frozenset({"max", "min", "no", "use", "enable", "disable", "skip"})
_PLACEHOLDER = re.compile(
    r"your|here|<|>|xxx|changeme|example|placeholder|dummy|replace", re.IGNORECASE
)
_SCHEME = re.compile(r"^(?:bearer|basic|token)\s+", re.IGNORECASE)
_FILE_NAME = re.compile(r"[\w.-]+\.[A-Za-z][A-Za-z0-9]{1,4}")
"""A file name (``creds.json``), which a credential's variable may name instead of holding it."""
_PATH = re.compile(r"/|\./|\.\./|~|[A-Za-z]:[\\/]|\\\\")
"""How a path begins (``C:\\`` and ``\\\\server`` too): a file that holds the credential."""
_RANDOM_KEY = re.compile(r"(?=.*\d)[A-Za-z0-9_-]{16,}")
"""What an API key given as ``--key`` looks like (a UUID, hex, a token)."""


_QUERY = re.compile(r"[?&]([A-Za-z][\w.-]*)=([^&#\s]+)")
_QUERY_KEYS = frozenset({"key", "sig", "signature", "code"})
"""Query parameters that hold a credential by name alone (Google's ``?key=``)."""


def _holds_credential(name: str) -> bool:
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)  # exaApiKey: exa, api, key
    parts = [p for p in re.split(r"[^a-z0-9]+", words.lower()) if p]
    if not parts or parts[-1] in _NOT_CREDENTIAL or parts[0] in _OFF:
        return False
    if parts[-1] == "pass":
        return len(parts) > 1 and parts[-2] in _PASS_OWNERS  # DB_PASS, not FIRST_PASS
    if parts == ["key"] and name.startswith("--"):
        return True  # --key VALUE (Smithery's CLI), not SORT_KEY or a member "key"
    return any(p in _CREDENTIAL_WORDS or p.endswith(_CREDENTIAL_ENDS) for p in parts) or any(
        pair in _CREDENTIAL_PAIRS for pair in itertools.pairwise(parts)
    )


def named_secret(name: str, value: str) -> str | None:
    """What is wrong with ``value`` as the value of ``name`` (an environment variable, a
    header, a command-line option): a literal given to a name that says it holds a
    credential (``SUPABASE_ACCESS_TOKEN``, ``--api-key``, ``Authorization``) is one,
    however it looks: hex and lowercase tokens are not random enough for
    ``secret_problem``. Numbers, paths, file names and placeholders (``your-key-here``)
    are not."""
    if not _holds_credential(name):
        return None
    literal = _SCHEME.sub("", _SHELL_REFERENCE.sub("", _literal(value)).strip())
    if len(literal) < 8 or literal.isdigit() or _PLACEHOLDER.search(literal):
        return None
    if _PATH.match(literal) or _FILE_NAME.fullmatch(literal.rsplit("/", 1)[-1]):
        return None
    if name == "--key" and not _RANDOM_KEY.fullmatch(literal):
        return None  # an object's key (--key docs/index.json), not Smithery's API key
    return f"it is written as the value of {name}, which holds a credential"


def credential(name: str, value: str) -> str | None:
    """What credential the value of ``name`` (a variable, a header, an option) is, by its
    look or by its name; None when it is none."""
    return secret_problem(value) or named_secret(name, value)


def args_secrets(args: list[str]) -> list[str | None]:
    """For each of a command's arguments, what credential it is (``secret_problem``), or
    is the value of (``--token VALUE``, ``--token=VALUE``, ``-e GITHUB_TOKEN=VALUE``,
    ``--header "Authorization: Bearer VALUE"``): None where it is none."""
    found: list[str | None] = []
    for i, arg in enumerate(args):
        problem = secret_problem(arg)
        option, equals, value = arg.partition("=")
        if problem is None and equals:  # --api-key=VALUE, or docker's -e NAME=VALUE
            problem = named_secret(option, value)
        header, colon, said = arg.partition(":")
        if problem is None and colon and re.fullmatch(r"[A-Za-z][\w-]*", header):
            problem = named_secret(header, said)
        if problem is None and arg.lstrip().startswith("{"):  # --config '{"apiToken": ...}'
            problem = _json_secret(arg)
        before = args[i - 1] if i else ""
        value_of = before.startswith("-") and "=" not in before and not arg.startswith("-")
        if problem is None and value_of:
            problem = named_secret(before, arg)
        found.append(problem)
    return found


def _json_secret(text: str) -> str | None:
    """What credential a JSON object given as an argument holds, by its members' names
    and looks (a CLI's ``--config`` with the server's settings)."""
    try:
        found = json.loads(text)
    except (ValueError, RecursionError):
        return None
    todo, name = [("", found)], ""
    while todo:
        name, value = todo.pop()
        if isinstance(value, dict):
            todo += [(str(k), v) for k, v in value.items()]
        elif isinstance(value, list):
            todo += [(name, v) for v in value]
        elif isinstance(value, str) and (problem := credential(name, value)):
            return problem
    return None


_HELD = re.compile(
    r"(?<![A-Za-z0-9_])(?:"
    + "|".join(re.escape(prefix) for prefix, _ in PREFIXES if prefix[0] != "-")
    + r")(?=[A-Za-z0-9_\-]*[0-9])[A-Za-z0-9_\-]{16,}|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)
"""A known kind of token (its prefix, then 16 or more token characters with a digit among
them: ``sk-learn-model-selection`` is none), or a private key."""


def held_token(text: str) -> str | None:
    """What known kind of credential a file's text holds (a ``ghp_...`` token, a private
    key), by its look alone: a skill's file is copied into every target's folder. Only
    known prefixes, not randomness, which hashes and encoded images have too."""
    for found in _HELD.finditer(text):
        token = found.group(0)
        if token.startswith("-----BEGIN"):
            return "a private key"
        if not _PLACEHOLDER.search(token):  # AKIAIOSFODNN7EXAMPLE, AWS's own example
            return next(what for prefix, what in PREFIXES if token.startswith(prefix))
    return None


_KEY_FILE = re.compile(r"\.(pem|key|p12|pfx|jks|keystore|ppk)$", re.IGNORECASE)
_SECRET_FILE = re.compile(
    r"(^|/)(\.env(\.[^/]*)?|\.envrc|\.netrc|\.npmrc|\.pypirc|\.pgpass|\.htpasswd"
    r"|\.git-credentials|\.docker/config\.json|id_(rsa|dsa|ecdsa|ed25519)(_sk)?"
    r"|credentials([._-][^/]*)?|secrets?\.(ya?ml|json|toml|env|ini)"
    r"|[^/]*service[-_]?account[^/]*\.json|[^/]*\.tfvars)$",
    re.IGNORECASE,
)
_TEMPLATE = re.compile(r"(^|[._-])(example|sample|template|dist)([._-]|$)", re.IGNORECASE)
_PROSE_OR_CODE = re.compile(r"\.(md|markdown|txt|rst|html|py|js|ts|sh|rb|go)$", re.IGNORECASE)


def secret_file(rel: str, data: bytes | None = None) -> bool:
    """Whether a file's name says it holds credentials (``.env``, a private key, a
    ``credentials.json``): copied with a skill or a hook, it would land in every target's
    folder, which is committed. A key file is one whatever else its name says, but a
    ``.pem`` whose bytes (``data``, when given) hold no private key is a certificate;
    templates (``.env.example``) and docs or code about credentials are not."""
    name = rel.rsplit("/", 1)[-1]
    if _KEY_FILE.search(name):
        return data is None or not name.lower().endswith(".pem") or b"PRIVATE KEY" in data
    if _SECRET_FILE.search(rel) is None:
        return False
    return not (_TEMPLATE.search(name) or _PROSE_OR_CODE.search(name))


def file_secret(rel: str, data: bytes) -> str | None:
    """Why a file (its pack path and bytes) may hold credentials, which no pack file may:
    its name (``secret_file``), or a known kind of token in its text; None when neither."""
    if secret_file(rel, data):
        return "by its name"
    held = None if b"\0" in data[:8192] else held_token(data.decode("utf-8", "replace"))
    return None if held is None else f"it holds {held}"
