#!/usr/bin/env python3
"""Convert a terminal capture (`tmux capture-pane -e -p`) to a standalone HTML page.

Understands the SGR sequences tmux emits: reset, bold, dim, italic, underline, reverse,
strike-through, the 8/16 basic colours, 256-colour indexes and 24-bit colour (both `;` and
`:` separated). Every non-ASCII character is placed in a cell of exactly one (or two, for
wide characters) column, so box drawing and glyphs from fallback fonts stay on the grid.

Usage: ansi2html.py [--cols N] [--rows N] [--fg #hex] [--bg #hex] [--font-size PX]
                    [--title TEXT] < capture.ansi > page.html
Prints nothing else; the page size in CSS pixels is written to stderr as `WIDTHxHEIGHT`.
"""

import argparse
import html
import re
import sys
import unicodedata

# The 16 basic colours (a calm xterm-like palette, readable on dark and light).
BASIC = [
    "#1c1c1c", "#d75f5f", "#87af5f", "#d7af5f", "#5f87af", "#af87af", "#5fafaf", "#bcbcbc",
    "#6c6c6c", "#ff8787", "#afd787", "#ffd787", "#87afd7", "#d7afd7", "#87d7d7", "#eeeeee",
]


def xterm256(n: int) -> str:
    if n < 16:
        return BASIC[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        r, g, b = steps[n // 36], steps[(n // 6) % 6], steps[n % 6]
        return f"#{r:02x}{g:02x}{b:02x}"
    v = 8 + 10 * (n - 232)
    return f"#{v:02x}{v:02x}{v:02x}"


class Style:
    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline", "reverse", "strike")

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = False
        self.dim = False
        self.italic = False
        self.underline = False
        self.reverse = False
        self.strike = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.dim, self.italic, self.underline,
                self.reverse, self.strike)


def parse_color(params, i):
    """Extended colour at params[i] (38/48 already consumed). Returns (colour, next index)."""
    if i < len(params) and params[i] == 5 and i + 1 < len(params):
        return xterm256(params[i + 1]), i + 2
    if i < len(params) and params[i] == 2 and i + 3 < len(params):
        r, g, b = params[i + 1:i + 4]
        return f"#{r & 255:02x}{g & 255:02x}{b & 255:02x}", i + 4
    return None, len(params)


def apply_sgr(style: Style, raw: str):
    # `38:5:n` and `38:2::r:g:b` (colon forms) become plain lists; empty fields are dropped
    # for the colon form's colour-space slot.
    groups = raw.split(";") if raw else ["0"]
    params = []
    for g in groups:
        if ":" in g:
            parts = g.split(":")
            head = [int(p) if p else 0 for p in parts[:2]]
            rest = [int(p) for p in parts[2:] if p != ""]
            if head and head[0] in (38, 48, 58) and len(head) > 1 and head[1] == 2 and len(rest) == 4:
                rest = rest[1:]  # colour-space id present
            params.extend(head + rest)
        else:
            params.append(int(g) if g else 0)
    i = 0
    while i < len(params):
        p = params[i]
        i += 1
        if p == 0:
            style.reset()
        elif p == 1:
            style.bold = True
        elif p == 2:
            style.dim = True
        elif p == 3:
            style.italic = True
        elif p == 4:
            style.underline = True
        elif p == 7:
            style.reverse = True
        elif p == 9:
            style.strike = True
        elif p == 22:
            style.bold = style.dim = False
        elif p == 23:
            style.italic = False
        elif p == 24:
            style.underline = False
        elif p == 27:
            style.reverse = False
        elif p == 29:
            style.strike = False
        elif 30 <= p <= 37:
            style.fg = BASIC[p - 30]
        elif p == 38:
            style.fg, i = parse_color(params, i)
        elif p == 39:
            style.fg = None
        elif 40 <= p <= 47:
            style.bg = BASIC[p - 40]
        elif p == 48:
            style.bg, i = parse_color(params, i)
        elif p == 49:
            style.bg = None
        elif 90 <= p <= 97:
            style.fg = BASIC[p - 90 + 8]
        elif 100 <= p <= 107:
            style.bg = BASIC[p - 100 + 8]
        elif p == 58:
            _, i = parse_color(params, i)  # underline colour: ignored
        # anything else (blink, overline, ...) is ignored


ESC = re.compile(r"\x1b\[([0-9;:]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")


def parse(text: str, cols: int, rows: int):
    """Returns rows of cells: (char, width, style key); a wide char's shadow cell is skipped."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    style = Style()
    grid = []
    for line in lines[:rows]:
        cells = []
        col = 0
        pos = 0
        for m in ESC.finditer(line):
            chunk = line[pos:m.start()]
            col = add_text(cells, chunk, style, col)
            pos = m.end()
            if m.group(2) == "m":
                apply_sgr(style, m.group(1))
        col = add_text(cells, line[pos:], style, col)
        # Pad to the full width with the style in force (tmux trims trailing blanks).
        while col < cols:
            cells.append((" ", 1, Style().key()))
            col += 1
        grid.append(cells)
    while len(grid) < rows:
        grid.append([(" ", 1, Style().key())] * cols)
    return grid


def add_text(cells, chunk, style, col):
    for ch in chunk:
        if ch in "\r\n" or (ord(ch) < 32):
            continue
        if unicodedata.combining(ch) and cells:
            c, w, k = cells[-1]
            cells[-1] = (c + ch, w, k)
            continue
        w = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        cells.append((ch, w, style.key()))
        col += w
    return col


def css_for(key, fg_default, bg_default):
    fg, bg, bold, dim, italic, underline, reverse, strike = key
    fg = fg or fg_default
    bg_eff = bg
    if reverse:
        fg, bg_eff = (bg or bg_default), (fg or fg_default)
    out = [f"color:{fg}"]
    if bg_eff:
        out.append(f"background:{bg_eff}")
    if bold:
        out.append("font-weight:bold")
    if dim:
        out.append("opacity:0.6")
    if italic:
        out.append("font-style:italic")
    deco = [d for d, on in (("underline", underline), ("line-through", strike)) if on]
    if deco:
        out.append("text-decoration:" + " ".join(deco))
    return ";".join(out)


def dominant_bg(grid, default):
    """A theme that paints its own background (light) gets it around the page too."""
    counts = {}
    total = 0
    for row in grid:
        for _, _, key in row:
            bg, reverse = key[1], key[6]
            if not reverse:
                counts[bg] = counts.get(bg, 0) + 1
            total += 1
    best = max(counts.items(), key=lambda kv: kv[1], default=(None, 0))
    return best[0] if best[0] and best[1] * 2 > total else default


def render(grid, fg, bg, font_size, title):
    page_bg = dominant_bg(grid, bg)
    classes = {}
    body = []
    for row in grid:
        out = []
        run_key, run_text = None, []

        def flush():
            if run_text:
                cls = classes.setdefault(run_key, f"s{len(classes)}")
                out.append(f'<span class="{cls}">{"".join(run_text)}</span>')

        for ch, w, key in row:
            if key != run_key:
                flush()
                run_key, run_text = key, []
            if ord(ch[0]) < 128:
                run_text.append(html.escape(ch))
            else:
                # Box drawing and block elements are stretched to the full line height so
                # borders and big digits join up between rows, as in a terminal.
                box = " b" if 0x2500 <= ord(ch[0]) <= 0x259F else ""
                run_text.append(f'<i class="w{w}{box}">{html.escape(ch)}</i>')
        flush()
        body.append(f'<div class="l">{"".join(out)}</div>')
    rules = "\n".join(
        f".{cls}{{{css_for(key, fg, bg)}}}" for key, cls in classes.items()
    )
    line_h = round(font_size * 1.2)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
html,body{{margin:0;padding:0;background:{page_bg};}}
.t{{padding:{PAD}px;font-family:"DejaVu Sans Mono","Menlo","Consolas",monospace;
font-size:{font_size}px;line-height:{line_h}px;color:{fg};
font-variant-ligatures:none;-webkit-font-smoothing:antialiased;}}
.l{{height:{line_h}px;overflow:hidden;white-space:pre;}}
.l span{{display:inline-block;height:{line_h}px;vertical-align:top;}}
i{{font-style:inherit;display:inline-block;text-align:center;overflow:visible;}}
.w1{{width:1ch;}} .w2{{width:2ch;}}
.b{{transform:scaleY(1.12);}}
{rules}
</style></head>
<body><div class="t">{"".join(body)}</div></body></html>
"""


PAD = 14


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--fg", default="#d0d0d0")
    ap.add_argument("--bg", default="#1c1c1c")
    ap.add_argument("--font-size", type=int, default=14)
    ap.add_argument("--title", default="parapet")
    args = ap.parse_args()
    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    grid = parse(text, args.cols, args.rows)
    sys.stdout.write(render(grid, args.fg, args.bg, args.font_size, args.title))
    # DejaVu Sans Mono advances 0.602 em per column.
    width = round(args.cols * args.font_size * 0.6021 + 2 * PAD)
    height = args.rows * round(args.font_size * 1.2) + 2 * PAD
    print(f"{width}x{height}", file=sys.stderr)


if __name__ == "__main__":
    main()
