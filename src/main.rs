mod app;
mod catalog;
mod cli;
mod command;
mod config;
mod db;
mod exit_code;
mod generate;
mod plan;
mod report;
mod run;
mod signal;
mod stats;
mod value;
mod words;

use std::process::ExitCode;

use crate::exit_code::ExitStatus;

fn main() -> ExitCode {
    let cli = cli::parse();
    let json = cli.json();
    let status = match cli.into_config() {
        Err(usage) => {
            if json {
                let _ = report::write_error_json(&usage.0);
            }
            report::eprint_line(format_args!("error: {usage}"));
            ExitStatus::Usage
        }
        Ok(config) => command::run(config).unwrap_or_else(|err| {
            report::eprint_line(format_args!("error: {err:#}"));
            ExitStatus::Failure
        }),
    };
    status.into()
}
