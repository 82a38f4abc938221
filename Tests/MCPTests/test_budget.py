"""A search result never passes its token budget, on a repository of very long functions
with very long lines, and its pages, followed by cursor, hold every result once."""
import pytest

from conftest import Repository, estimated_tokens, session

pytestmark = pytest.mark.anyio

# Few units (embedding is most of this file's time), each long, with long lines.
SUBJECTS = ["parse", "upload", "encode", "merge"]


def long_function(name, lines=400):
    body = "".join(f"    value_{i} = compute_{name}_step({i}, " + ", ".join(f"arg{k}" for k in range(40)) + ")\n"
                   for i in range(lines))
    return f"def {name}(payload):\n" + body + "    return payload\n\n\n"


@pytest.fixture(scope="module")
def long_repo():
    """Shared by the tests of this file (none changes it): indexing it is most of their time."""
    files = {}
    for f, subject in enumerate(SUBJECTS):
        files[f"pkg/{subject}_{'very_long_folder_name_' * 6}{f}.py"] = "".join(
            long_function(f"{subject}_request_handler_number_{k}") for k in range(3))
    return Repository(files)


async def test_search_results_stay_within_their_token_budget(long_repo):
    async with session(long_repo.path) as client:
        for budget, context in [(None, None), (256, 3), (600, 20), (2000, 20), (5000, 20)]:
            arguments = {"query": "parse the request payload and retry the upload", "limit": 50}
            if budget:
                arguments["max_tokens"] = budget
            if context is not None:
                arguments["context_lines"] = context
            result = await client.call_tool("search", arguments)
            assert not result.is_error, result.content[0].text
            assert estimated_tokens(result) <= (budget or 2000), (budget, context, estimated_tokens(result))
            # The budget cut the page, not the ranking: more results wait behind the cursor.
            assert "nextCursor" in result.structured_content
            if budget != 256:
                assert result.structured_content["results"], (budget, context)
        # A snippet line is cut, so one result never needs a page of its own.
        wide = await client.call_tool("search", {"query": "merge", "limit": 1, "context_lines": 2})
        assert all(len(line) <= 161 for line in wide.structured_content["results"][0]["snippet"].splitlines())


async def test_pages_followed_by_cursor_hold_every_result_once(long_repo):
    async with session(long_repo.path) as client:
        whole = await client.call_tool("search", {"query": "encode and decode", "limit": 50, "max_tokens": 20000,
                                                  "context_lines": 0})
        everything = [(r["path"], r["line"]) for r in whole.structured_content["results"]]
        assert len(everything) >= 12 and "nextCursor" not in whole.structured_content
        seen, cursor, pages = [], None, 0
        while cursor or pages == 0:
            arguments = {"query": "encode and decode", "limit": 50, "max_tokens": 700, "context_lines": 0}
            if cursor:
                arguments["cursor"] = cursor
            page = await client.call_tool("search", arguments)
            assert estimated_tokens(page) <= 700
            results = page.structured_content["results"]
            assert results
            seen += [(r["path"], r["line"]) for r in results]
            cursor = page.structured_content.get("nextCursor")
            pages += 1
        assert pages > 1
        assert seen == everything


async def test_other_paged_tools_keep_the_budget(long_repo):
    async with session(long_repo.path) as client:
        name = f"pkg/parse_{'very_long_folder_name_' * 6}0.py"
        for tool, arguments in [("similar", {"location": f"{name}::parse_request_handler_number_0", "limit": 50}),
                                ("find_existing", {"code": long_function("parse_again", lines=30), "limit": 50}),
                                ("outline", {"path": name})]:
            result = await client.call_tool(tool, {**arguments, "max_tokens": 300})
            assert not result.is_error, (tool, result.content[0].text)
            assert estimated_tokens(result) <= 300, tool
