//! What the benchmarks share: their settings from the environment and their percentiles.
// Each benchmark uses what it needs of this.
#![allow(dead_code)]

/// A count from the environment (BENCH_CASES and the like), else the default.
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The value at fraction `p` of a sorted list (nearest rank).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub mod load;
