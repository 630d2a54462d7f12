"""Shared pytest fixtures: paths to the built programs.

`make test` builds everything before pytest starts; a test that needs an artefact
that is missing fails with a message saying which make target builds it.
"""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"


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
