"""The core's tasks. The outbox's delivery task is defined with the outbox in ``core.mail`` (which
enqueues it), so the dependency runs one way; it is named here too because jobs queued before it
moved carry this path."""

from manabiba.core.mail import deliver_outbox_message

__all__ = ["deliver_outbox_message"]
