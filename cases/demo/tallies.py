"""The demo writes its files in bulk, past the case services: their spells are walked from
their history and their tallies counted last, as after an upgrade (`rebuild_statistics`)."""

from core.demo import DemoContext, register

from ..services.file_tallies import rebuild_file_tallies, record_files_from_history


@register(order=98)
def count_files(context: DemoContext) -> None:
    record_files_from_history()
    rebuild_file_tallies()
