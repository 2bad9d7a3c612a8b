"""The demo writes its files in bulk, past the case services: their tallies are counted last,
as after an upgrade (`rebuild_statistics`)."""

from core.demo import DemoContext, register

from ..services.file_tallies import rebuild_file_tallies


@register(order=98)
def count_files(context: DemoContext) -> None:
    rebuild_file_tallies()
