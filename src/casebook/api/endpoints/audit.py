"""Whether the audit trail holds: `casebook audit verify`, for administrators' monitoring."""

from ninja import Router, Schema

from casebook.accounts import roles
from casebook.accounts.access import role_required
from casebook.api.problems import COMMON
from casebook.audit.services import audit_verify

router = Router(tags=["audit"])


class AuditStatus(Schema):
    ok: bool
    checked: int
    problem: str | None
    checkpoint: str | None


@router.get(
    "/audit/verify",
    response={200: AuditStatus, **COMMON},
    summary="Re-check the audit trail's hash chain against its signed checkpoint",
)
@role_required(roles.is_administrator, "Only administrators check the audit trail.")
def audit_status(request):
    report = audit_verify()
    checkpoint = report.checkpoint
    return {
        "ok": report.ok,
        "checked": report.checked,
        "problem": str(report.problem) if report.problem else None,
        "checkpoint": f"{checkpoint.sequence}:{checkpoint.entry_hash}" if checkpoint else None,
    }
