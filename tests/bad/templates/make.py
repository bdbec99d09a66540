"""Regenerate the broken templates of this folder from templates/plan.docx.

    .venv/bin/python tests/bad/templates/make.py

Each case folder holds ``plan.docx`` and ``expected.txt``, the message ``sqdocs build``
must print for it (see tests/test_bad_templates.py).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parents[2] / "templates" / "plan.docx"
FIXED = (1980, 1, 1, 0, 0, 0)


def _rewrite(replace: dict[str, str] | None = None, drop: str | None = None, add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(DEFAULT) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == drop:
                continue
            data = src.read(info)
            if info.filename == "word/document.xml" and replace:
                text = data.decode("utf-8")
                for old, new in replace.items():
                    assert old in text, old
                    text = text.replace(old, new, 1)
                data = text.encode("utf-8")
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED), data, zipfile.ZIP_DEFLATED)
        for name, data in (add or {}).items():
            dst.writestr(zipfile.ZipInfo(name, FIXED), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        with zipfile.ZipFile(DEFAULT) as src:
            for info in src.infolist():
                dst.writestr(zipfile.ZipInfo(info.filename, FIXED), src.read(info), zipfile.ZIP_DEFLATED)
        # 100 MB of spaces packs into about 100 KB.
        padding = zipfile.ZipInfo("word/media/padding.xml", FIXED)
        padding.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(padding, "w") as fh:
            chunk = b" " * (1024 * 1024)
            for _ in range(100):
                fh.write(chunk)
    return out.getvalue()


TITLE = "{{ title }}"
# A 目錄 Word made from the template's own headings: a TOC field whose entries copy their tags.
TOC = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u '
       '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{{ section.heading }}</w:t></w:r></w:p>'
       '<w:p><w:r><w:t>{{ title }}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')

CASES: dict[str, bytes] = {
    "not-a-zip": "這不是 Word 文件，只是改了副檔名的文字檔。\n".encode(),
    "empty-file": b"",
    "no-document-part": _rewrite(drop="word/document.xml"),
    "zip-bomb": _bomb(),
    "unclosed-tag": _rewrite({TITLE: "{{ title "}),
    "unknown-variable": _rewrite({TITLE: "{{ titel }}"}),
    "class-mro": _rewrite({TITLE: "{{ ''.__class__.__mro__ }}"}),
    "cycler-globals": _rewrite({TITLE: "{{ cycler.__init__.__globals__ }}"}),
    "attr-filter": _rewrite({TITLE: "{{ title|attr('__class__') }}"}),
    "bad-for": _rewrite({TITLE: "{% for x in %}{% endfor %}"}),
    "include": _rewrite({TITLE: "{% include 'secret.txt' %}"}),
    "unknown-filter": _rewrite({TITLE: "{{ title|shout }}"}),
    "broken-xml": _rewrite({TITLE: "{{ title }} <"}),  # a part edited by hand: no longer XML
    "table-of-contents": _rewrite({"<w:body>": "<w:body>" + TOC}),
}


def main() -> None:
    for name, data in CASES.items():
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        (folder / "plan.docx").write_bytes(data)
        print(folder)


if __name__ == "__main__":
    main()
