//! Fuzz the backup archive reader: arbitrary bytes → `archive::verify` and the
//! item-by-item reader must never panic; what a version-2 archive that
//! verifies holds must be writable again by `ArchiveWriter`, and that copy is
//! canonical (rewriting it gives the same bytes). Inputs starting
//! with `!` are text instead: each line becomes a text cell, the cells are
//! archived and must read back unchanged (or be refused for NUL).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zian_domain::archive::{ArchiveReader, ArchiveWriter, Cell, Column, Item, Kind, verify};

const TABLES: &[&str] = &["orgs", "users", "evidence_files", "audit_log", "audit_head"];

fn rewrite(data: &[u8]) -> Option<Vec<u8>> {
    let mut r = ArchiveReader::new(data, TABLES).ok()?;
    if r.version() != 2 {
        while r.next_item().ok()?.is_some() {}
        return None;
    }
    let mut w = ArchiveWriter::new(Vec::new(), r.migrations()).expect("in memory");
    while let Some(item) = r.next_item().ok()? {
        match item {
            Item::Table { name, rows, columns } => w.table(&name, rows, &columns).expect("table"),
            Item::Row(cells) => w.row(&cells).expect("row read back is writable"),
        }
    }
    r.summary()?;
    Some(w.finish().expect("finish").1)
}

fuzz_target!(|data: &[u8]| {
    if let Some(text) = data.strip_prefix(b"!") {
        let cells: Vec<Cell> = String::from_utf8_lossy(text)
            .split('\n')
            .map(|l| Cell::Text(l.to_string()))
            .collect();
        let cols: Vec<Column> = (0..cells.len())
            .map(|k| Column { name: format!("c{k}"), kind: Kind::Text })
            .collect();
        let mut w = ArchiveWriter::new(Vec::new(), &[1]).expect("in memory");
        w.table("orgs", 1, &cols).expect("table");
        let nul = cells.iter().any(|c| matches!(c, Cell::Text(s) if s.contains('\0')));
        match w.row(&cells) {
            Err(_) => assert!(nul, "only NUL is refused"),
            Ok(()) => {
                assert!(!nul, "NUL must be refused");
                let out = w.finish().expect("finish").1;
                let mut r = ArchiveReader::new(&out[..], TABLES).expect("header");
                let mut back = Vec::new();
                while let Some(i) = r.next_item().expect("reads back") {
                    if let Item::Row(c) = i {
                        back = c;
                    }
                }
                assert_eq!(back, cells);
            }
        }
        return;
    }
    let verified = verify(data, TABLES);
    if let Some(again) = rewrite(data) {
        assert!(verified.is_ok());
        assert_eq!(
            rewrite(&again).as_deref(),
            Some(&again[..]),
            "a written archive verifies and is written back byte for byte"
        );
    }
});
