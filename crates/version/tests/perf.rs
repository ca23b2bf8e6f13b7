//! Timing of pre-parsed comparisons (hot path of matching). Run with
//! `cargo test --release -p zian-version --test perf -- --ignored --nocapture`.
//! Prints numbers; asserts only that the work was done.

use std::hint::black_box;
use std::time::Instant;

use zian_version::Version;

#[test]
#[ignore = "timing measurement; run explicitly in release mode"]
fn ten_million_comparisons() {
    let shapes = [
        "1.0.1f",
        "1.0.1g",
        "10.2.9-h1",
        "10.2.9-h10",
        "10.0.19045.5737",
        "10.0.19045.4780",
        "15.2(4)M2",
        "15.3(100)m",
        "7.0 update 45",
        "1.8.0_121",
        "2.4.10",
        "2.4.9",
        "1.0-beta2",
        "1.0rc1",
        "4.2.6 build_20170517",
        "2016-01-30",
        "v200r003c00spc600",
        "124.0.6367.201",
    ];
    let versions: Vec<Version> = (0..1024)
        .map(|i| {
            let base = shapes[i % shapes.len()];
            Version::parse(&format!("{base}.{}", i / shapes.len()))
        })
        .collect();
    let n = 10_000_000usize;
    let start = Instant::now();
    let mut less = 0usize;
    for i in 0..n {
        let a = &versions[i & 1023];
        let b = &versions[(i.wrapping_mul(7919) >> 3) & 1023];
        if black_box(a) < black_box(b) {
            less += 1;
        }
    }
    let elapsed = start.elapsed();
    println!(
        "{n} comparisons in {:.3} s = {:.1} ns/comparison ({less} less)",
        elapsed.as_secs_f64(),
        elapsed.as_nanos() as f64 / n as f64
    );
    let start = Instant::now();
    let parsed: usize = (0..100_000)
        .map(|i| {
            Version::parse(black_box(shapes[i % shapes.len()]))
                .as_str()
                .len()
        })
        .sum();
    let elapsed = start.elapsed();
    println!(
        "100000 parses in {:.3} s = {:.1} ns/parse ({parsed} bytes)",
        elapsed.as_secs_f64(),
        elapsed.as_nanos() as f64 / 100_000.0
    );
    assert!(less > 0 && less < n);
}
