//! Fuzz the intelligence text scanners: arbitrary UTF-8 → personal data
//! masked and indicators extracted. Must never panic; every hit is a range
//! of the input on character boundaries, in order and not overlapping; the
//! masked text is the input with each hit replaced; and no national id that
//! was found is left in the masked text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zian_domain::intel::{indicators, mask};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (masked, hits) = mask::mask(s, &["王小明"]);
    let mut at = 0;
    let mut rebuilt = String::new();
    for h in &hits {
        assert!(
            at <= h.start && h.start < h.end && h.end <= s.len(),
            "{h:?}"
        );
        assert!(
            s.is_char_boundary(h.start) && s.is_char_boundary(h.end),
            "{h:?}"
        );
        assert_eq!(&s[h.start..h.end], h.text);
        rebuilt.push_str(&s[at..h.start]);
        rebuilt.push_str(&h.masked);
        at = h.end;
    }
    rebuilt.push_str(&s[at..]);
    assert_eq!(rebuilt, masked);
    // The same id may also occur where it is not a whole token (and so is
    // not a hit): each hit must take one occurrence away.
    for h in hits.iter().filter(|h| h.kind == mask::PiiKind::NationalId) {
        let found = hits.iter().filter(|o| o.text == h.text).count();
        assert!(
            masked.matches(&h.text).count() + found <= s.matches(&h.text).count(),
            "{h:?}"
        );
    }
    for i in indicators::extract(s) {
        assert_eq!(
            indicators::normalise(i.kind, &i.value).as_deref(),
            Some(i.value.as_str())
        );
    }
});
