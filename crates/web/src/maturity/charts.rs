//! The maturity charts, drawn on the server as SVG (no script, no CDN) and
//! readable printed in black and white: each layer's line has its own dash
//! pattern and marker shape and is labelled at its end; a key result's
//! chart shows its values by month against its target as a dashed line.

use crate::layout::esc;

/// Dash patterns and markers, one per series (L1 … L5).
const DASH: [&str; 5] = ["", "6 3", "2 3", "8 3 2 3", "1 1"];

fn marker(i: usize, x: f64, y: f64) -> String {
    match i % 5 {
        0 => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#000\"/>"),
        1 => format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"6\" height=\"6\" fill=\"#fff\" stroke=\"#000\"/>",
            x - 3.0,
            y - 3.0
        ),
        2 => format!(
            "<path d=\"M{x:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z\" fill=\"#000\"/>",
            y - 4.0,
            x + 4.0,
            y + 3.0,
            x - 4.0,
            y + 3.0
        ),
        3 => format!(
            "<path d=\"M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} Z\" fill=\"#fff\" stroke=\"#000\"/>",
            y - 4.0,
            x + 4.0,
            y + 4.0,
            x - 4.0
        ),
        _ => format!(
            "<path d=\"M{:.1},{:.1} L{:.1},{:.1} M{:.1},{:.1} L{:.1},{:.1}\" stroke=\"#000\" stroke-width=\"1.5\"/>",
            x - 3.0,
            y - 3.0,
            x + 3.0,
            y + 3.0,
            x - 3.0,
            y + 3.0,
            x + 3.0,
            y - 3.0
        ),
    }
}

/// One line of a chart: its label and a value per month (gaps where none).
pub struct Series {
    pub label: String,
    pub values: Vec<Option<f64>>,
}

/// Lines of values by month between `lo` and `hi` (maturity 1–5), each
/// series distinct without colour; `months` labels the x axis.
pub fn lines(
    id: &str,
    title: &str,
    months: &[String],
    series: &[Series],
    lo: f64,
    hi: f64,
) -> String {
    let (w, h, left, right, bottom, top) =
        (680.0_f64, 240.0_f64, 34.0_f64, 70.0_f64, 30.0_f64, 10.0_f64);
    let n = (months.len().max(2) - 1) as f64;
    let x = |i: usize| left + (w - left - right) * i as f64 / n;
    let span = (hi - lo).max(f64::EPSILON);
    let y = |v: f64| top + (h - top - bottom) * (1.0 - (v.clamp(lo, hi) - lo) / span);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" role=\"img\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"11\"><title>{}</title>",
        esc(id),
        esc(title)
    );
    let mut v = lo;
    while v <= hi + 1e-9 {
        s.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{yv:.1}\" y2=\"{yv:.1}\" stroke=\"#bbb\" stroke-width=\"0.5\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.1}</text>",
            w - right,
            left - 4.0,
            y(v) + 4.0,
            yv = y(v)
        ));
        v += 1.0;
    }
    for (i, m) in months.iter().enumerate() {
        if months.len() <= 12 || i % 3 == 0 {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x(i),
                h - 12.0,
                esc(m.get(2..).unwrap_or(m))
            ));
        }
    }
    let mut labels: Vec<(usize, f64)> = Vec::new();
    for (k, se) in series.iter().enumerate() {
        let pts: Vec<(usize, f64)> = se
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let path: Vec<String> = pts
            .iter()
            .map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v)))
            .collect();
        s.push_str(&format!(
            "<g class=\"series\" data-label=\"{}\"><polyline points=\"{}\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"{}\"/>",
            esc(&se.label),
            path.join(" "),
            DASH[k % DASH.len()]
        ));
        for (i, v) in &pts {
            s.push_str(&marker(k, x(*i), y(*v)));
        }
        let (li, lv) = pts[pts.len() - 1];
        // labels ending at the same height are moved apart
        let mut ly = y(lv) + 4.0;
        while labels
            .iter()
            .any(|(i, l): &(usize, f64)| *i == li && (l - ly).abs() < 11.0)
        {
            ly += 11.0;
        }
        labels.push((li, ly));
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{ly:.1}\">{} {lv:.1}</text></g>",
            x(li) + 6.0,
            esc(&se.label)
        ));
    }
    s.push_str("</svg>");
    s
}

/// A key result's values by month against its target (a dashed line); the
/// axis spans the values, the baseline and the target.
pub fn kr(
    id: &str,
    title: &str,
    months: &[String],
    values: &[Option<f64>],
    target: f64,
    baseline: Option<f64>,
) -> String {
    let (w, h, left, bottom, top, right) =
        (300.0_f64, 120.0_f64, 40.0_f64, 20.0_f64, 18.0_f64, 8.0_f64);
    let all: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .chain([target])
        .chain(baseline)
        .collect();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let mut hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if hi <= lo {
        hi = lo + 1.0;
    }
    let n = (months.len().max(2) - 1) as f64;
    let x = |i: usize| left + (w - left - right) * i as f64 / n;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - (v - lo) / (hi - lo));
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" class=\"kr-chart\" role=\"img\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"10\"><title>{}</title><text x=\"2\" y=\"11\" font-size=\"11\">{}</text>",
        esc(id),
        esc(title),
        esc(title)
    );
    for v in [lo, hi] {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 3.0,
            y(v) + 3.0,
            num(v)
        ));
    }
    s.push_str(&format!(
        "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-width=\"0.5\"/>",
        w - right,
        h - bottom,
        h - bottom
    ));
    s.push_str(&format!(
        "<line class=\"target\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{yt:.1}\" y2=\"{yt:.1}\" stroke=\"#000\" stroke-dasharray=\"5 3\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
        w - right,
        w - right,
        y(target) - 3.0,
        num(target),
        yt = y(target)
    ));
    let pts: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    if !pts.is_empty() {
        let path: Vec<String> = pts
            .iter()
            .map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v)))
            .collect();
        s.push_str(&format!(
            "<polyline class=\"values\" points=\"{}\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\"/>",
            path.join(" ")
        ));
        for (i, v) in &pts {
            s.push_str(&marker(0, x(*i), y(*v)));
        }
    }
    if let (Some(f), Some(l)) = (months.first(), months.last()) {
        s.push_str(&format!(
            "<text x=\"{left}\" y=\"{:.1}\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            h - 6.0,
            esc(f),
            w - right,
            h - 6.0,
            esc(l)
        ));
    }
    s.push_str("</svg>");
    s
}

pub use zian_domain::maturity::number as num;

/// Planned against actual per row (hours by role, budget by category):
/// the plan an outlined bar, the actual a solid one beneath it, both
/// labelled — told apart without colour.
pub fn pairs(id: &str, title: &str, rows: &[(String, f64, f64)], legend: (&str, &str)) -> String {
    let (w, left, right, bar, gap) = (680.0_f64, 120.0_f64, 90.0_f64, 9.0_f64, 8.0_f64);
    let h = 24.0 + rows.len() as f64 * (2.0 * bar + gap) + 8.0;
    let max = rows
        .iter()
        .flat_map(|(_, p, a)| [*p, *a])
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let x = |v: f64| (w - left - right) * v.max(0.0) / max;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" role=\"img\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"11\"><title>{}</title>",
        esc(id),
        esc(title)
    );
    s.push_str(&format!(
        "<rect x=\"{left}\" y=\"4\" width=\"12\" height=\"8\" fill=\"#fff\" stroke=\"#000\"/><text x=\"{:.1}\" y=\"12\">{}</text><rect x=\"{:.1}\" y=\"4\" width=\"12\" height=\"8\" fill=\"#000\"/><text x=\"{:.1}\" y=\"12\">{}</text>",
        left + 16.0,
        esc(legend.0),
        left + 90.0,
        left + 106.0,
        esc(legend.1)
    ));
    for (i, (name, planned, actual)) in rows.iter().enumerate() {
        let y = 24.0 + i as f64 * (2.0 * bar + gap);
        s.push_str(&format!(
            "<g class=\"pair\" data-name=\"{}\"><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect class=\"planned\" x=\"{left}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bar}\" fill=\"#fff\" stroke=\"#000\"/><rect class=\"actual\" x=\"{left}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bar}\" fill=\"#000\"/><text x=\"{:.1}\" y=\"{:.1}\">{} / {}</text></g>",
            esc(name),
            left - 6.0,
            y + bar + 3.0,
            esc(name),
            x(*planned),
            y + bar,
            x(*actual),
            left + x(planned.max(*actual)) + 6.0,
            y + bar + 3.0,
            num(*planned),
            num(*actual)
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_draw_each_series_distinctly_with_gaps_left_out() {
        let months: Vec<String> = ["2026-02", "2026-03", "2026-04"].map(String::from).to_vec();
        let s = lines(
            "maturity-chart",
            "<成熟度>",
            &months,
            &[
                Series {
                    label: "L1".into(),
                    values: vec![Some(2.0), Some(2.2), None],
                },
                Series {
                    label: "L2".into(),
                    values: vec![Some(1.5), None, Some(1.8)],
                },
                Series {
                    label: "L3".into(),
                    values: vec![None, None, None],
                },
            ],
            1.0,
            5.0,
        );
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("&lt;成熟度&gt;"));
        assert_eq!(
            s.matches("class=\"series\"").count(),
            2,
            "a series without values is not drawn"
        );
        assert!(
            s.contains("stroke-dasharray=\"6 3\""),
            "the second line is dashed"
        );
        assert!(s.contains(">L2 1.8<"), "labelled at its last value");
    }

    #[test]
    fn pairs_draw_the_plan_outlined_and_the_actual_solid() {
        let s = pairs(
            "hours-chart",
            "工時",
            &[
                ("資安專員".into(), 120.0, 90.0),
                ("外部顧問".into(), 0.0, 8.0),
            ],
            ("計劃", "實際"),
        );
        assert_eq!(s.matches("class=\"pair\"").count(), 2);
        assert!(s.contains(">120 / 90<") && s.contains(">0 / 8<"));
        // the largest value spans the width; the plan of 0 has none
        assert!(
            s.contains("class=\"planned\" x=\"120\" y=\"24.0\" width=\"470.0\""),
            "{s}"
        );
        assert!(
            s.contains("class=\"planned\" x=\"120\" y=\"50.0\" width=\"0.0\""),
            "{s}"
        );
    }

    #[test]
    fn a_key_result_chart_shows_the_target_line_and_its_values() {
        let months: Vec<String> = ["2026-02", "2026-03"].map(String::from).to_vec();
        let s = kr(
            "kr-KR2.1",
            "KR2.1",
            &months,
            &[Some(8.0), Some(5.5)],
            4.0,
            Some(10.0),
        );
        assert!(s.contains("class=\"target\""));
        assert_eq!(s.matches("<circle").count(), 2);
        assert!(s.contains(">4<") && s.contains(">10<"));
        let empty = kr("kr-x", "x", &months, &[None, None], 0.0, None);
        assert!(!empty.contains("polyline"));
        assert_eq!(num(3.0), "3");
        assert_eq!(num(99.5), "99.5");
    }
}
