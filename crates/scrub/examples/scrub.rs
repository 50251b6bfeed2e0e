//! `cargo run -p atelier-scrub --example scrub IN OUT`: cleans one file, says what went.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        return Err("usage: scrub IN OUT".into());
    };
    let done = atelier_scrub::scrub(std::fs::read(input)?)?;
    std::fs::write(output, &done.bytes)?;
    println!("removed: {}", done.removed.join(", "));
    Ok(())
}
