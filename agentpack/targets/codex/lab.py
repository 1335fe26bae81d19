"""How Codex itself judges the output: in a scratch repository holding the export's
``.codex/`` and ``.agents/``, trusted in a throwaway ``CODEX_HOME``, ``codex debug
prompt-input`` (offline) prints what the model would be given. Every exported agent must be
among its "Available roles" with its description (Codex drops an agent file it cannot read,
silently), and every skill in its skills list.

Codex prints no sandbox or approval for a role (it applies the session's to every spawned
agent): the lab cannot check those against ``explain``, and the target does not claim them.
"""

from __future__ import annotations

import json
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


class _Responses(StandIn):
    """OpenAI's Responses API, the one Codex speaks to a provider (0.171 no longer takes
    chat completions): it asks for one ``exec_command`` call, then answers "ok"."""

    shell = ""
    """The command line it asks Codex to run (``command`` is the HTTP method's, here)."""

    def answer(self, request: dict[str, Any]) -> None:
        items = request.get("input") or []
        done = any(isinstance(i, dict) and i.get("type") == "function_call_output" for i in items)
        usage = {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}
        response = {"id": "resp_lab", "object": "response", "output": [], "usage": usage}
        item: dict[str, Any] = {
            "type": "message",
            "id": "msg_lab",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": "ok", "annotations": []}],
        }
        if not done:
            arguments = json.dumps({"cmd": self.shell})
            item = {"type": "function_call", "id": "fc_lab", "call_id": "call_lab"}
            item |= {"name": "exec_command", "arguments": arguments, "status": "completed"}
        events: list[tuple[str, dict[str, Any]]] = [
            ("response.created", {"response": {**response, "status": "in_progress"}}),
            ("response.output_item.done", {"output_index": 0, "item": item}),
            ("response.completed", {"response": {**response, "output": [item]}}),
        ]
        self.stream(
            f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n".encode()
            for name, data in events
        )


def running(lab: Lab, home: Path, project: Path, command: str, *flags: str) -> str:
    """``codex exec`` in ``project`` (Codex's home: ``home/.codex``) against a stand-in
    model that runs ``command`` in the shell: what Codex gave back as the call's result.
    The provider comes as ``-c`` overrides: the user's config.toml stays as it is."""
    answering = type("Running", (_Responses,), {"shell": command})
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
        results = [
            str(i.get("output"))
            for request in requests
            for i in request.get("input") or []
            if isinstance(i, dict) and i.get("type") == "function_call_output"
        ]
        assert results, done.stdout + done.stderr[-2000:]
        return results[0]


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
        self.plugin(lab, exported, work / "plugin")

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
