"""Shared by the `codesearch mcp` end-to-end tests: the built binary, the environment a
test run gets (as Tests/TestSupport/CodesearchBinary.swift gives the Swift end-to-end
tests), real temporary git repositories, and a session of the official Python MCP client.

The binary is $CODESEARCH_BIN, else .build/debug/codesearch (scripts/test sets it).
"""
import contextlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("CODESEARCH_BIN") or str(ROOT / ".build" / "debug" / "codesearch")
# The budget of the server's token estimate: one token per this many UTF-8 bytes.
BYTES_PER_TOKEN = 3


def environment(extra=None):
    """An isolated HOME and config folder, the real model cache, no colour, every vector
    embedded before answering (no result may depend on how fast the machine embeds), and
    no background filler."""
    home = tempfile.mkdtemp(prefix="codesearch-mcp-home-")
    real_home = os.environ.get("HOME", "/root")
    env = {
        "HOME": home,
        "XDG_CONFIG_HOME": home + "/.config",
        "XDG_CACHE_HOME": os.environ.get("XDG_CACHE_HOME", real_home + "/.cache"),
        "NO_COLOR": "1",
        "CODESEARCH_EMBED_BUDGET": "none",
        "CODESEARCH_BACKGROUND": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    env.update(extra or {})
    return env


class Repository:
    """A real git repository in a fresh temporary folder, driven by the git command line."""

    def __init__(self, files):
        self.path = tempfile.mkdtemp(prefix="codesearch-mcp-test-")
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")
        for name, text in files.items():
            self.write(name, text)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "commit")

    def git(self, *args):
        subprocess.run(["git", *args], cwd=self.path, check=True, capture_output=True,
                       env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"})

    def write(self, name, text):
        path = Path(self.path, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


CONFIG = '''import json


def read_config(path):
    with open(path) as handle:
        data = json.load(handle)
    return data.get("settings", {})


def checksum(blob):
    total = 0
    for byte in blob:
        total = (total * 31 + byte) % 65521
    return total
'''

SETTINGS = '''import json


def load_settings(filename):
    with open(filename) as f:
        parsed = json.load(f)
    return parsed.get("settings", {})
'''

OTHER = '''def send_mail(server, message):
    server.connect()
    server.send(message)
    server.quit()


class Table:
    def render_table(self, rows):
        width = max(len(r) for r in rows)
        return "\\n".join(r.ljust(width) for r in rows)
'''


@pytest.fixture
def repo():
    return Repository({"config.py": CONFIG, "app/settings.py": SETTINGS, "other.py": OTHER})


@contextlib.asynccontextmanager
async def session(repo_path, args=(), env=None, errlog=None):
    """An initialized client session with `codesearch mcp --repo REPO`."""
    params = StdioServerParameters(command=BINARY, args=["mcp", "--repo", repo_path, *args],
                                   env=environment(env), cwd=tempfile.gettempdir())
    with open(os.devnull, "w") if errlog is None else contextlib.nullcontext(errlog) as log:
        async with stdio_client(params, errlog=log) as (read, write):
            async with ClientSession(read, write) as client:
                await client.initialize()
                yield client


def estimated_tokens(result):
    """The token estimate the server's budget bounds: the text content and the structured
    content as compact JSON with sorted keys, UTF-8 bytes / BYTES_PER_TOKEN, rounded up."""
    text = "".join(block.text for block in result.content)
    structured = json.dumps(result.structured_content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    size = len(text.encode()) + len(structured.encode())
    return -(-size // BYTES_PER_TOKEN)


def raw_server(repo_path, env=None):
    """`codesearch mcp` with pipes, for tests that speak the protocol byte by byte."""
    return subprocess.Popen([BINARY, "mcp", "--repo", repo_path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **environment(env)})


def request(id, method, params=None):
    message = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        message["params"] = params
    return json.dumps(message) + "\n"


INITIALIZE = request(1, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                       "clientInfo": {"name": "raw-test", "version": "1"}})
INITIALIZED = json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n"


@pytest.fixture
def anyio_backend():
    return "asyncio"
