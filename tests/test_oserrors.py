"""What the operating system refused reaches the user in the user's language, never Python's
English ("No such file or directory") inside a Vietnamese line."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from helpers import assert_refused, dump
from thiduaCLI.text.i18n import speaking
from thiduaCLI.text.oserrors import os_reason


@pytest.mark.parametrize(
    ("code", "vietnamese", "english"),
    [
        (errno.ENOENT, "không có tệp hoặc thư mục này", "no such file or folder"),
        (errno.EACCES, "không có quyền truy cập", "permission denied"),
        (errno.ENOSPC, "ổ đĩa đầy", "the disk is full"),
        (errno.EISDIR, "đây là thư mục, không phải tệp", "this is a folder, not a file"),
    ],
)
def test_the_usual_refusals_are_named_in_both_languages(
    code: int, vietnamese: str, english: str
) -> None:
    error = OSError(code, "C library text")
    assert os_reason(error) == vietnamese
    with speaking("en"):
        assert os_reason(error) == english


def test_a_rare_refusal_keeps_the_systems_words() -> None:
    assert os_reason(OSError(errno.ECHILD, "No child processes")) == "No child processes"
    assert os_reason(ValueError("bad zip")) == "bad zip"
    assert os_reason(RuntimeError()) == "RuntimeError"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_importing_a_missing_file_says_why_in_vietnamese(
    ready, db: Path, tmp_path: Path, suffix: str
) -> None:
    before = dump(db)
    missing = tmp_path / f"khong-co{suffix}"
    result = ready("import", str(missing))
    what = "tệp Excel" if suffix == ".xlsx" else "tệp"
    assert_refused(
        result, f"{missing}: không đọc được {what} (không có tệp hoặc thư mục này)", db, before
    )


def test_importing_a_missing_file_says_why_in_english(ready, db: Path, tmp_path: Path) -> None:
    before = dump(db)
    missing = tmp_path / "missing.csv"
    result = ready("--lang", "en", "import", str(missing))
    assert (result.code, result.err) == (
        1,
        f"Error: {missing}: cannot read the file (no such file or folder)\n",
    )
    assert dump(db) == before


def test_a_plan_that_is_a_folder(ready, db: Path, tmp_path: Path) -> None:
    before = dump(db)
    result = ready("init", str(tmp_path))
    assert_refused(
        result,
        f"{tmp_path}: không đọc được tệp kế hoạch (đây là thư mục, không phải tệp)",
        db,
        before,
    )


def test_export_into_a_missing_folder(ready, db: Path, tmp_path: Path) -> None:
    target = tmp_path / "chua-co" / "so-lieu.csv"
    result = ready("export", "-o", str(target))
    assert (result.code, result.out) == (1, "")
    assert result.err == f"Lỗi: {target}: không ghi được (không có tệp hoặc thư mục này)\n"
    assert not target.parent.exists()


def test_forms_under_a_file(ready, db: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "tep"
    a_file.write_text("x")
    result = ready("form", "K01", "--period", "2026-10", "-o", str(a_file / "bieu-mau"))
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"Lỗi: {a_file / 'bieu-mau'}: không tạo được thư mục "
        "(một phần của đường dẫn không phải thư mục)\n"
    )


@pytest.mark.parametrize("code", [errno.EPERM, errno.EOPNOTSUPP])
def test_a_file_system_without_hard_links_still_gets_the_file(
    ready, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """A FAT or exFAT USB stick refuses link(2): the export is copied into place instead,
    still never over a file that exists."""
    import os

    def no_links(source: object, target: object) -> None:
        raise OSError(code, "link refused by this file system")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "usb" / "so-lieu.csv"
    target.parent.mkdir()
    done = ready("export", "-o", str(target))
    assert (done.code, done.err) == (0, "")
    assert target.read_text(encoding="utf-8").startswith("unit,indicator,value,date")
    assert [p.name for p in target.parent.iterdir()] == ["so-lieu.csv"]  # no temporary left
    again = ready("export", "-o", str(target))
    assert (again.code, again.err) == (
        1,
        f"Lỗi: {target}: tệp đã có, chọn tên khác để không ghi đè\n",
    )
