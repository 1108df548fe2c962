"""Import kind for the workload area: case complexity markers (`stabil import FILE`).

Columns: ``case_id``, ``several_children``, ``interpreter_needed`` (ja/nej, yes/no, 1/0). Each row
sets the markers of one existing case of the uploader's units (``ctx.scope``); the LVU marker is read from
the case events, not imported. For a scoped uploader a case of another unit and a case that does not exist
get the same message, so the file tells nothing about other units' cases.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from stabil.cases import selectors as case_selectors
from stabil.common.parsing import id_problem
from stabil.imports.framework import FileKind, ImportContext, ImportResult, Table, register

from .models import CaseComplexity

TRUE = {"ja", "j", "yes", "y", "1", "sant", "true", "x"}
FALSE = {"nej", "n", "no", "0", "falskt", "false", ""}


def _flag(value: str) -> bool | None:
    text = value.strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return None


def import_case_complexity(table: Table, ctx: ImportContext) -> ImportResult:
    ids = {v.strip() for v in table.column("case_id") if v.strip()}
    stored = case_selectors.cases().filter(case_id__in=ids) if len(ids) < 30000 else case_selectors.cases()
    cases = {case_id: pk for case_id, pk, unit_id in stored.values_list("case_id", "pk", "unit_id")
             if ctx.scope.covers_unit(unit_id)}
    missing = (_("ärendet %(case)s finns inte") if ctx.scope.everything
               else _("ärendet %(case)s ligger utanför dina enheter eller finns inte"))
    wanted: dict[int, tuple[bool, bool]] = {}
    for row, values in table.records():
        case_id = values.get("case_id", "").strip()
        if not case_id:
            ctx.errors.add(row, "case_id", _("ärende-id saknas"))
            continue
        if problem := id_problem(case_id):
            ctx.errors.add(row, "case_id", _("ärende-id: %(problem)s") % {"problem": problem})
            continue
        if case_id not in cases:
            ctx.errors.add(row, "case_id", missing % {"case": case_id})
            continue
        ctx.accessed.add(case_id)
        flags = []
        for column in ("several_children", "interpreter_needed"):
            flag = _flag(values.get(column, ""))
            if flag is None:
                ctx.errors.add(row, column, _("'%(value)s' ska vara ja eller nej") % {"value": values.get(column, "")})
            flags.append(flag)
        if None not in flags:
            wanted[cases[case_id]] = (flags[0], flags[1])
    if ctx.errors:
        return ImportResult()
    existing = set(CaseComplexity.objects.filter(case_id__in=list(wanted)).values_list("case_id", flat=True))
    CaseComplexity.objects.filter(case_id__in=[pk for pk, f in wanted.items() if pk in existing and not any(f)]).delete()
    for pk, (several, interpreter) in wanted.items():
        if pk in existing and (several or interpreter):
            CaseComplexity.objects.filter(case_id=pk).update(several_children=several, interpreter_needed=interpreter)
    CaseComplexity.objects.bulk_create([
        CaseComplexity(case_id=pk, several_children=several, interpreter_needed=interpreter)
        for pk, (several, interpreter) in wanted.items() if pk not in existing and (several or interpreter)
    ], batch_size=2000)
    return ImportResult(counts={"ärenden med komplexitet": sum(1 for f in wanted.values() if any(f))})


register(FileKind(
    name="case_complexity",
    label="ärendekomplexitet",
    required=("case_id", "several_children", "interpreter_needed"),
    handler=import_case_complexity,
    capability="workload.configure",
))
