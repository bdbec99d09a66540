"""reportlab's platypus imported with its web address pattern compiled on first use (platypus.py)."""

from __future__ import annotations

import re
import subprocess
import sys

from sqdocs.writers.pdf.platypus import LazyPattern

_CHECK = """
import re, sys
compile_before = re.compile
import sqdocs.writers.pdf
import reportlab.platypus.paragraph as paragraph
from sqdocs.writers.pdf.platypus import LazyPattern
assert re.compile is compile_before, "re.compile left replaced"
assert isinstance(paragraph.uri_pat, LazyPattern), type(paragraph.uri_pat)
assert paragraph.uri_pat._compiled is None, "compiled on import"
compiled = re.compile(paragraph.uri_pat.pattern, paragraph.uri_pat.flags)
for text in sys.argv[1:]:
    ours, theirs = paragraph.uri_pat.match(text), compiled.match(text)
    assert (ours and (ours.span(), ours.groups())) == (theirs and (theirs.span(), theirs.groups())), text
assert paragraph.uri_pat.flags & re.I
"""


def test_importing_the_pdf_writer_leaves_reportlabs_address_pattern_for_later() -> None:
    texts = ["https://www.klpd.gov.tw/cp.aspx?n=1", "HTTP://例子.測試/路徑", "ftp://10.0.0.1:21/x", "基隆市警察局", "://"]
    done = subprocess.run([sys.executable, "-c", _CHECK, *texts], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_lazy_pattern_compiles_once_and_acts_as_the_compiled_one() -> None:
    lazy = LazyPattern(r"(\d+)年", re.I)
    assert lazy._compiled is None
    assert lazy.match("107年度").group(1) == "107"
    compiled = lazy._compiled
    assert lazy.sub("X", "107年 108年") == "X X"
    assert lazy._compiled is compiled and lazy.pattern == r"(\d+)年" and lazy.flags & re.I
