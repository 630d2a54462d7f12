"""Shared pytest fixtures: paths to the built programs.

`make test` builds everything before pytest starts; a test that needs an artefact
that is missing fails with a message saying which make target builds it.
"""
import os
import pathlib

import pytest

from paths import BIN, BUILD, ROOT  # noqa: F401


def need(path, target):
    p = pathlib.Path(path)
    if not p.exists():
        pytest.fail(f"{p} is missing: run `make {target}` first")
    return p


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def build_dir():
    return BUILD
