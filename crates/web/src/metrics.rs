//! Prometheus metrics in the text exposition format.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    pub logins_ok: AtomicU64,
    pub logins_failed: AtomicU64,
    duration_us_total: AtomicU64,
}

impl Metrics {
    pub fn observe(&self, route_kind: &str, status: u16, micros: u64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((route_kind.to_string(), status)).or_insert(0) += 1;
        }
        self.duration_us_total.fetch_add(micros, Ordering::Relaxed);
    }

    pub fn render(&self, db_up: bool) -> String {
        let mut s = String::new();
        s.push_str("# HELP zian_http_requests_total HTTP requests by kind and status.\n");
        s.push_str("# TYPE zian_http_requests_total counter\n");
        let mut total = 0;
        if let Ok(m) = self.requests.lock() {
            for ((kind, status), n) in m.iter() {
                total += n;
                s.push_str(&format!(
                    "zian_http_requests_total{{kind=\"{kind}\",status=\"{status}\"}} {n}\n"
                ));
            }
        }
        s.push_str(
            "# HELP zian_http_request_duration_seconds_sum Total time spent serving requests.\n",
        );
        s.push_str("# TYPE zian_http_request_duration_seconds_sum counter\n");
        s.push_str(&format!(
            "zian_http_request_duration_seconds_sum {:.6}\n",
            self.duration_us_total.load(Ordering::Relaxed) as f64 / 1e6
        ));
        s.push_str(&format!(
            "zian_http_request_duration_seconds_count {total}\n"
        ));
        s.push_str("# HELP zian_logins_total Password logins by outcome.\n# TYPE zian_logins_total counter\n");
        s.push_str(&format!(
            "zian_logins_total{{outcome=\"success\"}} {}\n",
            self.logins_ok.load(Ordering::Relaxed)
        ));
        s.push_str(&format!(
            "zian_logins_total{{outcome=\"failure\"}} {}\n",
            self.logins_failed.load(Ordering::Relaxed)
        ));
        s.push_str("# HELP zian_database_up Whether the database answered.\n# TYPE zian_database_up gauge\n");
        s.push_str(&format!("zian_database_up {}\n", u8::from(db_up)));
        s
    }
}
