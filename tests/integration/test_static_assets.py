"""Static files: linked with a hash of their content and cached for a year; a changed file gets a new link."""

import re

from pmcohort.core.static_assets import ONE_YEAR

STYLESHEET = re.compile(r'href="(/static/app\.css\?v=([0-9a-f]+))"')


def test_pages_link_the_stylesheet_by_its_hash_and_it_is_cached_for_a_year(client):
    link, version = STYLESHEET.search(client.get("/auth/login").get_data(as_text=True)).groups()

    with client.get(link) as response:
        assert response.status_code == 200
        assert (
            response.cache_control.max_age == ONE_YEAR
            and response.cache_control.immutable
            and response.cache_control.public
        )
    assert len(version) == 12


def test_a_stale_or_missing_hash_is_not_cached_for_long(client):
    for url in ("/static/app.css", "/static/app.css?v=000000000000"):
        with client.get(url) as response:
            assert response.status_code == 200
            assert not response.cache_control.immutable and (response.cache_control.max_age or 0) < ONE_YEAR


def test_a_changed_file_gets_a_new_link(app, client, tmp_path):
    original = app.static_folder
    app.static_folder = str(tmp_path)
    try:
        (tmp_path / "app.css").write_text("body { color: black; }")
        first = STYLESHEET.search(client.get("/auth/login").get_data(as_text=True)).group(2)
        (tmp_path / "app.css").write_text("body { color: navy; }")
        second = STYLESHEET.search(client.get("/auth/login").get_data(as_text=True)).group(2)
    finally:
        app.static_folder = original
    assert first != second
