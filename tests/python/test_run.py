"""migsim.run(scenario) is `migsim run SCENARIO --json`, plus the --out-dir tables."""
import json
import os
import threading

import pytest

from conftest import cli, cli_json, same_document, scenario, write_json

RACKS = scenario("topology-two-racks.json")
TABLES = {"migrations": "migrations.csv", "cluster": "cluster.csv", "hosts": "hosts.csv"}


def csv_table(path):
    with open(path) as f:
        lines = f.read().splitlines()
    return lines[0].split(","), len(lines) - 1


def test_run_a_path_is_the_commands_summary_and_tables(migsim, tmp_path):
    out = tmp_path / "cli"
    status, stdout, err = cli("run", RACKS, "--json", "--out-dir", str(out))
    assert status == 0, err
    r = migsim.run(RACKS)
    tables = r.pop("tables")
    same_document(r, stdout)
    assert r["migrations"] > 0
    for name, file in TABLES.items():
        columns, rows = csv_table(out / file)
        assert list(tables[name].columns) == columns
        assert len(tables[name]) == rows
    assert len(tables["migrations"]) > 0
    # The same values as the command's files, not only their shape.
    import pandas as pd
    for name, file in TABLES.items():
        expected = pd.read_csv(out / file, keep_default_na=False, na_values=[])
        pd.testing.assert_frame_equal(tables[name], expected)


def test_run_a_dict_is_the_same_run(migsim):
    with open(RACKS) as f:
        doc = json.load(f)
    a = migsim.run(RACKS, tables=False)
    assert migsim.run(doc, tables=False) == a
    doc["policy"]["rules"][0]["when"] = "cpu > 0.99"
    assert migsim.run(doc, tables=False) != a


def test_run_flags(migsim):
    flags = ["--policy", "thr-rs", "--param", "0.8", "--seed", "7"]
    r = migsim.run(RACKS, policy="thr-rs", param=0.8, seed=7, tables=False)
    same_document(r, cli_json("run", RACKS, *flags))
    assert r["seed"] == 7


def test_run_the_default_cluster(migsim):
    # The main job (README): the same summary as the command's.
    default = scenario("default-cluster.json")
    same_document(migsim.run(default, tables=False), cli_json("run", default))


def test_run_out_dir_writes_the_commands_files(migsim, tmp_path):
    for fmt in ["csv", "jsonl"]:
        status, _, err = cli("run", RACKS, "--out-dir", str(tmp_path / f"cli-{fmt}"), "--format", fmt, "--quiet")
        assert status == 0, err
        r = migsim.run(RACKS, out_dir=tmp_path / f"py-{fmt}", format=fmt, frames=False)
        names = sorted(os.listdir(tmp_path / f"cli-{fmt}"))
        assert names == sorted(os.listdir(tmp_path / f"py-{fmt}")) and len(names) == 4
        for n in names:
            assert (tmp_path / f"cli-{fmt}" / n).read_bytes() == (tmp_path / f"py-{fmt}" / n).read_bytes(), n
        assert r["tables"]["cluster"] and all(isinstance(v, str) for v in r["tables"]["cluster"][0].values()) == (fmt == "csv")


def test_run_without_frames_gives_typed_records(migsim):
    r = migsim.run(RACKS, frames=False)
    framed = migsim.run(RACKS)
    for name in TABLES:
        rows = r["tables"][name]
        assert isinstance(rows, list) and len(rows) == len(framed["tables"][name])
        assert list(rows[0]) == list(framed["tables"][name].columns)
    m = r["tables"]["migrations"][0]
    assert isinstance(m["duration_s"], (int, float)) and isinstance(m["converged"], bool)


def test_threads_run_in_parallel_and_agree(migsim):
    serial = [migsim.run(RACKS, seed=s, policy="thr-rs", tables=False) for s in (1, 2)]
    got = [None, None]

    def work(i):
        got[i] = migsim.run(RACKS, seed=i + 1, policy="thr-rs", tables=False)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == serial


def bad_doc(key, value):
    with open(RACKS) as f:
        doc = json.load(f)
    doc[key] = value
    return doc


@pytest.mark.parametrize("key,value", [("scheduling_interval_s", -300),  # a bad value
                                       ("duration_s", "a day"),            # a bad type
                                       ("colour", "red")])                 # an unknown field
def test_bad_scenario_is_a_value_error_with_the_commands_text(migsim, tmp_path, key, value):
    doc = bad_doc(key, value)
    path = write_json(tmp_path / "bad.json", doc)
    status, _, err = cli("run", path)
    assert status == 2 and path in err
    with pytest.raises(ValueError) as e:  # the same file: the same text
        migsim.run(path)
    assert str(e.value) == err
    with pytest.raises(ValueError) as e:  # the same document as a dict: named <scenario>
        migsim.run(doc)
    assert str(e.value) == err.replace(path, "<scenario>")


def test_missing_files_are_the_commands_errors(migsim, tmp_path):
    missing = str(tmp_path / "no-such.json")
    status, _, err = cli("run", missing)
    assert status == 2 and missing in err
    with pytest.raises(ValueError) as e:
        migsim.run(missing)
    assert str(e.value) == err
    no_traces = str(tmp_path / "no-traces")
    status, _, err = cli("run", scenario("cloudsim-planetlab.json"), "--traces", no_traces)
    assert status == 2
    with pytest.raises(ValueError) as e:
        migsim.run(scenario("cloudsim-planetlab.json"), traces=no_traces)
    assert str(e.value) == err


def test_bad_arguments(migsim):
    status, _, err = cli("run", RACKS, "--policy", "nope")
    with pytest.raises(ValueError) as e:
        migsim.run(RACKS, policy="nope")
    assert str(e.value) == err
    with pytest.raises(ValueError, match=r'^run: param: expected a number, got "high"$'):
        migsim.run(RACKS, param="high")
    with pytest.raises(ValueError, match=r"^run: seed: "):
        migsim.run(RACKS, seed=-1)
    with pytest.raises(ValueError, match=r"^run: scenario: expected a file name or a dict, got 3$"):
        migsim.run(3)
    with pytest.raises(ValueError, match=r"^run: format: expected csv or jsonl, got 'xml'$"):
        migsim.run(RACKS, format="xml")
