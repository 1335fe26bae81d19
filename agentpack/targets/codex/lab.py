"""How Codex itself judges the output: in a scratch repository holding the export's
``.codex/`` and ``.agents/``, trusted in a throwaway ``CODEX_HOME``, ``codex debug
prompt-input`` (offline) prints what the model would be given. Every exported agent must be
among its "Available roles" with its description (Codex drops an agent file it cannot read,
silently), and every skill in its skills list.

Codex applies the session's sandbox and approvals to every spawned agent, and the target
claims no more of a role than its shell: a stand-in model spawns one role with the shell and
one without, and the tools Codex offers each must hold a shell tool exactly when the role
has the shell. Both with the tools Codex gives any model it does not know and with those
of its default model, which come in code mode (nested under one ``exec`` tool, listed from
inside it) with multi-agent v2, where a role spawns agents of its own: one the role spawns
must hold a shell tool exactly when the role does.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from agentpack.lab import QUIET, Client, Exported, Lab, StandIn, git_repo, model_server, strings
from agentpack.source import read_toml
from agentpack.targets.base import Report
from agentpack.targets.codex.names import AGENTS, MARKETPLACE, SKILLS
from agentpack.targets.codex.plugin import kept_servers, mcp_servers

CLIENT = Client("@openai/codex", "0.171.0", "codex", size_mb=430)


DEFAULT_MODEL = "gpt-6.2-sol"
"""The model Codex 0.171 picks when the user names none. Its catalog entry gives the model
its tools in code mode, which a model Codex does not know (the stand-in's own, ``lab``)
never gets."""
SHELL_TOOLS = frozenset({"exec_command", "write_stdin", "shell", "local_shell", "shell_command"})
"""Codex's tools that run commands (0.171 offers the first two; the others are older
spellings, which count too should a later client bring them back)."""
LIST_TOOLS = 'text("ALL_TOOLS=" + JSON.stringify(ALL_TOOLS.map(t => t.name)));'
"""Code mode's script that prints the names of every tool reachable from inside ``exec``."""


class _Responses(StandIn):
    """OpenAI's Responses API, the one Codex speaks to a provider (0.171 no longer takes
    chat completions): it asks for one ``exec_command`` call, then answers "ok"."""

    shell = ""
    """The command line it asks Codex to run (``command`` is the HTTP method's, here)."""

    def answer(self, request: dict[str, Any]) -> None:
        if _results(request):
            self.give(_message("ok"))
        else:
            self.give(_call("exec_command", {"cmd": self.shell}))

    def give(self, item: dict[str, Any]) -> None:
        """Answer with one output item (a message, or a tool call)."""
        usage = {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}
        response = {"id": "resp_lab", "object": "response", "output": [], "usage": usage}
        events: list[tuple[str, dict[str, Any]]] = [
            ("response.created", {"response": {**response, "status": "in_progress"}}),
            ("response.output_item.done", {"output_index": 0, "item": item}),
            ("response.completed", {"response": {**response, "output": [item]}}),
        ]
        self.stream(
            f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n".encode()
            for name, data in events
        )


class _Spawning(_Responses):
    """A session whose agents spawn the ones ``chain`` names, each the next (the session
    the first, that one the second, ...), and wait for them; the last, in code mode, first
    lists the tools it can reach from inside ``exec``."""

    chain: tuple[str, ...] = ()
    unable: list[int]
    """The depths of the agents that were offered no way to spawn the next."""

    def answer(self, request: dict[str, Any]) -> None:
        results, depth = _results(request), _depth(request)
        if depth == len(self.chain):
            if _code_mode(request) and not results:
                item = {"type": "custom_tool_call", "id": "ctc_lab", "call_id": "call_tools"}
                item |= {"namespace": "functions", "name": "exec", "input": LIST_TOOLS}
                self.give({**item, "status": "completed"})
            else:
                self.give(_message("done"))
            return
        # the agent's own model says how it spawns: multi-agent v2 (``collaboration``) or v1,
        # whose agents all go by the session's name (so a spawned one spawns no further here)
        namespace = next((n for n, t in _namespaces(request).items() if "spawn_agent" in t), "")
        if not namespace or (depth and namespace != "collaboration"):
            self.unable.append(depth)
            self.give(_message("done"))
        elif not results:
            spawn = {"agent_type": self.chain[depth], "message": "Say done."}
            if namespace == "collaboration":
                spawn |= {"task_name": f"lab{depth}", "fork_turns": "none"}
            self.give(_call("spawn_agent", spawn, namespace))
        elif len(results) == 1 and any(k in str(results[0]) for k in ("agent_id", "task_name")):
            wait: dict[str, Any] = {"timeout_ms": 60000}
            if namespace != "collaboration":
                wait["targets"] = [json.loads(str(results[0].get("output"))).get("agent_id")]
            self.give(_call("wait_agent", wait, namespace))
        else:
            self.give(_message("ok"))  # waited, or the spawn failed (the check says why)


def _message(text: str) -> dict[str, Any]:
    content = [{"type": "output_text", "text": text, "annotations": []}]
    return {
        "type": "message",
        "id": "msg_lab",
        "role": "assistant",
        "status": "completed",
        "content": content,
    }


def _call(name: str, arguments: dict[str, Any], namespace: str = "") -> dict[str, Any]:
    item = {"type": "function_call", "id": "fc_lab", "call_id": f"call_{name}", "name": name}
    item |= {"arguments": json.dumps(arguments), "status": "completed"}
    return item | ({"namespace": namespace} if namespace else {})


def _results(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The results of tool calls the request gives the model back."""
    items = request.get("input") or []
    return [i for i in items if isinstance(i, dict) and str(i.get("type")).endswith("_output")]


def _namespaces(request: dict[str, Any]) -> dict[str, set[str]]:
    """The tool namespaces offered to the model, with their tools' names, whether as tools
    or, in code mode, as additional tools."""
    given = [i for i in request.get("input") or [] if isinstance(i, dict)]
    extra = [t for i in given if i.get("type") == "additional_tools" for t in i.get("tools") or []]
    found: dict[str, set[str]] = {}
    for tool in [*(request.get("tools") or []), *extra]:
        if isinstance(tool, dict) and tool.get("type") == "namespace":
            names = {str(t.get("name")) for t in tool.get("tools") or [] if isinstance(t, dict)}
            found[str(tool.get("name"))] = names
    return found


def _code_mode(request: dict[str, Any]) -> bool:
    """Whether the model is given its tools in code mode (a role of its own model may not
    be, whatever its session's model)."""
    given = [i for i in request.get("input") or [] if isinstance(i, dict)]
    extra = [t for i in given if i.get("type") == "additional_tools" for t in i.get("tools") or []]
    return any(t.get("name") == "functions" for t in extra)


def _depth(request: dict[str, Any]) -> int:
    """How far down the session's agents the one that sent the request is: 0 the session,
    1 an agent it spawned (its thread is not the session's; with multi-agent v2 it is also
    named below the session's, ``/root/lab0``), 2 one that agent spawned, ..."""
    turn = (request.get("client_metadata") or {}).get("x-codex-turn-metadata") or "{}"
    found = json.loads(turn)
    spawned = bool(found.get("thread_id")) and found.get("thread_id") != found.get("session_id")
    return max(str(found.get("agent_name") or "/root").count("/") - 1, int(spawned))


def _exec(
    lab: Lab, home: Path, project: Path, answering: type[StandIn], *flags: str
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """``codex exec`` in ``project`` (Codex's home: ``home/.codex``) against a stand-in
    model: how it ended, and what it sent the model. The provider comes as ``-c``
    overrides: the user's config.toml stays as it is."""
    with model_server(answering, "/v1") as (url, requests):
        provider = f'{{name="lab", base_url="{url}", wire_api="responses", env_key="LAB_KEY"}}'
        overrides = [
            "model=lab",
            "model_provider=lab",
            f"model_providers.lab={provider}",
            f'projects."{project}".trust_level="trusted"',
        ]
        env = {"CODEX_HOME": str(home / ".codex"), "LAB_KEY": "lab"}
        args = ["exec", *(a for o in overrides for a in ("-c", o)), *flags]
        done = lab.run(
            lab.binary(CLIENT), [*args, "--skip-git-repo-check", "go"], home, project, env=env
        )
        return done, list(requests)


def running(lab: Lab, home: Path, project: Path, command: str, *flags: str) -> str:
    """What Codex gave back when a stand-in model had it run ``command`` in the shell."""
    answering = type("Running", (_Responses,), {"shell": command})
    done, requests = _exec(lab, home, project, answering, *flags)
    results = [str(i.get("output")) for request in requests for i in _results(request)]
    assert results, done.stdout + done.stderr[-2000:]
    return results[0]


def role_tools(
    lab: Lab, home: Path, project: Path, chain: tuple[str, ...], code_mode: bool
) -> set[str] | None:
    """The tools Codex offers the last of ``chain`` when the session spawns the first and
    each the next (``code_mode``: a session of Codex's default model; in code mode, the
    tools reachable inside ``exec`` included); None when an agent of the chain was offered
    no way to spawn the next (its own model's tools have none)."""
    unable: list[int] = []
    answering = type("Spawning", (_Spawning,), {"chain": chain, "unable": unable})
    flags = ("-m", DEFAULT_MODEL) if code_mode else ()
    done, requests = _exec(lab, home, project, answering, *flags)
    assert 0 not in unable, f"the session could not spawn: {done.stderr[-2000:]}"
    if unable:
        return None
    last = [r for r in requests if _depth(r) == len(chain)]
    assert last, f"Codex did not spawn {' then '.join(chain)}: {done.stdout}{done.stderr[-2000:]}"
    found, listed = set(), False
    for request in last:
        found |= {str(t.get("name") or t.get("type")) for t in request.get("tools") or []}
        for item in request.get("input") or []:
            if isinstance(item, dict) and item.get("type") == "additional_tools":
                found |= {str(t.get("name")) for n in item["tools"] for t in n.get("tools", [])}
        for text in strings([r.get("output") for r in _results(request)]):
            for names in re.findall(r"ALL_TOOLS=(\[[^\]]*\])", text):
                found, listed = found | set(json.loads(names)), True
    # in code mode the tools sit inside exec: an agent that listed none would pass unseen
    coded = any(_code_mode(r) for r in last)
    assert listed or not coded, f"{chain[-1]} listed no tools from inside exec: {sorted(found)}"
    return found


def scratch(dist: Path, work: Path) -> tuple[Path, Path]:
    """A scratch repository holding ``dist``'s files, and a Codex home that trusts it."""
    project = git_repo(work / "project").resolve()
    for folder in (".codex", ".agents"):
        if (dist / folder).is_dir():
            shutil.copytree(dist / folder, project / folder)
    home = (work / "codex-home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        f'[projects."{project}"]\ntrust_level = "trusted"\n', encoding="utf-8"
    )
    return project, home


def prompt_input(lab: Lab, project: Path, home: Path, work: Path) -> str:
    """Every text ``codex debug prompt-input`` gives the model (offline)."""
    env = {"CODEX_HOME": str(home)}
    result = lab.run(lab.binary(CLIENT), ["debug", "prompt-input", "hi"], work, project, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return "\n".join(strings(json.loads(result.stdout)))


def skills_list(lab: Lab, project: Path, home: Path) -> dict[str, Any]:
    """``skills/list`` of ``codex app-server`` (offline, over stdio): every skill Codex
    loaded for the project, also those the model may not pick on its own, and its errors."""
    requests = [
        {
            "id": 0,
            "method": "initialize",
            "params": {"clientInfo": {"name": "lab", "version": "0"}},
        },
        {"method": "initialized"},
        {"id": 1, "method": "skills/list", "params": {"cwds": [str(project)], "forceReload": True}},
    ]
    env = {**lab.env, **QUIET, "CODEX_HOME": str(home), "HOME": str(home.parent / "home")}
    with subprocess.Popen(
        [str(lab.binary(CLIENT)), "app-server"],
        cwd=project,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as server:
        assert server.stdin is not None
        assert server.stdout is not None
        for request in requests:
            server.stdin.write(json.dumps(request) + "\n")
            server.stdin.flush()
        try:
            for line in server.stdout:
                message = json.loads(line)
                if message.get("id") == 1:
                    result: dict[str, Any] = message["result"]["data"][0]
                    return result
        finally:
            server.kill()
    raise AssertionError("codex app-server gave no answer to skills/list")


class CodexLab:
    client = CLIENT

    def check(self, lab: Lab, exported: Exported, work: Path) -> None:
        dist = exported.dist("codex")
        project, home = scratch(dist, work)
        text = prompt_input(lab, project, home, work / "home")
        roles = text[text.index("Available roles:") :] if "Available roles:" in text else ""
        missing = []
        for path in sorted((dist / AGENTS).rglob("*.toml")):
            role = read_toml(path.read_text(encoding="utf-8"))
            # its block may go on after the description ("- This role's model is set to")
            shown = f"{role['name'].strip()}: {{\n{role['description'].strip()}\n"
            if shown not in roles:
                missing.append(role["name"])
        assert missing == [], f"Codex did not load these agents: {missing}"
        listed = skills_list(lab, project, home)
        ours = [e for e in listed.get("errors", []) if str(project) in json.dumps(e)]
        assert ours == [], f"Codex could not load these skills: {ours}"
        names = {s["name"] for s in listed["skills"] if s["scope"] == "repo"}
        skills = {p.parent.name for p in (dist / SKILLS).glob("*/SKILL.md")}
        assert skills - names == set(), f"Codex did not load these skills: {skills - names}"
        self.roles(lab, dist, project, work / "roles")
        self.plugin(lab, exported, work / "plugin")

    def roles(self, lab: Lab, dist: Path, project: Path, home: Path) -> None:
        """One role with the shell and one without (where the export has them): Codex
        offers each a shell tool exactly when the role file leaves it the shell, with
        both kinds of tools a model can get, and so it does to an agent the role spawns."""
        (home / ".codex").mkdir(parents=True, exist_ok=True)
        trusted = f'[projects."{project}"]\ntrust_level = "trusted"\n'
        (home / ".codex" / "config.toml").write_text(trusted, encoding="utf-8")
        picked: dict[bool, str] = {}
        for path in sorted((dist / AGENTS).rglob("*.toml")):
            role = read_toml(path.read_text(encoding="utf-8"))
            features = role.get("features")
            shell = not isinstance(features, dict) or features.get("shell_tool") is not False
            picked.setdefault(shell, role["name"])
        for shell, name in picked.items():
            for chain, code_mode in (((name,), False), ((name,), True), ((name, "default"), True)):
                # the last: with multi-agent v2 a role spawns agents, which keep its shell
                offered = role_tools(lab, home, project, chain, code_mode)
                if offered is not None:  # None: the role's own model spawns no agents
                    assert bool(offered & SHELL_TOOLS) == shell, (chain, sorted(offered))

    def plugin(self, lab: Lab, exported: Exported, work: Path) -> None:
        """The pack as a Codex marketplace: ``codex plugin marketplace add`` and ``plugin
        add`` take it, and a session then offers the plugin's skills (those the model may
        pick on its own) under the plugin's name."""
        codex, home = lab.binary(CLIENT), (work / "codex-home").resolve()
        home.mkdir(parents=True, exist_ok=True)
        env = {"CODEX_HOME": str(home)}
        market = json.loads((exported.root / MARKETPLACE).read_text(encoding="utf-8"))
        plugin = f"{market['plugins'][0]['name']}@{market['name']}"
        for args in (
            ["plugin", "marketplace", "add", str(exported.root)],
            ["plugin", "add", plugin],
        ):
            done = lab.run(codex, args, work / "home", exported.root, env=env)
            assert done.returncode == 0, done.stdout + done.stderr
        project = git_repo(work / "empty")
        shown = lab.run(codex, ["debug", "prompt-input", "hi"], work / "home", project, env=env)
        assert shown.returncode == 0, shown.stderr[-3000:]
        text = "\n".join(strings(json.loads(shown.stdout)))
        dist = exported.dist("codex") / SKILLS
        offered = [
            p.parent.name
            for p in sorted(dist.glob("*/SKILL.md"))
            if not (p.parent / "agents" / "openai.yaml").is_file()
        ]
        name = market["plugins"][0]["name"]
        missing = [s for s in offered if f"- {name}:{s}: " not in text]
        assert missing == [], f"the installed Codex plugin does not offer: {missing}"
        self.servers(lab, exported, work, env)

    def servers(self, lab: Lab, exported: Exported, work: Path, env: dict[str, str]) -> None:
        """The installed plugin's MCP servers, as ``codex mcp list --json`` reads them:
        each of the pack's, with the variables it is to take from the environment."""
        wanted = kept_servers(exported.pack.manifest, Report())  # those the export writes
        if not wanted:
            return
        done = lab.run(lab.binary(CLIENT), ["mcp", "list", "--json"], work / "home", work, env=env)
        assert done.returncode == 0, done.stderr[-2000:]
        listed = {s["name"]: s["transport"] for s in json.loads(done.stdout)}
        written = mcp_servers(wanted)
        for server in wanted:
            assert server.name in listed, f"Codex did not load the server {server.name}"
            transport, entry = listed[server.name], written[server.name]
            for key in ("command", "args", "url", "env_vars", "bearer_token_env_var"):
                if key in entry:
                    assert transport.get(key) == entry[key], (server.name, key, transport)
