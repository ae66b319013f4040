//! The client's address, for the per-address limits and the log: the socket's peer,
//! unless that peer is a reverse proxy named in `--trusted-proxies`
//! (`TRELLIS_TRUSTED_PROXIES`); then `X-Forwarded-For`, read from the right, skipping
//! the trusted proxies that added to it: the rightmost address that is not one of them.
//! Anything to its left was written by the client and proves nothing. Without trusted
//! proxies the header is ignored, so no client can escape its limits by sending one.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

/// The address ranges of the reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<IpNet>);

/// Reads `--trusted-proxies`: comma-separated CIDR ranges (`10.0.0.0/8`, `fd00::/8`) or
/// single addresses (`127.0.0.1`). Empty entries are skipped: an empty setting trusts none.
pub fn trusted_proxies(value: &str) -> Result<TrustedProxies, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map(|net| net.trunc())
                .map_err(|_| {
                    format!("`{entry}` is neither an address nor a CIDR range such as 10.0.0.0/8")
                })
        })
        .collect::<Result<_, _>>()
        .map(TrustedProxies)
}

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address of `req`, as text ("unknown" when actix knows no peer).
    pub fn client_ip(&self, req: &HttpRequest) -> String {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok());
        self.client(req.peer_addr().map(|addr| addr.ip()), forwarded)
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_canonical().to_string())
    }

    /// The client, from the peer and the `X-Forwarded-For` headers in the order received.
    fn client<'a>(
        &self,
        peer: Option<IpAddr>,
        forwarded: impl Iterator<Item = &'a str>,
    ) -> Option<IpAddr> {
        let mut client = peer?;
        if self.0.is_empty() || !self.trusts(client) {
            return Some(client);
        }
        let hops: Vec<&str> = forwarded.flat_map(|value| value.split(',')).collect();
        for hop in hops.iter().rev() {
            // What a trusted proxy wrote is an address; anything else came from further
            // left, and the last address read is as far as can be believed.
            let Some(ip) = parse_hop(hop) else {
                return Some(client);
            };
            client = ip;
            if !self.trusts(ip) {
                return Some(ip);
            }
        }
        Some(client)
    }
}

/// An address as proxies write it: `203.0.113.7`, `2001:db8::1`, `[2001:db8::1]`, or
/// with a port (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(socket) = hop.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    hop.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(trusted: &str, peer: &str, headers: &[&str]) -> String {
        trusted_proxies(trusted)
            .unwrap()
            .client(Some(peer.parse().unwrap()), headers.iter().copied())
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_header_is_ignored_unless_the_peer_is_trusted() {
        assert_eq!(client("", "198.51.100.9", &["203.0.113.7"]), "198.51.100.9");
        assert_eq!(
            client("10.0.0.0/8", "198.51.100.9", &["203.0.113.7"]),
            "198.51.100.9"
        );
        assert_eq!(
            client("10.0.0.0/8", "10.1.2.3", &["203.0.113.7"]),
            "203.0.113.7"
        );
    }

    #[test]
    fn the_rightmost_untrusted_address_is_the_client() {
        // The client forged the first entry; the proxies appended the rest.
        let headers = ["1.2.3.4, 203.0.113.7", "10.0.0.5"];
        assert_eq!(client("10.0.0.0/8", "10.0.0.6", &headers), "203.0.113.7");
        assert_eq!(
            client("10.0.0.0/8, 203.0.113.0/24", "10.0.0.6", &headers),
            "1.2.3.4"
        );
    }

    #[test]
    fn every_hop_trusted_gives_the_leftmost_and_garbage_stops_the_walk() {
        assert_eq!(
            client("10.0.0.0/8", "10.0.0.6", &["10.0.0.1, 10.0.0.2"]),
            "10.0.0.1"
        );
        assert_eq!(
            client("10.0.0.0/8", "10.0.0.6", &["not-an-ip, 10.0.0.2"]),
            "10.0.0.2"
        );
        assert_eq!(client("10.0.0.0/8", "10.0.0.6", &[]), "10.0.0.6");
    }

    #[test]
    fn addresses_with_ports_and_ipv6_are_read() {
        assert_eq!(
            client("::1, 127.0.0.1", "::1", &["[2001:db8::1]:4711"]),
            "2001:db8::1"
        );
        assert_eq!(
            client("127.0.0.1", "127.0.0.1", &["203.0.113.7:80"]),
            "203.0.113.7"
        );
        assert_eq!(
            client("127.0.0.1", "::ffff:127.0.0.1", &["2001:db8::2"]),
            "2001:db8::2"
        );
    }

    #[test]
    fn settings_that_are_not_ranges_are_refused() {
        assert!(trusted_proxies("10.0.0.0/33").is_err());
        assert!(trusted_proxies("proxy.internal").is_err());
        assert_eq!(trusted_proxies(" ,").unwrap(), TrustedProxies::default());
        assert_eq!(
            trusted_proxies("10.1.2.3/8").unwrap().0[0].to_string(),
            "10.0.0.0/8"
        );
    }
}
