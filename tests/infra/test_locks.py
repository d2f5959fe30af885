"""The locks: the layer built next month is the one tested today.

Every pin of a requirements file must be in its lock at the same version (someone who adds a
pin without ``make lock`` sees this fail), and every lock carries hashes (``--require-hashes``
is how the venv and the layer install them).
"""
from __future__ import annotations

from pathlib import Path

from infra import locks

from .support import REPO


def test_every_lock_is_fresh_and_hashed() -> None:
    """Given the repo's requirements files, when compared with the locks ``make lock`` wrote,
    then no pin is missing or at another version."""
    assert locks.stale(REPO) == []


def test_a_new_pin_without_relocking_is_caught(tmp_path: Path) -> None:
    """Given a copy of the repo where someone added a pin to requirements.txt and bumped one in
    requirements-dev.txt without running ``make lock``, the check names both."""
    for spec in locks.LOCKS:
        for name in (spec.requirements, spec.lock):
            (tmp_path / name).write_text((REPO / name).read_text())
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "requirements.txt").write_text((REPO / "infra" / "requirements.txt").read_text())
    with open(tmp_path / "requirements.txt", "a") as f:
        f.write("gonghui-newly-added==1.0\n")
    dev = tmp_path / "requirements-dev.txt"
    dev.write_text(dev.read_text().replace("pytest==", "pytest==0.0.1\n# was pytest=="))
    problems = locks.stale(tmp_path)
    assert any("gonghui-newly-added==1.0" in p and "requirements.lock lacks it" in p for p in problems), problems
    assert any("pytest==0.0.1" in p and "requirements-dev.lock has pytest==" in p for p in problems), problems


def test_the_lambda_lock_is_the_layer_and_the_dev_lock_agrees_with_it() -> None:
    """What the Lambda runs is what the tests run: every package in both locks has one version."""
    lambda_pins = locks.pins(REPO / "requirements.lock")
    dev_pins = locks.pins(REPO / "requirements-dev.lock")
    assert "aws-xray-sdk" in lambda_pins, "Powertools Tracer needs it in the Lambda (tracing is on in dev/prod)"
    assert {n: v for n, v in lambda_pins.items() if dev_pins.get(n) != v} == {}
