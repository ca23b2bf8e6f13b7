//! `cargo run --release -p zian-vuln --example bench_vuln -- FILE…`: the
//! benchmarks of [`zian_vuln::bench::run_bench`] (the CLI's `zian bench vuln`).
fn main() -> Result<(), zian_vuln::VulnError> {
    let files: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    zian_vuln::bench::run_bench(&files, std::io::stdout().lock())?;
    Ok(())
}
