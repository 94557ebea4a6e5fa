"""Onboarding by spreadsheet: import and export the organization tree and the roster (issue 12).

Layouts, with Chinese headers, are in `layouts`; `template(kind)` gives an empty workbook with a
notes sheet. Litestar-free: the CLI and the API both call these functions.
"""

from api.importing.layouts import KIND_NAMES
from api.importing.process import PROCESS_IMPORT, ProcessStart
from api.importing.report import ImportReport, RowAction, RowError
from api.importing.service import KINDS, export_orgs, export_people, import_orgs, import_people, template

__all__ = [
    "KINDS",
    "KIND_NAMES",
    "PROCESS_IMPORT",
    "ImportReport",
    "ProcessStart",
    "RowAction",
    "RowError",
    "export_orgs",
    "export_people",
    "import_orgs",
    "import_people",
    "template",
]
