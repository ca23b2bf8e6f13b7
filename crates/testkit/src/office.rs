//! The tools an auditor opens documents with, as test oracles: poppler
//! (pdftotext, pdffonts, pdftoppm) and LibreOffice headless. Installed by
//! `scripts/install-test-deps.sh`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} (poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// The text of a PDF (`pdftotext -layout`).
pub fn pdf_text(pdf: &Path) -> String {
    tool("pdftotext", &["-layout", s(pdf), "-"])
}

/// Asserts that the PDF embeds every font it uses and declares PDF/A-2.
pub fn assert_archival_pdf(pdf: &Path) {
    let listing = tool("pdffonts", &[s(pdf)]);
    let faces: Vec<&str> = listing.lines().skip(2).collect();
    assert!(
        !faces.is_empty(),
        "no fonts in {}: {listing}",
        pdf.display()
    );
    for line in faces {
        // name type… encoding emb sub uni object-id: emb is fifth from the end
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            cols.iter().rev().nth(4),
            Some(&"yes"),
            "font not embedded in {}: {line}",
            pdf.display()
        );
    }
    let bytes = std::fs::read(pdf).expect("read pdf");
    let raw = String::from_utf8_lossy(&bytes);
    assert!(
        raw.contains("<pdfaid:part>2</pdfaid:part>") || raw.contains("pdfaid:part=\"2\""),
        "{} does not declare PDF/A-2",
        pdf.display()
    );
}

/// Page 1 of the PDF as `<stem>.png` beside it (an artefact to look at).
pub fn first_page_png(pdf: &Path) -> PathBuf {
    let stem = pdf.with_extension("");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-singlefile",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            s(pdf),
            s(&stem),
        ],
    );
    let png = pdf.with_extension("png");
    assert!(png.exists(), "no PNG of {}", pdf.display());
    png
}

/// Converts `file` with LibreOffice headless (`filter` as `--convert-to`
/// takes it) and returns the converted file, whose extension is `ext`.
/// LibreOffice gets its own HOME and profile under the file's directory: a
/// crashed start moves its profile directory aside ("SafeMode"), which must
/// never be the user's.
pub fn soffice_convert(file: &Path, ext: &str, filter: &str) -> PathBuf {
    let src_ext = file
        .extension()
        .and_then(|e| e.to_str())
        .expect("extension");
    let dir = file
        .parent()
        .expect("dir")
        .join(format!("lo-{src_ext}-{ext}"));
    let home = dir.join("home");
    std::fs::create_dir_all(&home).expect("LibreOffice home");
    let profile = format!(
        "-env:UserInstallation=file://{}",
        home.join("profile").display()
    );
    let out = Command::new("soffice")
        .env("HOME", &home)
        .env("SAL_USE_VCLPLUGIN", "svp")
        .args([
            &profile,
            "--headless",
            "--norestore",
            "--convert-to",
            filter,
            "--outdir",
            s(&dir),
            s(file),
        ])
        .output()
        .expect("soffice (libreoffice-writer-nogui, libreoffice-calc-nogui)");
    assert!(
        out.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stem = file.file_stem().and_then(|x| x.to_str()).expect("stem");
    let converted = dir.join(format!("{stem}.{ext}"));
    assert!(
        converted.exists(),
        "LibreOffice did not convert {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    converted
}

/// LibreOffice's text of an office file: documents through PDF, spreadsheets
/// (first sheet) as UTF-8 CSV.
pub fn office_text(file: &Path) -> String {
    match file.extension().and_then(|e| e.to_str()) {
        Some("ods" | "xlsx") => {
            let csv = soffice_convert(file, "csv", "csv:Text - txt - csv (StarCalc):44,34,76");
            String::from_utf8_lossy(&std::fs::read(csv).expect("csv")).into_owned()
        }
        _ => pdf_text(&soffice_convert(file, "pdf", "pdf")),
    }
}
