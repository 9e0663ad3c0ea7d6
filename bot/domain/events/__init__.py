"""Events use cases: each takes the caller's ``Session`` first, never commits and never reads the clock.

- ``rules``: the one definition of "open for sign-up" (``closed_reason`` / ``is_open_for_signup``, and
  from it ``is_listed`` and ``waitlist_moves``), the party rule and the ``Refusal`` codes.
- ``signup``: ``register`` / ``cancel`` (capacity check, waitlist, promotion); ``checkin``: check-in by code.
- ``seats``: the event row lock, seats and promotion from the waitlist, inside the caller's transaction.
- ``queries``: lookups and lists; ``search``: fuzzy matching of users' words and list filters (pure).
- ``admin``: create / edit / cancel (audited, registrants notified); ``export``: CSV / XLSX files.
- ``notices``: outbox notices, reminders, announcements, waitlist expiry; ``subscriptions``: announcement
  subscriptions; ``views``: detached registration snapshots; ``errors``: the typed errors.
"""
