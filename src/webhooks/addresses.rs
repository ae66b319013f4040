//! Where webhooks may be sent: never into the server's own networks. A registered URL
//! that names such an address is refused (`endpoints::endpoint_url`); a host name is
//! checked each time it is resolved for a delivery (`PublicResolver`), since what a name
//! resolves to can change after registration (DNS rebinding) and a name in the URL says
//! nothing about where it points.

use std::error::Error;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// An address of the server's own networks, or of no host at all: loopback, private,
/// shared (carrier-grade NAT), link-local (where cloud metadata services answer),
/// unspecified, broadcast and multicast; an IPv6 address that carries an IPv4 one is
/// judged by that one.
pub fn internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => internal_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => internal_v4(v4),
            None => internal_v6(ip),
        },
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [first, second, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        // 0.0.0.0/8, "this network", reaches the host itself on Linux.
        || first == 0
        // 100.64.0.0/10, shared address space (RFC 6598).
        || (first == 100 && (second & 0b1100_0000) == 64)
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_unique_local()
        || ip.is_unicast_link_local()
        || ip.is_multicast()
}

/// Resolves host names as the system does and keeps only public addresses, so that no
/// delivery connects into the server's own networks. Servers that accept local endpoints
/// (`--webhook-allow-http-localhost`, for development and tests) keep loopback addresses
/// too.
pub struct PublicResolver {
    pub allow_loopback: bool,
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let resolved = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = resolved
                .filter(|address| {
                    let ip = address.ip();
                    !internal(ip) || (allow_loopback && ip.is_loopback())
                })
                .collect();
            if public.is_empty() {
                return Err(Box::new(PrivateNetwork) as Box<dyn Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// A host name that resolved only to addresses of the server's own networks.
#[derive(Debug)]
pub struct PrivateNetwork;

impl fmt::Display for PrivateNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the host name resolves to an address of a private network")
    }
}

impl Error for PrivateNetwork {}

/// Whether `error`, or an error it was caused by, is `PrivateNetwork`.
pub fn refused_as_private(error: &(dyn Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<PrivateNetwork>() {
            return true;
        }
        cause = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_servers_own_networks_are_internal() {
        for text in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.0.10",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(internal(ip(text)), "{text}");
        }
        for text in [
            "203.0.113.7",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.1",
            "2001:db8::1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!internal(ip(text)), "{text}");
        }
    }

    #[tokio::test]
    async fn a_name_that_resolves_into_the_servers_networks_is_refused() {
        let localhost = || "localhost".parse::<Name>().unwrap();
        let refused = PublicResolver {
            allow_loopback: false,
        }
        .resolve(localhost())
        .await
        .err()
        .expect("localhost is refused");
        assert!(refused_as_private(refused.as_ref()), "{refused}");

        let allowed: Vec<SocketAddr> = PublicResolver {
            allow_loopback: true,
        }
        .resolve(localhost())
        .await
        .expect("localhost is kept when local endpoints are allowed")
        .collect();
        assert!(!allowed.is_empty());
        assert!(allowed.iter().all(|address| address.ip().is_loopback()));
    }
}
