"""The pytest plugin (``appsync_fake`` fixture, pytest11 entry point), run the way a
user runs it: pytester runs user-style test files against the generated example
client, sync, async and subscriptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.simulator import EXAMPLE_SCHEMA_DIR

pytest_plugins = ["pytester"]

APP_TESTS = EXAMPLE_SCHEMA_DIR / "app_tests" / "test_notes_app.py"

HEADER = f"""
import sys
sys.path.insert(0, {str(EXAMPLE_SCHEMA_DIR)!r})

import pytest
from appsync_runtime import ApiKeyAuth, RealtimeOptions
from appsync_runtime.testing import AppSyncFake, build
from example_client import AsyncClient, Client, GetNote, OnNoteCreated

URL = "https://example123.appsync-api.eu-west-1.amazonaws.com/graphql"
AUTH = ApiKeyAuth("da2-exampleexampleexample00")
FAST = RealtimeOptions(backoff_initial=0.01, backoff_max=0.05)
"""


def run(pytester: pytest.Pytester, body: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=HEADER + body)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")


def test_the_example_applications_tests_pass(pytester: pytest.Pytester) -> None:
    pytester.syspathinsert(EXAMPLE_SCHEMA_DIR)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    copied = pytester.path / APP_TESTS.name
    copied.write_text(APP_TESTS.read_text(encoding="utf-8"), encoding="utf-8")
    conftest = f"import sys\nsys.path.insert(0, {str(EXAMPLE_SCHEMA_DIR)!r})\n"
    pytester.makeconftest(conftest)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=8)


def test_sync_async_and_subscription_tests_with_the_fixture(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_sync(appsync_fake: AppSyncFake) -> None:
    appsync_fake.on(Client.get_note).reply(build(GetNote, get_note={"title": "t"}))
    with Client(URL, auth=AUTH) as client:
        note = client.get_note("n1").get_note
    assert note is not None and note.title == "t"

@pytest.mark.asyncio
async def test_async(appsync_fake: AppSyncFake) -> None:
    appsync_fake.on(AsyncClient.get_note).reply({"getNote": None})
    async with AsyncClient(URL, auth=AUTH) as client:
        assert (await client.get_note("n1")).get_note is None

def test_subscription(appsync_fake: AppSyncFake) -> None:
    appsync_fake.on(Client.on_note_created).event(build(OnNoteCreated)).complete()
    with Client(URL, auth=AUTH, realtime=FAST) as client:
        assert len(list(client.on_note_created())) == 1
""",
    )
    result.assert_outcomes(passed=3)


def test_the_fixture_fails_a_passing_test_whose_code_swallowed_an_unexpected_call(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_swallowed(appsync_fake: AppSyncFake) -> None:
    with Client(URL, auth=AUTH) as client:
        try:
            client.get_note("n1")
        except Exception:
            pass

def test_unused(appsync_fake: AppSyncFake) -> None:
    appsync_fake.on(Client.get_note).reply({"getNote": None})
""",
    )
    result.assert_outcomes(passed=2, errors=2)
    result.stdout.fnmatch_lines(["*unexpected call: query GetNote*", "*GetNote>: never called*"])


def test_a_failing_test_is_not_buried_under_the_fakes_report(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_fails(appsync_fake: AppSyncFake) -> None:
    appsync_fake.on(Client.get_note).reply({"getNote": None})
    assert False, "the test's own failure"
""",
    )
    result.assert_outcomes(failed=1)
    assert "never called" not in result.stdout.str()


def test_the_fixture_uninstalls_between_tests(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
from appsync_runtime import _seam

def test_one(appsync_fake: AppSyncFake) -> None:
    assert _seam.active is appsync_fake

def test_two() -> None:
    assert _seam.active is None
""",
    )
    result.assert_outcomes(passed=2)


def test_the_plugin_is_registered_through_the_entry_point() -> None:
    from importlib.metadata import entry_points

    found = [ep.value for ep in entry_points(group="pytest11") if ep.name == "appsync"]
    assert found == ["appsync_runtime.pytest_plugin"]
    assert Path(__file__).exists()


def _readme_blocks() -> tuple[str, str]:
    readme = (EXAMPLE_SCHEMA_DIR.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Testing your code", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]
    app, tests = blocks[:2]
    assert app.startswith("# notes_app.py") and tests.startswith("# test_notes_app.py")
    return app, tests


def test_the_readme_testing_example_runs_as_written(pytester: pytest.Pytester) -> None:
    app, tests = _readme_blocks()
    pytester.makepyfile(notes_app=app, test_notes_app=tests)
    pytester.makeconftest(f"import sys\nsys.path.insert(0, {str(EXAMPLE_SCHEMA_DIR)!r})\n")
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=4)
