//! Two texts (the input split at its first NUL byte, or in half): the diff never panics,
//! every change's inline ops rebuild both texts exactly (the JSON contract's invariant),
//! and one thread gives the same diff as several.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::Duration;
use treaty_analyser::diff;

fuzz_target!(|data: &[u8]| {
    let cut = data.iter().position(|&b| b == 0).unwrap_or(data.len() / 2);
    let (a, b) = (&data[..cut], &data[(cut + 1).min(data.len())..]);
    let (Ok(a), Ok(b)) = (std::str::from_utf8(a), std::str::from_utf8(b)) else {
        return;
    };
    let (pa, pb) = (treaty_analyser::parse(a), treaty_analyser::parse(b));
    let opts = diff::DiffOptions {
        timeout: Duration::from_secs(2),
    };
    let d = diff::diff(&pa.document, &pb.document, &opts);
    if let Err(e) = diff::check_reconstruction(&d, a, b) {
        panic!("reconstruction invariant broken: {e}");
    }
    // The diff does not depend on the number of threads.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a pool");
    let alone = pool.install(|| diff::diff(&pa.document, &pb.document, &opts));
    if d.summary.fallback.is_none() && alone.summary.fallback.is_none() {
        assert_eq!(alone.changes, d.changes, "one thread changed the diff");
    }
    // The renderers must cope with whatever the diff produced.
    let ro = treaty_analyser::render::diff::RenderOptions::default();
    let _ = treaty_analyser::render::diff::term(&d, "a", "b", &ro);
    let _ = treaty_analyser::render::diff::markdown(&d, "a", "b", &ro);
    let va = treaty_analyser::render::ComparedFile::new("a", a, &pa.document);
    let vb = treaty_analyser::render::ComparedFile::new("b", b, &pb.document);
    let _ = treaty_analyser::render::html::html(&d, &va, &vb, &ro);
    let _ = treaty_analyser::render::docx::docx(&d, &va, &vb, &ro, "2009-11-29T00:00:00Z");
});
