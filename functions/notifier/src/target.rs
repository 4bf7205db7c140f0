//! Where a webhook may point. A subscription's URL is checked when it is created and again before
//! every delivery, because DNS can change: a host that resolved to a public address yesterday may
//! resolve to `10.0.0.5` today. [`GuardedResolver`] is the resolver of the delivery client, so the
//! address that is checked is the address that is connected to (no rebinding between the two).
//!
//! Refused unless `allow_private` (development, tests): private (10/8, 172.16/12, 192.168/16,
//! 100.64/10, fc00::/7), loopback, link-local (169.254/16, fe80::/10), unspecified, multicast,
//! broadcast and documentation/benchmark ranges, also when wrapped in IPv4-mapped IPv6.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Longest accepted URL.
pub const MAX_URL_LEN: usize = 2048;
/// Longest wait for DNS: a slow resolver must not hold an API request or a delivery lease.
const RESOLVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Parses and checks the form of a webhook URL (no network).
///
/// # Errors
/// A reason fit for the client.
pub fn parse_url(raw: &str) -> Result<Url, String> {
    if raw.len() > MAX_URL_LEN {
        return Err(format!("must be at most {MAX_URL_LEN} characters"));
    }
    let url = Url::parse(raw.trim()).map_err(|e| format!("is not a valid absolute URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must use http or https".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain credentials; the request is signed instead".into());
    }
    if url.host().is_none() {
        return Err("must name a host".into());
    }
    Ok(url)
}

/// Why `ip` may not receive webhooks, or `None` when it may.
pub fn refusal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => refusal_v4(v4),
            None => refusal_v6(v6),
        },
    }
}

fn refusal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_unspecified() {
        Some("an unspecified address")
    } else if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() {
        Some("a private address")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a shared (CGNAT) address")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if ip.is_broadcast() {
        Some("the broadcast address")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else if a == 0 || a >= 240 || ip.is_documentation() || (a == 198 && (b & 0xfe) == 18) {
        Some("a reserved address")
    } else {
        None
    }
}

fn refusal_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip.is_unspecified() {
        Some("an unspecified address")
    } else if ip.is_loopback() {
        Some("a loopback address")
    } else if (first & 0xfe00) == 0xfc00 {
        Some("a private (unique local) address")
    } else if (first & 0xffc0) == 0xfe80 {
        Some("a link-local address")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else if first == 0x2001 && ip.segments()[1] == 0x0db8 {
        Some("a reserved address")
    } else {
        None
    }
}

/// The addresses of `url`'s host, each checked unless `allow_private`.
///
/// # Errors
/// A reason fit for the client: the host does not resolve, or resolves to a refused address.
pub async fn check(url: &Url, allow_private: bool) -> Result<Vec<SocketAddr>, String> {
    let port = url.port_or_known_default().unwrap_or(443);
    let host = url.host_str().ok_or("must name a host")?;
    // An IPv6 literal comes back in brackets.
    let literal = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>();
    let addrs = match literal {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => resolve(host, port).await?,
    };
    if !allow_private {
        refuse_any(&addrs)?;
    }
    Ok(addrs)
}

async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    let lookup = tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host, port)))
        .await
        .map_err(|_| format!("host '{host}' did not resolve within {} s", RESOLVE_TIMEOUT.as_secs()))?;
    let addrs: Vec<SocketAddr> = lookup
        .map_err(|e| format!("host '{host}' does not resolve ({e})"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("host '{host}' has no addresses"));
    }
    Ok(addrs)
}

fn refuse_any(addrs: &[SocketAddr]) -> Result<(), String> {
    match addrs.iter().find_map(|a| refusal(a.ip()).map(|why| (a.ip(), why))) {
        Some((ip, why)) => Err(format!(
            "resolves to {ip}, {why}; webhooks may only target public addresses"
        )),
        None => Ok(()),
    }
}

/// The delivery client's DNS resolver: the system resolver, refusing names with any refused
/// address (unless `allow_private`), so a connection never reaches one.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    /// Accept every address.
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            // The port is replaced by the connector; 0 is a placeholder.
            let addrs = resolve(name.as_str(), 0).await?;
            if !allow_private {
                refuse_any(&addrs)?;
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_refused() {
        for ip in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
        ] {
            let ip: IpAddr = ip.parse().expect("an address");
            assert!(refusal(ip).is_some(), "{ip} should be refused");
        }
        for ip in [
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "8.8.8.8",
        ] {
            let ip: IpAddr = ip.parse().expect("an address");
            assert_eq!(refusal(ip), None, "{ip} should be allowed");
        }
    }

    #[test]
    fn urls_must_be_http_without_credentials() {
        assert!(parse_url("https://example.com/hook?x=1").is_ok());
        assert!(parse_url("ftp://example.com/").is_err());
        assert!(parse_url("https://user:pw@example.com/").is_err());
        assert!(parse_url("not a url").is_err());
        assert!(parse_url(&format!("https://example.com/{}", "a".repeat(MAX_URL_LEN))).is_err());
    }

    #[tokio::test]
    async fn literal_private_hosts_are_refused_unless_allowed() {
        let url = parse_url("http://127.0.0.1:9/hook").expect("a URL");
        let refused = check(&url, false).await.expect_err("loopback is refused");
        assert!(refused.contains("loopback"), "{refused}");
        assert!(check(&url, true).await.is_ok());
    }
}
