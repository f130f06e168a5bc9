"""Shared fixtures of the migsim module's tests (run by ctest `python_module`).

The module comes from PYTHONPATH (build/python); the command it must agree with from
MIGSIM (build/apps/migsim). Without the module every test is skipped, unless
MIGSIM_PYTHON_REQUIRED is set (ctest sets it: the module was built, so a module that
does not import -- an undefined symbol, say -- is a failure, not a skip)."""
import json
import os
import subprocess

import pytest

ROOT = os.path.abspath(os.environ.get("MIGSIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")))
MIGSIM = os.environ.get("MIGSIM", os.path.join(ROOT, "build", "apps", "migsim"))


@pytest.fixture(scope="session")
def migsim():
    if os.environ.get("MIGSIM_PYTHON_REQUIRED"):
        import migsim as module
        return module
    return pytest.importorskip("migsim", reason="the migsim module is not built (pybind11-dev, python3-dev)")


def scenario(name):
    return os.path.join(ROOT, "scenarios", name)


def cli(*args):
    """`migsim ARGS`: (exit status, stdout, the error line without 'migsim: error: ')."""
    p = subprocess.run([MIGSIM, *args], capture_output=True, text=True, timeout=300)
    err = p.stderr.strip()
    prefix = "migsim: error: "
    return p.returncode, p.stdout, err[len(prefix):] if err.startswith(prefix) else err


def cli_json(*args):
    status, out, err = cli(*args, "--json")
    assert status == 0, err
    return out


def same_document(result, cli_stdout):
    """The module's dict is the command's JSON: equal as values, and written back with
    the same indent it is the same bytes."""
    assert result == json.loads(cli_stdout)
    assert json.dumps(result, indent=2, ensure_ascii=False) + "\n" == cli_stdout


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f)
    return str(path)


def same_error_as_cli(command, call, path, doc, placeholder):
    """`migsim COMMAND PATH` exits 2 naming PATH; call(PATH) raises ValueError with the
    same text, and call(doc) (the file's document as a dict) with PATH as `placeholder`."""
    status, _, err = cli(command, path)
    assert status == 2 and path in err
    with pytest.raises(ValueError) as e:
        call(path)
    assert str(e.value) == err
    with pytest.raises(ValueError) as e:
        call(doc)
    assert str(e.value) == err.replace(path, placeholder)
