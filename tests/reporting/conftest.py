import pytest

from communities.permissions import grant_office_permissions


@pytest.fixture
def office(client, people):
    grant_office_permissions()
    user = people["office"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client
