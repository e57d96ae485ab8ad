"""The newsletter: double opt-in sign-up, a digest of what was published, one-click leave.

- `subscriptions.py`: signing up (`newsletter_subscribe`), confirming
  (`newsletter_confirm`), leaving (`newsletter_unsubscribe`), the signed links' tokens, and
  a subscriber's data-protection requests (`subscriber_export`, `subscriber_erase`).
- `digest.py`: what was published since the last digest (`digest_contents`), whether one is
  due by the administrator's schedule (`digest_due`), and sending it (`digest_send`).
- `mail.py`: the mails themselves (plain text with an HTML alternative, RFC 8058 headers).
- `holder.py`: subject access and erasure of a person reach a subscription with their
  contact address (people/duties/holders.py).

The address is sealed at rest like people's details (`Subscriber`); it never appears in a
URL, a log line, an audit entry or a task's arguments: tasks carry row ids only.
"""
