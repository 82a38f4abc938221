"""`codesearch mcp` as a process: fresh between calls, concurrent calls, end of input,
and nothing but protocol messages on standard output."""
import json
import subprocess
import time
from pathlib import Path

import anyio
import pytest

from conftest import INITIALIZE, INITIALIZED, raw_server, request, session

pytestmark = pytest.mark.anyio


async def test_a_file_edited_between_calls_is_found_by_the_next_search(repo):
    question = {"query": "compute the nth fibonacci number", "limit": 1}
    async with session(repo.path) as client:
        before = await client.call_tool("search", question)
        assert before.structured_content["results"][0]["qualifiedName"] != "fibonacci"
        Path(repo.path, "other.py").write_text(Path(repo.path, "other.py").read_text() + '''

def fibonacci(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a
''')
        after = await client.call_tool("search", question)
        first = after.structured_content["results"][0]
        assert (first["path"], first["line"], first["qualifiedName"]) == ("other.py", 13, "fibonacci")
        # A new untracked file too, and the outline sees the edit.
        Path(repo.path, "geometry.py").write_text("def polygon_area(points):\n    return 0.5 * abs(sum(points))\n")
        area = await client.call_tool("search", {"query": "area of a polygon", "limit": 1})
        assert area.structured_content["results"][0]["path"] == "geometry.py"
        outline = await client.call_tool("outline", {"path": "other.py"})
        assert outline.structured_content["results"][-1]["qualifiedName"] == "fibonacci"


async def test_twenty_concurrent_calls_all_answer_right(repo):
    expected = {
        "search": ({"query": "send a message through the mail server", "limit": 1}, "send_mail"),
        "similar": ({"location": "config.py::read_config", "limit": 1}, "load_settings"),
        "outline": ({"path": "config.py"}, "read_config"),
        "find_existing": ({"description": "send an email message with a mail server", "limit": 1}, "send_mail"),
    }
    calls = [list(expected)[i % 4] for i in range(19)] + ["status"]
    answers = {}
    async with session(repo.path) as client:
        async def call(i, tool):
            arguments = expected[tool][0] if tool in expected else {}
            answers[i] = (tool, await client.call_tool(tool, arguments))

        with anyio.fail_after(120):
            async with anyio.create_task_group() as group:
                for i, tool in enumerate(calls):
                    group.start_soon(call, i, tool)
    assert len(answers) == 20
    for tool, result in answers.values():
        assert not result.is_error, (tool, result.content[0].text)
        if tool in expected:
            assert result.structured_content["results"][0]["qualifiedName"] == expected[tool][1], tool


def read_messages(stdout):
    """Every line of standard output, each of which must be a JSON-RPC 2.0 message."""
    messages = []
    for line in stdout.decode().splitlines():
        message = json.loads(line)
        assert message.get("jsonrpc") == "2.0", line
        assert "id" in message or "method" in message, line
        messages.append(message)
    return messages


def test_end_of_input_answers_what_was_asked_then_exits_cleanly(repo):
    server = raw_server(repo.path)
    calls = request(2, "tools/call", {"name": "search", "arguments": {"query": "checksum"}}) \
        + request(3, "tools/call", {"name": "outline", "arguments": {"path": "config.py"}})
    start = time.monotonic()
    stdout, _ = server.communicate((INITIALIZE + INITIALIZED + calls).encode(), timeout=120)
    assert server.returncode == 0
    answered = {m["id"]: m for m in read_messages(stdout)}
    assert set(answered) == {1, 2, 3}
    assert answered[3]["result"]["structuredContent"]["results"][0]["qualifiedName"] == "read_config"
    # An idle server ends as soon as its input does.
    idle = raw_server(repo.path)
    idle.stdin.close()
    assert idle.wait(timeout=10) == 0
    assert idle.stdout.read() == b""
    assert time.monotonic() - start < 120


def test_standard_output_carries_protocol_messages_only(repo):
    # A refused key in the repository's .codesearch makes a warning (standard error).
    Path(repo.path, ".codesearch").write_text("[codesearch]\n\tprovider = openai\n")
    server = raw_server(repo.path)
    messages = [INITIALIZE, INITIALIZED, request(2, "tools/list")]
    calls = [("search", {"query": "checksum"}), ("search", {"query": 1}), ("similar", {"location": "nope.py:1"}),
             ("outline", {"path": "other.py"}), ("find_existing", {"code": "def f(x):\n    return x\n"}),
             ("status", {}), ("nope", {})]
    for i, (tool, arguments) in enumerate(calls):
        messages.append(request(10 + i, "tools/call", {"name": tool, "arguments": arguments}))
    messages.append("this line is not JSON\n")
    stdout, stderr = server.communicate("".join(messages).encode(), timeout=120)
    assert server.returncode == 0
    answered = read_messages(stdout)
    ids = {m.get("id") for m in answered}
    assert {1, 2} | set(range(10, 10 + len(calls))) <= ids
    assert b"warning" in stderr
