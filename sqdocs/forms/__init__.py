"""Spreadsheet forms: a unit fills in an .xlsx instead of YAML; sqdocs reads it back.

``make_form`` writes a unit's subplan or results form (its points only, the bureau's side
locked, data validation on the cells to fill, a hidden fingerprint of what it was made from);
``import_form`` checks a filled form cell by cell with the YAML loader's rules and writes the
unit's YAML, or reports ``sheet!cell: message`` problems and writes nothing; ``import_forms``
does so for many forms (or folders of them), each on its own, and tells how each went.
"""

from sqdocs.forms.importing import (
    FormOutcome,
    Imported,
    ImportedForms,
    import_form,
    import_forms,
    summary,
)
from sqdocs.forms.making import (
    KINDS,
    MadeForm,
    MadeForms,
    default_output,
    make_form,
    make_forms,
)
from sqdocs.forms.problems import CellProblem, FormError

__all__ = [
    "KINDS", "CellProblem", "FormError", "FormOutcome", "Imported", "ImportedForms", "MadeForm", "MadeForms",
    "default_output", "import_form", "import_forms", "make_form", "make_forms", "summary",
]
