import pytest

from hamdeli.practices import services


@pytest.fixture
def make_practice(org, officer):
    def make(*, owner=None, actor=None, title=None, topics=("disinfection",), **data):
        return services.create_practice(org=owner or org, actor=actor or officer,
                                        title=title or {"en": "A practice"}, topics=list(topics), **data)
    return make
