//! Each format read from its fixture (see fixtures/SOURCE.md): hosts,
//! software, KB numbers, row errors with line and column.

use zian_i18n::Lang;
use zian_inventory::{
    Encoding, Field, FileError, Format, HostInventory, ParsedFile, RowError, parse,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).expect("fixture exists")
}

fn host<'a>(p: &'a ParsedFile, name: &str) -> &'a HostInventory {
    p.hosts
        .iter()
        .find(|h| h.host == name)
        .unwrap_or_else(|| panic!("host {name} in {:?}", p.hosts))
}

/// `name | version | publisher | cpe` of each item.
fn items(h: &HostInventory) -> Vec<String> {
    h.software
        .iter()
        .map(|s| {
            format!(
                "{} | {} | {} | {}",
                s.name,
                s.version,
                s.publisher,
                s.cpe23.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

/// `line column: reason (zh-TW)` of each error.
fn errors(p: &ParsedFile) -> Vec<String> {
    p.errors
        .iter()
        .map(
            |RowError {
                 line,
                 column,
                 reason,
             }| {
                format!(
                    "{line} {}: {}",
                    column.as_deref().unwrap_or("-"),
                    reason.render(Lang::ZhTw)
                )
            },
        )
        .collect()
}

#[test]
fn the_host_csv_of_zian_vuln_scan() {
    let p = parse("scan-hosts.csv", &fixture("scan-hosts.csv"), None).expect("parses");
    assert_eq!((p.format, p.encoding), (Format::Csv, Encoding::Utf8));
    assert_eq!(p.rows, 10);
    assert_eq!(
        p.hosts.iter().map(|h| h.host.as_str()).collect::<Vec<_>>(),
        ["PC-0012", "SRV-AP01"],
        "pc-0012 is the same host as PC-0012"
    );
    assert_eq!(
        items(host(&p, "PC-0012")),
        [
            "firefox | 115.3.1 | mozilla | cpe:2.3:a:mozilla:firefox:115.3.1:*:*:*:*:*:*:*",
            "7-zip | 23.01 | 7-zip | cpe:2.3:a:7-zip:7-zip:23.01:*:*:*:*:*:*:*",
            "edge_chromium | 120.0.2210.91 | microsoft | cpe:2.3:a:microsoft:edge_chromium:120.0.2210.91:*:*:*:*:*:*:*",
        ]
    );
    assert_eq!(
        items(host(&p, "SRV-AP01")),
        [
            "tomcat | 9.0.83 | apache | cpe:2.3:a:apache:tomcat:9.0.83:*:*:*:*:*:*:*",
            "jdk | 1.8.0 | oracle | cpe:2.3:a:oracle:jdk:1.8.0:update_391:*:*:*:*:*:*",
            "openssl | 3.0.12 | openssl | cpe:2.3:a:openssl:openssl:3.0.12:*:*:*:*:*:*:*",
        ]
    );
    assert_eq!(host(&p, "PC-0012").software[2].line, 4);
    let e = errors(&p);
    assert_eq!(e.len(), 3, "{e:#?}");
    assert!(e[0].starts_with("9 cpe23: 不是有效的 CPE 名稱"), "{}", e[0]);
    assert_eq!(
        e[1],
        "10 -: 欄位數不符：標題列有 5 欄，本列有 3 欄（名稱含逗號時請以雙引號括住）"
    );
    assert_eq!(e[2], "11 host: 未填主機名稱");
    assert_eq!(
        p.errors[1].reason.render(Lang::En),
        "wrong number of cells: the header has 5, this row 3 (put names holding commas in double quotes)"
    );
}

#[test]
fn a_powershell_registry_export_in_utf8_with_bom() {
    let p = parse("programs.csv", &fixture("programs-utf8bom.csv"), None).expect("parses");
    assert_eq!((p.format, p.encoding), (Format::Csv, Encoding::Utf8Bom));
    assert_eq!(
        p.columns
            .iter()
            .map(|c| (c.header.as_str(), c.field))
            .collect::<Vec<_>>(),
        [
            ("PSComputerName", Field::Host),
            ("DisplayName", Field::Name),
            ("DisplayVersion", Field::Version),
            ("Publisher", Field::Publisher),
        ]
    );
    assert_eq!(
        (p.rows, p.skipped),
        (14, 5),
        "keys without DisplayName are skipped"
    );
    assert!(p.errors.is_empty(), "{:#?}", errors(&p));
    assert_eq!(
        items(host(&p, "PC-0012")),
        [
            "7-Zip 23.01 (x64) | 23.01 | Igor Pavlov | -",
            "Google Chrome | 120.0.6099.217 | Google LLC | -",
            "Microsoft Edge | 120.0.2210.121 | Microsoft Corporation | -",
            "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130 | 14.38.33130.0 | Microsoft Corporation | -",
            "自然人憑證 HiCOS PKI 智慧卡元件 | 3.1.1.00925 | 內政部憑證管理中心 | -",
        ],
        "the repeated C++ runtime collapses"
    );
    let pc13 = host(&p, "PC-0013");
    assert_eq!(pc13.software.len(), 3);
    assert_eq!(pc13.software[0].line, 13, "line 1 is #TYPE, 2 the header");
    // the same file without its computer column needs the host
    let text = String::from_utf8(fixture("programs-utf8bom.csv")).expect("utf-8");
    let local: String = text
        .lines()
        .map(|l| l.split_once(',').map_or(l, |(_, rest)| rest))
        .collect::<Vec<_>>()
        .join("\r\n");
    assert_eq!(
        parse("local.csv", local.as_bytes(), None).err(),
        Some(FileError::NoHost)
    );
    let p = parse("local.csv", local.as_bytes(), Some(" PC-0012 ")).expect("with host");
    assert_eq!(p.hosts.len(), 1);
    assert_eq!(p.hosts[0].host, "PC-0012");
    assert_eq!(p.hosts[0].software.len(), 7);
}

#[test]
fn a_big5_csv_with_chinese_headers() {
    let bytes = fixture("programs-big5.csv");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture is not UTF-8"
    );
    assert_eq!(
        parse("軟體.csv", &bytes, None).err(),
        Some(FileError::NoHost),
        "no host column"
    );
    let p = parse("軟體.csv", &bytes, Some("PC-0020")).expect("parses");
    assert_eq!((p.format, p.encoding), (Format::Csv, Encoding::Big5));
    assert_eq!(p.rows, 5, "the blank line is not a row");
    assert!(p.errors.is_empty(), "{:#?}", errors(&p));
    assert_eq!(
        items(host(&p, "PC-0020")),
        [
            "Microsoft Office 專業增強版 2019 - zh-tw | 16.0.10405.20015 | Microsoft Corporation | -",
            "自然人憑證 HiCOS PKI 智慧卡元件 | 3.1.1.00925 | 內政部憑證管理中心 | -",
            "公文線上簽核系統用戶端 | 5.2.1 | 許氏資訊股份有限公司 | -",
            "WinRAR 6.24 (64 位元) | 6.24.0 | win.rar GmbH | -",
            "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130 | 14.38.33130.0 | Microsoft Corporation | -",
        ]
    );
    assert_eq!(host(&p, "PC-0020").software[3].line, 6);
}

#[test]
fn text_in_neither_utf8_nor_big5_is_refused() {
    // Windows-1252: é is 0xE9, followed by a blank (no Big5 trail byte)
    let bytes = b"host,DisplayName,DisplayVersion\r\nPC-0012,Caf\xe9 Reader 2.0,2.0\r\n";
    let e = parse("programs.csv", bytes, None).expect_err("refused");
    assert_eq!(e, FileError::Undecodable);
    assert!(e.reason().render(Lang::ZhTw).contains("Big5"), "{e}");
    assert!(e.reason().render(Lang::En).contains("UTF-8"));
    // UTF-16 without its byte-order mark
    let utf16: Vec<u8> = "DisplayName\r\n7-Zip\r\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_eq!(
        parse("programs.csv", &utf16, Some("PC-0012")).err(),
        Some(FileError::NotText)
    );
    // … and with it
    let mut bom = vec![0xFF, 0xFE];
    bom.extend(&utf16);
    let p = parse("programs.csv", &bom, Some("PC-0012")).expect("utf-16 with bom");
    assert_eq!(p.encoding, Encoding::Utf16Le);
    assert_eq!(p.hosts[0].software[0].name, "7-Zip");
}

#[test]
fn a_get_hotfix_export() {
    let p = parse("hotfix.csv", &fixture("hotfix.csv"), None).expect("parses");
    assert_eq!(p.encoding, Encoding::Utf8);
    assert_eq!(p.rows, 6);
    assert_eq!(
        host(&p, "PC-0012").kbs,
        ["KB890830", "KB5033918", "KB5034441"]
    );
    assert_eq!(host(&p, "SRV-AP01").kbs, ["KB5034439", "KB5034768"]);
    assert!(p.hosts.iter().all(|h| h.software.is_empty()));
    assert_eq!(
        errors(&p),
        ["6 HotFixID: 「File」不是有效的更新編號（例如 KB5034441）"]
    );
}

#[test]
fn an_xlsx_register() {
    let p = parse("清冊.xlsx", &fixture("inventory.xlsx"), None).expect("parses");
    assert_eq!((p.format, p.encoding), (Format::Xlsx, Encoding::Binary));
    assert_eq!(p.rows, 5, "title and blank rows before the header");
    assert_eq!(
        items(host(&p, "SRV-DB01")),
        [
            "Microsoft SQL Server 2019 (64-bit) | 15.0.2000.5 | Microsoft Corporation | cpe:2.3:a:microsoft:sql_server_2019:15.0.2000.5:*:*:*:*:*:*:*",
            "Notepad++ (64-bit x64) | 8.6 | Notepad++ Team | -",
            "公文製作系統 | 2.0 | 檔案管理局 | -",
        ]
    );
    assert_eq!(
        items(host(&p, "SRV-WEB01")),
        [
            "Apache HTTP Server | 2.4.58 | Apache Software Foundation | cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*"
        ]
    );
    assert_eq!(host(&p, "SRV-DB01").software[1].line, 5);
    let e = errors(&p);
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("7 CPE: 不是有效的 CPE 名稱"), "{}", e[0]);
    // a name that promises a workbook over other content, and the legacy format
    assert!(matches!(
        parse("清冊.xlsx", b"host,name\n", None),
        Err(FileError::Workbook { .. })
    ));
    assert_eq!(
        parse("清冊.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", None).err(),
        Some(FileError::UnsupportedWorkbook)
    );
}

/// A workbook whose shared strings would unpack far beyond their packed
/// size (a zip bomb) is refused before the reader unpacks it; the fixture
/// workbook itself passes the check.
#[test]
fn a_workbook_that_would_unpack_to_too_much_is_refused() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", opts).expect("part");
    zip.write_all(b"<Types/>").expect("write");
    zip.start_file("xl/sharedStrings.xml", opts).expect("part");
    let zeros = vec![b'0'; 4 * 1024 * 1024];
    zip.write_all(&zeros).expect("write");
    let bytes = zip.finish().expect("zip").into_inner();
    assert!(bytes.len() < 100_000, "{}", bytes.len());
    let e = parse("bomb.xlsx", &bytes, Some("PC-01")).expect_err("refused");
    assert_eq!(
        e,
        FileError::WorkbookTooLarge {
            limit: zian_inventory::MAX_UNPACKED_BYTES
        }
    );
    assert!(
        e.reason()
            .render(zian_i18n::Lang::ZhTw)
            .contains("解壓縮後過大")
    );
    assert!(parse("清冊.xlsx", &fixture("inventory.xlsx"), None).is_ok());
}

#[test]
fn a_cyclonedx_sbom() {
    let p = parse("bom.json", &fixture("cyclonedx-1.5.json"), None).expect("parses");
    assert_eq!(p.format, Format::CycloneDx);
    assert_eq!(p.rows, 8, "seven components and one nested");
    assert_eq!(p.hosts.len(), 1);
    assert_eq!(
        items(host(&p, "SRV-AP01")),
        [
            "Apache Tomcat | 9.0.83 | Apache Software Foundation | cpe:2.3:a:apache:tomcat:9.0.83:*:*:*:*:*:*:*",
            "OpenSSL | 3.0.12 | OpenSSL Software Foundation | cpe:2.3:a:openssl:openssl:3.0.12:*:*:*:*:*:*:*",
            "Java SE Development Kit 8 Update 391 | 8.0.3910.13 | Oracle Corporation | -",
            "Microsoft .NET Runtime - 6.0.25 (x64) | 6.0.25 | Microsoft Corporation | -",
            "Microsoft ASP.NET Core 6.0.25 Shared Framework (x64) | 6.0.25.23529 | Microsoft Corporation | -",
        ]
    );
    assert_eq!(
        host(&p, "SRV-AP01").software[4].line,
        7,
        "nested: its parent's line"
    );
    let e = errors(&p);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!(e[0], "4 name: 必填");
    assert!(e[1].starts_with("6 cpe: 不是有效的 CPE 名稱"), "{}", e[1]);
    // without metadata.component the caller's host is used, or none is known
    let mut v: serde_json::Value =
        serde_json::from_slice(&fixture("cyclonedx-1.5.json")).expect("json");
    v["metadata"]
        .as_object_mut()
        .expect("metadata")
        .remove("component");
    let bytes = serde_json::to_vec(&v).expect("json");
    assert_eq!(
        parse("bom.json", &bytes, None).err(),
        Some(FileError::NoHost)
    );
    let p = parse("bom.json", &bytes, Some("SRV-AP02")).expect("parses");
    assert_eq!(p.hosts[0].host, "SRV-AP02");
}

#[test]
fn an_spdx_document() {
    let p = parse("sbom.spdx.json", &fixture("spdx-2.3.json"), None).expect("parses");
    assert_eq!(p.format, Format::Spdx);
    assert_eq!(
        (p.rows, p.skipped),
        (6, 1),
        "the described package is the host"
    );
    assert_eq!(
        items(host(&p, "SRV-WEB01")),
        [
            "Apache HTTP Server | 2.4.58 | The Apache Software Foundation | cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*",
            "PHP | 8.2.14 | The PHP Group | cpe:2.3:a:php:php:8.2.14:*:*:*:*:*:*:*",
            "線上申辦系統 |  | 範例資訊股份有限公司 | -",
        ]
    );
    let e = errors(&p);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].starts_with("5 externalRefs: 不是有效的 CPE 名稱"),
        "{}",
        e[0]
    );
    assert_eq!(e[1], "6 -: 項目格式不正確（應為 JSON 物件）");
}

#[test]
fn whole_file_errors() {
    assert_eq!(parse("a.csv", b"", None).err(), Some(FileError::Empty));
    assert!(matches!(
        parse("a.json", b"{\"bomFormat\": ", None),
        Err(FileError::Json { line: 1, .. })
    ));
    assert_eq!(
        parse("a.json", br#"{"hello": "world"}"#, None).err(),
        Some(FileError::NotSbom)
    );
    assert_eq!(
        parse(
            "a.json",
            br#"{"bomFormat": "CycloneDX", "metadata": {"component": {"name": "h"}}, "components": {}}"#,
            None
        )
        .err(),
        Some(FileError::SbomField {
            field: "components"
        })
    );
    assert_eq!(
        parse("bom.xml", b"<?xml version=\"1.0\"?><bom/>", None).err(),
        Some(FileError::UnknownFormat)
    );
    let e = parse(
        "a.csv",
        "資產編號,財產名稱\r\nA-1,筆電\r\n".as_bytes(),
        None,
    )
    .expect_err("no columns");
    assert_eq!(
        e,
        FileError::NoColumns {
            found: "資產編號, 財產名稱".into()
        }
    );
    assert!(e.to_string().contains("資產編號, 財產名稱"), "{e}");
}

#[test]
fn semicolons_tabs_and_synonyms() {
    let p = parse(
        "wmic.csv",
        b"Node;Name;Vendor;Version\r\nPC-0031;Mozilla Firefox (x64 zh-TW);Mozilla;121.0\r\n",
        None,
    )
    .expect("semicolons");
    assert_eq!(
        items(&p.hosts[0]),
        ["Mozilla Firefox (x64 zh-TW) | 121.0 | Mozilla | -"],
        "wmic's Vendor is the publisher, not a CPE vendor"
    );
    let p = parse(
        "pkg.tsv",
        "電腦名稱\t程式名稱\t版本號\t發行商\r\nPC-0032\tLINE\t8.5.0\tLY Corporation\r\n".as_bytes(),
        None,
    )
    .expect("tabs");
    assert_eq!(p.hosts[0].host, "PC-0032");
    assert_eq!(items(&p.hosts[0]), ["LINE | 8.5.0 | LY Corporation | -"]);
}

#[test]
fn duplicates_collapse_and_keep_the_first_line() {
    let csv = "host,DisplayName,DisplayVersion,Publisher,cpe23\n\
               PC-1,7-Zip,23.01,Igor Pavlov,\n\
               PC-1,7-Zip,23.01,Igor Pavlov,cpe:2.3:a:7-zip:7-zip:23.01:*:*:*:*:*:*:*\n\
               pc-1, 7-Zip ,23.01,Igor Pavlov,\n\
               PC-1,7-Zip,22.01,Igor Pavlov,\n";
    let p = parse("x.csv", csv.as_bytes(), None).expect("parses");
    assert_eq!(p.hosts.len(), 1);
    let s = &p.hosts[0].software;
    assert_eq!(s.len(), 2);
    assert_eq!((s[0].line, s[0].version.as_str()), (2, "23.01"));
    assert_eq!(
        s[0].cpe23.as_deref(),
        Some("cpe:2.3:a:7-zip:7-zip:23.01:*:*:*:*:*:*:*"),
        "a later duplicate supplies the CPE name the first lacked"
    );
    assert_eq!(s[1].version, "22.01");
}
