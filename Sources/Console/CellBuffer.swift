/// What a cell means on screen. The terminal maps each role to a colour pair, or to plain
/// attributes (bold, reverse) when colour is off (`NO_COLOR`, a monochrome terminal).
public enum CellRole: UInt8, Sendable, CaseIterable {
    case normal, title, tab, activeTab, header, selected, dim, ok, warning, danger, accent, statusBar, input, error
}

/// One screen cell: a character (a grapheme, possibly two columns wide) and its role. The
/// column after a wide character holds a continuation cell that the terminal skips.
public struct Cell: Equatable, Sendable {
    /// What is drawn (a space for blank and continuation cells).
    public var character: Character
    /// How it is drawn.
    public var role: CellRole
    /// The right half of the wide character in the cell before.
    public var isContinuation: Bool

    /// A space in the normal role.
    public static let blank = Cell(character: " ", role: .normal, isContinuation: false)
}

/// The whole screen as a grid of cells: the renderer writes it without a terminal, the terminal
/// diffs it against the previous frame and writes only the rows that changed (no flicker).
public struct CellBuffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    private var cells: [Cell]

    /// A blank screen of `width` × `height` cells.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The cell at column `x` of row `y`.
    public subscript(x x: Int, y y: Int) -> Cell {
        cells[y * width + x]
    }

    /// The cells of row `y`.
    public func row(_ y: Int) -> ArraySlice<Cell> {
        cells[(y * width)..<((y + 1) * width)]
    }

    /// Writes `text` from column `x` of row `y`, at most `maxWidth` columns (to the right edge by
    /// default); text that does not fit ends in `…`. Returns the columns written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, role: CellRole = .normal) -> Int {
        guard y >= 0, y < height, x >= 0, x < width else { return 0 }
        let limit = min(maxWidth ?? (width - x), width - x)
        guard limit > 0 else { return 0 }
        var column = x
        for character in DisplayWidth.truncate(text, to: limit) {
            let columns = DisplayWidth.of(character)
            if columns == 0 { continue }
            cells[y * width + column] = Cell(character: character, role: role, isContinuation: false)
            if columns == 2 {
                cells[y * width + column + 1] = Cell(character: " ", role: role, isContinuation: true)
            }
            column += columns
        }
        return column - x
    }

    /// Gives columns `x..<x+count` of row `y` the role `role` (a highlighted or coloured band).
    public mutating func paint(y: Int, x: Int = 0, count: Int? = nil, role: CellRole) {
        guard y >= 0, y < height else { return }
        let end = min(width, x + (count ?? width))
        guard x < end else { return }
        for column in max(0, x)..<end { cells[y * width + column].role = role }
    }

    /// The screen as text, one string per row, trailing spaces removed (as `tmux capture-pane` shows it).
    public var lines: [String] {
        (0..<height).map { y in
            var line = ""
            for cell in row(y) where !cell.isContinuation { line.append(cell.character) }
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
