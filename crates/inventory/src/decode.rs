//! Text encodings: a byte-order mark decides; otherwise UTF-8 if the bytes
//! are valid UTF-8, else Big5 if they decode without a single malformed
//! sequence, else the file is refused (never garbled).

use std::borrow::Cow;

use crate::{Encoding, FileError};

pub(crate) fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), FileError> {
    let (text, encoding): (Cow<'_, str>, Encoding) =
        if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
            let t = std::str::from_utf8(rest).map_err(|_| FileError::Undecodable)?;
            (Cow::Borrowed(t), Encoding::Utf8Bom)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
            let t = encoding_rs::UTF_16LE
                .decode_without_bom_handling_and_without_replacement(rest)
                .ok_or(FileError::Undecodable)?;
            (t, Encoding::Utf16Le)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
            let t = encoding_rs::UTF_16BE
                .decode_without_bom_handling_and_without_replacement(rest)
                .ok_or(FileError::Undecodable)?;
            (t, Encoding::Utf16Be)
        } else if let Ok(t) = std::str::from_utf8(bytes) {
            (Cow::Borrowed(t), Encoding::Utf8)
        } else {
            let t = encoding_rs::BIG5
                .decode_without_bom_handling_and_without_replacement(bytes)
                .ok_or(FileError::Undecodable)?;
            (t, Encoding::Big5)
        };
    if text.contains('\0') {
        return Err(FileError::NotText);
    }
    Ok((text, encoding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_marks_utf8_and_big5() {
        let (t, e) = decode(b"\xEF\xBB\xBFhost").expect("bom");
        assert_eq!((t.as_ref(), e), ("host", Encoding::Utf8Bom));
        let (t, e) = decode("主機".as_bytes()).expect("utf-8");
        assert_eq!((t.as_ref(), e), ("主機", Encoding::Utf8));
        // 主機 in Big5
        let (t, e) = decode(b"\xA5\x44\xBE\xF7").expect("big5");
        assert_eq!((t.as_ref(), e), ("主機", Encoding::Big5));
        let (t, e) = decode(b"\xFF\xFEh\0i\0").expect("utf-16le");
        assert_eq!((t.as_ref(), e), ("hi", Encoding::Utf16Le));
        let (t, e) = decode(b"\xFE\xFF\0h\0i").expect("utf-16be");
        assert_eq!((t.as_ref(), e), ("hi", Encoding::Utf16Be));
        // Windows-1252 "Café 1.0": 0xE9 followed by a blank is not Big5
        assert_eq!(decode(b"Caf\xE9 1.0").err(), Some(FileError::Undecodable));
        // a lead byte at the very end
        assert_eq!(decode(b"abc\xA5").err(), Some(FileError::Undecodable));
        // UTF-16 without a byte-order mark
        assert_eq!(decode(b"h\0i\0").err(), Some(FileError::NotText));
        assert_eq!(
            decode(b"\xEF\xBB\xBF\xFF").err(),
            Some(FileError::Undecodable)
        );
    }
}
