"""The client IP believes X-Forwarded-For only as far as TRUSTED_PROXY_COUNT proxies."""

import ipaddress

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from serving.client_ip import (
    ENVIRON_CLIENT_IP,
    MAX_FORWARDED_BYTES,
    UNKNOWN_CLIENT_IP,
    client_ip_from_request,
    client_ip_resolve,
)

ALB = "10.0.3.7"


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "proxies", "expected"),
    [
        # No proxy: the header is ignored, whatever it says.
        ("198.51.100.9", "1.2.3.4", 0, "198.51.100.9"),
        # Behind the ALB: the client is the entry the ALB appended (rightmost).
        (ALB, "198.51.100.9", 1, "198.51.100.9"),
        # A forged entry written by the client sits to the left of the ALB's: ignored.
        (ALB, "1.2.3.4, 198.51.100.9", 1, "198.51.100.9"),
        # Two proxies (CDN then ALB): the second entry from the right.
        (ALB, "1.2.3.4, 198.51.100.9, 203.0.113.50", 2, "198.51.100.9"),
        # Fewer entries than proxies: the request skipped our proxies; trust the socket.
        (ALB, "", 1, ALB),
        ("198.51.100.9", "1.2.3.4", 2, "198.51.100.9"),
        # Garbage in the trusted position: the socket peer, never the garbage.
        (ALB, "1.2.3.4, not-an-ip", 1, ALB),
        (ALB, "1.2.3.4, 198.51.100.9:443", 1, ALB),
        # Mapped IPv6 and IPv4 are the same client (one rate-limit bucket).
        (ALB, "::ffff:198.51.100.9", 1, "198.51.100.9"),
        (ALB, "2001:DB8::1", 1, "2001:db8::1"),
        # A missing or broken REMOTE_ADDR is still a (shared) client, never exempt.
        ("", "", 0, UNKNOWN_CLIENT_IP),
        ("garbage", "", 0, UNKNOWN_CLIENT_IP),
    ],
)
def test_client_ip_believes_only_trusted_proxies(remote_addr, forwarded_for, proxies, expected):
    assert (
        client_ip_resolve(
            remote_addr=remote_addr, forwarded_for=forwarded_for, trusted_proxy_count=proxies
        )
        == expected
    )


@given(
    count=st.integers(min_value=0, max_value=1_000),
    forged=st.sampled_from(["1.2.3.4", "10.0.0.1", "::1", "junk", "", "198.51.100.9"]),
    client=st.ip_addresses().map(str),
    proxies=st.integers(min_value=1, max_value=3),
)
def test_any_number_of_forged_entries_leaves_the_client_unchanged(forged, count, client, proxies):
    """0 to 1,000 entries written by the client, then what our proxies appended: the
    resolved client is always the one our first proxy saw (never the peer, as a length
    cut-off once made it)."""
    appended = [client] + [f"10.0.0.{hop}" for hop in range(1, proxies)]
    header = ",".join([forged] * count + appended)
    resolved = client_ip_resolve(remote_addr=ALB, forwarded_for=header, trusted_proxy_count=proxies)
    assert resolved == client_ip_normalised(client)


def client_ip_normalised(value: str) -> str:
    address = ipaddress.ip_address(value)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def test_the_resolved_client_is_in_the_environ_for_the_access_log(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=ALB, HTTP_X_FORWARDED_FOR="198.51.100.9")
    client_ip_from_request(request=request)
    assert request.META[ENVIRON_CLIENT_IP] == "198.51.100.9"


@pytest.mark.django_db
def test_an_absurd_forwarded_header_is_refused_with_400(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    header = ",".join(["203.0.113.1"] * 1_000)
    assert len(header) > MAX_FORWARDED_BYTES
    response = client.get("/api/v2/pages/", HTTP_X_FORWARDED_FOR=header)
    assert response.status_code == 400
    assert response.json() == {"message": "X-Forwarded-For is longer than 2048 bytes."}
    # Probes still answer: the kubelet and the ALB never send such a header, but a probe
    # is never refused.
    assert client.get("/healthz", HTTP_X_FORWARDED_FOR=header).status_code == 200


ip_strings = st.one_of(st.ip_addresses().map(str), st.text(max_size=40))


@given(
    forged=st.lists(ip_strings, max_size=8),
    client=st.ip_addresses(v=4).map(str),
    proxies=st.integers(min_value=1, max_value=3),
)
def test_no_forged_prefix_changes_the_client_ip(forged, client, proxies):
    """Whatever a client writes into X-Forwarded-For, the entries our proxies append
    decide the address."""
    forged = [entry.replace(",", "") for entry in forged]
    appended = [client] + [f"10.0.0.{hop}" for hop in range(1, proxies)]
    header = ", ".join([*forged, *appended])
    resolved = client_ip_resolve(remote_addr=ALB, forwarded_for=header, trusted_proxy_count=proxies)
    assert resolved == str(ipaddress.ip_address(client))


def test_request_resolves_once_and_keeps_the_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR=ALB, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9"
    )
    assert client_ip_from_request(request=request) == "198.51.100.9"
    request.META["HTTP_X_FORWARDED_FOR"] = "203.0.113.1"
    assert client_ip_from_request(request=request) == "198.51.100.9"


def test_the_access_log_records_the_resolved_client_and_the_header_right_end():
    from datetime import timedelta

    from serving.access_log import MAX_FORWARDED_FOR_LENGTH, access_record_fields

    header = ",".join(["6.6.6.6"] * 500 + ["198.51.100.9"])
    fields = access_record_fields(
        status="200 OK",
        environ={
            "REMOTE_ADDR": ALB,
            "HTTP_X_FORWARDED_FOR": header,
            ENVIRON_CLIENT_IP: "198.51.100.9",
        },
        request_time=timedelta(milliseconds=5),
        sent=10,
    )
    assert fields["client_ip"] == "198.51.100.9"
    assert len(fields["forwarded_for"]) == MAX_FORWARDED_FOR_LENGTH
    assert fields["forwarded_for"].endswith(",198.51.100.9")
