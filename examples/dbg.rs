fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut texts = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        texts.push(std::fs::read_to_string(p).unwrap());
    }
    let total: usize = texts.iter().map(|t| t.len()).sum();
    for _ in 0..3 {
        let t0 = std::time::Instant::now();
        let mut n = 0;
        for t in &texts {
            n += treaty_analyser::parse(t).document.root.children.len();
        }
        let dt = t0.elapsed().as_secs_f64();
        println!("{n} {:.1} MB/s", total as f64 / dt / 1e6);
    }
}
