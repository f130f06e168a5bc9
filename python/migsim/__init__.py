"""migsim from Python: the simulator's predict, run, batch, sweep and validation report,
without a subprocess.

    PYTHONPATH=build/python /usr/bin/python3 -c 'import migsim; print(migsim.predict(ram_mib=512))'

Each call is the command of the same name (`migsim predict|run|batch|sweep ... --json`,
`migsim validate report ... --json`) in this process: the same library functions, the same JSON documents (as dicts), the same
checks of every input and the same error text, raised as ValueError. The simulation
runs without the GIL, so threads run calls in parallel.
"""
import csv
import json
import os
import tempfile

from . import _native

__version__ = _native.__version__
__all__ = ["predict", "run", "batch", "sweep", "validate_report", "model_names", "__version__"]

try:  # the tables are DataFrames when pandas is there, lists of dicts otherwise
    import pandas as _pd
except ImportError:  # pragma: no cover - depends on the host
    _pd = None


def _plain(value):
    # What json cannot write itself: numpy scalars and paths.
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise ValueError(f"{type(value).__name__} {value!r} is not a JSON value")


def _request(fields):
    # Arguments left at None are not sent (the command's default applies).
    args = {k: (os.fspath(v) if isinstance(v, os.PathLike) else v) for k, v in fields.items() if v is not None}
    return json.dumps(args, default=_plain, allow_nan=False)  # NaN, inf: ValueError


def model_names():
    """The models predict(model=...) accepts (besides "all"), default first."""
    return list(_native.model_names())


def predict(model=None, baselines=None, profile=None, detail=True, **case):
    """One pre-copy migration: the dict of `migsim predict --json`.

    case: the keys of a `predict --batch` case (ram_mib, nonzero_mib, wss_mib,
    dirty_pages_per_sec, max_bandwidth_mibps, downtime_limit_ms, auto_converge, ...).
    model: a name of model_names() or "all" (default qemu-precopy); baselines: True
    (every other model) or a list of names, predicted too, under "baselines".
    profile: a host profile file (migsim calibrate / validate tune) or its dict.
    detail=False leaves iteration_detail empty.
    """
    fields = dict(case)
    fields.update(model=model, baselines=baselines, profile=profile, detail=detail)
    return json.loads(_native.predict(_request(fields)))


def _read_table(path, frames):
    if path.endswith(".csv"):
        if frames and _pd is not None:
            # Keep every string as written (a VM named "NA" stays "NA").
            return _pd.read_csv(path, keep_default_na=False, na_values=[])
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    with open(path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    if frames and _pd is not None:
        return _pd.DataFrame(rows)
    return rows


def _tables(folder, names, fmt, frames):
    ext = "csv" if fmt == "csv" else "jsonl"
    return {n: _read_table(os.path.join(folder, f"{n}.{ext}"), frames) for n in names}


def _with_tables(native_call, fields, names, out_dir, fmt, frames, tables):
    if not tables:
        fields["out_dir"] = out_dir
        return json.loads(native_call(_request(fields)))
    if out_dir is not None:
        fields["out_dir"] = out_dir
        result = json.loads(native_call(_request(fields)))
        result["tables" if len(names) > 1 else "table"] = _unwrap(_tables(os.fspath(out_dir), names, fmt, frames), names)
        return result
    # No out_dir: the files go to a temporary folder, read back, then removed.
    # Without pandas, JSON lines (typed values) rather than CSV (strings).
    # (A format that is neither is left for the C++ side to reject, as the command does.)
    if fmt in ("csv", "jsonl"):
        fmt = fields["format"] = "csv" if (frames and _pd is not None) else "jsonl"
    with tempfile.TemporaryDirectory(prefix="migsim-") as tmp:
        fields["out_dir"] = tmp
        result = json.loads(native_call(_request(fields)))
        result["tables" if len(names) > 1 else "table"] = _unwrap(_tables(tmp, names, fmt, frames), names)
    return result


def _unwrap(tables, names):
    return tables if len(names) > 1 else tables[names[0]]


def run(scenario, traces=None, policy=None, param=None, seed=None, out_dir=None, format="csv",
        frames=True, tables=True):
    """A cluster run: the dict of `migsim run SCENARIO --json`, plus "tables".

    scenario: a scenario file or the scenario as a dict. traces, policy, param, seed:
    as --traces, --policy, --param, --seed. out_dir, format: as --out-dir, --format
    (the files are written there as the command writes them). "tables" holds
    "migrations", "cluster" and "hosts" (the --out-dir tables, same columns) as pandas
    DataFrames, or lists of dicts with frames=False or without pandas;
    tables=False leaves them out (and writes no files unless out_dir is given).
    """
    fields = {"scenario": scenario, "traces": traces, "policy": policy, "param": param, "seed": seed,
              "format": format}
    return _with_tables(_native.run, fields, ["migrations", "cluster", "hosts"], out_dir, format, frames, tables)


def batch(spec, schedule=None, profile=None, out=None, out_dir=None, format="csv", frames=True, tables=True):
    """Migrations predicted together over a network: the dict of `migsim batch --json`,
    plus "table" (migrations.csv of --out-dir: a DataFrame, or a list of dicts).

    spec: a batch file or its dict. schedule: as --schedule (a name, "max_per_link:K",
    or a dict); profile: as --profile; out: as --out; out_dir, format: as --out-dir, --format.
    """
    fields = {"batch": spec, "schedule": schedule, "profile": profile, "out": out, "format": format}
    return _with_tables(_native.batch, fields, ["migrations"], out_dir, format, frames, tables)


def sweep(spec, model=None, profile=None, jobs=None, frames=True):
    """Every point of a parameter sweep predicted: the JSON lines of
    `migsim sweep SPEC --out F` (one per point and model, in point order).

    spec: a sweep file or its dict (a `predict --batch` case whose list-valued fields
    are the axes). model: a name of model_names() or "all"; profile: a host profile
    file; jobs: threads (default: one per core; the result does not depend on it).
    Returns a pandas DataFrame with the nested keys flattened (pandas.json_normalize:
    "coordinates.<axis>"), or the list of dicts with frames=False or without pandas.
    """
    fields = {"spec": spec, "model": model, "profile": profile, "jobs": jobs}
    rows = [json.loads(line) for line in _native.sweep(_request(fields)).splitlines() if line]
    if frames and _pd is not None:
        return _pd.json_normalize(rows)
    return rows


def validate_report(datasets, train_on=None, no_tune=None, profile=None, windows=None):
    """The accuracy of the model on recorded real migrations: the dict of
    `migsim validate report DATASETS... --json`, plus "case_detail" (the
    --cases-json document: every case measured and predicted) for single-migration and batch datasets.

    datasets: a dataset file (validation/data/*.jsonl) or a list of them, read as one;
    train_on: as --train-on; no_tune: as --no-tune; profile: as --profile (batch and
    web datasets); windows: as --windows, the per-window CSV of a web dataset written there.
    """
    fields = {"datasets": datasets, "train_on": train_on, "no_tune": no_tune, "profile": profile,
              "windows": windows}
    return json.loads(_native.validate_report(_request(fields)))
