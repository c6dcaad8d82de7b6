"""The app-wide upload limit over a real socket: a browser still sending a file over the limit gets
the 413 page saying the limit, not a reset connection or a 500."""

import http.client
from urllib.parse import urlsplit

from pmcohort.domain.limits import UPLOAD_MAX_BYTES


def test_a_post_over_the_limit_gets_the_413_page_over_the_socket(live_server):
    boundary = "----limit-test"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="people.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + b"x" * (UPLOAD_MAX_BYTES + 512 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        # No "Expect: 100-continue", as a browser sends it: the whole body is on its way when the answer comes.
        connection.request(
            "POST", "/auth/login", body=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        response = connection.getresponse()
        page = response.read().decode()
    finally:
        connection.close()
    assert response.status == 413
    assert "That upload is too large" in page and "larger than 5 MB" in page
