//! A 3-row block font for the overview's score and grade.

const GLYPHS: &[(char, [&str; 3])] = &[
    ('0', ["█▀█", "█ █", "█▄█"]),
    ('1', ["▀█ ", " █ ", "▄█▄"]),
    ('2', ["▀▀█", "█▀▀", "█▄▄"]),
    ('3', ["▀▀█", " ▀█", "▄▄█"]),
    ('4', ["█ █", "▀▀█", "  █"]),
    ('5', ["█▀▀", "▀▀█", "▄▄█"]),
    ('6', ["█▀▀", "█▀█", "█▄█"]),
    ('7', ["▀▀█", "  █", "  █"]),
    ('8', ["█▀█", "█▀█", "█▄█"]),
    ('9', ["█▀█", "▀▀█", "▄▄█"]),
    ('A', ["▄▀▄", "█▀█", "▀ ▀"]),
    ('B', ["█▀▄", "█▀▄", "▀▀ "]),
    ('C', ["█▀▀", "█  ", "▀▀▀"]),
    ('D', ["█▀▄", "█ █", "▀▀ "]),
    ('F', ["█▀▀", "█▀ ", "▀  "]),
    ('-', ["   ", "▀▀▀", "   "]),
];

/// Three rows of `text` in the block font; unknown chars are blank.
pub fn render(text: &str) -> [String; 3] {
    let mut rows = [String::new(), String::new(), String::new()];
    for (i, c) in text.chars().enumerate() {
        let glyph = GLYPHS
            .iter()
            .find(|(g, _)| *g == c)
            .map_or(["   ", "   ", "   "], |(_, rows)| *rows);
        for (row, part) in rows.iter_mut().zip(glyph) {
            if i > 0 {
                row.push(' ');
            }
            row.push_str(part);
        }
    }
    rows
}

/// Width in cells of `text` rendered big.
pub fn width(text: &str) -> usize {
    let n = text.chars().count();
    if n == 0 { 0 } else { n * 4 - 1 }
}

#[cfg(test)]
mod tests;
