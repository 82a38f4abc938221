"""Every tool of `codesearch mcp` called through the official MCP client on a real
repository with known answers, and every kind of bad input answered as an MCP error."""
import os
from pathlib import Path

import jsonschema
import pytest
from mcp.shared.exceptions import MCPError

from conftest import Repository, session

pytestmark = pytest.mark.anyio

TOOLS = {"search", "similar", "outline", "find_existing", "status"}


async def test_initialize_and_tools_list_schemas(repo):
    async with session(repo.path) as client:
        listed = (await client.list_tools()).tools
        assert {tool.name for tool in listed} == TOOLS
        for tool in listed:
            assert tool.description
            jsonschema.Draft202012Validator.check_schema(tool.input_schema)
            jsonschema.Draft202012Validator.check_schema(tool.output_schema)
            assert tool.input_schema["type"] == "object"
            assert tool.input_schema["additionalProperties"] is False
            assert tool.annotations.read_only_hint is True
        schemas = {tool.name: tool.input_schema for tool in listed}
        valid = {
            "search": {"query": "parse", "limit": 5, "path": ["src/**"], "language": "python", "mode": "lexical",
                       "files_only": True, "max_tokens": 1000, "context_lines": 0},
            "similar": {"location": "a.py:3"},
            "outline": {"path": "a.py"},
            "find_existing": {"code": "def f(): pass", "language": "python"},
            "status": {},
        }
        for name, arguments in valid.items():
            jsonschema.validate(arguments, schemas[name])
        for name, arguments in [("search", {}), ("search", {"query": "x", "limit": 0}),
                                ("search", {"query": "x", "mode": "fuzzy"}), ("search", {"query": "x", "bogus": 1}),
                                ("similar", {"location": 3}), ("status", {"verbose": True})]:
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate(arguments, schemas[name])


async def test_initialize_names_the_server_and_its_instructions(repo):
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client
    from conftest import BINARY, environment
    params = StdioServerParameters(command=BINARY, args=["mcp", "--repo", repo.path], env=environment())
    with open(os.devnull, "w") as log:
        async with stdio_client(params, errlog=log) as (read, write):
            async with ClientSession(read, write) as client:
                result = await client.initialize()
    assert result.server_info.name == "codesearch"
    assert result.capabilities.tools is not None
    assert "grep" in result.instructions


async def test_search_finds_the_known_function(repo):
    async with session(repo.path) as client:
        result = await client.call_tool("search", {"query": "send a message through the mail server"})
        assert not result.is_error
        first = result.structured_content["results"][0]
        assert (first["path"], first["line"], first["qualifiedName"], first["kind"]) == \
            ("other.py", 1, "send_mail", "function")
        assert first["snippet"].startswith("def send_mail(server, message):")
        assert result.content[0].text.startswith("other.py:1: send_mail  ")
        files = await client.call_tool("search", {"query": "read settings from a json file", "files_only": True,
                                                  "language": "python", "path": "app/**"})
        assert [f["path"] for f in files.structured_content["results"]] == ["app/settings.py"]
        lexical = await client.call_tool("search", {"query": "checksum", "mode": "lexical", "limit": 1})
        assert lexical.structured_content["results"][0]["qualifiedName"] == "checksum"


async def test_similar_finds_the_near_twin(repo):
    async with session(repo.path) as client:
        by_name = await client.call_tool("similar", {"location": "config.py::read_config", "limit": 1})
        assert not by_name.is_error
        assert by_name.structured_content["target"] == {"path": "config.py", "line": 4, "qualifiedName": "read_config"}
        twin = by_name.structured_content["results"][0]
        assert (twin["path"], twin["line"], twin["qualifiedName"]) == ("app/settings.py", 4, "load_settings")
        by_line = await client.call_tool("similar", {"location": os.path.join(repo.path, "config.py") + ":6"})
        names = [r["qualifiedName"] for r in by_line.structured_content["results"]]
        assert names[0] == "load_settings" and "read_config" not in names


async def test_outline_lists_functions_and_types_in_file_order(repo):
    async with session(repo.path) as client:
        result = await client.call_tool("outline", {"path": "other.py"})
        assert not result.is_error
        units = [(u["qualifiedName"], u["kind"], u["firstLine"], u["endLine"]) for u in result.structured_content["results"]]
        assert units == [("send_mail", "function", 1, 4), ("Table", "class", 7, 10),
                         ("Table.render_table", "method", 8, 10)]
        assert result.structured_content["language"] == "python"
        assert "8-10: Table.render_table (method)  def render_table(self, rows):" in result.content[0].text


async def test_find_existing_by_code_and_by_description(repo):
    draft = '''def parse_config_file(location):
    with open(location) as stream:
        content = json.load(stream)
    return content.get("settings", {})
'''
    async with session(repo.path) as client:
        result = await client.call_tool("find_existing", {"code": draft, "language": "python", "limit": 3})
        assert not result.is_error
        assert result.structured_content["language"] == "python"
        best = result.structured_content["results"][:2]
        assert {m["qualifiedName"] for m in best} == {"read_config", "load_settings"}
        assert all(m["likelyDuplicate"] and m["snippetFunction"] == "parse_config_file" for m in best)
        assert "likely duplicate" in result.content[0].text
        guessed = await client.call_tool("find_existing", {"code": draft})
        assert guessed.structured_content["language"] == "python"
        described = await client.call_tool("find_existing", {"description": "send an email message with a mail server"})
        assert described.structured_content["results"][0]["qualifiedName"] == "send_mail"


async def test_status_reports_the_index(repo):
    async with session(repo.path) as client:
        before = await client.call_tool("status", {})
        assert before.structured_content["state"] == "missing"
        await client.call_tool("search", {"query": "checksum"})
        after = await client.call_tool("status", {})
        content = after.structured_content
        assert (content["state"], content["files"]) == ("current", 3)
        assert content["units"] == content["unitsWithVectors"] > 0
        assert content["embedder"].startswith("native ")
        Path(repo.path, "new.py").write_text("def added():\n    return 1\n")
        stale = await client.call_tool("status", {})
        assert stale.structured_content["state"] == "stale"


BAD_ARGUMENTS = [
    ("search", {}, "'query' is required"),
    ("search", {"query": "   "}, "'query' is empty"),
    ("search", {"query": 42}, "'query' must be a string"),
    ("search", {"query": "x", "limit": 0}, "'limit' must be from 1 to 50"),
    ("search", {"query": "x", "limit": 2.5}, "'limit' must be an integer"),
    ("search", {"query": "x", "mode": "fuzzy"}, "'mode' must be one of"),
    ("search", {"query": "x", "surprise": True}, "unknown argument 'surprise'"),
    ("search", {"query": "x", "language": "cobol"}, "cobol"),
    ("search", {"query": "x", "cursor": "nonsense"}, "not a cursor"),
    ("search", {"query": "x", "max_tokens": 10}, "'max_tokens' must be from 256"),
    ("similar", {"location": "config.py"}, "path:line or path::QualifiedName"),
    ("similar", {"location": "config.py:2"}, "no function at config.py:2"),
    ("similar", {"location": "../elsewhere.py:1"}, "outside the repository"),
    ("outline", {"path": "missing.py"}, "not a source file"),
    ("find_existing", {}, "either 'code' or 'description'"),
    ("find_existing", {"code": "def f(): pass", "description": "f"}, "either 'code' or 'description'"),
    ("find_existing", {"code": "def f(): pass", "language": "cobol"}, "no grammar for language 'cobol'"),
]


async def test_bad_arguments_are_tool_errors_that_say_what_to_do(repo):
    async with session(repo.path) as client:
        for tool, arguments, message in BAD_ARGUMENTS:
            result = await client.call_tool(tool, arguments)
            assert result.is_error, (tool, arguments)
            assert message in result.content[0].text, (tool, arguments, result.content[0].text)
        with pytest.raises(MCPError, match="unknown tool 'grep'"):
            await client.call_tool("grep", {"pattern": "x"})
        # The server is still there and answers.
        assert not (await client.call_tool("search", {"query": "checksum"})).is_error


async def test_a_cursor_is_refused_for_another_question(repo):
    async with session(repo.path) as client:
        first = await client.call_tool("search", {"query": "json settings", "limit": 1})
        cursor = first.structured_content["nextCursor"]
        other = await client.call_tool("search", {"query": "mail", "limit": 1, "cursor": cursor})
        assert other.is_error and "belongs to another call" in other.content[0].text


async def test_no_repository_is_an_error_on_each_call():
    folder = Path(os.environ.get("TMPDIR", "/tmp"), f"codesearch-not-a-repo-{os.getpid()}")
    folder.mkdir(exist_ok=True)
    async with session(str(folder)) as client:
        for tool, arguments in [("search", {"query": "x"}), ("status", {}), ("outline", {"path": "a.py"})]:
            result = await client.call_tool(tool, arguments)
            assert result.is_error and "repository" in result.content[0].text, result.content[0].text


async def test_missing_model_is_an_error_and_lexical_search_still_works(repo, tmp_path):
    async with session(repo.path, env={"XDG_CACHE_HOME": str(tmp_path)}) as client:
        hybrid = await client.call_tool("search", {"query": "send mail"})
        assert hybrid.is_error and "model" in hybrid.content[0].text
        assert (await client.call_tool("find_existing", {"description": "send mail"})).is_error
        lexical = await client.call_tool("search", {"query": "send mail", "mode": "lexical"})
        assert not lexical.is_error
        assert lexical.structured_content["results"][0]["qualifiedName"] == "send_mail"


async def test_damaged_and_foreign_index_files(repo):
    async with session(repo.path) as client:
        await client.call_tool("search", {"query": "checksum"})
        index = Path(repo.path, ".git/codesearch/index")
        data = bytearray(index.read_bytes())
        data[len(data) // 2] ^= 0xFF
        index.write_bytes(bytes(data))
        status = await client.call_tool("status", {})
        assert status.structured_content["state"] == "damaged"
        repaired = await client.call_tool("search", {"query": "send a message through the mail server"})
        assert not repaired.is_error
        assert repaired.structured_content["results"][0]["qualifiedName"] == "send_mail"
        index.write_bytes(b"not an index of codesearch's\n")
        foreign = await client.call_tool("search", {"query": "checksum"})
        assert foreign.is_error and "index" in foreign.content[0].text
