"""Shared pytest fixtures: paths to the built programs.

`make test` builds everything before pytest starts; a test that needs an artefact
that is missing fails with a message saying which make target builds it.
"""
import os
import pathlib
import re

import pytest

from paths import BIN, BUILD, ROOT  # noqa: F401


# The note the first use of an RTL configuration prints on stderr before the
# on-demand build (model/xlat.h, xlat_set_quiet): whether a run prints it depends
# on which test used the configuration first, so comparisons of stderr drop it.
BUILD_NOTE = re.compile(r"^xlat: (building|waiting for another process building) the RTL "
                        r"model .*\n", re.M)


def strip_build_notes(text):
    return BUILD_NOTE.sub("", text)


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
