//! Finding the CJK fonts and checking, before layout, that they can draw
//! every character of a document.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use crate::Error;

/// Where Debian's `fonts-noto-cjk` puts the Traditional Chinese collections.
pub fn default_font_dirs() -> Vec<PathBuf> {
    vec![
        PathBuf::from("/usr/share/fonts/opentype/noto"),
        PathBuf::from("/usr/share/fonts/truetype/noto"),
        PathBuf::from("/usr/local/share/fonts"),
    ]
}

/// The body (serif, 明體) and heading (sans, 黑體) families we prefer.
const SERIF: &str = "Noto Serif CJK TC";
const SANS: &str = "Noto Sans CJK TC";

/// Loaded fonts: built once per process and shared by every render.
pub struct FontSet {
    pub(crate) fonts: Vec<Font>,
    pub(crate) book: LazyHash<FontBook>,
    /// Body families in fallback order.
    pub(crate) body: Vec<String>,
    /// Heading families in fallback order.
    pub(crate) heading: Vec<String>,
    /// The files the faces came from.
    pub files: Vec<PathBuf>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet")
            .field("faces", &self.fonts.len())
            .field("body", &self.body)
            .field("heading", &self.heading)
            .finish()
    }
}

fn is_font_file(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("ttc" | "otf" | "ttf" | "otc")
    )
}

fn walk(dir: &Path, depth: u8, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() && depth > 0 {
            walk(&p, depth - 1, out);
        } else if is_font_file(&p) {
            out.push(p);
        }
    }
}

impl FontSet {
    /// Loads the fonts of `configured` when given (every face in it), else the
    /// Noto CJK collections of the default directories (only their
    /// Traditional Chinese faces, to keep memory down).
    pub fn discover(configured: Option<&Path>) -> Result<Self, Error> {
        let (dirs, all_faces) = match configured {
            Some(dir) => (vec![dir.to_path_buf()], true),
            None => (default_font_dirs(), false),
        };
        let mut files = Vec::new();
        for dir in &dirs {
            walk(dir, 3, &mut files);
        }
        if !all_faces {
            files.retain(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                name.contains("CJK") && (name.contains("Regular") || name.contains("Bold"))
            });
        }
        let mut fonts = Vec::new();
        let mut used = Vec::new();
        for path in &files {
            let Ok(data) = std::fs::read(path) else {
                continue;
            };
            let before = fonts.len();
            fonts.extend(
                Font::iter(Bytes::new(data))
                    .filter(|f| all_faces || f.info().family.ends_with(" TC")),
            );
            if fonts.len() > before {
                used.push(path.clone());
            }
        }
        Self::from_fonts(fonts, used).map_err(|_| Error::NoFonts {
            searched: dirs
                .iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    fn from_fonts(fonts: Vec<Font>, files: Vec<PathBuf>) -> Result<Self, ()> {
        // A family is usable when it draws Chinese at all.
        let families: BTreeSet<String> = fonts
            .iter()
            .filter(|f| f.info().coverage.contains('資' as u32))
            .map(|f| f.info().family.clone())
            .collect();
        if families.is_empty() {
            return Err(());
        }
        let order = |first: &str, second: &str| -> Vec<String> {
            let mut v: Vec<String> = [first, second]
                .into_iter()
                .filter(|f| families.contains(*f))
                .map(str::to_owned)
                .collect();
            let rest: Vec<String> = families
                .iter()
                .filter(|f| !v.contains(f))
                .cloned()
                .collect();
            v.extend(rest);
            v
        };
        let body = order(SERIF, SANS);
        let heading = order(SANS, SERIF);
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        Ok(Self {
            fonts,
            book,
            body,
            heading,
            files,
        })
    }

    /// The body font family (for the ODF and Word styles).
    pub fn body_family(&self) -> &str {
        self.body.first().map(String::as_str).unwrap_or(SERIF)
    }

    /// Characters of `texts` that no loaded face can draw (whitespace and
    /// control characters aside), in order of first appearance.
    pub fn missing<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Vec<char> {
        let mut seen = BTreeSet::new();
        let mut missing = Vec::new();
        for text in texts {
            for c in text.chars() {
                if c.is_whitespace() || c.is_control() || !seen.insert(c) {
                    continue;
                }
                // Variation selectors and joiners are not drawn on their own.
                if matches!(c, '\u{200B}'..='\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
                {
                    continue;
                }
                if !self
                    .fonts
                    .iter()
                    .any(|f| f.info().coverage.contains(c as u32))
                {
                    missing.push(c);
                }
            }
        }
        missing
    }

    /// Refuses `texts` with the characters the fonts cannot draw.
    pub fn check<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Result<(), Error> {
        let missing = self.missing(texts);
        if missing.is_empty() {
            return Ok(());
        }
        let chars = missing
            .iter()
            .take(20)
            .map(|c| format!("「{c}」(U+{:04X})", *c as u32))
            .collect::<Vec<_>>()
            .join("、");
        let more = if missing.len() > 20 {
            format!(" and {} more", missing.len() - 20)
        } else {
            String::new()
        };
        Err(Error::MissingGlyphs {
            chars: format!("{chars}{more}"),
        })
    }
}
