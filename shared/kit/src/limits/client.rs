//! Who is asking, by address: the TCP peer, or, when that peer is one of our own proxies (an
//! ingress, Knative's queue-proxy: loopback and private addresses), the address those proxies
//! recorded in `X-Forwarded-For`, read from the right past every private hop. A public peer's
//! `X-Forwarded-For` is ignored: anyone can write one. `TRUSTED_PROXIES=none` ignores it always.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::Request;

/// Whether `X-Forwarded-For` from private peers is believed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustedProxies {
    /// Loopback and private peers are proxies (the default).
    Private,
    /// No peer is: the TCP peer is the client.
    None,
}

/// The client's address, if the server recorded the peer (`ConnectInfo`).
pub(crate) fn client_ip<B>(request: &Request<B>, trusted: TrustedProxies) -> Option<IpAddr> {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>()?.0.ip();
    if trusted == TrustedProxies::None || !is_internal(peer) {
        return Some(peer);
    }
    let forwarded = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    // From the right: the last hop our proxies added first; the first address that is not ours
    // is the client (or the leftmost if all are, a client inside the cluster).
    Some(
        forwarded
            .iter()
            .rev()
            .find(|ip| !is_internal(**ip))
            .or(forwarded.first())
            .copied()
            .unwrap_or(peer),
    )
}

/// Loopback, private (RFC 1918, unique local), link-local or CGNAT (DigitalOcean's VPC and pod
/// networks are private).
fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback() || v4.is_private() || v4.is_link_local() || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(peer: &str, forwarded: Option<&str>) -> Request<()> {
        let mut builder = Request::builder();
        if let Some(forwarded) = forwarded {
            builder = builder.header("x-forwarded-for", forwarded);
        }
        let mut request = builder.body(()).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        request
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn the_client_is_the_first_public_address_left_of_our_proxies() {
        let trusted = TrustedProxies::Private;
        // queue-proxy on loopback, behind the ingress (10.x), behind the load balancer.
        let via_ingress = request("127.0.0.1:5000", Some("203.0.113.7, 10.244.0.12"));
        assert_eq!(client_ip(&via_ingress, trusted), ip("203.0.113.7"));
        // A client cannot hide behind an address it wrote itself, left of the real one.
        let spoofed = request("127.0.0.1:5000", Some("198.51.100.1, 203.0.113.7, 10.244.0.12"));
        assert_eq!(client_ip(&spoofed, trusted), ip("203.0.113.7"));
        // A public peer is the client, whatever it claims.
        let direct = request("203.0.113.9:443", Some("198.51.100.1"));
        assert_eq!(client_ip(&direct, trusted), ip("203.0.113.9"));
        // Inside the cluster, or on a laptop: the leftmost, or the peer.
        assert_eq!(
            client_ip(&request("10.0.0.5:1", Some("10.0.0.9")), trusted),
            ip("10.0.0.9")
        );
        assert_eq!(client_ip(&request("[::1]:1", None), trusted), ip("::1"));
        assert_eq!(
            client_ip(&request("127.0.0.1:1", Some("203.0.113.7")), TrustedProxies::None),
            ip("127.0.0.1")
        );
        assert_eq!(client_ip(&Request::new(()), trusted), None, "no peer recorded");
    }
}
