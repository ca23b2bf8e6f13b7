//! The organisation's logo in the running header of PDF, ODT and DOCX.
//!
//! An uploaded image is checked and normalised once, when it is kept: only
//! PNG and JPEG are taken, decoded under fixed limits (so a crafted file
//! cannot claim gigabytes), shrunk to a header's resolution and written back
//! as PNG. The renderers then see one format, and nothing of the original
//! file (metadata, trailing bytes) reaches a document.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

use crate::Error;

/// Bytes of an uploaded logo at most.
pub const MAX_UPLOAD_BYTES: usize = 256 * 1024;
/// Pixels of either side of an uploaded logo at most.
pub const MAX_SIDE: u32 = 4000;
/// The height a logo is kept at, at most (about 300 dpi at the printed
/// height of 0.9 cm).
pub const KEPT_HEIGHT: u32 = 120;
/// The height the logo is printed at in the header, in millimetres.
pub const PRINTED_HEIGHT_MM: f64 = 9.0;

/// A logo ready for the documents: PNG and its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why an uploaded image is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("the file is empty")]
    Empty,
    #[error("the file has {0} bytes; at most {MAX_UPLOAD_BYTES}")]
    TooLarge(usize),
    #[error("not a PNG or JPEG image")]
    NotAnImage,
    #[error("the image is {0}×{1} pixels; at most {MAX_SIDE} a side")]
    TooManyPixels(u32, u32),
    #[error("the image cannot be read: {0}")]
    Unreadable(String),
}

/// A reader of `bytes` that refuses images over [`MAX_SIDE`] or needing
/// more than 128 MiB to decode.
fn limited(bytes: &[u8], format: ImageFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(128 * 1024 * 1024);
    reader.limits(limits);
    reader
}

impl Logo {
    /// Checks an uploaded image and keeps it as PNG at most
    /// [`KEPT_HEIGHT`] pixels high.
    pub fn from_upload(bytes: &[u8]) -> Result<Logo, LogoError> {
        if bytes.is_empty() {
            return Err(LogoError::Empty);
        }
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(LogoError::TooLarge(bytes.len()));
        }
        let format = image::guess_format(bytes).map_err(|_| LogoError::NotAnImage)?;
        if !matches!(format, ImageFormat::Png | ImageFormat::Jpeg) {
            return Err(LogoError::NotAnImage);
        }
        let (w, h) = limited(bytes, format)
            .into_dimensions()
            .map_err(|e| LogoError::Unreadable(e.to_string()))?;
        if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE {
            return Err(LogoError::TooManyPixels(w, h));
        }
        let mut img = limited(bytes, format)
            .decode()
            .map_err(|e| LogoError::Unreadable(e.to_string()))?;
        if img.height() > KEPT_HEIGHT {
            let width = (u64::from(img.width()) * u64::from(KEPT_HEIGHT) / u64::from(img.height()))
                .clamp(1, u64::from(MAX_SIDE));
            let width = u32::try_from(width).unwrap_or(MAX_SIDE);
            img = img.resize_exact(width, KEPT_HEIGHT, image::imageops::FilterType::Triangle);
        }
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .map_err(|e| LogoError::Unreadable(e.to_string()))?;
        Ok(Logo {
            png,
            width: img.width(),
            height: img.height(),
        })
    }

    /// A kept logo (already normalised) with its size read back.
    pub fn from_png(png: Vec<u8>) -> Result<Logo, Error> {
        let reader = ImageReader::with_format(Cursor::new(&png), ImageFormat::Png);
        let (width, height) = reader
            .into_dimensions()
            .map_err(|e| Error::Layout(format!("logo: {e}")))?;
        Ok(Logo { png, width, height })
    }

    /// The printed width in millimetres at [`PRINTED_HEIGHT_MM`].
    pub fn printed_width_mm(&self) -> f64 {
        PRINTED_HEIGHT_MM * f64::from(self.width) / f64::from(self.height.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(w: u32, h: u32, format: ImageFormat) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), format)
            .expect("encode");
        out
    }

    #[test]
    fn png_and_jpeg_are_kept_as_png_no_higher_than_a_header() {
        let logo = Logo::from_upload(&encoded(600, 300, ImageFormat::Jpeg)).expect("jpeg");
        assert_eq!((logo.width, logo.height), (240, KEPT_HEIGHT));
        assert!(logo.png.starts_with(b"\x89PNG"));
        let small = Logo::from_upload(&encoded(40, 20, ImageFormat::Png)).expect("png");
        assert_eq!((small.width, small.height), (40, 20));
        assert_eq!(Logo::from_png(small.png.clone()).expect("kept"), small);
        assert!((small.printed_width_mm() - 18.0).abs() < 1e-9);
    }

    #[test]
    fn other_files_are_refused_with_the_reason() {
        assert_eq!(Logo::from_upload(b""), Err(LogoError::Empty));
        assert_eq!(Logo::from_upload(b"GIF89a...."), Err(LogoError::NotAnImage));
        assert_eq!(
            Logo::from_upload(b"%PDF-1.7 hello"),
            Err(LogoError::NotAnImage)
        );
        let big = vec![0u8; MAX_UPLOAD_BYTES + 1];
        assert_eq!(
            Logo::from_upload(&big),
            Err(LogoError::TooLarge(MAX_UPLOAD_BYTES + 1))
        );
        // a PNG cut short: its header claims pixels its data does not hold
        let mut cut = encoded(50, 50, ImageFormat::Png);
        cut.truncate(60);
        assert!(matches!(
            Logo::from_upload(&cut),
            Err(LogoError::Unreadable(_))
        ));
        // a header claiming a huge image is refused before decoding
        let mut huge = encoded(10, 10, ImageFormat::Png);
        huge[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        assert!(matches!(
            Logo::from_upload(&huge),
            Err(LogoError::TooManyPixels(..) | LogoError::Unreadable(_))
        ));
    }
}
