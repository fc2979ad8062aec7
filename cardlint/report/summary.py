"""Counting findings by severity (every reporter's closing line) and the GitHub job summary in Markdown."""
from __future__ import annotations

from dataclasses import dataclass

from ..rule import SEVERITIES
from ..wording import noun, plural, severity_counts
from .escape import markdown as _md


@dataclass
class Summary:
    files: int = 0  # files checked: a Hub card that could not be fetched is not one
    not_fetched: int = 0
    findings: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @classmethod
    def of(cls, results) -> "Summary":
        s = cls()
        for r in results:
            if r.fetch_error:
                s.not_fetched += 1
                continue
            s.files += 1
            counts = severity_counts(r.findings)
            s.findings += len(r.findings)
            s.errors += counts["error"]
            s.warnings += counts["warning"]
            s.infos += counts["info"]
        return s

    def as_dict(self) -> dict:
        return {"files": self.files, "findings": self.findings, "errors": self.errors, "warnings": self.warnings,
                "info": self.infos, "not_fetched": self.not_fetched}


def most_severe_first(results) -> list:
    """Every finding of the results, errors first, then in file and line order."""
    return sorted((f for r in results for f in r.findings), key=lambda f: (SEVERITIES.index(f.severity), f.sort_key()))


# GitHub drops a job summary over 1 MiB and shows nothing; this leaves room for other steps' summaries.
SUMMARY_BUDGET = 512 * 1024
WORST_CARDS = 50


def job_summary(results, budget: int = SUMMARY_BUDGET, sarif: str | None = None) -> str:
    """Totals, the worst cards, then findings (most severe first) while they fit in the budget, and a line
    that says how many were left out and where to find them."""
    s = Summary.of(results)
    out = ["## cardlint", "",
           f"{plural(s.files, 'card')}: **{s.errors}** {noun(s.errors, 'error')}, "
           f"**{s.warnings}** {noun(s.warnings, 'warning')}, {s.infos} info", ""]
    flagged = [(r, c) for r in results if (c := Summary.of([r])).findings]
    flagged.sort(key=lambda rc: (-rc[1].errors, -rc[1].warnings, 101 if rc[0].score is None else rc[0].score))
    worst = flagged[:WORST_CARDS]
    if worst:
        title = "Cards with findings" if len(flagged) <= WORST_CARDS else f"The {WORST_CARDS} cards with the most findings"
        out += [f"### {title}", "", "| card | score | errors | warnings | info |", "| --- | ---: | ---: | ---: | ---: |"]
        for r, c in worst:
            score = "" if r.score is None else f"{r.score:g}"
            out.append(f"| {_md(r.path)} | {score} | {c.errors} | {c.warnings} | {c.infos} |")
    findings = most_severe_first(results)
    if findings:
        out += ["", "### Findings", "", "| severity | location | rule | message |", "| --- | --- | --- | --- |"]
        size = sum(len(line.encode("utf-8")) + 1 for line in out)
        for shown, f in enumerate(findings):
            row = f"| {f.severity} | {_md(f.path)}:{f.line}:{f.column} | {f.code} {f.name} | {_md(f.message)} |"
            size += len(row.encode("utf-8")) + 1
            if size > budget - 400:  # room for the closing line
                where = f"the SARIF file ({_md(sarif)}), " if sarif else ""
                out += ["", f"{plural(len(findings) - shown, 'more finding', thousands=True)} not "
                            f"shown here (GitHub keeps job summaries under 1 MiB): see {where}the annotations, or run "
                            "`cardlint check` locally."]
                break
            out.append(row)
    return "\n".join(out) + "\n"
