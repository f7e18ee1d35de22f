"""The one place the client's address is read: REMOTE_ADDR, or X-Forwarded-For behind a proxy named as trusted."""

import ipaddress

import pytest
from django.test import RequestFactory

from attendance_system.addresses import client_address, in_networks
from tests.test_settings import manage

PROXY = "10.0.0.2"


def request(remote=PROXY, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("fd00::/8")]


class TestClientAddress:
    def test_without_trusted_proxies_the_header_is_ignored(self, settings):
        settings.TRUSTED_PROXIES = []
        assert client_address(request("203.0.113.5", forwarded="198.51.100.1")) == "203.0.113.5"

    def test_behind_a_trusted_proxy_it_is_the_address_the_proxy_saw(self, behind_proxy):
        assert client_address(request(forwarded="198.51.100.1")) == "198.51.100.1"

    def test_a_made_up_address_left_of_the_real_one_is_ignored(self, behind_proxy):
        # The client sent "X-Forwarded-For: 192.0.2.66"; the proxy appended the address it saw.
        assert client_address(request(forwarded="192.0.2.66, 198.51.100.1")) == "198.51.100.1"

    def test_a_chain_of_trusted_proxies_is_walked_right_to_left(self, behind_proxy):
        assert client_address(request(forwarded="192.0.2.66, 198.51.100.1, 10.0.0.7, fd00::1")) == "198.51.100.1"

    def test_a_request_from_outside_the_proxies_keeps_its_own_address(self, behind_proxy):
        assert client_address(request("203.0.113.5", forwarded="198.51.100.1")) == "203.0.113.5"

    def test_when_every_hop_is_a_proxy_the_left_most_is_the_client(self, behind_proxy):
        assert client_address(request(forwarded="10.0.0.9")) == "10.0.0.9"

    def test_a_malformed_entry_ends_the_walk_at_the_proxy_that_sent_it(self, behind_proxy):
        assert client_address(request(forwarded="198.51.100.1, not-an-address")) == PROXY
        assert client_address(request(forwarded="")) == PROXY

    def test_ipv6_clients_behind_the_proxy(self, behind_proxy):
        assert client_address(request("fd00::2", forwarded="2001:db8::5")) == "2001:db8::5"

    def test_no_remote_address_is_none(self, settings):
        settings.TRUSTED_PROXIES = []
        assert client_address(request(remote="")) is None


class TestInNetworks:
    networks = [ipaddress.ip_network("192.168.0.0/16"), ipaddress.ip_network("2001:db8::/32")]

    @pytest.mark.parametrize("address", ["192.168.4.20", "2001:db8::1", "::ffff:192.168.1.1"])
    def test_addresses_inside(self, address):
        assert in_networks(address, self.networks)

    @pytest.mark.parametrize("address", ["192.169.0.1", "2001:db9::1", "", None, "garbage"])
    def test_addresses_outside_or_unknown(self, address):
        assert not in_networks(address, self.networks)


def test_a_bad_trusted_proxy_stops_the_start_and_says_which():
    result = manage("check", DEBUG="True", TRUSTED_PROXIES="10.0.0.0/8,proxy.internal")
    assert result.returncode != 0
    assert "'proxy.internal' does not appear to be an IPv4 or IPv6 network" in result.stderr
