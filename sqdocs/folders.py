"""Which folders a build or validate takes: one bureau's data folder, several, or a folder of
bureaus; what is skipped and why; and where each bureau's documents go."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from sqdocs.errors import UserError
from sqdocs.fsutil import display_name
from sqdocs.text.names import command_line, shell_word


def find_folders(paths: Iterable[Path]) -> list[Path]:
    """Data folders named directly, or the folders with a plan.yaml inside a folder of bureaus;
    each once, however often or however spelled it was named."""
    found: list[Path] = []
    for path in paths:
        inner = _bureaus_in(path)
        found.extend([path] if inner is None else inner)  # a data folder's missing plan.yaml is the loader's to say
    # Built twice, a folder's documents would be written twice to the same files. A link
    # and its folder both found are built once, under the folder's own name (OUT/<folder>),
    # whichever of them sorts or was named first.
    unique: dict[Path, Path] = {}
    for path in found:
        first = unique.setdefault(path.resolve(), path)
        if first.is_symlink() and not path.is_symlink():
            unique[path.resolve()] = path
    return list(unique.values())


def _is(test: Callable[[], bool]) -> bool | None:
    """``test()``, or None when a folder on the way cannot be read (no permission): whether
    the file is there cannot be told, and Path.is_file raises rather than say so."""
    try:
        return test()
    except OSError:
        return None


def _subfolders(folder: Path) -> list[Path]:
    """The visible subfolders of ``folder`` by name; none when it cannot be read (its loading says why)."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [p for p in entries if not p.name.startswith(".") and _is(p.is_dir)]


def _holds_yaml(folder: Path) -> bool:
    try:
        return any(p.suffix.lower() in (".yaml", ".yml") for p in folder.iterdir() if _is(p.is_file))
    except OSError:
        return False


def _bureaus_in(path: Path) -> list[Path] | None:
    """The bureau folders of ``path`` when it is a folder of bureaus, else None (a data folder,
    or no folder at all, for the loader to report).

    A folder of bureaus has no plan.yaml of its own and a subfolder with one, whatever loose
    files lie beside them (a CI repository's .gitlab-ci.yml); or, holding no YAML itself,
    subfolders with YAML that are meant as bureaus or hold bureaus (:func:`skipped_folders`
    names those). A subfolder that cannot be read may be a bureau: it is listed, and its
    loading says that it cannot be read rather than the batch passing over it.
    """
    if _is((path / "plan.yaml").is_file) is not False or not _is(path.is_dir):
        return None
    subs = _subfolders(path)
    has_plan = {sub: _is((sub / "plan.yaml").is_file) for sub in subs}
    bureaus = [sub for sub in subs if has_plan[sub] is not False]
    if any(has_plan.values()):
        return bureaus
    if _holds_yaml(path):
        return None
    if bureaus or any(_holds_yaml(sub) or _deeper_bureaus(sub) for sub in subs):
        return bureaus
    return None  # an empty folder: the loader names the files a data folder needs


def _deeper_bureaus(folder: Path) -> bool:
    """Whether a subfolder of ``folder`` holds a plan.yaml: ``folder`` is a folder of bureaus."""
    return any(_is((sub / "plan.yaml").is_file) for sub in _subfolders(folder))


def loose_yaml(paths: Iterable[Path]) -> list[tuple[Path, list[str]]]:
    """The YAML files lying beside the bureaus in each folder of bureaus, which are not read.

    Hidden ones (.gitlab-ci.yml, .pre-commit-config.yaml) belong to tools and are left out.
    """
    loose = []
    for path in paths:
        if not _bureaus_in(path):
            continue
        try:
            names = sorted(p.name for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml")
                           and not p.name.startswith(".") and _is(p.is_file))
        except OSError:
            continue
        if names:
            loose.append((path, names))
    return loose


def skipped_folders(paths: Iterable[Path], command: str = "build") -> list[tuple[Path, str]]:
    """The subfolders of a folder of bureaus that :func:`find_folders` passes over although
    they hold YAML (a bureau whose plan.yaml is missing or misnamed), each with what to do;
    and a folder whose bureaus lie one level deeper, with the ``command`` that builds them.

    Subfolders without YAML (photos, notes, .git) are not data and are not listed.
    """
    skipped = []
    for path in paths:
        # A data folder holds its YAML itself; only a folder of folders is searched.
        if (bureaus := _bureaus_in(path)) is None:
            continue
        subs = _subfolders(path)
        for sub in subs:
            if _is((sub / "plan.yaml").is_file) is not False:
                continue
            if not _holds_yaml(sub):
                # A region's bureaus unpacked beside the others (bureaus/north/keelung): passed
                # over unnamed, they would be missing from the batch without a word.
                if bureaus and (deeper := _bureaus_in(sub)):
                    skipped.append((sub, _too_deep_reason(path, sub, deeper, command)))
                continue
            named = misnamed(sub, "plan.yaml")
            if named:
                reason = f"沒有 plan.yaml，但有 {'、'.join(named)}；請改名為 plan.yaml"
            else:
                reason = "有 YAML 檔但沒有 plan.yaml，不是完整的資料夾；請補上 plan.yaml，或把此資料夾移出"
            skipped.append((sub, reason))
        if not bureaus and (deeper := [sub for sub in subs if _deeper_bureaus(sub)]):
            skipped.append((path, _deeper_reason(path, deeper, command)))
    return skipped


def _too_deep_reason(path: Path, sub: Path, deeper: list[Path], command: str) -> str:
    """What to do when bureaus lie in ``sub``, one level below the other bureaus of ``path``."""
    names = "、".join(bureau.name for bureau in deeper)
    return (f"其中沒有 plan.yaml，但其子資料夾 {names} 是機關資料夾，比 {path} 中的其他機關深一層，不會讀取；"
            f"請把它們移到 {path} 下，或另外執行 sqdocs {command} {shell_word(str(sub))}"
            f"（要把此資料夾移出 {path} 時，請改指定移到的新位置）")


def _deeper_reason(path: Path, deeper: list[Path], command: str) -> str:
    """What to run when the bureaus of ``path`` are one level down (``nest/north/bureau-01``)."""
    names = "、".join(sub.name for sub in deeper)
    if command in ("validate", "check"):  # they take one folder at a time
        runs = "；".join(f"sqdocs {command} {shell_word(str(sub))}" for sub in deeper)
        return f"其中沒有機關資料夾（含 plan.yaml 的資料夾），但其子資料夾 {names} 中有；請分別執行 {runs}"
    given = command_line([str(sub) for sub in deeper])
    return (f"其中沒有機關資料夾（含 plan.yaml 的資料夾），但其子資料夾 {names} 中有；"
            f"請改為指定這些資料夾：sqdocs {command} {given}（或 {shell_word(str(path))}/*），其餘參數不變")


def output_dirs(folders: list[Path], out: Path) -> list[Path]:
    """Where each folder's documents go: ``out`` itself for one folder, ``out/<folder name>`` for several.

    Two folders of the same name would share a subfolder and the second would replace the
    first's documents. That is refused rather than resolved with invented names, so a
    bureau's documents are always found under its folder's name.
    """
    if len(folders) == 1:
        return [out]
    # The absolute path gives "." and ".." their real names; casefold, since Windows and
    # macOS file systems take 「Keelung」 and 「keelung」 for one folder.
    names = [Path(os.path.abspath(folder)).name for folder in folders]
    first: dict[str, Path] = {}
    for folder, name in zip(folders, names, strict=True):
        other = first.setdefault(name.casefold(), folder)
        if other is not folder:
            raise UserError(
                f"資料夾 {display_name(other)} 與 {display_name(folder)} 同名，文件都會寫入 {out / name}，"
                "後者會覆蓋前者；請將其中一個資料夾改名，或分兩次以不同的 -o 產生。"
            )
    return [out / name for name in names]


def default_target(source: Path, year: int) -> Path:
    """The data folder of ``year`` beside ``source``, named as it is: data/keelung-107 → data/keelung-108
    (rollover's new folder; subplan init --from's example of last year's)."""
    if source.name in ("", ".."):  # `sqdocs rollover .` from inside the folder: beside it, by its name
        source = source.resolve()
    old = re.search(r"\d+(?!.*\d)", source.name)
    name = source.name[: old.start()] + str(year) + source.name[old.end():] if old else f"{source.name}-{year}"
    return source.parent / name


def misnamed(folder: Path, name: str) -> list[str]:
    """The files in ``folder`` that are ``name`` under another case or as .yml (plan.yml, Plan.YAML)."""
    stem = Path(name).stem.lower()
    return sorted(p.name for p in folder.iterdir() if p.stem.lower() == stem and p.suffix.lower() in (".yaml", ".yml"))
