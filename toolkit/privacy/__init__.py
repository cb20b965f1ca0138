"""Personal data of residents (GDPR / RGPD): access, erasure, retention, processing register.

The ``pii`` answers themselves are kept encrypted by the store (:mod:`toolkit.store.pii`);
this package answers the requests a structure receives and the duties it has: give a person
everything held about them, erase it, erase what is older than its retention period, and
describe each processing for the structure's register.
"""

from toolkit.privacy.access import access_report, write_access_report
from toolkit.privacy.erasure import erase_subject
from toolkit.privacy.register import RegisterEntry, register_entry, register_text, write_register
from toolkit.privacy.retention import purge
from toolkit.privacy.subject import Subject, find_subject, normalise

__all__ = [
    "RegisterEntry",
    "Subject",
    "access_report",
    "erase_subject",
    "find_subject",
    "normalise",
    "purge",
    "register_entry",
    "register_text",
    "write_access_report",
    "write_register",
]
