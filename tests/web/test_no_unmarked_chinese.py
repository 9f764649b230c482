"""No user-facing Chinese literal escapes translation: the English pages can only be complete if
every message the code raises or shows goes through gettext.

Python (`app/**/*.py`, parsed with `ast`):
- every string with a Chinese character inside a `raise` expression, or given to a refusal
  (`OperationError`, `NotFound`, `RuleViolation`, `ToleranceRefused`, `FieldError`, …) wherever
  it is built, must be the argument of `N_()`, `_()`, `_l()` or `gettext()`;
- a Chinese f-string there is always wrong: the template would be formatted before it is
  translated (write a `%(name)s` template and pass `params`);
- the values of a dict of display names (every value a Chinese string: state names, kinds,
  reasons, messages by code …) must all be marked, so pages can translate what they render;
- so must a module-level Chinese string constant (a message or note kept under a name), except
  the ones in `DATA_CONSTANTS`, which are data, not text.

Templates (`templates/**/*.html`): Chinese text, and Chinese punctuation (（）：；、, which an
English page would show as is), only inside `_()` or a `{% trans %}` block.

Not scanned, on purpose:
- `templates/documents/` and the code that fills them (`app/documents/pdf.py`,
  `app/operations/documents.py`): official documents are legal instruments issued in Chinese;
- `app/seed.py`: demo data (names, addresses, registry records), not interface text;
- `app/cli.py`: operator console output, not served in a visitor's language;
- docstrings and comments, which no visitor reads.
"""
from __future__ import annotations

import ast
import re

from tests.conftest import repo_root

ROOT = repo_root()
CJK = re.compile(r"[\u4e00-\u9fff]")
CJK_OR_PUNCTUATION = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
MARKERS = {"_", "N_", "_l", "gettext", "lazy_gettext", "ngettext"}
REFUSALS = re.compile(r"(Error|Refused|Refusal|Violation|NotFound|InvalidInput)$")
EXCLUDED = {"app/seed.py", "app/cli.py", "app/documents/pdf.py", "app/operations/documents.py"}
# Module-level Chinese strings that are data: the province abbreviations a plate begins with, and
# the names of the laws the written documents cite (printed only in the Chinese legal documents).
DATA_CONSTANTS = {("app/domain/identifiers.py", "_PROVINCE_ABBREVIATIONS"),
                  ("app/domain/catalogue/documents.py", "LICENSING_LAW"),
                  ("app/domain/catalogue/documents.py", "CRIMINAL_RECORD_RULE_NAME"),
                  ("app/domain/catalogue/documents.py", "TOLERANCE_RULE"),
                  ("app/domain/catalogue/remedies.py", "RECONSIDERATION_LAW"),
                  ("app/domain/catalogue/remedies.py", "LITIGATION_LAW"),
                  # public_request (警民直通车): the local measures its answer cites.
                  ("app/domain/catalogue/public_request.py", "BASIS"),
                  ("app/domain/catalogue/credit_repair.py", "SEED_RULE"),
                  ("app/domain/catalogue/credit_repair.py", "REPAIR_RULE"),
                  ("app/domain/catalogue/foreigner_accommodation.py", "LAW"),
                  ("app/domain/catalogue/residence_permit.py", "REGULATION")}
# Chinese that is meant to stay Chinese on every page: the brand mark and the language button.
TEMPLATE_WHITELIST = {
    ("templates/base.html", '<span class="brand-mark" aria-hidden="true">警</span>'),
    ("templates/base.html", '<button type="submit" name="lang" value="zh" lang="zh-CN">中文</button>'),
}


def _name(node: ast.AST) -> str | None:
    return getattr(node, "id", None) or getattr(node, "attr", None)


def _has_cjk(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(CJK.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_has_cjk(value) for value in node.values)
    return False


def python_offenders(source: str, filename: str) -> list[str]:
    """file:line of each unmarked Chinese literal in a raise, a refusal or a display-name dict."""
    tree = ast.parse(source, filename)
    parents: dict[int, ast.AST] = {}
    marked: set[int] = set()
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
        if isinstance(node, ast.Call) and _name(node.func) in MARKERS:
            marked.update(id(sub) for arg in node.args for sub in ast.walk(arg))

    def is_fstring_part(node: ast.AST) -> bool:
        return isinstance(parents.get(id(node)), ast.JoinedStr)

    found: set[tuple[int, str]] = set()

    def check(root: ast.AST) -> None:
        for sub in ast.walk(root):
            if isinstance(sub, ast.JoinedStr) and _has_cjk(sub):
                found.add((sub.lineno, "f-string: use a %(name)s template and params"))
            elif (isinstance(sub, ast.Constant) and _has_cjk(sub) and id(sub) not in marked
                  and not is_fstring_part(sub)):
                found.add((sub.lineno, f"unmarked {sub.value[:40]!r}"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            check(node.exc)
        elif isinstance(node, ast.Call) and REFUSALS.search(_name(node.func) or ""):
            for arg in [*node.args, *(keyword.value for keyword in node.keywords)]:
                check(arg)
        elif isinstance(node, ast.Dict) and len(node.values) >= 2 and all(
            isinstance(value, ast.Constant | ast.Call) for value in node.values
        ):
            texts = [v for v in node.values if isinstance(v, ast.Constant)]
            if texts and all(_has_cjk(v) for v in texts) and all(
                isinstance(v, ast.Constant) or _name(v.func) in MARKERS for v in node.values
            ):
                for value in texts:
                    if id(value) not in marked:
                        found.add((value.lineno, f"display name {value.value[:40]!r} not marked"))
    for node in tree.body:
        if (isinstance(node, ast.Assign) and _has_cjk(node.value) and isinstance(node.value, ast.Constant)
                and not any((filename, getattr(target, "id", None)) in DATA_CONSTANTS for target in node.targets)):
            found.add((node.value.lineno, f"constant {node.value.value[:40]!r} not marked"))
    return [f"{filename}:{line}: {what}" for line, what in sorted(found)]


def test_every_raise_refusal_and_display_name_is_marked():
    offenders = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative not in EXCLUDED:
            offenders += python_offenders(path.read_text(encoding="utf-8"), relative)
    assert not offenders, f"{len(offenders)} unmarked Chinese literal(s):\n" + "\n".join(offenders)


TRANSLATED = [
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", re.S),
    re.compile(r"""\b(?:_|gettext|ngettext)\(\s*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""", re.S),
]


def template_offenders(source: str, filename: str) -> list[str]:
    blanked = source
    for pattern in TRANSLATED:
        blanked = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), blanked)
    lines = source.splitlines()
    return [f"{filename}:{number}: {lines[number - 1].strip()[:80]}"
            for number, line in enumerate(blanked.splitlines(), 1)
            if CJK_OR_PUNCTUATION.search(line) and (filename, lines[number - 1].strip()) not in TEMPLATE_WHITELIST]


def test_every_template_text_is_marked():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith("templates/documents/"):
            offenders += template_offenders(path.read_text(encoding="utf-8"), relative)
    assert not offenders, "Chinese outside _() / {% trans %}:\n" + "\n".join(offenders)


# ----- the scanner itself can fail ---------------------------------------------------------------


def test_the_scanner_finds_unmarked_raises_fstrings_refusals_and_names():
    source = '''
from app.domain.text import N_
def f(n):
    raise OperationError("x", "未找到。")
def g(n):
    raise OperationError("x", f"还剩{n}天")
def h(n):
    return RuleViolation("x", "请填写。", "field")
NAMES = {"a": "甲", "b": "乙"}
def ok(n):
    raise OperationError("x", N_("还剩%(n)s天"), params={"n": n})
OK_NAMES = {"a": N_("甲"), "b": N_("乙")}
MIXED = {"a": "甲", "b": "b"}
NOTE = "本证明3个月内有效。"
OK_NOTE = N_("本证明3个月内有效。")
'''
    offenders = python_offenders(source, "m.py")
    assert [line.split(":")[1] for line in offenders] == ["4", "6", "8", "9", "9", "14"], offenders
    assert "f-string" in offenders[1]


def test_the_template_scanner_finds_bare_chinese_only():
    source = ('<p>{{ _("已提交") }}</p>\n<p>未翻译</p>\n{% trans %}翻译{% endtrans %}\n{# 注释 #}\n'
              '<dd>{{ a }}（{{ b }}）</dd>\n<dd>{{ a }}{{ _("（") }}{{ b }}{{ _("）") }}</dd>')
    assert template_offenders(source, "t.html") == ["t.html:2: <p>未翻译</p>", "t.html:5: <dd>{{ a }}（{{ b }}）</dd>"]


def test_excluded_files_exist():
    """The exclusions name real files (a rename must not silently widen them)."""
    assert all((ROOT / relative).is_file() for relative in EXCLUDED | {f for f, _ in DATA_CONSTANTS})
