"""The pytest plugin of ``mpgs.testing`` (registered under the ``pytest11`` entry point ``mpgs``):
the fixture ``mpgs_sandbox``, a fresh local gateway for each test::

    def test_checkout(mpgs_sandbox):
        client = mpgs_sandbox.client()
        session = client.create_session()
        assert session.id

The sandbox program comes with ``pip install "mpgs[testing]"``; without it, the fixture fails
with what to install (tests that do not use it are not affected).
"""

from __future__ import annotations

from typing import Iterator

import pytest

from . import Sandbox


@pytest.fixture
def mpgs_sandbox() -> Iterator[Sandbox]:
    """A running ``mpgs.testing.Sandbox``, stopped after the test."""
    with Sandbox() as sandbox:
        yield sandbox
