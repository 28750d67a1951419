"""Building a guest email (plain text + HTML) and handing it to the SMTP server in the settings."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from flask import current_app


@dataclass
class Email:
    to: str
    subject: str
    text: str
    html: str
    locale: str
    unsubscribe_url: str = ""  # the one-click POST endpoint (RFC 8058)


class MailError(Exception):
    """The SMTP server could not be reached or refused the message."""


def build_message(email: Email, sender_name: str = "") -> EmailMessage:
    """multipart/alternative: the plain text first, the HTML last (the part clients prefer)."""
    config = current_app.config
    message = EmailMessage()
    sender = config["MAIL_FROM"]
    message["From"] = formataddr((sender_name, sender)) if sender_name else sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    # Automated mail: no out-of-office replies, please.
    message["Auto-Submitted"] = "auto-generated"
    if email.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    # After the parts: making the message multipart moves every Content-* header into its first part.
    message["Content-Language"] = email.locale.replace("_", "-")
    return message


class Mailer:
    """One SMTP connection for a run, opened on first use and reopened after a failure."""

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        config = current_app.config
        host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
        if config["MAIL_USE_SSL"]:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return smtp

    def send(self, message: EmailMessage) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise MailError(_describe(error)) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()  # the connection may be half-broken; the next message starts afresh
            raise MailError(_describe(error)) from error

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:300]
