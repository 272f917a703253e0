"""A voucher's life as data (rules-local.md `vouchers`): the firm applies for a service
with a provider; the bureau approves an amount and issues the voucher with an expiry;
the firm signs the contract, the service is done (invoice and report uploaded), the
firm claims redemption, the area's officer or the bureau checks, the bureau pays (兑付).
Or: rejected, expired, cancelled — each with its reason.

The money moves (approve, pay, release) are made by `kechuang.vouchers.services`, which
lock the programme and write the ledger in the same transaction as the move; the guards
below refuse the same moves made any other way."""

from __future__ import annotations

from kechuang.programmes import workflow as wf
from kechuang.programmes.workflow import ENTERPRISE, OFFICER, STAFF, Move, Stage, Workflow
from kechuang.vouchers.models import EVIDENCE_LABELS, PROGRAMME

OPEN = ("issued", "contracted", "delivered")  # issued and not yet claimed: may expire
LIVE = (*OPEN, "claimed", "checked")  # hold committed money


def _voucher(move: Move) -> object:
    from kechuang.vouchers.models import Voucher

    return Voucher.objects.select_related("programme").get(application=move.application)


def _money_moves_through_services(move: Move) -> tuple[bool, str]:
    """Issuing and paying change the ledger: only the services make these moves."""
    if move.to in ("issued", "paid") and move.via != "voucher-ledger":
        return False, "发券和兑付须通过“核定发券”“兑付”办理（同时记入台账）"
    if move.frm in LIVE and move.to in ("expired", "cancelled") and move.via != "voucher-ledger":
        return False, "作废、过期须通过创新券服务办理（同时释放额度）"
    return True, ""


def _evidence(move: Move) -> tuple[bool, str]:
    """The programme's required evidence is uploaded before the step that needs it."""
    need = {"contracted": ("contract",), "delivered": ("invoice", "report")}.get(move.to)
    if not need:
        return True, ""
    v = _voucher(move)
    required = [k for k in need if k in v.programme.evidence]  # type: ignore[attr-defined]
    have = set(v.documents.values_list("kind", flat=True))  # type: ignore[attr-defined]
    missing = [EVIDENCE_LABELS[k] for k in required if k not in have]
    if missing:
        return False, f"请先上传{'、'.join(missing)}"
    return True, ""


def _not_expired(move: Move) -> tuple[bool, str]:
    """A voucher is used (contract, service, claim) on or before its expiry."""
    if move.to not in ("contracted", "delivered", "claimed") or move.frm == "claimed":
        return True, ""
    v = _voucher(move)
    expires = v.expires_on  # type: ignore[attr-defined]
    if expires is not None and move.on > expires:
        return False, f"创新券已于{expires:%Y年%m月%d日}过期，不能再使用或申请兑付"
    return True, ""


WORKFLOW = wf.register(
    Workflow(
        programme=PROGRAMME,
        label="科技创新券",
        stages=(
            Stage("applied", "已申请"),
            Stage("issued", "已发券"),
            Stage("contracted", "已签合同"),
            Stage("delivered", "服务完成"),
            Stage("claimed", "已申请兑付"),
            Stage("checked", "已核验"),
            Stage("paid", "已兑付", final=True),
            Stage("rejected", "未获批", column=False, final=True),
            Stage("expired", "已过期", column=False, final=True),
            Stage("cancelled", "已作废", column=False, final=True),
        ),
        transitions={
            ("applied", "issued"): frozenset({STAFF}),
            ("applied", "rejected"): frozenset({STAFF}),
            ("applied", "cancelled"): frozenset({ENTERPRISE, STAFF}),
            ("issued", "contracted"): frozenset({ENTERPRISE, STAFF}),
            ("contracted", "delivered"): frozenset({ENTERPRISE, STAFF}),
            ("delivered", "claimed"): frozenset({ENTERPRISE, STAFF}),
            ("claimed", "checked"): frozenset({OFFICER, STAFF}),
            ("claimed", "delivered"): frozenset({OFFICER, STAFF}),  # 退回补正
            ("checked", "paid"): frozenset({STAFF}),
            **{(s, "expired"): frozenset({STAFF}) for s in OPEN},
            **{(s, "cancelled"): frozenset({STAFF}) for s in LIVE},
        },
        initial="applied",
        open_roles=frozenset({ENTERPRISE, OFFICER, STAFF}),
        guards=(_money_moves_through_services, _evidence, _not_expired),
    )
)
