//! Two texts (the input split at its first NUL byte, or in half): the diff never panics,
//! every change's inline ops rebuild both texts exactly (the JSON contract's invariant),
//! loading the versions on two threads gives the same diff, and the hand-written JSON of
//! the changes is serde_json's.
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
    // Loading both versions on two threads (as the CLI does) gives the same diff.
    let (Ok(va), Ok(vb)) = diff::load::load_versions(
        || Ok::<_, ()>(a.to_string()),
        || Ok(b.to_string()),
        true,
        &|| {},
    ) else {
        panic!("reading from memory cannot fail");
    };
    let loaded = diff::diff_prepared(&va.parse.document, va.prepared, &vb.parse.document, vb.prepared, &opts);
    assert_eq!(loaded.changes, d.changes, "loading on two threads changed the diff");
    // The hand-written JSON of the changes is serde_json's, byte for byte.
    let mut own = b"[".to_vec();
    treaty_analyser::render::json::write_changes(&mut own, &d.changes, false);
    own.push(b']');
    assert_eq!(Ok(own), serde_json::to_vec(&d.changes).map_err(|e| e.to_string()));
    // The renderers must cope with whatever the diff produced.
    let ro = treaty_analyser::render::diff::RenderOptions::default();
    let _ = treaty_analyser::render::diff::term(&d, "a", "b", &ro);
    let _ = treaty_analyser::render::diff::markdown(&d, "a", "b", &ro);
    let va = treaty_analyser::render::Version::new("a", a, &pa.document);
    let vb = treaty_analyser::render::Version::new("b", b, &pb.document);
    let _ = treaty_analyser::render::html::html(&d, &va, &vb, &ro);
    let _ = treaty_analyser::render::docx::docx(&d, &va, &vb, &ro, "2009-11-29T00:00:00Z");
});
