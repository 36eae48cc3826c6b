//! Users generated per second, with no database: the share of a run's
//! time that generation costs. `cargo bench --bench generate [-- N]`.
#![allow(dead_code, unused_imports)]

#[path = "../src/app/mod.rs"]
mod app;
#[path = "../src/catalog.rs"]
mod catalog;
#[path = "../src/generate/mod.rs"]
mod generate;
#[path = "../src/plan/mod.rs"]
mod plan;
#[path = "../src/value.rs"]
mod value;

use std::hint::black_box;
use std::time::Instant;

use generate::{RolePicker, RowSource, UserGenerator};

fn main() {
    let count: u64 = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(1_000_000);
    let roles = [(1, "User".to_owned()), (2, "Administrator".to_owned())];
    let Ok(picker) = RolePicker::new(&roles, None, None) else {
        eprintln!("cannot build the role picker");
        std::process::exit(1);
    };
    let mut generator = UserGenerator::new(
        1,
        &app::flask_base::PRESET.plan(),
        generate::Names::new(generate::Locale::En),
        Some(picker),
        &roles,
        true,
        "hash".into(),
        generate::reference_now(),
    );
    let mut row = value::Row::new();
    let started = Instant::now();
    for _ in 0..count {
        generator.next_into(&mut row);
        black_box(&row);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "generate: {count} users in {seconds:.3}s, {:.0} rows/s",
        count as f64 / seconds
    );
}
