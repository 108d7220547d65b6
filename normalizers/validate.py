"""Validation of one form's records. Every failure is collected (nothing raises) as a FormIssue
with the contract's anomaly codes; the pipeline turns them into anomaly rows."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from extractors.errors import ParseError
from normalizers import DATA_DIR
from normalizers.columns import IndicatorDraft, RowAnomaly
from vocab import LOWER_BOUND_OPERATORS as LOWER_OPS
from vocab import UPPER_BOUND_OPERATORS as UPPER_OPS
from vocab import taxonomy, values
from vocab.labels import compact


@dataclass(frozen=True)
class ValidationRules:
    required_indicator_fields: tuple[str, ...]
    required_form_fields: tuple[str, ...]
    higher_is_better: tuple[str, ...]
    lower_is_better: tuple[str, ...]
    percent_units: frozenset[str]
    money_units: frozenset[str]
    budget_tolerance: float
    required_if_column: frozenset[str]
    weight_totals: tuple[float, ...]
    weight_tolerance: float
    expected_groups: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def validation_rules() -> ValidationRules:
    raw = yaml.safe_load((DATA_DIR / "validation.yaml").read_text(encoding="utf-8"))
    return ValidationRules(
        required_indicator_fields=tuple(raw["required_indicator_fields"]),
        required_form_fields=tuple(raw["required_form_fields"]),
        higher_is_better=tuple(raw["higher_is_better"]),
        lower_is_better=tuple(raw["lower_is_better"]),
        percent_units=frozenset(raw["percent_units"]),
        money_units=frozenset(raw["money_units"]),
        budget_tolerance=float(raw["budget_tolerance"]),
        required_if_column=frozenset(raw["required_if_column"]),
        weight_totals=tuple(float(x) for x in raw["weight_totals"]),
        weight_tolerance=float(raw["weight_tolerance"]),
        expected_groups={k: tuple(v) for k, v in (raw.get("expected_groups") or {}).items()},
    )


_FIELD_NAMES = {"level3": "三级指标", "operator": "指标类型", "value": "指标值", "unit": "计量单位",
                "scoring_rule": "评(扣)分标准", "explanation": "指标解释", "year": "年度"}


def operator_conflict(d: IndicatorDraft) -> str | None:
    """Why the operator contradicts the scoring rule or the indicator's meaning, or None."""
    if d.operator not in UPPER_OPS + LOWER_OPS:
        return None
    direction = values.scoring_rule_direction(d.scoring_rule or "")
    if direction == "≥" and d.operator in UPPER_OPS:
        return f"operator {d.operator} but the scoring rule rewards reaching or exceeding the value"
    if direction == "≤" and d.operator in LOWER_OPS:
        return f"operator {d.operator} but the scoring rule rewards staying under the value"
    if direction is None and d.level3:
        rules = validation_rules()
        name = compact(d.level3)
        if d.operator in UPPER_OPS and any(w in name for w in rules.higher_is_better):
            return f"operator {d.operator} on '{d.level3}', a rate that is better when high"
        if d.operator in LOWER_OPS and any(w in name for w in rules.lower_is_better):
            return f"operator {d.operator} on '{d.level3}', which is better when low"
    return None


def validate_indicators(drafts: list[IndicatorDraft], fund_total: float | None,
                        columns: set[str] | None = None) -> list[list[RowAnomaly]]:
    """Per draft, the anomalies validation finds (in addition to those found while reading the row).
    ``columns``: the fields the form's indicator header names (None: unknown, all are required)."""
    rules = validation_rules()
    # a column is there when the header names it or any row fills it (an OCR-garbled header label)
    required = [f for f in rules.required_indicator_fields
                if columns is None or f not in rules.required_if_column or f in columns
                or any(getattr(d, f) for d in drafts)]
    out: list[list[RowAnomaly]] = []
    seen: dict[tuple[str, str], int] = {}  # (三级指标, target period): a row's long-term and annual targets differ
    for n, d in enumerate(drafts, start=1):
        notes: list[RowAnomaly] = []
        already = {(a.field, a.code) for a in d.anomalies}
        for f in required:
            if getattr(d, f) in (None, "") and (f, "missing_field") not in already:
                notes.append(RowAnomaly(f, "missing_field", "warning", "", "",
                                        f"{_FIELD_NAMES.get(f, f)} is empty in the source"))
        if d.operator not in (None, values.QUALITATIVE) and not d.unit:
            notes.append(RowAnomaly("unit", "missing_field", "warning", "", "",
                                    "计量单位 is empty on a quantitative indicator"))
        why = operator_conflict(d)
        if why:
            notes.append(RowAnomaly("operator", "operator_conflict", "warning", d.operator or "", d.operator or "",
                                    why + "; the record keeps what the form says"))
        if d.value_num is not None:
            if d.value_num < 0:
                notes.append(RowAnomaly("value", "value_out_of_range", "warning", d.value or "", d.value or "",
                                        f"negative value {d.value}"))
            elif (d.unit in rules.percent_units and d.value_num > 100 and d.operator in ("≥", ">", "=")):
                notes.append(RowAnomaly("value", "value_out_of_range", "warning", d.value or "", d.value or "",
                                        f"{d.operator} {d.value}% cannot be reached"))
            if (fund_total is not None and d.level1 == "成本指标" and d.unit in rules.money_units
                    and d.value_num > fund_total + rules.budget_tolerance):
                notes.append(RowAnomaly("value", "budget_mismatch", "warning", d.value or "", "",
                                        f"cost indicator {d.value}万元 exceeds the 年度资金总额 {fund_total:g}万元"))
        if d.level3:
            key = (compact(d.level3), d.target_period)
            if key in seen:
                notes.append(RowAnomaly("level3", "duplicate_indicator", "warning", d.level3, "",
                                        f"'{d.level3}' already appears as indicator {seen[key]} of this form"))
            else:
                seen[key] = n
        out.append(notes)
    return out


def weight_issue(drafts: list[IndicatorDraft]) -> str | None:
    """Why the weights (权重) of a form's indicators are implausible (their sum is neither 100 nor 1),
    or None; a long-term record repeats its row's weight and is not counted."""
    rules = validation_rules()
    weights = [d.weight for d in drafts if d.weight is not None and d.target_period == "annual"]
    if not weights:
        return None
    total = sum(weights)
    if any(abs(total - t) <= rules.weight_tolerance * (t / 100 if t < 100 else 1) for t in rules.weight_totals):
        return None
    return f"the weights (权重) of the indicators sum to {total:g}, not {rules.weight_totals[0]:g}"


def budget_issue(total: float | None, parts: list[float | None]) -> str | None:
    given = [p for p in parts if p is not None]
    if total is None or not given:
        return None
    s = sum(given)
    if abs(total - s) > validation_rules().budget_tolerance:
        return f"年度资金总额 {total:g} differs from the sum of its sources {s:g}"
    return None


def missing_groups(drafts: list[IndicatorDraft], form_kind: str) -> list[str]:
    """The level-1 groups a form of this kind is expected to hold and that none of its indicators
    belongs to (by its 一级指标, or the 一级指标 its 二级指标 belongs to)."""
    present: set[str] = set()
    for d in drafts:
        if d.level1:
            present.add(d.level1)
        if d.level2:
            try:
                present.add(taxonomy.level1_of(d.level2))
            except ParseError:
                pass
    return [g for g in validation_rules().expected_groups.get(form_kind, ()) if g not in present]
