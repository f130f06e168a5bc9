"""migsim.predict(**case) is `migsim predict --json` for the same case."""
import json
import os

import pytest

from conftest import ROOT, cli, cli_json, same_document, write_json

PROFILE = os.path.join(ROOT, "validation", "profiles", "tcg-loopback.json")
# The guest of issue 2 (README, "migsim predict").
CASE = {"ram_mib": 512, "nonzero_mib": 139, "wss_mib": 64, "dirty_pages_per_sec": 5000,
        "max_bandwidth_mibps": 100, "downtime_limit_ms": 300}
FLAGS = ["--ram-mib", "512", "--nonzero-mib", "139", "--wss-mib", "64", "--dirty-pages-per-sec", "5000",
         "--max-bandwidth-mibps", "100", "--downtime-limit-ms", "300"]


def test_predict_is_the_commands_json(migsim):
    r = migsim.predict(**CASE, profile=PROFILE)
    same_document(r, cli_json("predict", *FLAGS, "--profile", PROFILE))
    assert r["converged"] and r["iteration_detail"]


def test_predict_every_model_and_options(migsim):
    flags = FLAGS + ["--auto-converge", "--dirty-pattern", "hotcold", "--horizon-s", "84"]
    case = dict(CASE, auto_converge=True, dirty_pattern="hotcold", horizon_s=84)
    same_document(migsim.predict(**case, model="all"), cli_json("predict", *flags, "--model", "all"))
    same_document(migsim.predict(**case, baselines=True), cli_json("predict", *flags, "--model", "all"))
    same_document(migsim.predict(**case, detail=False), cli_json("predict", *flags, "--no-detail"))
    same_document(migsim.predict(**case, model="geometric"), cli_json("predict", *flags, "--model", "geometric"))
    r = migsim.predict(**case, baselines=["cloudsim"])
    assert list(r["baselines"]) == ["cloudsim"]


def test_predict_profile_as_a_dict(migsim):
    profile = json.load(open(PROFILE))
    profile = profile.get("profile", profile)
    assert migsim.predict(**CASE, profile=profile) == migsim.predict(**CASE, profile=PROFILE)
    assert migsim.predict(**CASE, profile=profile) != migsim.predict(**CASE)


def test_model_names(migsim):
    names = migsim.model_names()
    assert names[0] == "qemu-precopy"
    status, _, err = cli("predict", "--ram-mib", "1", "--model", "nope")
    assert status == 2 and err.endswith("(expected " + ", ".join(names) + " or all)")
    for n in names:
        assert migsim.predict(ram_mib=512, model=n)["model"] == n


def batch_error(tmp_path, case):
    """The command's message for the same case in a batch file, located as predict's."""
    path = write_json(tmp_path / "case.json", {"cases": [dict(case, name="c")]})
    status, _, err = cli("predict", "--batch", path)
    assert status == 2
    return err.replace(f"{path}: cases[0].", "predict: ")


@pytest.mark.parametrize("case", [
    dict(CASE, ram_mib=0),                  # a bad value
    dict(CASE, wss_mib=1024),               # a cross-field check
    dict(CASE, dirty_pattern="spiral"),     # a bad choice
    dict(CASE, ram_mib="a lot"),            # a bad type
    dict(CASE, max_bandwidth_mibps=-1),
    dict(CASE, profile={"link_mibps": 0}),  # inside the profile
])
def test_bad_case_is_a_value_error_with_the_commands_text(migsim, tmp_path, case):
    expected = batch_error(tmp_path, case)
    with pytest.raises(ValueError) as e:
        migsim.predict(**case)
    assert str(e.value) == expected


def test_other_bad_arguments(migsim):
    with pytest.raises(ValueError, match=r"^predict: ram_mib is required \(the guest's RAM in MiB\)$"):
        migsim.predict(wss_mib=1)
    with pytest.raises(ValueError, match=r"^predict: colour: unknown key"):
        migsim.predict(ram_mib=1, colour="red")
    status, _, err = cli("predict", "--ram-mib", "1", "--model", "nope")
    with pytest.raises(ValueError) as e:
        migsim.predict(ram_mib=1, model="nope")
    assert str(e.value) == err.replace("--model", "predict: model")
    with pytest.raises(ValueError, match=r"^predict: baselines: expected"):
        migsim.predict(ram_mib=1, baselines="cloudsim")
    with pytest.raises(ValueError):
        migsim.predict(ram_mib=float("nan"))


def test_missing_profile_file_is_the_commands_error(migsim, tmp_path):
    missing = str(tmp_path / "no-such-profile.json")
    status, _, err = cli("predict", "--ram-mib", "512", "--profile", missing)
    assert status == 2 and missing in err
    with pytest.raises(ValueError) as e:
        migsim.predict(ram_mib=512, profile=missing)
    assert str(e.value) == err


def test_version(migsim):
    assert migsim.__version__.count(".") == 2
