"""Importing filled forms into the units' YAML, one form or many (files, folders, patterns).

The import writes nothing unless every cell is right, the form belongs to this folder's plan
(agency, year, unit, the same points) and the unit's YAML has not been edited since the form was
made (unless ``force``). It keeps the previous YAML as a numbered backup, like ``subplan update``.
"""

from __future__ import annotations

import codecs
import glob
import io
import re
import stat
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook import Workbook

from sqdocs.errors import UserError
from sqdocs.forms import results as results_form
from sqdocs.forms import subplan as subplan_form
from sqdocs.forms.comments import Comment, dropped_comments, schema_line, yaml_comments
from sqdocs.forms.fingerprint import (
    Fingerprint,
    data_digest,
    digest,
    file_digest,
    read_fingerprint,
)
from sqdocs.forms.kinds import FORM_CONTENTS, regenerate
from sqdocs.forms.making import KINDS, points_digest, refuse_former_yaml, unit_yaml
from sqdocs.forms.problems import CellProblem, FormError, merge, sort_problems
from sqdocs.forms.structure import formula_problems, merged_cells
from sqdocs.fsutil import (
    display_name,
    os_error_text,
    replace_keeping_backup,
    write_atomic,
    writing,
)
from sqdocs.load import LoadError, load_plan
from sqdocs.load.checks import renamed
from sqdocs.load.plan import written_year
from sqdocs.load.validate import validate
from sqdocs.load.yamlfile import parse_yaml
from sqdocs.model import Plan
from sqdocs.model.results import Submission
from sqdocs.model.subplan import Subplan
from sqdocs.subplans.files import refuse_beside_misnamed
from sqdocs.subplans.text import subplan_skeleton
from sqdocs.text.names import command_line
from sqdocs.text.roc import examples_in, format_roc
from sqdocs.text.suggest import closest


@dataclass(frozen=True)
class Imported:
    kind: str
    unit: str
    path: Path  # the YAML written (or found unchanged)
    backup: Path | None  # the previous YAML, None when there was none or nothing changed
    changed: bool
    entries: int  # points written
    warnings: list[CellProblem] = field(default_factory=list)
    dropped: list[Comment] = field(default_factory=list)  # the unit's own comments, left in the backup


def open_form(path: Path, *, formulas: bool = False) -> Workbook:
    """The form with each formula's saved result (or, ``formulas``, with the formulas themselves)."""
    if path.is_dir():
        raise UserError(f"{display_name(path)}：這是資料夾，不是表單檔；請指定填好的 .xlsx 表單檔（如 第一分局執行成果.xlsx）")
    try:
        _refuse_oversized(path)
        with warnings.catch_warnings():
            # Excel keeps a dropdown that lists another sheet's cells (承辦單位, 序號) in an extension
            # openpyxl drops with an English UserWarning per sheet; the import reads only the values.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
            wb = openpyxl.load_workbook(path, data_only=not formulas)
    except FileNotFoundError:
        raise UserError(f"{display_name(path)}：找不到檔案") from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise UserError(f"{display_name(path)}：無法以 Excel 活頁簿（.xlsx）開啟；{_why_not_xlsx(path)}") from None
    except (SyntaxError, TypeError, IndexError):  # the XML in the zip is cut short or holds values openpyxl refuses
        raise UserError(f"{display_name(path)}：活頁簿的內容已損壞，無法讀取；{_DAMAGED}") from None
    except MemoryError:  # under the limits above, still too much for this machine (pictures openpyxl holds)
        raise UserError(
            f"{display_name(path)}：記憶體不足，無法讀取此表單；請從表單刪除貼進的圖片、物件後存檔再匯入，或重新產生表單再填寫"
        ) from None
    if not wb.sheetnames:  # openpyxl found none of its sheets: saved as 「Strict Open XML 試算表」
        raise UserError(f"{display_name(path)}：無法以 Excel 活頁簿（.xlsx）開啟；{_why_not_xlsx(path)}")
    return wb


MAX_FORM_XML_BYTES = 20 * 1024 * 1024
"""The most the sheets (and other XML) of a form may unpack to. A form is about 0.2 MB; openpyxl
reads every cell into memory (1 KB each), so a value dragged down a whole column, or a zip bomb
of 2 GB packed into 2 MB, took minutes and gigabytes before any message. Pictures pasted into a
sheet are not XML: :data:`MAX_FORM_BYTES` counts them."""


MAX_FORM_BYTES = 200 * 1024 * 1024
"""The most a form may unpack to, pictures included. openpyxl holds every picture in memory, for
each of the import's two readings: 1.6 GB of one picture packed into 1.6 MB took 3.2 GB and
ended in a MemoryError. Photos belong in results/evidence, named in the form."""


def _refuse_oversized(path: Path) -> None:
    """Refuse a workbook whose XML parts unpack to more than :data:`MAX_FORM_XML_BYTES`, or whose
    parts all together to more than :data:`MAX_FORM_BYTES`, by the sizes its zip directory declares
    (zipfile stops a part at its declared size)."""
    if not zipfile.is_zipfile(path):
        return  # openpyxl's error, and _why_not_xlsx, say what it is
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    unpacked = sum(i.file_size for i in parts if i.filename.lower().endswith((".xml", ".rels")))
    if unpacked > MAX_FORM_XML_BYTES:
        raise UserError(
            f"{display_name(path)}：表單內容解壓後有 {unpacked / 1024 / 1024:,.0f} MB（sqdocs 的表單不到 1 MB），"
            "多半是某欄的內容或格式被往下拉到數十萬列；請在 Excel 刪除表格下方多餘的列後另存新檔再匯入，"
            "或重新產生表單再填寫"
        )
    if (everything := sum(i.file_size for i in parts)) > MAX_FORM_BYTES:
        raise UserError(
            f"{display_name(path)}：表單解壓後有 {everything / 1024 / 1024:,.0f} MB，多半是貼進了許多或很大的圖片、物件；"
            "表單只填文字：佐證照片請放在 results/evidence 資料夾，在「佐證資料」工作表填其檔名（如 evidence/照片.jpg），"
            "並從表單刪除圖片後存檔再匯入"
        )


_DAMAGED = "請以 Excel 開啟此檔，能開啟就另存新檔後匯入該檔；不能開啟請重新產生表單再填寫"


def _why_not_xlsx(path: Path) -> str:
    """What to do with a file that is not an .xlsx workbook, by what it most likely is.

    Judged by its first bytes before its name: a clerk in LibreOffice Calc or WPS whose
    「另存新檔」 keeps its own format, or who renamed the file to .xlsx, has no Excel to follow.
    """
    if path.name.startswith("~$"):
        return f"這是 Excel 開啟表單時產生的暫存檔，不是表單；請匯入 {path.name[2:]}（並先在 Excel 關閉它）"
    what = _file_format(path)
    renamed = f"，只是副檔名是 {path.suffix}" if what and path.suffix.lower() == ".xlsx" else ""
    if what == "encrypted":
        return ("這個活頁簿設了開啟密碼（已加密），無法讀取；請移除密碼後存檔再匯入：Excel 按「檔案 → 資訊 → 保護活頁簿 → "
                "以密碼加密」，清空密碼後按「確定」並存檔；LibreOffice Calc 按「檔案 → 另存新檔」，檔案類型選"
                "「Excel 2007-365 (.xlsx)」，取消勾選「使用密碼儲存」，問到格式時按「使用 Excel 2007-365 格式」")
    if what == "strict":
        return ("這是存成「Strict Open XML 試算表」的活頁簿，讀不到其中的工作表；請在 Excel 開啟它，按「檔案 → 另存新檔」，"
                "存檔類型選「Excel 活頁簿 (*.xlsx)」（不是 Strict Open XML 試算表），再匯入存出的檔案")
    if what == "text":
        return (f"這是文字檔（如 CSV）{renamed}：只存了一張工作表的文字，沒有表單的其他工作表與識別資料，另存為 .xlsx "
                "也無法復原；請匯入原本的 .xlsx 表單（填寫後以「檔案 → 儲存」存檔，不要另存為 CSV），CSV 裡填的內容可複製貼回該表單")
    if what:
        return f"這是{what}{renamed}，不是表單的格式；{_SAVE_AS_XLSX}"
    if path.suffix.lower() in (*WORKBOOKS, ".csv") and path.suffix.lower() != ".xlsx":  # named, not told by content
        return f"{path.suffix} 不是表單的格式；{_SAVE_AS_XLSX}"
    return "請確認是 sqdocs 產生的表單，且以 .xlsx 格式儲存"


_SAVE_AS_XLSX = ("請開啟它另存為 .xlsx 後匯入存出的檔案：Excel 按「檔案 → 另存新檔」，存檔類型選「Excel 活頁簿 (*.xlsx)」；"
                 "LibreOffice Calc 按「檔案 → 另存新檔」，檔案類型選「Excel 2007-365 (.xlsx)」，問到格式時按「使用 Excel 2007-365 格式」")
# The first bytes of an OLE compound file: Excel 97-2003 (.xls, and WPS's .et), and also an .xlsx
# saved with a password to open, its package encrypted in a stream of this name.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_STRICT = b"http://purl.oclc.org/ooxml/spreadsheetml/main"  # ISO 29500 Strict, which openpyxl does not read


def _file_format(path: Path) -> str | None:
    """What a file openpyxl could not open is, by its content: 「encrypted」, 「strict」, 「text」, the name of a
    spreadsheet format sqdocs does not read, or None (damaged, empty, unknown)."""
    try:
        with path.open("rb") as fh:
            data = fh.read(4 * 1024 * 1024)  # a form is far smaller; a compound file's directory may be at its end
    except OSError:
        return None
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_PACKAGE in data:
            return "encrypted"
        return "舊版 Excel 97-2003 活頁簿（.xls，或 WPS 的 .et）"
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
                if "mimetype" in names and package.read("mimetype").startswith(_ODS_MIMETYPE):
                    return "開放文件格式（ODF）試算表（.ods，LibreOffice Calc 的預設格式）"
                if "xl/workbook.bin" in names:
                    return "二進位格式的 Excel 活頁簿（.xlsb）"
                if "xl/vbaProject.bin" in names:
                    return "含巨集的 Excel 活頁簿（.xlsm）"
                if "xl/workbook.xml" in names and _STRICT in package.read("xl/workbook.xml"):
                    return "strict"
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
        return None
    return "text" if _is_text(data[:4096]) else None


def _is_text(head: bytes) -> bool:
    """Whether ``head`` reads as printable text in an encoding a CSV is saved in (Excel's 「CSV UTF-8」
    and 「Unicode 文字」, Big5 in a Traditional Chinese Windows)."""
    codecs_ = ("utf-16",) if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else ("utf-8-sig", "cp950")
    for codec in codecs_:
        try:
            text = codecs.getincrementaldecoder(codec)().decode(head, final=False)  # the cut may split a character
        except UnicodeDecodeError:
            continue
        return bool(text) and all(char.isprintable() or char in "\t\r\n" for char in text)
    return False


def _main_sheet(fp: Fingerprint) -> str:
    return subplan_form.SHEET if fp.kind == "subplan" else results_form.SHEET


def _identity(fp: Fingerprint, plan: Plan, folder: Path, form: Path) -> list[str]:
    """Why the form at ``form`` does not belong to this folder's plan; empty when it does.

    Whether a results form's 量化指標 still match indicators.yaml is judged apart (results_form.stale).
    """
    where = display_name(folder)
    if fp.agency != plan.agency:
        return [f"此表單是「{fp.agency}」的表單，資料夾 {where} 是「{plan.agency}」的資料；請確認資料夾"]
    if fp.year != plan.year:
        return [_other_year(fp, plan.year, folder)]
    if plan.units.unit(fp.unit) is None:
        known = [u.name for u in plan.units.units]
        if (new := next((name for name in known if renamed(fp.unit, name)), None)) is not None:
            # a form handed out before the unit was renamed in units.yaml
            make = command_line(["sqdocs", "form", fp.kind, where, "--unit", new])
            return [f"此表單是「{fp.unit}」的表單，但資料夾 {where} 的 units.yaml 沒有「{fp.unit}」這個單位；"
                    f"若單位已改名為「{new}」，請以 {make} 產生新表單，把此表單填寫的內容複製過去後匯入新表單"]
        return [f"此表單是「{fp.unit}」的表單，但資料夾 {where} 的 units.yaml 沒有「{fp.unit}」這個單位；"
                "是否選錯了資料夾，或拿到了別的機關的表單？"]
    points_hash, points = points_digest(plan, fp.unit)
    if points_hash != fp.points_hash:
        old, new = [tuple(p) for p in fp.points], [tuple(p) for p in points]
        added, removed = [p for p in new if p not in old], [p for p in old if p not in new]
        changes = []
        for gone in list(removed):  # a point renamed or moved: one change, not one added and one deleted
            if (to := _renamed_point(gone, added)) is not None:
                changes.append(f"「{'／'.join(gone)}」改為「{'／'.join(to)}」")
                removed.remove(gone)
                added.remove(to)
        changes += [f"新增「{'／'.join(p)}」" for p in added] + [f"不再指派或已刪除「{'／'.join(p)}」" for p in removed]
        what = "、".join(changes[:4]) + ("等" if len(changes) > 4 else "") if changes else "評核重點的順序有變動"
        return [
            f"此表單是依較舊版本的本局計畫產生的（表單產生於 {_issued(fp)}），本局計畫其後已修訂：{what}。"
            f"請重新產生表單（{regenerate(fp.kind, folder, fp.unit, form)}），把已填的內容貼到新表單後再匯入"
        ]
    return []


def _renamed_point(gone: tuple[str, ...], added: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The one of ``added`` that ``gone`` (構面, 評核項目, 評核重點) most likely became: the same
    評核重點 under another 評核項目 (moved), or one of a close name in the same place (renamed)."""
    moved = [p for p in added if p[-1] == gone[-1]]
    if len(moved) == 1:
        return moved[0]
    here = [p for p in added if p[:-1] == gone[:-1]]
    near = closest(gone[-1], [p[-1] for p in here])
    return next((p for p in here if p[-1] == near), None) if near is not None else None


def _other_year(fp: Fingerprint, year: int, folder: Path) -> str:
    return f"此表單是 {fp.year} 年度的表單，資料夾 {display_name(folder)} 是 {year} 年度的計畫；請改用 {year} 年度產生的表單"


def _issued(fp: Fingerprint) -> str:
    try:
        return format_roc(datetime.fromisoformat(fp.issued).date())
    except ValueError:
        return fp.issued


def import_form(path: Path | str, folder: Path | str, *, force: bool = False) -> Imported:
    """Read a filled form into ``subplans/<unit>.yaml`` or ``results/<unit>.yaml``.

    Raises :class:`FormError` (``sheet!cell: message`` problems) and writes nothing when anything
    is wrong; :class:`UserError` when the YAML changed since the form was made and not ``force``.
    """
    path, folder = Path(path), Path(folder)
    wb = open_form(path)
    return _import(path, wb, _fingerprint(wb), folder, force=force)


def _fingerprint(wb: Workbook) -> Fingerprint:
    """What the form was made from; FormError when it is no sqdocs form."""
    fp = read_fingerprint(wb)
    if fp is None or fp.kind not in KINDS:
        raise FormError([CellProblem(
            wb.sheetnames[0], 1, 1,
            "這不是 sqdocs 產生的表單（找不到表單識別資料，或識別資料已損壞）；請用 sqdocs form subplan 或 sqdocs form results 產生的表單填寫",
        )], fixable=False)
    return fp


def _import(path: Path, wb: Workbook, fp: Fingerprint, folder: Path, *, force: bool) -> Imported:
    """:func:`import_form` of the form at ``path``, already opened as ``wb``."""
    with examples_in(fp.year):
        sheet = _main_sheet(fp)
        written = written_year(folder)
        if written is not None and written != fp.year:  # before the plan loads: a rolled-over folder not yet filled fails to load
            raise FormError([CellProblem(sheet, 1, 1, _other_year(fp, written, folder))], fixable=False)
        plan = load_plan(folder)
        reasons = _identity(fp, plan, folder, path)
        if not reasons and fp.kind == "results":
            reasons = results_form.stale(fp, plan, folder, path)
        if reasons:
            raise FormError([CellProblem(sheet, 1, 1, reason) for reason in reasons], fixable=False)

        target = unit_yaml(folder, plan, fp.kind, fp.unit)
        if fp.kind == "subplan":
            refuse_beside_misnamed(folder, fp.unit)
        refuse_former_yaml(folder, plan, fp.kind, fp.unit)  # a second file beside the unit's, from before its rename
        form = subplan_form if fp.kind == "subplan" else results_form
        merged = merged_cells(wb, form.SHEETS)
        if merged:  # every cell is read on its own: a merged range would read as rows left blank or deleted
            raise FormError(merged)
        old = target.read_bytes() if target.is_file() else None  # once: judged, compared and backed up alike
        text, problems, entries = form.import_text(wb, fp, plan, folder, target, old)
        # openpyxl reads either formulas or their saved results: a second look finds formulas without one
        formulas = formula_problems(wb, open_form(path, formulas=True), form.SHEETS, form.OWN_FORMULAS)
        problems = sort_problems(merge(formulas, problems), form.SHEETS)
        if any(p.severity == "error" for p in problems):
            raise FormError(problems)
        warnings = problems
        old_text = old.decode("utf-8-sig", errors="replace") if old is not None else ""
        if (schema := schema_line(old_text)) is not None:  # the editor's checks the README recommends
            text = f"{schema}\n{text}"
        body = text.encode("utf-8")
        new = body + _stamp(fp, body)
        model = Subplan if fp.kind == "subplan" else Submission
        if old is not None and (_unstamped(old)[0] == body or _same_data(old, body, model)):
            # The same data, perhaps written differently (a hand-written file's comments and layout,
            # a date spelled 107年6月30日): nothing to change, so the file the unit keeps stays as it is.
            return Imported(fp.kind, fp.unit, target, None, False, entries, warnings)
        if old is not None and _edited_since(old, fp) and not _own_import(old, fp) and not force:
            since = ("在匯入此表單後已被修改" if _imported_from(old, fp)
                     else "在表單產生後建立" if not fp.yaml_hash else "在表單產生後已被修改")
            raise UserError(
                f"{display_name(target)} {since}（表單產生於 {_issued(fp)}）；匯入會蓋掉這些修改，因此未寫入任何檔案。"
                "請先確認該檔的修改是否要保留；確定要以表單的內容取代，請加 --force（原檔會另存為 .bak 備份）"
            )
        if old is not None:
            dropped = dropped_comments(old_text, text, _known_comments(plan, fp))
            backup = replace_keeping_backup(target, old, new)
        else:
            dropped, backup = [], None
            with writing(data_folder=True):
                write_atomic(target, new)
        return Imported(fp.kind, fp.unit, target, backup, True, entries, warnings, dropped)


def _known_comments(plan: Plan, fp: Fingerprint) -> list[str]:
    """Comments sqdocs writes in the unit's file besides those an import writes: a subplan skeleton's."""
    if fp.kind != "subplan":
        return []
    return [comment.text for comment in yaml_comments(subplan_skeleton(plan, fp.unit))]


def _edited_since(old: bytes, fp: Fingerprint) -> bool:
    """Whether the unit's YAML ``old`` holds other data than when the form was made. Comments and
    layout do not count: ``subplan update`` rewrites the bureau's reference comments in every
    subplan, and the form overwrites the data, not those. A form made before the data's hash was
    kept, or a file that does not read as YAML, is compared byte for byte."""
    if file_digest(old) == fp.yaml_hash:
        return False
    return not (fp.yaml_hash and fp.yaml_data_hash and data_digest(old) == fp.yaml_data_hash)


# The last line of a YAML a form wrote: which form, and a hash of the text above it. Importing the
# same form again (a cell corrected) may then replace the file its own import wrote, which has
# changed since the form was made, but not a file anything else changed since.
STAMP = "# sqdocs-form-import:"


def _form_identity(fp: Fingerprint) -> str:
    return digest([fp.kind, fp.unit, fp.year, fp.agency, fp.issued, fp.points_hash, fp.yaml_hash])


def _stamp(fp: Fingerprint, body: bytes) -> bytes:
    line = (f"{STAMP} form={_form_identity(fp)} content={file_digest(body)} data={data_digest(body)}"
            "（再次匯入同一表單時用來核對；請勿修改本行）\n")
    return line.encode("utf-8")


# data= since the import's stamp hashes the data too: a stamp written before it has none
_STAMPED = re.compile(r"form=(?P<form>\w+) content=(?P<content>\w+)(?: data=(?P<data>\w+))?", re.ASCII)


def _unstamped(raw: bytes) -> tuple[bytes, bytes | None]:
    """The text of a YAML file without the import's stamp line, and that line (None without one)."""
    head, sep, last = raw.rstrip(b"\n").rpartition(b"\n")
    if last.startswith(STAMP.encode("utf-8")):
        return head + sep, last
    return raw, None


def _same_data(old: bytes, new: bytes, model: type[Subplan] | type[Submission]) -> bool:
    """Whether two YAML texts hold the same data (unreadable old text holds none): the same YAML
    values, or the same ``model`` read from them — the meaning, not the spelling: 「107年6月30日」
    and 「107 年 6 月 30 日」 are one deadline, a tab in a practice is the space a form gives it
    back as, and a subplan's entries are the same in any order (the documents follow the
    bureau's). An untouched form, imported, must change nothing: it rewrote a file whose entry
    update had marked removed, moving it to the end and the unit's comments to the backup."""
    try:
        # Read as the loader reads them: PyYAML alone joins lines of Chinese with a space.
        old_doc, new_doc = parse_yaml(old, "old"), parse_yaml(new, "new")
    except LoadError:
        return False
    if old_doc.data == new_doc.data:
        return True
    before, _ = validate(old_doc, model)
    after, _ = validate(new_doc, model)
    return before is not None and after is not None and _as_compared(before) == _as_compared(after)


def _as_compared(data: Subplan | Submission) -> object:
    """``data`` as :func:`_same_data` compares it: blanks and tabs within a text as one space,
    a subplan's entries in one order whatever the file's."""
    def squeezed(value: object) -> object:
        if isinstance(value, str):
            return re.sub(r"[ \t]+", " ", value).strip()
        if isinstance(value, list):
            return [squeezed(v) for v in value]
        if isinstance(value, dict):
            return {k: squeezed(v) for k, v in value.items()}
        return value

    dumped = squeezed(data.model_dump())
    if isinstance(data, Subplan):
        dumped["points"] = sorted(dumped["points"], key=repr)
    return dumped


def _own_import(raw: bytes, fp: Fingerprint) -> bool:
    """Whether ``raw`` holds what an import of this very form wrote, its data unchanged since."""
    body, stamp = _unstamped(raw)
    found = _STAMPED.search(stamp.decode("utf-8", errors="replace")) if stamp is not None else None
    if found is None or found["form"] != _form_identity(fp):
        return False
    # The data as the import wrote it, its comments perhaps refreshed since by `subplan update`
    return found["content"] == file_digest(body) or found["data"] == data_digest(body)


def _imported_from(raw: bytes, fp: Fingerprint) -> bool:
    """Whether ``raw`` was written by an import of this form (and perhaps edited since)."""
    stamp = _unstamped(raw)[1]
    return stamp is not None and f"form={_form_identity(fp)} ".encode() in stamp


def summary(result: Imported) -> list[str]:
    """Lines telling the user what the import did."""
    what = FORM_CONTENTS[result.kind]
    if not result.changed:
        return [f"✓ {display_name(result.path)} 與表單內容相同，未修改。"]
    lines = [f"✓ 已匯入{result.unit}的{what}：{display_name(result.path)}（{result.entries} 個評核重點）"]
    if result.backup is not None:
        lines.append(f"  原檔另存為 {display_name(result.backup)}")
        if result.dropped:
            lines += _dropped_lines(result.dropped, result.backup)
    return lines


SHOWN_COMMENTS = 5


def _dropped_lines(dropped: list[Comment], backup: Path) -> list[str]:
    """The unit's own comments the import left in ``backup``, a few of them by line, and what to do."""
    lines = [f"  注意：原檔中自行加入的 {len(dropped)} 則註解（「#」開頭的說明）沒有帶入新檔，仍保留在備份檔 "
             f"{display_name(backup)}；需要的話，請從備份檔抄回新檔："]
    lines += [f"    第 {comment.line} 行：{comment.text}" for comment in dropped[:SHOWN_COMMENTS]]
    if len(dropped) > SHOWN_COMMENTS:
        lines.append(f"    …另有 {len(dropped) - SHOWN_COMMENTS} 則，見備份檔")
    return lines


# ---- importing many forms at once --------------------------------------------------------

# Workbook formats a clerk may have saved a form in: taken from a folder as forms, so that a
# unit's form saved as .xls is refused with how to save it as .xlsx rather than passed over.
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et")


@dataclass(frozen=True)
class FormOutcome:
    """One form of :func:`import_forms`: what its import did, or why it was refused (nothing written for it)."""

    path: Path
    result: Imported | None = None
    error: Exception | None = None
    """Why it was refused: FormError, UserError or LoadError for the form or data, any other a bug."""


@dataclass(frozen=True)
class ImportedForms:
    """What :func:`import_forms` did, form by form, in the order the forms were given."""

    outcomes: list[FormOutcome]
    # files in a given folder (or matching a given pattern) not read as forms (a .docx, Excel's ~$ lock file), and why
    passed_over: list[tuple[Path, str]] = field(default_factory=list)
    empty: list[Path] = field(default_factory=list)  # given folders and patterns with no form in them

    @property
    def imported(self) -> list[FormOutcome]:
        return [outcome for outcome in self.outcomes if outcome.error is None]

    @property
    def refused(self) -> list[FormOutcome]:
        return [outcome for outcome in self.outcomes if outcome.error is not None]


def form_files(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]], list[Path]]:
    """The form files ``paths`` name: a file as it is; a folder's workbooks directly in it, by
    name; the workbooks a pattern such as ``表單/*執行成果.xlsx`` matches (Windows' cmd.exe passes
    it on unexpanded), by name.

    Also the files of those folders and patterns not taken as forms, with why, and the folders
    and patterns without any form. Hidden files are left out unnamed (macOS's ``._`` copies,
    LibreOffice's ``.~lock`` files); so is the same file named twice.
    """
    files: list[Path] = []
    passed: list[tuple[Path, str]] = []
    empty: list[Path] = []
    for path in paths:
        if path.is_dir():
            entries = list(path.iterdir())
        elif is_pattern(path):
            entries = [Path(name) for name in glob.glob(str(path))]
        else:
            files.append(path)
            continue
        found = []
        for entry in sorted(entries, key=lambda p: p.name):
            if entry.is_dir() or _hidden(entry):
                continue
            if entry.name.startswith("~$"):
                passed.append((entry, f"Excel 開啟表單時產生的暫存檔，不是表單（{entry.name[2:]} 可能仍在 Excel 中開啟；"
                                      "匯入的是它最後一次存檔的內容）"))
            elif entry.suffix.lower() in WORKBOOKS:
                found.append(entry)
            else:
                passed.append((entry, "不是 .xlsx 表單"))
        if not found:
            empty.append(path)
        files += found
    seen: set[Path] = set()
    unique = []
    for file in files:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique, passed, empty


def is_pattern(path: Path) -> bool:
    """Whether ``path`` is a pattern of file names (表單/*.xlsx) rather than a file's name."""
    return not path.exists() and any(char in str(path) for char in "*?")


def _hidden(path: Path) -> bool:
    if path.name.startswith("."):
        return True
    try:
        attributes = getattr(path.stat(), "st_file_attributes", 0)  # Windows only
    except OSError:
        return False
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def import_forms(paths: list[Path | str], folder: Path | str, *, force: bool = False) -> ImportedForms:
    """Import every form ``paths`` name (files, or folders of them: :func:`form_files`) into ``folder``.

    Each form is its own unit's: each is imported on its own as :func:`import_form` imports it
    (atomically, with a backup), and one refused leaves the others imported. Two forms of the same
    unit and kind (a form re-sent with corrections beside the first) are both refused: which one
    is meant cannot be told, and the later in the folder must not silently overwrite the other.
    A data folder whose plan does not load is a LoadError before any form is read.
    """
    folder = Path(folder)
    files, passed, empty = form_files([Path(path) for path in paths])
    if not files:
        return ImportedForms([], passed, empty)
    try:
        load_plan(folder)
    except LoadError as exc:
        raise LoadError(exc.diagnostics, note="未匯入任何表單。") from None
    opened: dict[Path, tuple[Workbook, Fingerprint]] = {}
    errors: dict[Path, Exception] = {}
    for path in files:
        try:
            wb = open_form(path)
            opened[path] = wb, _fingerprint(wb)
        except Exception as exc:  # noqa: BLE001 — FormError, UserError; a bug met in one form leaves the rest imported
            errors[path] = exc
    same: dict[tuple[str, int, str, str], list[Path]] = {}
    for path, (_, fp) in opened.items():
        same.setdefault((fp.agency, fp.year, fp.kind, fp.unit), []).append(path)
    for (_, _, kind, unit), group in same.items():
        if len(group) > 1:
            for path in group:
                errors[path] = UserError(_duplicates(group, kind, unit))
    outcomes = []
    for path in files:
        if path in errors:
            outcomes.append(FormOutcome(path, error=errors[path]))
            continue
        wb, fp = opened.pop(path)
        try:
            outcomes.append(FormOutcome(path, _import(path, wb, fp, folder, force=force)))
        except (FormError, UserError, LoadError) as exc:
            outcomes.append(FormOutcome(path, error=exc))
        except OSError as exc:  # reading the unit's YAML: writes are UserErrors already
            outcomes.append(FormOutcome(path, error=UserError(os_error_text(exc, data_folder=True))))
        except Exception as exc:  # noqa: BLE001 — a bug met in one form leaves the rest imported
            outcomes.append(FormOutcome(path, error=exc))
    return ImportedForms(outcomes, passed, empty)


def _duplicates(group: list[Path], kind: str, unit: str) -> str:
    what = FORM_CONTENTS[kind]
    names = "、".join(display_name(path) for path in group)
    return (f"{names} 都是{unit}的{what}表單，無法判斷要以哪一份為準，{len(group)} 份都未匯入；"
            "請只留下要匯入的一份（把其他的移出資料夾）後再匯入")
