//! Who is on the other end: the client's address, for rate limits and sign-in throttling.
//! It is the connection's peer, unless the peer is one of the configured trusted proxies (the
//! council's reverse proxy or load balancer): then `X-Forwarded-For` is read from the right,
//! skipping trusted proxies, and the first address that is not one is the client. Entries to
//! the left of it could have been written by anyone, so they are never believed.

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The client's address, put in each request's extensions by `middleware`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// Who a limit counts as one client: an IPv4 address, or an IPv6 address's /64 (one
    /// household or office is given a /64, so its 2^64 addresses are one client); an IPv4
    /// address written as IPv6 (`::ffff:192.0.2.1`) is that IPv4 address.
    pub fn bucket(self) -> IpAddr {
        match self.0 {
            IpAddr::V4(v4) => IpAddr::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let s = v6.segments();
                    IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
                }
            },
        }
    }

    /// The client's bucket, or one bucket for requests with no address (never expected).
    pub fn of(client: Option<axum::Extension<ClientIp>>) -> IpAddr {
        client
            .map(|c| c.0.bucket())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }
}

pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    // Several headers are read as one list, in order, as RFC 7239 says for Forwarded. An entry
    // that is not an address ("unknown", a name, garbage) is anyone's to write and is skipped:
    // it must not move the client into the proxy's own bucket, shared with everyone.
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|h| h.trim().parse::<IpAddr>().ok())
        .collect();
    hops.into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

/// A cookie's value from the request's Cookie headers (the first of that name: a browser
/// sends the older of two alike first, so a cookie planted later cannot stand in for ours),
/// parsed by the cookie crate that axum-extra's jar uses.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    use axum_extra::extract::cookie::Cookie;
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// Records the client's address for the layers and handlers after it.
pub async fn middleware(
    axum::extract::State(trusted): axum::extract::State<std::sync::Arc<Vec<IpAddr>>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let ip = client_ip(peer, request.headers(), &trusted);
    request.extensions_mut().insert(ClientIp(ip));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_read_from_any_cookie_header_and_the_first_of_its_name_wins() {
        let mut h = HeaderMap::new();
        h.append(
            axum::http::header::COOKIE,
            "a=1; intake_form=first".parse().unwrap(),
        );
        h.append(
            axum::http::header::COOKIE,
            "intake_form=second;b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&h, "intake_form").as_deref(), Some("first"));
        assert_eq!(cookie(&h, "b").as_deref(), Some("2"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_peer_unless_it_is_a_trusted_proxy_then_the_header_from_the_right() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy];
        // Not through the proxy: the header is anyone's to write, so it is ignored.
        assert_eq!(
            client_ip(ip("198.51.100.7"), &forwarded(&["203.0.113.9"]), &trusted),
            ip("198.51.100.7")
        );
        // Through the proxy: the right-most address the proxy saw.
        assert_eq!(
            client_ip(proxy, &forwarded(&["1.2.3.4, 203.0.113.9"]), &trusted),
            ip("203.0.113.9")
        );
        // A chain of trusted proxies is skipped; a spoofed left part is never used.
        let two = [proxy, ip("10.0.0.3")];
        assert_eq!(
            client_ip(
                proxy,
                &forwarded(&["6.6.6.6", "203.0.113.9, 10.0.0.3"]),
                &two
            ),
            ip("203.0.113.9")
        );
        // No header, or nothing in it that is an address: the proxy itself.
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &trusted), proxy);
        assert_eq!(
            client_ip(proxy, &forwarded(&["not an address"]), &trusted),
            proxy
        );
        // Entries that are not addresses are skipped, not a reason to give up on the header.
        assert_eq!(client_ip(proxy, &forwarded(&["unknown"]), &trusted), proxy);
        assert_eq!(
            client_ip(proxy, &forwarded(&["203.0.113.9, unknown"]), &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(
                proxy,
                &forwarded(&["unknown, 203.0.113.9", "_hidden"]),
                &trusted
            ),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_limit_counts_an_ipv6_64_as_one_client_and_mapped_ipv4_as_ipv4() {
        let a = ClientIp(ip("2001:db8:1:2:aaaa::1")).bucket();
        let b = ClientIp(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")).bucket();
        let other = ClientIp(ip("2001:db8:1:3::1")).bucket();
        assert_eq!(a, b);
        assert_eq!(a, ip("2001:db8:1:2::"));
        assert_ne!(a, other);
        assert_eq!(ClientIp(ip("::ffff:192.0.2.1")).bucket(), ip("192.0.2.1"));
        assert_eq!(ClientIp(ip("192.0.2.1")).bucket(), ip("192.0.2.1"));
    }
}
