"""Visitors' requests to public pages and operations are limited per address, counted in the database
so the limit holds across every server process: over it, a 429 with Retry-After, in the visitor's
language, as a page for people and as the API's error body for programs."""

import threading

import pytest
from django.test import Client

from hamdeli.core import ratelimit
from hamdeli.core.models import RateCounter
from tests.conftest import client_for

LIMITS = {"public": (4, 60), "search": (2, 60), "ask": (5, 3600)}


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = LIMITS
    return LIMITS


def test_a_visitor_over_the_public_limit_gets_a_429_page_in_their_language(db, limits):
    client = Client()
    client.cookies["hamdeli_language"] = "fa"
    for _ in range(limits["public"][0]):
        assert client.get("/exchange/").status_code == 200
    refused = client.get("/exchange/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    page = refused.content.decode()
    assert "درخواست" in page and "<html" in page  # the site's error page, in Persian
    # another address keeps its own budget
    assert Client(REMOTE_ADDR="198.51.100.7").get("/exchange/").status_code == 200


def test_searches_have_their_own_tighter_limit(db, limits):
    client = Client()
    for _ in range(limits["search"][0]):
        assert client.get("/exchange/", {"q": "masks"}).status_code == 200
    assert client.get("/exchange/", {"q": "masks"}).status_code == 429
    assert client.get("/exchange/").status_code == 200  # browsing without a query still works


def test_the_public_api_answers_429_with_the_error_body_and_documents_it(db, limits):
    client = Client()
    for _ in range(limits["public"][0]):
        assert client.get("/api/v1/practices/public/feed").status_code == 200
    refused = client.get("/api/v1/practices/public/feed", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    body = refused.json()
    assert body["error"] == "rate_limited" and "Too many requests" in body["message"] and body["request_id"]
    schema = Client().get("/api/v1/openapi.json").json()
    documented = schema["paths"]["/api/v1/practices/public/feed"]["get"]["responses"]
    assert "Retry-After" in documented["429"]["headers"]


def test_signed_in_members_are_not_counted(db, limits, officer):
    client = client_for(officer)
    for _ in range(limits["public"][0] * 2):
        assert client.get("/exchange/").status_code == 200
    assert not RateCounter.objects.exists()


def test_the_counter_is_exact_under_concurrent_requests(transactional_db, limits):
    """16 requests at once from one address, each in its own connection: exactly the limit pass."""
    racers, allowed, barrier = 16, [], threading.Barrier(16)

    def run():
        from django.db import connection

        barrier.wait()
        try:
            allowed.append(ratelimit.hit("ask", "203.0.113.5") is None)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(allowed) == racers
    assert allowed.count(True) == limits["ask"][0]
    assert RateCounter.objects.get(bucket="ask:203.0.113.5").hits == racers


def test_a_new_window_starts_afresh_and_ended_windows_are_pruned(db, limits, monkeypatch):
    for _ in range(5):
        ratelimit.hit("search", "192.0.2.1", now=1000.0)
    assert ratelimit.hit("search", "192.0.2.1", now=1001.0).retry_after == 19  # window 960–1020
    monkeypatch.setattr(ratelimit, "PRUNE_CHANCE", 1.0)
    assert ratelimit.hit("search", "192.0.2.1", now=1021.0) is None
    assert list(RateCounter.objects.values_list("until", flat=True)) == [1080]
