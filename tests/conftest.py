import pathlib

import pytest


def pytest_addoption(parser):
    parser.addoption("--binary", action="store", default=None,
                     help="path to the concbench binary (ctest passes it)")


@pytest.fixture(scope="session")
def binary(request):
    path = request.config.getoption("--binary")
    if not path:
        root = pathlib.Path(__file__).resolve().parent.parent
        path = root / "build" / "release" / "concbench"
    path = pathlib.Path(path)
    assert path.exists(), f"no concbench binary at {path}: build first (./scripts/test does)"
    return str(path)
