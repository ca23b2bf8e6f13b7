//! Charts of the VANS review, drawn on the server as SVG (no script, no
//! CDN): a month-by-month bar chart with the target as a line, and a small
//! sparkline per agency. Only numbers and `YYYY-MM` labels go into them;
//! the title is escaped.

/// Escapes text for SVG content.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Bars of per cent values by month (none: nothing counted, drawn as a
/// dash), the target as a dashed line.
pub fn bars(
    id: &str,
    title: &str,
    points: &[(String, Option<f64>)],
    target: Option<f64>,
) -> String {
    let (w, h, left, bottom, top) = (640.0_f64, 220.0_f64, 36.0_f64, 28.0_f64, 10.0_f64);
    let n = points.len().max(1) as f64;
    let slot = (w - left - 8.0) / n;
    let y = |pct: f64| top + (h - top - bottom) * (1.0 - pct.clamp(0.0, 100.0) / 100.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" role=\"img\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"11\"><title>{}</title>",
        esc(id),
        esc(title)
    );
    for pct in [0.0, 50.0, 100.0] {
        s.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y0:.1}\" y2=\"{y0:.1}\" stroke=\"#ccc\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{pct:.0}%</text>",
            w - 8.0,
            left - 4.0,
            y(pct) + 4.0,
            y0 = y(pct)
        ));
    }
    for (i, (label, v)) in points.iter().enumerate() {
        let x = left + slot * i as f64 + slot * 0.15;
        let bw = slot * 0.7;
        match v {
            Some(p) => s.push_str(&format!(
                "<rect class=\"bar\" data-month=\"{}\" data-value=\"{p:.1}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"#2f6f9f\"><title>{} {p:.1}%</title></rect>",
                esc(label),
                y(*p),
                (h - bottom) - y(*p),
                esc(label)
            )),
            None => s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">–</text>",
                x + bw / 2.0,
                h - bottom - 4.0
            )),
        }
        if points.len() <= 12 || i % 2 == 0 {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + bw / 2.0,
                h - 10.0,
                esc(label.get(2..).unwrap_or(label))
            ));
        }
    }
    if let Some(t) = target {
        s.push_str(&format!(
            "<line class=\"target\" x1=\"{left}\" x2=\"{}\" y1=\"{yt:.1}\" y2=\"{yt:.1}\" stroke=\"#c0392b\" stroke-dasharray=\"6 4\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#c0392b\">{t:.0}%</text>",
            w - 8.0,
            w - 8.0,
            y(t) - 3.0,
            yt = y(t)
        ));
    }
    s.push_str("</svg>");
    s
}

/// A small line of per cent values (gaps where nothing was counted).
pub fn spark(points: &[Option<f64>]) -> String {
    let (w, h) = (90.0_f64, 22.0_f64);
    let n = points.len().max(2) as f64 - 1.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spark\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" aria-hidden=\"true\">"
    );
    let pts: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            v.map(|p| {
                format!(
                    "{:.1},{:.1}",
                    2.0 + (w - 4.0) * i as f64 / n,
                    2.0 + (h - 4.0) * (1.0 - p.clamp(0.0, 100.0) / 100.0)
                )
            })
        })
        .collect();
    if !pts.is_empty() {
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#2f6f9f\" stroke-width=\"1.5\"/>",
            pts.join(" ")
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_draw_values_gaps_and_the_target() {
        let s = bars(
            "trend",
            "<趨勢>",
            &[("2026-10".into(), Some(80.0)), ("2026-11".into(), None)],
            Some(75.0),
        );
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("&lt;趨勢&gt;"));
        assert_eq!(s.matches("class=\"bar\"").count(), 1);
        assert!(s.contains("data-value=\"80.0\"") && s.contains("class=\"target\""));
        let sp = spark(&[None, Some(50.0), Some(100.0)]);
        assert!(sp.contains("polyline") && sp.matches(',').count() == 2);
    }
}
