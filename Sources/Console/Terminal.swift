import CNcurses
import EnvoiCore
import Foundation
import Synchronization

/// The only code that calls curses, all of it on one dedicated thread: it reads keys with a
/// timeout (no busy loop: idle, it wakes ten times a second), hands them to the session, and
/// when the model's version or the window size changed it renders a new cell buffer and writes
/// only the rows that differ from the previous frame (no clear, so no flicker on resize).
final class Terminal: Sendable {
    private let session: ConsoleSession
    private let colors: Bool
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// How long one `get_wch` waits for a key, in tenths of a second (curses' `halfdelay` unit).
    static let keyWaitTenths: Int32 = 1

    init(session: ConsoleSession, colors: Bool) {
        self.session = session
        self.colors = colors
    }

    /// Starts the terminal thread.
    func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "envoi-console"
        thread.start()
    }

    /// Asks the thread to restore the terminal and waits until it has.
    func stop() async {
        stopping.store(true, ordering: .relaxed)
        await Blocking.run { [finished] in finished.wait() }
    }

    private func run() {
        // ncursesw needs the locale for UTF-8 (SWIFT-NOTES: else text and line drawing garble).
        setlocale(LC_ALL, "")
        envoi_install_terminal_restorers()
        // The window's real size (ioctl) wins over LINES/COLUMNS inherited from a parent shell,
        // which go stale on the first resize (use_env(false) would fall back to terminfo's 80×24).
        use_tioctl(true)
        initscr()
        envoi_set_curses_active(1)
        cbreak()
        noecho()
        nonl()
        keypad(envoi_stdscr(), true)
        halfdelay(Self.keyWaitTenths)
        set_escdelay(25)
        curs_set(0)
        let palette = Palette(colors: colors && has_colors())
        var previous: CellBuffer?
        var drawnVersion = -1
        while !stopping.load(ordering: .relaxed) {
            var rows: Int32 = 0
            var columns: Int32 = 0
            envoi_getmaxyx(envoi_stdscr(), &rows, &columns)
            let (model, version) = session.snapshot()
            if version != drawnVersion || previous?.width != Int(columns) || previous?.height != Int(rows) {
                let frame = Renderer.render(model, width: Int(columns), height: Int(rows))
                draw(frame, over: previous, palette)
                previous = frame
                drawnVersion = version
            }
            guard let key = readKey() else { continue }
            if key == .resize {
                previous = nil
                continue
            }
            if case .key(let key) = key { session.handle(key) }
        }
        envoi_set_curses_active(0)
        endwin()
    }

    private enum Input: Equatable {
        case key(Key)
        case resize
    }

    /// The next key, or nil when none came within the wait.
    private func readKey() -> Input? {
        var character: wint_t = 0
        let result = get_wch(&character)
        if result == ERR { return nil }
        if result == KEY_CODE_YES {
            switch Int32(character) {
            case envoi_key_resize(): return .resize
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_ENTER: return .key(.enter)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_BTAB: return .key(.backTab)
            default: return nil
            }
        }
        switch character {
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 9: return .key(.tab)
        case 8, 127: return .key(.backspace)
        default:
            guard character >= 32, let scalar = Unicode.Scalar(UInt32(character)) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    /// Writes the rows of `frame` that differ from `previous` (all of them after a resize).
    private func draw(_ frame: CellBuffer, over previous: CellBuffer?, _ palette: Palette) {
        for y in 0..<frame.height {
            let row = frame.row(y)
            if let previous, previous.width == frame.width, previous.height == frame.height, previous.row(y) == row { continue }
            var x: Int32 = 0
            var run: [wchar_t] = []
            var runRole = row.first?.role ?? .normal
            var runStart: Int32 = 0
            func flush() {
                guard !run.isEmpty else { return }
                let (attributes, pair) = palette.style(runRole)
                envoi_attr_set(attributes, pair)
                run.withUnsafeBufferPointer { _ = envoi_mvaddnwstr(Int32(y), runStart, $0.baseAddress, Int32($0.count)) }
                run.removeAll(keepingCapacity: true)
            }
            for cell in row {
                defer { x += 1 }
                if cell.isContinuation { continue }
                if cell.role != runRole {
                    flush()
                    runRole = cell.role
                    runStart = x
                }
                if run.isEmpty { runStart = x }
                run += cell.character.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
            }
            flush()
        }
        envoi_attr_set(envoi_a_normal(), 0)
        refresh()
    }

    /// Roles → curses attributes and colour pairs; without colour (NO_COLOR, a monochrome
    /// terminal) only bold, reverse and dim tell roles apart.
    private struct Palette {
        let colors: Bool

        init(colors: Bool) {
            self.colors = colors
            guard colors else { return }
            start_color()
            use_default_colors()
            for role in CellRole.allCases {
                let (foreground, background) = Self.colorPair(role)
                init_pair(Int16(role.rawValue) + 1, foreground, background)
            }
        }

        static func colorPair(_ role: CellRole) -> (Int16, Int16) {
            switch role {
            case .title: (Int16(COLOR_BLACK), Int16(COLOR_CYAN))
            case .tab, .statusBar: (Int16(COLOR_WHITE), Int16(COLOR_BLUE))
            case .activeTab: (Int16(COLOR_BLACK), Int16(COLOR_WHITE))
            case .ok: (Int16(COLOR_GREEN), -1)
            case .warning: (Int16(COLOR_YELLOW), -1)
            case .danger, .error: (Int16(COLOR_RED), -1)
            case .accent, .header: (Int16(COLOR_CYAN), -1)
            case .selected: (Int16(COLOR_BLACK), Int16(COLOR_CYAN))
            case .normal, .dim, .input: (-1, -1)
            }
        }

        func style(_ role: CellRole) -> (attr_t, Int16) {
            let bold = envoi_a_bold(), reverse = envoi_a_reverse()
            if colors {
                let pair = Int16(role.rawValue) + 1
                switch role {
                case .title, .activeTab, .warning, .danger, .error, .header, .input: return (bold, pair)
                case .dim: return (envoi_a_dim(), pair)
                default: return (envoi_a_normal(), pair)
                }
            }
            switch role {
            case .title: return (bold | reverse, 0)
            case .tab, .statusBar, .selected: return (reverse, 0)
            case .activeTab, .header, .warning, .danger, .error, .input, .accent: return (bold, 0)
            case .dim: return (envoi_a_dim(), 0)
            case .normal, .ok: return (envoi_a_normal(), 0)
            }
        }
    }
}
