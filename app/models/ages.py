"""The ages that decide who counts as what, in one place for models, services and forms.

Three questions, and they do not draw the same lines on purpose:

- Adult or child: a guest is an adult from ``ADULT_AGE``; a stay's children are aged 0
  to ``OLDEST_CHILD``, and a service whose maximum age is below ``ADULT_AGE`` is for
  children only.
- Which "guests like you" a party is (:func:`app.models.stays.party_kind`, stored on
  every stay as ``party`` and grouping the co-booking history): by the youngest child, a
  baby under ``PARTY_BABY_UNDER``, a child under ``PARTY_CHILD_UNDER``, else a teenager.
- Whom the family offers are for (the family package first, grown-up activities weighed
  down while small children travel along): children under ``FAMILY_CHILD_UNDER``.

So a 12-year-old is a teenager among similar parties but still a child for the family
offers. Changing ``PARTY_*`` regroups the stored ``stay.party`` of every stay (a data
migration); ``FAMILY_CHILD_UNDER`` changes only what is offered from now on.
"""

ADULT_AGE = 18
OLDEST_CHILD = ADULT_AGE - 1

PARTY_BABY_UNDER = 3
PARTY_CHILD_UNDER = 12

# The family package is about children, not teenagers travelling with their parents.
FAMILY_CHILD_UNDER = 13
