"""The package imports each module on first use, and keeps every public name visible."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import appsync_runtime
from appsync_runtime import model, unset

RUNTIME = str(Path(appsync_runtime.__file__).resolve().parents[1])


def fresh(code: str) -> None:
    """Run ``code`` in a fresh interpreter that imports the runtime from this tree."""
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": RUNTIME})


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in appsync_runtime.__all__:
        value = getattr(appsync_runtime, name)
        assert value is not None
    assert set(appsync_runtime.__all__) <= set(dir(appsync_runtime))


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        appsync_runtime.Nope  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(appsync_runtime, "_private")


def test_submodules_still_import_as_attributes() -> None:
    from appsync_runtime import _credentials as credentials
    from appsync_runtime import errors

    assert errors.AppSyncError is appsync_runtime.AppSyncError
    assert credentials.Credentials is appsync_runtime.Credentials


def test_importing_the_package_loads_no_module() -> None:
    fresh(
        "import sys, appsync_runtime\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('appsync_runtime.'))\n"
        "assert loaded == [], loaded\n"
    )


def test_sync_client_loads_neither_models_nor_asyncio_nor_realtime() -> None:
    fresh(
        "import sys\n"
        "from appsync_runtime import AppSyncClient, IAMAuth, Credentials\n"
        "from appsync_runtime.unset import UNSET\n"
        "AppSyncClient('https://api.example.com/graphql',"
        " auth=IAMAuth(Credentials('AKIDEXAMPLE', 'secret'), region='us-east-1'))\n"
        "heavy = ['pydantic.main', 'asyncio', 'aiohttp', 'botocore', 'concurrent.futures',\n"
        "         'appsync_runtime._connection_manager', 'appsync_runtime._thread_driver',\n"
        "         'appsync_runtime._connection', 'appsync_runtime._graphql_ws',\n"
        "         'appsync_runtime.model']\n"
        "loaded = [m for m in heavy if m in sys.modules]\n"
        "assert loaded == [], loaded\n"
    )


def test_unset_is_one_object_whichever_module_names_it() -> None:
    assert model.UNSET is unset.UNSET is appsync_runtime.UNSET
    assert model.UnsetType is unset.UnsetType
    assert unset.UnsetType() is unset.UNSET
    assert pickle.loads(pickle.dumps(unset.UNSET)) is unset.UNSET
    assert not unset.UNSET and repr(unset.UNSET) == "UNSET"


def test_subscriptions_machinery_is_created_on_first_use() -> None:
    client = appsync_runtime.AppSyncClient("https://api.example.com/graphql")
    assert client._realtime_thread is None
    assert client._realtime is client._realtime  # created once, then kept
    client.close()


def test_events_client_loads_no_realtime_machinery_until_it_subscribes() -> None:
    fresh(
        "import sys\n"
        "from appsync_runtime import EventsClient, ApiKeyAuth\n"
        "EventsClient('https://api.example.com/event', auth=ApiKeyAuth('da2-xxxxxxxxxxxx'))\n"
        "heavy = ['pydantic.main', 'asyncio', 'aiohttp', 'concurrent.futures',\n"
        "         'appsync_runtime._connection_manager', 'appsync_runtime._thread_driver',\n"
        "         'appsync_runtime._connection', 'appsync_runtime._events_ws']\n"
        "loaded = [m for m in heavy if m in sys.modules]\n"
        "assert loaded == [], loaded\n"
    )
