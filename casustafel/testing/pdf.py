"""Looking inside PDFs in tests without a PDF library: WeasyPrint compresses its objects
(catalogue included) into Flate streams; `inflated` appends every stream it can inflate, so a
test can find the catalogue's markers (`/StructTreeRoot`, `/Lang (nl)`) and tagged text."""

from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def inflated(pdf: bytes) -> bytes:
    parts = [pdf]
    for match in _STREAM.finditer(pdf):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)
