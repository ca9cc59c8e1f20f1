//! Command-line interface (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "parapet",
    version,
    about = "Security posture of serverless AWS accounts, in your terminal",
    long_about = "Parapet scores the security posture of Lambda functions, API Gateway (REST, HTTP, \
                  WebSocket), Secrets Manager and the KMS keys and IAM roles they use.\n\n\
                  Try it without an AWS account: parapet --demo"
)]
pub struct Cli {
    /// Explore the embedded demo account (an e-commerce shop) instead of AWS.
    #[arg(long, global = true)]
    pub demo: bool,

    /// With --demo: write a JSON snapshot to FILE and exit, without starting the TUI.
    #[arg(long, value_name = "FILE", requires = "demo")]
    pub export: Option<PathBuf>,

    /// Overwrite an existing export file.
    #[arg(long)]
    pub force: bool,

    /// Theme: dark, light, mono, colorblind, or a name from the config dir's themes/.
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,

    /// No colours (the mono theme). Also set by the NO_COLOR environment variable.
    #[arg(long, global = true)]
    pub no_color: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a snapshot file (from `e`, --export or `parapet scan`) in the TUI.
    Open {
        /// The snapshot JSON file.
        file: PathBuf,
    },
    /// Print the check catalogue.
    Checks {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Print version, config paths in use and where snapshots go.
    Info,
    /// Print the default key bindings (Markdown), as the README lists them.
    #[command(hide = true)]
    Keys,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
}
