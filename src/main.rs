//! Thin entry point: parse the CLI, pick TUI / export / catalogue, map errors to exit codes
//! (0 ok, 2 error).

use std::process::ExitCode;

use clap::Parser;

use parapet::cli::{Cli, Command, Format};
use parapet::config::ConfigPaths;
use parapet::report;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("parapet: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Some(Command::Checks { format }) => {
            let text = match format {
                Format::Table => report::checks_table(),
                Format::Json => report::checks_json(),
                Format::Markdown => report::checks_markdown(),
            };
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Info) => {
            let paths = ConfigPaths::resolve();
            println!("parapet {}", env!("CARGO_PKG_VERSION"));
            println!("config dir:  {}", paths.dir.display());
            println!("config file: {}", paths.config_file.display());
            println!("keys file:   {}", paths.keys_file.display());
            println!("themes dir:  {}", paths.themes_dir.display());
            println!("snapshots:   {}", paths.exports_dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Open { .. }) | None => {
            anyhow::bail!("not wired yet")
        }
    }
}
