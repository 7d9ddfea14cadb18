#!/usr/bin/env python3
"""One docstring style (Google, Markdown), checked and fixed mechanically.

mkdocstrings renders our docstrings as Google-style sections whose text is Markdown. Leftovers of the
reStructuredText/doctest style render badly there: a doctest under ``Example:`` collapses into one line of
prose, ``:class:`X``` shows raw, a ``The tree::`` literal block loses its layout, and a list that follows a line
of text without a blank line runs into the paragraph. This tool finds those patterns and rewrites them:

- ``Example:`` / ``Example::`` + ``>>>`` lines  ->  ``Examples:`` + a fenced ```` ```python ```` block
  (``>>> ``/``... `` prompts and ``# doctest: +SKIP`` dropped, expected output kept as ``# output`` comments);
- bare ``>>>`` runs elsewhere                   ->  a fenced ```` ```python ```` block;
- ``:class:`~a.b.C``` (any Sphinx role)         ->  ```C``` (the full path without ``~``);
- ``Text::`` + indented literal block           ->  ``Text:`` + a fenced block at the text's indent;
- a list item right after a line of text        ->  a blank line first, so Markdown sees a list.

Usage (re-runnable; it only changes what the check flags):

    python3 .ci/docstyle.py --fix      # rewrite docstrings in coze_client/ and providers/ in place
    python3 .ci/docstyle.py            # report what is left (exit 1 if anything), changes nothing

``tests/test_docstyle.py`` runs the check, so a docstring in the old style fails the suite.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("coze_client", "providers")

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|attr|mod|exc|data|obj|const|ref):`(~?)([^`]+)`")
DOCTEST_SKIP = re.compile(r"\s*#\s*doctest:\s*\+\w+.*$")
LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+\S")
PYTHONISH = re.compile(r"(^\s*(>>>|await |async |import |from \w+ import |def |class |\w[\w.]*\s*=[^=]|\w[\w.]*\())")
FENCE = re.compile(r"^\s*(```|~~~)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_prompt(line: str) -> bool:
    s = line.lstrip()
    return s.startswith(">>>")


def _strip_prompt(line: str) -> str:
    s = DOCTEST_SKIP.sub("", line.lstrip())
    for p in (">>> ", "... "):
        if s.startswith(p):
            return s[len(p):]
    if s in (">>>", "..."):
        return ""
    return s


def _doctest_to_fence(block: list[str], indent: int) -> list[str]:
    """Turn doctest lines (prompts, continuations, outputs) into one fenced python block at ``indent``."""
    pad = " " * indent
    out = [pad + "```python"]
    for line in block:
        s = line.strip()
        if not s:
            out.append("")
        elif s.startswith(">>>") or s == "..." or s.startswith("... "):
            code = _strip_prompt(line)
            out.append((pad + code).rstrip())
        else:
            out.append(pad + "# " + s)
    while out and not out[-1].strip():
        out.pop()
    out.append(pad + "```")
    return out


def _literal_language(block: list[str]) -> str:
    text = [b for b in block if b.strip()]
    if any(_is_prompt(b) for b in text):
        return "python"
    if text and text[0].lstrip().startswith(("$ ", "coze-client", "curl ", "pip ", "python -m")):
        return "bash"
    if sum(1 for b in text if PYTHONISH.search(b)) * 2 >= len(text) and text:
        return "python"
    return "text"


# The project's internal notes (never shipped) by section -> the provider's public pages they summarise.
SOURCES = {
    "1": "the Coze API overview", "2.1": "the Coze error-code page", "2.2": "the official SDK's behaviour",
    "2.3": "the official SDK's behaviour", "2.4": "the Coze API overview", "3": "the Coze OAuth pages",
    "4": "the Coze API pages", "5.1": "the Coze chat page", "5.2": "the Coze chat page",
    "5.3": "the Coze conversation pages", "5.4": "the Coze message pages", "5.5": "the Coze workflow run page",
    "5.6": "the Coze knowledge pages", "5.7": "the Coze audio pages", "5.8": "the Coze file upload page",
    "5.9": "the Coze bot, user and workspace pages", "6": "the Coze streaming pages", "6.1": "the Coze chat page",
    "6.2": "the Coze workflow stream page", "6.3": "the Coze chatflow page", "6.4": "the official SDK's stream parser",
    "7": "the Coze realtime pages", "9": "a cozepy 0.20.0 gap",
}
INTERNAL_REF = re.compile(
    r"(?:\(\s*)?(?:reference\s+)?`{0,2}(?:shared/reference/)?coze-api\.md`{0,2}(?:\s*(?P<sec>§\s*[\d.]*\d(?:,\s*§\s*[\d.]*\d)*))?"
    r"|reference\s+(?P<sec2>§\s*[\d.]*\d(?:,\s*§\s*[\d.]*\d)*)")
PROVIDERS_REF = re.compile(r"`{0,2}(?:shared/reference/)?providers-api\.md`{0,2}(?:\s*§\s*(?P<part>[ABC])[\d.]*"
                           r"(?:,\s*§[ABC][\d.]*)*)?")
PLANS_REF = re.compile(r"`{0,2}(?:shared/reference/)?plans\.md(?::[\d,-]+)?`{0,2}")
INTERNAL_NAMES = re.compile(r"shared/reference|coze-api\.md|providers-api\.md|plans\.md|ARCHITECTURE|house plan"
                            r"|reference §|\b[Tt]he lead\b")


def _public_source(match: re.Match[str]) -> str:
    secs = re.findall(r"[\d.]+", match.group("sec") or match.group("sec2") or "")
    names: list[str] = []
    for sec in secs or ["1"]:
        sec = sec.rstrip(".")
        name = SOURCES.get(sec) or SOURCES.get(sec.split(".")[0]) or "the Coze API docs"
        if name not in names:
            names.append(name)
    lead = "(" if match.group(0).startswith("(") else ""
    return lead + "; ".join(names)


def fix_docstring(text: str) -> str:
    """Return the docstring source ``text`` (between the quotes) in the house style."""
    text = INTERNAL_REF.sub(_public_source, text)
    text = PROVIDERS_REF.sub(lambda m: {"A": "the Xingchen API docs", "B": "the GPTBots API docs",
                                        "C": "the Baidu EasyDL API docs"}.get(m.group("part") or "",
                                                                             "the providers' API docs"), text)
    text = PLANS_REF.sub("the providers' pricing pages", text)
    text = re.sub(r"(?<!RFC \d{4} )(?<!HTML )§\s*(\d+(?:\.\d+)*)",
                  lambda m: SOURCES.get(m.group(1)) or SOURCES.get(m.group(1).split(".")[0]) or m.group(0), text)
    lines = text.split("\n")
    tail = ""
    if len(lines) > 1 and not lines[-1].strip():
        tail = lines.pop()  # the indentation before the closing quotes
    out: list[str] = []
    i = 0
    in_fence = False
    in_list = False
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if FENCE.match(line):
            in_fence = not in_fence
            out.append(line)
            i += 1
            continue
        if in_fence:
            out.append(line)
            i += 1
            continue
        line = ROLE.sub(lambda m: "`" + (m.group(2).rsplit(".", 1)[-1] if m.group(1) else m.group(2)) + "`", line)
        stripped = line.strip()
        ind = _indent(line)

        # "Example:" / "Example::" / "Examples:" / "Examples::" followed by an indented block
        if stripped in ("Example:", "Example::", "Examples:", "Examples::"):
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            body_start = j
            while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > ind):
                j += 1
            body = lines[body_start:j]
            while body and not body[-1].strip():
                body.pop()
            trailing_blank = j - body_start - len(body)
            if body and not any(FENCE.match(b) for b in body):
                body_ind = min(_indent(b) for b in body if b.strip())
                if any(_is_prompt(b) for b in body):
                    new_body = _doctest_blocks(body, body_ind)
                else:
                    lang = _literal_language(body)
                    new_body = [" " * body_ind + "```" + lang] + [b.rstrip() for b in body] + [
                        " " * body_ind + "```"]
                out.append(" " * ind + "Examples:")
                out.extend(new_body)
                out.extend([""] * trailing_blank)
                i = j
                in_list = False
                continue
            if stripped != "Examples:":
                out.append(" " * ind + "Examples:")
                i += 1
                continue

        # bare doctest run
        if _is_prompt(line):
            j = i
            while j < len(lines) and lines[j].strip() and _indent(lines[j]) >= ind:
                j += 1
            if out and out[-1].strip():
                out.append("")
            out.extend(_doctest_to_fence(lines[i:j], ind))
            i = j
            in_list = False
            continue

        # "Text::" + blank + indented literal block
        if stripped.endswith("::") and not stripped.startswith(".."):
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and _indent(lines[j]) > ind:
                body_start = j
                while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > ind):
                    j += 1
                body = lines[body_start:j]
                while body and not body[-1].strip():
                    body.pop()
                trailing_blank = j - body_start - len(body)
                body_ind = min(_indent(b) for b in body if b.strip())
                lang = _literal_language(body)
                out.append(line.rstrip()[:-1])  # "Text::" -> "Text:"
                out.append("")
                if lang == "python" and any(_is_prompt(b) for b in body):
                    out.extend(_doctest_to_fence([b[body_ind - ind:] if b.strip() else b for b in body], ind))
                else:
                    out.append(" " * ind + "```" + lang)
                    if lang == "text":  # inline-code marks would show literally in a text block
                        body = [re.sub(r"``([^`]+)``", r"\1", b) for b in body]
                    out.extend((" " * ind + b[body_ind:]).rstrip() if b.strip() else "" for b in body)
                    out.append(" " * ind + "```")
                out.extend([""] * max(trailing_blank, 1 if j < len(lines) - 1 else 0))
                i = j
                in_list = False
                continue
            out.append(line.rstrip()[:-1])
            i += 1
            continue

        # a list right after a paragraph line needs a blank line in Markdown
        m = LIST_ITEM.match(line)
        if m and not in_list:
            prev = out[-1] if out else ""
            if prev.strip() and _indent(prev) == ind and not _is_section_title(prev) and not FENCE.match(prev):
                out.append("")
        if m:
            in_list = True
        elif not stripped:
            in_list = False
        out.append(DOCTEST_SKIP.sub("", line) if "doctest:" in line else line)
        i += 1
    if tail or len(lines) < len(text.split("\n")):
        out.append(tail)
    return "\n".join(out)


SECTION_TITLES = {
    "args", "arguments", "params", "parameters", "keyword args", "keyword arguments", "other parameters",
    "raises", "exceptions", "returns", "return", "yields", "yield", "receives", "examples", "example",
    "attributes", "note", "notes", "warning", "warnings", "see also", "todo", "methods", "functions",
    "classes", "modules", "deprecated",
}


def _is_section_title(line: str) -> bool:
    s = line.strip()
    return s.endswith(":") and s[:-1].lower() in SECTION_TITLES


def _doctest_blocks(body: list[str], body_ind: int) -> list[str]:
    """Fence every doctest run of an example body; prose lines between runs stay prose."""
    out: list[str] = []
    k = 0
    while k < len(body):
        b = body[k]
        if _is_prompt(b):
            j = k
            while j < len(body) and body[j].strip() and not (
                    not _is_prompt(body[j]) and not body[j].lstrip().startswith("...")
                    and j > k and _is_prose(body[j])):
                j += 1
            out.extend(_doctest_to_fence(body[k:j], body_ind))
            k = j
        else:
            out.append(b.rstrip())
            k += 1
    return out


def _is_prose(line: str) -> bool:
    """A line after doctest output that reads as a sentence, not as output."""
    s = line.strip()
    return bool(re.match(r"^[A-Z][a-z]+ [a-z]", s)) and s.endswith((".", ":"))


# The options every resource method takes, described once here and added where a docstring leaves them out.
CALL_OPTIONS = {
    "timeout": "this call's timeout (seconds or ``httpx.Timeout``; default: the client's).",
    "max_retries": "this call's retries (default: the client's).",
    "max_wait": "fail at once with `RateLimitWaitError` when the limiter would wait longer (seconds).",
    "extra_headers": "extra HTTP headers for this call.",
}
# Ids and paging parameters that mean the same thing on every corridor method.
COMMON_PARAMS = {
    "bot_id": "the bot's id.", "conversation_id": "the conversation's id.", "chat_id": "the chat's id.",
    "message_id": "the message's id.", "workflow_id": "the workflow's id.", "execute_id": "the run's id.",
    "workspace_id": "the workspace's id.", "dataset_id": "the knowledge base's id.", "file_id": "the file's id.",
    "app_id": "the app's id.", "connector_id": "the channel (connector) id; default the API channel.",
    "group_id": "the voiceprint group's id.", "feature_id": "the voiceprint's id.", "event_id": "the interrupt's id.",
    "page_num": "the page to fetch, from 1 (iterate the result for every page).",
    "page_size": "items per page (the endpoint's documented range applies).",
    "page_token": "the token of the page to fetch (iterate the result for every page).",
}
SECTION_AFTER_ARGS = re.compile(r"^(Returns|Raises|Yields|Examples|Example|Note|Notes|Warning|Warnings|See Also):\s*$")


def add_call_options(inner: str, params: list[str], body_indent: int) -> str:
    """Add an Args entry for each per-call option or common id in ``params`` that ``inner`` does not describe."""
    if "max_retries" not in params:  # not a call through the corridor (e.g. a wait's own ``timeout``)
        return inner
    known = {**COMMON_PARAMS, **CALL_OPTIONS}
    wanted = [p for p in params if p in known and not re.search(rf"^\s+\*?\*?{p}\s*(\(.*\))?:", inner, re.M)]
    if not wanted:
        return inner
    pad = " " * body_indent
    entries = [f"{pad}    {p}: {known[p]}" for p in wanted]
    lines = inner.split("\n")
    if len(lines) == 1:  # a one-line docstring grows a body
        return "\n".join([lines[0], "", f"{pad}Args:", *entries, pad])
    args_at = next((i for i, line in enumerate(lines)
                    if line.strip() == "Args:" and _indent(line) == body_indent), None)
    if args_at is not None:
        end = args_at + 1
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > body_indent):
            end += 1
        while end > args_at + 1 and not lines[end - 1].strip():
            end -= 1
        lines[end:end] = entries
        return "\n".join(_in_signature_order(lines, args_at, end + len(entries), body_indent + 4, params))
    at = next((i for i, line in enumerate(lines)
               if _indent(line) == body_indent and SECTION_AFTER_ARGS.match(line.strip())), None)
    if at is None:  # at the end, before the closing quotes' indentation
        at = len(lines) - 1 if not lines[-1].strip() else len(lines)
        block = ["", f"{pad}Args:", *entries]
        while at > 0 and not lines[at - 1].strip():
            at -= 1
    else:
        block = [f"{pad}Args:", *entries, ""]
    lines[at:at] = block
    return "\n".join(lines)


OPTIONS_ENTRY = "per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``."


def fold_call_options(inner: str, params: list[str], body_indent: int) -> str:
    """A method taking ``**options`` documents them in one ``**options`` Args entry, not one entry per option.

    (griffe warns about an Args entry that names no parameter of the signature.)
    """
    if "**options" not in params:
        return inner
    lines = inner.split("\n")
    args_at = next((i for i, line in enumerate(lines)
                    if line.strip() == "Args:" and _indent(line) == body_indent), None)
    if args_at is None:
        return inner
    entry_indent = body_indent + 4
    out = lines[:args_at + 1]
    i, folded, has_entry = args_at + 1, False, False
    while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > body_indent):
        line = lines[i]
        name = line.strip().split(":", 1)[0] if _indent(line) == entry_indent else None
        if name == "**options":
            has_entry = True
        if name in CALL_OPTIONS and name not in params:
            folded = True
            i += 1
            while i < len(lines) and lines[i].strip() and _indent(lines[i]) > entry_indent:
                i += 1  # its continuation lines
            continue
        out.append(line)
        i += 1
    if not folded:
        return inner
    if not has_entry:
        end = len(out)
        while end > args_at + 1 and not out[end - 1].strip():
            end -= 1
        out[end:end] = [" " * entry_indent + "**options: " + OPTIONS_ENTRY]
    return "\n".join(out + lines[i:])


def _in_signature_order(lines: list[str], args_at: int, end: int, entry_indent: int, params: list[str]) -> list[str]:
    """The Args entries of ``lines[args_at + 1:end]`` sorted as the signature lists the parameters."""
    entries: list[list[str]] = []
    for line in lines[args_at + 1:end]:
        if line.strip() and _indent(line) == entry_indent:
            entries.append([line])
        elif entries:
            entries[-1].append(line)
        else:
            return lines  # text before the first entry: leave the block alone

    def rank(entry: list[str]) -> int:
        name = entry[0].strip().split(":", 1)[0].split(" ", 1)[0].lstrip("*")
        return params.index(name) if name in params else len(params)

    ordered = sorted(entries, key=rank)
    return [*lines[:args_at + 1], *(line for entry in ordered for line in entry), *lines[end:]]


def docstring_spans(source: str) -> Iterator[tuple[int, int, int, int]]:
    """(start line, start col, end line, end col) of every docstring (and attribute docstring) in ``source``."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for stmt in body:
            if (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)):
                v = stmt.value
                assert v.end_lineno is not None and v.end_col_offset is not None
                yield v.lineno, v.col_offset, v.end_lineno, v.end_col_offset


def _function_params(source: str) -> dict[int, tuple[list[str], int]]:
    """Docstring start line -> (parameter names, body indentation) of every public function."""
    out: dict[int, tuple[list[str], int]] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_") and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
                    first.value.value, str):
                a = node.args
                names = [x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
                if a.kwarg is not None:
                    names.append("**" + a.kwarg.arg)
                out[first.value.lineno] = (names, first.col_offset)
    return out


def fix_source(source: str) -> str:
    lines = source.split("\n")
    spans = sorted(docstring_spans(source), reverse=True)
    functions = _function_params(source)
    for l0, c0, l1, c1 in spans:
        # work on the text between the opening and the closing quotes
        first, last = lines[l0 - 1], lines[l1 - 1]
        segment = "\n".join([first[c0:]] + lines[l0:l1 - 1] + ([last[:c1]] if l1 > l0 else []))
        if l1 == l0:
            segment = first[c0:c1]
        m = re.match(r'^([rRuU]?)("""|\'\'\'|"|\')', segment)
        if not m or not segment.endswith(m.group(2)):
            continue
        q = m.group(2)
        inner = segment[len(m.group(0)):-len(q)]
        fixed = fix_docstring(inner)
        if l0 in functions:
            fixed = fold_call_options(fixed, *functions[l0])
            fixed = add_call_options(fixed, *functions[l0])
        if fixed == inner:
            continue
        new = m.group(0) + fixed + q
        new_lines = (first[:c0] + new + (last[c1:] if l1 > l0 else first[c1:])).split("\n")
        lines[l0 - 1:l1] = new_lines
    return "\n".join(lines)


PROBLEMS = [
    (re.compile(r"doctest:\s*\+"), "doctest directive (examples are fenced code, not doctests)"),
    (ROLE, "Sphinx role (write `Name` in backticks)"),
    (re.compile(r"^\s*>>>"), "doctest prompt (write the example as a ```python fenced block)"),
    (re.compile(r"\S::\s*$"), "reStructuredText literal block `::` (use a fenced block)"),
    (re.compile(r"^\s*Example::?\s*$"), "singular `Example:` (use the Google section `Examples:`)"),
    (INTERNAL_NAMES, "internal file or jargon (cite the provider's public page by name)"),
    (re.compile(r"^\s{4,}\*{0,2}[a-z_]\w*(?:\s*(?:/|,)\s*\*{0,2}[a-z_]\w*)+\s*:\s"),
     "several names in one Args entry (griffe warns; give each parameter its own line)"),
]


def problems(source: str, path: str = "<source>") -> list[str]:
    """Every banned pattern left in the docstrings of ``source``, as ``path:line: what``."""
    found = []
    src_lines = source.split("\n")
    for l0, _c0, l1, _c1 in docstring_spans(source):
        in_fence = False
        for n in range(l0, l1 + 1):
            line = src_lines[n - 1]
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            for rx, what in PROBLEMS:
                if rx.search(line):
                    found.append(f"{path}:{n}: {what}: {line.strip()[:80]}")
    return found


def python_files() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def main(argv: list[str]) -> int:
    fix = "--fix" in argv
    left: list[str] = []
    for path in python_files():
        source = path.read_text(encoding="utf-8")
        if fix:
            fixed = fix_source(source)
            if fixed != source:
                compile(fixed, str(path), "exec")  # never write a file that no longer parses
                path.write_text(fixed, encoding="utf-8")
                print(f"fixed {path.relative_to(ROOT)}")
                source = fixed
        left.extend(problems(source, str(path.relative_to(ROOT))))
    for p in left:
        print(p)
    if left:
        print(f"{len(left)} docstring style problem(s); `python3 .ci/docstyle.py --fix` rewrites most of them")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
