"""The ../shared lookup of tests/conftest.py: a skip with a reason locally, a failure under CI."""
from __future__ import annotations

import conftest
import pytest


@pytest.fixture
def shared_gone(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "shared")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("JIXIAO_REQUIRE_SHARED", raising=False)
    return tmp_path / "shared"


def test_missing_shared_skips_naming_the_path_outside_ci(shared_gone):
    with pytest.raises(pytest.skip.Exception, match="shared/seed is missing"):
        conftest.need_shared("seed")


@pytest.mark.parametrize("var, value", [("CI", "true"), ("JIXIAO_REQUIRE_SHARED", "1")])
def test_missing_shared_fails_under_ci(shared_gone, monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    with pytest.raises(pytest.fail.Exception, match="dev-corpus is missing.*require it"):
        conftest.need_shared("dev-corpus")


def test_present_shared_gives_its_path(shared_gone):
    (shared_gone / "seed").mkdir(parents=True)
    assert conftest.need_shared("seed") == shared_gone / "seed"
