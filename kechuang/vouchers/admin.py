"""The admin: provider users are linked here (a helper acting for a provider); the
books, programmes and vouchers are read-only (money moves only through the services,
which lock, check and write the ledger)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kechuang.core.admin_audit import AuditedAdmin
from kechuang.vouchers.models import LedgerEntry, ProviderMember, Voucher, VoucherProgramme


@admin.register(ProviderMember)
class ProviderMemberAdmin(AuditedAdmin):
    list_display = ("user", "provider")
    search_fields = ("user__username", "provider__name")
    raw_id_fields = ("user",)


class ReadOnly(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(VoucherProgramme)
class VoucherProgrammeAdmin(ReadOnly):
    list_display = ("name", "year", "budget_yuan", "available_yuan", "committed_yuan", "paid_yuan")


@admin.register(Voucher)
class VoucherAdmin(ReadOnly):
    list_display = ("code", "enterprise", "provider", "approved_yuan", "paid_yuan", "expires_on")
    search_fields = ("code", "enterprise__name")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ("on", "kind", "programme", "voucher", "d_available", "d_committed", "d_paid")
    list_filter = ("kind", "programme")
