"""Model files: skops archives, never pickle, each with a JSON manifest beside it.

A version is `<version>.skops` plus `<version>.json` (the manifest: sha256 of the archive, library
versions, feature names, the card) in the model directory (WENPING_MODEL_DIR, default data/models);
`CURRENT` names the version in use. Loading refuses, with a MODEL-7xx error, a file whose sha256
does not match its manifest (changed or damaged), anything that is not a skops archive (a pickle, say),
and an archive holding any type outside TRUSTED_TYPES, before a single object is built from it.
The hash catches accidents and swapped files; the trusted-type check is what stops code execution.

skops names objects by their memory address and stamps archive entries with the time, so two dumps
of one model differ; the archive is rewritten in a canonical form (addresses renumbered in document
order, fixed timestamps, sorted entries) so that the same model always gives the same bytes and hash.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sklearn
import skops
import skops.io as sio
from pydantic import BaseModel, ConfigDict, ValidationError
from sklearn.pipeline import Pipeline

from assessment.errors import ErrorCode, WenpingError
from assessment.model.card import ModelCard
from assessment.model.features import FEATURE_NAMES
from assessment.model.location import CURRENT, model_dir

FORMAT = 1
# Beyond skops' own defaults (numpy, scipy and scikit-learn estimators), only these may be loaded.
TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
)
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


class Manifest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int
    version: str
    file: str
    sha256: str
    libraries: dict[str, str]
    features: list[str]
    trusted_types: list[str]
    card: ModelCard


@dataclass(frozen=True)
class LoadedModel:
    pipeline: Pipeline
    manifest: Manifest


def libraries() -> dict[str, str]:
    return {"scikit-learn": sklearn.__version__, "skops": skops.__version__}


def save(pipeline: Pipeline, card: ModelCard, directory: Path | str | None = None, *, make_current: bool = True) -> Manifest:
    """Write a new version (named after its training date and hash) and, by default, make it current."""
    folder = model_dir(directory)
    data = canonical_dump(pipeline)
    foreign = sorted(set(sio.get_untrusted_types(data=data)) - set(TRUSTED_TYPES))
    if foreign:  # a change to the pipeline needs a reviewed change to TRUSTED_TYPES
        raise WenpingError.of(ErrorCode.MODEL_UNTRUSTED, file="(new model)", types=", ".join(foreign))
    digest = hashlib.sha256(data).hexdigest()
    version = f"{card.created:%Y%m%d}-{digest[:12]}"
    manifest = Manifest(format=FORMAT, version=version, file=f"{version}.skops", sha256=digest, libraries=libraries(),
                        features=list(FEATURE_NAMES), trusted_types=list(TRUSTED_TYPES), card=card)
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / manifest.file, data)
    _write(folder / f"{version}.json", (manifest.model_dump_json(indent=2) + "\n").encode("utf-8"))
    if make_current:
        _write(folder / CURRENT, f"{version}\n".encode("ascii"))
    return manifest


def current_version(directory: Path | str | None = None) -> str | None:
    path = model_dir(directory) / CURRENT
    if not path.is_file():
        return None
    return path.read_text(encoding="ascii").strip() or None


def versions(directory: Path | str | None = None) -> list[str]:
    return sorted(p.stem for p in model_dir(directory).glob("*.json"))


def read_manifest(directory: Path | str | None, version: str) -> Manifest:
    folder = model_dir(directory)
    path = folder / f"{version}.json"
    if Path(version).name != version or not path.is_file():
        raise WenpingError.of(ErrorCode.MODEL_NOT_FOUND, dir=str(folder), version=version)
    try:
        manifest = Manifest.model_validate_json(path.read_bytes())
    except ValidationError as error:
        raise WenpingError.of(ErrorCode.MODEL_MANIFEST, file=str(path), detail=_first_error(error)) from None
    if manifest.format != FORMAT or Path(manifest.file).name != manifest.file or manifest.version != version:
        raise WenpingError.of(ErrorCode.MODEL_MANIFEST, file=str(path), detail="format, file or version does not fit")
    return manifest


def load(directory: Path | str | None = None, version: str | None = None) -> LoadedModel:
    """The model `version` (default: the current one), checked before anything in it is built."""
    folder = model_dir(directory)
    version = version or current_version(folder)
    if version is None:
        raise WenpingError.of(ErrorCode.MODEL_NONE, dir=str(folder))
    manifest = read_manifest(folder, version)
    path = folder / manifest.file
    data = path.read_bytes() if path.is_file() else b""
    actual = hashlib.sha256(data).hexdigest()
    if actual != manifest.sha256:
        raise WenpingError.of(ErrorCode.MODEL_TAMPERED, file=str(path), expected=manifest.sha256, actual=actual)
    _check_types(path, data)
    _check_compatible(manifest)
    return LoadedModel(_build(path, data), manifest)


def canonical_dump(pipeline: Pipeline) -> bytes:
    """skops bytes for `pipeline`, the same for the same model (see the module docstring)."""
    with zipfile.ZipFile(io.BytesIO(sio.dumps(pipeline))) as source:
        schema = json.loads(source.read("schema.json"))
        renamed = _renumber(schema, {}, {})
        entries = {renamed.get(name, name): source.read(name) for name in source.namelist() if name != "schema.json"}
    entries["schema.json"] = json.dumps(schema, indent=2).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, entries[name])
    return out.getvalue()


def _renumber(node: Any, ids: dict[int, int], files: dict[str, str]) -> dict[str, str]:
    """Replace memory addresses (`__id__`, array file names) by numbers in document order; old → new file names."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "__id__" and isinstance(value, int):
                node[key] = ids.setdefault(value, len(ids) + 1)
            elif key == "file" and isinstance(value, str):
                node[key] = files.setdefault(value, f"{len(files) + 1}{Path(value).suffix}")
            else:
                _renumber(value, ids, files)
    elif isinstance(node, list):
        for item in node:
            _renumber(item, ids, files)
    return files


def _check_types(path: Path, data: bytes) -> None:
    try:
        found = sio.get_untrusted_types(data=data)
    except Exception as error:  # untrusted input: any failure to read it means it is not a model we load
        raise WenpingError.of(ErrorCode.MODEL_NOT_SKOPS, file=str(path), detail=f"{type(error).__name__}: {error}") from None
    untrusted = sorted(set(found) - set(TRUSTED_TYPES))
    if untrusted:
        raise WenpingError.of(ErrorCode.MODEL_UNTRUSTED, file=str(path), types=", ".join(untrusted))


def _check_compatible(manifest: Manifest) -> None:
    saved = manifest.libraries.get("scikit-learn", "?")
    if _minor(saved) != _minor(sklearn.__version__):
        raise WenpingError.of(ErrorCode.MODEL_INCOMPATIBLE, version=manifest.version,
                              detail=f"scikit-learn {saved} ≠ {sklearn.__version__}")
    if manifest.features != list(FEATURE_NAMES):
        raise WenpingError.of(ErrorCode.MODEL_INCOMPATIBLE, version=manifest.version, detail="features changed")


def _build(path: Path, data: bytes) -> Pipeline:
    try:
        pipeline = sio.loads(data, trusted=list(TRUSTED_TYPES))
    except Exception as error:  # untrusted input, already type-checked: still refuse anything odd
        raise WenpingError.of(ErrorCode.MODEL_NOT_SKOPS, file=str(path), detail=f"{type(error).__name__}: {error}") from None
    if not isinstance(pipeline, Pipeline):
        raise WenpingError.of(ErrorCode.MODEL_NOT_SKOPS, file=str(path), detail=f"holds a {type(pipeline).__name__}, not a Pipeline")
    return pipeline


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _write(path: Path, data: bytes) -> None:
    """Write then rename, so a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def _first_error(error: ValidationError) -> str:
    item = error.errors()[0]
    return f"{'.'.join(str(p) for p in item['loc']) or '(file)'}: {item['msg']}"
