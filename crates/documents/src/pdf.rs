//! PDF/A-2b through Typst. The template is fixed (templates/document.typ);
//! the document travels as JSON in a virtual file, so no value is ever
//! evaluated as Typst markup.

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::{Document, Error, FontSet};

/// Where the template finds the logo (a PNG).
const LOGO_PATH: &str = "/logo.png";

const TEMPLATE: &str = include_str!("../templates/document.typ");

struct DocWorld<'a> {
    library: LazyHash<Library>,
    fonts: &'a FontSet,
    main: Source,
    data_id: FileId,
    data: Bytes,
    logo_id: FileId,
    logo: Option<Bytes>,
    today: time::Date,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.logo_id
            && let Some(logo) = &self.logo
        {
            Ok(logo.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            u8::from(self.today.month()),
            self.today.day(),
        )
    }
}

fn file_id(path: &str) -> Result<FileId, Error> {
    let vpath = VirtualPath::new(path).map_err(|e| Error::Layout(format!("{e:?}")))?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

pub(crate) fn render(doc: &Document, fonts: &FontSet) -> Result<Vec<u8>, Error> {
    fonts.check(doc.texts())?;
    let data = serde_json::json!({
        "doc": doc,
        "fonts": { "body": fonts.body, "heading": fonts.heading },
        "logo": doc.logo.as_ref().map(|l| serde_json::json!({
            "path": LOGO_PATH,
            "width_mm": l.printed_width_mm(),
            "height_mm": crate::logo::PRINTED_HEIGHT_MM,
        })),
    });
    let data = serde_json::to_vec(&data).map_err(|e| Error::Layout(e.to_string()))?;
    let world = DocWorld {
        library: LazyHash::new(Library::default()),
        fonts,
        main: Source::new(file_id("/document.typ")?, TEMPLATE.to_owned()),
        data_id: file_id("/data.json")?,
        data: Bytes::new(data),
        logo_id: file_id(LOGO_PATH)?,
        logo: doc.logo.as_ref().map(|l| Bytes::new(l.png.clone())),
        today: doc.issued,
    };
    let compiled = typst::compile::<PagedDocument>(&world);
    let paged = compiled.output.map_err(|errors| {
        Error::Layout(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let standards =
        PdfStandards::new(&[PdfStandard::A_2b]).map_err(|e| Error::Layout(format!("{e:?}")))?;
    let timestamp = Datetime::from_ymd_hms(
        doc.issued.year(),
        u8::from(doc.issued.month()),
        doc.issued.day(),
        0,
        0,
        0,
    )
    .map(Timestamp::new_utc);
    let options = PdfOptions {
        ident: Smart::Custom(format!("zian/{}/{}", doc.name, doc.issued)),
        creator: Smart::Custom(Some("Zian 資安".to_owned())),
        timestamp,
        standards,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&paged, &options).map_err(|errors| {
        Error::Layout(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    });
    // Typst memoises layout in a process-wide cache: a server rendering one
    // document after another keeps only what the last few renders used
    typst::comemo::evict(KEPT_RENDERS);
    pdf
}

/// Renders whose memoised layout is kept for the next (see [`render`]).
const KEPT_RENDERS: usize = 3;

/// Forgets every memoised layout (a benchmark's cold measurement).
pub fn forget_layouts() {
    typst::comemo::evict(0);
}
