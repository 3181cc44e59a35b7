// The wide-character ncurses (ncursesw) for the console. Only Console/Terminal.swift imports it.
// Swift cannot call variadic C functions (printw) nor see function-like macros (A_BOLD,
// getmaxyx) or, in Swift 6 mode, mutable globals (stdscr, LINES, COLS): wrapped here.
#ifndef ENVOI_CNCURSES_SHIM_H
#define ENVOI_CNCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>
#include <curses.h>

static inline WINDOW *envoi_stdscr(void) { return stdscr; }
static inline int envoi_lines(void) { return LINES; }
static inline int envoi_cols(void) { return COLS; }
static inline void envoi_getmaxyx(WINDOW *window, int *rows, int *columns) {
    int y, x;
    getmaxyx(window, y, x);
    *rows = y;
    *columns = x;
}

static inline attr_t envoi_a_normal(void) { return A_NORMAL; }
static inline attr_t envoi_a_bold(void) { return A_BOLD; }
static inline attr_t envoi_a_reverse(void) { return A_REVERSE; }
static inline attr_t envoi_a_underline(void) { return A_UNDERLINE; }
static inline attr_t envoi_a_dim(void) { return A_DIM; }
static inline attr_t envoi_color_pair(short pair) { return COLOR_PAIR(pair); }

static inline int envoi_key_resize(void) { return KEY_RESIZE; }

/// Sets the attributes and colour pair used by the next writes (attr_set is a macro in some builds).
static inline void envoi_attr_set(attr_t attributes, short pair) { attr_set(attributes, pair, NULL); }

/// Writes `count` wide characters at (y, x) with the current attributes.
static inline int envoi_mvaddnwstr(int y, int x, const wchar_t *text, int count) { return mvaddnwstr(y, x, text, count); }

/// The terminal as it was before curses, put back by the crash and exit paths below.
// Storage lives in function-local statics: Swift emits the inline functions that use them,
// not file-scope variables of an imported header.
static inline struct termios *envoi_saved_termios(void) { static struct termios saved; return &saved; }
static inline volatile sig_atomic_t *envoi_terminal_saved(void) { static volatile sig_atomic_t saved = 0; return &saved; }
static inline volatile sig_atomic_t *envoi_curses_active(void) { static volatile sig_atomic_t active = 0; return &active; }

/// Leaves the alternate screen, shows the cursor, resets attributes and the tty modes, using
/// only async-signal-safe calls (write, tcsetattr): what a crash handler may do.
static inline void envoi_restore_terminal_raw(void) {
    static const char reset[] = "\033[0m\033[?25h\033[?1049l\r\n";
    if (*envoi_terminal_saved()) tcsetattr(STDIN_FILENO, TCSANOW, envoi_saved_termios());
    ssize_t ignored = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)ignored;
}

static inline void envoi_crash_handler(int signal_number) {
    if (*envoi_curses_active()) envoi_restore_terminal_raw();
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

static inline void envoi_exit_handler(void) {
    if (*envoi_curses_active()) {
        *envoi_curses_active() = 0;
        endwin();
    }
}

/// Saves the tty modes and installs the crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP)
/// and exit restorers; call once before initscr.
static inline void envoi_install_terminal_restorers(void) {
    if (tcgetattr(STDIN_FILENO, envoi_saved_termios()) == 0) *envoi_terminal_saved() = 1;
    int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    for (unsigned i = 0; i < sizeof fatal / sizeof fatal[0]; i++) signal(fatal[i], envoi_crash_handler);
    atexit(envoi_exit_handler);
}

static inline void envoi_set_curses_active(int active) { *envoi_curses_active() = active; }

#endif
