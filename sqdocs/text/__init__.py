"""Text conventions of Taiwanese official documents: ROC dates, Chinese numbering, lines of
Chinese joined without a space (lines), values written into YAML text (yamltext)."""

from sqdocs.text.numbering import chinese_number, formal_number, outline_label
from sqdocs.text.roc import format_roc, parse_roc, roc_year

__all__ = ["chinese_number", "formal_number", "outline_label", "format_roc", "parse_roc", "roc_year"]
