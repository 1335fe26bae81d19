"""MCP servers and hooks in a pack: each problem one line at its field, and no secret in a
file the pack ships (tried with generated tokens of every known kind)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentpack import api
from agentpack.secrets import PREFIXES, args_secrets, named_secret, secret_problem
from tests.conftest import MakePack

CASES: dict[str, tuple[dict[str, str], list[str]]] = {
    "both command and url": (
        {"mcp/x.yaml": "command: npx\nurl: https://x.example.com\n"},
        ["mcp/x.yaml:1:1: error: -: give either command (a stdio server) or url (a remote one)"],
    ),
    "a stdio server with headers": (
        {"mcp/x.yaml": "command: npx\nheaders:\n  A: b\n"},
        ["mcp/x.yaml:2:1: error: headers: a stdio server has no headers; remove it"],
    ),
    "a token written in the pack": (
        {
            "mcp/gh.yaml": "url: https://x.example.com\nheaders:\n  Authorization: Bearer "
            "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\n"
        },
        [
            "mcp/gh.yaml:3:18: error: headers.Authorization: this value must not be written in "
            "the pack: it looks like a GitHub personal access token; write a reference such as "
            "${YOUR_TOKEN} and set that variable in your environment"
        ],
    ),
    "a secret in a server's environment": (
        {"mcp/db.yaml": "command: db\nenv:\n  DB_PASSWORD: x7Kp2mQ9vL4nR8tW3yZ6bC1dF5gH0jK\n"},
        [
            "mcp/db.yaml:3:16: error: env.DB_PASSWORD: this value must not be written in the "
            "pack: it is long and random enough to be a credential; write a reference such as "
            "${DB_PASSWORD} and set that variable in your environment"
        ],
    ),
    "a token in a server's arguments": (
        {"mcp/gh.yaml": "command: npx\nargs: [-t, ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8]\n"},
        [
            "mcp/gh.yaml:2:12: error: args[1]: this value must not be written in the pack: it "
            "looks like a GitHub personal access token; write a reference such as ${YOUR_TOKEN} "
            "and set that variable in your environment"
        ],
    ),
    "a key in a server's command line": (
        {"mcp/db.yaml": "command: npx -y @acme/mcp --api-key sk-ant-api03-a1B2c3D4e5F6g7H8i9J0\n"},
        [
            "mcp/db.yaml:1:10: error: command: this value must not be written in the pack: it "
            "looks like an Anthropic API key; write a reference such as ${YOUR_TOKEN} and set "
            "that variable in your environment"
        ],
    ),
    "a token in a server's folder": (
        {"mcp/db.yaml": "command: db\ncwd: /srv/ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\n"},
        [
            "mcp/db.yaml:2:6: error: cwd: this value must not be written in the pack: it looks "
            "like a GitHub personal access token; write a reference such as ${YOUR_TOKEN} and "
            "set that variable in your environment"
        ],
    ),
    "a script path a shell would run": (
        {"hooks/h.yaml": "event: stop\nrun: hooks/g$(touch x).sh\n"},
        [
            "hooks/h.yaml:2:6: error: run: 'hooks/g$(touch x).sh' may hold only letters, digits "
            "and _ . + / -, since tools read it in a shell or as a name; change it"
        ],
    ),
    "an environment variable name": (
        {"mcp/x.yaml": "command: x\nenv:\n  API-KEY: ${K}\n"},
        [
            "mcp/x.yaml:3:3: error: env: 'API-KEY' may hold only letters, digits and _, "
            "and begin with letters or _, since tools read it in a shell or as a name; change it"
        ],
    ),
    "a server name tools cannot take": (
        {"mcp/My Server.yaml": "command: npx\n"},
        [
            "mcp/My Server.yaml:1:1: error: -: 'My Server' cannot name a server: use lowercase "
            "letters, digits, '-' and '_' (at most 64), since tools build names of their own "
            "out of it; rename the file"
        ],
    ),
    "a hook's script that is not there": (
        {"hooks/h.yaml": "event: stop\nrun: hooks/h.sh\n"},
        ["hooks/h.yaml:2:6: error: run: cannot read hooks/h.sh: no such file"],
    ),
    "tools on an event with no tool": (
        {"hooks/h.yaml": "event: prompt\ntools: [bash]\nrun: h.sh\n", "h.sh": "exit 0\n"},
        [
            "hooks/h.yaml:2:1: error: tools: tools apply to before_tool and after_tool only, "
            "not to prompt; remove it"
        ],
    ),
    "an unknown event": (
        {"hooks/h.yaml": "event: beforeShell\nrun: h.sh\n", "h.sh": "exit 0\n"},
        [
            "hooks/h.yaml:1:8: error: event: 'beforeShell' is not allowed here (did you mean "
            "'before_tool'?); use one of: "
            "before_tool, after_tool, prompt, session_start, session_end, stop"
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_problem_is_one_line_at_its_field(case: str, make_pack: MakePack) -> None:
    files, expected = CASES[case]
    root = make_pack(files)
    assert [str(f) for f in api.validate(root).findings if f.is_error] == expected


def test_a_bare_dollar_name_is_said_to_mean_two_things_except_in_a_shells_script(
    make_pack: MakePack,
) -> None:
    """``$NAME`` is text to Claude Code and the others, but the Copilot CLI (1.0.102) puts
    the variable in its place where it is set: said once per name and field, with how to
    write the variable; not in the script a shell runs (``-c``), which the shell expands in
    every tool, but in a script file's arguments, which it does not."""
    root = make_pack(
        {
            "mcp/remote.yaml": "url: https://x.example.com/$ORG\nheaders:\n"
            "  Authorization: Bearer $TOKEN and $TOKEN\n",
            "mcp/local.yaml": "command: python3\nargs: [srv.py, --home=$HOME]\n"
            "env:\n  PRICE: 5$ or ${PRICE} or $$ or $1\n",
            "mcp/shell.yaml": "command: /usr/bin/env\nargs: [bash, -ec, exec srv --home $HOME]\n",
            "mcp/script.yaml": "command: bash\nargs: [./srv.sh, --home=$HOME]\n",
        }
    )
    said = [str(f) for f in api.validate(root).findings if "is text to Claude" in f.message]
    why = (
        "is text to Claude Code and most tools, but the Copilot CLI puts the variable {0} "
        "in its place where it is set; write ${{{0}}} for the variable (no spelling keeps the "
        "text in every tool)"
    )
    assert said == [
        f"mcp/local.yaml:2:16: warning: args[1]: $HOME {why.format('HOME')}",
        f"mcp/remote.yaml:1:6: warning: url: $ORG {why.format('ORG')}",
        f"mcp/remote.yaml:3:18: warning: headers.Authorization: $TOKEN {why.format('TOKEN')}",
        f"mcp/script.yaml:2:18: warning: args[1]: $HOME {why.format('HOME')}",
    ]


def test_a_server_and_a_hook_load(make_pack: MakePack) -> None:
    root = make_pack(
        {
            "mcp/db.yaml": "command: python3\nargs: ['${PLUGIN_ROOT}/db.py']\nfiles: [db.py]\n"
            "env:\n  TOKEN: ${DB_TOKEN}\n",
            "db.py": "print()\n",
            "hooks/guard.yaml": "event: before_tool\ntools: [bash, mcp:db]\nrun: guard.sh\n",
            "guard.sh": "exit 0\n",
        }
    )
    pack = api.load_pack(root)
    (server,) = pack.manifest.servers
    (hook,) = pack.manifest.hooks
    assert (server.name, server.command, dict(server.env)) == (
        "db",
        "python3",
        {"TOKEN": "${DB_TOKEN}"},
    )
    assert (hook.event, hook.tools, hook.interpreter) == ("before_tool", ("bash", "mcp:db"), "sh")
    assert pack.manifest.files["db.py"] == b"print()\n"


_ALPHABET = string.ascii_letters + string.digits


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from([p for p, _ in PREFIXES]),
    body=st.text(_ALPHABET, min_size=20, max_size=48),
    around=st.sampled_from(["{}", "Bearer {}", "token={}", "{} "]),
)
def test_generated_tokens_are_refused(prefix: str, body: str, around: str) -> None:
    assert secret_problem(around.format(prefix + body)) is not None


@settings(max_examples=300, deadline=None)
@given(
    name=st.from_regex(r"[A-Z][A-Z0-9_]{2,30}", fullmatch=True),
    around=st.sampled_from(["${{{}}}", "Bearer ${{{}}}", "token=${{{}}}&x=1"]),
)
def test_references_are_accepted(name: str, around: str) -> None:
    assert secret_problem(around.format(name)) is None


@settings(max_examples=200, deadline=None)
@given(
    password=st.from_regex(r"[A-Za-z!%*~_-][A-Za-z0-9!%*~_-]{0,19}", fullmatch=True),
    scheme=st.sampled_from(["postgresql", "mysql", "redis", "https", "mongodb+srv"]),
)
def test_a_url_with_a_password_is_refused_and_one_with_a_reference_is_not(
    password: str, scheme: str
) -> None:
    assert secret_problem(f"--dsn={scheme}://admin:{password}@db.local:5433/app") is not None
    assert secret_problem(f"{scheme}://${{DB_USER}}:{password}@db.local/app") is not None
    assert secret_problem(f"{scheme}://admin:${{DB_PASSWORD}}@db.local/app") is None
    assert secret_problem(f"{scheme}://${{DB_USER}}:${{DB_PASSWORD}}@db.local/app") is None
    assert secret_problem(f"{scheme}://admin@db.local/app") is None


@pytest.mark.parametrize(
    "value",
    [
        "info",
        "production",
        "https://api.example.com/mcp",
        "/usr/local/bin/python3",
        "en-US",
        "550e8400-e29b-41d4-a716-446655440000",
        "my-server-name-that-is-long-enough",
        "http://localhost:8080/mcp",
        "user@example.com:repo.git",
        "git@github.com:owner/repo.git",
        "ssh://git@host:22/x",
        "https://host:443?user=a@b.com",
        "http://localhost:3000@latest",
        "postgresql://app:$PGPASSWORD@db/app",
    ],
)
def test_ordinary_values_are_accepted(value: str) -> None:
    assert secret_problem(value) is None


HEX40 = "c0c4" + "9e1f" * 9


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SUPABASE_ACCESS_TOKEN", HEX40),
        ("api-key", "abcdefghijklmnop"),
        ("X-API-Key", "k3y" + "abc" * 5),
        ("DB_PASSWORD", "hunter2hunter2"),
        ("--access-token", HEX40),
        ("Authorization", "Bearer " + HEX40),
        ("AUTH_KEY", HEX40),
        ("PASSWORD", "correct horse battery staple"),
        ("TOKEN", "abc/def+ghi0123=="),
        ("PGPASSWORD", "Tr0ub4dor&3x"),
        ("DB_PASS", "Tr0ub4dor&3x"),
        ("authToken", HEX40),
        ("--key", "3f8a9b2c-1d4e-4f5a-8b7c-9d0e1f2a3b4c"),
    ],
)
def test_a_literal_of_a_name_that_holds_a_credential_is_refused(name: str, value: str) -> None:
    assert named_secret(name, value) is not None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SUPABASE_ACCESS_TOKEN", "${SUPABASE_ACCESS_TOKEN}"),
        ("GITHUB_TOKEN", "your-github-token-here"),
        ("MAX_TOKENS", "4096"),
        ("TOKEN_FILE", "/run/secrets/token"),
        ("API_KEY_ENV", "OPENAI_API_KEY_VALUE"),
        ("LOG_LEVEL", "debug-verbose-mode"),
        ("PASSWORD", "short"),
        ("GOOGLE_APPLICATION_CREDENTIALS", "creds.json"),
        ("TOKENIZER", "cl100k_base"),
        ("AUTH_MODE", "oauth-device"),
        ("--password-store", "keychain"),
        ("--token-cache", "disabled"),
        ("SECRET_PROVIDER", "vault-secrets"),
        ("Authorization", "Bearer ${TOKEN}"),
        ("GEMINI_API_KEY", "${user_config.gemini_api_key}"),
        ("GITHUB_TOKEN", "${env:GITHUB_PERSONAL_ACCESS_TOKEN}"),
        ("Authorization", "Bearer ${input:github_token}"),
        ("OPENAI_API_KEY", "{env:OPENAI_API_KEY}"),
        ("SORT_KEY", "created_at_desc"),
        ("BYPASS_MODE", "interactive"),
        ("PASS_THROUGH", "HOME,PATH,LANG"),
        ("FIRST_PASS", "summarize"),
        ("--allow-pass", "internal-network"),
        ("--key", "docs/index.json"),
        ("--key", "team-docs-bucket"),
        ("KEY", "updated_at_desc"),
        ("GOOGLE_APPLICATION_CREDENTIALS", "C:\\Users\\me\\gcp\\service.json"),
    ],
)
def test_a_reference_number_path_or_placeholder_is_not_a_credential(name: str, value: str) -> None:
    assert named_secret(name, value) is None


def test_a_references_default_is_a_literal() -> None:
    """``${TOKEN:-ghp_...}`` writes the token into the pack as surely as a bare one."""
    token = "ghp_" + "a1B2c3D4e5" * 4
    assert named_secret("GITHUB_TOKEN", "${GITHUB_TOKEN:-" + token + "}") is not None
    assert secret_problem("Bearer ${T:-" + token + "}") is not None
    assert secret_problem("https://u:${PW:-hunter2secret}@db.local/app") is not None
    assert named_secret("GITHUB_TOKEN", "${GITHUB_TOKEN:-}") is None


def test_a_credential_in_a_urls_query_or_a_cookie_is_refused() -> None:
    """Real servers take their key in the URL (``?exaApiKey=``, Google's ``?key=``)."""
    key = "3f0c9a1e-7b2d-4c1a-9e8f-0a1b2c3d4e5f"
    for url in (f"https://mcp.exa.ai/mcp?exaApiKey={key}", f"https://x/?a=1&key={key}"):
        assert secret_problem(url) is not None, url
    for url in ("https://x/?page=2&limit=100", "https://x/?key=${API_KEY}", "https://x/?key=name"):
        assert secret_problem(url) is None, url
    assert named_secret("Cookie", f"session={key}") is not None


def test_a_commands_options_say_which_argument_holds_a_credential() -> None:
    args = ["-y", "@supabase/mcp-server", "--access-token", HEX40, f"--api-key={HEX40}", HEX40]
    found = args_secrets(args)
    assert [i for i, problem in enumerate(found) if problem] == [3, 4]
    assert (
        args_secrets(["--token", "${TOKEN}", "--read-only", "--project-ref=abcdefghijkl"])
        == [None] * 4
    )


def test_known_token_kinds_of_2026_are_refused() -> None:
    for token in ("sbp_" + HEX40, "pplx-" + HEX40[:48], "tvly-" + "dev" + HEX40[:29]):
        assert secret_problem(token) is not None, token


def test_a_json_argument_is_read_for_its_members_credentials() -> None:
    """Smithery's CLI takes a server's settings as ``--config '{"apiToken": ...}'``."""
    found = args_secrets(
        ["run", "x", "--config", '{"apiToken":"3f8a9b2c1d4e4f5a8b7c9d0e1f2a3b4c"}']
    )
    assert [i for i, problem in enumerate(found) if problem] == [3]
    assert args_secrets(["--config", '{"apiToken":"${TOKEN}","depth":[1,{"a":"b"}]}']) == [None] * 2
    assert args_secrets(["{not json"]) == [None]
    assert args_secrets(['{"orderBy": {"key": "updated_at_desc"}}']) == [None]
    deep = '{"a": ' + "[" * 5000 + "]" * 5000 + "}"  # too deep for json: not read, no crash
    assert args_secrets([deep]) == [None]


def test_a_skills_metadata_or_file_holding_a_token_is_an_error(make_pack: MakePack) -> None:
    """A skill's metadata and files are copied into every target's folder: a key in its
    metadata, or a file holding a ``ghp_`` token or a private key, is an error there (they
    were copied into five tools' folders). AWS's documented example key is none."""
    token = "ghp_" + "a1B2c3D4e5" * 4
    root = make_pack(
        {
            "skills/s/SKILL.md": "---\nname: s\ndescription: d\nmetadata:\n"
            f"  api_key: {token}\n  owner: me\n---\nx\n",
            "skills/s/config/settings.conf": f"GITHUB_TOKEN={token}\n",
            "skills/s/docs/aws.md": "Use AKIAIOSFODNN7EXAMPLE as the key id.\n",
            "skills/s/keys/id.txt": "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n",
        }
    )
    errors = [(f.path, f.field) for f in api.validate(root).findings if f.is_error]
    assert sorted(errors) == [
        ("skills/s/SKILL.md", "metadata.api_key"),
        ("skills/s/config/settings.conf", "-"),
        ("skills/s/keys/id.txt", "-"),
    ]


def test_a_hook_in_a_yml_file_is_said_to_be_ignored(make_pack: MakePack) -> None:
    """``hooks/guard.yml`` was passed over without a word, and its guard with it."""
    root = make_pack({"hooks/guard.yml": "event: stop\nrun: hooks/g.sh\n"})
    said = [str(f) for f in api.validate(root).findings if "guard.yml" in f.path]
    assert said == [
        "hooks/guard.yml:1:1: warning: -: ignored: hooks/ holds *.yaml files; rename it to "
        "guard.yaml"
    ]


@pytest.mark.parametrize(
    ("rel", "needs"),
    [
        ("mcp/e.yaml", "command (a stdio server) or url (a remote one)"),
        ("hooks/h.yaml", "event and run"),
    ],
)
def test_an_empty_server_or_hook_file_says_what_it_needs(
    make_pack: MakePack, rel: str, needs: str
) -> None:
    """Each was told to add a name and a description, fields neither has."""
    root = make_pack({rel: ""})
    kind = "server" if rel.startswith("mcp") else "hook"
    assert [str(f) for f in api.validate(root).findings if f.is_error] == [
        f"{rel}:1:1: error: -: the {kind} has no fields; add {needs}"
    ]
