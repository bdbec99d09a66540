"""Writing files so a failure never leaves a half-written or clobbered output, and saying
in Chinese why a file could not be written."""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from sqdocs.errors import UserError
from sqdocs.text.names import shell_word, undecoded


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it: done once, at import, before any thread
    os.umask(mask)
    return mask


_UMASK = _umask()
FILE_MODE = 0o666 & ~_UMASK
"""The mode a file sqdocs writes gets, as open() would give it under the user's umask (0644 under
the usual 022): mkstemp's 0600 would close it to colleagues sharing the data and the documents."""
FOLDER_MODE = 0o777 & ~_UMASK
"""The mode of a folder sqdocs makes whole in a temporary place first (rollover's), as mkdir would give it."""

_CHOOSE_ANOTHER = "請用 -o 指定其他位置"
_REASONS: dict[int, str] = {
    errno.ENOSPC: "磁碟空間不足；請清出空間後再執行",
    getattr(errno, "EDQUOT", errno.ENOSPC): "超過磁碟配額；請清出空間後再執行",
    errno.EACCES: f"沒有權限；{_CHOOSE_ANOTHER}，或請管理者開放權限",
    errno.EPERM: f"沒有權限；{_CHOOSE_ANOTHER}，或請管理者開放權限",
    errno.EROFS: f"位於唯讀的檔案系統；{_CHOOSE_ANOTHER}",
    errno.EISDIR: "這是一個資料夾，此處須為檔案；請移走或改名該資料夾",
    errno.ENOTDIR: f"路徑中有一段是檔案而不是資料夾；{_CHOOSE_ANOTHER}",
    errno.EEXIST: f"已有同名的檔案，不是資料夾；{_CHOOSE_ANOTHER}",
    # -o Z:\報告 on a drive not there, a network drive gone: the path is all there is to check
    errno.ENOENT: "找不到此檔案或其所在的資料夾；請確認路徑，以及磁碟機或網路磁碟已連線",
    errno.ENAMETOOLONG: "名稱超過檔案系統的長度上限",
    errno.EIO: "磁碟（或網路磁碟）讀寫錯誤；請檢查磁碟後再執行",
    errno.EBUSY: "檔案正被其他程式使用；請關閉該程式後再執行",
    errno.EMFILE: "同時開啟的檔案過多；請減少 -j 後再執行",
    errno.ENFILE: "同時開啟的檔案過多；請減少 -j 後再執行",
}
_WINDOWS_IN_USE = (5, 32, 33)
"""Windows' ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION: what replacing
or writing a file another program has open ends in (PermissionError, errno EACCES)."""
_OPEN_ELSEWHERE = "檔案可能正由其他程式開啟（如 Word、Excel 或 PDF 閱讀程式）；請關閉該檔案後再執行"

# A file written into the data folder itself (subplan init/update, form import) has no -o to
# send it elsewhere: the folder must be made writable, or copied to where it can be written.
_IN_DATA_FOLDER: dict[int, str] = {
    errno.EACCES: "沒有權限；請管理者開放此資料夾的寫入權限，或把資料夾複製到可寫入的位置後再對該處執行",
    errno.EPERM: "沒有權限；請管理者開放此資料夾的寫入權限，或把資料夾複製到可寫入的位置後再對該處執行",
    errno.EROFS: "位於唯讀的檔案系統；請把資料夾複製到可寫入的位置後再對該處執行",
    errno.ENOTDIR: "路徑中有一段是檔案而不是資料夾；請移走或改名該檔案",
    errno.EEXIST: "已有同名的檔案，不是資料夾；請移走或改名該檔案",
}


NOT_A_FILE = "不是一般檔案（是裝置、具名管線或通訊端）"
MISSING_FILE = "找不到檔案"
"""What :func:`file_problem` says of a path with nothing there: a caller may say that its own way."""


def unreadable_reason(path: Path, exc: OSError, what: str = "檔案") -> str:
    """Why the input ``path`` (a 檔案, or a 資料夾) could not be read, with what to do: the
    data's to fix, unlike :func:`os_error_text`'s output places."""
    if exc.errno == errno.ELOOP:
        return f"是形成迴圈的符號連結（捷徑），指不到任何{what}；請刪除此連結，或換成實際的{what}"
    if isinstance(exc, FileNotFoundError):
        if path.is_symlink():
            return f"是符號連結（捷徑），但指向的「{os.readlink(path)}」不存在；請刪除此連結，或換成實際的{what}"
        return MISSING_FILE if what == "檔案" else f"找不到{what}"
    if isinstance(exc, IsADirectoryError):
        return "是資料夾，不是檔案；請改名或移走"
    if isinstance(exc, PermissionError):
        return f"沒有讀取權限；請確認{what}權限"
    if exc.strerror == NOT_A_FILE:
        return f"{NOT_A_FILE}，讀不出資料；請換成實際的{what}"
    if exc.errno == errno.ENAMETOOLONG:
        return "名稱超過檔案系統的長度上限；請縮短檔名或資料夾名稱"
    if exc.errno == errno.EIO:
        return "磁碟（或網路磁碟）讀取錯誤；請檢查磁碟後再執行"
    return f"無法讀取{what}（系統訊息：{exc.strerror or exc}）"


def rename_advice(path: Path, right: str, ask: str = "請改名為", why: str = "") -> str:
    """「請改名為 ``right``」 and ``why``; or, when a file of that name is already beside ``path``,
    that the two are to be compared and one kept: a rename would replace the other (mv) or fail
    (Windows)."""
    if os.path.lexists(path.parent / right):
        return (f"同一資料夾已有 {right}：兩份可能是同一個檔案的新舊版本，請比對內容，留下要用的那份"
                f"（檔名須為 {right}），刪除另一份；直接改名會蓋掉 {right}")
    return f"{ask} {right}{why}"


def legacy_reading(name: str) -> str | None:
    """The Big5 (CP950) reading of a file name that is not UTF-8; None for a UTF-8 name, or one
    Big5 cannot read either.

    Windows zips name their files in the system's code page; unzipped on Linux or macOS, the
    bytes stay as they were."""
    if not undecoded(name):
        return None
    try:
        return os.fsencode(name).decode("cp950")
    except UnicodeError:
        return None


def readable_name(name: str) -> str:
    """``name`` for a text that is written to a file (UTF-8 cannot hold bytes that are not
    UTF-8): a Big5 name as Big5 reads it, other such bytes as 「�」."""
    if not undecoded(name):
        return name
    return legacy_reading(name) or os.fsencode(name).decode("utf-8", "replace")


def big5_spelling(name: str) -> str | None:
    """``name`` as a Windows zip leaves it unzipped here (Big5 bytes); None when that is the name
    itself (ASCII) or Big5 has no such characters."""
    try:
        spelt = os.fsdecode(name.encode("cp950"))
    except UnicodeError:
        return None
    return spelt if spelt != name else None


def not_utf8_name(name: str, folder: Path, beside: Path | None = None) -> str | None:
    """What to say of a file ``name`` in the data folder ``folder`` that is not UTF-8, and how to
    rename it; None for a UTF-8 name. ``beside``: the folder the file is in, when a file of its
    Big5 reading there would stop the rename."""
    if not undecoded(name):
        return None
    reading = legacy_reading(name)
    if reading is None:  # convmv -f cp950 would turn it into 「�」: only the clerk knows its name
        return "檔名不是 UTF-8 編碼，也不是 Big5，讀不出原來的名稱；請依檔案內容把它改名（單位的檔案以單位名稱為檔名，如 第一分局.yaml）"
    if beside is not None and os.path.lexists(beside / reading):  # convmv skips it, and says it converted
        return (f"檔名不是 UTF-8 編碼（以 Big5 讀是「{reading}」），而同一資料夾已有 UTF-8 的 {reading}：兩份是同一個檔案的"
                f"新舊版本，請比對內容，留下要用的那份，刪除另一份（改名無法覆蓋已有的檔案）")
    renamed = ""
    if undecoded(folder.name) and (folder_reading := legacy_reading(folder.name)) is not None:
        renamed = f"（資料夾本身也會改名為「{folder_reading}」）"
    # Debian's and macOS's unzip have no -O: Python's own zipfile (3.11) reads the names as Big5.
    return (f"檔名不是 UTF-8 編碼（以 Big5 讀是「{reading}」），多半是在 Windows 壓縮的 zip 在此解壓所致；"
            f"請執行 convmv -f cp950 -t utf-8 -r --notest {shell_word(display_name(folder))} 把其中的檔名都改為 UTF-8"
            f"{renamed}，或以 python3 -m zipfile --metadata-encoding cp950 -e 原檔.zip 資料夾 重新解壓")


def not_utf8_file(path: Path) -> str | None:
    """:func:`not_utf8_name` of a unit's file, ``path`` in a folder of the data folder
    (subplans/, results/)."""
    return not_utf8_name(path.name, path.parent.parent, path.parent)


def file_problem(path: Path) -> str | None:
    """Why the input ``path`` is no regular file that can be read (missing, a folder, a pipe, a
    name too long, no permission), as :func:`unreadable_reason` says it; None when it is one."""
    try:
        kind = stat.S_IFMT(path.stat().st_mode)
    except OSError as exc:
        return unreadable_reason(path, exc)
    if kind == stat.S_IFDIR:
        return unreadable_reason(path, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
    if kind != stat.S_IFREG:
        return unreadable_reason(path, OSError(errno.ENODEV, NOT_A_FILE))
    if not os.access(path, os.R_OK):
        return unreadable_reason(path, PermissionError(errno.EACCES, os.strerror(errno.EACCES)))
    return None


def os_error_text(
    exc: OSError, path: Path | str | None = None, action: str = "寫入或讀取", *, data_folder: bool = False
) -> str:
    """「無法寫入 <file>：<why, what to do>」 for a failed file operation.

    The file is the one the error names, else ``path``; the reason is the operating
    system's own (English) words only when there is no translation for it. ``data_folder``:
    the file goes into the data folder, which no ``-o`` can move, and the advice says so.
    """
    where = exc.filename if exc.filename is not None else (path if path is not None else "")
    reasons = _REASONS | _IN_DATA_FOLDER if data_folder else _REASONS
    reason = reasons.get(exc.errno) if exc.errno is not None else None
    if getattr(exc, "winerror", None) in _WINDOWS_IN_USE:
        # Windows refuses to replace a file another program holds open: last year's PDF left
        # open in Acrobat, the plan in Word. 「沒有權限」 sent the clerk to an administrator.
        reason = _OPEN_ELSEWHERE + (f"。若沒有開啟，則是{reason}" if reason else "")
    link = _broken_link(where) if exc.errno in (errno.EEXIST, errno.ENOTDIR, errno.ELOOP, errno.ENOENT) else None
    if link is not None:
        # mkdir on a link to nowhere says 「exists」: the link, not a file, is what is in the way
        this = "這" if link == Path(os.fsdecode(where)) else f"{link} "
        then = "請移走或改正此連結" if data_folder else f"請移走或改正此連結，或{_CHOOSE_ANOTHER[1:]}"
        reason = f"{this}是符號連結（捷徑），指向的位置不存在或連結形成迴圈；{then}"
    return f"無法{action} {os.fsdecode(where)}：{reason or exc.strerror or exc}"


def _broken_link(where: Path | str | bytes) -> Path | None:
    """``where`` or the folder above it that is a symbolic link leading nowhere, if one is."""
    if not where:
        return None
    path = Path(os.fsdecode(where))
    return next((p for p in (path, *path.parents) if p.is_symlink() and not p.exists()), None)


@contextlib.contextmanager
def writing(*, data_folder: bool = False) -> Iterator[None]:
    """Turn an OSError from the writes inside into a UserError: 「無法寫入 <file>：<why, what to do>」.

    A read-only, full or forbidden place to write is a problem with where the user asked for
    the output (exit code 2), not a failure of the program; ``data_folder`` as for os_error_text.
    """
    try:
        yield
    except ReadOnlyFile as exc:
        if not data_folder:
            raise
        raise UserError(exc.text(another_place=False)) from None
    except OSError as exc:
        if exc.errno is None:
            raise
        raise UserError(os_error_text(exc, action="寫入", data_folder=data_folder)) from None


def check_targets(paths: Iterable[Path]) -> list[Path]:
    """Make the folders ``paths`` go into and check that each file can be written there, before
    any is: UserError naming the first that cannot. Returns the folders made, parents first.

    Caught here, a mistake in where the output goes (``-o`` naming a file, a folder in the
    place of an output file, a read-only or full disk) stops the command before it has
    written part of a set, and the folders made for it are removed again.
    """
    paths = list(paths)
    made: list[Path] = []  # parents before their children
    try:
        for folder in dict.fromkeys(path.parent for path in paths):
            try:
                missing = list(itertools.takewhile(lambda f: not os.path.lexists(f), (folder, *folder.parents)))
                made += reversed(missing)
                folder.mkdir(parents=True, exist_ok=True)
                # A file actually made, not os.access: that cannot see a read-only file system
                # when run as root, nor a disk with no room left for a file.
                fd, probe = tempfile.mkstemp(dir=folder, prefix=".sqdocs-probe.")
                os.close(fd)
                os.unlink(probe)
            except OSError as exc:
                raise UserError(os_error_text(naming(exc, folder), action="寫入")) from None
        for path in paths:
            if path.is_dir():
                raise UserError(os_error_text(IsADirectoryError(errno.EISDIR, "Is a directory", os.fspath(path)), action="寫入"))
    except UserError:
        # A refused command leaves the output as it found it: no empty OUT/<bureau> beside the
        # one that could not be written.
        remove_empty(made)
        raise
    return made


def remove_empty(made: list[Path]) -> None:
    """Remove those of the folders ``made`` (parents first) that are empty: rmdir takes only
    an empty one, so whatever was written into them stays."""
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """What identifies the file at ``path`` now (None: there is none), to tell later whether it
    was replaced or edited: its inode, modification time and size."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place; False when
    ``path`` already held ``data`` and was left as it was.

    A file that already holds ``data`` is left alone (its date, its links, whoever has it
    open), so a rebuild does not wake backups and file watchers for nothing; one made
    read-only is refused (UserError), as Word refuses to save over it. An OSError names
    ``path`` (or the folder that could not be made), never the temporary file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if _holds(path, data):
            return False
        _write_and_rename(path, data)
        return True
    except OSError as exc:
        if exc.errno is None:
            raise
        raise naming(exc, path) from exc


def write_all(files: Mapping[Path, bytes]) -> None:
    """Write a set of files so that a failure (a full disk, a file held open or locked) changes
    none of them.

    Each is written in full to a temporary file beside it first; only when every one is
    written are they moved into place, each previous file kept aside until all have moved and
    put back if one cannot be. An OSError names the file meant, and leaves no temporary file.
    As :func:`write_atomic`, files already holding their bytes are left alone, and a read-only
    one that would change is refused (:class:`ReadOnlyFile`) before any is written.
    """
    files = {path: data for path, data in files.items() if not _holds(path, data)}
    done: dict[Path, str] = {}
    moved: list[tuple[Path, str | None]] = []  # (file now in place, its previous version set aside)
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                done[path] = _write_temp(path, data)
            except OSError as exc:
                raise naming(exc, path) from exc
        for path, tmp in list(done.items()):
            aside = None
            try:
                if path.exists():
                    aside = f"{tmp}.previous"
                    os.replace(path, aside)
                os.replace(tmp, path)
            except BaseException as exc:  # a failed move, or Ctrl-C / SIGTERM between two
                if aside is not None and not path.exists():
                    with contextlib.suppress(OSError):
                        os.replace(aside, path)
                _put_back(moved)
                moved.clear()
                if isinstance(exc, OSError):
                    raise naming(exc, path) from exc
                raise
            del done[path]
            moved.append((path, aside))
        for _path, aside in moved:
            if aside is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(aside)
    finally:
        for tmp in done.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def _put_back(moved: list[tuple[Path, str | None]]) -> None:
    """Undo the moves of :func:`write_all`, last first: each file as it was before."""
    for path, aside in reversed(moved):
        with contextlib.suppress(OSError):
            if aside is None:
                os.unlink(path)
            else:
                os.replace(aside, path)


def naming(exc: OSError, path: Path) -> OSError:
    """``exc`` naming ``path``, the file or folder meant, rather than a temporary one: its name
    means nothing to the user, and a full disk's write error names no file at all. Windows' own
    error number (``winerror``: the file open in another program) is kept."""
    if exc.errno is None:
        return exc
    named = OSError(exc.errno, exc.strerror, os.fspath(path))
    if (winerror := getattr(exc, "winerror", None)) is not None:
        with contextlib.suppress(AttributeError):
            named.winerror = winerror
    return named


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a file holding exactly ``data``; UserError when it is a different
    file its owner made read-only (the approved version of a document, say)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return False
        if st.st_size == len(data) and path.read_bytes() == data:
            return True
    except OSError:
        return False  # not there, or unreadable: writing it says what is wrong
    if not st.st_mode & 0o222:
        raise ReadOnlyFile(path)
    return False


class ReadOnlyFile(UserError):
    """A file its owner made read-only, not replaced. Outside the data folder another place can
    be chosen with -o; in it (a form import, a subplan update) no -o can move the file."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(self.text(another_place=True))

    def text(self, *, another_place: bool) -> str:
        return (f"無法寫入 {self.path}：此檔案設為唯讀（可能是已定稿的版本），未覆寫；要更新請先取消唯讀"
                + ("，或用 -o 指定其他位置" if another_place else ""))


def _write_and_rename(path: Path, data: bytes) -> None:
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _temp_head(path: Path) -> str:
    # The temporary name adds 14 bytes to the file's: cut, so a name near the file
    # system's 255-byte limit can still be written.
    if undecoded(path.name):  # a name a Windows zip left in Big5: its own bytes, cut alike
        return os.fsdecode(os.fsencode(path.name)[:100])
    return path.name.encode("utf-8")[:100].decode("utf-8", "ignore")


# What _write_temp names a file: mkstemp's prefix and suffix around its 8 random characters.
_TEMP_NAME = re.compile(r"\.(?P<head>.*)\.[a-z0-9_]{8}\.tmp", re.DOTALL)

STALE_AFTER = 30.0
"""Seconds unchanged after which a temporary file is taken for one left by a killed process:
one being written now (by another build into the same folder) is never that old."""


def remove_stale_temps(paths: Iterable[Path]) -> None:
    """Remove the temporary files :func:`write_atomic` left beside ``paths`` when its process
    was killed midway (kill -9, the OOM killer, a power cut): hidden, they would stay forever.

    Only files named as write_atomic names the temporary files of exactly these paths, and
    not changed for :data:`STALE_AFTER` seconds, are removed; nothing else is touched.
    """
    now = time.time()
    _remove_temps(paths, lambda mtime: now - mtime > STALE_AFTER)


def remove_temps_since(paths: Iterable[Path], since: float) -> None:
    """Remove the temporary files of ``paths`` written since ``since`` (time.time()): what a
    worker process known to have been killed while building them left behind."""
    _remove_temps(paths, lambda mtime: mtime >= since)


def _remove_temps(paths: Iterable[Path], left_behind: Callable[[float], bool]) -> None:
    heads: dict[Path, set[str]] = {}
    for path in paths:
        heads.setdefault(path.parent, set()).add(_temp_head(path))
    for folder, names in heads.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:  # not there yet: nothing left in it
            continue
        for entry in entries:
            match = _TEMP_NAME.fullmatch(entry.name)
            if not match or match["head"] not in names:
                continue
            with contextlib.suppress(OSError):  # gone meanwhile, or not ours to remove: leave it
                if entry.is_file(follow_symlinks=False) and left_behind(entry.stat(follow_symlinks=False).st_mtime):
                    os.unlink(entry.path)


def _write_temp(path: Path, data: bytes) -> str:
    """A complete copy of ``data`` in a new temporary file beside ``path``; its name."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{_temp_head(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, FILE_MODE)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def backup_path(path: Path) -> Path:
    """The next free numbered backup beside ``path``: 第一分局.yaml.bak.1, .bak.2, …"""
    n = 1
    while (candidate := path.with_name(f"{path.name}.bak.{n}")).exists():
        n += 1
    return candidate


def replace_keeping_backup(path: Path, old: bytes, new: bytes) -> Path:
    """Keep ``old`` as the next numbered backup of ``path``, then write ``new`` there; returns the backup.

    A UserError naming the file when either cannot be written; the backup is then removed
    again, so a failed write leaves the folder as it was. A UserError too, and nothing
    written, when ``path`` no longer holds ``old``: saved meanwhile (an editor, a colleague on
    the shared drive), its new text would be in no backup and lost.
    """
    try:
        now = path.read_bytes()
    except OSError:
        now = None
    if now != old:
        raise UserError(f"{path} 在讀取後又被修改（可能是編輯器剛存檔）；為免蓋掉這些修改，未寫入任何檔案，請確認該檔後再執行一次")
    backup = backup_path(path)
    with writing(data_folder=True):
        write_atomic(backup, old)
        try:
            write_atomic(path, new)
        except BaseException:
            backup.unlink(missing_ok=True)
            raise
    return backup


def display_name(path: Path) -> str:
    """The path as a user would type it: relative to the working folder when possible.

    Only the folder is resolved: a symbolic link is named as itself, not as what it points to
    (which may not exist, or be the link itself). A name that starts with 「-」 is given as
    ./-name: as typed, a command would take it for an option.
    """
    try:
        name = str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a folder that is a symlink loop
        name = str(path)
    return f"./{name}" if name.startswith("-") else name
