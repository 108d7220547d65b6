"""The markdown parser: pipe tables (separator row dropped, an all-empty header row dropped) and
the lines of a markdown document (HTML comments and invisible elements removed).
"""
from __future__ import annotations

import re

from .cleanup import decode_markup
from .html_tables import COMMENT_RE, INVISIBLE_ELEMENT_RE

PIPE_SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
UNESCAPED_PIPE_RE = re.compile(r"(?<!\\)\|")


def markdown_text_lines(text: str) -> list[str]:
    if "<" in text:
        text = COMMENT_RE.sub("", text)
        text = INVISIBLE_ELEMENT_RE.sub("", text)
    return text.splitlines()


def split_pipe_row(line: str) -> list[str]:
    s = line.strip().removeprefix("|")
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [decode_markup(part.replace("\\|", "|")) for part in UNESCAPED_PIPE_RE.split(s)]


def is_pipe_row(line: str) -> bool:
    """A line of a pipe table written with the leading pipe ("| a | b |")."""
    return line.lstrip().startswith("|")


def is_pipe_separator(line: str) -> bool:
    return "|" in line and "-" in line and PIPE_SEPARATOR_RE.match(line) is not None


def read_pipe_rows(lines: list[str], i: int, has_separator: bool) -> tuple[list[list[str]], int]:
    """The rows of the markdown pipe table starting at ``lines[i]`` (separator row dropped, an
    all-empty header row dropped), and the index after it. ``has_separator``: the table's second
    line is a separator row, so its rows may be written without the leading pipe."""
    n = len(lines)
    rows: list[list[str]] = []
    j = i
    while j < n and "|" in lines[j] and (is_pipe_row(lines[j]) or has_separator):
        if not is_pipe_separator(lines[j]):
            row = split_pipe_row(lines[j])
            header_of_separator = j + 1 < n and is_pipe_separator(lines[j + 1])
            # An all-empty header row is only there because markdown requires a header.
            if not (header_of_separator and not any(row)):
                rows.append(row)
        j += 1
    return rows, j
