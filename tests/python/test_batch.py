"""migsim.batch(spec) is `migsim batch SPEC --json`, plus its migrations table."""
import json

import pytest

from conftest import cli, cli_json, same_document, same_error_as_cli, scenario, write_json

DRAIN = scenario("batch-rack-drain.json")


def test_batch_is_the_commands_document(migsim, tmp_path):
    r = migsim.batch(DRAIN)
    table = r.pop("table")
    same_document(r, cli_json("batch", DRAIN))
    assert len(table) == len(r["migrations"]) == 4
    assert list(table["vm"]) == [m["name"] for m in r["migrations"]]
    status, _, err = cli("batch", DRAIN, "--out-dir", str(tmp_path / "cli"))
    assert status == 0, err
    header = (tmp_path / "cli" / "migrations.csv").read_text().splitlines()[0]
    assert list(table.columns) == header.split(",")


def test_batch_dict_schedule_and_out(migsim, tmp_path):
    with open(DRAIN) as f:
        doc = json.load(f)
    expected = cli_json("batch", DRAIN, "--schedule", "max_per_link:1")
    same_document(migsim.batch(doc, schedule="max_per_link:1", tables=False), expected)
    same_document(migsim.batch(DRAIN, schedule={"max_per_link": 1}, tables=False), expected)
    out = tmp_path / "result.json"
    migsim.batch(DRAIN, schedule="sequential", out=out, tables=False)
    assert out.read_text() == cli_json("batch", DRAIN, "--schedule", "sequential")


def test_bad_batch_is_a_value_error_with_the_commands_text(migsim, tmp_path):
    with open(DRAIN) as f:
        doc = json.load(f)
    doc["migrations"][0]["ram_mib"] = 0
    path = write_json(tmp_path / "bad.json", doc)
    same_error_as_cli("batch", migsim.batch, path, doc, "<batch>")
    status, _, err = cli("batch", DRAIN, "--schedule", "fastest")
    with pytest.raises(ValueError) as e:
        migsim.batch(DRAIN, schedule="fastest")
    assert str(e.value) == err.replace("--schedule", "batch: schedule")
