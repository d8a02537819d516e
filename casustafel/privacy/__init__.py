"""The privacy app: one Django app (label `privacy`), one sub-package per topic.

- `covenant`: the privacy covenant of a house (participants, purposes, per meeting type the legal
  basis, retention term and the sector x category matrix), its versions and the chair's reminder.
- `provenance`: where each item about a person comes from (`Provenance`), the covenant check on
  contributing (`checks`) and who sees which item (`access`).
- `access_log`: the privacy officer's access log, its export, the pattern detectors and the
  integrity check of the audit trail.
- `retention`: keep-until dates of closed cases and decided referrals, extensions, destruction.
- `subject_access`: subject access requests, legal exceptions, rectification and restriction of
  processing (`restrictions`: the guard the rest of the project calls).

Each sub-package holds its own `models`, `selectors`, `services`, `forms`, `views` and `urls`
modules as far as it has them; `privacy/models.py` imports every topic's models so Django finds
them under the one app, and `privacy/urls.py` includes every topic's URLs under /privacy/.
"""
