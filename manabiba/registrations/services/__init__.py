"""Writes for registrations, one module per concern: applying, cancelling, offers, the waiting list,
the lottery, the whole programme (cancellation, minimum enrolment), attendance, settings, personal
data (viewing, erasure, retention), reminders and the periodic run. Reads are in ``selectors``.

Every allocation runs in one transaction that first locks the programme's row (see ``_common``).
Mail is written to the outbox in the same transaction, in the recipient's language (see ``_mail``).
The names below are the package's interface: import them from here.
"""

from manabiba.registrations.services._mail import MY_REGISTRATIONS_PATH, _confirmation_attachments
from manabiba.registrations.services.applying import (
    AlreadyRegisteredError,
    DuplicateRegistrationError,
    ParticipantSpec,
    registration_submit,
    registration_submit_for_group,
    registration_submit_on_behalf,
)
from manabiba.registrations.services.attendance import attendance_check_in, attendance_record
from manabiba.registrations.services.cancelling import registration_cancel
from manabiba.registrations.services.lottery import lottery_draw
from manabiba.registrations.services.offers import (
    registration_confirm,
    registration_offer_accept,
    registrations_offers_expire,
)
from manabiba.registrations.services.people import (
    fiscal_year_salts_destroy_spent,
    person_token_assign,
    person_tokens_unlink_account,
    registrations_person_tokens_fill,
)
from manabiba.registrations.services.periodic import DueReport, registrations_run_due
from manabiba.registrations.services.personal_data import (
    registrants_viewed,
    registrations_erase_for_deleted_account,
    registrations_purge_due,
)
from manabiba.registrations.services.program import (
    minimum_enrolment_decide,
    registrations_flag_below_minimum,
    registrations_program_cancel,
    registrations_session_cancel_notify,
)
from manabiba.registrations.services.reminders import REMINDER_BEFORE, registrations_send_reminders
from manabiba.registrations.services.settings import SETTINGS_FIELDS, QuestionSpec, registration_settings_update
from manabiba.registrations.services.waitlist import registration_waitlist_move, registrations_fill_free_seats

__all__ = [
    "MY_REGISTRATIONS_PATH",
    "REMINDER_BEFORE",
    "SETTINGS_FIELDS",
    "AlreadyRegisteredError",
    "DueReport",
    "DuplicateRegistrationError",
    "ParticipantSpec",
    "QuestionSpec",
    # The calendar file a confirmation carries (its tests read it directly).
    "_confirmation_attachments",
    "attendance_check_in",
    "attendance_record",
    "fiscal_year_salts_destroy_spent",
    "lottery_draw",
    "minimum_enrolment_decide",
    "person_token_assign",
    "person_tokens_unlink_account",
    "registrants_viewed",
    "registration_cancel",
    "registration_confirm",
    "registration_offer_accept",
    "registration_settings_update",
    "registration_submit",
    "registration_submit_for_group",
    "registration_submit_on_behalf",
    "registration_waitlist_move",
    "registrations_erase_for_deleted_account",
    "registrations_fill_free_seats",
    "registrations_flag_below_minimum",
    "registrations_offers_expire",
    "registrations_person_tokens_fill",
    "registrations_program_cancel",
    "registrations_purge_due",
    "registrations_run_due",
    "registrations_send_reminders",
    "registrations_session_cancel_notify",
]
