"""migsim.sweep(spec) is `migsim sweep SPEC --out F`; migsim.validate_report(datasets)
is `migsim validate report DATASETS --json` plus the --cases-json document under "case_detail"."""
import glob
import json
import os

import pytest

from conftest import ROOT, cli, cli_json, same_error_as_cli, scenario, write_json

SPEC = scenario("sweep-example.json")
DATA = os.path.join(ROOT, "validation", "data")


def sweep_lines(tmp_path, *args):
    out = tmp_path / "cli-sweep.jsonl"
    status, _, err = cli("sweep", SPEC, "--out", str(out), "--quiet", *args)
    assert status == 0, err
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_sweep_is_the_commands_lines(migsim, tmp_path):
    expected = sweep_lines(tmp_path, "--model", "all")
    rows = migsim.sweep(SPEC, model="all", frames=False)
    assert rows == expected
    assert len(rows) == 24 * len(migsim.model_names())
    # One thread or many: the same rows, in the same order.
    assert migsim.sweep(SPEC, model="all", jobs=1, frames=False) == rows


def test_sweep_of_a_dict_and_as_a_frame(migsim, tmp_path):
    with open(SPEC) as f:
        doc = json.load(f)
    rows = migsim.sweep(doc, frames=False)
    assert rows == sweep_lines(tmp_path)
    pd = pytest.importorskip("pandas")
    df = migsim.sweep(doc)
    assert isinstance(df, pd.DataFrame) and len(df) == len(rows) == 24
    assert list(df["coordinates.dirty_pages_per_sec"]) == [r["coordinates"]["dirty_pages_per_sec"] for r in rows]
    assert list(df["total_time_ms"]) == [r.get("total_time_ms") for r in rows]


def test_bad_sweep_is_a_value_error_with_the_commands_text(migsim, tmp_path):
    with open(SPEC) as f:
        doc = json.load(f)
    doc["max_bandwidth_mibps"] = [100, -1]
    path = write_json(tmp_path / "bad.json", doc)
    same_error_as_cli("sweep", migsim.sweep, path, doc, "<spec>")
    with pytest.raises(ValueError, match="sweep: model"):
        migsim.sweep(SPEC, model="no-such-model")
    with pytest.raises(ValueError, match="jobs"):
        migsim.sweep(SPEC, jobs=-1)
    with pytest.raises(ValueError, match=r"sweep: colour: unknown key \(known here: jobs, model, profile, spec\)"):
        migsim._native.sweep(json.dumps({"spec": SPEC, "colour": 1}))


def quiet():
    paths = sorted(glob.glob(os.path.join(DATA, "tcg-loopback-quiet*.jsonl")))
    assert paths, "the committed datasets are missing"
    return paths


def test_report_is_the_commands_json_plus_the_cases(migsim, tmp_path):
    paths = quiet()
    r = migsim.validate_report(paths)
    cases = r.pop("case_detail")
    assert r == json.loads(cli_json("validate", "report", *paths))
    out = tmp_path / "cases.json"
    status, _, err = cli("validate", "report", *paths, "--cases-json", str(out))
    assert status == 0, err
    assert cases == json.loads(out.read_text())
    assert len(cases["cases"]) == sum(1 for p in paths for line in open(p) if line.strip())


def test_report_of_busy_data_tuned_on_quiet_data(migsim):
    busy = sorted(glob.glob(os.path.join(DATA, "tcg-loopback-busy*.jsonl")))
    r = migsim.validate_report(busy, train_on=quiet())
    r.pop("case_detail")
    assert r == json.loads(cli_json("validate", "report", *busy, "--train-on", *quiet()))


def test_report_of_batches_and_web_runs(migsim):
    batches = os.path.join(DATA, "shaped-batches-quiet1.jsonl")
    r = migsim.validate_report(batches, train_on=quiet())
    assert "case_detail" in r
    r.pop("case_detail")
    assert r == json.loads(cli_json("validate", "report", batches, "--train-on", *quiet()))
    web = os.path.join(DATA, "web-runs-quiet1.jsonl")
    assert migsim.validate_report(web) == json.loads(cli_json("validate", "report", web))


def test_bad_report_requests(migsim, tmp_path):
    missing = str(tmp_path / "none.jsonl")
    status, _, err = cli("validate", "report", missing)
    assert status == 2
    with pytest.raises(ValueError) as e:
        migsim.validate_report(missing)
    assert str(e.value) == err
    with pytest.raises(ValueError, match="at least one dataset"):
        migsim.validate_report([])
    # A flag the dataset's kind does not take: refused, by the command too.
    status, _, err = cli("validate", "report", *quiet(), "--profile", "p.json")
    assert status == 2 and err.startswith("--profile: single-migration datasets")
    with pytest.raises(ValueError) as e:
        migsim.validate_report(quiet(), profile="p.json")
    assert str(e.value) == err
    web = os.path.join(DATA, "web-runs-quiet1.jsonl")
    with pytest.raises(ValueError, match="--train-on: a web report"):
        migsim.validate_report(web, train_on=quiet())
