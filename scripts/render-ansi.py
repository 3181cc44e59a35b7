#!/usr/bin/env python3
"""Renders a terminal frame captured with `tmux capture-pane -e -p` (text with SGR escape
sequences) to a PNG, cell by cell: 16/256/24-bit colours, bold, reverse video, wide characters.

    render-ansi.py FRAME.ans OUT.png [--columns 120] [--rows 40] [--font-size 14]

Needs Pillow and a monospace TrueType font (Debian's fonts-dejavu-core)."""
import argparse
import re
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
# xterm's default 16 colours (what tmux and most terminals show for SGR 30-37 and 90-97).
BASE = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
DEFAULT_FG, DEFAULT_BG = (229, 229, 229), (24, 24, 24)
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def palette(index):
    """The xterm 256-colour palette: 16 base colours, a 6×6×6 cube, 24 greys."""
    if index < 16:
        return BASE[index]
    if index < 232:
        index -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return steps[index // 36], steps[(index // 6) % 6], steps[index % 6]
    grey = 8 + (index - 232) * 10
    return grey, grey, grey


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.reverse = self.dim = self.underline = False

    def apply(self, codes):
        """One SGR sequence's parameters, in order (an empty list is a reset)."""
        codes = [int(c) if c else 0 for c in re.split(r"[;:]", codes)] if codes else [0]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code == 0:
                self.reset()
            elif code == 1:
                self.bold = True
            elif code == 2:
                self.dim = True
            elif code == 4:
                self.underline = True
            elif code == 7:
                self.reverse = True
            elif code == 22:
                self.bold = self.dim = False
            elif code == 24:
                self.underline = False
            elif code == 27:
                self.reverse = False
            elif 30 <= code <= 37 or 90 <= code <= 97:
                self.fg = BASE[code - 30 if code < 90 else code - 90 + 8]
            elif 40 <= code <= 47 or 100 <= code <= 107:
                self.bg = BASE[code - 40 if code < 100 else code - 100 + 8]
            elif code == 39:
                self.fg = None
            elif code == 49:
                self.bg = None
            elif code in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    colour, i = palette(codes[i + 2]), i + 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    colour, i = tuple(codes[i + 2:i + 5]), i + 4
                else:
                    colour = None
                if code == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            i += 1

    def colours(self):
        fg, bg = self.fg or DEFAULT_FG, self.bg or DEFAULT_BG
        if self.bold and self.fg in BASE[:8]:
            fg = BASE[BASE.index(self.fg) + 8]  # bold brightens the base colours, as xterm does
        if self.reverse:
            fg, bg = bg, fg
        if self.dim:
            fg = tuple(c * 2 // 3 for c in fg)
        return fg, bg


def cells(text, columns, rows):
    """The frame as rows of (character, width, style snapshot) cells."""
    style = Style()
    grid = []
    for line in text.split("\n")[:rows]:
        row, position, column = [], 0, 0
        while position < len(line) and column < columns:
            match = SGR.match(line, position)
            if match:
                style.apply(match.group(1))
                position = match.end()
                continue
            if line[position] == "\x1b":  # another escape sequence (OSC, charset): skip it
                end = re.match(r"\x1b(\][^\x07]*\x07|[()][0-9A-Za-z]|\[[0-9;?]*[A-Za-z])", line[position:])
                position += end.end() if end else 1
                continue
            char = line[position]
            position += 1
            if unicodedata.combining(char) and row:
                row[-1] = (row[-1][0] + char, *row[-1][1:])
                continue
            width = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
            row.append((char, width, style.colours(), style.bold, style.underline))
            column += width
        grid.append(row)
    return grid


def render(text, output, columns, rows, size):
    regular = ImageFont.truetype(f"{FONT_DIR}/DejaVuSansMono.ttf", size)
    bold = ImageFont.truetype(f"{FONT_DIR}/DejaVuSansMono-Bold.ttf", size)
    left, top, right, bottom = regular.getbbox("█")
    width, height = round(regular.getlength("M")), bottom - top + 2
    margin = 8
    image = Image.new("RGB", (columns * width + 2 * margin, rows * height + 2 * margin), DEFAULT_BG)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(cells(text, columns, rows)):
        x = 0
        for char, span, (fg, bg), is_bold, underline in row:
            px, py = margin + x * width, margin + y * height
            if bg != DEFAULT_BG:
                draw.rectangle([px, py, px + span * width - 1, py + height - 1], fill=bg)
            if char.strip():
                draw.text((px, py - top + 1), char, font=bold if is_bold else regular, fill=fg)
            if underline:
                draw.line([px, py + height - 2, px + span * width - 1, py + height - 2], fill=fg)
            x += span
    # Few colours: a 64-colour palette keeps the PNG small without visible loss.
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(output, optimize=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("frame")
    parser.add_argument("output")
    parser.add_argument("--columns", type=int, default=120)
    parser.add_argument("--rows", type=int, default=40)
    parser.add_argument("--font-size", type=int, default=14)
    arguments = parser.parse_args()
    with open(arguments.frame, encoding="utf-8", errors="replace") as frame:
        render(frame.read(), arguments.output, arguments.columns, arguments.rows, arguments.font_size)


if __name__ == "__main__":
    main()
