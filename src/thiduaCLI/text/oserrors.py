"""Why the operating system refused, in the reader's language.

Python's ``strerror`` is the C library's English ("No such file or directory"); inside a
Vietnamese line it reads as a foreign body. :func:`os_reason` names the usual refusals in the
reader's language and falls back to the system's own words for the rare ones.
"""

from __future__ import annotations

import errno

from thiduaCLI.text.i18n import N_, _

REASONS: dict[int, str] = {
    errno.ENOENT: N_("không có tệp hoặc thư mục này"),
    errno.EACCES: N_("không có quyền truy cập"),
    errno.EPERM: N_("không được phép"),
    errno.EEXIST: N_("tệp đã có"),
    errno.EISDIR: N_("đây là thư mục, không phải tệp"),
    errno.ENOTDIR: N_("một phần của đường dẫn không phải thư mục"),
    errno.ENOSPC: N_("ổ đĩa đầy"),
    errno.EDQUOT: N_("vượt hạn mức dung lượng ổ đĩa"),
    errno.EROFS: N_("ổ đĩa chỉ đọc"),
    errno.ENAMETOOLONG: N_("tên tệp quá dài"),
    errno.ELOOP: N_("liên kết tượng trưng vòng quanh"),
    errno.EIO: N_("lỗi đọc ghi ổ đĩa"),
    errno.EMFILE: N_("mở quá nhiều tệp cùng lúc"),
    errno.ENFILE: N_("mở quá nhiều tệp cùng lúc"),
    errno.ENOTEMPTY: N_("thư mục không rỗng"),
    errno.EXDEV: N_("không chuyển được tệp sang ổ đĩa khác"),
    errno.EPIPE: N_("nơi nhận đầu ra đã đóng"),
    errno.EBUSY: N_("tệp đang được dùng"),
}


def os_reason(error: BaseException) -> str:
    """Why ``error`` happened, for a message in parentheses: the reader's words for the usual
    operating-system refusals, else the system's text, else the error's own."""
    if isinstance(error, OSError):
        if error.errno in REASONS:
            return _(REASONS[error.errno])
        if error.strerror:
            return error.strerror
    if isinstance(error, RuntimeError) and "Symlink loop" in str(error):  # pathlib's own
        return _(REASONS[errno.ELOOP])
    return str(error) or type(error).__name__
