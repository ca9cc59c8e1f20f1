//! Terminal safety: raw mode and the alternate screen are undone on every exit path — normal
//! quit, error, panic (ratatui's hook plus ours for the cursor and paste mode), SIGTERM and
//! Ctrl-C (handled by the run loop, then `Drop`) — and Ctrl-Z suspends properly.

use std::io::{self, Write};
use std::sync::Once;

use base64::Engine;
use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, enable_raw_mode};
use ratatui::DefaultTerminal;

use crate::app::state::State;

/// The live terminal. Dropping it restores the terminal.
pub struct Tui {
    terminal: DefaultTerminal,
    active: bool,
}

static PANIC_HOOK: Once = Once::new();

/// Shows the cursor and leaves paste mode before the default panic message; ratatui's hook
/// (installed later, so it runs first) has already left raw mode and the alternate screen.
fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(io::stdout(), DisableBracketedPaste, Show);
            previous(info);
        }));
    });
}

impl Tui {
    /// Raw mode, alternate screen, bracketed paste, panic hooks.
    pub fn enter() -> io::Result<Tui> {
        install_panic_hook();
        let terminal = ratatui::try_init()?;
        let mut tui = Tui {
            terminal,
            active: true,
        };
        if let Err(e) = execute!(io::stdout(), EnableBracketedPaste) {
            tui.restore();
            return Err(e);
        }
        Ok(tui)
    }

    pub fn draw(&mut self, state: &State) -> io::Result<()> {
        self.terminal.draw(|frame| crate::ui::draw(frame, state))?;
        Ok(())
    }

    /// Gives the terminal back (idempotent).
    pub fn restore(&mut self) {
        if self.active {
            let _ = execute!(io::stdout(), DisableBracketedPaste, Show);
            ratatui::restore();
            self.active = false;
        }
    }

    /// Takes the terminal again after a suspend or SIGCONT and forces a full redraw.
    pub fn resume(&mut self) -> io::Result<()> {
        enable_raw_mode()?;
        execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
        self.active = true;
        self.terminal.clear()
    }

    /// Ctrl-Z: restore, stop the process like the shell expects, and take the terminal back
    /// once resumed (`fg`). Raw mode turns Ctrl-Z into a key, so we raise SIGTSTP ourselves.
    pub fn suspend(&mut self) -> io::Result<()> {
        self.restore();
        // SAFETY: raise(3) only delivers a signal to this process; SIGTSTP's default action
        // stops it until SIGCONT. No Rust state is touched.
        unsafe {
            libc::raise(libc::SIGTSTP);
        }
        self.resume()
    }

    /// Puts `text` on the clipboard with OSC 52, which terminals honour over SSH too.
    pub fn copy_to_clipboard(&mut self, text: &str) -> io::Result<()> {
        let out = self.terminal.backend_mut();
        out.write_all(osc52(text).as_bytes())?;
        out.flush()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        self.restore();
    }
}

/// The OSC 52 "set clipboard" sequence for `text`.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{encoded}\x07")
}

#[cfg(test)]
mod tests;
