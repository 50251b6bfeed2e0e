//! `atelier`: the command-line face of a library. Parses arguments, calls atelier-library,
//! prints text for people or JSON for scripts. Knows no SQL and no file formats.

mod args;
mod commands;
mod organise;
mod output;
mod similar;
mod studio;

fn main() -> std::process::ExitCode {
    commands::run()
}
