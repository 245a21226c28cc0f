"""Drives the live HTTP flows of a running statusatlas with Python's
requests (urllib3 underneath) and httpx, and prints what each client saw as
one JSON object, for tests/suite/live_flows.rs to check.

Usage: http_flows.py BASE_URL   (http://127.0.0.1:PORT, no trailing slash)
"""

import email
import json
import sys
import time
import urllib.parse

import httpx
import requests
import urllib3
from requests.adapters import HTTPAdapter

TEST_USER = "statusatlas"
TEST_PASSWORD = "live-test"


def with_credentials(base):
    """The base URL with the proxy test credentials as userinfo."""
    parts = urllib.parse.urlsplit(base)
    netloc = f"{TEST_USER}:{TEST_PASSWORD}@{parts.netloc}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, "", "", ""))


def arrived(response):
    """What /echo says arrived after a redirect chain."""
    body = response.json()
    return {
        "status": response.status_code,
        "method": body["method"],
        "body": body["body"],
        "hops": [r.status_code for r in response.history],
    }


def requests_side(base):
    seen = {}
    session = requests.Session()
    # Only the proxies given here, whatever the environment says.
    session.trust_env = False

    seen["redirects"] = {
        code: arrived(session.post(f"{base}/redirect/{code}?n=2", data=b"hello"))
        for code in (301, 302, 303, 307, 308)
    }
    looping = requests.Session()
    looping.trust_env = False
    looping.max_redirects = 5
    try:
        looping.get(f"{base}/redirect/302/loop")
        seen["loop"] = "followed"
    except requests.TooManyRedirects:
        seen["loop"] = "too_many_redirects"

    challenge = session.get(f"{base}/auth/basic/user/passwd")
    seen["basic_without"] = [challenge.status_code, challenge.headers.get("WWW-Authenticate")]
    seen["basic_with"] = session.get(f"{base}/auth/basic/user/passwd", auth=("user", "passwd")).status_code
    seen["basic_wrong"] = session.get(f"{base}/auth/basic/user/passwd", auth=("user", "nope")).status_code
    seen["bearer_with"] = session.get(
        f"{base}/auth/bearer/abc", headers={"Authorization": "Bearer abc"}
    ).status_code
    seen["forbidden_with"] = session.get(f"{base}/auth/forbidden", auth=(TEST_USER, TEST_PASSWORD)).status_code

    target = "http://example.test/some/page"
    bare = session.get(target, proxies={"http": base})
    seen["proxy_without"] = [bare.status_code, bare.headers.get("Proxy-Authenticate")]
    authed = session.get(target, proxies={"http": with_credentials(base)})
    seen["proxy_with"] = [authed.status_code, authed.text]
    for name, proxy in (("tunnel_without", base), ("tunnel_with", with_credentials(base))):
        try:
            session.get("https://example.test/", proxies={"https": proxy}, timeout=10)
            seen[name] = "connected"
        except requests.exceptions.ProxyError as error:
            seen[name] = str(error)

    first = session.get(f"{base}/cache/etag")
    tag = first.headers["ETag"]
    seen["etag_304"] = session.get(f"{base}/cache/etag", headers={"If-None-Match": tag}).status_code
    seen["ims_304"] = session.get(
        f"{base}/cache/etag", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    ).status_code
    seen["put_412"] = session.put(f"{base}/cache/etag", data=b"x", headers={"If-Match": '"stale"'}).status_code
    seen["put_204"] = session.put(f"{base}/cache/etag", data=b"x", headers={"If-Match": tag}).status_code

    one = session.get(f"{base}/range/100", headers={"Range": "bytes=0-9"})
    seen["range_one"] = [one.status_code, one.headers.get("Content-Range"), one.text]
    several = session.get(f"{base}/range/100", headers={"Range": "bytes=0-1,50-52"})
    message = email.message_from_bytes(
        f"Content-Type: {several.headers['Content-Type']}\r\n\r\n".encode() + several.content
    )
    seen["range_multipart"] = [several.status_code] + [
        [part["Content-Range"], part.get_payload(decode=True).decode()] for part in message.get_payload()
    ]
    past = session.get(f"{base}/range/100", headers={"Range": "bytes=500-600"})
    seen["range_416"] = [past.status_code, past.headers.get("Content-Range")]

    # A client that honours Retry-After: no backoff of its own, so without
    # honouring the field its three retries would come at once and fail.
    retrying = requests.Session()
    retrying.trust_env = False
    policy = urllib3.util.Retry(
        total=3,
        status_forcelist=[429, 503],
        respect_retry_after_header=True,
        backoff_factor=0,
        raise_on_status=False,
        allowed_methods=None,
    )
    retrying.mount("http://", HTTPAdapter(max_retries=policy))
    started = time.monotonic()
    final = retrying.get(f"{base}/retry/429?after=2&id=requests")
    seen["retry"] = {"status": final.status_code, "waited": time.monotonic() - started}
    final = retrying.post(f"{base}/retry/503?after=1&id=requests-post")
    seen["retry_503_post"] = final.status_code
    return seen


def httpx_side(base):
    seen = {}
    with httpx.Client(follow_redirects=True, trust_env=False) as client:
        seen["redirects"] = {
            code: arrived(client.post(f"{base}/redirect/{code}?n=2", content=b"hello"))
            for code in (301, 302, 303, 307, 308)
        }
    with httpx.Client(follow_redirects=True, max_redirects=5, trust_env=False) as client:
        try:
            client.get(f"{base}/redirect/307/loop")
            seen["loop"] = "followed"
        except httpx.TooManyRedirects:
            seen["loop"] = "too_many_redirects"
        challenge = client.get(f"{base}/auth/basic/user/passwd")
        seen["basic_without"] = [challenge.status_code, challenge.headers.get("WWW-Authenticate")]
        seen["basic_with"] = client.get(f"{base}/auth/basic/user/passwd", auth=("user", "passwd")).status_code
        seen["forbidden_with"] = client.get(f"{base}/auth/forbidden", auth=(TEST_USER, TEST_PASSWORD)).status_code
        first = client.get(f"{base}/cache/etag")
        seen["etag_304"] = client.get(
            f"{base}/cache/etag", headers={"If-None-Match": first.headers["ETag"]}
        ).status_code
        one = client.get(f"{base}/range/100", headers={"Range": "bytes=-3"})
        seen["range_suffix"] = [one.status_code, one.headers.get("Content-Range"), one.text]
    target = "http://example.test/some/page"
    with httpx.Client(proxy=base, trust_env=False) as client:
        bare = client.get(target)
        seen["proxy_without"] = [bare.status_code, bare.headers.get("Proxy-Authenticate")]
    with httpx.Client(proxy=with_credentials(base), trust_env=False) as client:
        authed = client.get(target)
        seen["proxy_with"] = [authed.status_code, authed.text]
    for name, proxy in (("tunnel_without", base), ("tunnel_with", with_credentials(base))):
        with httpx.Client(proxy=proxy, trust_env=False, timeout=10) as client:
            try:
                client.get("https://example.test/")
                seen[name] = "connected"
            except httpx.ProxyError as error:
                seen[name] = str(error)
    return seen


def main():
    base = sys.argv[1].rstrip("/")
    print(json.dumps({"requests": requests_side(base), "httpx": httpx_side(base)}))


if __name__ == "__main__":
    main()
