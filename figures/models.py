"""Figures hold no records of their own: the tallies live with the payments and the cases.
What is kept here is derived, the returns already printed."""

from django.db import models


class RenderedReturn(models.Model):
    """A return PDF already rendered, under the digest of everything it prints.

    Shared by every process and server (a per-process cache rendered it once per worker). It can
    only be the rendering of the very sheet its digest names, so it is never stale and needs no
    history; rows older than `returns.pdf_cache.KEEP` are deleted as new ones are stored.
    """

    digest = models.CharField(max_length=64, unique=True)
    content = models.BinaryField()
    pages = models.PositiveIntegerField()
    rendered_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.digest[:12]} ({self.pages} 页)"
