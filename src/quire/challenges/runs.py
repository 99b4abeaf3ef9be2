"""A matching run: every sign-up of a challenge through quire.core.matching, the
result stored as draft assignments. Run by the `generate_matches` task.

Assignments a maintainer set (fixed) stay and are handed to the matching as fixed
pairs; pairs a maintainer removed (ForbiddenPair) are never made again; every other
draft assignment is replaced by the new result.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from quire.challenges import queries
from quire.challenges.models import Assignment, ForbiddenPair, MatchingRun, RunState
from quire.core.matching import assign

log = logging.getLogger(__name__)


def run_matching(run_id: int) -> int:
    """Match the run's challenge; returns how many recipients got a giver. A failure is
    recorded on the run for the maintainers to see."""
    with transaction.atomic():
        run = (
            MatchingRun.objects.select_for_update()
            .select_related("challenge__collection")
            .filter(pk=run_id, state=RunState.QUEUED)
            .first()
        )
        if run is None:
            return 0
        run.state = RunState.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["state", "started_at"])
    try:
        matched = _match(run)
    except Exception as error:
        log.exception("matching run %s failed", run_id)
        run.state = RunState.FAILED
        run.message = str(error) or error.__class__.__name__
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "message", "finished_at"])
        return 0
    return matched


@transaction.atomic
def _match(run: MatchingRun) -> int:
    challenge = run.challenge
    drafts = challenge.assignments.filter(sent_at__isnull=True)
    drafts.filter(giver__isnull=True).delete()
    drafts.filter(recipient__isnull=True).delete()
    kept: dict[tuple[int, int], Assignment] = {}
    for row in drafts.filter(fixed=True):
        if row.giver_id is not None and row.recipient_id is not None:
            kept[(row.giver_id, row.recipient_id)] = row
    forbidden = ForbiddenPair.objects.filter(challenge=challenge).values_list(
        "giver_id", "recipient_id"
    )
    signups = queries.core_signups(challenge)
    result = assign(
        signups,
        queries.challenge_rules(challenge).match_rules(),
        fixed=list(kept),
        forbidden=list(forbidden),
    )
    tag_name = queries.tag_names_for(challenge)
    drafts.filter(fixed=False).delete()
    new = []
    for made in result.assignments:
        sentence = made.explanation.sentence(tag_name)
        existing = kept.get((made.giver, made.recipient))
        if existing is not None:
            existing.score, existing.explanation = made.score, sentence
            existing.save(update_fields=["score", "explanation"])
            continue
        new.append(
            Assignment(
                challenge=challenge,
                giver_id=made.giver,
                recipient_id=made.recipient,
                score=made.score,
                explanation=sentence,
            )
        )
    Assignment.objects.bulk_create(new)
    run.state = RunState.DONE
    run.signups = len(signups)
    run.potential_matches = result.potential_count
    run.matched = len(result.assignments)
    run.finished_at = timezone.now()
    run.save()
    return run.matched
