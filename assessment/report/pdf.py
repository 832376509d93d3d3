"""DOCX → PDF through headless LibreOffice, with the official font names mapped by fontconfig.

The PDF is made from the very DOCX a reviewer downloads, so both look the same. Conversions are
cached by the DOCX's sha256 and what converts it (the installed LibreOffice, the font map and the fonts
installed): a report that did not change is not converted twice, and an upgrade gives new PDFs.
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
    "Symbola": "fonts-symbola",  # emoji typed into answers (the CJK fonts have none)
}
ALL_PACKAGES = " ".join(dict.fromkeys([LIBREOFFICE_PACKAGE, *FONT_PACKAGES.values()]))

# Files of LibreOffice's program folder that every upgrade rewrites: its build id, the binary, the code.
LIBREOFFICE_BUILD = ("versionrc", "soffice.bin", "libmergedlo.so")
# Lossless images: the charts are line art, which JPEG smears.
PDF_FILTER = 'pdf:writer_pdf_Export:{"UseLosslessCompression":{"type":"boolean","value":"true"}}'
OUTPUT_TAIL = 2000  # characters of LibreOffice's output kept in an error message


def docx_to_pdf(docx: bytes, *, cache_dir: Path | None = None, timeout: float = 120) -> bytes:
    """The PDF of ``docx``; served from ``cache_dir`` when these exact bytes were converted before by the
    same LibreOffice with the same fonts."""
    soffice = _soffice()
    cached = None
    if cache_dir:
        key = hashlib.sha256(docx + _converter_digest(soffice).encode()).hexdigest()
        cached = cache_dir / f"{key}.pdf"
        if cached.is_file():
            return cached.read_bytes()
    pdf = _convert(soffice, docx, timeout)
    if cached:
        write_atomically(cached, pdf)
    return pdf


def converter_key() -> str:
    """Names the PDF converter installed here (LibreOffice and fonts), for the keys of caches of PDFs."""
    return _converter_digest(_soffice())


@functools.cache
def _converter_digest(soffice: str) -> str:
    """What the PDF depends on besides the DOCX: the LibreOffice build (its version file and the size and
    date of its program files, which an upgrade changes; reading them costs nothing, unlike starting
    soffice), the font map and the fonts fontconfig lists through it."""
    program = Path(soffice).resolve().parent
    digest = hashlib.sha256(_fonts_digest().encode())
    for name in LIBREOFFICE_BUILD:
        path = program / name
        if path.is_file():
            stat = path.stat()
            digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


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
    _fonts_digest()
    return soffice


@functools.cache  # only success is cached: a raise is retried, so installing the fonts needs no restart
def _fonts_digest() -> str:
    """A digest of the font map and of every font fontconfig finds through it; a missing stand-in is an error."""
    listed = subprocess.run(
        ["fc-list", ":", "family", "file"], env=_environment(), capture_output=True, text=True, check=True
    ).stdout
    present = {name.strip() for line in listed.splitlines() for name in line.partition(": ")[2].split(",")}
    missing = [family for family in FONT_PACKAGES if family not in present]
    if missing:
        packages = " ".join(dict.fromkeys(FONT_PACKAGES[family] for family in missing))
        raise WenpingError.of(ErrorCode.REPORT_FONTS_MISSING, fonts=", ".join(missing), packages=packages)
    return hashlib.sha256(FONTS_CONF.read_bytes() + "\n".join(sorted(listed.splitlines())).encode()).hexdigest()


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
