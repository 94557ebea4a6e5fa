"""E-mail delivery of notifications over SMTP, as an outbox job (only when SMTP is configured)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from sqlalchemy.orm import Session

from engine.models import Notification, User

if TYPE_CHECKING:
    from api.bootstrap import Services


def send_email(services: Services, session: Session, payload: dict[str, Any]) -> None:
    """Send one notification; a notification already e-mailed is not sent again."""
    notification = session.get(Notification, payload["notification_id"])
    if notification is None or notification.emailed_at is not None or notification.user_id is None:
        return
    user = session.get(User, notification.user_id)
    url = services.settings.smtp_url
    if user is None or not user.email or not url:
        return
    message = EmailMessage()
    message["From"] = services.settings.smtp_from
    message["To"] = user.email
    message["Subject"] = notification.title
    message["Message-ID"] = f"<notification-{notification.id}@memberflow>"
    message.set_content(notification.body or notification.title)
    target = urlparse(url)
    with smtplib.SMTP(target.hostname or "127.0.0.1", target.port or 25, timeout=30) as smtp:
        smtp.send_message(message)
    notification.emailed_at = services.engine.clock.now()
