"""Findings and the report the verifier returns."""

from __future__ import annotations

from dataclasses import dataclass

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One broken rule: which, how bad, where (`steps[3].path[5]`), what, and how to fix it."""

    rule: str
    severity: str  # error | warning
    where: str
    message: str
    hint: str

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "where": self.where,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """Everything the verifier found in one routine (ok when no finding is an error)."""

    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when nothing is an error (warnings do not stop a routine)."""
        return not any(f.severity == "error" for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "findings": [f.to_dict() for f in self.findings]}


def error(rule: str, where: str, message: str, hint: str) -> Finding:
    return Finding(rule=rule, severity="error", where=where, message=message, hint=hint)


def warning(rule: str, where: str, message: str, hint: str) -> Finding:
    return Finding(rule=rule, severity="warning", where=where, message=message, hint=hint)
