"""DOCX → PDF through headless LibreOffice, with the official font names mapped by fontconfig.

The PDF is made from the very DOCX a reviewer downloads, so both look the same. Conversions are
cached by the DOCX's sha256: a report that did not change is not converted twice.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from assessment.errors import ErrorCode, WenpingError

FONTS_CONF = Path(__file__).with_name("fonts") / "fonts.conf"

# Debian packages the conversion needs, and the stand-in font families each one provides.
LIBREOFFICE_PACKAGE = "libreoffice-writer-nogui"
FONT_PACKAGES = {
    "Noto Serif CJK SC": "fonts-noto-cjk",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "AR PL UKai CN": "fonts-arphic-ukai",
    "Liberation Serif": "fonts-liberation",
}
ALL_PACKAGES = " ".join(dict.fromkeys([LIBREOFFICE_PACKAGE, *FONT_PACKAGES.values()]))

# Lossless images: the charts are line art, which JPEG smears.
PDF_FILTER = 'pdf:writer_pdf_Export:{"UseLosslessCompression":{"type":"boolean","value":"true"}}'
OUTPUT_TAIL = 2000  # characters of LibreOffice's output kept in an error message


def docx_to_pdf(docx: bytes, *, cache_dir: Path | None = None, timeout: float = 120) -> bytes:
    """The PDF of ``docx``; served from ``cache_dir`` when these exact bytes were converted before."""
    cached = cache_dir / f"{hashlib.sha256(docx).hexdigest()}.pdf" if cache_dir else None
    if cached and cached.is_file():
        return cached.read_bytes()
    pdf = _convert(_soffice(), docx, timeout)
    if cached:
        write_atomically(cached, pdf)
    return pdf


def libreoffice_available() -> str | None:
    """None when PDFs can be made here, else the reason (for tests and health checks)."""
    try:
        _soffice()
    except WenpingError as error:
        return error.message("en")
    return None


def _soffice() -> str:
    soffice = shutil.which("soffice")
    if soffice is None:
        raise WenpingError.of(ErrorCode.REPORT_NO_LIBREOFFICE, packages=ALL_PACKAGES)
    _require_fonts()
    return soffice


@functools.cache  # only success is cached: a raise is retried, so installing the fonts needs no restart
def _require_fonts() -> None:
    listed = subprocess.run(
        ["fc-list", ":", "family"], env=_environment(), capture_output=True, text=True, check=True
    ).stdout
    present = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    missing = [family for family in FONT_PACKAGES if family not in present]
    if missing:
        packages = " ".join(dict.fromkeys(FONT_PACKAGES[family] for family in missing))
        raise WenpingError.of(ErrorCode.REPORT_FONTS_MISSING, fonts=", ".join(missing), packages=packages)


def _environment() -> dict[str, str]:
    return {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}


def _convert(soffice: str, docx: bytes, timeout: float) -> bytes:
    # A fresh profile per job: two conversions sharing one profile silently lose one of the PDFs.
    with tempfile.TemporaryDirectory(prefix="wenping-pdf-") as work:
        work = Path(work)
        source = work / "report.docx"
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--norestore", "--nologo", "--nolockcheck",
            "--convert-to", PDF_FILTER, "--outdir", str(work / "out"), str(source),
        ]
        status, output = _run(command, timeout)
        pdf = work / "out" / "report.pdf"
        # LibreOffice exits 0 even when it could not load the file, so the PDF's presence is the test.
        if status != 0 or not pdf.is_file():
            raise WenpingError.of(ErrorCode.REPORT_PDF_FAILED, status=status, output=output[-OUTPUT_TAIL:])
        return pdf.read_bytes()


def _run(command: list[str], timeout: float) -> tuple[int, str]:
    """Exit status and combined output. On timeout the whole process group goes: soffice is a
    wrapper script, and killing only it would leave soffice.bin running."""
    with subprocess.Popen(
        command, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            tail = output.decode(errors="replace")[-OUTPUT_TAIL:]
            raise WenpingError.of(ErrorCode.REPORT_PDF_TIMEOUT, seconds=timeout, output=tail) from None
    return process.returncode, output.decode(errors="replace")


def write_atomically(path: Path, data: bytes) -> None:
    """Readers see the whole file or none: write a temp file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
