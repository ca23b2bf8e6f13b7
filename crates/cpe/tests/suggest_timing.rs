//! Timing of `zian cpe suggest` in the build profile it runs in (no assertions on time):
//! `cargo test -p zian-cpe --release --test suggest_timing -- --ignored --nocapture`.

use std::time::Instant;
use zian_cpe::suggest::{Dictionary, Suggester};

const LIST: &str = include_str!("fixtures/displaynames.tsv");

#[test]
#[ignore = "timing report; run in release with --ignored --nocapture"]
fn time_load_and_1000_lines() {
    let lines: Vec<Vec<&str>> = LIST
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    let t = Instant::now();
    let d = Dictionary::builtin();
    let load = t.elapsed();
    let s = Suggester::new(d);
    let t = Instant::now();
    let mut n = 0usize;
    for f in lines.iter().cycle().take(1000) {
        n += s.suggest(f[0], f[1], Some(f[2])).len();
    }
    let run = t.elapsed();
    println!(
        "dictionary load {:.1} ms ({} pairs); 1,000 lines {:.1} ms ({n} candidates)",
        load.as_secs_f64() * 1000.0,
        d.len(),
        run.as_secs_f64() * 1000.0
    );
}
