"""The one-stop desk's calendar: opening hours, exceptions, the staff roster and appointments."""
