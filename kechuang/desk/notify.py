"""Notifications: a `Notice` row per assignment, escalation, 交办 and confirmation asked,
read on the desk's pages; and the daily digest, one e-mail per user with their unsent
notices and their due and overdue work, when e-mail is configured (Django's e-mail
settings: `EMAIL_HOST`, or another `EMAIL_BACKEND`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from kechuang.desk.models import Notice

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def notice(user: Any, kind: str, text: str, url: str = "", key: str = "") -> None:
    """Tell `user` (nobody when None); `key` keeps one notice per event."""
    if user is None or not getattr(user, "is_active", False):
        return
    try:
        with transaction.atomic():
            Notice.objects.create(user=user, kind=kind, text=text[:300], url=url[:200], key=key)
    except IntegrityError:
        pass  # already told


def notices_to(users: Iterable[Any], kind: str, text: str, url: str = "", key: str = "") -> None:
    for user in users:
        notice(user, kind, text, url, key)


def email_configured() -> bool:
    """E-mail goes out when the instance has an SMTP host, or another backend (a file,
    the console, tests' memory)."""
    backend = getattr(settings, "EMAIL_BACKEND", SMTP)
    host = getattr(settings, "EMAIL_HOST", "localhost")
    return backend != SMTP or bool(host and host != "localhost")


@dataclass
class Digest:
    user: Any
    notices: list[Notice] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # open work: due soon and overdue

    def body(self, day: dt.date, site: str) -> str:
        parts = [f"{self.user}，您好：", "", f"科创云科技服务 {day:%Y年%m月%d日} 待办摘要。", ""]
        if self.notices:
            parts.append("新通知：")
            parts += [f"  · {n.text}" + (f"  {site}{n.url}" if n.url else "") for n in self.notices]
            parts.append("")
        if self.lines:
            parts.append("待办事项（即将到期与逾期）：")
            parts += [f"  · {line}" for line in self.lines]
            parts.append("")
        parts.append(f"请登录 {site}/todo/ 办理。本邮件每日一封，由系统自动发送。")
        return "\n".join(parts)


def digest_send(digests: list[Digest], day: dt.date, *, dry_run: bool = False) -> int:
    """Send one e-mail per user with something to say and an address; mark the notices
    sent. The number of e-mails sent (0 when e-mail is not configured)."""
    if dry_run or not email_configured():
        return 0
    site = getattr(settings, "KECHUANG_SITE_URL", "") or ""
    sent = 0
    for d in digests:
        if not d.user.email or not (d.notices or d.lines):
            continue
        n = len(d.notices) + len(d.lines)
        send_mail(
            f"【科创云】科技服务待办 {n} 项（{day:%m月%d日}）",
            d.body(day, site),
            None,
            [d.user.email],
        )
        Notice.objects.filter(pk__in=[x.pk for x in d.notices]).update(emailed_at=timezone.now())
        sent += 1
    return sent
