"""Model files: skops with trusted types and a sha256 manifest; anything else is refused with a clear message."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline

from assessment.errors import WenpingError
from assessment.model.advisor import load_advisor
from assessment.model.persistence import CURRENT, current_version, load, save
from assessment.model.simulator import simulate
from assessment.model.training import predict
from tests.unit.model_fixtures import saved, trained


class Sneaky(BaseEstimator):
    """A type no one put on the trusted list."""

    def fit(self, X, y=None):
        return self


class Payload:
    """Unpickling this would create a file: the proof that a pickle was executed."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def code_of(raised: pytest.ExceptionInfo) -> str:
    return raised.value.problems[0].code.code


def replace_model_file(directory: Path, data: bytes) -> Path:
    """Swap the current model file for `data` and make the manifest's hash fit, as a careful attacker would."""
    version = current_version(directory)
    manifest_path = directory / f"{version}.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    (directory / manifest["file"]).write_bytes(data)
    manifest["sha256"] = hashlib.sha256(data).hexdigest()
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return directory / manifest["file"]


def test_load__saved_model__predicts_as_before(tmp_path):
    saved(tmp_path)
    probe = [r.source for r in simulate(300, seed=5)]
    assert np.array_equal(predict(load(tmp_path).pipeline, probe), predict(trained().pipeline, probe))


def test_save__same_model_twice__same_bytes_same_version(tmp_path):
    first, second = saved(tmp_path / "a"), saved(tmp_path / "b")
    assert first.sha256 == second.sha256 and first.version == second.version
    assert (tmp_path / "a" / first.file).read_bytes() == (tmp_path / "b" / second.file).read_bytes()


def test_save__new_version__becomes_current_and_records_its_hash(tmp_path):
    manifest = saved(tmp_path)
    assert (tmp_path / CURRENT).read_text().strip() == manifest.version
    assert hashlib.sha256((tmp_path / manifest.file).read_bytes()).hexdigest() == manifest.sha256


def test_load__tampered_file__refused_naming_the_file(tmp_path):
    manifest = saved(tmp_path)
    path = tmp_path / manifest.file
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(WenpingError) as raised:
        load(tmp_path)
    assert code_of(raised) == "MODEL-704"
    assert manifest.file in raised.value.message("en") and "changed or damaged" in raised.value.message("en")


def test_load__foreign_pickle_even_with_a_matching_manifest__refused_and_never_run(tmp_path):
    saved(tmp_path)
    marker = tmp_path / "pickle-was-run"
    replace_model_file(tmp_path, pickle.dumps(Payload(marker)))
    with pytest.raises(WenpingError) as raised:
        load(tmp_path)
    assert code_of(raised) == "MODEL-705" and "never loaded" in raised.value.message("en")
    assert not marker.exists()


def test_load__skops_file_with_an_untrusted_type__refused_naming_the_type(tmp_path):
    saved(tmp_path)
    replace_model_file(tmp_path, sio.dumps(Pipeline([("sneaky", Sneaky())])))
    with pytest.raises(WenpingError) as raised:
        load(tmp_path)
    assert code_of(raised) == "MODEL-706" and "Sneaky" in raised.value.message("en")


def test_load__manifest_missing__refused(tmp_path):
    manifest = saved(tmp_path)
    (tmp_path / f"{manifest.version}.json").unlink()
    with pytest.raises(WenpingError) as raised:
        load(tmp_path)
    assert code_of(raised) == "MODEL-702"


def test_load__manifest_not_json__refused(tmp_path):
    manifest = saved(tmp_path)
    (tmp_path / f"{manifest.version}.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(WenpingError) as raised:
        load(tmp_path)
    assert code_of(raised) == "MODEL-703"


def test_load__saved_by_another_scikit_learn__refused_with_retrain_advice(tmp_path):
    manifest = saved(tmp_path)
    path = tmp_path / f"{manifest.version}.json"
    path.write_text(path.read_text(encoding="utf-8").replace(manifest.libraries["scikit-learn"], "0.24.2"), encoding="utf-8")
    with pytest.raises(WenpingError) as raised:
        load(tmp_path)
    assert code_of(raised) == "MODEL-707" and "wenping model train" in raised.value.message("en")


def test_load__no_model_yet__clear_message_and_no_advisor(tmp_path):
    with pytest.raises(WenpingError) as raised:
        load(tmp_path)
    assert code_of(raised) == "MODEL-701"
    assert load_advisor(tmp_path) is None


def test_load__version_with_a_path__refused(tmp_path):
    saved(tmp_path)
    with pytest.raises(WenpingError) as raised:
        load(tmp_path, "../elsewhere")
    assert code_of(raised) == "MODEL-702"


def test_save__model_directory_from_environment__used(tmp_path, monkeypatch):
    monkeypatch.setenv("WENPING_MODEL_DIR", str(tmp_path / "env-models"))
    model = trained()
    manifest = save(model.pipeline, model.card)
    assert (tmp_path / "env-models" / manifest.file).is_file()
