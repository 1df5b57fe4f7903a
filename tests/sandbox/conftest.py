"""Every stand-in test starts and ends on the seed data, and talks to the whole sandbox app."""

import pytest

import sandbox


@pytest.fixture(autouse=True)
def fresh_sandbox():
    sandbox.reset()
    yield
    sandbox.reset()


@pytest.fixture
def client():
    return sandbox.create_app().test_client()
