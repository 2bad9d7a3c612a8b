import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def chinese_interface():
    """These tests read the Chinese messages; another suite may leave English active."""
    with translation.override("zh-hans"):
        yield
