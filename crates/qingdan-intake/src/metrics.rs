//! What `GET /metrics` tells an office's monitoring, in the OpenMetrics
//! text format Prometheus scrapes: packets received by outcome and problem
//! code, how long requests take, how many packets wait for the writer and
//! how many it commits at once. Counted where they happen (the API's edge,
//! the writer); nothing here decides anything.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// A packet's outcome: `accepted`, `duplicate`, `refused` (a 4xx) or
/// `failed` (the intake's own failure, a 5xx), and for the last two the
/// problem code (empty otherwise).
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    outcome: &'static str,
    code: &'static str,
}

/// The intake's counters, gauges and histograms.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    packets: Family<Outcome, Counter>,
    requests: Histogram,
    queue: Gauge,
    groups: Histogram,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::default();
        let packets = Family::<Outcome, Counter>::default();
        registry.register(
            "qingdan_packets",
            "Packets received, by outcome (accepted, duplicate, refused, failed) and problem code",
            packets.clone(),
        );
        // 1 ms to about 33 s.
        let requests = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        registry.register(
            "qingdan_request_duration_seconds",
            "How long the intake took to answer a request",
            requests.clone(),
        );
        let queue = Gauge::default();
        registry.register(
            "qingdan_writer_queue",
            "Checked packets waiting for the writer",
            queue.clone(),
        );
        // 1 to 512 packets a commit.
        let groups = Histogram::new(exponential_buckets(1.0, 2.0, 10));
        registry.register(
            "qingdan_commit_group_packets",
            "Packets committed together in one transaction",
            groups.clone(),
        );
        Metrics {
            registry,
            packets,
            requests,
            queue,
            groups,
        }
    }
}

impl Metrics {
    /// A packet stored now.
    pub fn accepted(&self) {
        self.count("accepted", "");
    }

    /// A packet the intake held already.
    pub fn duplicate(&self) {
        self.count("duplicate", "");
    }

    /// A packet refused with problem code `code`.
    pub fn refused(&self, code: &'static str) {
        self.count("refused", code);
    }

    /// A packet not stored for a failure of the intake's, code `code`.
    pub fn failed(&self, code: &'static str) {
        self.count("failed", code);
    }

    fn count(&self, outcome: &'static str, code: &'static str) {
        self.packets.get_or_create(&Outcome { outcome, code }).inc();
    }

    /// A request answered after `seconds`.
    pub fn answered(&self, seconds: f64) {
        self.requests.observe(seconds);
    }

    /// A group of `packets` committed in one transaction.
    pub fn committed(&self, packets: usize) {
        self.groups.observe(packets as f64);
    }

    /// The text for `GET /metrics`, with `queue` packets waiting now.
    pub fn render(&self, queue: usize) -> String {
        self.queue.set(i64::try_from(queue).unwrap_or(i64::MAX));
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_appear_by_outcome_and_code() {
        let metrics = Metrics::default();
        metrics.accepted();
        metrics.accepted();
        metrics.refused("bad-signature");
        metrics.committed(2);
        let text = metrics.render(3);
        assert!(
            text.contains(r#"qingdan_packets_total{outcome="accepted",code=""} 2"#),
            "{text}"
        );
        assert!(
            text.contains(r#"qingdan_packets_total{outcome="refused",code="bad-signature"} 1"#),
            "{text}"
        );
        assert!(text.contains("qingdan_writer_queue 3"), "{text}");
        assert!(
            text.contains("qingdan_commit_group_packets_count 1"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
